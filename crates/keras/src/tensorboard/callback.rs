//! The `TensorBoard` callback, as Keras 3's `keras.callbacks.TensorBoard`.
//!
//! During `fit` it writes, like Keras:
//!
//! - in `log_dir/train`: `epoch_<name>` for each training log (`epoch_loss`,
//!   `epoch_accuracy`, …) and `epoch_learning_rate`, with step = epoch
//!   (0-based); with [`UpdateFreq::Batch`]`(n)`, also `batch_<name>` every
//!   `n` batches, with step = the batch count since training began (1 for
//!   the first batch); with [`TensorBoard::histogram_freq`]`(n)`, a
//!   histogram of every weight every `n` epochs, tagged
//!   `<layer>/<weight>/histogram` (`dense/kernel/histogram`);
//! - in `log_dir/validation`: `epoch_<name>` for each `val_<name>` log
//!   (the prefix stripped), step = epoch, and
//!   `evaluation_<name>_vs_iterations` with step = the optimizer's
//!   iterations, as Keras 3 writes at the end of each validation.
//!
//! A callback cannot return an error to `fit`: if writing fails, the
//! callback stops training and keeps the error, which
//! [`TensorBoard::result`] returns.
//!
//! Two differences from Keras 3, on purpose: the histogram tags use the
//! weight's path (`dense/kernel`) where Keras 3 uses its bare name
//! (`kernel`), which repeats across layers; and `update_freq = n` writes
//! every `n`-th batch, as documented, where Keras 3's `record_if` closure
//! sees a step frozen at 0 and writes every batch.
//!
//! ```
//! use keras::layers::{Dense, Input};
//! use keras::tensorboard::{TensorBoard, UpdateFreq};
//! use keras::{FitOptions, Labels, Sequential, Tensor, Verbosity};
//! let root = std::env::temp_dir().join(format!("tb-callback-doc-{}", std::process::id()));
//! let x = Tensor::new((0..32).map(|i| i as f32 / 32.0).collect(), &[16, 2])?;
//! let y = Labels::Classes((0..16).map(|i| i % 2).collect());
//! let mut model = Sequential::new(vec![Input::new(&[2]).into(), Dense::new(2).activation("softmax").into()])?;
//! model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()])?;
//! let mut tensorboard = TensorBoard::new(&root).update_freq(UpdateFreq::Batch(2)).histogram_freq(1);
//! model.fit(&x, &y, FitOptions {
//!     epochs: 2,
//!     batch_size: 4,
//!     validation_data: Some((&x, &y).into()),
//!     verbose: Verbosity::Silent,
//!     callbacks: vec![&mut tensorboard],
//!     ..Default::default()
//! })?;
//! tensorboard.result()?;
//! assert!(root.join("train").is_dir() && root.join("validation").is_dir());
//! # std::fs::remove_dir_all(&root).ok();
//! # Ok::<(), keras::KerasError>(())
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::callbacks::{Callback, Control, Logs};
use crate::error::{KerasError, Result};
use crate::model::Model;
use crate::tensorboard::SummaryWriter;

/// When the callback writes the training logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum UpdateFreq {
    /// After each epoch only (`update_freq="epoch"`, the default).
    #[default]
    Epoch,
    /// Also every `n` batches (`update_freq=n`; `"batch"` is 1).
    Batch(usize),
}

/// Writes the logs of `fit` for TensorBoard (`keras.callbacks.TensorBoard`).
#[derive(Debug)]
pub struct TensorBoard {
    log_dir: PathBuf,
    update_freq: UpdateFreq,
    histogram_freq: usize,
    train: Option<SummaryWriter>,
    validation: Option<SummaryWriter>,
    global_batch: u64,
    error: Option<KerasError>,
}

impl TensorBoard {
    /// A callback writing under `log_dir` (folders `train` and
    /// `validation`, created when training starts).
    pub fn new(log_dir: impl AsRef<Path>) -> TensorBoard {
        TensorBoard {
            log_dir: log_dir.as_ref().to_path_buf(),
            update_freq: UpdateFreq::Epoch,
            histogram_freq: 0,
            train: None,
            validation: None,
            global_batch: 0,
            error: None,
        }
    }

    /// The same callback, also writing batch logs (see [`UpdateFreq`]);
    /// `Batch(0)` is taken as `Epoch`.
    pub fn update_freq(mut self, freq: UpdateFreq) -> TensorBoard {
        self.update_freq = if freq == UpdateFreq::Batch(0) { UpdateFreq::Epoch } else { freq };
        self
    }

    /// The same callback, writing a histogram of every weight every `n`
    /// epochs (0, the default: never).
    pub fn histogram_freq(mut self, n: usize) -> TensorBoard {
        self.histogram_freq = n;
        self
    }

