//! `ReduceLROnPlateau`: lower the learning rate when a value stops improving.

use std::collections::BTreeMap;

use super::monitor::{Mode, missing_key};
use super::{Callback, Control, Logs};
use crate::error::KerasError;
use crate::model::Model;

/// Multiplies the learning rate by `factor` when the monitored value
/// (`val_loss` by default) has not improved for `patience` epochs, as
/// Keras 3's `ReduceLROnPlateau`.
///
/// After each epoch it adds the learning rate the epoch used to the logs
/// (`learning_rate`). Then, if the logs hold the monitored value: during a
/// cooldown the cooldown count goes down and the wait count is held at
/// 0; a value below `best − min_delta` (mode min; above `best + min_delta`
/// in mode max) becomes the best and resets the wait count; otherwise,
/// outside a cooldown, the wait count goes up, and on reaching `patience`
/// the rate becomes `max(lr · factor, min_lr)` (if it is above `min_lr`),
/// a cooldown of `cooldown` epochs starts, and the wait count goes back
/// to 0. [`Mode::Auto`] means max if the key contains `acc`, min
/// otherwise (as Keras's test, unlike [`EarlyStopping`](super::EarlyStopping)'s).
/// `factor` must be below 1 (checked at `on_train_begin`: `fit` returns
/// the error).
///
/// ```
/// use keras::callbacks::ReduceLROnPlateau;
/// let reduce = ReduceLROnPlateau::new().monitor("val_loss").factor(0.5).patience(5).min_lr(1e-5);
/// # let _ = reduce;
/// ```
pub struct ReduceLROnPlateau {
    monitor: String,
    factor: f64,
    patience: usize,
    verbose: bool,
    mode: Mode,
    min_delta: f64,
    cooldown: usize,
    min_lr: f64,
    cooldown_counter: usize,
    wait: usize,
    best: f64,
    up: bool,
    warned: bool,
    error: Option<KerasError>,
}

impl Default for ReduceLROnPlateau {
    fn default() -> Self {
        ReduceLROnPlateau::new()
    }
}

impl ReduceLROnPlateau {
    /// Keras's defaults: monitor `val_loss`, factor 0.1, patience 10,
    /// silent, mode auto, `min_delta` 1e-4, cooldown 0, `min_lr` 0.
    pub fn new() -> ReduceLROnPlateau {
        let mut r = ReduceLROnPlateau {
            monitor: "val_loss".to_string(),
            factor: 0.1,
            patience: 10,
            verbose: false,
            mode: Mode::Auto,
            min_delta: 1e-4,
            cooldown: 0,
            min_lr: 0.0,
            cooldown_counter: 0,
            wait: 0,
            best: f64::INFINITY,
            up: false,
            warned: false,
            error: None,
        };
        r.reset();
        r
    }

    /// The key to monitor.
    pub fn monitor(mut self, key: &str) -> Self {
        self.monitor = key.to_string();
        self.reset();
        self
    }

    /// The factor the rate is multiplied by (below 1).
    pub fn factor(mut self, factor: f64) -> Self {
        self.factor = factor;
        self
    }

    /// Epochs without improvement before the rate is lowered.
    pub fn patience(mut self, patience: usize) -> Self {
        self.patience = patience;
        self
    }

    /// Whether to print each change of the rate.
    pub fn verbose(mut self, verbose: bool) -> Self {
        self.verbose = verbose;
        self
    }

    /// Which way the monitored value improves.
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self.reset();
        self
    }

    /// The smallest change that counts as an improvement.
    pub fn min_delta(mut self, min_delta: f64) -> Self {
        self.min_delta = min_delta;
        self
    }

    /// Epochs after a reduction during which the wait count stays at 0.
    pub fn cooldown(mut self, cooldown: usize) -> Self {
        self.cooldown = cooldown;
        self
    }

    /// The lowest rate it sets.
    pub fn min_lr(mut self, min_lr: f64) -> Self {
        self.min_lr = min_lr;
        self
    }

    /// Epochs without improvement counted so far.
    pub fn wait(&self) -> usize {
        self.wait
    }

    /// Epochs of cooldown left.
    pub fn cooldown_counter(&self) -> usize {
        self.cooldown_counter
    }

    /// The best value so far (±∞ before the first).
    pub fn best(&self) -> f64 {
        self.best
    }

    /// Keras's `_reset`: the direction, the best, the counters.
    fn reset(&mut self) {
        self.up = match self.mode {
            Mode::Min => false,
            Mode::Max => true,
            Mode::Auto => self.monitor.contains("acc"),
        };
        self.best = if self.up { f64::NEG_INFINITY } else { f64::INFINITY };
        self.cooldown_counter = 0;
        self.wait = 0;
    }

    fn improves(&self, current: f64) -> bool {
        if self.up { current > self.best + self.min_delta } else { current < self.best - self.min_delta }
    }
}

impl Callback for ReduceLROnPlateau {
    fn on_train_begin(&mut self, _: &BTreeMap<String, usize>, _: &mut Model) {
        self.reset();
        self.warned = false;
        if self.factor >= 1.0 || self.factor.is_nan() {
            self.error = Some(KerasError::Argument(format!(
                "ReduceLROnPlateau does not support a factor >= 1.0; got factor {}",
                self.factor
            )));
        }
    }

    fn on_epoch_end_mut(&mut self, epoch: usize, logs: &mut Logs, model: &mut Model) -> Control {
        let Some(old_lr) = model.learning_rate() else {
            self.error = Some(KerasError::NotCompiled(model.name().to_string()));
            return Control::Stop;
        };
        logs.set("learning_rate", old_lr);
        let Some(current) = logs.get(&self.monitor) else {
            if !self.warned {
                eprintln!("Warning: {}", missing_key("ReduceLROnPlateau", &self.monitor, logs));
                self.warned = true;
            }
            return Control::Continue;
        };
        if self.cooldown_counter > 0 {
            self.cooldown_counter -= 1;
            self.wait = 0;
        }
        if self.improves(current) {
            self.best = current;
            self.wait = 0;
        } else if self.cooldown_counter == 0 {
            self.wait += 1;
            // Keras's rate is a float32 variable, compared with the bound
            // in float32.
            if self.wait >= self.patience && old_lr as f32 > self.min_lr as f32 {
                let new_lr = (old_lr * self.factor).max(self.min_lr);
                if let Err(e) = model.set_learning_rate(new_lr) {
                    self.error = Some(e);
                    return Control::Stop;
                }
                if self.verbose {
                    println!(
                        "\nEpoch {}: ReduceLROnPlateau reducing learning rate to {}.",
                        epoch + 1,
                        super::python_float(new_lr)
                    );
                }
                self.cooldown_counter = self.cooldown;
                self.wait = 0;
            }
        }
        Control::Continue
    }

    fn inference_batch_hooks(&self) -> bool {
        false
    }

    fn take_error(&mut self) -> Option<KerasError> {
        self.error.take()
    }
}
