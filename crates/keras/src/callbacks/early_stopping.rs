//! `EarlyStopping`: stop training when a monitored value stops improving.

use std::collections::BTreeMap;

use nalgebra::DMatrix;

use super::monitor::{Mode, Monitor, missing_key};
use super::{Callback, Control, Logs};
use crate::error::KerasError;
use crate::model::Model;

/// Stops training when the monitored value (`val_loss` by default) has
/// not improved for `patience` epochs, as Keras 3's `EarlyStopping`.
///
/// After each epoch from `start_from_epoch` on whose logs hold the
/// monitored value: the wait count goes up by one; if the value improves
/// on the best so far (by more than `min_delta`, see [`Mode`]) it becomes
/// the best, and the wait count goes back to 0 unless a `baseline` is set
/// and the value does not improve on it; otherwise training stops once the
/// wait count reaches `patience` (never after epoch 0). The first value
/// monitored is always an improvement.
///
/// With `restore_best_weights`, the weights of the best epoch are put back
/// at the end of training, whether it stopped early or not (and, if no
/// epoch improved, those of the first epoch monitored).
///
/// ```
/// use keras::callbacks::{Callback, EarlyStopping, Logs};
/// use keras::layers::{Dense, Input};
/// use keras::Sequential;
/// let mut model = Sequential::new(vec![Input::new(&[1]).into(), Dense::new(1).into()])?;
/// model.compile("mse", "sgd", &[])?;
/// let mut stopper = EarlyStopping::new().monitor("loss").patience(2);
/// stopper.on_train_begin(&Default::default(), &mut model);
/// let mut stopped = None;
/// for (epoch, loss) in [1.0, 0.9, 0.95, 0.96, 0.97].into_iter().enumerate() {
///     let mut logs = Logs::new();
///     logs.set("loss", loss);
///     if stopper.on_epoch_end(epoch, &logs, &mut model) == keras::Control::Stop {
///         stopped = Some(epoch);
///         break;
///     }
/// }
/// assert_eq!(stopped, Some(3));
/// assert_eq!((stopper.stopped_epoch(), stopper.best_epoch(), stopper.best()), (3, 1, Some(0.9)));
/// # Ok::<(), keras::KerasError>(())
/// ```
pub struct EarlyStopping {
    monitor: Monitor,
    patience: usize,
    verbose: bool,
    baseline: Option<f64>,
    restore_best_weights: bool,
    start_from_epoch: usize,
    wait: usize,
    stopped_epoch: usize,
    best: Option<f64>,
    best_epoch: usize,
    best_weights: Option<Vec<DMatrix<f32>>>,
    warned: bool,
    error: Option<KerasError>,
}

impl Default for EarlyStopping {
    fn default() -> Self {
        EarlyStopping::new()
    }
}

impl EarlyStopping {
    /// Keras's defaults: monitor `val_loss`, `min_delta` 0, `patience` 0,
    /// silent, mode auto, no baseline, no restoring, from epoch 0.
    pub fn new() -> EarlyStopping {
        EarlyStopping {
            monitor: Monitor::new("val_loss"),
            patience: 0,
            verbose: false,
            baseline: None,
            restore_best_weights: false,
            start_from_epoch: 0,
            wait: 0,
            stopped_epoch: 0,
            best: None,
            best_epoch: 0,
            best_weights: None,
            warned: false,
            error: None,
        }
    }

    /// The key to monitor (`loss`, `val_accuracy`, …).
    pub fn monitor(mut self, key: &str) -> Self {
        self.monitor.key = key.to_string();
        self.monitor.direction = None;
        self
    }

    /// The smallest change that counts as an improvement (its sign is
    /// ignored, as Keras's `abs(min_delta)`).
    pub fn min_delta(mut self, min_delta: f64) -> Self {
        self.monitor.min_delta = min_delta.abs();
        self
    }

    /// Epochs without improvement before stopping.
    pub fn patience(mut self, patience: usize) -> Self {
        self.patience = patience;
        self
    }

