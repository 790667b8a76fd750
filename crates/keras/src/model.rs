//! Models: layers wired together, their weights on one autodiff tape.
//!
//! [`Sequential`] chains layers, each feeding the next, as in the chapter.
//! A [`Model`] is built once the shape of its input is known (from an
//! [`Input`](crate::layers::Input), from [`Model::build`], or from the
//! first data it sees): each layer then checks what it receives and creates
//! its weights. `summary`, `get_layer`, `get_weights` / `set_weights`
//! inspect and change it; `compile`, `fit`, `evaluate` and `predict`
//! (in [`crate::training`]) train and use it.
//!
//! ```
//! use keras::layers::{Dense, Flatten, Input};
//! use keras::Sequential;
//! keras::clear_session();
//! let model = Sequential::new(vec![
//!     Input::new(&[28, 28]).into(),
//!     Flatten::new().into(),
//!     Dense::new(300).activation("relu").into(),
//!     Dense::new(100).activation("relu").into(),
//!     Dense::new(10).activation("softmax").into(),
//! ])?;
//! assert_eq!(model.count_params()?, 266_610);
//! let hidden1 = model.get_layer("dense")?;
//! let weights = hidden1.get_weights();
//! assert_eq!(weights[0].shape(), (784, 300));
//! assert!(weights[1].iter().all(|&b| b == 0.0));
//! # Ok::<(), keras::KerasError>(())
//! ```

use std::fmt::Write;

use autodiff::{Tape, Var};
use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::error::{KerasError, Result};
use crate::layers::{BuildContext, CallOptions, Layer, Weight};
use crate::session::{next_seed, unique_name};
use crate::tensor::{Tensor, shape_string};
use crate::training::{Batch, Compiled};

/// A model: its layers, their weights on a tape, and (once compiled) how it
/// trains.
#[derive(Debug)]
pub struct Model {
    pub(crate) name: String,
    pub(crate) layers: Vec<Box<dyn Layer>>,
    /// The name of the declared input, for error messages.
    input_name: Option<String>,
    /// The shape of one input sample, once known.
    pub(crate) input_shape: Option<Vec<usize>>,
    /// The shape of one output sample of each layer, once built.
    pub(crate) output_shapes: Vec<Vec<usize>>,
    pub(crate) built: bool,
    pub(crate) tape: Tape<f32>,
    pub(crate) rng: ChaCha8Rng,
    pub(crate) compiled: Option<Compiled>,
    /// Buffers reused by `train_on_batch`.
    pub(crate) scratch: Batch,
}

/// Keras's `Sequential`: a model whose layers form a chain. It builds a
/// [`Model`]; layers can be given as a list or added one by one.
#[derive(Clone, Copy, Debug)]
pub struct Sequential;

impl Sequential {
    /// A model from a list of layers; an [`Input`](crate::layers::Input)
    /// first declares the input shape, and the model is built at once.
    #[allow(clippy::new_ret_no_self)] // Keras's spelling: Sequential([...]) makes a model
    pub fn new(layers: Vec<Box<dyn Layer>>) -> Result<Model> {
        let mut model = Sequential::empty();
        for layer in layers {
            model.add(layer)?;
        }
        Ok(model)
    }

    /// A model with no layers yet, to fill with [`Model::add`].
    pub fn empty() -> Model {
        Model {
            name: unique_name("sequential"),
            layers: Vec::new(),
            input_name: None,
            input_shape: None,
            output_shapes: Vec::new(),
            built: false,
            tape: Tape::new(),
            rng: ChaCha8Rng::seed_from_u64(next_seed()),
            compiled: None,
            scratch: Batch::default(),
        }
    }
}

/// A layer of a model with read access to its weights.
pub struct LayerRef<'a> {
    layer: &'a dyn Layer,
    tape: &'a Tape<f32>,
}

