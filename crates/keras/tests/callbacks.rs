//! The callbacks against Keras 3's semantics: the hooks and their order,
//! `initial_epoch`, stopping from a batch, the `on_test_*` and
//! `on_predict_*` hooks, and each built-in callback, driven by `fit` on a
//! tiny model or by scripted logs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use keras::callbacks::{
    CSVLogger, Callback, Control, EarlyStopping, LearningRateScheduler, Logs, Mode, ModelCheckpoint,
    ProgbarLogger, ReduceLROnPlateau, SaveFreq, TerminateOnNaN,
};
use keras::layers::{Dense, Input};
use keras::optimizers::SGD;
use keras::training::{EvaluateOptions, PredictOptions};
use keras::{FitOptions, KerasError, Labels, Model, Sequential, Tensor, Verbosity};
use nalgebra::DMatrix;

fn silent<'a>() -> FitOptions<'a> {
    FitOptions { verbose: Verbosity::Silent, ..Default::default() }
}

/// `n` samples of 2 features, `y = 2·x₀ − x₁ + 0.5`.
fn data(n: usize) -> (Tensor, Labels) {
    let xs: Vec<f32> = (0..2 * n).map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0).collect();
    let ys: Vec<f32> = xs.chunks(2).map(|p| 2.0 * p[0] - p[1] + 0.5).collect();
    (Tensor::new(xs, &[n, 2]).unwrap(), Labels::from(&ys[..]))
}

/// Dense(1) on 2 features, mse, SGD at `lr`, from `seed`.
fn model(seed: u64, lr: f64) -> Model {
    keras::clear_session();
    keras::set_random_seed(seed);
    let mut m = Sequential::new(vec![Input::new(&[2]).into(), Dense::new(1).into()]).unwrap();
    m.compile("mse", SGD { learning_rate: lr, ..Default::default() }, &[]).unwrap();
    m
}

/// A directory of its own under the system's temporary directory,
/// removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("keras_callbacks_{}_{n}_{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Puts scripted values under `key` in each epoch's logs (placed before
/// the callback under test, as a metric the model would report).
struct Script {
    key: &'static str,
    values: Vec<f64>,
}

impl Callback for Script {
    fn on_epoch_end_mut(&mut self, epoch: usize, logs: &mut Logs, _: &mut Model) -> Control {
        logs.set(self.key, self.values[epoch]);
        Control::Continue
    }
}

fn script(key: &'static str, values: &[f64]) -> Script {
    Script { key, values: values.to_vec() }
}

/// Records every hook it sees.
#[derive(Default)]
struct Recorder {
    params: BTreeMap<String, usize>,
    events: Vec<String>,
    epochs_begun: Vec<usize>,
    batches: Vec<(usize, usize)>,
    batch_losses: Vec<f64>,
    epoch_logs: Vec<Logs>,
    weights: Vec<Vec<DMatrix<f32>>>,
    learning_rates: Vec<f64>,
    train_ends: usize,
    stop_at: Option<(usize, usize)>,
    no_batch_hooks: bool,
}

impl Callback for Recorder {
    fn on_train_begin(&mut self, params: &BTreeMap<String, usize>, _: &mut Model) {
        self.params = params.clone();
        self.events.push("train_begin".into());
    }
    fn on_epoch_begin(&mut self, epoch: usize, model: &mut Model) {
        self.epochs_begun.push(epoch);
        self.learning_rates.push(model.learning_rate().unwrap());
        self.events.push(format!("epoch_begin {epoch}"));
    }
    fn on_train_batch_begin(&mut self, batch: usize, _: &mut Model) {
        self.events.push(format!("batch_begin {batch}"));
    }
    fn on_train_batch_end(&mut self, batch: usize, logs: &Logs, _: &mut Model) -> Control {
        let epoch = *self.epochs_begun.last().unwrap();
        self.batches.push((epoch, batch));
        self.batch_losses.push(logs.get("loss").unwrap());
        self.events.push(format!("batch_end {batch}"));
        if self.stop_at == Some((epoch, batch)) { Control::Stop } else { Control::Continue }
    }
    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, model: &mut Model) -> Control {
        self.epoch_logs.push(logs.clone());
        self.weights.push(model.get_weights().unwrap());
        self.events.push(format!("epoch_end {epoch}"));
        Control::Continue
    }
    fn on_train_end(&mut self, _: &Logs, _: &mut Model) {
        self.train_ends += 1;
        self.events.push("train_end".into());
    }
    fn on_test_begin(&mut self, _: &Model) {
        self.events.push("test_begin".into());
    }
    fn on_test_batch_begin(&mut self, batch: usize, _: &Model) {
        self.events.push(format!("test_batch_begin {batch}"));
    }
    fn on_test_batch_end(&mut self, batch: usize, _: &Logs, _: &Model) {
        self.events.push(format!("test_batch_end {batch}"));
    }
    fn on_test_end(&mut self, logs: &Logs, _: &Model) {
        self.events.push(format!("test_end {}", logs.names().collect::<Vec<_>>().join(",")));
    }
    fn on_predict_begin(&mut self, _: &Model) {
        self.events.push("predict_begin".into());
    }
    fn on_predict_batch_begin(&mut self, batch: usize, _: &Model) {
        self.events.push(format!("predict_batch_begin {batch}"));
    }
    fn on_predict_batch_end(&mut self, batch: usize, outputs: &[DMatrix<f32>], _: &Model) {
        self.events.push(format!("predict_batch_end {batch} rows {}", outputs[0].nrows()));
    }
    fn on_predict_end(&mut self, _: &Model) {
        self.events.push("predict_end".into());
    }
    fn inference_batch_hooks(&self) -> bool {
        !self.no_batch_hooks
    }
}

