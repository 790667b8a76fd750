//! Checks for exercise 10: a deep MLP on MNIST, above 98% accuracy.
//!
//! They run against the reference solution by default and against the
//! learner's code with `--features learner`:
//!
//! ```text
//! cargo test -p exercises --features learner ex10
//! ```
//!
//! Most checks need MNIST (`NEURONS_DATA_DIR`): without it they say they
//! skipped, except under CI (`CI` set), where they fail. Each one calls
//! the learner's code before it looks for the data, so that on the stubs
//! it fails either way. The main check trains on the full training set
//! (a minute or two); the others work on a few thousand images.

use std::path::{Path, PathBuf};

use datasets::{DataDir, Dataset, images};
use exercises::ex10::{
    HyperParameters, LrFinder, Model, Tensor, TrainingData, build_model, build_tunable_model,
    find_learning_rate, pick_learning_rate, train, tune,
};
use keras::Labels;
use keras::losses::Loss;
use keras::optimizers::Optimizer;
use proptest::prelude::*;
use tuning::hyperparameters::{HyperParameter, Sampling, Value};
use tuning::{Direction, TrialStatus};

/// Proptest settings: the usual number of cases, and no
/// `proptest-regressions/` files written next to the tests when a check
/// fails (the checks are meant to fail on the stubs, and must leave the
/// tree clean).
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
}

/// MNIST as the chapter splits Fashion-MNIST: the first 55,000 training
/// images to train on, the last 5,000 to validate on, and the test set;
/// `None` (the check skips) if MNIST is missing outside CI.
fn mnist() -> Option<(TrainingData, (Tensor, Labels))> {
    let dir = DataDir::for_test(Dataset::Mnist)?;
    let data = images::load_mnist(&dir).expect("MNIST loads");
    let (train, valid) = data.train.split_off_last(5_000).expect("60,000 training images");
    let pair = |set: &images::LabeledImages| {
        let x = Tensor::from_pixels(set.images.pixels(), &set.images.shape()).expect("28 × 28 images");
        (x, Labels::from(&set.labels[..]))
    };
    let ((x_train, y_train), (x_valid, y_valid)) = (pair(&train), pair(&valid));
    Some((TrainingData { x_train, y_train, x_valid, y_valid }, pair(&data.test)))
}

/// The first `n_train` training images and the first `n_valid`
/// validation images.
fn part(data: &TrainingData, n_train: usize, n_valid: usize) -> TrainingData {
    TrainingData {
        x_train: data.x_train.slice(0, n_train).expect("enough training images"),
        y_train: data.y_train.slice(0, n_train).expect("enough training labels"),
        x_valid: data.x_valid.slice(0, n_valid).expect("enough validation images"),
        y_valid: data.y_valid.slice(0, n_valid).expect("enough validation labels"),
    }
}

/// A fresh Keras session with the chapter's seed, so that a check gives
/// the same result on every run.
fn session() {
    keras::clear_session();
    keras::set_random_seed(42);
}

/// The model's accuracy on `(x, y)`.
fn accuracy(model: &Model, (x, y): (&Tensor, &Labels)) -> f64 {
    let logs = model.evaluate(x, y).expect("the model evaluates");
    logs.get("accuracy").expect("the model was compiled with the accuracy metric")
}