impl LayerRef<'_> {
    /// The layer's name.
    pub fn name(&self) -> &str {
        self.layer.name()
    }

    /// Its kind (`Dense`).
    pub fn class_name(&self) -> &'static str {
        self.layer.class_name()
    }

    /// The layer itself.
    pub fn layer(&self) -> &dyn Layer {
        self.layer
    }

    /// Its weights' paths (`dense/kernel`, `dense/bias`).
    pub fn weight_paths(&self) -> Vec<&str> {
        self.layer.weights().iter().map(|w| w.path.as_str()).collect()
    }

    /// Copies of its weights, in order (kernel, then bias).
    pub fn get_weights(&self) -> Vec<DMatrix<f32>> {
        self.layer.weights().iter().map(|w| self.tape.value(w.var).clone()).collect()
    }

    /// Number of weights (scalars).
    pub fn count_params(&self) -> usize {
        self.layer.weights().iter().map(|w| self.tape.value(w.var).len()).sum()
    }
}

/// Checks `values` against the shapes of `weights` and writes them.
fn write_weights(
    tape: &mut Tape<f32>,
    owner: &str,
    weights: &[&Weight],
    values: &[DMatrix<f32>],
) -> Result<()> {
    if weights.len() != values.len() {
        return Err(KerasError::Weights {
            layer: owner.to_string(),
            detail: format!("expected {} arrays, got {}", weights.len(), values.len()),
        });
    }
    for (w, v) in weights.iter().zip(values) {
        let expected = tape.value(w.var).shape();
        if v.shape() != expected {
            return Err(KerasError::Weights {
                layer: owner.to_string(),
                detail: format!(
                    "{} has shape {}×{} but the value given is {}×{}",
                    w.path,
                    expected.0,
                    expected.1,
                    v.nrows(),
                    v.ncols()
                ),
            });
        }
    }
    for (w, v) in weights.iter().zip(values) {
        tape.value_mut(w.var).copy_from(v);
    }
    Ok(())
}

impl Model {
    /// The model's name (`sequential`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Appends a layer; if the model is built, the layer is built at once.
    pub fn add(&mut self, layer: impl Into<Box<dyn Layer>>) -> Result<()> {
        let mut layer = layer.into();
        if let Some(shape) = layer.declared_input() {
            if !self.layers.is_empty() || self.input_shape.is_some() {
                return Err(KerasError::Argument(format!(
                    "{}: an Input can only be the first layer of a Sequential model",
                    layer.name()
                )));
            }
            self.input_shape = Some(shape.to_vec());
            self.input_name = Some(layer.name().to_string());
            return self.build_all();
        }
        if self.layers.iter().any(|l| l.name() == layer.name()) {
            return Err(KerasError::Argument(format!(
                "model \"{}\" already has a layer named \"{}\": the layers of a model need unique names",
                self.name,
                layer.name()
            )));
        }
        if self.built {
            let input =
                self.output_shapes.last().cloned().or_else(|| self.input_shape.clone()).unwrap_or_default();
            self.tape.reset();
            let mut ctx = BuildContext { tape: &mut self.tape, rng: &mut self.rng };
            let output = layer.build(&input, &mut ctx)?;
            self.output_shapes.push(output);
            self.layers.push(layer);
            // New weights: the optimizer starts again (the loss and metrics stay).
            self.reset_optimizer();
            return Ok(());
        }
        self.layers.push(layer);
        Ok(())
    }

    /// Builds the model for samples of this shape (`model.build((None, 8))`
    /// in Keras, here without the batch dimension).
    pub fn build(&mut self, input_shape: &[usize]) -> Result<()> {
        if let Some(declared) = &self.input_shape {
            if declared != input_shape {
                return Err(self.input_error(input_shape));
            }
            if self.built {
                return Ok(());
            }
        }
        self.input_shape = Some(input_shape.to_vec());
        let result = self.build_all();
        if result.is_err() && self.input_name.is_none() {
            self.input_shape = None;
        }
        result
    }

    /// Builds every layer on a fresh tape; on failure nothing changes.
    fn build_all(&mut self) -> Result<()> {
        let Some(input) = self.input_shape.clone() else { return Ok(()) };
        let mut tape = Tape::new();
        let mut rng = self.rng.clone();
        let mut shapes = Vec::with_capacity(self.layers.len());
        let mut shape = input;
        for layer in &mut self.layers {
            let mut ctx = BuildContext { tape: &mut tape, rng: &mut rng };
            shape = layer.build(&shape, &mut ctx)?;
            shapes.push(shape.clone());
        }
        self.tape = tape;
        self.rng = rng;
        self.output_shapes = shapes;
        self.built = true;
        Ok(())
    }

