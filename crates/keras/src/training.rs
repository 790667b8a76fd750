//! Training and using a model: `compile`, `fit`, `evaluate`, `predict`.
//!
//! One training step takes a batch (32 samples by default) in the
//! epoch's shuffled order, records the forward pass on the tape, ends it
//! with the loss (fused with the output activation), runs the tape
//! backward and lets the optimizer update every trainable weight in place.
//! Batches and tape buffers are reused, so after the first step nothing
//! is allocated per batch.

use std::borrow::Cow;
use std::collections::HashMap;

use mlp::{Optimizer, OptimizerState, Targets};
use nalgebra::DMatrix;
use rand::seq::SliceRandom;

use crate::callbacks::{Callback, Control, History, Logs, ProgbarLogger, Verbosity};
use crate::error::{KerasError, Result};
use crate::losses::{Loss, LossArg};
use crate::metrics::{BatchLabels, MetricArg, MetricState};
use crate::model::{Model, record_forward};
use crate::optimizers::OptimizerArg;
use crate::tensor::{Labels, Tensor};

/// Rows per batch when nothing is learned (`evaluate`, `predict`, the
/// validation after each epoch). Each row's outputs do not depend on the
/// others in its batch, so the batch size changes only the speed (and the
/// rounding of a mean loss); larger products run the GEMM faster.
pub const INFERENCE_BATCH_SIZE: usize = 256;

/// What `compile` fixed: loss, optimizer and its state, metrics.
#[derive(Debug)]
pub(crate) struct Compiled {
    loss: Loss,
    optimizer: Optimizer,
    state: OptimizerState<f32>,
    metrics: Vec<(String, MetricState)>,
}

/// The options of [`Model::fit`], with Keras's defaults.
pub struct FitOptions<'a> {
    /// Passes over the training set (default 1).
    pub epochs: usize,
    /// Samples per gradient step (default 32).
    pub batch_size: usize,
    /// Data to evaluate after each epoch (`val_` keys).
    pub validation_data: Option<(&'a Tensor, &'a Labels)>,
    /// Or: this fraction of the samples, taken from the end before
    /// shuffling, held out for validation.
    pub validation_split: f64,
    /// Shuffle the training samples before each epoch (default true).
    pub shuffle: bool,
    /// Weight of each class in the loss (classes not listed weigh 1).
    pub class_weight: Option<&'a HashMap<usize, f32>>,
    /// Weight of each training sample in the loss.
    pub sample_weight: Option<&'a [f32]>,
    /// Called after every batch and epoch.
    pub callbacks: Vec<&'a mut dyn Callback>,
    /// How much to print (default: a progress bar).
    pub verbose: Verbosity,
}

impl Default for FitOptions<'_> {
    fn default() -> Self {
        FitOptions {
            epochs: 1,
            batch_size: 32,
            validation_data: None,
            validation_split: 0.0,
            shuffle: true,
            class_weight: None,
            sample_weight: None,
            callbacks: Vec::new(),
            verbose: Verbosity::ProgressBar,
        }
    }
}

/// Reused buffers for one batch.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    x: DMatrix<f32>,
    classes: Vec<usize>,
    values: DMatrix<f32>,
    weights: Vec<f32>,
    outputs: DMatrix<f32>,
    order: Vec<usize>,
}

impl Batch {
    /// Gathers the samples `indices` of `x`, their labels and weights.
    fn gather(&mut self, x: &Tensor, y: &Labels, w: Option<&[f32]>, indices: &[usize]) {
        x.gather_rows(indices, &mut self.x);
        match y {
            Labels::Classes(c) => {
                self.classes.clear();
                self.classes.extend(indices.iter().map(|&i| c[i]));
            }
            Labels::Values(v) => {
                if self.values.shape() != (indices.len(), v.ncols()) {
                    self.values = DMatrix::zeros(indices.len(), v.ncols());
                }
                for c in 0..v.ncols() {
                    for (r, &i) in indices.iter().enumerate() {
                        self.values[(r, c)] = v[(i, c)];
                    }
                }
            }
        }
        self.weights.clear();
        if let Some(w) = w {
            self.weights.extend(indices.iter().map(|&i| w[i]));
        }
    }

