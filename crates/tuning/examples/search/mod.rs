//! The chapter's Keras Tuner searches on Fashion-MNIST: the `build_model`
//! function, the `MyClassificationHyperModel` that also tunes a
//! preprocessing step, and the three tuners (random search, Hyperband,
//! Bayesian optimization) as the chapter runs them. The example
//! (`cargo run --release -p tuning --example fashion_mnist`) and the
//! book's `figures` command include this module (`#[path]`), so that the
//! book shows what the example prints; [`book_outputs`] writes the
//! reduced runs the book shows. The listings in the book are the code
//! between the `ANCHOR` markers.
#![allow(dead_code)] // each includer uses a part

use keras::thousands;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use datasets::{DataDir, images};
use keras::callbacks::{Callback, EarlyStopping};
use keras::layers::{Dense, Flatten, Input, Normalization};
use keras::optimizers::{Adam, Optimizer, SGD};
use keras::{FitOptions, History, Inputs, Labels, Model, Sequential, Targets, Tensor, Validation, Verbosity};
use tuning::gaussian_process::GaussianProcess;
use tuning::hyperband::HyperbandStrategy;
use tuning::tuner::{BayesianOptimization, Hyperband, RandomSearch, SearchOptions, TunerOptions};
use tuning::{
    Boolean, Choice, Float, HyperModel, HyperParameters, Int, Sampling, Trial, TrialStatus, Tuner, Value,
};

/// Fashion-MNIST as the chapter splits it, pixels scaled to [0, 1].
pub struct FashionData {
    /// The first 55,000 training images (or fewer, for a quick run).
    pub train: (Tensor, Labels),
    /// The last 5,000 training images.
    pub valid: (Tensor, Labels),
    /// Training and validation images together (the chapter's
    /// `X_train_full`), to train the best model on at the end.
    pub train_full: (Tensor, Labels),
    /// The 10,000 test images.
    pub test: (Tensor, Labels),
}

/// Loads Fashion-MNIST and splits it as the chapter does: the last 5,000
/// training images for validation. `train_size` keeps only the first
/// images of the 55,000 left for training (`None`: all of them).
pub fn load_fashion(dir: &DataDir, train_size: Option<usize>) -> Result<FashionData> {
    if train_size == Some(0) {
        bail!("the training set needs at least one image");
    }
    let fashion = images::load_fashion_mnist(dir)?;
    let (train, valid) = fashion.train.split_off_last(5_000)?;
    let train = match train_size {
        Some(n) if n < train.len() => train.select(&(0..n).collect::<Vec<_>>()),
        _ => train,
    };
    let tensor = |set: &images::LabeledImages| -> Result<(Tensor, Labels)> {
        let x = Tensor::from_pixels(set.images.pixels(), &set.images.shape())?;
        Ok((x, Labels::from(&set.labels[..])))
    };
    let full_labels: Vec<u8> = train.labels.iter().chain(&valid.labels).copied().collect();
    let full_pixels: Vec<u8> = [train.images.pixels(), valid.images.pixels()].concat();
    let [_, rows, cols] = train.images.shape();
    let x_full = Tensor::from_pixels(&full_pixels, &[full_labels.len(), rows, cols])?;
    Ok(FashionData {
        train: tensor(&train)?,
        valid: tensor(&valid)?,
        train_full: (x_full, Labels::from(&full_labels[..])),
        test: tensor(&fashion.test)?,
    })
}

// ANCHOR: build_model
/// The chapter's `build_model(hp)`: an MLP for Fashion-MNIST whose depth,
/// width, learning rate and optimizer are hyperparameters.
pub fn build_model(hp: &mut HyperParameters) -> tuning::Result<Model> {
    let n_hidden = hp.int(Int::new("n_hidden", 0, 8).default(2))?;
    let n_neurons = hp.int(Int::new("n_neurons", 16, 256))?;
    let learning_rate = hp.float(Float::new("learning_rate", 1e-4, 1e-2).sampling(Sampling::Log))?;
    let optimizer = hp.choice(Choice::new("optimizer", ["sgd", "adam"]))?;
    let optimizer: Optimizer = if optimizer.as_str() == Some("sgd") {
        SGD { learning_rate, ..SGD::default() }.into()
    } else {
        Adam { learning_rate, ..Adam::default() }.into()
    };

    let mut model = Sequential::empty();
    model.add(Input::new(&[28, 28]))?;
    model.add(Flatten::new())?;
    for _ in 0..n_hidden {
        model.add(Dense::new(n_neurons as usize).activation("relu"))?;
    }
    model.add(Dense::new(10).activation("softmax"))?;
    model.compile("sparse_categorical_crossentropy", optimizer, &["accuracy".into()])?;
    Ok(model)
}
// ANCHOR_END: build_model

// ANCHOR: hypermodel
/// The chapter's `MyClassificationHyperModel`: the model of `build_model`,
/// and a `fit` that first standardizes the images or not, as the
/// hyperparameter `normalize` says.
pub struct MyClassificationHyperModel;

