//! Exercise 8: backpropagation, by hand.
//!
//! The exercise, in our words: what is backpropagation, and how does it
//! work? How does it differ from reverse-mode automatic differentiation?
//!
//! Answer in writing first, then compare with the module documentation of
//! the reference solution (`src/solutions/ex08.rs`). Some questions to guide
//! you: which two steps does training repeat for every mini-batch? What
//! must the forward pass keep, and why? In which order does the chain rule
//! visit the layers, and why that order rather than the other? Which of the
//! two, backpropagation or reverse-mode autodiff, could you also use on a
//! function that has nothing to do with neural networks? Which of the two
//! changes the weights?
//!
//! Then write backpropagation yourself, for a network with one hidden layer:
//!
//! ```text
//! Z1 = X W1 + b1     A1 = φ(Z1)     (hidden layer, activation φ)
//! Z2 = A1 W2 + b2    A2 = σ(Z2)     (output layer, sigmoid)
//! J  = mean over the m·k entries of −[Y ln A2 + (1 − Y) ln(1 − A2)]
//! ```
//!
//! with `m` instances (rows of `X`), `k` outputs and 0/1 targets `Y`
//! (binary cross-entropy, as for spam/ham or multilabel classification).
//!
//! 1. [`TwoLayer::forward`]: the forward pass, keeping `Z1`, `A1`, `Z2` and
//!    `A2` for the backward pass;
//! 2. [`TwoLayer::gradients`]: the loss and its gradient with respect to
//!    `W1`, `b1`, `W2` and `b2`, by the chain rule, from the output layer
//!    down;
//! 3. [`TwoLayer::step`]: a gradient-descent step;
//! 4. [`TwoLayer::train_step`]: the two halves together, one training step
//!    of backpropagation.
//!
//! The checks record the same network on the `autodiff` crate's
//! [`Tape`](autodiff::Tape) (stage 4), which differentiates any computation
//! it records by reverse-mode autodiff, and compare its values and
//! gradients with yours; they also compare with stage 3's hand-derived
//! `mlp::Mlp::loss_and_gradients`, then train your network on XOR.
//!
//! Run the checks with `cargo test -p exercises --features learner ex08`.

pub use mlp::Activation;
use nalgebra::{DMatrix, DVector};

/// A network with one hidden layer and a sigmoid output layer.
///
/// The shapes follow Equation 10-2: `w1` is inputs × hidden, `b1` has one
/// entry per hidden neuron, `w2` is hidden × outputs, `b2` has one entry per
/// output neuron. The hidden activation is not stored: every method takes
/// it as a parameter.
#[derive(Clone, Debug, PartialEq)]
// ANCHOR: two_layer
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
// ANCHOR_END: two_layer

/// What the forward pass keeps for the backward pass: every layer's weighted
/// sums and outputs, one row per instance.
#[derive(Clone, Debug, PartialEq)]
// ANCHOR: forward_struct
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
// ANCHOR_END: forward_struct

/// The loss of a batch and its gradient with respect to every parameter,
/// each gradient shaped like its parameter.
#[derive(Clone, Debug, PartialEq)]
// ANCHOR: grads_struct
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
// ANCHOR_END: grads_struct

// ANCHOR: impl_open
impl TwoLayer {
    // ANCHOR_END: impl_open
    /// The forward pass: `Z1 = X W1 + b1`, `A1 = φ(Z1)`, `Z2 = A1 W2 + b2`,
    /// `A2 = σ(Z2)`, all four kept in a [`Forward`].
    ///
    /// `X W + b`, with `b` added to every row, is stage 1's
    /// [`mcculloch_pitts::affine()`], as in exercises 3 and 6 (it returns a
    /// `Result`, which you may `expect`). `hidden.value(z)` is `φ(z)`, and
    /// `mlp::activation::sigmoid` is a stable `σ`; `matrix.map(f)` applies
    /// a function to every entry.
    ///
    /// # Panics
    ///
    /// May panic if `x` does not have one column per row of `w1`, or if the
    /// parameters' shapes do not fit together.
    #[must_use]
    // ANCHOR: forward
    pub fn forward(&self, x: &DMatrix<f64>, hidden: Activation) -> Forward {
        todo!("exercise 8: Z1 = affine(X, W1, b1), A1 = φ(Z1), Z2 = affine(A1, W2, b2), A2 = σ(Z2)")
    }
    // ANCHOR_END: forward

