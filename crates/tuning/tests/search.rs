//! Real searches on a small synthetic dataset: a search killed mid-trial
//! resumes where it stopped, results do not depend on the number of
//! workers, and broken state files are errors naming them.
//!
//! This test has its own `main` (`harness = false`): it runs itself again
//! as a child process (with `TUNING_SEARCH_CHILD` set) to have a search
//! it can kill.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use keras::layers::{Dense, Input};
use keras::{Callback, Labels, Model, Sequential, Tensor};
use tuning::tuner::{CallbackFactory, SearchOptions, TunerOptions};
use tuning::{Choice, Float, HyperParameters, Int, RandomSearch, Sampling, TrialStatus};

/// Three classes of points in 4-D, separable but not trivially.
fn data(n: usize) -> (Tensor, Labels) {
    let mut values = Vec::with_capacity(n * 4);
    let mut labels = Vec::with_capacity(n);
    let mut state: u64 = 12345;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) as f64 / (1u64 << 31) as f64) as f32 * 2.0 - 1.0
    };
    for _ in 0..n {
        let p: Vec<f32> = (0..4).map(|_| next()).collect();
        let class = if p[0] * p[1] > 0.1 {
            0
        } else if p[2] + p[3] * p[3] > 0.3 {
            1
        } else {
            2
        };
        values.extend(&p);
        labels.push(class);
    }
    (Tensor::new(values, &[n, 4]).unwrap(), Labels::Classes(labels))
}

fn build_model(hp: &mut HyperParameters) -> tuning::Result<Model> {
    let n_hidden = hp.int(Int::new("n_hidden", 0, 2).default(1))?;
    let n_neurons = hp.int(Int::new("n_neurons", 4, 32))?;
    let learning_rate = hp.float(Float::new("learning_rate", 1e-3, 1e-1).sampling(Sampling::Log))?;
    let optimizer = hp.choice(Choice::new("optimizer", ["sgd", "adam"]))?;
    let mut layers = vec![Input::new(&[4]).into()];
    for _ in 0..n_hidden {
        layers.push(Dense::new(n_neurons as usize).activation("relu").into());
    }
    layers.push(Dense::new(3).activation("softmax").into());
    let mut model = Sequential::new(layers)?;
    let optimizer: keras::optimizers::Optimizer = match optimizer.as_str() {
        Some("sgd") => keras::optimizers::SGD { learning_rate, ..Default::default() }.into(),
        _ => keras::optimizers::Adam { learning_rate, ..Default::default() }.into(),
    };
    model.compile("sparse_categorical_crossentropy", optimizer, &["accuracy".into()])?;
    Ok(model)
}

fn options(dir: &Path, max_trials: usize, overwrite: bool) -> TunerOptions {
    TunerOptions {
        max_trials: Some(max_trials),
        seed: Some(42),
        directory: dir.to_path_buf(),
        project_name: "search".into(),
        overwrite,
        ..TunerOptions::new("val_accuracy")
    }
}

/// Counts the trainings started; the `hang_at`-th one (0-based) writes
/// `marker` and sleeps, so that the parent can kill the process mid-trial.
static TRAININGS: AtomicUsize = AtomicUsize::new(0);

struct HangAt {
    hang_at: usize,
    marker: PathBuf,
    mine: Option<usize>,
}

impl Callback for HangAt {
    fn on_train_begin(&mut self, _: &BTreeMap<String, usize>, _: &mut Model) {
        self.mine = Some(TRAININGS.fetch_add(1, Ordering::SeqCst));
    }
    fn on_epoch_end(&mut self, epoch: usize, _: &keras::Logs, _: &mut Model) -> keras::Control {
        if self.mine == Some(self.hang_at) && epoch == 1 {
            std::fs::write(&self.marker, "hanging").unwrap();
            std::thread::sleep(Duration::from_secs(120));
        }
        keras::Control::Continue
    }
}

