//! Exercise 6: the shapes of an MLP, and its equation.
//!
//! The exercise, in our words: an MLP has an input layer of 10 passthrough
//! neurons, one hidden layer of 50 neurons and an output layer of 3 neurons,
//! all with the ReLU activation. What are the shapes of the input matrix
//! `X`, of the hidden layer's weights `W_h` and biases `b_h`, of the output
//! layer's weights `W_o` and biases `b_o`, and of the output matrix `Y`?
//! What equation computes `Y` from `X`?
//!
//! Answer for any sizes, not just 10, 50 and 3: [`shapes`] gives the shapes,
//! [`forward`] computes `Y` with your equation. Everything follows from
//! Equation 10-2, `h(X) = φ(XW + b)`, and its conventions: one row of `X` per
//! instance and one column per feature; one row of `W` per input of the
//! layer and one column per neuron; one bias per neuron, added to every row.
//! A passthrough input layer computes nothing.
//!
//! The checks ask for the exercise's network and for random sizes, and
//! compare your `forward` with the `mlp` crate's `Mlp::predict` (stage 3) on
//! random weights and batches.
//!
//! Run the checks with `cargo test -p exercises --features learner ex06`.

use nalgebra::{DMatrix, DVector};

/// The shapes of the matrices and vectors of a two-layer MLP: `(rows,
/// columns)` for a matrix, the length for a vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
// ANCHOR: shapes_struct
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
// ANCHOR_END: shapes_struct

/// The shapes for a batch of `batch` instances flowing through an MLP with
/// `inputs` passthrough inputs, a hidden layer of `hidden` neurons and an
/// output layer of `outputs` neurons. The exercise's network is
/// `shapes(m, 10, 50, 3)`.
///
/// What does the output layer receive as its inputs?
#[must_use]
// ANCHOR: shapes
pub fn shapes(batch: usize, inputs: usize, hidden: usize, outputs: usize) -> Shapes {
    todo!("exercise 6: X is batch x inputs; W has one row per input of its layer, one column per neuron")
}
// ANCHOR_END: shapes

/// The network's outputs `Y`, one row per row of `x` and one column per
/// output neuron, for the weights `w_h`, `w_o` and biases `b_h`, `b_o`, with
/// ReLU in both layers.
///
/// Write the equation first, then compute it. The affine kernel of stage 1,
/// [`mcculloch_pitts::affine()`], computes `XW + b`; it returns a `Result`,
/// which you may `expect`, since this function may panic on shapes that do
/// not fit. ReLU is `max(0, v)` on every entry (`matrix.apply(…)`, or
/// `mlp::Activation::Relu.forward_mut(&mut matrix)`).
///
/// # Panics
///
/// May panic if the shapes do not fit together (see [`shapes`]).
#[must_use]
// ANCHOR: forward
pub fn forward(
    x: &DMatrix<f64>,
    w_h: &DMatrix<f64>,
    b_h: &DVector<f64>,
    w_o: &DMatrix<f64>,
    b_o: &DVector<f64>,
) -> DMatrix<f64> {
    todo!("exercise 6: H = ReLU(X W_h + b_h), then Y = ReLU(H W_o + b_o)")
}
// ANCHOR_END: forward
