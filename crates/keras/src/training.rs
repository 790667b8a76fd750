//! Training and using a model: `compile`, `fit`, `evaluate`, `predict`.
//!
//! One training step takes a batch (32 samples by default) in the
//! epoch's shuffled order, lends every weight to the tape, records the
//! forward pass, ends each output with its loss (fused with the output's
//! activation when the output node is one: softmax with cross-entropy is
//! computed from the logits), adds the losses with their weights, runs the
//! tape backward, lets the optimizer update each trainable weight from its
//! gradient, and takes the weights back. Batches and tape buffers are
//! reused, so after the first step nothing is allocated per batch.
//!
//! `evaluate` and `predict` take `&self`: each core records on a tape of
//! its own, holding copies of the weights, and the rows are shared among
//! the cores. A sample's outputs do not depend on the other samples, so
//! the result is the same on any number of cores.

use std::borrow::Cow;
use std::collections::HashMap;

use autodiff::{Op, Tape, Var};
use mlp::Activation;
use nalgebra::DMatrix;
use rand::seq::SliceRandom;

use crate::arg::Arg;
use crate::callbacks::{Callback, Control, History, Logs, ProgbarLogger, Verbosity, first_error};
use crate::compile::{CompileOptions, Compiled, CompiledOutput, Metrics, PerOutput};
use crate::data::RunBuffers;
use crate::data::{Inputs, Scratch, Targets, Validation};
use crate::error::{KerasError, Result};
use crate::layers::{Bindings, CallContext, Shape};
use crate::losses::Loss;
use crate::model::Model;
use crate::optimizers::Optimizer;
use crate::tensor::{Labels, Tensor, argmax_row};

/// Rows per batch when nothing is learned (`evaluate`, `predict`, the
/// validation after each epoch). Each row's outputs do not depend on the
/// others in its batch, so the batch size changes only the speed (and the
/// rounding of a mean loss); larger products run the GEMM faster.
pub const INFERENCE_BATCH_SIZE: usize = 256;

/// The options of [`Model::fit`], with Keras's defaults.
pub struct FitOptions<'a> {
    /// The number of the last epoch plus one (default 1): `fit` runs the
    /// epochs `initial_epoch` to `epochs − 1`, as Keras (not a count of
    /// epochs to run).
    pub epochs: usize,
    /// The epoch to start from (default 0), to resume a training: after
    /// `fit` with `epochs: 3`, `fit` with `initial_epoch: 3, epochs: 6`
    /// runs epochs 3, 4 and 5, under those numbers in the hooks and the
    /// [`History`].
    pub initial_epoch: usize,
    /// Samples per gradient step (default 32).
    pub batch_size: usize,
    /// Data to evaluate after each epoch (`val_` keys):
    /// `Some((&x_valid, &y_valid).into())`.
    pub validation_data: Option<Validation<'a>>,
    /// Or: this fraction of the samples, taken from the end before
    /// shuffling, held out for validation.
    pub validation_split: f64,
    /// Rows per validation batch (default `None`: [`INFERENCE_BATCH_SIZE`];
    /// Keras's default is `batch_size`). Only the batches the `on_test_*`
    /// hooks see and the rounding depend on it.
    pub validation_batch_size: Option<usize>,
    /// Shuffle the training samples before each epoch (default true).
    pub shuffle: bool,
    /// Weight of each class in the loss (classes not listed weigh 1; one
    /// output only).
    pub class_weight: Option<&'a HashMap<usize, f32>>,
    /// Weight of each training sample in the loss (every output's).
    pub sample_weight: Option<&'a [f32]>,
    /// Called before and after training, every epoch and every batch, and
    /// around the validation pass (see [`Callback`] for the order).
    pub callbacks: Vec<&'a mut dyn Callback>,
    /// How much to print (default: a progress bar).
    pub verbose: Verbosity,
}

impl Default for FitOptions<'_> {
    fn default() -> Self {
        FitOptions {
            epochs: 1,
            initial_epoch: 0,
            batch_size: 32,
            validation_data: None,
            validation_split: 0.0,
            validation_batch_size: None,
            shuffle: true,
            class_weight: None,
            sample_weight: None,
            callbacks: Vec::new(),
            verbose: Verbosity::ProgressBar,
        }
    }
}

/// The options of [`Model::evaluate_with`].
pub struct EvaluateOptions<'a> {
    /// Rows per batch (default [`INFERENCE_BATCH_SIZE`]).
    pub batch_size: usize,
    /// Called around the evaluation and each batch (`on_test_*`).
    pub callbacks: Vec<&'a mut dyn Callback>,
}

impl Default for EvaluateOptions<'_> {
    fn default() -> Self {
        EvaluateOptions { batch_size: INFERENCE_BATCH_SIZE, callbacks: Vec::new() }
    }
}

/// The options of [`Model::predict_with`] and [`Model::predict_outputs_with`].
pub struct PredictOptions<'a> {
    /// Rows per batch (default [`INFERENCE_BATCH_SIZE`]).
    pub batch_size: usize,
    /// Called around the prediction and each batch (`on_predict_*`).
    pub callbacks: Vec<&'a mut dyn Callback>,
}

impl Default for PredictOptions<'_> {
    fn default() -> Self {
        PredictOptions { batch_size: INFERENCE_BATCH_SIZE, callbacks: Vec::new() }
    }
}

/// An output's rows after inference: what it outputs, and (for a loss
/// that fuses the activation) the weighted sums before it.
struct OutputRows {
    values: DMatrix<f32>,
    logits: Option<DMatrix<f32>>,
    activation: Activation,
}

/// The node a loss starts from, and the activation it fuses: the input of
/// the output's activation, if the output node is one.
fn fused(tape: &Tape<f32>, output: Var) -> Result<(Var, Activation)> {
    Ok(match tape.op(output)? {
        Op::Activation(z, act) => (z, act),
        _ => (output, Activation::Identity),
    })
}

/// What `fit`'s epochs run on.
struct FitData<'d> {
    xs: &'d [&'d Tensor],
    ys: &'d [Labels],
    weights: Option<&'d [f32]>,
    validation: Option<&'d Prepared<'d>>,
    outputs: &'d [CompiledOutput],
    n_train: usize,
}

