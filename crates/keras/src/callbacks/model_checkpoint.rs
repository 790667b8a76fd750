//! `ModelCheckpoint`: save the model or its weights as training goes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::monitor::{Mode, Monitor};
use super::{Callback, Control, Logs};
use crate::error::{KerasError, Result};
use crate::model::Model;

/// When [`ModelCheckpoint`] saves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SaveFreq {
    /// After every epoch (Keras's `save_freq="epoch"`, the default).
    #[default]
    Epoch,
    /// After every this many training batches, counted across epochs
    /// (Keras's `save_freq=n`); the logs are then the batch's (no `val_`
    /// keys) and the file name may use `{batch}` (1-based).
    Batches(usize),
}

/// Saves the model (`model.save`, a `.keras` file) or its weights
/// (`model.save_weights`, a `.weights.h5` file) after every epoch or
/// every few batches, as Keras 3's `ModelCheckpoint`.
///
/// The file path may hold placeholders in Python's format syntax, filled
/// from `epoch` (1-based, as Keras), `batch` (1-based, when saving every
/// few batches) and any key of the logs: `"ckpt_{epoch:02d}_{val_loss:.2f}.keras"`
/// gives `ckpt_01_0.53.keras`. The specifications understood are `d` with
/// an optional width and `0` padding (`{epoch:03d}`), fixed `.Nf` and
/// scientific `.Ne` (`{loss:.3e}` → `1.234e-02`), and none (`{epoch}`;
/// `{loss}` writes the value as Python's `str`); `{{` and `}}` stand for
/// braces. A placeholder that names no key is an error.
///
/// With `save_best_only`, it saves only when the monitored value
/// (`val_loss` by default) improves on the best so far (the first value
/// always does, unless `initial_value_threshold` sets a value to beat;
/// see [`Mode`]). Without placeholders the file is overwritten by each
/// better model. Missing directories are created.
///
/// Keras checks the file name when the callback is made; here the
/// options are set one by one, so the check is at `on_train_begin` (and
/// [`ModelCheckpoint::check`] does it on demand): with
/// `save_weights_only` the name must end in `.weights.h5`, else in
/// `.keras` (Keras also takes the legacy `.h5`, which this crate does not
/// write). A check or a save that fails stops training, and `fit` returns
/// the error (see [`Callback::take_error`]).
///
/// ```
/// use keras::callbacks::ModelCheckpoint;
/// let checkpoint = ModelCheckpoint::new("run/model_{epoch:02d}.weights.h5").save_weights_only(true);
/// assert!(checkpoint.check().is_ok());
/// let mut logs = keras::Logs::new();
/// logs.set("val_loss", 0.4567);
/// assert_eq!(checkpoint.file_path(2, None, &logs)?, std::path::Path::new("run/model_03.weights.h5"));
/// let wrong = ModelCheckpoint::new("model.keras").save_weights_only(true);
/// assert!(wrong.check().unwrap_err().to_string().contains(".weights.h5"));
/// # Ok::<(), keras::KerasError>(())
/// ```
pub struct ModelCheckpoint {
    filepath: String,
    monitor: Monitor,
    verbose: bool,
    save_best_only: bool,
    save_weights_only: bool,
    save_freq: SaveFreq,
    best: Option<f64>,
    current_epoch: usize,
    batches_since_saving: usize,
    last_batch_seen: usize,
    saved: Vec<PathBuf>,
    warned: bool,
    error: Option<KerasError>,
}

impl ModelCheckpoint {
    /// A checkpoint to `filepath` (placeholders allowed), with Keras's
    /// defaults: monitor `val_loss`, mode auto, every epoch, the whole
    /// model, every time.
    pub fn new(filepath: impl AsRef<Path>) -> ModelCheckpoint {
        ModelCheckpoint {
            filepath: filepath.as_ref().to_string_lossy().into_owned(),
            monitor: Monitor::new("val_loss"),
            verbose: false,
            save_best_only: false,
            save_weights_only: false,
            save_freq: SaveFreq::Epoch,
            best: None,
            current_epoch: 0,
            batches_since_saving: 0,
            last_batch_seen: 0,
            saved: Vec::new(),
            warned: false,
            error: None,
        }
    }