    pub(crate) fn input_error(&self, got: &[usize]) -> KerasError {
        let expected = self.input_shape.as_deref().unwrap_or(&[]);
        KerasError::Shape {
            layer: self.input_name.clone().unwrap_or_else(|| format!("{} input", self.name)),
            detail: format!(
                "the model expects samples of shape {}, got {}",
                shape_string(None, expected),
                shape_string(None, got)
            ),
        }
    }

    /// Builds the model from data if needed, and checks the data's shape.
    pub(crate) fn ensure_built(&mut self, x: &Tensor) -> Result<()> {
        if !self.built {
            self.build(x.sample_shape())?;
        }
        if self.input_shape.as_deref() != Some(x.sample_shape()) {
            return Err(self.input_error(x.sample_shape()));
        }
        Ok(())
    }

    /// An error unless the model is built.
    pub(crate) fn require_built(&self) -> Result<()> {
        if self.built { Ok(()) } else { Err(KerasError::NotBuilt(self.name.clone())) }
    }

    /// Whether the model knows its input shape and has its weights.
    pub fn is_built(&self) -> bool {
        self.built
    }

    /// The shape of one input sample, once known.
    pub fn input_shape(&self) -> Option<&[usize]> {
        self.input_shape.as_deref()
    }

    /// The shape of one output sample, once built.
    pub fn output_shape(&self) -> Option<&[usize]> {
        if self.built {
            self.output_shapes.last().map(Vec::as_slice).or(self.input_shape.as_deref())
        } else {
            None
        }
    }

