//! The progress bar behind `fit`'s `verbose`.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Callback, Control, Logs};
use crate::model::Model;

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
    fn inference_batch_hooks(&self) -> bool {
        false
    }

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
