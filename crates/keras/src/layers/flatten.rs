//! `Flatten`: each sample becomes one row of values (28 × 28 → 784), in
//! row-major order, so that a `Dense` layer can take it.
//!
//! Samples are stored row-major and one per row on the tape already, so
//! flattening changes the shape the next layer sees, not the data: the
//! layer records nothing.

use autodiff::{Tape, Var};

use super::{BuildContext, CallOptions, Layer, Weight};
use crate::error::Result;
use crate::session::unique_name;

/// Reshapes each sample into a vector.
#[derive(Clone, Debug)]
pub struct Flatten {
    name: String,
}

impl Flatten {
    /// A flatten layer with a fresh name (`flatten`, `flatten_1`, …).
    pub fn new() -> Flatten {
        Flatten { name: unique_name("flatten") }
    }

    /// The same layer under another name.
    pub fn named(mut self, name: &str) -> Flatten {
        self.name = name.to_string();
        self
    }
}

impl Default for Flatten {
    fn default() -> Flatten {
        Flatten::new()
    }
}

impl Layer for Flatten {
    fn name(&self) -> &str {
        &self.name
    }

    fn class_name(&self) -> &'static str {
        "Flatten"
    }

    fn build(&mut self, input_shape: &[usize], _: &mut BuildContext<'_>) -> Result<Vec<usize>> {
        Ok(vec![input_shape.iter().product()])
    }

    fn weights(&self) -> &[Weight] {
        &[]
    }

    fn call(&self, _: &mut Tape<f32>, x: Var, _: CallOptions) -> Result<Var> {
        Ok(x)
    }
}
