//! `Input`: the shape of one sample, declared up front so that the model
//! can be built (and summarized) before it sees any data.

use autodiff::{Tape, Var};

use super::{BuildContext, CallOptions, Layer, Weight};
use crate::error::{KerasError, Result};
use crate::session::unique_name;
use crate::tensor::shape_string;

/// Declares the model's input: the shape of one sample (`[28, 28]` for a
/// Fashion-MNIST image), without the batch dimension.
#[derive(Clone, Debug)]
pub struct Input {
    name: String,
    shape: Vec<usize>,
}

impl Input {
    /// An input of samples of this shape.
    pub fn new(shape: &[usize]) -> Input {
        Input { name: unique_name("input_layer"), shape: shape.to_vec() }
    }
}

impl Layer for Input {
    fn name(&self) -> &str {
        &self.name
    }

    fn class_name(&self) -> &'static str {
        "InputLayer"
    }

    fn declared_input(&self) -> Option<&[usize]> {
        Some(&self.shape)
    }

    fn build(&mut self, input_shape: &[usize], _: &mut BuildContext<'_>) -> Result<Vec<usize>> {
        if input_shape != self.shape {
            return Err(KerasError::Shape {
                layer: self.name.clone(),
                detail: format!(
                    "expected input of shape {}, got {}",
                    shape_string(None, &self.shape),
                    shape_string(None, input_shape)
                ),
            });
        }
        Ok(self.shape.clone())
    }

    fn weights(&self) -> &[Weight] {
        &[]
    }

    fn call(&self, _: &mut Tape<f32>, x: Var, _: CallOptions) -> Result<Var> {
        Ok(x)
    }
}