    /// Whether to print when it stops and when it restores the weights.
    pub fn verbose(mut self, verbose: bool) -> Self {
        self.verbose = verbose;
        self
    }

    /// Which way the monitored value improves.
    pub fn mode(mut self, mode: Mode) -> Self {
        self.monitor.mode = mode;
        self.monitor.direction = None;
        self
    }

    /// A value to beat: until the monitored value improves on it, the wait
    /// count is not reset, so training stops after `patience` epochs.
    pub fn baseline(mut self, baseline: f64) -> Self {
        self.baseline = Some(baseline);
        self
    }

    /// Whether to put back the best epoch's weights at the end of training.
    pub fn restore_best_weights(mut self, restore: bool) -> Self {
        self.restore_best_weights = restore;
        self
    }

    /// Epochs before monitoring starts (a warm-up when no improvement is
    /// expected).
    pub fn start_from_epoch(mut self, epoch: usize) -> Self {
        self.start_from_epoch = epoch;
        self
    }

    /// The epoch (0-based) after which it stopped training, 0 if it did
    /// not.
    pub fn stopped_epoch(&self) -> usize {
        self.stopped_epoch
    }

    /// The epoch (0-based) of the best value.
    pub fn best_epoch(&self) -> usize {
        self.best_epoch
    }

    /// The best value so far (`None` before the first monitored epoch).
    pub fn best(&self) -> Option<f64> {
        self.best
    }

    /// Epochs counted since the last reset of the wait count.
    pub fn wait(&self) -> usize {
        self.wait
    }

    fn fail(&mut self, error: KerasError) -> Control {
        self.error = Some(error);
        Control::Stop
    }
}

impl Callback for EarlyStopping {
    fn on_train_begin(&mut self, _: &BTreeMap<String, usize>, _: &mut Model) {
        // As Keras: an instance can be reused for another fit.
        self.wait = 0;
        self.stopped_epoch = 0;
        self.best = None;
        self.best_weights = None;
        self.best_epoch = 0;
        self.warned = false;
    }

    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, model: &mut Model) -> Control {
        if let Err(e) = self.monitor.direction("EarlyStopping", model) {
            return self.fail(e);
        }
        let Some(current) = logs.get(&self.monitor.key) else {
            if !self.warned {
                eprintln!("Warning: {}", missing_key("EarlyStopping", &self.monitor.key, logs));
                self.warned = true;
            }
            return Control::Continue;
        };
        if epoch < self.start_from_epoch {
            return Control::Continue;
        }
        if self.restore_best_weights && self.best_weights.is_none() {
            // Never set: the current weights are the best.
            match model.get_weights() {
                Ok(w) => self.best_weights = Some(w),
                Err(e) => return self.fail(e),
            }
            self.best_epoch = epoch;
        }
        self.wait += 1;
        if self.monitor.is_improvement(current, self.best) {
            self.best = Some(current);
            self.best_epoch = epoch;
            if self.restore_best_weights {
                match model.get_weights() {
                    Ok(w) => self.best_weights = Some(w),
                    Err(e) => return self.fail(e),
                }
            }
            // The wait restarts only if the value beats the baseline too.
            if self.baseline.is_none() || self.monitor.is_improvement(current, self.baseline) {
                self.wait = 0;
            }
            return Control::Continue;
        }
        if self.wait >= self.patience && epoch > 0 {
            self.stopped_epoch = epoch;
            return Control::Stop;
        }
        Control::Continue
    }

    fn on_train_end(&mut self, _: &Logs, model: &mut Model) {
        if self.stopped_epoch > 0 && self.verbose {
            println!("Epoch {}: early stopping", self.stopped_epoch + 1);
        }
        if self.restore_best_weights
            && let Some(weights) = &self.best_weights
        {
            if self.verbose {
                println!("Restoring model weights from the end of the best epoch: {}.", self.best_epoch + 1);
            }
            if let Err(e) = model.set_weights(weights) {
                self.error = Some(e);
            }
        }
    }

    fn inference_batch_hooks(&self) -> bool {
        false
    }

    fn take_error(&mut self) -> Option<KerasError> {
        self.error.take()
    }
}