    /// The layers, in order (the `Input` is not one, as in Keras).
    pub fn layers(&self) -> Vec<LayerRef<'_>> {
        self.layers.iter().map(|l| LayerRef { layer: l.as_ref(), tape: &self.tape }).collect()
    }

    /// The layer of this name.
    pub fn get_layer(&self, name: &str) -> Result<LayerRef<'_>> {
        let layer = self.layers.iter().find(|l| l.name() == name).ok_or_else(|| self.unknown_layer(name))?;
        Ok(LayerRef { layer: layer.as_ref(), tape: &self.tape })
    }

    fn unknown_layer(&self, name: &str) -> KerasError {
        KerasError::UnknownName {
            kind: "layer",
            name: name.to_string(),
            known: self.layers.iter().map(|l| l.name()).collect::<Vec<_>>().join(", "),
        }
    }

    /// Every weight of the model, layer by layer.
    pub fn weights(&self) -> Vec<&Weight> {
        self.layers.iter().flat_map(|l| l.weights()).collect()
    }

    /// Copies of every weight, layer by layer.
    pub fn get_weights(&self) -> Result<Vec<DMatrix<f32>>> {
        self.require_built()?;
        Ok(self.weights().iter().map(|w| self.tape.value(w.var).clone()).collect())
    }

    /// Replaces every weight; the number and shapes must match
    /// [`Model::get_weights`], or nothing changes.
    pub fn set_weights(&mut self, values: &[DMatrix<f32>]) -> Result<()> {
        self.require_built()?;
        let weights: Vec<Weight> = self.weights().into_iter().cloned().collect();
        let refs: Vec<&Weight> = weights.iter().collect();
        write_weights(&mut self.tape, &self.name, &refs, values)
    }

    /// Replaces the weights of one layer (Keras's `layer.set_weights`).
    pub fn set_layer_weights(&mut self, name: &str, values: &[DMatrix<f32>]) -> Result<()> {
        self.require_built()?;
        let layer = self.layers.iter().find(|l| l.name() == name).ok_or_else(|| self.unknown_layer(name))?;
        let weights: Vec<&Weight> = layer.weights().iter().collect();
        write_weights(&mut self.tape, name, &weights, values)
    }

    /// Adapts the named layer (a `Normalization`) to `x`, the data it will
    /// receive, and stores the statistics in its weights.
    pub fn adapt(&mut self, name: &str, x: &Tensor) -> Result<()> {
        let index =
            self.layers.iter().position(|l| l.name() == name).ok_or_else(|| self.unknown_layer(name))?;
        let values = self.layers[index].adapt(x)?;
        if self.built {
            let weights: Vec<&Weight> = self.layers[index].weights().iter().collect();
            write_weights(&mut self.tape, name, &weights, &values)?;
        }
        Ok(())
    }

    /// Number of weights (scalars), trainable or not.
    pub fn count_params(&self) -> Result<usize> {
        self.require_built()?;
        Ok(self.weights().iter().map(|w| self.tape.value(w.var).len()).sum())
    }

    /// Records the forward pass of the batch `x` (one flattened sample per
    /// row) on the tape, from scratch; returns the output node. With
    /// `logits`, the last layer's activation is left out (for the loss to
    /// fuse it).
    pub(crate) fn forward(&mut self, x: &DMatrix<f32>, training: bool, logits: bool) -> Result<Var> {
        record_forward(&self.layers, &mut self.tape, x, training, logits)
    }

    /// The activation that ends the model (the identity if none).
    pub(crate) fn output_activation(&self) -> mlp::Activation {
        self.layers.last().and_then(|l| l.activation()).unwrap_or(mlp::Activation::Identity)
    }

    /// The model as Keras's `model.summary()` prints it.
    pub fn summary(&self) -> Result<String> {
        self.require_built()?;
        let widths = [33, 24, 15];
        let line = |left: &str, mid: &str, right: &str, fill: &str| {
            let cells: Vec<String> = widths.iter().map(|&w| fill.repeat(w)).collect();
            format!("{left}{}{right}\n", cells.join(mid))
        };
        let row = |cells: [String; 3], edge: &str| {
            format!(
                "{edge} {:<w0$}{edge} {:<w1$}{edge} {:>w2$} {edge}\n",
                cells[0],
                cells[1],
                cells[2],
                w0 = widths[0] - 1,
                w1 = widths[1] - 1,
                w2 = widths[2] - 2
            )
        };
        let mut out = format!("Model: \"{}\"\n", self.name);
        out += &line("┏", "┳", "┓", "━");
        out += &row(["Layer (type)".into(), "Output Shape".into(), "Param #".into()], "┃");
        out += &line("┡", "╇", "┩", "━");
        for (i, layer) in self.layers.iter().enumerate() {
            if i > 0 {
                out += &line("├", "┼", "┤", "─");
            }
            let count: usize = layer.weights().iter().map(|w| self.tape.value(w.var).len()).sum();
            out += &row(
                [
                    format!("{} ({})", layer.name(), layer.class_name()),
                    shape_string(None, &self.output_shapes[i]),
                    thousands(count),
                ],
                "│",
            );
        }
        out += &line("└", "┴", "┘", "─");
        let (mut trainable, mut frozen) = (0, 0);
        for w in self.weights() {
            let n = self.tape.value(w.var).len();
            if w.trainable { trainable += n } else { frozen += n }
        }
        for (label, n) in [("Total", trainable + frozen), ("Trainable", trainable), ("Non-trainable", frozen)]
        {
            let _ = writeln!(out, " {label} params: {} ({})", thousands(n), bytes(n * 4));
        }
        Ok(out)
    }
}

/// Records the forward pass of `layers` for the batch `x` on `tape`, from
/// scratch (see [`Model::forward`]).
pub(crate) fn record_forward(
    layers: &[Box<dyn Layer>],
    tape: &mut Tape<f32>,
    x: &DMatrix<f32>,
    training: bool,
    logits: bool,
) -> Result<Var> {
    tape.reset();
    let mut v = tape.constant(x);
    let last = layers.len().saturating_sub(1);
    for (i, layer) in layers.iter().enumerate() {
        let options = CallOptions { training, skip_activation: logits && i == last };
        v = layer.call(tape, v, options)?;
    }
    Ok(v)
}

/// 266610 → "266,610".
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A size as Keras prints it: 1066440 → "1.02 MB".
fn bytes(n: usize) -> String {
    let units = ["B", "KB", "MB", "GB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.2} {}", units[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_keras_prints_them() {
        assert_eq!(thousands(266_610), "266,610");
        assert_eq!(thousands(1_010), "1,010");
        assert_eq!(thousands(17), "17");
        assert_eq!(thousands(0), "0");
        assert_eq!(bytes(266_610 * 4), "1.02 MB");
        assert_eq!(bytes(0), "0.00 B");
    }
}
