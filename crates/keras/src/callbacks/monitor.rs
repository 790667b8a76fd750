//! What counts as an improvement of a monitored value, shared by
//! [`EarlyStopping`](super::EarlyStopping) and
//! [`ModelCheckpoint`](super::ModelCheckpoint) (Keras's
//! `MonitorCallback`).

use crate::error::{KerasError, Result};
use crate::model::Model;

/// Which way a monitored value improves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// From the name, as Keras 3 infers it: `loss` and `val_loss` go down;
    /// a compiled metric goes its own way (accuracies up; mean squared,
    /// root mean squared and mean absolute errors down); any other name
    /// is an error (pass [`Mode::Min`] or [`Mode::Max`]).
    /// [`ReduceLROnPlateau`](super::ReduceLROnPlateau) infers it as its
    /// Keras counterpart does: up if the name contains `acc`.
    #[default]
    Auto,
    /// Lower is better.
    Min,
    /// Higher is better.
    Max,
}

/// A resolved direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Lower is better.
    Down,
    /// Higher is better.
    Up,
}

/// A monitored key, its mode, and the smallest change that counts.
#[derive(Clone, Debug)]
pub(crate) struct Monitor {
    pub key: String,
    pub mode: Mode,
    /// `|min_delta|`, as Keras takes it.
    pub min_delta: f64,
    /// Resolved on first use (Keras: at the first epoch end, once the
    /// model's metrics are built).
    pub direction: Option<Direction>,
}

impl Monitor {
    pub fn new(key: &str) -> Monitor {
        Monitor { key: key.to_string(), mode: Mode::Auto, min_delta: 0.0, direction: None }
    }

    /// The direction, resolving `Mode::Auto` against the model's metrics
    /// the first time.
    pub fn direction(&mut self, callback: &str, model: &Model) -> Result<Direction> {
        if let Some(d) = self.direction {
            return Ok(d);
        }
        let d = match self.mode {
            Mode::Min => Direction::Down,
            Mode::Max => Direction::Up,
            Mode::Auto => {
                let name = self.key.strip_prefix("val_").unwrap_or(&self.key);
                if name == "loss" {
                    Direction::Down
                } else {
                    model.metric_direction(name).ok_or_else(|| {
                        KerasError::Argument(format!(
                            "{callback}: monitor \"{}\" is neither the loss nor one of the model's metrics ({}), \
                             so whether it should go down or up is unknown: set .mode(Mode::Min) or .mode(Mode::Max)",
                            self.key,
                            model.metric_keys().join(", ")
                        ))
                    })?
                }
            }
        };
        self.direction = Some(d);
        Ok(d)
    }

    /// Keras's `_is_improvement`: with no reference yet, any value is one;
    /// else (min) `current + min_delta < reference`, (max)
    /// `current − min_delta > reference`. Call once the direction is
    /// resolved.
    pub fn is_improvement(&self, current: f64, reference: Option<f64>) -> bool {
        let Some(reference) = reference else { return true };
        match self.direction {
            Some(Direction::Up) => current - self.min_delta > reference,
            _ => current + self.min_delta < reference,
        }
    }
}

/// The warning Keras gives when the monitored key is not in the logs.
pub(crate) fn missing_key(callback: &str, key: &str, logs: &super::Logs) -> String {
    let available: Vec<&str> = logs.names().collect();
    format!(
        "{callback}: monitor \"{key}\" is not in the logs, this epoch is not counted; available: {}",
        available.join(", ")
    )
}