/// The events that start with `prefix`.
fn events<'r>(recorder: &'r Recorder, prefix: &str) -> Vec<&'r str> {
    recorder.events.iter().map(String::as_str).filter(|e| e.starts_with(prefix)).collect()
}

// ---------------------------------------------------------------- fit's hooks

#[test]
fn hooks_run_in_keras_order_with_the_validation_pass_inside_the_epoch() {
    let (x, y) = data(20);
    let mut m = model(1, 0.05);
    let mut rec = Recorder::default();
    let options = FitOptions {
        epochs: 2,
        batch_size: 8,
        validation_split: 0.2,
        validation_batch_size: Some(3),
        callbacks: vec![&mut rec],
        ..silent()
    };
    m.fit(&x, &y, options).unwrap();
    let first_epoch: Vec<&str> = rec.events[..14].iter().map(String::as_str).collect();
    assert_eq!(
        first_epoch,
        [
            "train_begin",
            "epoch_begin 0",
            "batch_begin 0",
            "batch_end 0",
            "batch_begin 1",
            "batch_end 1",
            "test_begin",
            "test_batch_begin 0",
            "test_batch_end 0",
            "test_batch_begin 1",
            "test_batch_end 1",
            "test_end loss",
            "epoch_end 0",
            "epoch_begin 1",
        ],
        "16 training samples in batches of 8, 4 validation samples in batches of 3"
    );
    assert_eq!(rec.events.last().unwrap(), "train_end");
    assert_eq!(
        rec.params,
        BTreeMap::from([("epochs".into(), 2), ("steps".into(), 2), ("verbose".into(), 0)])
    );
}

#[test]
fn a_callback_that_wants_no_batch_hooks_sees_only_the_evaluation_s_begin_and_end() {
    let (x, y) = data(20);
    let mut m = model(1, 0.05);
    let mut rec = Recorder { no_batch_hooks: true, ..Default::default() };
    let options = FitOptions { epochs: 1, validation_split: 0.2, callbacks: vec![&mut rec], ..silent() };
    m.fit(&x, &y, options).unwrap();
    assert_eq!(events(&rec, "test"), ["test_begin", "test_end loss"]);
}

#[test]
fn initial_epoch_resumes_a_training_as_if_it_had_not_stopped() {
    let (x, y) = data(40);
    let mut whole = model(7, 0.05);
    let six = whole.fit(&x, &y, FitOptions { epochs: 6, batch_size: 8, ..silent() }).unwrap();

    let mut resumed = model(7, 0.05);
    resumed.fit(&x, &y, FitOptions { epochs: 3, batch_size: 8, ..silent() }).unwrap();
    let mut rec = Recorder::default();
    let options =
        FitOptions { epochs: 6, initial_epoch: 3, batch_size: 8, callbacks: vec![&mut rec], ..silent() };
    let history = resumed.fit(&x, &y, options).unwrap();

    assert_eq!(history.epoch, [3, 4, 5], "the epochs keep their numbers");
    assert_eq!(rec.epochs_begun, [3, 4, 5]);
    assert_eq!(history.params["epochs"], 6, "Keras's params hold `epochs` as given");
    assert_eq!(history.get("loss"), &six.get("loss")[3..]);
    assert_eq!(resumed.get_weights().unwrap(), whole.get_weights().unwrap());
    assert_eq!(resumed.iterations(), whole.iterations());
}

#[test]
fn initial_epoch_at_or_past_epochs_runs_nothing() {
    let (x, y) = data(16);
    let mut m = model(2, 0.05);
    let before = m.get_weights().unwrap();
    let mut rec = Recorder::default();
    let options = FitOptions { epochs: 3, initial_epoch: 3, callbacks: vec![&mut rec], ..silent() };
    let history = m.fit(&x, &y, options).unwrap();
    assert!(history.epoch.is_empty());
    assert_eq!(rec.events, ["train_begin", "train_end"]);
    assert_eq!(m.get_weights().unwrap(), before);
}

