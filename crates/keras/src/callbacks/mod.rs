//! What `fit` reports, and the hook points to act on it: Keras 3's
//! callbacks.
//!
//! [`Logs`] are the loss and metrics so far; `fit` hands them to every
//! [`Callback`] after each batch and each epoch, and keeps each epoch's in
//! its [`History`]. `evaluate_with` and `predict_with` (and `fit`'s
//! validation pass) call the `on_test_*` and `on_predict_*` hooks.
//!
//! The built-in callbacks follow Keras 3 (`keras/src/callbacks/*.py`):
//! [`ProgbarLogger`] (the progress bar behind `verbose`),
//! [`EarlyStopping`], [`ModelCheckpoint`], [`TerminateOnNaN`],
//! [`CSVLogger`], [`LearningRateScheduler`] and [`ReduceLROnPlateau`].
//!
//! ```
//! use keras::callbacks::{Callback, Control, EarlyStopping, Logs};
//! use keras::layers::{Dense, Input};
//! use keras::{FitOptions, Labels, Sequential, Tensor, Verbosity};
//!
//! /// Stops training as soon as the loss is below a target.
//! struct StopBelow(f64);
//! impl Callback for StopBelow {
//!     fn on_epoch_end(&mut self, _epoch: usize, logs: &Logs, _model: &mut keras::Model) -> Control {
//!         match logs.get("loss") {
//!             Some(loss) if loss < self.0 => Control::Stop,
//!             _ => Control::Continue,
//!         }
//!     }
//! }
//!
//! let xs: Vec<f32> = (0..32).map(|i| i as f32 / 16.0 - 1.0).collect();
//! let ys: Vec<f32> = xs.iter().map(|x| 3.0 * x).collect();
//! let (x, y) = (Tensor::new(xs, &[32, 1])?, Labels::from(&ys[..]));
//! let mut model = Sequential::new(vec![Input::new(&[1]).into(), Dense::new(1).into()])?;
//! model.compile("mse", keras::optimizers::SGD { learning_rate: 0.1, ..Default::default() }, &[])?;
//! let mut stop = StopBelow(0.01);
//! let mut early = EarlyStopping::new().monitor("loss").patience(3);
//! let options = FitOptions {
//!     epochs: 500,
//!     callbacks: vec![&mut stop, &mut early],
//!     verbose: Verbosity::Silent,
//!     ..Default::default()
//! };
//! let history = model.fit(&x, &y, options)?;
//! assert!(history.epoch.len() < 500 && *history.get("loss").last().unwrap() < 0.01);
//! # Ok::<(), keras::KerasError>(())
//! ```
//!
//! A hook cannot return an error, so a callback that fails (a checkpoint
//! that cannot be written, a schedule that gives a negative learning
//! rate) keeps its error and hands it over through
//! [`Callback::take_error`]: `fit`, `evaluate_with` and `predict_with` ask
//! every callback after each round of hooks and return the first error,
//! at once and without calling `on_train_end` (Keras raises the
//! exception out of `fit` the same way).

use std::collections::BTreeMap;
use std::fmt;

use nalgebra::DMatrix;
use serde::Serialize;

use crate::error::KerasError;
use crate::model::Model;

mod csv_logger;
mod early_stopping;
mod learning_rate_scheduler;
mod model_checkpoint;
pub(crate) mod monitor;
mod progbar;
mod reduce_lr_on_plateau;
mod terminate_on_nan;

pub use csv_logger::CSVLogger;
pub use early_stopping::EarlyStopping;
pub use learning_rate_scheduler::LearningRateScheduler;
pub use model_checkpoint::{ModelCheckpoint, SaveFreq};
pub use monitor::Mode;
pub use progbar::{ProgbarLogger, Verbosity};
pub use reduce_lr_on_plateau::ReduceLROnPlateau;
pub use terminate_on_nan::TerminateOnNaN;

/// Named values (loss and metrics), in the order they were added.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Logs {
    entries: Vec<(String, f64)>,
}

impl Logs {
    /// No values.
    pub fn new() -> Logs {
        Logs::default()
    }

    /// Sets `name` to `value`, adding it at the end if it is new.
    pub fn set(&mut self, name: &str, value: f64) {
        match self.entries.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => *v = value,
            None => self.entries.push((name.to_string(), value)),
        }
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.entries.iter().find(|(n, _)| n == name).map(|&(_, v)| v)
    }

    /// The values in order (what Keras's `evaluate` returns: loss, then
    /// the metrics).
    pub fn values(&self) -> Vec<f64> {
        self.entries.iter().map(|&(_, v)| v).collect()
    }

    /// The names in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_str())
    }

    /// Name → value (`evaluate(…, return_dict=True)`).
    pub fn to_map(&self) -> BTreeMap<String, f64> {
        self.entries.iter().cloned().collect()
    }

    /// `(name, value)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), *v))
    }
}