/// The rate picked from the learner's own sweep on `data`.
fn learners_rate(data: &TrainingData) -> f64 {
    session();
    let sweep = find_learning_rate(data).expect("the sweep runs");
    let rate = pick_learning_rate(&sweep).expect("a rate from a sweep that ran");
    assert!(rate.is_finite() && rate > 0.0, "pick_learning_rate returned {rate}");
    rate
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

/// The number of neurons of each `Dense` layer, in order.
fn dense_units(model: &Model) -> Vec<usize> {
    model.layers().iter().filter(|l| l.class_name() == "Dense").map(|l| l.get_weights()[0].ncols()).collect()
}

#[test]
fn ex10_the_model_is_a_deep_mlp_for_the_ten_digits() {
    session();
    let model = build_model(3e-4).expect("build_model builds and compiles a model");
    assert_eq!(
        model.input_shape(),
        Some(&[28, 28][..]),
        "an MNIST image is 28 × 28 pixels: start with Input::new(&[28, 28]) (then Flatten)"
    );
    assert_eq!(model.output_shape(), Some(&[10][..]), "one output neuron per digit: 10");
    let units = dense_units(&model);
    assert!(
        units.len() >= 3,
        "a deep MLP has at least two hidden layers before its output layer; yours has Dense layers {units:?}"
    );
    assert_eq!(
        model.loss(),
        Some(Loss::SparseCategoricalCrossentropy),
        "the labels are digits (class indices): sparse categorical cross-entropy"
    );
    assert_eq!(model.learning_rate(), Some(3e-4), "compile with the learning rate given");
    // The outputs are probabilities over the ten digits, and accuracy is
    // a metric.
    let x =
        Tensor::new((0..3 * 784).map(|i| (i % 7) as f32 / 7.0).collect(), &[3, 28, 28]).expect("3 images");
    let p = model.predict(&x).expect("the model predicts");
    for row in p.row_iter() {
        let sum: f32 = row.iter().sum();
        assert!(
            row.iter().all(|&v| v >= 0.0) && (sum - 1.0).abs() < 1e-4,
            "the outputs of an image should be 10 probabilities that sum to 1 (softmax): {row}"
        );
    }
    let y = Labels::Classes(vec![0, 1, 2]);
    assert!(
        model.evaluate(&x, &y).expect("evaluates").get("accuracy").is_some(),
        "compile with the accuracy metric"
    );
}

// ---------------------------------------------------------------------------
// The learning rate
// ---------------------------------------------------------------------------

#[test]
fn ex10_the_sweep_grows_the_rate_exponentially_until_the_loss_shoots_up() {
    session();
    let _ = build_model(1e-3).expect("build_model builds and compiles a model");
    let Some((data, _)) = mnist() else { return };
    let data = part(&data, 10_000, 1_000);
    session();
    let sweep = find_learning_rate(&data).expect("the sweep runs");
    let n = sweep.rates.len();
    assert!(n >= 100, "the sweep ran {n} batches; the chapter's runs a few hundred (500)");
    assert_eq!(sweep.losses.len(), n, "one loss per batch");
    assert!(
        sweep.rates[0] <= 1e-4,
        "start the sweep far too low (the chapter: 1e-5), not at {}",
        sweep.rates[0]
    );
    let factor = sweep.rates[1] / sweep.rates[0];
    assert!(factor > 1.0, "the rate must grow from batch to batch");
    for (k, pair) in sweep.rates.windows(2).enumerate() {
        assert!(
            (pair[1] / pair[0] / factor - 1.0).abs() < 1e-9,
            "exponential growth multiplies the rate by the same factor after every batch; from batch {k} to \
             {}, it went from {} to {}",
            k + 1,
            pair[0],
            pair[1]
        );
    }
    let smoothed: Vec<f64> = sweep.smoothed().iter().map(|&(_, loss)| loss).collect();
    let lowest = smoothed.iter().copied().fold(f64::INFINITY, f64::min);
    let last = *smoothed.last().expect("batches ran");
    assert!(
        sweep.stopped_at.is_some() || last > 2.0 * lowest,
        "the sweep must go on until the loss shoots up, to show where that happens; it ended at a rate of {} \
         with a loss of {last:.3}, against {lowest:.3} at its lowest (sweep further, to about 10)",
        sweep.rates[n - 1]
    );
}

/// A sweep's loss, without noise: flat at 2.3 up to `turning / 100`,
/// falling linearly in log-rate to 0.3 at `turning`, then shooting up.
fn loss_curve(rate: f64, turning: f64) -> f64 {
    let decades = (rate / turning).log10();
    if decades < -2.0 {
        2.3
    } else if decades < 0.0 {
        0.3 - 1.0 * decades
    } else {
        0.3 * (1.0 + 30.0 * decades * decades)
    }
}

/// Sweeps as `LrFinder::find` records them: 500 batches from `min_rate`
/// towards 10 (or fewer, when the loss exploded), the loss of each batch
/// off the curve by up to ±`noise` (relative), and the turning point.
fn sweeps() -> impl Strategy<Value = (LrFinder, f64)> {
    (-5.5..-4.0f64, -3.5..-0.5f64, 0.0..0.15f64, any::<u64>()).prop_map(
        |(log_min, log_turning, noise, seed)| {
            let (min_rate, turning) = (10f64.powf(log_min), 10f64.powf(log_turning));
            let factor = (10.0 / min_rate).powf(1.0 / 500.0);
            let mut state = seed;
            let mut jitter = move || {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
            };
            let (mut rates, mut losses) = (Vec::new(), Vec::new());
            let mut stopped_at = None;
            let mut best = f64::INFINITY;
            for k in 0..500 {
                let rate = min_rate * factor.powi(k);
                rates.push(rate);
                losses.push(loss_curve(rate, turning) * (1.0 + noise * jitter()));
                if losses.len() >= 21 {
                    let mean = losses[losses.len() - 21..].iter().sum::<f64>() / 21.0;
                    best = f64::min(best, mean);
                    if mean > 4.0 * best {
                        stopped_at = Some(rate);
                        break;
                    }
                }
            }
            (LrFinder { rates, losses, stopped_at, window: 21 }, turning)
        },
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex10_the_rate_picked_is_about_ten_times_below_where_the_loss_shoots_up((sweep, turning) in sweeps()) {
        let rate = pick_learning_rate(&sweep);
        let Some(rate) = rate else {
            panic!("pick_learning_rate returned None for a sweep of {} batches", sweep.rates.len())
        };
        prop_assert!(
            rate <= turning / 2.0,
            "the loss of this sweep is lowest at a rate of {turning:.3e} and shoots up right after; you \
             picked {rate:.3e}. Right at the turning point, training is on the edge of diverging: the \
             chapter takes a rate about ten times lower"
        );
        prop_assert!(
            rate >= turning / 30.0,
            "the loss of this sweep is lowest at a rate of {turning:.3e} and shoots up right after; you \
             picked {rate:.3e}, more than 30 times lower, which trains needlessly slowly: the chapter takes \
             a rate about ten times below the turning point (is one noisy batch misleading you? smooth the \
             loss first)"
        );
    }
}

// ---------------------------------------------------------------------------
// Training with the callbacks
// ---------------------------------------------------------------------------

/// The records of the TensorBoard event files under `dir` whose path goes
/// through a folder named `part` (`train` or `validation`).
fn event_records(files: &[PathBuf], part: &str) -> Vec<Vec<u8>> {
    files
        .iter()
        .filter(|f| {
            f.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("events.out.tfevents."))
        })
        .filter(|f| f.parent().and_then(Path::file_name).is_some_and(|n| n == part))
        .flat_map(|f| {
            keras::tensorboard::events::read_records(f).expect("an event file TensorBoard can read")
        })
        .collect()
}

/// How many of `records` hold a summary tagged `tag`.
fn tagged(records: &[Vec<u8>], tag: &str) -> usize {
    records.iter().filter(|r| r.windows(tag.len()).any(|w| w == tag.as_bytes())).count()
}

#[test]
fn ex10_training_keeps_checkpoints_stops_early_and_logs_for_tensorboard() {
    session();
    let _ = build_model(1e-3).expect("build_model builds and compiles a model");
    let Some((data, _)) = mnist() else { return };
    let data = part(&data, 2_000, 1_000);
    let rate = learners_rate(&data);
    let run_dir = tempfile::tempdir().expect("a temporary folder");
    session();
    let (model, history) = train(&data, rate, run_dir.path()).expect("training runs");

    let epochs = history.epoch.len();
    let allowed = history.params.get("epochs").copied().unwrap_or(0);
    assert!(
        epochs > 0 && epochs < allowed,
        "training ran {epochs} of the {allowed} epochs allowed: early stopping should end it (on 2,000 images \
         the validation loss stops improving after a few epochs); give fit many epochs, and EarlyStopping"
    );

    let val_loss = history.get("val_loss");
    assert_eq!(val_loss.len(), epochs, "validate on the validation set after every epoch (validation_data)");
    let logs = model.evaluate(&data.x_valid, &data.y_valid).expect("evaluates");
    let (loss, acc) = (logs.get("loss").expect("a loss"), logs.get("accuracy").expect("an accuracy"));
    let best_loss = val_loss.iter().copied().fold(f64::INFINITY, f64::min);
    let best_acc = history.get("val_accuracy").iter().copied().fold(0.0, f64::max);
    assert!(
        (loss - best_loss).abs() <= 1e-4 * best_loss.max(1.0) || (acc - best_acc).abs() < 1e-9,
        "the model returned has a validation loss of {loss:.5} and accuracy {acc:.4}, but its best epoch had \
         {best_loss:.5} (loss) or {best_acc:.4} (accuracy): let early stopping put the best weights back \
         (restore_best_weights)"
    );

    let files = files_under(run_dir.path());
    let checkpoints: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.to_str().is_some_and(|s| s.ends_with(".keras") || s.ends_with(".weights.h5")))
        .collect();
    assert!(
        !checkpoints.is_empty(),
        "no checkpoint (.keras or .weights.h5 file) under the run folder; it holds {files:?}"
    );
    for checkpoint in checkpoints {
        let restored = if checkpoint.to_string_lossy().ends_with(".keras") {
            keras::load_model(checkpoint).expect("a .keras checkpoint loads")
        } else {
            let mut fresh = build_model(rate).expect("build_model");
            fresh.load_weights(checkpoint).expect("a .weights.h5 checkpoint loads into build_model's model");
            fresh
        };
        let p = restored.predict(&data.x_valid.slice(0, 10).expect("10 images")).expect("predicts");
        assert_eq!(p.shape(), (10, 10), "a checkpoint restores the model");
    }

    let (train_records, valid_records) =
        (event_records(&files, "train"), event_records(&files, "validation"));
    for (records, part) in [(&train_records, "train"), (&valid_records, "validation")] {
        let curves = tagged(records, "epoch_loss");
        assert_eq!(
            curves, epochs,
            "the TensorBoard callback writes one epoch_loss per epoch in a `{part}` folder under the run \
             folder; found {curves} for {epochs} epochs (files: {files:?})"
        );
        assert_eq!(tagged(records, "epoch_accuracy"), epochs, "and one epoch_accuracy per epoch in `{part}`");
    }
}