#[test]
fn stop_from_a_batch_hook_ends_training_right_after_that_batch() {
    let (x, y) = data(32);
    let mut m = model(3, 0.05);
    let mut rec = Recorder { stop_at: Some((1, 2)), ..Default::default() };
    let options = FitOptions {
        epochs: 5,
        batch_size: 8,
        validation_split: 0.25,
        callbacks: vec![&mut rec],
        ..silent()
    };
    let history = m.fit(&x, &y, options).unwrap();
    // 24 training samples: 3 batches per epoch; the stop comes at the last
    // batch of epoch 1 here, so test a stop in the middle too below.
    assert_eq!(rec.batches, [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]);
    assert_eq!(history.epoch, [0, 1], "the epoch of the stop still ends");
    assert!(history.get("val_loss").len() == 2, "with its validation");
    assert_eq!(rec.train_ends, 1);

    let mut m = model(3, 0.05);
    let mut rec = Recorder { stop_at: Some((1, 0)), ..Default::default() };
    let options = FitOptions { epochs: 5, batch_size: 8, callbacks: vec![&mut rec], ..silent() };
    let history = m.fit(&x, &y, options).unwrap();
    assert_eq!(rec.batches, [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0)]);
    assert_eq!(m.iterations(), 5, "no step after the batch that stopped");
    assert_eq!(history.epoch, [0, 1]);
    assert_eq!(history.get("loss")[1], rec.batch_losses[4], "epoch 1's loss is its one batch's");
}

/// Fails at the end of epoch `at`.
struct FailAt(usize, Option<KerasError>, usize);

impl Callback for FailAt {
    fn on_epoch_end(&mut self, epoch: usize, _: &Logs, _: &mut Model) -> Control {
        if epoch == self.0 {
            self.1 = Some(KerasError::Argument(format!("FailAt: failed at epoch {epoch}")));
        }
        Control::Continue
    }
    fn on_train_end(&mut self, _: &Logs, _: &mut Model) {
        self.2 += 1;
    }
    fn take_error(&mut self) -> Option<KerasError> {
        self.1.take()
    }
}

#[test]
fn a_callback_s_error_ends_fit_at_once_with_that_error() {
    let (x, y) = data(16);
    let mut m = model(4, 0.05);
    let mut fail = FailAt(1, None, 0);
    let mut rec = Recorder::default();
    let options = FitOptions { epochs: 5, callbacks: vec![&mut fail, &mut rec], ..silent() };
    let err = m.fit(&x, &y, options).unwrap_err();
    assert_eq!(err.to_string(), "FailAt: failed at epoch 1");
    assert_eq!(rec.epochs_begun, [0, 1]);
    assert_eq!((fail.2, rec.train_ends), (0, 0), "as a Keras exception: no on_train_end");
}

// ---------------------------------------------------------------- evaluate and predict

#[test]
fn evaluate_with_and_predict_with_call_their_hooks_per_batch_with_the_same_results() {
    let (x, y) = data(10);
    let m = model(5, 0.05);
    let mut rec = Recorder::default();
    let logs = m.evaluate_with(&x, &y, EvaluateOptions { batch_size: 4, callbacks: vec![&mut rec] }).unwrap();
    assert_eq!(
        rec.events,
        [
            "test_begin",
            "test_batch_begin 0",
            "test_batch_end 0",
            "test_batch_begin 1",
            "test_batch_end 1",
            "test_batch_begin 2",
            "test_batch_end 2",
            "test_end loss"
        ]
    );
    assert_eq!(logs, m.evaluate_batch_size(&x, &y, 4).unwrap(), "the same as without callbacks");
    let loss = m.evaluate(&x, &y).unwrap().get("loss").unwrap();
    assert!((logs.get("loss").unwrap() - loss).abs() < 1e-6);

    let mut rec = Recorder::default();
    let out = m.predict_with(&x, PredictOptions { batch_size: 4, callbacks: vec![&mut rec] }).unwrap();
    assert_eq!(
        rec.events,
        [
            "predict_begin",
            "predict_batch_begin 0",
            "predict_batch_end 0 rows 4",
            "predict_batch_begin 1",
            "predict_batch_end 1 rows 4",
            "predict_batch_begin 2",
            "predict_batch_end 2 rows 2",
            "predict_end"
        ]
    );
    assert_eq!(out, m.predict_batch_size(&x, 4).unwrap(), "the same as without callbacks");
    let plain = m.predict_with(&x, PredictOptions::default()).unwrap();
    assert!(out.iter().zip(plain.iter()).all(|(a, b)| (a - b).abs() < 1e-6));
}

/// Keeps the running loss after each evaluation batch.
#[derive(Default)]
struct TestLosses(Vec<f64>, Option<f64>);

impl Callback for TestLosses {
    fn on_test_batch_end(&mut self, _: usize, logs: &Logs, _: &Model) {
        self.0.push(logs.get("loss").unwrap());
    }
    fn on_test_end(&mut self, logs: &Logs, _: &Model) {
        self.1 = logs.get("loss");
    }
}

#[test]
fn evaluation_batch_logs_hold_the_running_mean_loss() {
    let (x, y) = data(10);
    let m = model(6, 0.05);
    let mut losses = TestLosses::default();
    m.evaluate_with(&x, &y, EvaluateOptions { batch_size: 4, callbacks: vec![&mut losses] }).unwrap();
    let first = m.evaluate(&x.slice(0, 4).unwrap(), &y.slice(0, 4).unwrap()).unwrap().get("loss").unwrap();
    assert!((losses.0[0] - first).abs() < 1e-6, "{} vs {first}", losses.0[0]);
    let all = losses.1.unwrap();
    assert!((losses.0[2] - all).abs() < 1e-6, "the last batch's running mean is the whole mean");
}