impl fmt::Display for Logs {
    /// `accuracy: 0.8812 - loss: 0.3254`, names sorted as Keras prints them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut entries: Vec<&(String, f64)> = self.entries.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (i, (name, value)) in entries.into_iter().enumerate() {
            if i > 0 {
                f.write_str(" - ")?;
            }
            write!(f, "{name}: {value:.4}")?;
        }
        Ok(())
    }
}

/// What `fit` returns: its settings and each epoch's logs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct History {
    /// `verbose`, `epochs`, `steps` (batches per epoch).
    pub params: BTreeMap<String, usize>,
    /// The epochs run (0-based).
    pub epoch: Vec<usize>,
    /// Each key's value after every epoch: `loss`, `accuracy`, `val_loss`, …
    pub history: BTreeMap<String, Vec<f64>>,
}

impl History {
    /// Appends an epoch.
    pub(crate) fn push(&mut self, epoch: usize, logs: &Logs) {
        self.epoch.push(epoch);
        for (name, value) in logs.iter() {
            self.history.entry(name.to_string()).or_default().push(value);
        }
    }

    /// The series of one key (empty if absent).
    pub fn get(&self, key: &str) -> &[f64] {
        self.history.get(key).map_or(&[], Vec::as_slice)
    }
}

/// Whether training goes on after a batch or an epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// Go on.
    Continue,
    /// Stop training (`model.stop_training = True`): after this batch if
    /// returned by a batch hook (the epoch still ends: validation, then
    /// `on_epoch_end`), after this epoch if returned by an epoch hook.
    Stop,
}

/// Called by `fit`, `evaluate_with` and `predict_with` as they go, with
/// Keras 3's hooks. Every method has a default that does nothing, so a
/// callback implements only what it needs.
///
/// The training hooks get the model mutably, as Keras's `self.model`: a
/// callback can read and set the weights (`model.get_weights()`,
/// `model.set_weights(…)`), save the model (`model.save(path)`), read and
/// change the learning rate (`model.learning_rate()`,
/// `model.set_learning_rate(lr)`). Returning [`Control::Stop`] from a
/// batch or an epoch hook stops training there (Keras's
/// `model.stop_training = True`, checked after each batch and each
/// epoch). The `on_test_*` and `on_predict_*` hooks get it shared
/// (`evaluate` and `predict` take `&self`).
///
/// In `fit`, the order of the hooks is Keras's: `on_train_begin`; for each
/// epoch `on_epoch_begin`, then for each batch `on_train_batch_begin` and
/// `on_train_batch_end`, then (with validation data) `on_test_begin`,
/// `on_test_batch_begin` / `on_test_batch_end` for each validation batch,
/// `on_test_end`, then [`Callback::on_epoch_end_mut`]; last
/// `on_train_end`. The callbacks are called in the order given, the
/// progress bar last, as Keras appends its `ProgbarLogger`.
///
/// The chapter's custom callback, which prints the ratio of the
/// validation loss to the training loss after each epoch:
///
/// ```
/// use keras::callbacks::{Callback, Control, Logs};
/// use keras::layers::{Dense, Input};
/// use keras::{FitOptions, Labels, Model, Sequential, Tensor, Verbosity};
///
/// struct PrintValTrainRatio;
///
/// impl Callback for PrintValTrainRatio {
///     fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, _model: &mut Model) -> Control {
///         if let (Some(val_loss), Some(loss)) = (logs.get("val_loss"), logs.get("loss")) {
///             println!("Epoch={epoch}, val/train={:.2}", val_loss / loss);
///         }
///         Control::Continue
///     }
/// }
///
/// let xs: Vec<f32> = (0..40).map(|i| i as f32 / 20.0).collect();
/// let ys: Vec<f32> = xs.iter().map(|x| 1.0 - x).collect();
/// let (x, y) = (Tensor::new(xs, &[40, 1])?, Labels::from(&ys[..]));
/// let mut model = Sequential::new(vec![Input::new(&[1]).into(), Dense::new(1).into()])?;
/// model.compile("mse", "sgd", &[])?;
/// let mut ratio = PrintValTrainRatio;
/// let options = FitOptions {
///     epochs: 2,
///     validation_split: 0.25,
///     callbacks: vec![&mut ratio],
///     verbose: Verbosity::Silent,
///     ..Default::default()
/// };
/// model.fit(&x, &y, options)?; // prints "Epoch=0, val/train=…" and "Epoch=1, val/train=…"
/// # Ok::<(), keras::KerasError>(())
/// ```
#[allow(unused_variables)]
pub trait Callback {
    /// Before the first epoch, with `fit`'s parameters: `epochs`, `steps`
    /// (batches per epoch), `verbose` (0, 1 or 2), as Keras's
    /// `self.params`.
    fn on_train_begin(&mut self, params: &BTreeMap<String, usize>, model: &mut Model) {}
    /// Before each epoch, with its number: 0-based, from `fit`'s
    /// `initial_epoch` to `epochs − 1`.
    fn on_epoch_begin(&mut self, epoch: usize, model: &mut Model) {}
    /// Before each training batch (0-based within the epoch).
    fn on_train_batch_begin(&mut self, batch: usize, model: &mut Model) {}
    /// After each batch, with the running loss and metrics of the epoch.
    fn on_train_batch_end(&mut self, batch: usize, logs: &Logs, model: &mut Model) -> Control {
        Control::Continue
    }
    /// After each epoch, with its loss and metrics (and the validation
    /// ones, `val_`-prefixed).
    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, model: &mut Model) -> Control {
        Control::Continue
    }
    /// What `fit` calls after each epoch: the same as
    /// [`Callback::on_epoch_end`] (which the default calls), with logs it
    /// may add to. Keras's callbacks share one `logs` dictionary, so a key
    /// one adds (`learning_rate`, by [`LearningRateScheduler`] and
    /// [`ReduceLROnPlateau`]) reaches the callbacks after it, the progress
    /// bar and the [`History`].
    fn on_epoch_end_mut(&mut self, epoch: usize, logs: &mut Logs, model: &mut Model) -> Control {
        self.on_epoch_end(epoch, logs, model)
    }
    /// After the last epoch, with the last epoch's logs (empty if no epoch
    /// ran).
    fn on_train_end(&mut self, logs: &Logs, model: &mut Model) {}

    /// Before an evaluation (`evaluate_with`, or `fit`'s validation pass).
    fn on_test_begin(&mut self, model: &Model) {}
    /// Before each evaluation batch (0-based).
    fn on_test_batch_begin(&mut self, batch: usize, model: &Model) {}
    /// After each evaluation batch, with the running loss and metrics
    /// (not prefixed with `val_`, as Keras's).
    fn on_test_batch_end(&mut self, batch: usize, logs: &Logs, model: &Model) {}
    /// After an evaluation, with its result (not prefixed with `val_`).
    fn on_test_end(&mut self, logs: &Logs, model: &Model) {}
    /// Before a prediction (`predict_with`).
    fn on_predict_begin(&mut self, model: &Model) {}
    /// Before each prediction batch (0-based).
    fn on_predict_batch_begin(&mut self, batch: usize, model: &Model) {}
    /// After each prediction batch, with its outputs (one matrix per model
    /// output, one row per sample of the batch: Keras's
    /// `logs["outputs"]`).
    fn on_predict_batch_end(&mut self, batch: usize, outputs: &[DMatrix<f32>], model: &Model) {}
    /// After a prediction.
    fn on_predict_end(&mut self, model: &Model) {}

    /// Whether this callback's `on_test_batch_*` and `on_predict_batch_*`
    /// hooks must be called between the batches (default true). When no
    /// callback needs them, evaluation and prediction share their batches
    /// among the cores and call no batch hook; when one does, the batches
    /// run in order on one thread, with every callback's batch hooks in
    /// between (the results are the same). A callback that implements
    /// neither may return false, to keep `fit`'s validation on every core.
    fn inference_batch_hooks(&self) -> bool {
        true
    }

    /// The error this callback met in a hook, if any, handed over once
    /// (the next call returns `None`). `fit`, `evaluate_with` and
    /// `predict_with` ask after each round of hooks and return the first
    /// error they get, at once.
    fn take_error(&mut self) -> Option<KerasError> {
        None
    }
}

