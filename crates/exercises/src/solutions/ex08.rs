//! Exercise 8, reference solution: backpropagation, by hand, and how it
//! relates to reverse-mode autodiff.
//!
//! The exercise, in our words: what is backpropagation, and how does it
//! work? How does it differ from reverse-mode automatic differentiation?
//!
//! # The answer
//!
//! **What it is.** Backpropagation is the algorithm that trains a neural
//! network by gradient descent. It is made of two halves: reverse-mode
//! automatic differentiation, applied to the network's loss to get the
//! gradient of the loss with respect to every weight and every bias, and a
//! gradient-descent step that moves each of those parameters a little
//! against its gradient.
//!
//! **How it works.** Training handles one mini-batch at a time and goes
//! through the training set many times (each pass is an epoch). For every
//! batch:
//!
//! 1. the *forward pass* sends the batch through the network, layer after
//!    layer, and keeps every intermediate result: each layer's weighted sums
//!    `Z` and outputs `A`;
//! 2. a *loss function* measures how wrong the outputs are;
//! 3. the *backward pass* applies the chain rule from the loss down to the
//!    first hidden layer. It computes, for each layer, the matrix
//!    `Δ = ∂J/∂Z`: how much the loss would change if one weighted sum of one
//!    instance changed. The output layer's `Δ` comes straight from the loss;
//!    each lower layer's comes from the one above it, through the weights
//!    that connect them and the derivative of the activation. Each layer's
//!    gradients then take one line: `∂J/∂W = A_belowᵀ Δ`, and `∂J/∂b` is
//!    the sum of `Δ` over the instances;
//! 4. the *gradient-descent step* subtracts `η` times each gradient from the
//!    parameter it belongs to.
//!
//! For this exercise's network (a hidden layer with activation `φ`, then a
//! sigmoid output layer with binary cross-entropy, a batch of `m` instances
//! and `k` outputs), the backward pass is:
//!
//! ```text
//! Δ2 = (σ(Z2) − Y) / (m·k)      ∂J/∂W2 = A1ᵀ Δ2    ∂J/∂b2 = column sums of Δ2
//! Δ1 = (Δ2 W2ᵀ) ⊙ φ′(Z1)        ∂J/∂W1 = Xᵀ Δ1     ∂J/∂b1 = column sums of Δ1
//! ```
//!
//! Each intermediate result is computed once and reused by everything below
//! it, which is why the whole gradient costs about as much as a couple of
//! forward passes, whatever the number of parameters.
//!
//! **How it differs from reverse-mode autodiff.** Reverse-mode autodiff is
//! a general technique for computing derivatives: it records any
//! computation that ends in one number as a graph of elementary operations
//! (the `autodiff` crate's [`Tape`](autodiff::Tape) is such a record), then
//! walks that graph backwards, applying to each operation its own small
//! chain-rule step, to get the derivative of the result with respect to every
//! input. It knows nothing about networks, losses, learning rates or
//! training, and it stops once it has the gradients. Backpropagation is one
//! use of it: the recorded computation is a network's loss, the inputs we
//! want derivatives for are the parameters, and the gradients are
//! immediately spent on a gradient-descent step. So the difference is one of
//! scope: autodiff computes gradients of anything; backpropagation is the
//! training algorithm that computes the gradients of a loss with it and then
//! updates the weights. Reverse mode, rather than forward mode, is the right
//! choice for that job because a loss has a single output and a great many
//! inputs: one backward pass gives every partial derivative at once, while
//! forward mode would need one pass per parameter.
//!
//! The deltas above are reverse-mode autodiff carried out by hand for one
//! fixed architecture, as stage 3 does for any stack of dense layers. A
//! tape derives the same numbers mechanically from the operations it
//! records, for any architecture. The checks of this exercise record your
//! network on a tape and find the same gradients, to about nine digits.

use mcculloch_pitts::affine;
pub use mlp::Activation;
use mlp::activation::{sigmoid, softplus};
use nalgebra::{DMatrix, DVector};

/// A network with one hidden layer and a sigmoid output layer.
///
/// The shapes follow Equation 10-2: `w1` is inputs × hidden, `b1` has one
/// entry per hidden neuron, `w2` is hidden × outputs, `b2` has one entry per
/// output neuron. The hidden activation is not stored: every method takes
/// it as a parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoLayer {
    /// The hidden layer's weights, one row per input and one column per
    /// hidden neuron.
    pub w1: DMatrix<f64>,
    /// The hidden layer's biases.
    pub b1: DVector<f64>,
    /// The output layer's weights, one row per hidden neuron and one column
    /// per output.
    pub w2: DMatrix<f64>,
    /// The output layer's biases.
    pub b2: DVector<f64>,
}

/// What the forward pass keeps for the backward pass: every layer's weighted
/// sums and outputs, one row per instance.
#[derive(Clone, Debug, PartialEq)]
pub struct Forward {
    /// The hidden layer's weighted sums `Z1 = X W1 + b1`.
    pub z1: DMatrix<f64>,
    /// The hidden layer's outputs `A1 = φ(Z1)`.
    pub a1: DMatrix<f64>,
    /// The output layer's weighted sums `Z2 = A1 W2 + b2` (the logits).
    pub z2: DMatrix<f64>,
    /// The network's outputs `A2 = σ(Z2)`, estimated probabilities.
    pub a2: DMatrix<f64>,
}