/// Which epochs `fit` runs, and how.
struct EpochPlan {
    epochs: std::ops::Range<usize>,
    batch_size: usize,
    shuffle: bool,
    val_batch_size: usize,
}

/// Prepared data: one tensor per input, one set of labels per output.
struct Prepared<'a> {
    xs: Vec<Cow<'a, Tensor>>,
    ys: Vec<Labels>,
}

impl Prepared<'_> {
    fn len(&self) -> usize {
        self.xs.first().map_or(0, |x| x.len())
    }

    fn refs(&self) -> Vec<&Tensor> {
        self.xs.iter().map(|x| x.as_ref()).collect()
    }
}

impl Model {
    /// Chooses the loss, the optimizer and the metrics (by name or value).
    /// Compiling again resets the optimizer's state, not the weights.
    pub fn compile(
        &mut self,
        loss: impl Into<PerOutput<Arg<Loss>>>,
        optimizer: impl Into<Arg<Optimizer>>,
        metrics: impl Into<Metrics>,
    ) -> Result<()> {
        self.compile_with(CompileOptions {
            loss: loss.into(),
            optimizer: optimizer.into(),
            metrics: metrics.into(),
            loss_weights: None,
        })
    }

    /// [`Model::compile`] with every option (`loss_weights`, losses and
    /// metrics per output).
    pub fn compile_with(&mut self, options: CompileOptions) -> Result<()> {
        let outputs = self.graph.as_ref().map(|g| g.output_names.clone()).or_else(|| match &self.kind {
            crate::model::Kind::Sequential { .. } => Some(vec![String::new()]),
            _ => None,
        });
        self.compiled = Some(Compiled::new(&self.name, options, outputs.as_deref())?);
        Ok(())
    }

    /// The compiled loss of the first output.
    pub fn loss(&self) -> Option<Loss> {
        self.compiled.as_ref().and_then(|c| c.outputs.first()).map(|o| o.loss)
    }

    /// The compiled optimizer.
    pub fn optimizer(&self) -> Option<Optimizer> {
        self.compiled.as_ref().map(|c| c.state.optimizer())
    }

    /// The optimizer's learning rate, once compiled
    /// (`model.optimizer.learning_rate`).
    pub fn learning_rate(&self) -> Option<f64> {
        self.compiled.as_ref().map(|c| c.state.optimizer().learning_rate())
    }

    /// Sets the learning rate of the compiled optimizer, keeping its
    /// slots (what `LearningRateScheduler` and `ReduceLROnPlateau` do).
    pub fn set_learning_rate(&mut self, value: f64) -> Result<()> {
        if !(value.is_finite() && value >= 0.0) {
            return Err(KerasError::Argument(format!(
                "learning rate must be a finite number ≥ 0, got {value}"
            )));
        }
        let compiled = self.compiled.as_mut().ok_or_else(|| KerasError::NotCompiled(self.name.clone()))?;
        compiled.optimizer.set_learning_rate(value);
        compiled.state.set_learning_rate(value);
        Ok(())
    }

    /// The optimizer and its slots, once compiled.
    pub fn optimizer_state(&self) -> Option<&crate::optimizers::OptimizerState> {
        self.compiled.as_ref().map(|c| &c.state)
    }

    /// Steps the optimizer has taken (Keras's `optimizer.iterations`).
    pub fn iterations(&self) -> i32 {
        self.compiled.as_ref().map_or(0, |c| c.state.iterations())
    }

    fn not_compiled(&self) -> KerasError {
        KerasError::NotCompiled(self.name.clone())
    }