    /// Backpropagation's first half: the forward pass, the loss `J`, and
    /// the backward pass written out by hand, returned as [`Grads`].
    ///
    /// Work from the output layer down, one matrix `Δ = ∂J/∂Z` per layer,
    /// shaped like that layer's `Z`:
    ///
    /// 1. `Δ2 = (A2 − Y) / (m·k)`: the derivative of the binary
    ///    cross-entropy through the sigmoid simplifies to the error (with one
    ///    output, `k = 1` and this is the mean over the batch);
    /// 2. `∂J/∂W2 = A1ᵀ Δ2` and `∂J/∂b2` = the sum of each column of `Δ2`
    ///    (every instance adds the same bias);
    /// 3. `Δ1 = (Δ2 W2ᵀ) ⊙ φ′(Z1)`: back through the weights, then through
    ///    the activation, entry by entry (`hidden.derivative(z)` is `φ′(z)`,
    ///    `a.component_mul(&b)` is `⊙`);
    /// 4. `∂J/∂W1 = Xᵀ Δ1` and `∂J/∂b1` = the sum of each column of `Δ1`.
    ///
    /// Check every shape against its parameter's as you go. Compute the loss
    /// from the logits, not from `A2`: for a 0/1 target `y`, the cross-entropy
    /// of one entry is `softplus(z) − z·y` (`mlp::activation::softplus`),
    /// which stays finite when `σ(z)` rounds to exactly 0 or 1 (try
    /// `z = 40`), where `ln(1 − σ(z))` would be `−∞`.
    ///
    /// # Panics
    ///
    /// May panic as [`forward`](Self::forward) does, or if `y` is not shaped
    /// like the outputs (one row per instance, one column per output).
    #[must_use]
    // ANCHOR: gradients
    pub fn gradients(&self, x: &DMatrix<f64>, y: &DMatrix<f64>, hidden: Activation) -> Grads {
        todo!("exercise 8: forward; Δ2 = (A2 − Y)/(m·k); ∂W2 = A1ᵀΔ2; Δ1 = (Δ2 W2ᵀ) ⊙ φ′(Z1); ∂W1 = XᵀΔ1")
    }
    // ANCHOR_END: gradients

    /// Backpropagation's second half: one gradient-descent step with
    /// learning rate `eta`, `θ ← θ − η ∂J/∂θ` for each of the four
    /// parameters `θ`. Ignore `grads.loss`.
    ///
    /// # Panics
    ///
    /// May panic if a gradient is not shaped like its parameter.
    // ANCHOR: step
    pub fn step(&mut self, grads: &Grads, eta: f64) {
        todo!("exercise 8: W1 -= η ∂W1, b1 -= η ∂b1, W2 -= η ∂W2, b2 -= η ∂b2")
    }
    // ANCHOR_END: step

    /// One training step of backpropagation on the batch `(x, y)`: the
    /// [`gradients`](Self::gradients), then a [`step`](Self::step) with
    /// learning rate `eta`. Returns the loss before the step.
    ///
    /// # Panics
    ///
    /// May panic as [`gradients`](Self::gradients) does.
    // ANCHOR: train_step
    pub fn train_step(&mut self, x: &DMatrix<f64>, y: &DMatrix<f64>, hidden: Activation, eta: f64) -> f64 {
        todo!("exercise 8: grads = self.gradients(x, y, hidden); self.step(&grads, eta); return grads.loss")
    }
    // ANCHOR_END: train_step
    // ANCHOR: impl_close
}
// ANCHOR_END: impl_close