/// The first error any callback holds.
pub(crate) fn first_error(callbacks: &mut [&mut dyn Callback]) -> Option<KerasError> {
    callbacks.iter_mut().find_map(|c| c.take_error())
}

/// `value` as Python's `repr` (and `str`) writes a float: the shortest
/// digits that read back the same, `1.0` for a whole number, scientific
/// notation (`1e-05`, `1.5e+16`) below 1e-4 and from 1e16 on. What Keras's
/// `CSVLogger` writes and its messages print.
pub(crate) fn python_float(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if value == 0.0 {
        return if value.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    let sci = format!("{value:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if (-4..16).contains(&exponent) {
        let plain = format!("{value}");
        if plain.contains('.') { plain } else { plain + ".0" }
    } else {
        format!("{mantissa}e{}", python_exponent(exponent))
    }
}

/// An exponent as Python writes it: a sign, then at least two digits.
pub(crate) fn python_exponent(exponent: i32) -> String {
    format!("{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::python_float;

    #[test]
    fn floats_are_written_as_python_writes_them() {
        assert_eq!(python_float(1.0), "1.0");
        assert_eq!(python_float(0.5), "0.5");
        assert_eq!(python_float(0.1), "0.1");
        assert_eq!(python_float(1e-5), "1e-05");
        assert_eq!(python_float(1.5e-5), "1.5e-05");
        assert_eq!(python_float(0.0001), "0.0001");
        assert_eq!(python_float(1e16), "1e+16");
        assert_eq!(python_float(123456.0), "123456.0");
        assert_eq!(python_float(-2.25), "-2.25");
        assert_eq!(python_float(f64::NAN), "nan");
        assert_eq!(python_float(f64::NEG_INFINITY), "-inf");
    }
}