/// The loss of a batch and its gradient with respect to every parameter,
/// each gradient shaped like its parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Grads {
    /// `∂J/∂W1`.
    pub w1: DMatrix<f64>,
    /// `∂J/∂b1`.
    pub b1: DVector<f64>,
    /// `∂J/∂W2`.
    pub w2: DMatrix<f64>,
    /// `∂J/∂b2`.
    pub b2: DVector<f64>,
    /// The loss `J` itself, binary cross-entropy averaged over every
    /// instance and output.
    pub loss: f64,
}

/// One entry per column: the sum of that column over the rows (instances).
fn column_sums(m: &DMatrix<f64>) -> DVector<f64> {
    DVector::from_iterator(m.ncols(), m.column_iter().map(|c| c.sum()))
}

// ANCHOR: impl_open
impl TwoLayer {
    // ANCHOR_END: impl_open
    /// The forward pass: `Z1 = X W1 + b1`, `A1 = φ(Z1)`, `Z2 = A1 W2 + b2`,
    /// `A2 = σ(Z2)`, all kept.
    ///
    /// # Panics
    ///
    /// If `x` does not have one column per row of `w1`, or if the
    /// parameters' shapes do not fit together.
    #[must_use]
    // ANCHOR: solution_forward
    pub fn forward(&self, x: &DMatrix<f64>, hidden: Activation) -> Forward {
        let z1 =
            affine(x, &self.w1, &self.b1).expect("X needs one column per row of W1, b1 one entry per column");
        let a1 = z1.map(|z| hidden.value(z));
        let z2 = affine(&a1, &self.w2, &self.b2)
            .expect("W2 needs one row per column of W1, b2 one entry per column");
        let a2 = z2.map(sigmoid);
        Forward { z1, a1, z2, a2 }
    }
    // ANCHOR_END: solution_forward

    /// Backpropagation's first half: the forward pass, the loss, and the
    /// backward pass written out by hand.
    ///
    /// The loss is computed from the logits, as `softplus(z) − z·y` per
    /// entry, which equals `−[y ln σ(z) + (1 − y) ln(1 − σ(z))]` for a 0/1
    /// target and stays finite however large `z` is.
    ///
    /// # Panics
    ///
    /// As [`forward`](Self::forward), and if `y` is not shaped like the
    /// outputs (one row per instance, one column per output).
    #[must_use]
    // ANCHOR: solution_gradients
    pub fn gradients(&self, x: &DMatrix<f64>, y: &DMatrix<f64>, hidden: Activation) -> Grads {
        let f = self.forward(x, hidden);
        assert_eq!(y.shape(), f.a2.shape(), "Y needs one row per instance and one column per output");
        let count = (y.nrows() * y.ncols()) as f64;
        let loss = f.z2.zip_map(y, |z, t| softplus(z) - z * t).sum() / count;

        // The output layer: sigmoid and cross-entropy together give σ(Z2) − Y.
        let delta2 = (&f.a2 - y) / count;
        let w2 = f.a1.transpose() * &delta2;
        let b2 = column_sums(&delta2);

        // One layer down: back through W2, then through φ.
        let delta1 = (&delta2 * self.w2.transpose()).component_mul(&f.z1.map(|z| hidden.derivative(z)));
        let w1 = x.transpose() * &delta1;
        let b1 = column_sums(&delta1);

        Grads { w1, b1, w2, b2, loss }
    }
    // ANCHOR_END: solution_gradients

    /// Backpropagation's second half: one gradient-descent step,
    /// `θ ← θ − η ∂J/∂θ` for every parameter `θ`. `grads.loss` is not used.
    ///
    /// # Panics
    ///
    /// If a gradient is not shaped like its parameter.
    // ANCHOR: solution_step
    pub fn step(&mut self, grads: &Grads, eta: f64) {
        self.w1 -= &grads.w1 * eta;
        self.b1 -= &grads.b1 * eta;
        self.w2 -= &grads.w2 * eta;
        self.b2 -= &grads.b2 * eta;
    }
    // ANCHOR_END: solution_step

    /// One training step of backpropagation on the batch `(x, y)`: the
    /// gradients, then a step of learning rate `eta`. Returns the loss
    /// before the step.
    ///
    /// # Panics
    ///
    /// As [`gradients`](Self::gradients).
    // ANCHOR: solution_train_step
    pub fn train_step(&mut self, x: &DMatrix<f64>, y: &DMatrix<f64>, hidden: Activation, eta: f64) -> f64 {
        let grads = self.gradients(x, y, hidden);
        self.step(&grads, eta);
        grads.loss
    }
    // ANCHOR_END: solution_train_step
    // ANCHOR: impl_close
}
// ANCHOR_END: impl_close