    fn targets<'b>(&'b self, y: &Labels) -> Targets<'b, f32> {
        match y {
            Labels::Classes(_) => Targets::Sparse(&self.classes),
            Labels::Values(_) => Targets::Dense(&self.values),
        }
    }

    fn batch_labels<'b>(&'b self, y: &Labels) -> BatchLabels<'b> {
        match y {
            Labels::Classes(_) => BatchLabels::Classes(&self.classes),
            Labels::Values(_) => BatchLabels::Values(&self.values),
        }
    }
}

impl Model {
    /// Chooses the loss, the optimizer and the metrics (by name or value).
    /// Compiling again resets the optimizer's state, not the weights.
    pub fn compile(
        &mut self,
        loss: impl Into<LossArg>,
        optimizer: impl Into<OptimizerArg>,
        metrics: &[MetricArg],
    ) -> Result<()> {
        let loss = loss.into().resolve()?;
        let optimizer = optimizer.into().resolve()?;
        let metrics = metrics
            .iter()
            .map(|m| m.resolve(loss).map(|(key, metric)| (key, metric.state())))
            .collect::<Result<Vec<_>>>()?;
        let state = OptimizerState::for_lengths(optimizer, &[]);
        self.compiled = Some(Compiled { loss, optimizer, state, metrics });
        if self.built {
            self.reset_optimizer();
        }
        Ok(())
    }

    /// Fresh optimizer state shaped like the trainable weights.
    pub(crate) fn reset_optimizer(&mut self) {
        let lengths: Vec<usize> =
            self.weights().iter().filter(|w| w.trainable).map(|w| self.tape.value(w.var).len()).collect();
        if let Some(c) = &mut self.compiled {
            c.state = OptimizerState::for_lengths(c.optimizer, &lengths);
        }
    }

    /// The compiled loss.
    pub fn loss(&self) -> Option<Loss> {
        self.compiled.as_ref().map(|c| c.loss)
    }

    /// The compiled optimizer.
    pub fn optimizer(&self) -> Option<Optimizer> {
        self.compiled.as_ref().map(|c| c.optimizer)
    }

    fn require_compiled(&self) -> Result<Loss> {
        self.compiled.as_ref().map(|c| c.loss).ok_or_else(|| KerasError::NotCompiled(self.name.clone()))
    }

    /// Checks `y` against `x`, the loss and the output layer, and puts it
    /// in the form the loss takes: class indices for the sparse loss, rows
    /// for every other.
    fn prepare_labels(&self, x: &Tensor, y: &Labels, loss: Loss) -> Result<Labels> {
        if x.len() != y.len() {
            return Err(KerasError::Count {
                what: "labels",
                detail: format!(
                    "x has {} samples, shape {}, but y has {} labels, shape {}",
                    x.len(),
                    crate::tensor::shape_string(Some(x.len()), x.sample_shape()),
                    y.len(),
                    y.shape_string()
                ),
            });
        }
        let outputs = self.output_shape().map_or(1, |s| s.iter().product());
        let error = |detail: String| Err(KerasError::Labels { loss: loss.name(), detail });
        let out_shape = format!("(None, {outputs})");
        match (y, loss) {
            (Labels::Classes(c), Loss::SparseCategoricalCrossentropy) => {
                if outputs < 2 {
                    return error(format!(
                        "the model outputs {out_shape}, one value per sample; a sparse categorical \
                         cross-entropy needs one output per class (Dense(n_classes, activation=\"softmax\"))"
                    ));
                }
                match c.iter().position(|&l| l >= outputs) {
                    Some(i) => error(format!(
                        "label {} of sample {i} is out of range: the model outputs {out_shape}, classes 0 to {}",
                        c[i],
                        outputs - 1
                    )),
                    None => Ok(y.clone()),
                }
            }
            (Labels::Values(v), Loss::SparseCategoricalCrossentropy) if v.ncols() == 1 => {
                let classes: Vec<usize> = v.iter().map(|&l| l as usize).collect();
                if v.iter().any(|&l| l < 0.0 || l.fract() != 0.0) {
                    return error(format!(
                        "labels of shape {} must be class indices (0, 1, 2, …)",
                        y.shape_string()
                    ));
                }
                self.prepare_labels(x, &Labels::Classes(classes), loss)
            }
            (Labels::Values(v), Loss::SparseCategoricalCrossentropy) => error(format!(
                "expects one class index per sample, shape ({},), but the labels have shape {}{}: \
                 use categorical_crossentropy for one-hot labels",
                v.nrows(),
                y.shape_string(),
                if v.ncols() == outputs { " (one-hot rows?)" } else { "" }
            )),
            (Labels::Classes(c), Loss::CategoricalCrossentropy) => error(format!(
                "expects one-hot labels shaped like the outputs {out_shape}, but got class indices of \
                 shape ({},): use sparse_categorical_crossentropy, or to_categorical(y, {outputs})",
                c.len()
            )),
            (Labels::Classes(c), _) if outputs == 1 => {
                let values = DMatrix::from_iterator(c.len(), 1, c.iter().map(|&l| l as f32));
                self.prepare_labels(x, &Labels::Values(values), loss)
            }
            (Labels::Classes(c), _) => error(format!(
                "expects labels shaped like the outputs {out_shape}, got class indices of shape ({},)",
                c.len()
            )),
            (Labels::Values(v), _) if v.ncols() != outputs => {
                error(format!("expects labels shaped like the outputs {out_shape}, got {}", y.shape_string()))
            }
            (Labels::Values(v), Loss::BinaryCrossentropy) if v.iter().any(|&l| !(0.0..=1.0).contains(&l)) => {
                error("labels must lie between 0 and 1".to_string())
            }
            (Labels::Values(_), _) => Ok(y.clone()),
        }
    }