// ---------------------------------------------------------------- EarlyStopping

/// Runs `fit` for `scores.len()` epochs with `scores` under `score` and the
/// stopper after it; returns the epochs run.
fn run_stopper(scores: &[f64], stopper: &mut EarlyStopping) -> Vec<usize> {
    let (x, y) = data(16);
    let mut m = model(8, 0.05);
    let mut s = script("score", scores);
    let options = FitOptions { epochs: scores.len(), callbacks: vec![&mut s, stopper], ..silent() };
    m.fit(&x, &y, options).unwrap().epoch
}

#[test]
fn early_stopping_counts_patience_as_keras() {
    let mut stopper = EarlyStopping::new().monitor("score").mode(Mode::Min).patience(2);
    let epochs = run_stopper(&[1.0, 0.9, 0.95, 0.96, 0.97], &mut stopper);
    assert_eq!(epochs, [0, 1, 2, 3], "two epochs without improvement after epoch 1: stops after epoch 3");
    assert_eq!((stopper.stopped_epoch(), stopper.best_epoch(), stopper.best()), (3, 1, Some(0.9)));

    // patience 0: stops at the first epoch without improvement, never after epoch 0.
    let mut stopper = EarlyStopping::new().monitor("score").mode(Mode::Min);
    assert_eq!(run_stopper(&[1.0, 2.0, 0.5], &mut stopper), [0, 1]);

    // Reused, it starts afresh (as Keras's on_train_begin resets it).
    assert_eq!(run_stopper(&[5.0, 4.0, 3.0], &mut stopper), [0, 1, 2]);
    assert_eq!(stopper.stopped_epoch(), 0);
}

#[test]
fn early_stopping_min_delta_counts_small_changes_as_none_whatever_its_sign() {
    for delta in [0.1, -0.1] {
        let mut stopper = EarlyStopping::new().monitor("score").mode(Mode::Min).min_delta(delta).patience(1);
        assert_eq!(run_stopper(&[1.0, 0.95, 0.8], &mut stopper), [0, 1], "min_delta {delta}");
        let mut stopper = EarlyStopping::new().monitor("score").mode(Mode::Max).min_delta(delta).patience(1);
        assert_eq!(run_stopper(&[1.0, 1.05, 1.2], &mut stopper), [0, 1], "max, min_delta {delta}");
    }
    let mut stopper = EarlyStopping::new().monitor("score").mode(Mode::Min).min_delta(0.01).patience(1);
    assert_eq!(run_stopper(&[1.0, 0.95, 0.9], &mut stopper), [0, 1, 2]);
}

#[test]
fn early_stopping_baseline_keeps_the_wait_until_it_is_beaten() {
    // Without a baseline, epoch 0 resets the wait: stops after epoch 2.
    let mut stopper = EarlyStopping::new().monitor("score").mode(Mode::Min).patience(2);
    assert_eq!(run_stopper(&[1.0, 1.1, 1.2, 1.3], &mut stopper), [0, 1, 2]);
    // With one that epoch 0 does not beat, the wait goes on: stops after epoch 1.
    let mut stopper = EarlyStopping::new().monitor("score").mode(Mode::Min).patience(2).baseline(0.5);
    assert_eq!(run_stopper(&[1.0, 1.1, 1.2, 1.3], &mut stopper), [0, 1]);
    // Beaten at epoch 0, it changes nothing.
    let mut stopper = EarlyStopping::new().monitor("score").mode(Mode::Min).patience(2).baseline(2.0);
    assert_eq!(run_stopper(&[1.0, 1.1, 1.2, 1.3], &mut stopper), [0, 1, 2]);
}

#[test]
fn early_stopping_start_from_epoch_ignores_the_warm_up() {
    let scores = [5.0, 4.0, 3.0, 4.0, 5.0, 6.0];
    let mut stopper = EarlyStopping::new().monitor("score").mode(Mode::Min).patience(1);
    assert_eq!(run_stopper(&scores, &mut stopper), [0, 1, 2, 3]);
    let mut stopper = EarlyStopping::new().monitor("score").mode(Mode::Min).patience(1).start_from_epoch(3);
    assert_eq!(run_stopper(&scores, &mut stopper), [0, 1, 2, 3, 4], "epoch 3's 4.0 is the first monitored");
    assert_eq!(stopper.best_epoch(), 3);
}

