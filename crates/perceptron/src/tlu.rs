//! The threshold logic unit (TLU, Figure 10-4), the artificial neuron of
//! the perceptron.
//!
//! Unlike a McCulloch–Pitts unit, its inputs and output are numbers and
//! each connection has a weight. It computes the weighted sum of its inputs
//! plus a bias, `z = w₁x₁ + … + wₙxₙ + b = wᵀx + b`, and passes it through a
//! step function (Equation 10-1): `h(x) = step(z)`. One TLU is a linear
//! binary classifier: it fires on one side of the hyperplane `wᵀx + b = 0`.
//!
//! ```
//! use nalgebra::dmatrix;
//! use perceptron::{Step, Tlu};
//! // Fires when petal length + petal width exceeds 3 cm.
//! let tlu = Tlu::new(vec![1.0, 1.0], -3.0, Step::Heaviside);
//! assert_eq!(tlu.z(&[2.0, 0.5])?, -0.5);
//! assert_eq!(tlu.output(&[2.0, 0.5])?, 0.0);
//! let flowers = dmatrix![2.0, 0.5;
//!                        4.5, 1.5];
//! assert_eq!(tlu.predict(&flowers)?.as_slice(), &[0.0, 1.0]);
//! # Ok::<(), perceptron::PerceptronError>(())
//! ```

use mcculloch_pitts::{ShapeError, affine, heaviside, heaviside_mut, sign, sign_mut};
use nalgebra::{DMatrix, DVector};
use serde::Serialize;

use crate::Result;

/// The step function a threshold logic unit applies to its weighted sum
/// (Equation 10-1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Step {
    /// 0 when `z < 0`, else 1: the most common choice.
    #[default]
    Heaviside,
    /// −1, 0 or +1, the sign of `z`.
    Sign,
}

impl Step {
    /// The step of one weighted sum.
    pub fn apply(self, z: f64) -> f64 {
        match self {
            Step::Heaviside => heaviside(z),
            Step::Sign => sign(z),
        }
    }

    /// The step of every entry of `z`, in place.
    pub fn apply_mut(self, z: &mut DMatrix<f64>) {
        match self {
            Step::Heaviside => heaviside_mut(z),
            Step::Sign => sign_mut(z),
        }
    }
}

/// A threshold logic unit: one weight per input, a bias, a step function.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tlu {
    /// The connection weights `w`, one per input.
    pub weights: Vec<f64>,
    /// The bias `b` (minus the unit's threshold).
    pub bias: f64,
    /// The step function applied to `z`.
    pub step: Step,
}

impl Tlu {
    /// A unit with these weights, bias and step function.
    pub fn new(weights: Vec<f64>, bias: f64, step: Step) -> Self {
        Tlu { weights, bias, step }
    }

    /// The number of inputs.
    pub fn inputs(&self) -> usize {
        self.weights.len()
    }

    /// The weighted sum `z = wᵀx + b` of one instance.
    ///
    /// # Errors
    /// [`ShapeError`] if `x` does not have one value per weight.
    pub fn z(&self, x: &[f64]) -> Result<f64> {
        if x.len() != self.weights.len() {
            return Err(ShapeError {
                operation: "TLU wᵀx + b",
                detail: format!("the instance has {} inputs but the unit {} weights", x.len(), self.inputs()),
            }
            .into());
        }
        Ok(dot(&self.weights, x) + self.bias)
    }

    /// The output `step(wᵀx + b)` for one instance.
    ///
    /// # Errors
    /// As [`Tlu::z`].
    pub fn output(&self, x: &[f64]) -> Result<f64> {
        Ok(self.step.apply(self.z(x)?))
    }

    /// The outputs for a batch, one instance per row of `x`: the affine
    /// kernel `XW + b` with `W` the single column of weights, then the step.
    ///
    /// # Errors
    /// [`ShapeError`] if `x` does not have one column per weight.
    pub fn predict(&self, x: &DMatrix<f64>) -> Result<DVector<f64>> {
        let w = DMatrix::from_column_slice(self.inputs(), 1, &self.weights);
        let mut z = affine(x, &w, &DVector::from_element(1, self.bias))?;
        self.step.apply_mut(&mut z);
        Ok(z.column(0).into_owned())
    }
}

/// `wᵀx` for two slices of the same length: the weighted sum of one
/// instance, used where a whole batch would be wasted work (training).
pub(crate) fn dot(w: &[f64], x: &[f64]) -> f64 {
    w.iter().zip(x).map(|(w, x)| w * x).sum()
}