    /// Each sample's weight in the loss, from `sample_weight` and
    /// `class_weight`, or `None` if neither is given.
    fn sample_weights(y: &Labels, options: &FitOptions<'_>) -> Result<Option<Vec<f32>>> {
        if let Some(w) = options.sample_weight
            && w.len() != y.len()
        {
            return Err(KerasError::Count {
                what: "sample_weight",
                detail: format!("{} weights for {} samples", w.len(), y.len()),
            });
        }
        if options.sample_weight.is_none() && options.class_weight.is_none() {
            return Ok(None);
        }
        let class_of = |i: usize| match y {
            Labels::Classes(c) => c[i],
            Labels::Values(v) if v.ncols() == 1 => v[(i, 0)].round().max(0.0) as usize,
            Labels::Values(v) => (1..v.ncols()).fold(0, |b, c| if v[(i, c)] > v[(i, b)] { c } else { b }),
        };
        Ok(Some(
            (0..y.len())
                .map(|i| {
                    let sample = options.sample_weight.map_or(1.0, |w| w[i]);
                    let class =
                        options.class_weight.map_or(1.0, |cw| cw.get(&class_of(i)).copied().unwrap_or(1.0));
                    sample * class
                })
                .collect(),
        ))
    }

    /// Trains the model (`model.fit(x, y, epochs=…, validation_data=…)`).
    /// Calling it again goes on from where the last call stopped.
    pub fn fit(&mut self, x: &Tensor, y: &Labels, mut options: FitOptions<'_>) -> Result<History> {
        let loss = self.require_compiled()?;
        if options.batch_size == 0 {
            return Err(KerasError::Argument("fit: batch_size must be at least 1, got 0".to_string()));
        }
        if !(0.0..1.0).contains(&options.validation_split) {
            return Err(KerasError::Argument(format!(
                "fit: validation_split must be in [0, 1), got {}",
                options.validation_split
            )));
        }
        let had_weights = self.built;
        self.ensure_built(x)?;
        if !had_weights || self.compiled.as_ref().is_some_and(|c| c.state.iterations() == 0) {
            self.reset_optimizer();
        }
        let y = self.prepare_labels(x, y, loss)?;
        let weights = Self::sample_weights(&y, &options)?;
        // Keras holds out the last samples, before any shuffling, unless
        // validation data are given.
        let n_train = if options.validation_split > 0.0 && options.validation_data.is_none() {
            let n_train = (x.len() as f64 * (1.0 - options.validation_split)).floor() as usize;
            if n_train == 0 || n_train == x.len() {
                return Err(KerasError::Argument(format!(
                    "fit: validation_split = {} of {} samples leaves {n_train} to train on and {} to validate on; \
                     both must be non-empty",
                    options.validation_split,
                    x.len(),
                    x.len() - n_train
                )));
            }
            n_train
        } else {
            x.len()
        };
        let validation: Option<(Cow<'_, Tensor>, Labels)> = match options.validation_data {
            Some((vx, vy)) => {
                if vx.sample_shape() != x.sample_shape() {
                    return Err(self.input_error(vx.sample_shape()));
                }
                let vy = self
                    .prepare_labels(vx, vy, loss)
                    .map_err(|e| KerasError::Argument(format!("validation_data: {e}")))?;
                Some((Cow::Borrowed(vx), vy))
            }
            None if n_train < x.len() => {
                Some((Cow::Owned(x.slice(n_train, x.len())?), y.slice(n_train, y.len())?))
            }
            None => None,
        };
        if n_train == 0 {
            return Err(KerasError::Argument("fit: no training samples".to_string()));
        }
        let steps = n_train.div_ceil(options.batch_size);
        let mut history = History::default();
        history.params.insert("epochs".into(), options.epochs);
        history.params.insert("steps".into(), steps);
        let verbose = match options.verbose {
            Verbosity::Silent => 0,
            Verbosity::ProgressBar => 1,
            Verbosity::OneLine => 2,
        };
        history.params.insert("verbose".into(), verbose);

        let mut progbar = ProgbarLogger::new(options.verbose);
        let mut callbacks: Vec<&mut dyn Callback> = vec![&mut progbar];
        callbacks.extend(options.callbacks.iter_mut().map(|c| &mut **c as &mut dyn Callback));
        for c in callbacks.iter_mut() {
            c.on_train_begin(&history.params);
        }
        let mut batch = std::mem::take(&mut self.scratch);
        // The last fit's order, so that fit(2 epochs) twice shuffles as fit(4).
        let mut order = std::mem::take(&mut batch.order);
        if order.len() != n_train {
            order = (0..n_train).collect();
        }
        let mut logs = Logs::new();
        for epoch in 0..options.epochs {
            for c in callbacks.iter_mut() {
                c.on_epoch_begin(epoch);
            }
            logs = Logs::new(); // batch logs carry no val_ values
            if options.shuffle {
                order.shuffle(&mut self.rng);
            }
            let (mut loss_sum, mut seen) = (0.0f64, 0usize);
            self.reset_metrics();
            for (step, indices) in order.chunks(options.batch_size).enumerate() {
                batch.gather(x, &y, weights.as_deref(), indices);
                let value = self.train_step(&mut batch, &y)?;
                loss_sum += f64::from(value) * indices.len() as f64;
                seen += indices.len();
                self.write_logs(&mut logs, "", loss_sum / seen as f64);
                for c in callbacks.iter_mut() {
                    c.on_train_batch_end(step, &logs);
                }
            }
            if let Some((vx, vy)) = &validation {
                let val = self.evaluate_with(vx, vy, INFERENCE_BATCH_SIZE)?;
                for (name, value) in val.iter() {
                    logs.set(&format!("val_{name}"), value);
                }
            }
            history.push(epoch, &logs);
            let mut stop = false;
            for c in callbacks.iter_mut() {
                stop |= c.on_epoch_end(epoch, &logs) == Control::Stop;
            }
            if stop {
                break;
            }
        }
        for c in callbacks.iter_mut() {
            c.on_train_end(&logs);
        }
        batch.order = order;
        self.scratch = batch;
        Ok(history)
    }