    /// The key to monitor for `save_best_only`.
    pub fn monitor(mut self, key: &str) -> Self {
        self.monitor.key = key.to_string();
        self.monitor.direction = None;
        self
    }

    /// Which way the monitored value improves.
    pub fn mode(mut self, mode: Mode) -> Self {
        self.monitor.mode = mode;
        self.monitor.direction = None;
        self
    }

    /// Whether to print each save (and each epoch without improvement).
    pub fn verbose(mut self, verbose: bool) -> Self {
        self.verbose = verbose;
        self
    }

    /// Save only when the monitored value improves.
    pub fn save_best_only(mut self, yes: bool) -> Self {
        self.save_best_only = yes;
        self
    }

    /// Save the weights only (`.weights.h5`), not the whole model
    /// (`.keras`).
    pub fn save_weights_only(mut self, yes: bool) -> Self {
        self.save_weights_only = yes;
        self
    }

    /// After every epoch, or every few batches.
    pub fn save_freq(mut self, freq: SaveFreq) -> Self {
        self.save_freq = freq;
        self
    }

    /// The value to beat for the first save with `save_best_only`.
    pub fn initial_value_threshold(mut self, value: f64) -> Self {
        self.best = Some(value);
        self
    }

    /// The best value so far (`None` before the first).
    pub fn best(&self) -> Option<f64> {
        self.best
    }

    /// The files written, in order (a file written twice appears twice).
    pub fn saved(&self) -> &[PathBuf] {
        &self.saved
    }

    /// Checks the options as Keras's constructor does: the file name's
    /// ending, and a batch count of at least 1.
    pub fn check(&self) -> Result<()> {
        if let SaveFreq::Batches(0) = self.save_freq {
            return Err(KerasError::Argument(
                "ModelCheckpoint: save_freq must be SaveFreq::Epoch or a number of batches ≥ 1, got 0".into(),
            ));
        }
        let (ending, what) = if self.save_weights_only {
            (
                ".weights.h5",
                "with save_weights_only(true), the file path must end in `.weights.h5` (Keras weights format)",
            )
        } else {
            (
                ".keras",
                "the file path must end in `.keras` (Keras model format), or set save_weights_only(true) and end it in `.weights.h5`",
            )
        };
        if self.filepath.ends_with(ending) {
            Ok(())
        } else {
            Err(KerasError::Argument(format!("ModelCheckpoint: {what}; got \"{}\"", self.filepath)))
        }
    }

    /// The file for `epoch` (0-based; written 1-based), `batch` (0-based,
    /// when saving every few batches) and `logs`.
    pub fn file_path(&self, epoch: usize, batch: Option<usize>, logs: &Logs) -> Result<PathBuf> {
        let lookup = |name: &str| -> Option<Value> {
            // As Keras: the logs' own `batch` wins over the placeholder's.
            if let Some(v) = logs.get(name) {
                return Some(Value::Float(v));
            }
            match name {
                "epoch" => Some(Value::Int(epoch as i64 + 1)),
                "batch" => batch.map(|b| Value::Int(b as i64 + 1)),
                _ => None,
            }
        };
        let formatted = format_path(&self.filepath, &lookup).map_err(|detail| {
            KerasError::Argument(format!(
                "ModelCheckpoint: cannot fill in the file path \"{}\": {detail}",
                self.filepath
            ))
        })?;
        Ok(PathBuf::from(formatted))
    }

    fn save(&mut self, epoch: usize, batch: Option<usize>, logs: &Logs, model: &Model) -> Result<()> {
        let path = self.file_path(epoch, batch, logs)?;
        if !self.should_save(epoch, logs, &path, model)? {
            return Ok(());
        }
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
            && !dir.exists()
        {
            std::fs::create_dir_all(dir).map_err(|e| KerasError::File {
                path: dir.display().to_string(),
                detail: format!("ModelCheckpoint cannot create the directory: {e}"),
            })?;
        }
        if path.is_dir() {
            return Err(KerasError::File {
                path: path.display().to_string(),
                detail: "ModelCheckpoint's file path is an existing directory; give a file path".into(),
            });
        }
        if self.save_weights_only { model.save_weights(&path) } else { model.save(&path) }?;
        self.saved.push(path);
        Ok(())
    }