impl HyperModel for MyClassificationHyperModel {
    fn build(&self, hp: &mut HyperParameters) -> tuning::Result<Model> {
        let model = build_model(hp)?;
        // Declared here too, so that the space holds it before the first
        // trial (the tuner learns the space by calling `build`).
        hp.boolean(Boolean::new("normalize"))?;
        Ok(model)
    }

    fn fit(
        &self,
        hp: &mut HyperParameters,
        model: &mut Model,
        x: Inputs<'_>,
        y: Targets<'_>,
        options: FitOptions<'_>,
    ) -> tuning::Result<History> {
        if !hp.boolean(Boolean::new("normalize"))? {
            return Ok(model.fit(x, y, options)?);
        }
        let norm_layer = Standardizer::adapt(single(&x)?)?;
        let x_std = norm_layer.apply(single(&x)?)?;
        let valid_std = match &options.validation_data {
            Some(valid) => Some((norm_layer.apply(single(&valid.x)?)?, valid.y.clone())),
            None => None,
        };
        let valid = valid_std.as_ref().map(|(x, y)| Validation { x: x.into(), y: y.clone() });
        Ok(model.fit(&x_std, y, with_validation(options, valid))?)
    }
}
// ANCHOR_END: hypermodel

/// The one tensor of single-input data.
fn single<'a>(x: &Inputs<'a>) -> tuning::Result<&'a Tensor> {
    match x {
        Inputs::List(list) if list.len() == 1 => Ok(list[0]),
        _ => Err(tuning::TuningError::Config("MyClassificationHyperModel takes one input tensor".into())),
    }
}

/// `options` with other validation data, everything else kept.
fn with_validation<'a: 'b, 'b>(options: FitOptions<'a>, valid: Option<Validation<'b>>) -> FitOptions<'b> {
    FitOptions {
        epochs: options.epochs,
        initial_epoch: options.initial_epoch,
        batch_size: options.batch_size,
        validation_data: valid,
        validation_split: options.validation_split,
        validation_batch_size: options.validation_batch_size,
        shuffle: options.shuffle,
        class_weight: options.class_weight,
        sample_weight: options.sample_weight,
        callbacks: options.callbacks.into_iter().map(|c| -> &'b mut dyn Callback { c }).collect(),
        verbose: options.verbose,
    }
}

// ANCHOR: standardizer
/// A `Normalization` layer adapted to training images: it standardizes
/// each of the 784 pixels with its mean and standard deviation over the
/// training set.
pub struct Standardizer {
    model: Model,
}

impl Standardizer {
    /// Learns each pixel's mean and variance from `x` (n × 28 × 28).
    pub fn adapt(x: &Tensor) -> tuning::Result<Standardizer> {
        let mut norm_layer = Normalization::new();
        norm_layer.adapt(&flatten(x)?)?;
        let model = Sequential::new(vec![Input::new(&[x.sample_size()]).into(), norm_layer.into()])?;
        Ok(Standardizer { model })
    }

    /// `x` standardized, in its own shape.
    pub fn apply(&self, x: &Tensor) -> tuning::Result<Tensor> {
        let rows = self.model.predict(&flatten(x)?)?; // n × 784
        let standardized = Tensor::from(&rows);
        Ok(Tensor::new(standardized.values().to_vec(), x.shape())?)
    }
}
// ANCHOR_END: standardizer

/// The samples of `x` as rows of values (n × 784 for images).
fn flatten(x: &Tensor) -> keras::Result<Tensor> {
    Tensor::new(x.values().to_vec(), &[x.len(), x.sample_size()])
}

/// Which of the chapter's tuners to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TunerKind {
    /// `RandomSearch(build_model, …)`, then resumed with more trials.
    Random,
    /// `Hyperband(MyClassificationHyperModel(), …)`.
    Hyperband,
    /// `BayesianOptimization(MyClassificationHyperModel(), …)`.
    Bayesian,
}

impl TunerKind {
    /// `random`, `hyperband` or `bayesian`; anything else is an error
    /// that lists them.
    pub fn parse(name: &str) -> Result<TunerKind> {
        match name {
            "random" => Ok(TunerKind::Random),
            "hyperband" => Ok(TunerKind::Hyperband),
            "bayesian" => Ok(TunerKind::Bayesian),
            other => bail!("unknown tuner '{other}': choose random, hyperband or bayesian"),
        }
    }

    /// The name `parse` takes.
    pub fn name(self) -> &'static str {
        match self {
            TunerKind::Random => "random",
            TunerKind::Hyperband => "hyperband",
            TunerKind::Bayesian => "bayesian",
        }
    }

    /// The chapter's `project_name`.
    pub fn project_name(self) -> &'static str {
        match self {
            TunerKind::Random => "my_rnd_search",
            TunerKind::Hyperband => "hyperband",
            TunerKind::Bayesian => "bayesian_opt",
        }
    }
}