    fn reset_metrics(&mut self) {
        if let Some(c) = &mut self.compiled {
            c.metrics.iter_mut().for_each(|(_, m)| m.reset());
        }
    }

    /// Writes the loss and the metrics' running values into `logs`.
    fn write_logs(&self, logs: &mut Logs, prefix: &str, loss: f64) {
        let Some(c) = &self.compiled else { return };
        if prefix.is_empty() {
            logs.set("loss", loss);
            for (key, m) in &c.metrics {
                logs.set(key, m.result());
            }
        } else {
            logs.set(&format!("{prefix}loss"), loss);
            for (key, m) in &c.metrics {
                logs.set(&format!("{prefix}{key}"), m.result());
            }
        }
    }

    /// One gradient step on the gathered batch; returns its loss.
    fn train_step(&mut self, batch: &mut Batch, y: &Labels) -> Result<f32> {
        let act = self.output_activation();
        let z = self.forward(&batch.x, true, true)?;
        let Some(compiled) = &mut self.compiled else {
            return Err(KerasError::NotCompiled(self.name.clone()));
        };
        let weights = (!batch.weights.is_empty()).then_some(batch.weights.as_slice());
        let loss = self.tape.weighted_loss(z, act, compiled.loss.to_mlp(), batch.targets(y), weights)?;
        self.tape.backward(loss)?;
        let value = self.tape.value(loss)[(0, 0)];
        // Metrics read the outputs: the activation the loss fused, applied here.
        let zv = self.tape.value(z);
        if batch.outputs.shape() != zv.shape() {
            batch.outputs = DMatrix::zeros(zv.nrows(), zv.ncols());
        }
        batch.outputs.copy_from(zv);
        act.forward_mut(&mut batch.outputs);
        for (_, m) in &mut compiled.metrics {
            m.update(&batch.outputs, &batch.batch_labels(y));
        }
        let trainable = self.layers.iter().flat_map(|l| l.weights()).map(|w| w.trainable);
        let pairs = self.tape.parameter_pairs().zip(trainable).filter_map(|(p, t)| t.then_some(p));
        compiled.state.step_pairs(pairs);
        Ok(value)
    }