    /// The folder given to [`TensorBoard::new`].
    pub fn log_dir(&self) -> &Path {
        &self.log_dir
    }

    /// `log_dir/train`.
    pub fn train_dir(&self) -> PathBuf {
        self.log_dir.join("train")
    }

    /// `log_dir/validation`.
    pub fn validation_dir(&self) -> PathBuf {
        self.log_dir.join("validation")
    }

    /// The first error met while writing, if any (training stopped there).
    pub fn error(&self) -> Option<&KerasError> {
        self.error.as_ref()
    }

    /// `Ok` if every event was written, or the first error (taken out of
    /// the callback).
    pub fn result(&mut self) -> Result<()> {
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Flushes both writers now.
    pub fn flush(&mut self) -> Result<()> {
        for writer in [&mut self.train, &mut self.validation].into_iter().flatten() {
            writer.flush()?;
        }
        Ok(())
    }

    /// Keeps the first error; tells `fit` to stop if there is one.
    fn keep(&mut self, result: Result<()>) -> Control {
        if let Err(e) = result {
            self.error.get_or_insert(e);
        }
        if self.error.is_some() { Control::Stop } else { Control::Continue }
    }

    fn train_writer(&mut self) -> Result<&mut SummaryWriter> {
        if self.train.is_none() {
            self.train = Some(SummaryWriter::new(self.train_dir())?);
        }
        self.train.as_mut().ok_or_else(|| KerasError::Argument("unreachable: no train writer".into()))
    }

    fn validation_writer(&mut self) -> Result<&mut SummaryWriter> {
        if self.validation.is_none() {
            self.validation = Some(SummaryWriter::new(self.validation_dir())?);
        }
        self.validation
            .as_mut()
            .ok_or_else(|| KerasError::Argument("unreachable: no validation writer".into()))
    }

    fn write_epoch(&mut self, epoch: usize, logs: &Logs, model: &Model) -> Result<()> {
        let step = epoch as i64;
        let train: Vec<(&str, f64)> = logs.iter().filter(|(n, _)| !n.starts_with("val_")).collect();
        let validation: Vec<(&str, f64)> =
            logs.iter().filter_map(|(n, v)| n.strip_prefix("val_").map(|n| (n, v))).collect();
        let learning_rate = model.learning_rate();
        if !train.is_empty() || learning_rate.is_some() {
            let writer = self.train_writer()?;
            for (name, value) in &train {
                writer.scalar(&format!("epoch_{name}"), *value, step)?;
            }
            if let Some(rate) = learning_rate {
                writer.scalar("epoch_learning_rate", rate, step)?;
            }
        }
        if !validation.is_empty() {
            let iterations = i64::from(model.iterations());
            let writer = self.validation_writer()?;
            for (name, value) in &validation {
                writer.scalar(&format!("evaluation_{name}_vs_iterations"), *value, iterations)?;
            }
            for (name, value) in &validation {
                writer.scalar(&format!("epoch_{name}"), *value, step)?;
            }
        }
        if self.histogram_freq > 0 && epoch.is_multiple_of(self.histogram_freq) {
            let weights: Vec<(String, Vec<f32>)> = model
                .weights()
                .iter()
                .map(|w| (w.path.replace(':', "_"), w.value.as_slice().to_vec()))
                .collect();
            let writer = self.train_writer()?;
            for (path, values) in weights {
                writer.histogram(&format!("{path}/histogram"), &values, step, None)?;
            }
        }
        self.flush()
    }
}

impl Callback for TensorBoard {
    fn on_train_begin(&mut self, _params: &BTreeMap<String, usize>, _model: &mut Model) {
        // Each fit writes new event files, as Keras's set_model resets its writers.
        self.train = None;
        self.validation = None;
        self.global_batch = 0;
        let result = self.train_writer().map(|_| ());
        self.keep(result);
    }

    fn on_train_batch_end(&mut self, _batch: usize, logs: &Logs, _model: &mut Model) -> Control {
        self.global_batch += 1;
        let UpdateFreq::Batch(n) = self.update_freq else { return self.keep(Ok(())) };
        if self.error.is_some() || !self.global_batch.is_multiple_of(n as u64) {
            return self.keep(Ok(()));
        }
        let step = self.global_batch as i64;
        let result = self.train_writer().and_then(|writer| {
            logs.iter().try_for_each(|(name, value)| writer.scalar(&format!("batch_{name}"), value, step))
        });
        self.keep(result)
    }

    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, model: &mut Model) -> Control {
        if self.error.is_some() {
            return Control::Stop;
        }
        let result = self.write_epoch(epoch, logs, model);
        self.keep(result)
    }

    fn on_train_end(&mut self, _logs: &Logs, _model: &mut Model) {
        let result = self.flush();
        self.keep(result);
        self.train = None;
        self.validation = None;
    }
}
