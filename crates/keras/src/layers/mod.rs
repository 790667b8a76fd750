//! Layers: what a model is made of.
//!
//! Every layer follows one contract, the [`Layer`] trait:
//!
//! - **build** from the shapes of its inputs (one or several; a `Dense`
//!   layer learns its number of inputs from them) and create its weights,
//!   [`Variable`]s that the layer owns;
//! - **call** on the autodiff tape: read its inputs' nodes and its weights'
//!   nodes, record its forward pass, return its output node(s); the tape
//!   gives the backward pass;
//! - **list its weights** (`dense/kernel`, `dense/bias`, in Keras's order);
//! - **describe itself** as a Keras configuration (JSON), which saving uses.
//!
//! A layer is also called on *symbolic* tensors to build a model with the
//! Functional API ([`LayerCall::apply`]): that checks the shapes at once and
//! records where the layer sits in the graph.
//!
//! - [`Input`]: declares the shape of one sample;
//! - [`Flatten`]: one row per sample (28 × 28 → 784);
//! - [`Dense`]: `activation(X W + b)` (Equation 10-2);
//! - [`Normalization`]: `(x − mean) / std`, with `adapt` to learn them;
//! - [`Concatenate`]: several inputs side by side.

mod concatenate;
mod dense;
mod flatten;
mod input;
mod keras_tensor;
mod normalization;

use std::fmt;

use autodiff::{Tape, Var};
use nalgebra::DMatrix;
use rand_chacha::ChaCha8Rng;

pub use concatenate::{Concatenate, concatenate};
pub use dense::Dense;
pub use flatten::Flatten;
pub use input::{Input, InputLayer};
pub use keras_tensor::KerasTensor;
pub(crate) use keras_tensor::{CallNode, call_symbolic};
pub use normalization::Normalization;

use crate::error::{KerasError, Result};
use crate::initializers::Initializer;
use crate::tensor::Tensor;
use crate::variable::{Variable, WeightId};

/// The shape of one sample (no batch dimension): `[28, 28]`, `[8]`.
pub type Shape = Vec<usize>;

/// The identity of a layer: calling the same layer twice in a graph
/// shares its weights; two layers are never the same, even with one name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LayerId(pub(crate) u64);

impl LayerId {
    /// A fresh identity.
    pub fn new() -> LayerId {
        LayerId(crate::session::next_id())
    }
}

impl Default for LayerId {
    fn default() -> LayerId {
        LayerId::new()
    }
}

/// What a layer needs while it is built: the model's random generator
/// for its weights' initial values.
pub struct BuildContext<'a> {
    pub(crate) rng: &'a mut ChaCha8Rng,
}

impl BuildContext<'_> {
    /// A `rows × cols` matrix drawn from `init`.
    pub fn initial(&mut self, init: Initializer, rows: usize, cols: usize) -> DMatrix<f32> {
        init.matrix(rows, cols, self.rng)
    }
}

/// Where each weight sits on the tape for the step being recorded.
#[derive(Clone, Debug, Default)]
pub struct Bindings {
    nodes: Vec<(WeightId, Var, bool)>,
}

impl Bindings {
    /// Forgets every binding (keeps the allocation).
    pub(crate) fn clear(&mut self) {
        self.nodes.clear();
    }

    /// Records that `weight`'s value is node `var`.
    pub(crate) fn insert(&mut self, weight: &Variable, var: Var) {
        self.nodes.push((weight.id, var, weight.trainable));
    }

    /// The node of `id`.
    pub(crate) fn get(&self, id: WeightId) -> Option<Var> {
        self.nodes.iter().find(|(w, ..)| *w == id).map(|&(_, v, _)| v)
    }

    /// Every binding `(weight, node, trainable)`, in the order they were made.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (WeightId, Var, bool)> + '_ {
        self.nodes.iter().copied()
    }
}

/// What a layer's [`Layer::call`] records on: the tape, where its weights
/// are, and whether this is training.
pub struct CallContext<'a> {
    /// The tape of this step.
    pub tape: &'a mut Tape<f32>,
    pub(crate) bindings: &'a Bindings,
    /// Training (dropout and the like act only then) or inference.
    pub training: bool,
}

impl CallContext<'_> {
    /// The node holding `weight`'s value for this step.
    pub fn weight(&self, weight: &Variable) -> Result<Var> {
        self.bindings.get(weight.id).ok_or_else(|| {
            KerasError::Argument(format!("weight \"{}\" is not bound to this step's tape", weight.path))
        })
    }
}

/// A layer of a model.
pub trait Layer: fmt::Debug + Send + Sync + LayerClone {
    /// The layer's unique name (`dense_1`).
    fn name(&self) -> &str;

    /// Its kind, as Keras's class name (`Dense`).
    fn class_name(&self) -> &'static str;

    /// Its identity.
    fn id(&self) -> LayerId;

    /// An error if the layer was configured with something it cannot use
    /// (an unknown activation or initializer name): checked when the layer
    /// enters a model or is called on a tensor.
    fn check(&self) -> Result<()> {
        Ok(())
    }

