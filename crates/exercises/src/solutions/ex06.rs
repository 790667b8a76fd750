//! Exercise 6, reference solution: the shapes of an MLP, and its equation.
//!
//! The exercise, in our words: an MLP has an input layer of 10 passthrough
//! neurons, one hidden layer of 50 neurons and an output layer of 3 neurons,
//! all with the ReLU activation. What are the shapes of the input matrix
//! `X`, of the hidden layer's weights `W_h` and biases `b_h`, of the output
//! layer's weights `W_o` and biases `b_o`, and of the output matrix `Y`?
//! What equation computes `Y` from `X`?
//!
//! # The answer
//!
//! Everything follows from Equation 10-2, `h(X) = φ(XW + b)`: one row of `X`
//! per instance and one column per feature; one row of `W` per input of the
//! layer and one column per neuron; one bias per neuron, added to every row.
//! With a batch of `m` instances:
//!
//! | matrix | shape | why |
//! |---|---|---|
//! | `X` | `m × 10` | one row per instance, one column per input |
//! | `W_h` | `10 × 50` | one row per input, one column per hidden neuron |
//! | `b_h` | `50` | one bias per hidden neuron |
//! | `W_o` | `50 × 3` | the hidden layer's 50 outputs are the output layer's inputs |
//! | `b_o` | `3` | one bias per output neuron |
//! | `Y` | `m × 3` | one row per instance, one column per output neuron |
//!
//! and the equation is
//!
//! ```text
//! Y = ReLU( ReLU(X W_h + b_h) W_o + b_o )
//! ```
//!
//! with ReLU applied to every entry and each bias vector added to every row.
//! The passthrough input layer computes nothing: it only hands `X` on. The
//! network has `10·50 + 50 + 50·3 + 3 = 703` parameters.

use mcculloch_pitts::affine;
use mlp::Activation;
use nalgebra::{DMatrix, DVector};

/// The shapes of the matrices and vectors of a two-layer MLP: `(rows,
/// columns)` for a matrix, the length for a vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shapes {
    /// The input batch `X`.
    pub x: (usize, usize),
    /// The hidden layer's weights `W_h`.
    pub w_h: (usize, usize),
    /// The hidden layer's biases `b_h`.
    pub b_h: usize,
    /// The output layer's weights `W_o`.
    pub w_o: (usize, usize),
    /// The output layer's biases `b_o`.
    pub b_o: usize,
    /// The network's outputs `Y`.
    pub y: (usize, usize),
}

/// The shapes for a batch of `batch` instances flowing through an MLP with
/// `inputs` passthrough inputs, a hidden layer of `hidden` neurons and an
/// output layer of `outputs` neurons. The exercise's network is
/// `shapes(m, 10, 50, 3)`.
#[must_use]
// ANCHOR: solution_shapes
pub fn shapes(batch: usize, inputs: usize, hidden: usize, outputs: usize) -> Shapes {
    Shapes {
        x: (batch, inputs),
        w_h: (inputs, hidden),
        b_h: hidden,
        w_o: (hidden, outputs),
        b_o: outputs,
        y: (batch, outputs),
    }
}
// ANCHOR_END: solution_shapes

/// The network's outputs `Y = ReLU(ReLU(X W_h + b_h) W_o + b_o)`.
///
/// Each layer is Equation 10-2: the affine kernel of stage 1 computes
/// `XW + b` (adding `b` to every row), then ReLU is applied in place.
///
/// # Panics
///
/// If the shapes do not fit together (see [`shapes`]).
#[must_use]
// ANCHOR: solution_forward
pub fn forward(
    x: &DMatrix<f64>,
    w_h: &DMatrix<f64>,
    b_h: &DVector<f64>,
    w_o: &DMatrix<f64>,
    b_o: &DVector<f64>,
) -> DMatrix<f64> {
    let mut h = affine(x, w_h, b_h).expect("X needs one column per row of W_h, b_h one entry per column");
    Activation::Relu.forward_mut(&mut h);
    let mut y = affine(&h, w_o, b_o).expect("W_o needs one row per column of W_h, b_o one entry per column");
    Activation::Relu.forward_mut(&mut y);
    y
}
// ANCHOR_END: solution_forward