    fn should_save(&mut self, epoch: usize, logs: &Logs, path: &Path, model: &Model) -> Result<bool> {
        if !self.save_best_only {
            if self.verbose {
                println!("\nEpoch {}: saving model to {}", epoch + 1, path.display());
            }
            return Ok(true);
        }
        self.monitor.direction("ModelCheckpoint", model)?;
        let Some(current) = logs.get(&self.monitor.key) else {
            if !self.warned {
                eprintln!(
                    "Warning: ModelCheckpoint can save the best model only with {} available; saving anyway",
                    self.monitor.key
                );
                self.warned = true;
            }
            return Ok(true);
        };
        let best = self.best.map_or("None".to_string(), |b| format!("{b:.5}"));
        if self.monitor.is_improvement(current, self.best) {
            if self.verbose {
                println!(
                    "\nEpoch {}: {} improved from {best} to {current:.5}, saving model to {}",
                    epoch + 1,
                    self.monitor.key,
                    path.display()
                );
            }
            self.best = Some(current);
            Ok(true)
        } else {
            if self.verbose {
                println!("\nEpoch {}: {} did not improve from {best}", epoch + 1, self.monitor.key);
            }
            Ok(false)
        }
    }

    /// Keras's `_should_save_on_batch`: counts the batches since the last
    /// save, across epochs.
    fn batch_due(&mut self, batch: usize, every: usize) -> bool {
        let added = if batch <= self.last_batch_seen { batch + 1 } else { batch - self.last_batch_seen };
        self.batches_since_saving += added;
        self.last_batch_seen = batch;
        if self.batches_since_saving >= every {
            self.batches_since_saving = 0;
            true
        } else {
            false
        }
    }

    fn outcome(&mut self, result: Result<()>) -> Control {
        match result {
            Ok(()) => Control::Continue,
            Err(e) => {
                self.error = Some(e);
                Control::Stop
            }
        }
    }
}

impl Callback for ModelCheckpoint {
    fn on_train_begin(&mut self, _: &BTreeMap<String, usize>, _: &mut Model) {
        if let Err(e) = self.check() {
            self.error = Some(e);
        }
        self.warned = false;
    }

    fn on_epoch_begin(&mut self, epoch: usize, _: &mut Model) {
        self.current_epoch = epoch;
    }

    fn on_train_batch_end(&mut self, batch: usize, logs: &Logs, model: &mut Model) -> Control {
        let SaveFreq::Batches(every) = self.save_freq else { return Control::Continue };
        if !self.batch_due(batch, every) {
            return Control::Continue;
        }
        let result = self.save(self.current_epoch, Some(batch), logs, model);
        self.outcome(result)
    }

    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, model: &mut Model) -> Control {
        // As Keras: the direction is resolved at every epoch end, saving
        // or not.
        if let Err(e) = self.monitor.direction("ModelCheckpoint", model) {
            return self.outcome(Err(e));
        }
        if self.save_freq != SaveFreq::Epoch {
            return Control::Continue;
        }
        let result = self.save(epoch, None, logs, model);
        self.outcome(result)
    }

    fn inference_batch_hooks(&self) -> bool {
        false
    }

    fn take_error(&mut self) -> Option<KerasError> {
        self.error.take()
    }
}

/// A value to put in a file name.
#[derive(Clone, Copy, Debug)]
enum Value {
    Int(i64),
    Float(f64),
}

/// Fills in `{name}` and `{name:spec}` placeholders (a subset of Python's
/// `str.format`), or says what is wrong.
fn format_path(pattern: &str, lookup: &dyn Fn(&str) -> Option<Value>) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let brace = rest.as_bytes()[i];
        rest = &rest[i + 1..];
        if brace == b'}' {
            if let Some(r) = rest.strip_prefix('}') {
                out.push('}');
                rest = r;
                continue;
            }
            return Err("a single '}' (write '}}' for a brace)".into());
        }
        if let Some(r) = rest.strip_prefix('{') {
            out.push('{');
            rest = r;
            continue;
        }
        let end = rest.find('}').ok_or("a '{' is never closed")?;
        let field = &rest[..end];
        rest = &rest[end + 1..];
        let (name, spec) = field.split_once(':').unwrap_or((field, ""));
        let value = lookup(name).ok_or_else(|| {
            format!("no value named \"{name}\" (the names are epoch, batch when saving every few batches, and the log keys)")
        })?;
        out.push_str(&format_value(name, value, spec)?);
    }
    out.push_str(rest);
    Ok(out)
}