#[test]
fn ex10_a_deep_mlp_beats_98_percent_on_the_mnist_test_set() {
    session();
    let _ = build_model(1e-3).expect("build_model builds and compiles a model");
    let Some((data, (x_test, y_test))) = mnist() else { return };
    let rate = learners_rate(&data);
    let run_dir = tempfile::tempdir().expect("a temporary folder");
    session();
    let (model, history) = train(&data, rate, run_dir.path()).expect("training runs");
    let test = accuracy(&model, (&x_test, &y_test));
    let valid = history.get("val_accuracy");
    assert!(
        test > 0.98,
        "test accuracy {test:.4} after {} epochs at a learning rate of {rate:.3e} (validation accuracy by epoch: \
         {valid:.4?}); the exercise asks for more than 0.98",
        history.epoch.len()
    );
    eprintln!("test accuracy {test:.4} after {} epochs, learning rate {rate:.3e}", history.epoch.len());
}

// ---------------------------------------------------------------------------
// Tuning
// ---------------------------------------------------------------------------

/// What the chapter's space declares, by name.
fn declared(hp: &HyperParameters, name: &str) -> HyperParameter {
    hp.space().iter().find(|h| h.name() == name).cloned().unwrap_or_else(|| {
        panic!("build_tunable_model does not declare \"{name}\", one of the chapter's four")
    })
}