/// How to run a search; [`Settings::chapter`] gives the chapter's values.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Which tuner.
    pub kind: TunerKind,
    /// Random search: the trials after resuming (the first search runs
    /// half of them, rounded up; the chapter: 5, then 10). Bayesian
    /// optimization: `max_trials` (10). Hyperband: unused (its brackets
    /// decide).
    pub trials: usize,
    /// Epochs per trial; Hyperband's `max_epochs` (10).
    pub epochs: usize,
    /// Hyperband's `hyperband_iterations` (the chapter: 2).
    pub iterations: usize,
    /// Hyperband's `factor` (3).
    pub factor: usize,
    /// Bayesian optimization's `num_initial_points` (`None`: `max(3·d, 3)`).
    pub initial_points: Option<usize>,
    /// The search's seed (42).
    pub seed: u64,
    /// Trials run at once (`None`: one per core).
    pub workers: Option<usize>,
    /// The folder of the searches (`my_fashion_mnist`).
    pub directory: PathBuf,
    /// Print the tuner's progress as Keras Tuner does (with times).
    pub verbose: bool,
    /// Use only the first images of the training set (`None`: all 55,000).
    pub train_size: Option<usize>,
}

impl Settings {
    /// The chapter's settings for this tuner (with one Hyperband
    /// iteration, not the chapter's two).
    pub fn chapter(kind: TunerKind) -> Settings {
        Settings {
            kind,
            trials: 10,
            epochs: 10,
            iterations: 1,
            factor: 3,
            initial_points: None,
            seed: 42,
            workers: None,
            directory: PathBuf::from("my_fashion_mnist"),
            verbose: true,
            train_size: None,
        }
    }

    fn tuner_options(&self, max_trials: Option<usize>, overwrite: bool) -> TunerOptions {
        TunerOptions {
            max_trials,
            seed: Some(self.seed),
            directory: self.directory.clone(),
            project_name: self.kind.project_name().into(),
            overwrite,
            ..TunerOptions::new("val_accuracy")
        }
    }

    /// The project folder as the outputs show it: `my_fashion_mnist/<project>`,
    /// whatever the folder's parent.
    fn shown_project_dir(&self) -> String {
        let root =
            self.directory.file_name().map_or_else(|| ".".into(), |n| n.to_string_lossy().into_owned());
        format!("{root}/{}", self.kind.project_name())
    }
}

/// One trial as the reports list it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TrialRow {
    /// Its id (`"0"`, `"05"`, `"0012"`).
    pub id: String,
    /// Its status (`COMPLETED`, …).
    pub status: String,
    /// Every value, Hyperband's `tuner/…` included.
    pub hyperparameters: BTreeMap<String, Value>,
    /// The best `val_accuracy` of its epochs.
    pub score: Option<f64>,
    /// The epoch of that score (0-based).
    pub best_step: Option<usize>,
}

impl TrialRow {
    fn new(trial: &Trial) -> TrialRow {
        TrialRow {
            id: trial.trial_id.clone(),
            status: format!("{:?}", trial.status).to_uppercase(),
            hyperparameters: trial.hyperparameters.values().clone(),
            score: trial.score,
            best_step: trial.best_step,
        }
    }
}

/// What a search found, as text (no times, no absolute paths: the same run
/// prints the same text) and as data.
pub struct Report {
    /// Which tuner ran.
    pub kind: TunerKind,
    /// The parts of the text, each under a name (the book's anchors).
    pub sections: Vec<(&'static str, String)>,
    /// Every trial, in the order of their ids.
    pub trials: Vec<TrialRow>,
    /// The values of the best trial.
    pub best_hyperparameters: BTreeMap<String, Value>,
    /// Its score.
    pub best_val_accuracy: f64,
    /// The test accuracy of the best model (random search: after training
    /// it on training + validation images).
    pub test_accuracy: f64,
    /// Seconds spent in `search`.
    pub search_seconds: f64,
    /// Seconds for the whole run (loading aside).
    pub seconds: f64,
}

impl Report {
    /// The sections, one after the other.
    pub fn text(&self) -> String {
        self.sections.iter().map(|(_, text)| text.as_str()).collect::<Vec<_>>().join("\n")
    }

    /// The sections between `ANCHOR` lines, for the book's includes.
    pub fn anchored_text(&self) -> String {
        let mut out = String::new();
        for (name, text) in &self.sections {
            let _ = write!(out, "ANCHOR: {name}\n{text}ANCHOR_END: {name}\n");
        }
        out
    }