    /// The compiled outputs, resolved for the model's output names.
    fn compiled_outputs(&self) -> Result<Cow<'_, [CompiledOutput]>> {
        let compiled = self.compiled.as_ref().ok_or_else(|| self.not_compiled())?;
        let names = self.output_names();
        if compiled.outputs.len() == names.len() {
            return Ok(Cow::Borrowed(&compiled.outputs));
        }
        let mut fresh = compiled.clone();
        fresh.resolve_outputs(&self.name, names)?;
        Ok(Cow::Owned(fresh.outputs))
    }

    /// Builds the model from the data if needed, and checks the shapes.
    fn ensure_built(&mut self, x: &Inputs<'_>) -> Result<()> {
        if !self.is_built() {
            let given = x.given();
            let shapes: Vec<&[usize]> = given.iter().map(|t| t.sample_shape()).collect();
            self.build_inputs(&shapes)?;
        }
        let names = self.output_names().to_vec();
        if let Some(c) = &mut self.compiled
            && c.outputs.len() != names.len()
        {
            c.resolve_outputs(&self.name, &names)?;
        }
        Ok(())
    }

    /// One tensor per model input, in the model's order, each of the
    /// input's shape.
    fn arrange_inputs<'a>(&self, x: &Inputs<'a>) -> Result<Vec<&'a Tensor>> {
        let graph = self.require_built()?;
        let xs = x.arrange(&self.name, &graph.inputs)?;
        if xs.iter().zip(&graph.inputs).any(|(t, input)| t.sample_shape() != input.shape.as_slice()) {
            let given: Vec<Shape> = xs.iter().map(|t| t.sample_shape().to_vec()).collect();
            return Err(self.input_error(&given));
        }
        Ok(xs)
    }

    /// Checks the data against the model's inputs and outputs and puts
    /// the labels in the form each loss takes.
    fn prepare<'a>(
        &self,
        x: &Inputs<'a>,
        y: &Targets<'_>,
        outputs: &[CompiledOutput],
    ) -> Result<Prepared<'a>> {
        let graph = self.require_built()?;
        let xs = self.arrange_inputs(x)?;
        let ys = y.arrange(&self.name, &graph.output_names)?;
        let shapes = graph.output_shapes();
        let several = outputs.len() > 1;
        let ys = ys
            .iter()
            .zip(outputs)
            .zip(&shapes)
            .map(|((y, out), shape)| {
                Self::prepare_labels(xs[0], y, out.loss, shape).map_err(|e| match e {
                    KerasError::Labels { loss, detail } if several => {
                        KerasError::Labels { loss, detail: format!("output \"{}\": {detail}", out.name) }
                    }
                    other => other,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Prepared { xs: xs.into_iter().map(Cow::Borrowed).collect(), ys })
    }

    /// Checks `y` against `x`, the loss and the output layer, and puts it
    /// in the form the loss takes: class indices for the sparse loss, rows
    /// for every other.
    fn prepare_labels(x: &Tensor, y: &Labels, loss: Loss, out_shape: &[usize]) -> Result<Labels> {
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
        let outputs: usize = out_shape.iter().product();
        let error = |detail: String| Err(KerasError::Labels { loss: loss.name(), detail });
        let out_text = format!("(None, {outputs})");
        match (y, loss) {
            (Labels::Classes(c), Loss::SparseCategoricalCrossentropy) => {
                if outputs < 2 {
                    return error(format!(
                        "the model outputs {out_text}, one value per sample; a sparse categorical \
                         cross-entropy needs one output per class (Dense(n_classes, activation=\"softmax\"))"
                    ));
                }
                match c.iter().position(|&l| l >= outputs) {
                    Some(i) => error(format!(
                        "label {} of sample {i} is out of range: the model outputs {out_text}, classes 0 to {}",
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
                Self::prepare_labels(x, &Labels::Classes(classes), loss, out_shape)
            }
            (Labels::Values(v), Loss::SparseCategoricalCrossentropy) => error(format!(
                "expects one class index per sample, shape ({},), but the labels have shape {}{}: \
                 use categorical_crossentropy for one-hot labels",
                v.nrows(),
                y.shape_string(),
                if v.ncols() == outputs { " (one-hot rows?)" } else { "" }
            )),
            (Labels::Classes(c), Loss::CategoricalCrossentropy) => error(format!(
                "expects one-hot labels shaped like the outputs {out_text}, but got class indices of \
                 shape ({},): use sparse_categorical_crossentropy, or to_categorical(y, {outputs})",
                c.len()
            )),
            (Labels::Classes(c), _) if outputs == 1 => {
                let values = DMatrix::from_iterator(c.len(), 1, c.iter().map(|&l| l as f32));
                Self::prepare_labels(x, &Labels::Values(values), loss, out_shape)
            }
            (Labels::Classes(c), _) => error(format!(
                "expects labels shaped like the outputs {out_text}, got class indices of shape ({},)",
                c.len()
            )),
            (Labels::Values(v), _) if v.ncols() != outputs => {
                error(format!("expects labels shaped like the outputs {out_text}, got {}", y.shape_string()))
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
            Labels::Values(v) => argmax_row(v, i),
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
    /// `x` is one tensor, a list, or a map by input name; `y` likewise,
    /// per output. Calling it again goes on from where the last call
    /// stopped.
    pub fn fit<'a>(
        &mut self,
        x: impl Into<Inputs<'a>>,
        y: impl Into<Targets<'a>>,
        mut options: FitOptions<'_>,
    ) -> Result<History> {
        let (x, y) = (x.into(), y.into());
        if self.compiled.is_none() {
            return Err(self.not_compiled());
        }
        if options.batch_size == 0 {
            return Err(KerasError::Argument("fit: batch_size must be at least 1, got 0".to_string()));
        }
        if !(0.0..1.0).contains(&options.validation_split) {
            return Err(KerasError::Argument(format!(
                "fit: validation_split must be in [0, 1), got {}",
                options.validation_split
            )));
        }
        self.ensure_built(&x)?;
        let outputs = self.compiled_outputs()?.into_owned();
        let data = self.prepare(&x, &y, &outputs)?;
        if options.class_weight.is_some() && outputs.len() > 1 {
            return Err(KerasError::Argument(
                "fit: class_weight is only supported for models with one output".to_string(),
            ));
        }
        let weights = Self::sample_weights(&data.ys[0], &options)?;
        // Keras holds out the last samples, before any shuffling, unless
        // validation data are given.
        let n = data.len();
        let n_train = if options.validation_split > 0.0 && options.validation_data.is_none() {
            let n_train = (n as f64 * (1.0 - options.validation_split)).floor() as usize;
            if n_train == 0 || n_train == n {
                return Err(KerasError::Argument(format!(
                    "fit: validation_split = {} of {n} samples leaves {n_train} to train on and {} to validate on; \
                     both must be non-empty",
                    options.validation_split,
                    n - n_train
                )));
            }
            n_train
        } else {
            n
        };
        let validation: Option<Prepared<'_>> = match &options.validation_data {
            Some(v) => Some(
                self.prepare(&v.x, &v.y, &outputs)
                    .map_err(|e| KerasError::Argument(format!("validation_data: {e}")))?,
            ),
            None if n_train < n => Some(Prepared {
                xs: data
                    .xs
                    .iter()
                    .map(|x| x.slice(n_train, n).map(Cow::Owned))
                    .collect::<Result<Vec<_>>>()?,
                ys: data.ys.iter().map(|y| y.slice(n_train, n)).collect::<Result<Vec<_>>>()?,
            }),
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

        let val_batch_size = options.validation_batch_size.unwrap_or(INFERENCE_BATCH_SIZE).max(1);

        // Keras appends its History and ProgbarLogger after the callbacks
        // given: keys they add to the epoch's logs reach both.
        let mut progbar = ProgbarLogger::new(options.verbose);
        let mut callbacks: Vec<&mut dyn Callback> =
            options.callbacks.iter_mut().map(|c| &mut **c as &mut dyn Callback).collect();
        callbacks.push(&mut progbar);
        for c in callbacks.iter_mut() {
            c.on_train_begin(&history.params, self);
        }
        if let Some(e) = first_error(&mut callbacks) {
            return Err(e);
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        let result = self.fit_epochs(
            &mut scratch,
            &mut callbacks,
            &mut history,
            FitData {
                xs: &data.refs(),
                ys: &data.ys,
                weights: weights.as_deref(),
                validation: validation.as_ref(),
                outputs: &outputs,
                n_train,
            },
            EpochPlan {
                epochs: options.initial_epoch..options.epochs,
                batch_size: options.batch_size,
                shuffle: options.shuffle,
                val_batch_size,
            },
        );
        self.scratch = scratch;
        let logs = result?;
        for c in callbacks.iter_mut() {
            c.on_train_end(&logs, self);
        }
        if let Some(e) = first_error(&mut callbacks) {
            return Err(e);
        }
        Ok(history)
    }

    /// The epochs of `fit`, from `initial_epoch` to `epochs − 1`; returns
    /// the last epoch's logs (empty if none ran), or the first error met,
    /// a callback's included.
    fn fit_epochs(
        &mut self,
        scratch: &mut Scratch,
        callbacks: &mut [&mut dyn Callback],
        history: &mut History,
        data: FitData<'_>,
        plan: EpochPlan,
    ) -> Result<Logs> {
        let layout = log_layout(data.outputs);
        let mut training_logs = Logs::new();
        let mut losses = Vec::new();
        for epoch in plan.epochs.clone() {
            if let Some(c) = &mut self.compiled {
                c.reset_metrics();
            }
            for c in callbacks.iter_mut() {
                c.on_epoch_begin(epoch, self);
            }
            if let Some(e) = first_error(callbacks) {
                return Err(e);
            }
            let mut logs = Logs::new(); // batch logs carry no val_ values
            // Each epoch shuffles 0..n afresh: the order depends only on
            // the model's generator, which goes on from fit to fit (two
            // fits of 2 epochs shuffle as one of 4) and is saved with the
            // model (a resumed run shuffles as the uninterrupted one).
            scratch.order.clear();
            scratch.order.extend(0..data.n_train);
            if plan.shuffle {
                scratch.order.shuffle(&mut self.rng);
            }
            let mut sums = vec![0.0f64; data.outputs.len() + 1];
            let mut means = sums.clone();
            let mut seen = 0usize;
            let order = std::mem::take(&mut scratch.order);
            let mut stop = false;
            let mut result = Ok(());
            for (step, indices) in order.chunks(plan.batch_size).enumerate() {
                for c in callbacks.iter_mut() {
                    c.on_train_batch_begin(step, self);
                }
                scratch.batch.gather(data.xs, data.ys, data.weights, indices);
                let total = match self.train_step(scratch, &mut losses) {
                    Ok(total) => total,
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                };
                let m = indices.len() as f64;
                sums[0] += f64::from(total) * m;
                for (s, &l) in sums[1..].iter_mut().zip(&losses) {
                    *s += f64::from(l) * m;
                }
                seen += indices.len();
                means.iter_mut().zip(&sums).for_each(|(m, s)| *m = s / seen as f64);
                self.write_logs(&mut logs, &layout, &means);
                for c in callbacks.iter_mut() {
                    stop |= c.on_train_batch_end(step, &logs, self) == Control::Stop;
                }
                if let Some(e) = first_error(callbacks) {
                    result = Err(e);
                    break;
                }
                if stop {
                    break;
                }
            }
            scratch.order = order;
            result?;
            if let Some(v) = data.validation {
                let val = self.evaluate_observed(v, data.outputs, plan.val_batch_size, callbacks)?;
                for (name, value) in val.iter() {
                    logs.set(&format!("val_{name}"), value);
                }
            }
            // The progress bar, last, sees the keys the others add; the
            // history is written before it, as Keras's History comes
            // before its ProgbarLogger.
            let (last, others) = callbacks.split_last_mut().expect("fit's progress bar is always there");
            for c in others.iter_mut() {
                stop |= c.on_epoch_end_mut(epoch, &mut logs, self) == Control::Stop;
            }
            history.push(epoch, &logs);
            stop |= last.on_epoch_end_mut(epoch, &mut logs, self) == Control::Stop;
            if let Some(e) = first_error(callbacks) {
                return Err(e);
            }
            training_logs = logs;
            if stop {
                break;
            }
        }
        Ok(training_logs)
    }

    /// Writes the losses (`means[0]` the total, then each output's) and the
    /// metrics' running values into `logs`, under Keras's keys.
    fn write_logs(&self, logs: &mut Logs, layout: &[(String, LogValue)], means: &[f64]) {
        let Some(c) = &self.compiled else { return };
        write_output_logs(logs, layout, means, &c.outputs);
    }

    /// One gradient step on the gathered batch; returns the total loss,
    /// each output's loss in `losses`.
    fn train_step(&mut self, scratch: &mut Scratch, losses: &mut Vec<f32>) -> Result<f32> {
        let Scratch { tape, bindings, batch, run, inputs, outputs, .. } = scratch;
        tape.reset();
        self.bind(tape, bindings);
        let result = self.step_on_bound(tape, bindings, batch, run, inputs, outputs, losses);
        self.unbind(tape, bindings);
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn step_on_bound(
        &mut self,
        tape: &mut Tape<f32>,
        bindings: &Bindings,
        batch: &crate::data::Batch,
        run: &mut RunBuffers,
        inputs: &mut Vec<Var>,
        outputs: &mut Vec<Var>,
        losses: &mut Vec<f32>,
    ) -> Result<f32> {
        inputs.clear();
        for x in &batch.xs {
            inputs.push(tape.constant(x));
        }
        outputs.clear();
        {
            let mut ctx = CallContext { tape, bindings, training: true };
            self.record(&mut ctx, inputs, run, outputs)?;
        }
        let Some(compiled) = self.compiled.as_mut() else {
            return Err(KerasError::NotCompiled(self.name.clone()));
        };
        let weights = (!batch.weights.is_empty()).then_some(batch.weights.as_slice());
        let mut total: Option<Var> = None;
        losses.clear();
        for (k, out) in compiled.outputs.iter().enumerate() {
            let (z, act) = fused(tape, outputs[k])?;
            let l = tape.weighted_loss(z, act, out.loss.to_mlp(), batch.labels[k].targets(), weights)?;
            losses.push(tape.try_value(l)?[(0, 0)]);
            let term = if out.weight == 1.0 { l } else { tape.scale(l, out.weight as f32)? };
            total = Some(match total {
                None => term,
                Some(t) => tape.add(t, term)?,
            });
        }
        let total = total.ok_or_else(|| KerasError::Argument("the model has no outputs".to_string()))?;
        tape.backward(total)?;
        let value = tape.try_value(total)?[(0, 0)];
        for (k, out) in compiled.outputs.iter_mut().enumerate() {
            let a = tape.try_value(outputs[k])?;
            let labels = batch.labels[k].for_metric();
            out.metrics.iter_mut().for_each(|(_, m)| m.update(a, &labels));
        }
        compiled.state.begin_step();
        for (id, var, trainable) in bindings.iter() {
            if trainable {
                let (value, grad) = tape.parameter_mut(var)?;
                compiled.state.update(id, value.as_mut_slice(), grad.as_slice());
            }
        }
        Ok(value)
    }

    /// One gradient step on the batch `x`, `y` (Keras's `train_on_batch`);
    /// returns the batch's loss and metrics. Buffers are reused from call
    /// to call.
    pub fn train_on_batch<'a>(
        &mut self,
        x: impl Into<Inputs<'a>>,
        y: impl Into<Targets<'a>>,
    ) -> Result<Logs> {
        let (x, y) = (x.into(), y.into());
        if self.compiled.is_none() {
            return Err(self.not_compiled());
        }
        self.ensure_built(&x)?;
        let outputs = self.compiled_outputs()?.into_owned();
        let data = self.prepare(&x, &y, &outputs)?;
        let mut scratch = std::mem::take(&mut self.scratch);
        let n = data.len();
        if scratch.order.len() != n {
            scratch.order = (0..n).collect();
        }
        scratch.batch.gather(&data.refs(), &data.ys, None, &scratch.order);
        if let Some(c) = &mut self.compiled {
            c.reset_metrics();
        }
        let mut losses = Vec::new();
        let total = self.train_step(&mut scratch, &mut losses);
        self.scratch = scratch;
        let mut means = vec![f64::from(total?)];
        means.extend(losses.iter().map(|&l| f64::from(l)));
        let mut logs = Logs::new();
        self.write_logs(&mut logs, &log_layout(&outputs), &means);
        Ok(logs)
    }

    /// The loss and metrics on `x`, `y` (`model.evaluate(x, y)`), in
    /// Keras's order: `loss`, then (several outputs) each output's loss,
    /// then the metrics. Use [`Logs::values`] for the list and
    /// [`Logs::get`] or [`Logs::to_map`] for the dictionary.
    ///
    /// It runs in batches of [`INFERENCE_BATCH_SIZE`] rows (Keras: 32);
    /// the result is the same up to rounding.
    pub fn evaluate<'a>(&self, x: impl Into<Inputs<'a>>, y: impl Into<Targets<'a>>) -> Result<Logs> {
        self.evaluate_batch_size(x, y, INFERENCE_BATCH_SIZE)
    }

    /// [`Model::evaluate`] with another batch size.
    pub fn evaluate_batch_size<'a>(
        &self,
        x: impl Into<Inputs<'a>>,
        y: impl Into<Targets<'a>>,
        batch_size: usize,
    ) -> Result<Logs> {
        let outputs = self.compiled_outputs()?.into_owned();
        self.require_built()?;
        let data = self.prepare(&x.into(), &y.into(), &outputs)?;
        self.evaluate_prepared(&data, &outputs, batch_size.max(1))
    }

    /// [`Model::evaluate`] with callbacks (`on_test_begin`,
    /// `on_test_batch_begin`, `on_test_batch_end`, `on_test_end`, each
    /// given the model) and a batch size. With a callback that wants the
    /// batch hooks (see [`Callback::inference_batch_hooks`]) the batches
    /// run in order on one thread; the result is the same.
    ///
    /// ```
    /// use keras::callbacks::{Callback, Logs};
    /// use keras::layers::{Dense, Input};
    /// use keras::training::EvaluateOptions;
    /// use keras::{Labels, Model, Sequential, Tensor};
    /// #[derive(Default)]
    /// struct Batches(Vec<usize>);
    /// impl Callback for Batches {
    ///     fn on_test_batch_end(&mut self, batch: usize, _logs: &Logs, _model: &Model) {
    ///         self.0.push(batch);
    ///     }
    /// }
    /// let mut model = Sequential::new(vec![Input::new(&[1]).into(), Dense::new(1).into()])?;
    /// model.compile("mse", "sgd", &[])?;
    /// let x = Tensor::new(vec![0.5; 10], &[10, 1])?;
    /// let y = Labels::from(&[1.0f32; 10][..]);
    /// let mut batches = Batches::default();
    /// let logs = model.evaluate_with(&x, &y, EvaluateOptions { batch_size: 4, callbacks: vec![&mut batches] })?;
    /// assert_eq!(batches.0, [0, 1, 2]);
    /// assert_eq!(logs, model.evaluate(&x, &y)?);
    /// # Ok::<(), keras::KerasError>(())
    /// ```
    pub fn evaluate_with<'a>(
        &self,
        x: impl Into<Inputs<'a>>,
        y: impl Into<Targets<'a>>,
        options: EvaluateOptions<'_>,
    ) -> Result<Logs> {
        let outputs = self.compiled_outputs()?.into_owned();
        self.require_built()?;
        let data = self.prepare(&x.into(), &y.into(), &outputs)?;
        let mut callbacks = options.callbacks;
        self.evaluate_observed(&data, &outputs, options.batch_size.max(1), &mut callbacks)
    }

    /// Evaluates on prepared data: every output's rows (on every core),
    /// then each loss over all rows and the metrics.
    fn evaluate_prepared(
        &self,
        data: &Prepared<'_>,
        outputs: &[CompiledOutput],
        batch_size: usize,
    ) -> Result<Logs> {
        let rows = self.infer(&data.refs(), batch_size, true)?;
        logs_from_rows(&rows, &data.ys, outputs)
    }

    /// Evaluates with the `on_test_*` hooks: the batches in order on one
    /// thread if a callback wants the batch hooks (with the running loss
    /// and metrics after each), else as [`Model::evaluate`]. The result is
    /// computed from all the rows either way, so it is the same.
    fn evaluate_observed(
        &self,
        data: &Prepared<'_>,
        outputs: &[CompiledOutput],
        batch_size: usize,
        callbacks: &mut [&mut dyn Callback],
    ) -> Result<Logs> {
        for c in callbacks.iter_mut() {
            c.on_test_begin(self);
        }
        if let Some(e) = first_error(callbacks) {
            return Err(e);
        }
        let logs = if callbacks.iter().any(|c| c.inference_batch_hooks()) {
            let graph = self.require_built()?;
            let widths: Vec<usize> = graph.output_shapes().iter().map(|s| s.iter().product()).collect();
            let mut running = outputs.to_vec();
            running.iter_mut().for_each(|o| o.metrics.iter_mut().for_each(|(_, m)| m.reset()));
            let layout = log_layout(outputs);
            let mut sums = vec![0.0f64; outputs.len() + 1];
            let mut seen = 0usize;
            let mut batch_logs = Logs::new();
            let mut observer = |b: usize, done: Option<(usize, usize, &[OutputRows])>| -> Result<()> {
                let Some((start, len, rows)) = done else {
                    for c in callbacks.iter_mut() {
                        c.on_test_batch_begin(b, self);
                    }
                    return first_error(callbacks).map_or(Ok(()), Err);
                };
                for (k, ((out, rows), y)) in running.iter_mut().zip(rows).zip(&data.ys).enumerate() {
                    let values = rows.values.rows(start, len).into_owned();
                    let logits = rows.logits.as_ref().map(|l| l.rows(start, len).into_owned());
                    let y = y.slice(start, start + len)?;
                    let value =
                        loss_value(out, rows.activation, logits.as_ref().unwrap_or(&values), &values, &y)?;
                    sums[0] += out.weight * value * len as f64;
                    sums[k + 1] += value * len as f64;
                    let labels = batch_labels(&y);
                    out.metrics.iter_mut().for_each(|(_, m)| m.update(&values, &labels));
                }
                seen += len;
                let means: Vec<f64> = sums.iter().map(|s| s / seen as f64).collect();
                write_output_logs(&mut batch_logs, &layout, &means, &running);
                for c in callbacks.iter_mut() {
                    c.on_test_batch_end(b, &batch_logs, self);
                }
                first_error(callbacks).map_or(Ok(()), Err)
            };
            let rows = self.forward_rows(
                &data.refs(),
                (0, data.len()),
                batch_size,
                true,
                &widths,
                Some(&mut observer),
            )?;
            logs_from_rows(&rows, &data.ys, outputs)?
        } else {
            self.evaluate_prepared(data, outputs, batch_size)?
        };
        for c in callbacks.iter_mut() {
            c.on_test_end(&logs, self);
        }
        if let Some(e) = first_error(callbacks) {
            return Err(e);
        }
        Ok(logs)
    }

    /// Every output's rows for the samples of `xs`, in batches of
    /// `batch_size` rows, the rows shared among the cores ([`crate::set_threads`]).
    fn infer(&self, xs: &[&Tensor], batch_size: usize, logits: bool) -> Result<Vec<OutputRows>> {
        let graph = self.require_built()?;
        let n = xs.first().map_or(0, |x| x.len());
        let bs = batch_size.max(1);
        let widths: Vec<usize> = graph.output_shapes().iter().map(|s| s.iter().product()).collect();
        let threads = crate::session::threads().min(n.div_ceil(bs)).max(1);
        let per_thread = n.div_ceil(bs).div_ceil(threads) * bs;
        let ranges: Vec<(usize, usize)> =
            (0..threads).map(|t| ((t * per_thread).min(n), ((t + 1) * per_thread).min(n))).collect();
        if threads == 1 {
            return self.forward_rows(xs, (0, n), bs, logits, &widths, None);
        }
        let parts: Vec<Result<Vec<OutputRows>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = ranges
                .iter()
                .map(|&range| {
                    let widths = &widths;
                    scope.spawn(move || self.forward_rows(xs, range, bs, logits, widths, None))
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
        let mut out: Vec<OutputRows> = widths
            .iter()
            .map(|&w| OutputRows {
                values: DMatrix::zeros(n, w),
                logits: logits.then(|| DMatrix::zeros(n, w)),
                activation: Activation::Identity,
            })
            .collect();
        for (&(start, end), part) in ranges.iter().zip(parts) {
            for (o, p) in out.iter_mut().zip(part?) {
                o.values.rows_mut(start, end - start).copy_from(&p.values);
                if let (Some(all), Some(some)) = (&mut o.logits, &p.logits) {
                    all.rows_mut(start, end - start).copy_from(some);
                }
                o.activation = p.activation;
            }
        }
        Ok(out)
    }

    /// The outputs for the samples `start..end` of `xs`, batch by batch,
    /// recorded on a tape of this thread's own. `observer`, if any, is
    /// called before each batch with its number and `None`, and after it
    /// with `Some((first row, rows, outputs so far))`, the rows counted
    /// from `start`.
    fn forward_rows(
        &self,
        xs: &[&Tensor],
        (start, end): (usize, usize),
        batch_size: usize,
        logits: bool,
        widths: &[usize],
        mut observer: Option<&mut BatchObserver<'_>>,
    ) -> Result<Vec<OutputRows>> {
        let mut tape = Tape::new();
        let mut bindings = Bindings::default();
        self.bind_copies(&mut tape, &mut bindings)?;
        let mut run = RunBuffers::default();
        let (mut inputs, mut outputs) = (Vec::new(), Vec::new());
        let mut batch: Vec<DMatrix<f32>> = xs.iter().map(|_| DMatrix::zeros(0, 0)).collect();
        let mut out: Vec<OutputRows> = widths
            .iter()
            .map(|&w| OutputRows {
                values: DMatrix::zeros(end - start, w),
                logits: logits.then(|| DMatrix::zeros(end - start, w)),
                activation: Activation::Identity,
            })
            .collect();
        let indices: Vec<usize> = (start..end).collect();
        for (b, chunk) in indices.chunks(batch_size).enumerate() {
            if let Some(observe) = observer.as_mut() {
                observe(b, None)?;
            }
            tape.reset();
            inputs.clear();
            for (x, buffer) in xs.iter().zip(&mut batch) {
                x.gather_rows(chunk, buffer);
                inputs.push(tape.constant(buffer));
            }
            outputs.clear();
            let mut ctx = CallContext { tape: &mut tape, bindings: &bindings, training: false };
            self.record(&mut ctx, &inputs, &mut run, &mut outputs)?;
            for (o, &v) in out.iter_mut().zip(&outputs) {
                o.values.rows_mut(b * batch_size, chunk.len()).copy_from(tape.try_value(v)?);
                if let Some(l) = &mut o.logits {
                    let (z, act) = fused(&tape, v)?;
                    l.rows_mut(b * batch_size, chunk.len()).copy_from(tape.try_value(z)?);
                    o.activation = act;
                }
            }
            if let Some(observe) = observer.as_mut() {
                observe(b, Some((b * batch_size, chunk.len(), &out)))?;
            }
        }
        Ok(out)
    }

    /// The outputs of a model with one output for `x`, one row per sample
    /// (class probabilities for a softmax output), computed in batches of
    /// [`INFERENCE_BATCH_SIZE`] rows (Keras: 32; the outputs do not depend
    /// on it).
    pub fn predict<'a>(&self, x: impl Into<Inputs<'a>>) -> Result<DMatrix<f32>> {
        self.predict_batch_size(x, INFERENCE_BATCH_SIZE)
    }

    /// [`Model::predict`] with another batch size.
    pub fn predict_batch_size<'a>(
        &self,
        x: impl Into<Inputs<'a>>,
        batch_size: usize,
    ) -> Result<DMatrix<f32>> {
        self.single_output(self.predict_outputs_batch_size(x, batch_size)?)
    }

    /// The only output's matrix, or an error for a model with several.
    fn single_output(&self, mut outputs: Vec<DMatrix<f32>>) -> Result<DMatrix<f32>> {
        if outputs.len() != 1 {
            return Err(KerasError::Structure {
                model: self.name.clone(),
                detail: format!(
                    "has {} outputs ({}): use predict_outputs, which returns one matrix per output",
                    outputs.len(),
                    self.output_names().join(", ")
                ),
            });
        }
        Ok(outputs.remove(0))
    }

    /// One matrix per output, in the order of [`Model::output_names`].
    pub fn predict_outputs<'a>(&self, x: impl Into<Inputs<'a>>) -> Result<Vec<DMatrix<f32>>> {
        self.predict_outputs_batch_size(x, INFERENCE_BATCH_SIZE)
    }

    /// [`Model::predict_outputs`] with another batch size.
    pub fn predict_outputs_batch_size<'a>(
        &self,
        x: impl Into<Inputs<'a>>,
        batch_size: usize,
    ) -> Result<Vec<DMatrix<f32>>> {
        let x = x.into();
        if !self.is_built() {
            // No weights yet, but the shapes can be checked: a shape error
            // says more than "not built".
            let shapes: Vec<Shape> = x.given().iter().map(|t| t.sample_shape().to_vec()).collect();
            crate::layers::Layer::output_shapes(self, &shapes)?;
        }
        let xs = self.arrange_inputs(&x)?;
        Ok(self.infer(&xs, batch_size, false)?.into_iter().map(|o| o.values).collect())
    }

    /// [`Model::predict`] with callbacks (`on_predict_begin`,
    /// `on_predict_batch_begin`, `on_predict_batch_end` with the batch's
    /// outputs, `on_predict_end`, each given the model) and a batch size.
    /// With a callback that wants the batch hooks (see
    /// [`Callback::inference_batch_hooks`]) the batches run in order on one
    /// thread; the outputs are the same.
    pub fn predict_with<'a>(
        &self,
        x: impl Into<Inputs<'a>>,
        options: PredictOptions<'_>,
    ) -> Result<DMatrix<f32>> {
        self.single_output(self.predict_outputs_with(x, options)?)
    }

    /// [`Model::predict_outputs`] with callbacks and a batch size, as
    /// [`Model::predict_with`].
    pub fn predict_outputs_with<'a>(
        &self,
        x: impl Into<Inputs<'a>>,
        options: PredictOptions<'_>,
    ) -> Result<Vec<DMatrix<f32>>> {
        let x = x.into();
        if !self.is_built() {
            let shapes: Vec<Shape> = x.given().iter().map(|t| t.sample_shape().to_vec()).collect();
            crate::layers::Layer::output_shapes(self, &shapes)?;
        }
        let xs = self.arrange_inputs(&x)?;
        let batch_size = options.batch_size.max(1);
        let mut callbacks = options.callbacks;
        for c in callbacks.iter_mut() {
            c.on_predict_begin(self);
        }
        if let Some(e) = first_error(&mut callbacks) {
            return Err(e);
        }
        let rows = if callbacks.iter().any(|c| c.inference_batch_hooks()) {
            let graph = self.require_built()?;
            let widths: Vec<usize> = graph.output_shapes().iter().map(|s| s.iter().product()).collect();
            let n = xs.first().map_or(0, |x| x.len());
            let mut observer = |b: usize, done: Option<(usize, usize, &[OutputRows])>| -> Result<()> {
                match done {
                    None => callbacks.iter_mut().for_each(|c| c.on_predict_batch_begin(b, self)),
                    Some((start, len, rows)) => {
                        let outputs: Vec<DMatrix<f32>> =
                            rows.iter().map(|o| o.values.rows(start, len).into_owned()).collect();
                        callbacks.iter_mut().for_each(|c| c.on_predict_batch_end(b, &outputs, self));
                    }
                }
                first_error(&mut callbacks).map_or(Ok(()), Err)
            };
            self.forward_rows(&xs, (0, n), batch_size, false, &widths, Some(&mut observer))?
        } else {
            self.infer(&xs, batch_size, false)?
        };
        for c in callbacks.iter_mut() {
            c.on_predict_end(self);
        }
        if let Some(e) = first_error(&mut callbacks) {
            return Err(e);
        }
        Ok(rows.into_iter().map(|o| o.values).collect())
    }

    /// The way the metric reported under `key` (its log key, with the
    /// output's prefix for a model with several outputs) improves, as
    /// Keras's `metric._direction`; `None` if no compiled metric has that
    /// key.
    pub(crate) fn metric_direction(&self, key: &str) -> Option<crate::callbacks::monitor::Direction> {
        use crate::callbacks::monitor::Direction;
        use crate::metrics::Metric;
        let compiled = self.compiled.as_ref()?;
        let several = compiled.outputs.len() > 1;
        let (_, name) =
            compiled.outputs.iter().flat_map(|o| o.metrics.iter().map(move |(k, _)| (o, k))).find(
                |(o, k)| {
                    if several {
                        key.strip_prefix(o.name.as_str()).and_then(|r| r.strip_prefix('_')) == Some(k)
                    } else {
                        key == k.as_str()
                    }
                },
            )?;
        Some(match <Metric as crate::arg::Named>::from_name(name)? {
            Metric::Accuracy
            | Metric::SparseCategoricalAccuracy
            | Metric::CategoricalAccuracy
            | Metric::BinaryAccuracy => Direction::Up,
            Metric::RootMeanSquaredError | Metric::MeanAbsoluteError | Metric::MeanSquaredError => {
                Direction::Down
            }
        })
    }

    /// The keys of the logs `fit` writes (without `val_`).
    pub(crate) fn metric_keys(&self) -> Vec<String> {
        match self.compiled_outputs() {
            Ok(outputs) => log_layout(&outputs).into_iter().map(|(k, _)| k).collect(),
            Err(_) => vec!["loss".to_string()],
        }
    }
}