#[test]
fn early_stopping_auto_mode_follows_the_metric_s_direction() {
    keras::clear_session();
    let mut m =
        Sequential::new(vec![Input::new(&[2]).into(), Dense::new(3).activation("softmax").into()]).unwrap();
    m.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()]).unwrap();
    let run = |stopper: &mut EarlyStopping, m: &mut Model, key: &str, values: &[f64]| -> Option<usize> {
        stopper.on_train_begin(&BTreeMap::new(), m);
        for (epoch, &v) in values.iter().enumerate() {
            let mut logs = Logs::new();
            logs.set(key, v);
            if stopper.on_epoch_end(epoch, &logs, m) == Control::Stop {
                return Some(epoch);
            }
        }
        None
    };
    // Accuracy goes up: 0.6 is the best, two epochs without beating it.
    let mut stopper = EarlyStopping::new().monitor("val_accuracy").patience(2);
    assert_eq!(run(&mut stopper, &mut m, "val_accuracy", &[0.5, 0.6, 0.55, 0.54]), Some(3));
    assert_eq!(stopper.best(), Some(0.6));
    // The loss goes down.
    let mut stopper = EarlyStopping::new().monitor("loss").patience(1);
    assert_eq!(run(&mut stopper, &mut m, "loss", &[0.5, 0.4, 0.45]), Some(2));
    // A name that is neither the loss nor a metric: an error, as Keras's ValueError.
    let mut stopper = EarlyStopping::new().monitor("score");
    assert_eq!(run(&mut stopper, &mut m, "score", &[1.0]), Some(0));
    let err = stopper.take_error().unwrap().to_string();
    assert!(err.contains("\"score\"") && err.contains("Mode::Min"), "{err}");
}

#[test]
fn early_stopping_with_an_unknown_direction_makes_fit_fail() {
    let (x, y) = data(16);
    let mut m = model(9, 0.05);
    let mut s = script("score", &[1.0, 2.0]);
    let mut stopper = EarlyStopping::new().monitor("score");
    let options = FitOptions { epochs: 2, callbacks: vec![&mut s, &mut stopper], ..silent() };
    let err = m.fit(&x, &y, options).unwrap_err().to_string();
    assert!(err.contains("EarlyStopping") && err.contains("score"), "{err}");
}

#[test]
fn early_stopping_restores_the_best_epoch_s_weights() {
    let (x, y) = data(16);
    let mut m = model(10, 0.05);
    let mut s = script("score", &[1.0, 0.5, 0.8, 0.9, 0.95, 0.99]);
    let mut rec = Recorder::default();
    let mut stopper =
        EarlyStopping::new().monitor("score").mode(Mode::Min).patience(2).restore_best_weights(true);
    let options = FitOptions { epochs: 6, callbacks: vec![&mut s, &mut rec, &mut stopper], ..silent() };
    let history = m.fit(&x, &y, options).unwrap();
    assert_eq!(history.epoch, [0, 1, 2, 3]);
    assert_ne!(rec.weights[1], rec.weights[3]);
    assert_eq!(m.get_weights().unwrap(), rec.weights[1], "epoch 1's weights are back");
}

#[test]
fn early_stopping_restores_the_best_weights_even_without_stopping_early() {
    let (x, y) = data(16);
    let mut m = model(11, 0.05);
    let mut s = script("score", &[3.0, 1.0, 2.0]);
    let mut rec = Recorder::default();
    let mut stopper =
        EarlyStopping::new().monitor("score").mode(Mode::Min).patience(10).restore_best_weights(true);
    let options = FitOptions { epochs: 3, callbacks: vec![&mut s, &mut rec, &mut stopper], ..silent() };
    assert_eq!(m.fit(&x, &y, options).unwrap().epoch, [0, 1, 2]);
    assert_eq!(stopper.stopped_epoch(), 0);
    assert_eq!(m.get_weights().unwrap(), rec.weights[1]);

    // Without restore_best_weights, the last weights stay.
    let mut m = model(11, 0.05);
    let mut s = script("score", &[3.0, 1.0, 2.0]);
    let mut rec = Recorder::default();
    let mut stopper = EarlyStopping::new().monitor("score").mode(Mode::Min).patience(10);
    let options = FitOptions { epochs: 3, callbacks: vec![&mut s, &mut rec, &mut stopper], ..silent() };
    m.fit(&x, &y, options).unwrap();
    assert_eq!(m.get_weights().unwrap(), rec.weights[2]);
}

#[test]
fn early_stopping_on_val_loss_stops_a_real_training() {
    // Keras's own doc example: mse on zeros with inputs arange(100), SGD,
    // batch 1: the loss blows up, and patience 3 stops it after 4 epochs.
    keras::clear_session();
    keras::set_random_seed(0);
    let x = Tensor::new((0..100).map(|i| i as f32).collect(), &[5, 20]).unwrap();
    let y = Labels::Values(DMatrix::zeros(5, 10)); // Keras broadcasts np.zeros(5)
    let mut m = Sequential::new(vec![Input::new(&[20]).into(), Dense::new(10).into()]).unwrap();
    m.compile("mse", "sgd", &[]).unwrap();
    let mut stopper = EarlyStopping::new().monitor("loss").patience(3);
    let options = FitOptions { epochs: 10, batch_size: 1, callbacks: vec![&mut stopper], ..silent() };
    let history = m.fit(&x, &y, options).unwrap();
    assert_eq!(history.get("loss").len(), 4, "losses {:?}", history.get("loss"));
}