    /// The report as JSON (what `--json` prints).
    pub fn json(&self, settings: &Settings) -> serde_json::Value {
        serde_json::json!({
            "tuner": self.kind.name(),
            "best_hyperparameters": self.best_hyperparameters,
            "best_val_accuracy": self.best_val_accuracy,
            "test_accuracy": self.test_accuracy,
            "trials": self.trials,
            "epochs": settings.epochs,
            "seed": settings.seed,
            "workers": settings.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
            "search_seconds": self.search_seconds,
            "seconds": self.seconds,
        })
    }
}

/// The hyperparameters shown in the tables, in the order of the space.
const COLUMNS: [&str; 5] = ["n_hidden", "n_neurons", "learning_rate", "optimizer", "normalize"];

/// A value for a table: learning rates with 4 significant digits.
fn cell(value: Option<&Value>) -> String {
    match value {
        None => "-".into(),
        Some(Value::Float(x)) => format!("{x:.3e}"),
        Some(v) => v.to_string(),
    }
}

/// A column of a table: its header, and its cell for a trial.
type Column<'a> = (&'a str, &'a dyn Fn(&Trial) -> String);

/// The trials' values and scores as a table, one line per trial; the
/// `extra` columns come first.
fn trial_table(trials: &[&Trial], extra: &[Column<'_>]) -> String {
    let shown: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|name| trials.iter().any(|t| t.hyperparameters.values().contains_key(*name)))
        .collect();
    let mut header = vec!["trial".to_string()];
    header.extend(extra.iter().map(|(h, _)| h.to_string()));
    header.extend(shown.iter().map(|s| s.to_string()));
    header.extend(["val_accuracy".to_string(), "best epoch".to_string()]);
    let mut rows = vec![header];
    for trial in trials {
        let mut row = vec![trial.trial_id.clone()];
        row.extend(extra.iter().map(|(_, f)| f(trial)));
        row.extend(shown.iter().map(|name| cell(trial.hyperparameters.values().get(*name))));
        row.push(trial.score.map_or_else(|| format!("{:?}", trial.status), |s| format!("{s:.4}")));
        row.push(trial.best_step.map_or("-".into(), |s| (s + 1).to_string()));
        rows.push(row);
    }
    let widths: Vec<usize> =
        (0..rows[0].len()).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    out
}

/// The trials of a tuner in the order of their ids.
fn trials_in_order<H: HyperModel>(tuner: &Tuner<H>) -> Vec<&Trial> {
    let mut trials: Vec<&Trial> = tuner.oracle().trials().values().collect();
    trials.sort_by_key(|t| t.trial_id.parse::<usize>().unwrap_or(usize::MAX));
    trials
}

/// A trial's values as `name: value` pairs, in the order of the space.
fn values_line(hp: &HyperParameters) -> String {
    let mut parts = Vec::new();
    for name in COLUMNS {
        if let Some(v) = hp.values().get(name) {
            parts.push(format!("{name}: {v}"));
        }
    }
    parts.join(", ")
}

/// `results_summary`, with the project folder shown relative.
fn results_summary<H: HyperModel>(tuner: &Tuner<H>, settings: &Settings, n: usize) -> String {
    tuner
        .results_summary(n)
        .replace(&tuner.project_dir().display().to_string(), &settings.shown_project_dir())
}

/// The files of a search folder, as an indented list (TensorBoard's
/// event files, whose names hold a time and a host, left out).
fn folder_listing(dir: &Path, shown: &str) -> Result<String> {
    fn walk(dir: &Path, depth: usize, out: &mut String) -> Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .with_context(|| format!("listing {}", dir.display()))?
            .collect::<std::io::Result<Vec<_>>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("events.out.tfevents") || name.starts_with('.') {
                continue;
            }
            let indent = "    ".repeat(depth);
            if entry.file_type()?.is_dir() {
                let _ = writeln!(out, "{indent}{name}/");
                walk(&entry.path(), depth + 1, out)?;
            } else {
                let _ = writeln!(out, "{indent}{name}");
            }
        }
        Ok(())
    }
    let mut out = format!("{shown}/\n");
    walk(dir, 1, &mut out)?;
    Ok(out)
}

/// The images and settings a report starts with.
fn data_line(data: &FashionData, settings: &Settings) -> String {
    format!(
        "{} training images, {} validation images, seed {}\n",
        thousands(data.train.0.len()),
        thousands(data.valid.0.len()),
        settings.seed
    )
}

/// `1 trial`, `5 trials`.
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The search options every tuner here shares: `epochs`, the validation
/// data, the workers and the progress output.
fn search_options<'a>(data: &'a FashionData, settings: &Settings) -> SearchOptions<'a> {
    SearchOptions {
        epochs: settings.epochs,
        validation_data: Some((&data.valid.0, &data.valid.1).into()),
        workers: settings.workers,
        verbose: settings.verbose,
        fit_verbose: if settings.verbose { None } else { Some(Verbosity::Silent) },
        ..SearchOptions::default()
    }
}