    /// The shapes of one output sample of each output, for these input
    /// shapes, or an error naming the layer and the shapes it cannot take.
    fn output_shapes(&self, inputs: &[Shape]) -> Result<Vec<Shape>>;

    /// Creates the weights for these input shapes (checked as
    /// [`Layer::output_shapes`] checks them); returns the output shapes.
    /// A layer that is already built keeps its weights if the shapes fit.
    fn build(&mut self, inputs: &[Shape], _ctx: &mut BuildContext<'_>) -> Result<Vec<Shape>> {
        self.output_shapes(inputs)
    }

    /// Whether the weights exist (always, for a layer without weights).
    fn is_built(&self) -> bool {
        true
    }

    /// Records the forward pass on the tape, one node per output pushed
    /// onto `outputs`. Each input node holds one sample per row, flattened
    /// row-major.
    fn call(&self, ctx: &mut CallContext<'_>, inputs: &[Var], outputs: &mut Vec<Var>) -> Result<()>;

    /// Visits the weights, in Keras's order (kernel, then bias).
    fn visit_weights<'a>(&'a self, _f: &mut dyn FnMut(&'a Variable)) {}

    /// Visits the weights to change them.
    fn visit_weights_mut(&mut self, _f: &mut dyn FnMut(&mut Variable)) {}

    /// Keras's configuration of the layer (`layer.get_config()`).
    fn config(&self) -> serde_json::Value;

    /// Learns the layer's statistics from data (`Normalization::adapt`).
    fn adapt(&mut self, _x: &Tensor) -> Result<()> {
        Err(KerasError::Argument(format!(
            "layer \"{}\" ({}) has nothing to adapt; only Normalization layers do",
            self.name(),
            self.class_name()
        )))
    }

    /// The shape of one sample, if this layer is a model's input.
    fn declared_input(&self) -> Option<&[usize]> {
        None
    }

    /// The weights, in Keras's order.
    fn weights(&self) -> Vec<&Variable> {
        let mut out = Vec::new();
        self.visit_weights(&mut |w| out.push(w));
        out
    }
}

/// Cloning layers behind `Box<dyn Layer>`.
pub trait LayerClone {
    /// A copy of the layer, with the same identity and weights.
    fn clone_box(&self) -> Box<dyn Layer>;
}

impl<L: Layer + Clone + 'static> LayerClone for L {
    fn clone_box(&self) -> Box<dyn Layer> {
        Box::new(self.clone())
    }
}

impl Clone for Box<dyn Layer> {
    fn clone(&self) -> Box<dyn Layer> {
        self.clone_box()
    }
}

/// Calling a layer on symbolic tensors (the Functional API): `hidden1(x)`
/// in Keras is `hidden1.apply(&x)?` here.
pub trait LayerCall {
    /// Calls the layer on one tensor; its one output.
    fn apply(&self, input: &KerasTensor) -> Result<KerasTensor>;
    /// Calls the layer on several tensors (`Concatenate`); its one output.
    fn apply_many(&self, inputs: &[&KerasTensor]) -> Result<KerasTensor>;
    /// Calls the layer on several tensors; every output (a model used as
    /// a layer may have several).
    fn apply_all(&self, inputs: &[&KerasTensor]) -> Result<Vec<KerasTensor>>;
}

impl<L: Layer + Clone + 'static> LayerCall for L {
    fn apply(&self, input: &KerasTensor) -> Result<KerasTensor> {
        self.apply_many(&[input])
    }

    fn apply_many(&self, inputs: &[&KerasTensor]) -> Result<KerasTensor> {
        let mut outputs = self.apply_all(inputs)?;
        if outputs.len() != 1 {
            return Err(KerasError::Argument(format!(
                "layer \"{}\" has {} outputs: use apply_all to get them all",
                self.name(),
                outputs.len()
            )));
        }
        Ok(outputs.remove(0))
    }

    fn apply_all(&self, inputs: &[&KerasTensor]) -> Result<Vec<KerasTensor>> {
        keras_tensor::call_symbolic(self.clone_box(), inputs)
    }
}

/// Implements `From<L> for Box<dyn Layer>`, so that lists of layers read
/// as in Keras.
macro_rules! boxed {
    ($($layer:ty),*) => {
        $(impl From<$layer> for Box<dyn Layer> {
            fn from(layer: $layer) -> Box<dyn Layer> {
                Box::new(layer)
            }
        })*
    };
}

boxed!(InputLayer, Flatten, Dense, Normalization, Concatenate);

/// The error of a layer that takes one input but got several.
pub(crate) fn single_input<'a>(layer: &str, class: &str, inputs: &'a [Shape]) -> Result<&'a Shape> {
    match inputs {
        [one] => Ok(one),
        _ => Err(KerasError::Shape {
            layer: layer.to_string(),
            detail: format!("{class} takes one input, got {}", inputs.len()),
        }),
    }
}