    /// One gradient step on the batch `x`, `y` (Keras's `train_on_batch`);
    /// returns the batch's loss and metrics. Buffers are reused from call
    /// to call.
    pub fn train_on_batch(&mut self, x: &Tensor, y: &Labels) -> Result<Logs> {
        let loss = self.require_compiled()?;
        let had_weights = self.built;
        self.ensure_built(x)?;
        if !had_weights || self.compiled.as_ref().is_some_and(|c| c.state.iterations() == 0) {
            self.reset_optimizer();
        }
        let y = self.prepare_labels(x, y, loss)?;
        let mut batch = std::mem::take(&mut self.scratch);
        if batch.order.len() != x.len() {
            batch.order = (0..x.len()).collect();
        }
        let order = std::mem::take(&mut batch.order);
        batch.gather(x, &y, None, &order);
        batch.order = order;
        self.reset_metrics();
        let value = self.train_step(&mut batch, &y);
        self.scratch = batch;
        let mut logs = Logs::new();
        self.write_logs(&mut logs, "", f64::from(value?));
        Ok(logs)
    }

    /// The loss and metrics on `x`, `y` (`model.evaluate(x, y)`), in order:
    /// `loss`, then the metrics. Use [`Logs::values`] for the list and
    /// [`Logs::get`] or [`Logs::to_map`] for the dictionary.
    ///
    /// It runs in batches of [`INFERENCE_BATCH_SIZE`] rows (Keras: 32);
    /// the result is the same up to rounding.
    pub fn evaluate(&mut self, x: &Tensor, y: &Labels) -> Result<Logs> {
        self.evaluate_batch_size(x, y, INFERENCE_BATCH_SIZE)
    }

    /// [`Model::evaluate`] with another batch size.
    pub fn evaluate_batch_size(&mut self, x: &Tensor, y: &Labels, batch_size: usize) -> Result<Logs> {
        let loss = self.require_compiled()?;
        self.ensure_built(x)?;
        let y = self.prepare_labels(x, y, loss)?;
        self.evaluate_with(x, &y, batch_size.max(1))
    }