/// Runs the search `settings` asks for.
pub fn run(data: &FashionData, settings: &Settings) -> Result<Report> {
    if settings.trials == 0 || settings.epochs == 0 {
        bail!("--trials and --epochs must be at least 1");
    }
    let started = Instant::now();
    let mut report = match settings.kind {
        TunerKind::Random => random_search(data, settings)?,
        TunerKind::Hyperband => hyperband(data, settings)?,
        TunerKind::Bayesian => bayesian_optimization(data, settings)?,
    };
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The chapter's values, printed beside ours.
const CHAPTER_BEST: &str =
    "the chapter's best: n_hidden 5, n_neurons 70, learning_rate 0.00041268, adam: val_accuracy 0.8736";

/// The chapter's random search: 5 trials, then 5 more by a second tuner
/// that resumes the first one's folder; the best models and values; the
/// best model trained on training + validation images and tested.
pub fn random_search(data: &FashionData, settings: &Settings) -> Result<Report> {
    let (x_train, y_train) = (&data.train.0, &data.train.1);
    let (x_valid, y_valid) = (&data.valid.0, &data.valid.1);
    let first_trials = settings.trials.div_ceil(2);
    let mut sections = Vec::new();

    // ANCHOR: random_search
    let mut random_search_tuner = RandomSearch::new(
        build_model,
        TunerOptions {
            max_trials: Some(first_trials), // the chapter: 5
            seed: Some(settings.seed),
            directory: settings.directory.clone(), // "my_fashion_mnist"
            project_name: "my_rnd_search".into(),
            overwrite: true,
            ..TunerOptions::new("val_accuracy")
        },
    )?;
    random_search_tuner.search(
        x_train,
        y_train,
        SearchOptions {
            epochs: settings.epochs, // the chapter: 10
            validation_data: Some((x_valid, y_valid).into()),
            ..search_options(data, settings)
        },
    )?;
    // ANCHOR_END: random_search
    let mut search_seconds = random_search_tuner.elapsed().as_secs_f64();
    let first = trials_in_order(&random_search_tuner);
    sections.push((
        "first_search",
        format!(
            "RandomSearch: {} of {}, {}{}",
            count(first_trials, "trial"),
            count(settings.epochs, "epoch"),
            data_line(data, settings),
            trial_table(&first, &[])
        ),
    ));
    let listing = folder_listing(random_search_tuner.project_dir(), &settings.shown_project_dir())?;
    sections.push(("files", listing));

    let mut reloaded = String::new();
    if settings.trials > first_trials {
        // ANCHOR: resume
        let mut random_search_tuner = RandomSearch::new(
            build_model,
            TunerOptions {
                max_trials: Some(settings.trials), // the chapter: 10
                seed: Some(settings.seed),
                directory: settings.directory.clone(),
                project_name: "my_rnd_search".into(),
                overwrite: false, // resume the search in the folder
                ..TunerOptions::new("val_accuracy")
            },
        )?;
        // ANCHOR_END: resume
        let done = random_search_tuner.oracle().trials().len();
        random_search_tuner.search(x_train, y_train, search_options(data, settings))?;
        search_seconds += random_search_tuner.elapsed().as_secs_f64();
        let all = trials_in_order(&random_search_tuner);
        let _ = writeln!(
            reloaded,
            "A second tuner, overwrite false, max_trials {}: {} reloaded, {} more run",
            settings.trials,
            count(done, "trial"),
            all.len() - done
        );
        reloaded.push_str(&trial_table(&all[done..], &[]));
        sections.push(("resumed", reloaded));
        random_search_results(data, settings, &random_search_tuner, sections, search_seconds)
    } else {
        random_search_results(data, settings, &random_search_tuner, sections, search_seconds)
    }
}

/// The results of the random search, as the chapter asks for them, and
/// the test accuracy of the best model trained further.
fn random_search_results<H: HyperModel>(
    data: &FashionData,
    settings: &Settings,
    random_search_tuner: &Tuner<H>,
    mut sections: Vec<(&'static str, String)>,
    search_seconds: f64,
) -> Result<Report> {
    // ANCHOR: results
    let top3_models = random_search_tuner.get_best_models(3)?;
    let top3_params = random_search_tuner.get_best_hyperparameters(3)?;
    let best_trial = random_search_tuner.oracle().get_best_trials(1).first().copied().context("no trial")?;
    let summary = best_trial.summary();
    let last_value = best_trial.metrics.get_last_value("val_accuracy");
    // ANCHOR_END: results
    let mut text = String::new();
    for (rank, (params, model)) in top3_params.iter().zip(&top3_models).enumerate() {
        let _ = writeln!(
            text,
            "top {}: {} ({} parameters)",
            rank + 1,
            values_line(params),
            thousands(model.count_params()?)
        );
    }
    let _ = writeln!(text, "\nbest_trial.summary():\n{summary}");
    let last = last_value.context("the best trial has a val_accuracy")?;
    let _ = writeln!(text, "best_trial.metrics.get_last_value(\"val_accuracy\"): {last}");
    let _ = writeln!(text, "{CHAPTER_BEST}");
    sections.push(("best", text));
    sections.push(("results_summary", results_summary(random_search_tuner, settings, 3)));

    let (x_train_full, y_train_full) = (&data.train_full.0, &data.train_full.1);
    let (x_test, y_test) = (&data.test.0, &data.test.1);
    // ANCHOR: retrain
    let mut best_model = top3_models.into_iter().next().context("the search has a best model")?;
    keras::set_random_seed(settings.seed);
    best_model.fit(
        x_train_full,
        y_train_full,
        FitOptions { epochs: settings.epochs, verbose: Verbosity::Silent, ..FitOptions::default() },
    )?;
    let test = best_model.evaluate(x_test, y_test)?;
    let test_accuracy = test.get("accuracy").context("evaluate reports the accuracy")?;
    // ANCHOR_END: retrain
    sections.push((
        "test",
        format!(
            "The best model, trained for {} more epoch{} on {} images (training + validation): test accuracy {test_accuracy:.4}, test loss {:.4}\n",
            settings.epochs,
            if settings.epochs == 1 { "" } else { "s" },
            thousands(x_train_full.len()),
            test.get("loss").unwrap_or(f64::NAN)
        ),
    ));
    Ok(Report {
        kind: TunerKind::Random,
        sections,
        trials: trials_in_order(random_search_tuner).into_iter().map(TrialRow::new).collect(),
        best_hyperparameters: best_trial.hyperparameters.values().clone(),
        best_val_accuracy: best_trial.score.unwrap_or(f64::NAN),
        test_accuracy,
        search_seconds,
        seconds: 0.0,
    })
}

/// The callbacks of the chapter's Hyperband and Bayesian searches.
fn chapter_callbacks<'a>() -> Vec<tuning::tuner::CallbackFactory<'a>> {
    // ANCHOR: early_stopping
    // Each trial calls it for a callback of its own.
    let early_stopping_cb = || -> Box<dyn Callback> { Box::new(EarlyStopping::new().patience(2)) };
    // ANCHOR_END: early_stopping
    vec![Box::new(early_stopping_cb)]
}

/// Hyperband's rounds for `max_epochs` and `factor`, one line per
/// bracket, with the trials and epochs of one iteration.
pub fn hyperband_schedule(max_epochs: usize, factor: usize) -> Result<String> {
    let hb = HyperbandStrategy::new(max_epochs, factor, 1)?;
    let mut out = format!("Hyperband, max_epochs {max_epochs}, factor {factor}: one iteration\n");
    let brackets = hb.schedule();
    let mut trials = 0;
    for (i, rounds) in brackets.iter().enumerate() {
        let bracket = brackets.len() - 1 - i;
        let mut before = 0;
        let mut epochs = 0;
        let mut steps = Vec::new();
        for &(n, e) in rounds {
            steps.push(format!("{n} × {e}"));
            epochs += n * (e - before);
            trials += n;
            before = e;
        }
        let _ = writeln!(out, "  bracket {bracket}: {}  ({epochs} epochs)", steps.join(" → "));
    }
    let estimate = max_epochs as f64 * ((max_epochs as f64).ln() / (factor as f64).ln()).powi(2);
    let _ = writeln!(
        out,
        "  {trials} trials, {} epochs; max_epochs · (ln max_epochs / ln factor)² = {estimate:.1}",
        hb.epochs_per_iteration()
    );
    Ok(out)
}

/// The chapter's Hyperband search with `MyClassificationHyperModel`,
/// early stopping and TensorBoard logs.
pub fn hyperband(data: &FashionData, settings: &Settings) -> Result<Report> {
    let (x_train, y_train) = (&data.train.0, &data.train.1);
    let (x_valid, y_valid) = (&data.valid.0, &data.valid.1);
    let max_epochs = settings.epochs;
    let mut schedule = hyperband_schedule(10, 3)?;
    if (max_epochs, settings.factor) != (10, 3) {
        schedule.push_str(&hyperband_schedule(max_epochs, settings.factor)?);
    }
    let mut sections = vec![("schedule", schedule)];

    // ANCHOR: hyperband
    let mut hyperband_tuner = Hyperband::new(
        MyClassificationHyperModel,
        max_epochs,          // the chapter: 10
        settings.factor,     // 3
        settings.iterations, // the chapter: 2
        TunerOptions {
            seed: Some(settings.seed),
            directory: settings.directory.clone(),
            project_name: "hyperband".into(),
            overwrite: true,
            ..TunerOptions::new("val_accuracy")
        },
    )?;
    let root_logdir = hyperband_tuner.project_dir().join("tensorboard");
    hyperband_tuner.search(
        x_train,
        y_train,
        SearchOptions {
            epochs: 10, // Hyperband sets each trial's epochs itself
            validation_data: Some((x_valid, y_valid).into()),
            callbacks: chapter_callbacks(),
            tensorboard: Some(root_logdir),
            ..search_options(data, settings)
        },
    )?;
    // ANCHOR_END: hyperband
    let search_seconds = hyperband_tuner.elapsed().as_secs_f64();
    let trials = trials_in_order(&hyperband_tuner);
    let int =
        |t: &Trial, name: &str| t.hyperparameters.values().get(name).map_or("-".into(), |v| v.to_string());
    let bracket = |t: &Trial| int(t, "tuner/bracket");
    let round = |t: &Trial| int(t, "tuner/round");
    let epochs = |t: &Trial| format!("{}→{}", int(t, "tuner/initial_epoch"), int(t, "tuner/epochs"));
    let parent = |t: &Trial| int(t, "tuner/trial_id");
    let table = trial_table(
        &trials,
        &[("bracket", &bracket), ("round", &round), ("epochs", &epochs), ("from", &parent)],
    );
    let epochs_trained: i64 = trials
        .iter()
        .map(|t| {
            let v = |n: &str| t.hyperparameters.values().get(n).and_then(Value::as_i64).unwrap_or(0);
            v("tuner/epochs") - v("tuner/initial_epoch")
        })
        .sum();
    sections.push((
        "trials",
        format!(
            "Hyperband: max_epochs {max_epochs}, factor {}, {}, {}{table}{}, at most {epochs_trained} epochs (early stopping may cut them)\n",
            settings.factor,
            count(settings.iterations, "iteration"),
            data_line(data, settings),
            count(trials.len(), "trial")
        ),
    ));
    finish(data, settings, &hyperband_tuner, sections, search_seconds)
}

/// The best trial, the results summary and the best model's test
/// accuracy (the test images standardized as its training images were).
fn finish(
    data: &FashionData,
    settings: &Settings,
    tuner: &Tuner<MyClassificationHyperModel>,
    mut sections: Vec<(&'static str, String)>,
    search_seconds: f64,
) -> Result<Report> {
    let best_trial =
        tuner.oracle().get_best_trials(1).first().copied().context("the search has a best trial")?;
    let best_model = tuner.get_best_models(1)?.into_iter().next().context("the search has a best model")?;
    let normalize =
        best_trial.hyperparameters.values().get("normalize").and_then(Value::as_bool) == Some(true);
    let x_test = if normalize {
        Standardizer::adapt(&data.train.0)?.apply(&data.test.0)?
    } else {
        data.test.0.clone()
    };
    let test = best_model.evaluate(&x_test, &data.test.1)?;
    let test_accuracy = test.get("accuracy").context("evaluate reports the accuracy")?;
    let mut text = format!("best_trial.summary():\n{}\n", best_trial.summary());
    let _ = writeln!(text, "The best model at its best epoch: test accuracy {test_accuracy:.4}");
    let _ = writeln!(text, "{CHAPTER_BEST} (random search)");
    sections.push(("best", text));
    sections.push(("results_summary", results_summary(tuner, settings, 3)));
    Ok(Report {
        kind: settings.kind,
        sections,
        trials: trials_in_order(tuner).into_iter().map(TrialRow::new).collect(),
        best_hyperparameters: best_trial.hyperparameters.values().clone(),
        best_val_accuracy: best_trial.score.unwrap_or(f64::NAN),
        test_accuracy,
        search_seconds,
        seconds: 0.0,
    })
}

/// The chapter's Bayesian optimization with `MyClassificationHyperModel`
/// (and the callbacks of the Hyperband search).
pub fn bayesian_optimization(data: &FashionData, settings: &Settings) -> Result<Report> {
    let (x_train, y_train) = (&data.train.0, &data.train.1);
    let (x_valid, y_valid) = (&data.valid.0, &data.valid.1);
    let (alpha, beta) = (1e-4, 2.6);
    let mut sections = Vec::new();

    // ANCHOR: bayesian
    let mut bayesian_opt_tuner = BayesianOptimization::new(
        MyClassificationHyperModel,
        settings.initial_points, // None: max(3·d, 3)
        alpha,                   // 1e-4
        beta,                    // 2.6
        TunerOptions {
            max_trials: Some(settings.trials), // the chapter: 10
            seed: Some(settings.seed),
            directory: settings.directory.clone(),
            project_name: "bayesian_opt".into(),
            overwrite: true,
            ..TunerOptions::new("val_accuracy")
        },
    )?;
    let root_logdir = bayesian_opt_tuner.project_dir().join("tensorboard");
    bayesian_opt_tuner.search(
        x_train,
        y_train,
        SearchOptions {
            epochs: settings.epochs, // the chapter: 10
            validation_data: Some((x_valid, y_valid).into()),
            callbacks: chapter_callbacks(),
            tensorboard: Some(root_logdir),
            ..search_options(data, settings)
        },
    )?;
    // ANCHOR_END: bayesian
    let search_seconds = bayesian_opt_tuner.elapsed().as_secs_f64();
    let space = bayesian_opt_tuner.oracle().get_space();
    let dimensions = space.space().len();
    let initial = settings.initial_points.unwrap_or((3 * dimensions).max(3));
    let trials = trials_in_order(&bayesian_opt_tuner);
    let mut predictions = BTreeMap::new();
    for (k, trial) in trials.iter().enumerate() {
        if k >= initial {
            predictions
                .insert(trial.trial_id.clone(), gp_prediction(&space, &trials[..k], trial, alpha, beta)?);
        }
    }
    let how = |t: &Trial| predictions.get(&t.trial_id).map_or("random".to_string(), |_| "GP".to_string());
    let predicted = |t: &Trial| {
        predictions.get(&t.trial_id).map_or("-".to_string(), |(mean, std, _)| format!("{mean:.4} ± {std:.4}"))
    };
    let length =
        |t: &Trial| predictions.get(&t.trial_id).map_or("-".to_string(), |(_, _, l)| format!("{l:.3}"));
    let table = trial_table(&trials, &[("how", &how), ("GP: μ ± σ", &predicted), ("GP: ℓ", &length)]);
    sections.push((
        "trials",
        format!(
            "BayesianOptimization: max_trials {}, {}, alpha {alpha}, beta {beta}, {}, num_initial_points {initial}{}\n{}{table}",
            settings.trials,
            count(settings.epochs, "epoch"),
            count(dimensions, "hyperparameter"),
            if settings.initial_points.is_none() { " (max(3·d, 3))" } else { "" },
            data_line(data, settings),
        ),
    ));
    finish(data, settings, &bayesian_opt_tuner, sections, search_seconds)
}

/// What a Gaussian process fitted to the trials `before` predicts for
/// `trial`'s values, as the oracle fitted it to propose them: the
/// validation accuracy's mean and standard deviation, and the fitted
/// length-scale.
fn gp_prediction(
    space: &HyperParameters,
    before: &[&Trial],
    trial: &Trial,
    alpha: f64,
    _beta: f64,
) -> Result<(f64, f64, f64)> {
    let point = |t: &Trial| -> Result<Vec<f64>> {
        let mut p = Vec::new();
        for hp in space.space().iter().filter(|h| !h.is_fixed()) {
            let value =
                t.hyperparameters.values().get(hp.name()).cloned().unwrap_or_else(|| hp.default_value());
            p.push(hp.value_to_prob(&value)?);
        }
        Ok(p)
    };
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for t in before.iter().filter(|t| t.status == TrialStatus::Completed) {
        if let Some(score) = t.score {
            x.push(point(t)?);
            y.push(-score);
        }
    }
    let gp = GaussianProcess::fit(&x, &y, alpha).map_err(|e| anyhow::anyhow!("the Gaussian process: {e}"))?;
    let (mean, std) = gp.predict(&point(trial)?);
    Ok((-mean, std, gp.length_scale()))
}

/// The reduced runs of the book: the first 10,000 training images, the
/// chapter's 5,000 validation images, two workers' worth of trials. Each
/// returns the settings it used, so that the pages can state them.
pub fn book_settings(kind: TunerKind, directory: &Path) -> Settings {
    let mut settings = Settings::chapter(kind);
    settings.directory = directory.join("my_fashion_mnist");
    settings.verbose = false;
    settings.train_size = Some(BOOK_TRAIN_SIZE);
    match kind {
        TunerKind::Random => settings.epochs = 5,
        TunerKind::Hyperband => settings.epochs = 10,
        TunerKind::Bayesian => {
            settings.trials = 8;
            settings.epochs = 5;
            settings.initial_points = Some(4);
        }
    }
    settings
}

/// The training images of the book's runs.
pub const BOOK_TRAIN_SIZE: usize = 10_000;

/// Runs the three reduced searches and writes what they print to
/// `book_src/outputs/tuning_random_search.txt`, `tuning_hyperband.txt` and
/// `tuning_bayesian.txt` (no times, no absolute paths: the same code
/// writes the same files). Returns the files written.
pub fn book_outputs(data_dir: &DataDir, book_src: &Path) -> Result<Vec<PathBuf>> {
    let data = load_fashion(data_dir, Some(BOOK_TRAIN_SIZE))?;
    let work = tempfile::tempdir()?;
    let mut written = Vec::new();
    for (kind, file) in [
        (TunerKind::Random, "tuning_random_search.txt"),
        (TunerKind::Hyperband, "tuning_hyperband.txt"),
        (TunerKind::Bayesian, "tuning_bayesian.txt"),
    ] {
        let settings = book_settings(kind, work.path());
        let report = run(&data, &settings).with_context(|| format!("the {} search", kind.name()))?;
        let path = book_src.join("outputs").join(file);
        write_atomically(&path, &report.anchored_text())?;
        written.push(path);
    }
    Ok(written)
}

/// Writes `text` to a temporary file beside `path`, then renames it.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    use std::io::Write as _;
    let dir = path.parent().context("an output path has a folder")?;
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.persist(path)?;
    Ok(())
}
