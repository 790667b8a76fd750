//! A dense (fully connected) layer: `a = φ(XW + b)` (Equation 10-2), with
//! `W` of shape inputs × units and one bias per unit.

use nalgebra::{DMatrix, DVector};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::activation::Activation;
use crate::init::Init;

/// One layer's parameters and activation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dense {
    /// Connection weights, one row per input and one column per unit.
    pub w: DMatrix<f64>,
    /// One bias per unit.
    pub b: DVector<f64>,
    /// The activation function φ.
    pub activation: Activation,
}

impl Dense {
    /// A layer with weights drawn from `kernel` and biases from `bias`
    /// (a 1 × units draw).
    pub fn new(
        inputs: usize,
        units: usize,
        activation: Activation,
        kernel: Init,
        bias: Init,
        rng: &mut impl Rng,
    ) -> Dense {
        let w = kernel.matrix(inputs, units, rng);
        let b = DVector::from_iterator(units, bias.matrix(1, units, rng).iter().copied());
        Dense { w, b, activation }
    }

    /// Number of inputs.
    pub fn inputs(&self) -> usize {
        self.w.nrows()
    }

    /// Number of units.
    pub fn units(&self) -> usize {
        self.w.ncols()
    }

    /// Number of parameters: weights and biases.
    pub fn parameters(&self) -> usize {
        self.w.len() + self.b.len()
    }
}
