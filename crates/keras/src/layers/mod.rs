//! Layers: what a model is made of.
//!
//! A layer knows its name, checks the shape of what it receives when the
//! model is built, creates its weights then (so a `Dense` layer learns its
//! number of inputs from the layer before it), and records its forward
//! pass on the model's autodiff tape, which gives the backward pass for
//! free. Weights are named tensors (`dense/kernel`) living on the tape, so
//! training updates them in place.
//!
//! - [`Input`]: declares the shape of one sample;
//! - [`Flatten`]: one row per sample (28 × 28 → 784);
//! - [`Dense`]: `activation(X W + b)` (Equation 10-2);
//! - [`Normalization`]: `(x − mean) / std`, with `adapt` to learn them.

mod dense;
mod flatten;
mod input;
mod normalization;

use std::fmt;

use autodiff::{Tape, Var};
use mlp::Activation;
use nalgebra::DMatrix;
use rand_chacha::ChaCha8Rng;

pub use dense::Dense;
pub use flatten::Flatten;
pub use input::Input;
pub use normalization::Normalization;

use crate::error::{KerasError, Result};
use crate::initializers::Initializer;
use crate::tensor::Tensor;

/// A weight of a layer: a named tensor on the model's tape.
#[derive(Clone, Debug, PartialEq)]
pub struct Weight {
    /// `layer/name`, as Keras's `weight.path` (`dense/kernel`).
    pub path: String,
    /// Where the value lives on the tape.
    pub var: Var,
    /// Whether training updates it (a normalization's mean does not).
    pub trainable: bool,
}

/// What a layer needs while it is built: the tape on which it creates its
/// weights and the model's random generator for their initial values.
pub struct BuildContext<'a> {
    pub(crate) tape: &'a mut Tape<f32>,
    pub(crate) rng: &'a mut ChaCha8Rng,
}

impl BuildContext<'_> {
    /// Creates a weight of `layer` with this initial value.
    pub fn add_weight(
        &mut self,
        layer: &str,
        name: &str,
        value: DMatrix<f32>,
        trainable: bool,
    ) -> Result<Weight> {
        let var = self.tape.parameter(value)?;
        let path = format!("{layer}/{name}");
        self.tape.set_name(var, path.clone());
        Ok(Weight { path, var, trainable })
    }

    /// A `rows × cols` matrix drawn from `init`.
    pub fn initial(&mut self, init: Initializer, rows: usize, cols: usize) -> DMatrix<f32> {
        init.matrix(rows, cols, self.rng)
    }
}

/// How a layer is called.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Training (dropout and the like act only then) or inference.
    pub training: bool,
    /// Leave out the layer's activation: the model fuses the output
    /// layer's activation with the loss (softmax with cross-entropy).
    pub skip_activation: bool,
}

/// A layer of a model.
pub trait Layer: fmt::Debug + Send + Sync {
    /// The layer's unique name (`dense_1`).
    fn name(&self) -> &str;

    /// Its kind, as Keras's class name (`Dense`).
    fn class_name(&self) -> &'static str;

    /// The shape of one sample, if this layer declares the model's input
    /// (an [`Input`]).
    fn declared_input(&self) -> Option<&[usize]> {
        None
    }

    /// Checks the shape of one input sample, creates the weights, and
    /// returns the shape of one output sample.
    fn build(&mut self, input_shape: &[usize], ctx: &mut BuildContext<'_>) -> Result<Vec<usize>>;

    /// The weights created by [`Layer::build`], in Keras's order.
    fn weights(&self) -> &[Weight];

    /// Records the layer's forward pass on `tape` for the batch `x` (one
    /// row per sample, each sample flattened row-major).
    fn call(&self, tape: &mut Tape<f32>, x: Var, options: CallOptions) -> Result<Var>;

    /// The activation that ends the layer, if any.
    fn activation(&self) -> Option<Activation> {
        None
    }

    /// Learns the layer's statistics from data (`Normalization::adapt`);
    /// returns the new values of its weights, in order.
    fn adapt(&mut self, _x: &Tensor) -> Result<Vec<DMatrix<f32>>> {
        Err(KerasError::Argument(format!(
            "layer \"{}\" ({}) has nothing to adapt; only Normalization layers do",
            self.name(),
            self.class_name()
        )))
    }
}

/// Either a value or its Keras name, resolved when the layer is built.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg<T> {
    /// The value itself.
    Value(T),
    /// Its name (`"relu"`, `"he_normal"`).
    Name(String),
}

impl<T> From<&str> for Arg<T> {
    fn from(name: &str) -> Arg<T> {
        Arg::Name(name.to_string())
    }
}

impl From<Activation> for Arg<Activation> {
    fn from(a: Activation) -> Arg<Activation> {
        Arg::Value(a)
    }
}

impl From<Initializer> for Arg<Initializer> {
    fn from(i: Initializer) -> Arg<Initializer> {
        Arg::Value(i)
    }
}

/// The activation of this name (Keras's names; `linear` is the identity).
pub fn activation_from_name(name: &str) -> Result<Activation> {
    Activation::from_name(name).ok_or_else(|| KerasError::UnknownName {
        kind: "activation",
        name: name.to_string(),
        known: "relu, sigmoid, tanh, softmax, softplus, linear, heaviside".to_string(),
    })
}

impl Arg<Activation> {
    fn resolve(&self) -> Result<Activation> {
        match self {
            Arg::Value(a) => Ok(*a),
            Arg::Name(n) => activation_from_name(n),
        }
    }
}

impl Arg<Initializer> {
    fn resolve(&self) -> Result<Initializer> {
        match self {
            Arg::Value(i) => Ok(*i),
            Arg::Name(n) => n.parse(),
        }
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

boxed!(Input, Flatten, Dense, Normalization);
