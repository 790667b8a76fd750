//! `TerminateOnNaN`: stop training at a batch whose loss is NaN or infinite.

use super::{Callback, Control, Logs};
use crate::error::KerasError;
use crate::model::Model;

/// Stops training right after a batch whose running loss is NaN or
/// infinite, printing `Batch 3: Invalid loss, terminating training`, as
/// Keras 3's `TerminateOnNaN`. The epoch still ends (validation,
/// `on_epoch_end`) and `on_train_end` is called.
///
/// With [`TerminateOnNaN::raise_error`], `fit` instead returns an error
/// at once, without ending the epoch or calling `on_train_end` (Keras's
/// `raise_error=True`, which raises a `RuntimeError`).
///
/// ```
/// use keras::callbacks::{Callback, Control, Logs, TerminateOnNaN};
/// let mut model = keras::Sequential::empty();
/// let mut logs = Logs::new();
/// logs.set("loss", 0.5);
/// let mut nan = TerminateOnNaN::new();
/// assert_eq!(nan.on_train_batch_end(0, &logs, &mut model), Control::Continue);
/// logs.set("loss", f64::INFINITY);
/// assert_eq!(nan.on_train_batch_end(1, &logs, &mut model), Control::Stop);
/// assert_eq!(nan.stopped_batch(), Some(1));
/// ```
#[derive(Debug, Default)]
pub struct TerminateOnNaN {
    raise_error: bool,
    stopped_batch: Option<usize>,
    error: Option<KerasError>,
}

impl TerminateOnNaN {
    /// Stops training gracefully (Keras's default).
    pub fn new() -> TerminateOnNaN {
        TerminateOnNaN::default()
    }

    /// Whether to end `fit` with an error instead.
    pub fn raise_error(mut self, yes: bool) -> Self {
        self.raise_error = yes;
        self
    }

    /// The batch (0-based within its epoch) whose loss was invalid, if any.
    pub fn stopped_batch(&self) -> Option<usize> {
        self.stopped_batch
    }
}

impl Callback for TerminateOnNaN {
    fn on_train_batch_end(&mut self, batch: usize, logs: &Logs, _: &mut Model) -> Control {
        match logs.get("loss") {
            Some(loss) if !loss.is_finite() => {
                self.stopped_batch = Some(batch);
                if self.raise_error {
                    self.error = Some(KerasError::Argument(format!(
                        "NaN or Inf loss encountered at batch {batch}. Loss value: {}. Terminating training immediately.",
                        super::python_float(loss)
                    )));
                } else {
                    println!("Batch {batch}: Invalid loss, terminating training");
                }
                Control::Stop
            }
            _ => Control::Continue,
        }
    }

    fn inference_batch_hooks(&self) -> bool {
        false
    }

    fn take_error(&mut self) -> Option<KerasError> {
        self.error.take()
    }
}