// ---------------------------------------------------------------- ModelCheckpoint

#[test]
fn model_checkpoint_names_files_from_the_epoch_and_the_logs() {
    let dir = TempDir::new("names");
    let (x, y) = data(20);
    let mut m = model(12, 0.05);
    let mut ckpt = ModelCheckpoint::new(dir.path("m_{epoch:02d}.weights.h5")).save_weights_only(true);
    let options = FitOptions { epochs: 3, callbacks: vec![&mut ckpt], ..silent() };
    m.fit(&x, &y, options).unwrap();
    assert_eq!(dir.files(), ["m_01.weights.h5", "m_02.weights.h5", "m_03.weights.h5"]);
    let last = m.get_weights().unwrap();
    let mut fresh = model(99, 0.05);
    fresh.load_weights(dir.path("m_03.weights.h5")).unwrap();
    assert_eq!(fresh.get_weights().unwrap(), last);
}

#[test]
fn model_checkpoint_save_best_only_writes_only_on_improvement() {
    let dir = TempDir::new("best");
    let (x, y) = data(20);
    let mut m = model(13, 0.05);
    let mut s = script("score", &[3.0, 1.0, 2.0, 0.5, 0.7]);
    let mut ckpt = ModelCheckpoint::new(dir.path("best_{epoch:02d}_{score:.1f}.keras"))
        .monitor("score")
        .mode(Mode::Min)
        .save_best_only(true);
    let options = FitOptions { epochs: 5, callbacks: vec![&mut s, &mut ckpt], ..silent() };
    m.fit(&x, &y, options).unwrap();
    assert_eq!(dir.files(), ["best_01_3.0.keras", "best_02_1.0.keras", "best_04_0.5.keras"]);
    assert_eq!(ckpt.best(), Some(0.5));
    let loaded = keras::load_model(dir.path("best_04_0.5.keras")).unwrap();
    assert_eq!(loaded.get_weights().unwrap().len(), 2);
}

#[test]
fn model_checkpoint_initial_value_threshold_is_the_first_value_to_beat() {
    let dir = TempDir::new("threshold");
    let (x, y) = data(20);
    let mut m = model(14, 0.05);
    let mut s = script("score", &[3.0, 1.0, 2.0]);
    let mut ckpt = ModelCheckpoint::new(dir.path("best.weights.h5"))
        .save_weights_only(true)
        .monitor("score")
        .mode(Mode::Min)
        .save_best_only(true)
        .initial_value_threshold(0.5);
    let options = FitOptions { epochs: 3, callbacks: vec![&mut s, &mut ckpt], ..silent() };
    m.fit(&x, &y, options).unwrap();
    assert!(dir.files().is_empty(), "nothing beat 0.5: {:?}", dir.files());
    assert!(ckpt.saved().is_empty());
}

#[test]
fn model_checkpoint_every_few_batches_counts_across_epochs() {
    let dir = TempDir::new("batches");
    let (x, y) = data(32);
    let mut m = model(15, 0.05);
    let mut ckpt = ModelCheckpoint::new(dir.path("m_{epoch:02d}_{batch:02d}.weights.h5"))
        .save_weights_only(true)
        .save_freq(SaveFreq::Batches(3));
    let options = FitOptions { epochs: 2, batch_size: 8, callbacks: vec![&mut ckpt], ..silent() };
    m.fit(&x, &y, options).unwrap();
    // 4 batches per epoch: saves after the 3rd (epoch 1, batch 3) and the
    // 6th (epoch 2, batch 2).
    assert_eq!(dir.files(), ["m_01_03.weights.h5", "m_02_02.weights.h5"]);
}

#[test]
fn model_checkpoint_rejects_a_file_name_keras_rejects_before_training() {
    let (x, y) = data(16);
    for (ckpt, needs) in [
        (ModelCheckpoint::new("model.keras").save_weights_only(true), ".weights.h5"),
        (ModelCheckpoint::new("model.weights.h5"), ".keras"),
        (ModelCheckpoint::new("model.h5"), ".keras"),
    ] {
        let mut ckpt = ckpt;
        assert!(ckpt.check().is_err());
        let mut m = model(16, 0.05);
        let mut rec = Recorder::default();
        let options = FitOptions { epochs: 2, callbacks: vec![&mut ckpt, &mut rec], ..silent() };
        let err = m.fit(&x, &y, options).unwrap_err().to_string();
        assert!(err.contains("ModelCheckpoint") && err.contains(needs), "{err}");
        assert!(rec.epochs_begun.is_empty(), "no epoch runs");
    }
}