#[test]
fn ex10_the_tunable_model_declares_the_chapters_space() {
    session();
    let mut hp = HyperParameters::new();
    let model = build_tunable_model(&mut hp).expect("build_tunable_model builds a model with the defaults");
    match declared(&hp, "n_hidden") {
        HyperParameter::Int(i) => assert_eq!(
            (i.min_value, i.max_value, i.default),
            (0, 8, Some(2)),
            "n_hidden: an Int from 0 to 8, default 2"
        ),
        other => panic!("n_hidden should be an Int, not {other:?}"),
    }
    match declared(&hp, "n_neurons") {
        HyperParameter::Int(i) => {
            assert_eq!((i.min_value, i.max_value), (16, 256), "n_neurons: an Int from 16 to 256")
        }
        other => panic!("n_neurons should be an Int, not {other:?}"),
    }
    match declared(&hp, "learning_rate") {
        HyperParameter::Float(f) => assert_eq!(
            (f.min_value, f.max_value, f.sampling),
            (1e-4, 1e-2, Sampling::Log),
            "learning_rate: a Float from 1e-4 to 1e-2, sampled on a log scale (each power of ten as likely)"
        ),
        other => panic!("learning_rate should be a Float, not {other:?}"),
    }
    match declared(&hp, "optimizer") {
        HyperParameter::Choice(c) => assert_eq!(
            c.values,
            [Value::from("sgd"), Value::from("adam")],
            "optimizer: a Choice of \"sgd\" and \"adam\""
        ),
        other => panic!("optimizer should be a Choice, not {other:?}"),
    }
    // The defaults: two hidden layers of 16 neurons, SGD at 1e-4.
    assert_eq!(
        dense_units(&model),
        [16, 16, 10],
        "with the defaults: two hidden layers of 16, then 10 outputs"
    );
    assert!(
        matches!(model.optimizer(), Some(Optimizer::Sgd { .. })),
        "the default optimizer is the first choice, SGD"
    );
    assert_eq!(model.learning_rate(), Some(1e-4));
    assert_eq!(model.input_shape(), Some(&[28, 28][..]));

    // A trial's values give their model.
    hp.set("n_hidden", 3);
    hp.set("n_neurons", 40);
    hp.set("learning_rate", 3e-3);
    hp.set("optimizer", "adam");
    session();
    let model = build_tunable_model(&mut hp).expect("build_tunable_model builds a trial's model");
    assert_eq!(dense_units(&model), [40, 40, 40, 10], "n_hidden = 3 layers of n_neurons = 40");
    assert!(
        matches!(model.optimizer(), Some(Optimizer::Adam { .. })),
        "optimizer = \"adam\" compiles with Adam"
    );
    assert_eq!(model.learning_rate(), Some(3e-3), "compile with the trial's learning_rate");
    hp.set("n_hidden", 0);
    let model = build_tunable_model(&mut hp).expect("n_hidden = 0 is a model too");
    assert_eq!(dense_units(&model), [10], "n_hidden = 0: the output layer alone");
}