/// Runs a search of `max_trials` (resuming what is in `dir` unless
/// `overwrite`); returns (trial id → (values, score)).
fn search(
    dir: &Path,
    max_trials: usize,
    overwrite: bool,
    workers: usize,
    hang: Option<(usize, PathBuf)>,
) -> tuning::Result<BTreeMap<String, (String, f64)>> {
    let (x_train, y_train) = data(400);
    let (x_valid, y_valid) = data(200);
    let mut tuner = RandomSearch::new(build_model, options(dir, max_trials, overwrite))?;
    let mut callbacks: Vec<CallbackFactory> = Vec::new();
    if let Some((hang_at, marker)) = hang {
        callbacks.push(Box::new(move || {
            Box::new(HangAt { hang_at, marker: marker.clone(), mine: None }) as Box<dyn Callback>
        }));
    }
    tuner.search(
        &x_train,
        &y_train,
        SearchOptions {
            epochs: 4,
            validation_data: Some((&x_valid, &y_valid).into()),
            workers: Some(workers),
            callbacks,
            verbose: false,
            ..SearchOptions::default()
        },
    )?;
    Ok(results(&tuner))
}

fn results<H: tuning::HyperModel>(tuner: &tuning::Tuner<H>) -> BTreeMap<String, (String, f64)> {
    tuner
        .oracle()
        .trials()
        .iter()
        .map(|(id, t)| {
            assert_eq!(t.status, TrialStatus::Completed, "trial {id}");
            (id.clone(), (format!("{:?}", t.hyperparameters.values()), t.score.unwrap()))
        })
        .collect()
}

fn child(dir: &Path) {
    let marker = dir.join("hanging");
    // Trial 2 (the third training) hangs after its second epoch.
    let _ = search(dir, 4, true, 1, Some((2, marker)));
    unreachable!("the parent kills this process while trial 2 hangs");
}