#[test]
fn model_checkpoint_with_an_unknown_placeholder_or_an_unwritable_path_makes_fit_fail() {
    let dir = TempDir::new("errors");
    let (x, y) = data(16);
    let mut m = model(17, 0.05);
    let mut ckpt = ModelCheckpoint::new(dir.path("m_{val_accuracy:.2f}.keras"));
    let options = FitOptions { epochs: 3, callbacks: vec![&mut ckpt], ..silent() };
    let err = m.fit(&x, &y, options).unwrap_err().to_string();
    assert!(err.contains("\"val_accuracy\""), "{err}");
    assert_eq!(m.iterations(), 1, "stopped after the first epoch");

    // A file where a directory should be: the save fails, fit says so.
    std::fs::write(dir.path("blocker"), b"").unwrap();
    let mut ckpt = ModelCheckpoint::new(dir.path("blocker/m.keras"));
    let options = FitOptions { epochs: 3, callbacks: vec![&mut ckpt], ..silent() };
    let err = m.fit(&x, &y, options).unwrap_err().to_string();
    assert!(err.contains("blocker"), "{err}");
}

// ---------------------------------------------------------------- TerminateOnNaN

#[test]
fn terminate_on_nan_stops_at_the_batch_whose_loss_is_not_finite() {
    let (x, y) = data(64);
    let mut m = model(18, 1e6);
    let mut nan = TerminateOnNaN::new();
    let mut rec = Recorder::default();
    let options = FitOptions { epochs: 5, batch_size: 4, callbacks: vec![&mut nan, &mut rec], ..silent() };
    let history = m.fit(&x, &y, options).unwrap();
    let stopped = nan.stopped_batch().expect("a learning rate of 1e6 diverges");
    let &(epoch, batch) = rec.batches.last().unwrap();
    assert_eq!(batch, stopped, "no batch after the one with the invalid loss");
    assert!(!rec.batch_losses.last().unwrap().is_finite());
    assert!(rec.batch_losses[..rec.batch_losses.len() - 1].iter().all(|l| l.is_finite()));
    assert_eq!(history.epoch.len(), epoch + 1);
    assert_eq!(rec.train_ends, 1, "a graceful stop");

    let mut m = model(18, 1e6);
    let mut nan = TerminateOnNaN::new().raise_error(true);
    let options = FitOptions { epochs: 5, batch_size: 4, callbacks: vec![&mut nan], ..silent() };
    let err = m.fit(&x, &y, options).unwrap_err().to_string();
    assert!(err.contains(&format!("batch {stopped}")), "{err}");
}

// ---------------------------------------------------------------- CSVLogger

fn parse_csv(path: &Path, sep: char) -> (String, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.ends_with("\r\n"), "Python's csv ends lines with \\r\\n: {text:?}");
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    let header = lines.next().unwrap().to_string();
    (header, lines.map(|l| l.split(sep).map(str::to_string).collect()).collect())
}

#[test]
fn csv_logger_writes_a_sorted_header_and_one_row_per_epoch() {
    let dir = TempDir::new("csv");
    let path = dir.path("log.csv");
    let (x, y) = data(20);
    let mut m = model(19, 0.05);
    let mut csv = CSVLogger::new(&path);
    let options = FitOptions { epochs: 3, validation_split: 0.2, callbacks: vec![&mut csv], ..silent() };
    let history = m.fit(&x, &y, options).unwrap();
    let (header, rows) = parse_csv(&path, ',');
    assert_eq!(header, "epoch,loss,val_loss");
    assert_eq!(rows.len(), 3);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[0], i.to_string());
        assert_eq!(row[1].parse::<f64>().unwrap(), history.get("loss")[i], "values read back exactly");
        assert_eq!(row[2].parse::<f64>().unwrap(), history.get("val_loss")[i]);
    }

    // Appending (to resume) adds rows, not a second header; the separator is ours to choose.
    let mut csv = CSVLogger::new(&path).append(true);
    let options = FitOptions {
        epochs: 5,
        initial_epoch: 3,
        validation_split: 0.2,
        callbacks: vec![&mut csv],
        ..silent()
    };
    m.fit(&x, &y, options).unwrap();
    let (header, rows) = parse_csv(&path, ',');
    assert_eq!(header, "epoch,loss,val_loss");
    assert_eq!(rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), ["0", "1", "2", "3", "4"]);

    // Not appending empties the file.
    let mut csv = CSVLogger::new(&path).separator(";");
    let mut s = script("score", &[0.5]);
    let options = FitOptions { epochs: 1, callbacks: vec![&mut s, &mut csv], ..silent() };
    m.fit(&x, &y, options).unwrap();
    let (header, rows) = parse_csv(&path, ';');
    assert_eq!(header, "epoch;loss;score");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][2], "0.5");
}

#[test]
fn csv_logger_writes_na_for_a_key_an_epoch_lacks_and_fails_on_an_unwritable_file() {
    let dir = TempDir::new("csv_na");
    let path = dir.path("log.csv");
    let mut m = model(20, 0.05);
    let mut csv = CSVLogger::new(&path);
    csv.on_train_begin(&BTreeMap::new(), &mut m);
    let mut logs = Logs::new();
    logs.set("loss", 1e-5);
    logs.set("mae", 2.0);
    csv.on_epoch_end(0, &logs, &mut m);
    let mut logs = Logs::new();
    logs.set("loss", 0.25);
    csv.on_epoch_end(1, &logs, &mut m);
    csv.on_train_end(&logs, &mut m);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "epoch,loss,mae\r\n0,1e-05,2.0\r\n1,0.25,NA\r\n");

    let (x, y) = data(16);
    let mut csv = CSVLogger::new(dir.path("missing/log.csv"));
    let options = FitOptions { epochs: 1, callbacks: vec![&mut csv], ..silent() };
    let err = m.fit(&x, &y, options).unwrap_err().to_string();
    assert!(err.contains("missing") && err.contains("CSVLogger"), "{err}");
}