    /// Evaluates on prepared labels: the logits of every sample (on every
    /// core), then the loss batch by batch and the metrics.
    fn evaluate_with(&mut self, x: &Tensor, y: &Labels, batch_size: usize) -> Result<Logs> {
        let act = self.output_activation();
        let loss_fn = self.require_compiled()?.to_mlp();
        let z = self.infer(x, batch_size, true)?;
        let mut a = z.clone();
        act.forward_mut(&mut a);
        let (n, bs) = (x.len(), batch_size.max(1));
        let mut sum = 0.0f64;
        for start in (0..n).step_by(bs) {
            let len = bs.min(n - start);
            let (zc, ac) = (z.rows(start, len).into_owned(), a.rows(start, len).into_owned());
            let values;
            let targets = match y {
                Labels::Classes(c) => Targets::Sparse(&c[start..start + len]),
                Labels::Values(v) => {
                    values = v.rows(start, len).into_owned();
                    Targets::Dense(&values)
                }
            };
            let value = loss_fn.value(act, &zc, &ac, targets).map_err(autodiff::TapeError::from)?;
            sum += f64::from(value) * len as f64;
        }
        self.reset_metrics();
        let labels = match y {
            Labels::Classes(c) => BatchLabels::Classes(c),
            Labels::Values(v) => BatchLabels::Values(v),
        };
        if let Some(c) = &mut self.compiled {
            c.metrics.iter_mut().for_each(|(_, m)| m.update(&a, &labels));
        }
        let mut logs = Logs::new();
        self.write_logs(&mut logs, "", if n > 0 { sum / n as f64 } else { 0.0 });
        Ok(logs)
    }

    /// The outputs (or, with `logits`, the output layer's weighted sums)
    /// for every sample of `x`, in batches of `batch_size` rows. The rows
    /// are shared among the cores, each recording on its own copy of the
    /// tape: a sample's output does not depend on the others, so the
    /// result is the same on any number of threads.
    fn infer(&mut self, x: &Tensor, batch_size: usize, logits: bool) -> Result<DMatrix<f32>> {
        let (n, bs) = (x.len(), batch_size.max(1));
        let width = self.output_shape().map_or(0, |s| s.iter().product());
        let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
        let threads = cores.min(n.div_ceil(bs)).max(1);
        let per_thread = n.div_ceil(bs).div_ceil(threads) * bs;
        let ranges: Vec<(usize, usize)> =
            (0..threads).map(|t| ((t * per_thread).min(n), ((t + 1) * per_thread).min(n))).collect();
        if threads == 1 {
            return forward_rows(&self.layers, &mut self.tape, x, (0, n), bs, logits, width);
        }
        let (layers, tape) = (&self.layers, &self.tape);
        let parts: Vec<Result<DMatrix<f32>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = ranges
                .iter()
                .map(|&range| {
                    let mut fork = tape.fork();
                    scope.spawn(move || forward_rows(layers, &mut fork, x, range, bs, logits, width))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(KerasError::Argument("an inference thread panicked".into())))
                })
                .collect()
        });
        let mut out = DMatrix::zeros(n, width);
        for (&(start, end), part) in ranges.iter().zip(parts) {
            out.rows_mut(start, end - start).copy_from(&part?);
        }
        Ok(out)
    }

    /// The model's outputs for `x`, one row per sample (class
    /// probabilities for a softmax output), computed in batches of
    /// [`INFERENCE_BATCH_SIZE`] rows (Keras: 32; the outputs do not depend
    /// on it).
    pub fn predict(&mut self, x: &Tensor) -> Result<DMatrix<f32>> {
        self.predict_batch_size(x, INFERENCE_BATCH_SIZE)
    }

    /// [`Model::predict`] with another batch size.
    pub fn predict_batch_size(&mut self, x: &Tensor, batch_size: usize) -> Result<DMatrix<f32>> {
        self.ensure_built(x)?;
        self.infer(x, batch_size, false)
    }
}

/// The outputs of `layers` for the samples `range` of `x`, batch by batch,
/// recorded on `tape`.
fn forward_rows(
    layers: &[Box<dyn crate::layers::Layer>],
    tape: &mut autodiff::Tape<f32>,
    x: &Tensor,
    (start, end): (usize, usize),
    batch_size: usize,
    logits: bool,
    width: usize,
) -> Result<DMatrix<f32>> {
    let mut out = DMatrix::zeros(end - start, width);
    let mut batch = DMatrix::zeros(0, 0);
    let indices: Vec<usize> = (start..end).collect();
    for (b, chunk) in indices.chunks(batch_size).enumerate() {
        x.gather_rows(chunk, &mut batch);
        let v = record_forward(layers, tape, &batch, false, logits)?;
        out.rows_mut(b * batch_size, chunk.len()).copy_from(tape.value(v));
    }
    Ok(out)
}