/// What [`Model::forward_rows`] calls around each batch: the batch's
/// number, then `None` before it, or after it the first row, the number
/// of rows and the outputs so far.
type BatchObserver<'o> = dyn FnMut(usize, Option<(usize, usize, &[OutputRows])>) -> Result<()> + 'o;

/// The loss of one output over rows: the loss's mean (0 for no rows).
fn loss_value(
    out: &CompiledOutput,
    activation: Activation,
    z: &DMatrix<f32>,
    a: &DMatrix<f32>,
    y: &Labels,
) -> Result<f64> {
    if z.nrows() == 0 {
        return Ok(0.0);
    }
    let targets = match y {
        Labels::Classes(c) => mlp::Targets::Sparse(c),
        Labels::Values(v) => mlp::Targets::Dense(v),
    };
    Ok(f64::from(out.loss.to_mlp().value(activation, z, a, targets).map_err(autodiff::TapeError::from)?))
}

/// Labels as a metric reads them.
fn batch_labels(y: &Labels) -> crate::metrics::BatchLabels<'_> {
    match y {
        Labels::Classes(c) => crate::metrics::BatchLabels::Classes(c),
        Labels::Values(v) => crate::metrics::BatchLabels::Values(v),
    }
}

/// The loss and metrics over all the rows of every output, whose labels
/// are `ys`, as `evaluate` reports them.
fn logs_from_rows(rows: &[OutputRows], ys: &[Labels], outputs: &[CompiledOutput]) -> Result<Logs> {
    let mut means = vec![0.0f64];
    let mut outputs = outputs.to_vec();
    for ((out, rows), y) in outputs.iter_mut().zip(rows).zip(ys) {
        let z = rows.logits.as_ref().unwrap_or(&rows.values);
        let value = loss_value(out, rows.activation, z, &rows.values, y)?;
        means[0] += out.weight * value;
        means.push(value);
        let labels = batch_labels(y);
        for (_, m) in &mut out.metrics {
            m.reset();
            m.update(&rows.values, &labels);
        }
    }
    let mut logs = Logs::new();
    write_output_logs(&mut logs, &log_layout(&outputs), &means, &outputs);
    Ok(logs)
}