// ---------------------------------------------------------------- learning rates

#[test]
fn learning_rate_scheduler_sets_each_epoch_s_rate_and_logs_it() {
    let (x, y) = data(16);
    let mut m = model(21, 0.1);
    let mut sched = LearningRateScheduler::new(|epoch, lr| if epoch < 2 { lr } else { lr * 0.5 });
    let mut rec = Recorder::default();
    let mut bar = ProgbarLogger::recording();
    let options = FitOptions { epochs: 4, callbacks: vec![&mut sched, &mut rec, &mut bar], ..silent() };
    let history = m.fit(&x, &y, options).unwrap();
    assert_eq!(rec.learning_rates, [0.1, 0.1, 0.05, 0.025], "set before each epoch");
    assert_eq!(history.get("learning_rate"), [0.1, 0.1, 0.05, 0.025]);
    assert_eq!(rec.epoch_logs[3].get("learning_rate"), Some(0.025), "callbacks after it see the key");
    assert!(
        bar.lines()[1].contains("learning_rate: 0.1000 - loss: "),
        "the progress bar too: {:?}",
        bar.lines()
    );
    assert_eq!(m.learning_rate(), Some(0.025));

    let mut bad = LearningRateScheduler::new(|_, _| -1.0);
    let options = FitOptions { epochs: 2, callbacks: vec![&mut bad], ..silent() };
    let err = m.fit(&x, &y, options).unwrap_err().to_string();
    assert!(err.contains("LearningRateScheduler") && err.contains("-1"), "{err}");
}

#[test]
fn without_a_scheduler_the_logs_hold_no_learning_rate() {
    let (x, y) = data(16);
    let mut m = model(22, 0.1);
    let history = m.fit(&x, &y, FitOptions { epochs: 2, ..silent() }).unwrap();
    assert!(history.get("learning_rate").is_empty());
}

/// ReduceLROnPlateau on scripted scores: the rate each epoch logged.
fn plateau(scores: &[f64], reduce: &mut ReduceLROnPlateau) -> Vec<f64> {
    let (x, y) = data(16);
    let mut m = model(23, 0.1);
    let mut s = script("score", scores);
    let options = FitOptions { epochs: scores.len(), callbacks: vec![&mut s, reduce], ..silent() };
    m.fit(&x, &y, options).unwrap().get("learning_rate").to_vec()
}

#[test]
fn reduce_lr_on_plateau_waits_patience_epochs_then_cools_down() {
    let flat = [1.0; 7];
    let mut reduce = ReduceLROnPlateau::new().monitor("score").factor(0.5).patience(1).cooldown(2);
    assert_eq!(plateau(&flat, &mut reduce), [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125]);
    let mut reduce = ReduceLROnPlateau::new().monitor("score").factor(0.5).patience(2);
    assert_eq!(plateau(&flat, &mut reduce), [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    // An improvement resets the wait; one below min_delta does not.
    let mut reduce = ReduceLROnPlateau::new().monitor("score").factor(0.5).patience(2).min_delta(0.1);
    assert_eq!(
        plateau(&[1.0, 0.5, 0.45, 0.44, 0.2, 0.19, 0.18], &mut reduce),
        [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05]
    );
    // min_lr bounds it, compared in float32 as Keras.
    let mut reduce = ReduceLROnPlateau::new().monitor("score").factor(0.5).patience(1).min_lr(0.03);
    assert_eq!(plateau(&flat, &mut reduce), [0.1, 0.1, 0.05, 0.03, 0.03, 0.03, 0.03]);
    // Auto mode: "acc" in the name means higher is better.
    let mut reduce = ReduceLROnPlateau::new().monitor("val_acc_like").factor(0.5).patience(1);
    let mut s = script("val_acc_like", &[0.5, 0.6, 0.7, 0.65]);
    let (x, y) = data(16);
    let mut m = model(24, 0.1);
    let options = FitOptions { epochs: 4, callbacks: vec![&mut s, &mut reduce], ..silent() };
    m.fit(&x, &y, options).unwrap();
    assert_eq!(m.learning_rate(), Some(0.05), "reduced once, after the drop at epoch 3");
}

#[test]
fn reduce_lr_on_plateau_rejects_a_factor_of_one_or_more() {
    let (x, y) = data(16);
    let mut m = model(25, 0.1);
    let mut reduce = ReduceLROnPlateau::new().factor(1.0);
    let options = FitOptions { epochs: 1, callbacks: vec![&mut reduce], ..silent() };
    let err = m.fit(&x, &y, options).unwrap_err().to_string();
    assert!(err.contains("factor"), "{err}");
}