fn killed_search_resumes(work: &Path, reference: &BTreeMap<String, (String, f64)>) {
    let dir = work.join("killed");
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("TUNING_SEARCH_CHILD", &dir)
        .spawn()
        .expect("the test starts itself again");
    let started = Instant::now();
    while !dir.join("hanging").exists() {
        assert!(started.elapsed() < Duration::from_secs(120), "the child search never reached trial 2");
        assert!(child.try_wait().unwrap().is_none(), "the child search ended before trial 2");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let project = dir.join("search");
    let status = |id: &str| {
        let text = std::fs::read_to_string(project.join(format!("trial_{id}/trial.json"))).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["status"].as_str().unwrap().to_string()
    };
    assert_eq!(
        (status("0"), status("1"), status("2")),
        ("COMPLETED".into(), "COMPLETED".into(), "RUNNING".into())
    );
    assert!(!project.join("trial_3").exists(), "trial 3 had not started");
    let before = std::fs::read_to_string(project.join("trial_0/trial.json")).unwrap();

    // Resume with the same max_trials: trial 2 runs again, trial 3 runs.
    let resumed = search(&dir, 4, false, 2, None).unwrap();
    assert_eq!(resumed.len(), 4);
    assert_eq!(std::fs::read_to_string(project.join("trial_0/trial.json")).unwrap(), before, "trial 0 kept");
    // Then raise max_trials to 6, as the chapter goes from 5 to 10.
    let raised = search(&dir, 6, false, 2, None).unwrap();
    assert_eq!(raised.len(), 6);
    // Ids were padded to the digits of max_trials at creation: 0–5 here.
    let ids: Vec<&String> = raised.keys().collect();
    assert_eq!(ids, ["0", "1", "2", "3", "4", "5"]);
    for (id, (values, score)) in &raised {
        let (ref_values, ref_score) = &reference[id];
        assert_eq!(values, ref_values, "trial {id}: the same values as an uninterrupted search");
        assert_eq!(score, ref_score, "trial {id}: the same score as an uninterrupted search");
    }
    println!("killed mid-trial 2, resumed, raised to 6 trials: identical to an uninterrupted search");
}

fn broken_files_are_errors_naming_them(work: &Path) {
    let dir = work.join("broken");
    search(&dir, 2, true, 1, None).unwrap();
    let project = dir.join("search");
    let oracle = project.join("oracle.json");
    let good = std::fs::read_to_string(&oracle).unwrap();
    std::fs::write(&oracle, &good[..good.len() / 2]).unwrap();
    let e = RandomSearch::new(build_model, options(&dir, 2, false))
        .err()
        .expect("a cut oracle.json fails")
        .to_string();
    assert!(e.contains("oracle.json"), "{e}");
    std::fs::write(&oracle, &good).unwrap();
    let trial = project.join("trial_1/trial.json");
    let text = std::fs::read_to_string(&trial).unwrap();
    std::fs::write(&trial, text.replace("\"max_value\": 2", "\"max_value\": -5")).unwrap();
    let e = RandomSearch::new(build_model, options(&dir, 2, false))
        .err()
        .expect("a bad trial.json fails")
        .to_string();
    assert!(e.contains("trial_1") && e.contains("n_hidden"), "{e}");
    // overwrite: true starts afresh whatever is there.
    let fresh = search(&dir, 1, true, 1, None).unwrap();
    assert_eq!(fresh.len(), 1);
    println!(
        "a cut oracle.json and a hand-edited trial.json are errors naming them; overwrite starts afresh"
    );
}

/// Counts the epochs trained.
struct CountEpochs(std::sync::Arc<AtomicUsize>);

impl Callback for CountEpochs {
    fn on_epoch_end(&mut self, _: usize, _: &keras::Logs, _: &mut Model) -> keras::Control {
        self.0.fetch_add(1, Ordering::SeqCst);
        keras::Control::Continue
    }
}

fn early_stopping_inside_the_search(work: &Path) {
    let (x_train, y_train) = data(400);
    let (x_valid, y_valid) = data(200);
    let epochs = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = epochs.clone();
    let (trials, max_epochs) = (4, 40);
    let mut tuner = RandomSearch::new(build_model, options(&work.join("early"), trials, true)).unwrap();
    let early: CallbackFactory = Box::new(|| {
        Box::new(keras::callbacks::EarlyStopping::new().monitor("val_loss").patience(2)) as Box<dyn Callback>
    });
    let count: CallbackFactory =
        Box::new(move || Box::new(CountEpochs(counter.clone())) as Box<dyn Callback>);
    tuner
        .search(
            &x_train,
            &y_train,
            SearchOptions {
                epochs: max_epochs,
                validation_data: Some((&x_valid, &y_valid).into()),
                callbacks: vec![early, count],
                verbose: false,
                ..SearchOptions::default()
            },
        )
        .unwrap();
    let trained = epochs.load(Ordering::SeqCst);
    assert!(trained < trials * max_epochs, "early stopping stopped some trial: {trained} epochs");
    assert_eq!(tuner.oracle().trials().len(), trials);
    println!("EarlyStopping(patience=2) in the search: {trained} epochs instead of {}", trials * max_epochs);
}

/// A hypermodel that tunes `fit`'s batch size, as the chapter's
/// `MyClassificationHyperModel` tunes its preprocessing in `fit`.
struct TunedBatch;

impl tuning::HyperModel for TunedBatch {
    fn build(&self, hp: &mut HyperParameters) -> tuning::Result<Model> {
        build_model(hp)
    }

    fn fit(
        &self,
        hp: &mut HyperParameters,
        model: &mut Model,
        x: keras::Inputs<'_>,
        y: keras::Targets<'_>,
        mut options: keras::FitOptions<'_>,
    ) -> tuning::Result<keras::History> {
        let batch_size = hp.choice(Choice::new("batch_size", [16, 64]))?;
        options.batch_size = batch_size.as_i64().unwrap_or(32) as usize;
        Ok(model.fit(x, y, options)?)
    }
}

fn hyperparameters_declared_in_fit_join_the_space(work: &Path) {
    let (x_train, y_train) = data(200);
    let (x_valid, y_valid) = data(100);
    let mut tuner = RandomSearch::new(TunedBatch, options(&work.join("fit_hp"), 6, true)).unwrap();
    let search = SearchOptions {
        epochs: 1,
        validation_data: Some((&x_valid, &y_valid).into()),
        workers: Some(1),
        verbose: false,
        ..SearchOptions::default()
    };
    tuner.search(&x_train, &y_train, search).unwrap();
    let trials = tuner.oracle().trials();
    let batch = |id: &str| trials[id].hyperparameters.values().get("batch_size").cloned();
    // Trial 0 declared it (its default); the others drew it.
    assert_eq!(batch("0"), Some(tuning::Value::Int(16)));
    assert!(trials.keys().all(|id| batch(id).is_some()), "every trial records batch_size");
    assert!(tuner.oracle().get_space().space().iter().any(|h| h.name() == "batch_size"));
    let drawn: std::collections::BTreeSet<i64> =
        trials.keys().filter(|id| *id != "0").filter_map(|id| batch(id).and_then(|v| v.as_i64())).collect();
    assert_eq!(drawn.len(), 2, "later trials draw both batch sizes: {drawn:?}");
    let file = std::fs::read_to_string(tuner.project_dir().join("trial_0/trial.json")).unwrap();
    assert!(file.contains("\"batch_size\""), "trial.json records it");
    println!("a hyperparameter declared in HyperModel::fit joins the space and is drawn by later trials");
}

/// Records, for each training, the first epoch it runs and the validation
/// accuracy of the model it starts from.
struct StartOf {
    x: Tensor,
    y: Labels,
    starts: std::sync::Arc<std::sync::Mutex<Vec<(usize, f64)>>>,
    accuracy: f64,
}

impl Callback for StartOf {
    fn on_train_begin(&mut self, _: &BTreeMap<String, usize>, model: &mut Model) {
        self.accuracy = model.evaluate(&self.x, &self.y).unwrap().get("accuracy").unwrap();
    }
    fn on_epoch_begin(&mut self, epoch: usize, _: &mut Model) {
        if self.accuracy >= 0.0 {
            self.starts.lock().unwrap().push((epoch, self.accuracy));
            self.accuracy = -1.0;
        }
    }
}

fn hyperband_promotions_continue_from_the_checkpoint(work: &Path) {
    let (x_train, y_train) = data(300);
    let (x_valid, y_valid) = data(150);
    // max_epochs 3, factor 3: 3 trials of 1 epoch, the best goes on to 3
    // epochs from epoch 1; then 2 trials of 3 epochs.
    let mut hyperband_options = options(&work.join("hyperband"), 1, true);
    hyperband_options.seed = Some(3);
    let mut tuner = tuning::Hyperband::new(build_model, 3, 3, 1, hyperband_options).unwrap();
    let starts = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let (x, y, record) = (x_valid.clone(), y_valid.clone(), starts.clone());
    let recorder: CallbackFactory = Box::new(move || {
        Box::new(StartOf { x: x.clone(), y: y.clone(), starts: record.clone(), accuracy: 0.0 })
            as Box<dyn Callback>
    });
    let search = SearchOptions {
        epochs: 3,
        validation_data: Some((&x_valid, &y_valid).into()),
        callbacks: vec![recorder],
        workers: Some(1),
        verbose: false,
        ..SearchOptions::default()
    };
    tuner.search(&x_train, &y_train, search).unwrap();
    let trials: Vec<&tuning::Trial> = tuner.oracle().trials().values().collect();
    let starts = starts.lock().unwrap().clone();
    assert_eq!((trials.len(), starts.len()), (6, 6), "{:?}", tuner.oracle().trials().keys());
    let mut promoted = 0;
    for (trial, &(first_epoch, accuracy)) in trials.iter().zip(&starts) {
        let values = trial.hyperparameters.values();
        let initial = values["tuner/initial_epoch"].as_i64().unwrap() as usize;
        assert_eq!(first_epoch, initial, "trial {} starts at its initial_epoch", trial.trial_id);
        if let Some(parent) = values.get("tuner/trial_id") {
            promoted += 1;
            let parent = &tuner.oracle().trials()[parent.as_str().unwrap()];
            let score = parent.score.unwrap();
            assert!(
                (accuracy - score).abs() < 1e-9,
                "trial {} starts from its parent's best epoch: accuracy {accuracy}, parent's score {score}",
                trial.trial_id
            );
        }
    }
    assert_eq!(promoted, 1);
    println!(
        "Hyperband: the promoted trial starts at epoch 1 from its parent's checkpoint (same validation accuracy)"
    );
}

fn main() {
    if let Some(dir) = std::env::var_os("TUNING_SEARCH_CHILD") {
        child(Path::new(&dir));
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let one = search(&work.path().join("one"), 6, true, 1, None).unwrap();
    let two = search(&work.path().join("two"), 6, true, 2, None).unwrap();
    assert_eq!(one, two, "the same trials and scores on 1 and 2 workers");
    let distinct: std::collections::BTreeSet<String> = one.values().map(|(_, s)| s.to_string()).collect();
    assert!(distinct.len() > 1, "the trials differ: {one:?}");
    println!("6 trials on 1 and on 2 workers: identical values and scores");
    killed_search_resumes(work.path(), &one);
    broken_files_are_errors_naming_them(work.path());
    early_stopping_inside_the_search(work.path());
    hyperparameters_declared_in_fit_join_the_space(work.path());
    hyperband_promotions_continue_from_the_checkpoint(work.path());
    println!("test result: ok");
}