/// Where one entry of the logs comes from.
#[derive(Clone, Copy, Debug)]
enum LogValue {
    /// A mean loss: the total (0), then each output's (1, 2, …).
    Loss(usize),
    /// Metric `j` of output `k`.
    Metric(usize, usize),
}

/// The keys of the logs and where each value comes from, in Keras's
/// order: `loss`; for several outputs `output_loss`, `aux_output_loss`, …;
/// then the metrics (`accuracy`; for several outputs
/// `output_RootMeanSquaredError`, …, sorted by key as Keras sorts them).
/// Computed once, so that writing the logs after each batch formats no
/// key.
fn log_layout(outputs: &[CompiledOutput]) -> Vec<(String, LogValue)> {
    let mut layout = vec![("loss".to_string(), LogValue::Loss(0))];
    if let [one] = outputs {
        layout.extend(
            one.metrics.iter().enumerate().map(|(j, (key, _))| (key.clone(), LogValue::Metric(0, j))),
        );
        return layout;
    }
    layout.extend(
        outputs.iter().enumerate().map(|(k, out)| (format!("{}_loss", out.name), LogValue::Loss(k + 1))),
    );
    let mut metrics: Vec<(String, LogValue)> = outputs
        .iter()
        .enumerate()
        .flat_map(|(k, out)| {
            out.metrics
                .iter()
                .enumerate()
                .map(move |(j, (key, _))| (format!("{}_{key}", out.name), LogValue::Metric(k, j)))
        })
        .collect();
    metrics.sort_by(|a, b| a.0.cmp(&b.0));
    layout.extend(metrics);
    layout
}

/// Writes `means` (the total loss, then each output's) and the metrics'
/// running values into `logs`, as `layout` arranges them.
fn write_output_logs(
    logs: &mut Logs,
    layout: &[(String, LogValue)],
    means: &[f64],
    outputs: &[CompiledOutput],
) {
    for (key, source) in layout {
        let value = match *source {
            LogValue::Loss(i) => means.get(i).copied().unwrap_or(f64::NAN),
            LogValue::Metric(k, j) => outputs[k].metrics[j].1.result(),
        };
        logs.set(key, value);
    }
}