/// One value formatted by a Python format specification: `[0][width][.precision][d|f|e]`.
fn format_value(name: &str, value: Value, spec: &str) -> std::result::Result<String, String> {
    let bad = || format!("unsupported format \"{spec}\" for \"{name}\" (use d, 0Nd, .Nf or .Ne)");
    let (kind, body) = match spec.chars().last() {
        Some(c @ ('d' | 'f' | 'e')) => (Some(c), &spec[..spec.len() - 1]),
        _ => (None, spec),
    };
    let zero = body.starts_with('0');
    let (width, precision) = match body.split_once('.') {
        Some((w, p)) => (w, Some(p.parse::<usize>().map_err(|_| bad())?)),
        None => (body, None),
    };
    let width: usize = if width.is_empty() { 0 } else { width.parse().map_err(|_| bad())? };
    let text = match (kind, value) {
        (Some('d'), Value::Int(i)) if precision.is_none() => i.to_string(),
        (Some('d'), Value::Float(_)) => {
            return Err(format!(
                "\"{name}\" is a float, which the format \"{spec}\" (an integer) cannot show"
            ));
        }
        (Some('f'), v) => format!("{:.*}", precision.unwrap_or(6), as_float(v)),
        (Some('e'), v) => python_e(as_float(v), precision.unwrap_or(6)),
        (None, Value::Int(i)) if precision.is_none() => i.to_string(),
        (None, Value::Float(f)) if precision.is_none() => super::python_float(f),
        _ => return Err(bad()),
    };
    if text.len() >= width {
        return Ok(text);
    }
    let pad = width - text.len();
    Ok(if zero {
        match text.strip_prefix('-') {
            Some(digits) => format!("-{}{digits}", "0".repeat(pad)),
            None => format!("{}{text}", "0".repeat(pad)),
        }
    } else {
        format!("{}{text}", " ".repeat(pad))
    })
}

fn as_float(v: Value) -> f64 {
    match v {
        Value::Int(i) => i as f64,
        Value::Float(f) => f,
    }
}

/// Python's `{:.Ne}`: `1.23e-04`.
fn python_e(value: f64, precision: usize) -> String {
    if !value.is_finite() {
        return super::python_float(value);
    }
    let s = format!("{value:.precision$e}");
    match s.split_once('e') {
        Some((mantissa, exp)) => {
            format!("{mantissa}e{}", super::python_exponent(exp.parse().unwrap_or(0)))
        }
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::{Value, format_path};

    fn fill(pattern: &str) -> Result<String, String> {
        format_path(pattern, &|name| match name {
            "epoch" => Some(Value::Int(3)),
            "val_loss" => Some(Value::Float(0.456789)),
            "loss" => Some(Value::Float(-0.0123)),
            _ => None,
        })
    }

    #[test]
    fn placeholders_follow_python_format_specs() {
        assert_eq!(fill("m_{epoch:02d}.keras").unwrap(), "m_03.keras");
        assert_eq!(fill("m_{epoch:03d}_{epoch}_{epoch:d}").unwrap(), "m_003_3_3");
        assert_eq!(fill("{val_loss:.2f}").unwrap(), "0.46");
        assert_eq!(fill("{val_loss:.3e}").unwrap(), "4.568e-01");
        assert_eq!(fill("{loss:.1e}|{loss:08.3f}|{loss}").unwrap(), "-1.2e-02|-000.012|-0.0123");
        assert_eq!(fill("{epoch:.1f}").unwrap(), "3.0");
        assert_eq!(fill("{{epoch}}").unwrap(), "{epoch}");
        assert_eq!(fill("{epoch:4d}").unwrap(), "   3");
    }

    #[test]
    fn bad_placeholders_are_errors_that_say_why() {
        assert!(fill("{accuracy:.2f}").unwrap_err().contains("\"accuracy\""));
        assert!(fill("{val_loss:02d}").unwrap_err().contains("float"));
        assert!(fill("{epoch:x}").unwrap_err().contains("unsupported"));
        assert!(fill("{epoch").unwrap_err().contains("never closed"));
        assert!(fill("a}b").unwrap_err().contains("'}'"));
    }
}