#[test]
fn ex10_the_random_search_scores_its_trials_on_the_validation_set() {
    session();
    let _ = build_tunable_model(&mut HyperParameters::new()).expect("build_tunable_model builds a model");
    let Some((data, _)) = mnist() else { return };
    let data = part(&data, 5_000, 1_000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    session();
    let tuner = tune(&data, dir.path(), 5, 3, 42).expect("the search runs");
    let oracle = tuner.oracle();
    assert_eq!(oracle.objective().name, "val_accuracy", "the chapter's objective is the validation accuracy");
    assert_eq!(oracle.objective().direction, Direction::Max);
    let trials: Vec<_> = oracle.trials().values().collect();
    assert_eq!(trials.len(), 5, "tune(…, max_trials = 5, …) should run 5 trials");
    assert!(trials.iter().all(|t| t.status == TrialStatus::Completed), "every trial completes");
    for name in ["n_hidden", "n_neurons", "learning_rate", "optimizer"] {
        let _ = declared(&oracle.get_space(), name);
    }
    let best = oracle.get_best_trials(1)[0];
    let score = best.score.expect("the best trial has a score");
    assert!(
        score > 0.8,
        "the best of 5 trials reached a validation accuracy of {score:.3} after 3 epochs on 5,000 images; with \
         the chapter's space, declared in its order, and the seed given (42), the best trial gets above 0.8"
    );
    // The best model, at its best epoch, scores that on the validation set.
    let model = tuner.get_best_models(1).expect("the best model loads").remove(0);
    let acc = accuracy(&model, (&data.x_valid, &data.y_valid));
    assert!(
        (acc - score).abs() < 1e-9,
        "the best trial's score is {score}, but its model has an accuracy of {acc} on the validation set: \
         score the trials on the validation data given (validation_data)"
    );
}
