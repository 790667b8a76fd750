//! What `fit` reports, and the hook point to act on it.
//!
//! [`Logs`] are the loss and metrics so far; `fit` hands them to every
//! [`Callback`] after each batch and each epoch, and keeps each epoch's in
//! its [`History`]. [`ProgbarLogger`] is the callback behind `verbose`: a
//! progress bar like Keras's, one line per epoch once the epoch ends.
//!
//! ```
//! use keras::callbacks::{Callback, Control, Logs};
//! /// Stops training as soon as the validation accuracy reaches a target.
//! struct StopAt(f64);
//! impl Callback for StopAt {
//!     fn on_epoch_end(&mut self, _epoch: usize, logs: &Logs, _model: &mut keras::Model) -> Control {
//!         match logs.get("val_accuracy") {
//!             Some(acc) if acc >= self.0 => Control::Stop,
//!             _ => Control::Continue,
//!         }
//!     }
//! }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::model::Model;

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

/// Whether training goes on after an epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// Go on.
    Continue,
    /// Stop after this epoch (`model.stop_training = True`).
    Stop,
}

/// Called by `fit` as training goes. Every method has a default that does
/// nothing, so a callback implements only what it needs. Each gets the
/// model, to read or change its weights (`model.get_weights()`,
/// `model.set_weights(…)`) as Keras's `self.model`; returning
/// [`Control::Stop`] from a batch or an epoch ends training there (Keras's
/// `model.stop_training = True`).
#[allow(unused_variables)]
pub trait Callback {
    /// Before the first epoch.
    fn on_train_begin(&mut self, params: &BTreeMap<String, usize>, model: &mut Model) {}
    /// Before each epoch (0-based).
    fn on_epoch_begin(&mut self, epoch: usize, model: &mut Model) {}
    /// After each batch, with the running loss and metrics of the epoch.
    fn on_train_batch_end(&mut self, batch: usize, logs: &Logs, model: &mut Model) -> Control {
        Control::Continue
    }
    /// After each epoch, with its loss and metrics (and the validation ones).
    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, model: &mut Model) -> Control {
        Control::Continue
    }
    /// After the last epoch.
    fn on_train_end(&mut self, logs: &Logs, model: &mut Model) {}
}

/// How much `fit` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verbosity {
    /// Nothing (`verbose=0`).
    Silent,
    /// A progress bar per epoch (`verbose=1`, the default).
    ProgressBar,
    /// One line per epoch (`verbose=2`).
    OneLine,
}

/// Prints progress as Keras does:
///
/// ```text
/// Epoch 1/30
/// 1719/1719 ━━━━━━━━━━━━━━━━━━━━ 2s 1ms/step - accuracy: 0.7615 - loss: 0.7388 - val_accuracy: 0.8260 - val_loss: 0.5043
/// ```
///
/// The bar is drawn only on a terminal; elsewhere each epoch prints its
/// final line. `without_timings` leaves out the times, for output that must
/// be the same on every run (the book).
pub struct ProgbarLogger {
    verbosity: Verbosity,
    timings: bool,
    epochs: usize,
    steps: usize,
    started: Instant,
    bar: Option<ProgressBar>,
    last_draw: Instant,
    recorded: Option<Vec<String>>,
}

impl ProgbarLogger {
    /// A logger at this verbosity.
    pub fn new(verbosity: Verbosity) -> ProgbarLogger {
        ProgbarLogger {
            verbosity,
            timings: true,
            epochs: 0,
            steps: 0,
            started: Instant::now(),
            bar: None,
            last_draw: Instant::now(),
            recorded: None,
        }
    }

    /// A logger that keeps its lines (see [`ProgbarLogger::lines`]) instead
    /// of printing them, with no times: what the book shows.
    pub fn recording() -> ProgbarLogger {
        ProgbarLogger { recorded: Some(Vec::new()), ..ProgbarLogger::new(Verbosity::ProgressBar) }
            .without_timings()
    }

    /// The lines kept by a [`ProgbarLogger::recording`] logger.
    pub fn lines(&self) -> &[String] {
        self.recorded.as_deref().unwrap_or(&[])
    }

    fn emit(&mut self, line: String) {
        match &mut self.recorded {
            Some(lines) => lines.push(line),
            None => println!("{line}"),
        }
    }

    /// The same logger, printing no times.
    pub fn without_timings(mut self) -> ProgbarLogger {
        self.timings = false;
        self
    }

    /// The line that closes an epoch.
    pub fn epoch_line(&self, logs: &Logs, elapsed: Duration) -> String {
        let bar = if self.verbosity == Verbosity::ProgressBar {
            " ━━━━━━━━━━━━━━━━━━━━"
        } else {
            " -"
        };
        let mut line = format!("{0}/{0}{bar}", self.steps);
        if self.timings {
            let per_step = elapsed.as_secs_f64() / self.steps.max(1) as f64;
            let step = if per_step >= 1e-3 {
                format!("{:.0}ms/step", per_step * 1e3)
            } else {
                format!("{:.0}us/step", per_step * 1e6)
            };
            line += &format!(" {}s {step}", elapsed.as_secs_f64().round());
        }
        format!("{line} - {logs}")
    }
}

impl Callback for ProgbarLogger {
    fn on_train_begin(&mut self, params: &BTreeMap<String, usize>, _: &mut Model) {
        self.epochs = params.get("epochs").copied().unwrap_or(0);
        self.steps = params.get("steps").copied().unwrap_or(0);
    }

    fn on_epoch_begin(&mut self, epoch: usize, _: &mut Model) {
        if self.verbosity == Verbosity::Silent {
            return;
        }
        self.emit(format!("Epoch {}/{}", epoch + 1, self.epochs));
        self.started = Instant::now();
        if self.verbosity == Verbosity::ProgressBar
            && self.recorded.is_none()
            && std::io::stdout().is_terminal()
        {
            let style = ProgressStyle::with_template("{pos:>5}/{len} {bar:20.cyan/dim} {eta} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("━━━");
            let bar = ProgressBar::with_draw_target(Some(self.steps as u64), ProgressDrawTarget::stdout())
                .with_style(style);
            self.bar = Some(bar);
            self.last_draw = Instant::now();
        }
    }

    fn on_train_batch_end(&mut self, batch: usize, logs: &Logs, _: &mut Model) -> Control {
        if let Some(bar) = &self.bar {
            // Formatting the logs costs more than a batch: a few times a second is enough.
            if self.last_draw.elapsed() >= Duration::from_millis(100) || batch + 1 == self.steps {
                let per_step = self.started.elapsed().as_secs_f64() * 1e3 / (batch + 1) as f64;
                bar.set_message(format!("{per_step:.0}ms/step - {logs}"));
                bar.set_position((batch + 1) as u64);
                self.last_draw = Instant::now();
            }
        }
        Control::Continue
    }

    fn on_epoch_end(&mut self, _epoch: usize, logs: &Logs, _: &mut Model) -> Control {
        if self.verbosity != Verbosity::Silent {
            if let Some(bar) = self.bar.take() {
                bar.finish_and_clear();
            }
            let line = self.epoch_line(logs, self.started.elapsed());
            self.emit(line);
            let _ = std::io::stdout().flush();
        }
        Control::Continue
    }
}
