//! `LearningRateScheduler`: the learning rate of each epoch from a function.

use super::{Callback, Control, Logs};
use crate::error::KerasError;
use crate::model::Model;

/// Sets the optimizer's learning rate before each epoch to
/// `schedule(epoch, current_lr)` (epoch 0-based), and adds the learning
/// rate to the epoch's logs as `learning_rate` (so it reaches the
/// callbacks after it, the progress bar and the history), as Keras 3's
/// `LearningRateScheduler`. A schedule that gives a negative or
/// non-finite rate stops training with an error.
///
/// ```
/// use keras::callbacks::LearningRateScheduler;
/// // The book's exponential decay: 0.01 · 0.1^(epoch / 20).
/// let scheduler = LearningRateScheduler::new(|epoch, _lr| 0.01 * 0.1f64.powf(epoch as f64 / 20.0));
/// # let _ = scheduler;
/// ```
pub struct LearningRateScheduler {
    schedule: Box<dyn FnMut(usize, f64) -> f64>,
    verbose: bool,
    error: Option<KerasError>,
}

impl LearningRateScheduler {
    /// A scheduler calling `schedule(epoch, lr)`.
    pub fn new(schedule: impl FnMut(usize, f64) -> f64 + 'static) -> LearningRateScheduler {
        LearningRateScheduler { schedule: Box::new(schedule), verbose: false, error: None }
    }

    /// Whether to print each rate set.
    pub fn verbose(mut self, verbose: bool) -> Self {
        self.verbose = verbose;
        self
    }
}

impl Callback for LearningRateScheduler {
    fn on_epoch_begin(&mut self, epoch: usize, model: &mut Model) {
        let Some(lr) = model.learning_rate() else {
            self.error = Some(KerasError::NotCompiled(model.name().to_string()));
            return;
        };
        let new = (self.schedule)(epoch, lr);
        match model.set_learning_rate(new) {
            Ok(()) => {
                if self.verbose {
                    println!(
                        "\nEpoch {}: LearningRateScheduler setting learning rate to {}.",
                        epoch + 1,
                        super::python_float(new)
                    );
                }
            }
            Err(e) => {
                self.error = Some(KerasError::Argument(format!(
                    "LearningRateScheduler: the schedule gave epoch {epoch} an invalid learning rate: {e}"
                )))
            }
        }
    }

    fn on_epoch_end_mut(&mut self, _epoch: usize, logs: &mut Logs, model: &mut Model) -> Control {
        if let Some(lr) = model.learning_rate() {
            logs.set("learning_rate", lr);
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
