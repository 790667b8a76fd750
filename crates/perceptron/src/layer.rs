//! A perceptron: one layer of threshold logic units, each connected to
//! every input (a fully connected, or dense, layer; Figure 10-5).
//!
//! The inputs form the input layer, the TLUs the output layer. For a batch
//! `X` (one row per instance, one column per feature) the outputs are
//! Equation 10-2,
//!
//! $$h_{\mathbf{W},\mathbf{b}}(\mathbf{X}) = \phi(\mathbf{X}\mathbf{W} + \mathbf{b})$$
//!
//! where `W` has one row per input and one column per unit, the bias vector
//! `b` one entry per unit (added to every row), and `φ` is the step
//! function. With several units the layer is a multilabel classifier: each
//! unit answers its own yes/no question about the same instance.
//!
//! ```
//! use nalgebra::{dmatrix, dvector};
//! use perceptron::{Layer, Step};
//! // Figure 10-5: two inputs, three TLUs.
//! let layer = Layer::new(
//!     dmatrix![1.0, 0.0, 1.0;
//!              0.0, 1.0, 1.0],
//!     dvector![-0.5, -0.5, -1.5],
//!     Step::Heaviside,
//! )?;
//! let x = dmatrix![0.0, 0.0;
//!                  1.0, 0.0;
//!                  1.0, 1.0];
//! // Unit 0 copies input 0, unit 1 copies input 1, unit 2 computes AND.
//! assert_eq!(layer.predict(&x)?, dmatrix![0.0, 0.0, 0.0;
//!                                         1.0, 0.0, 0.0;
//!                                         1.0, 1.0, 1.0]);
//! # Ok::<(), perceptron::PerceptronError>(())
//! ```

use mcculloch_pitts::{ShapeError, affine};
use nalgebra::{DMatrix, DVector};

use crate::{Result, Step, Tlu};

/// A layer of threshold logic units fully connected to its inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// `W`: one row per input, one column per unit. Column `j` holds the
    /// weights of unit `j`; nalgebra stores it contiguously.
    pub weights: DMatrix<f64>,
    /// `b`: one bias per unit.
    pub bias: DVector<f64>,
    /// The step function `φ` of every unit.
    pub step: Step,
}

impl Layer {
    /// A layer with these parameters.
    ///
    /// # Errors
    /// [`ShapeError`] if `bias` does not have one entry per column of
    /// `weights`.
    pub fn new(weights: DMatrix<f64>, bias: DVector<f64>, step: Step) -> Result<Self> {
        if bias.len() != weights.ncols() {
            return Err(ShapeError {
                operation: "perceptron layer",
                detail: format!(
                    "W is {}×{} but b has {} entries: one bias per unit (column of W)",
                    weights.nrows(),
                    weights.ncols(),
                    bias.len()
                ),
            }
            .into());
        }
        Ok(Layer { weights, bias, step })
    }

    /// A layer of `units` TLUs over `inputs` inputs, every weight and bias
    /// zero (where the learning rule starts).
    pub fn zeros(inputs: usize, units: usize, step: Step) -> Self {
        Layer { weights: DMatrix::zeros(inputs, units), bias: DVector::zeros(units), step }
    }

    /// The layer made of these units, side by side.
    ///
    /// # Errors
    /// [`ShapeError`] if the units do not all have the same number of
    /// inputs or do not share one step function.
    pub fn from_tlus(units: &[Tlu]) -> Result<Self> {
        let inputs = units.first().map_or(0, Tlu::inputs);
        let step = units.first().map_or_else(Step::default, |u| u.step);
        if let Some((j, unit)) =
            units.iter().enumerate().find(|(_, u)| u.inputs() != inputs || u.step != step)
        {
            return Err(ShapeError {
                operation: "perceptron layer",
                detail: format!(
                    "unit {j} has {} inputs and step {:?}, unit 0 has {inputs} and {step:?}",
                    unit.inputs(),
                    unit.step
                ),
            }
            .into());
        }
        let weights = DMatrix::from_fn(inputs, units.len(), |i, j| units[j].weights[i]);
        let bias = DVector::from_iterator(units.len(), units.iter().map(|u| u.bias));
        Ok(Layer { weights, bias, step })
    }

    /// Unit `j` as a stand-alone TLU, or `None` if there is no unit `j`.
    pub fn tlu(&self, j: usize) -> Option<Tlu> {
        (j < self.units())
            .then(|| Tlu::new(self.weights.column(j).iter().copied().collect(), self.bias[j], self.step))
    }

    /// The number of inputs (rows of `W`).
    pub fn inputs(&self) -> usize {
        self.weights.nrows()
    }

    /// The number of units (columns of `W`).
    pub fn units(&self) -> usize {
        self.weights.ncols()
    }

    // ANCHOR: batch
    /// The weighted sums `Z = XW + b` for a batch, one row per instance and
    /// one column per unit.
    ///
    /// # Errors
    /// [`ShapeError`] if `x` does not have one column per input.
    pub fn z(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>> {
        Ok(affine(x, &self.weights, &self.bias)?)
    }

    /// The outputs `φ(XW + b)` for a batch (Equation 10-2).
    ///
    /// # Errors
    /// As [`Layer::z`].
    pub fn predict(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>> {
        let mut z = self.z(x)?;
        self.step.apply_mut(&mut z);
        Ok(z)
    }
    // ANCHOR_END: batch
}
