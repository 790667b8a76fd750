//! Exercise 4: why the sigmoid was the key to training the first MLPs.
//!
//! The exercise, in our words: when Rumelhart, Hinton and Williams made
//! backpropagation work on multilayer perceptrons, they replaced the step
//! function of the threshold logic units by the logistic (sigmoid) function.
//! Why was that change essential?
//!
//! Answer in writing first, then compare with the module documentation of
//! the reference solution (`src/solutions/ex04.rs`). A hint: backpropagation
//! is gradient descent, and by the chain rule the gradient of the loss with
//! respect to a weight goes *through* the activation of the neuron that the
//! weight feeds:
//!
//! ```text
//! ∂J/∂w = ∂J/∂a · φ′(z) · ∂z/∂w
//! ```
//!
//! What is `φ′(z)` for the step? For the sigmoid?
//!
//! Then make the answer run:
//!
//! 1. [`step_derivative`] and [`sigmoid_derivative`], the two derivatives;
//! 2. [`Neuron`], a single neuron `a = φ(wᵀx + b)` trained by gradient
//!    descent on the mean squared error. The checks train it twice on the
//!    same data: with [`Activation::Heaviside`] its weights must not move at
//!    all, with [`Activation::Sigmoid`] the loss must go down.
//!
//! [`Activation`] is the `mlp` crate's (stage 3): `activation.value(z)` is
//! `φ(z)` and `activation.derivative(z)` is `φ′(z)`. Use `value` freely, but
//! for the derivatives of the step and the sigmoid use yours, so that the
//! checks see them at work.
//!
//! Run the checks with `cargo test -p exercises --features learner ex04`.

pub use mlp::Activation;
use nalgebra::{DMatrix, DVector};

/// The derivative of the step (Heaviside) function, `0` if `z < 0`, else `1`.
///
/// Draw the step and look at its slope on each side of 0. At `z = 0` itself
/// the step jumps and has no derivative; the libraries return there the
/// same value as everywhere else, and so should you.
#[must_use]
// ANCHOR: step_derivative
pub fn step_derivative(z: f64) -> f64 {
    todo!("exercise 4: how steep is a flat line?")
}
// ANCHOR_END: step_derivative

/// The derivative of the logistic function, `σ′(z) = σ(z)(1 − σ(z))`, where
/// `σ(z) = 1 / (1 + e^(−z))`.
///
/// It must be strictly positive for every `z` between −700 and 700, equal to
/// exactly 1/4 at 0, even (`σ′(−z) = σ′(z)`), and accurate: the checks
/// compare it with finite differences of `σ` and with an exact formula, to
/// about twelve significant digits.
///
/// `σ(z)(1 − σ(z))` is right in theory but not in `f64`: for `z` above about
/// 37, `σ(z)` rounds to exactly 1 and the product to 0. Write
/// `σ′(z) = e^(−z) / (1 + e^(−z))²`, show that it is even, and compute it
/// from `e^(−|z|)`, which lies in `(0, 1]`.
#[must_use]
// ANCHOR: sigmoid_derivative
pub fn sigmoid_derivative(z: f64) -> f64 {
    todo!("exercise 4: e = exp(-|z|), then e / (1 + e)^2")
}
// ANCHOR_END: sigmoid_derivative

/// One artificial neuron: a weight per input, a bias and an activation,
/// `a = φ(wᵀx + b)`.
#[derive(Clone, Debug, PartialEq)]
// ANCHOR: neuron
pub struct Neuron {
    /// One weight per input feature.
    pub w: DVector<f64>,
    /// The bias.
    pub b: f64,
    /// The activation function φ.
    pub activation: Activation,
}
// ANCHOR_END: neuron

// ANCHOR: impl_open
impl Neuron {
    // ANCHOR_END: impl_open
    /// The neuron's outputs `φ(Xw + b)`, one per row of `x` (one row per
    /// instance, one column per feature).
    ///
    /// The weighted sums `Xw + b` are a dense layer of one neuron
    /// (Equation 10-2): [`mcculloch_pitts::affine()`] computes them, as in
    /// exercise 3. Then apply `self.activation.value` to each.
    ///
    /// # Panics
    ///
    /// May panic if `x` does not have one column per weight.
    #[must_use]
    // ANCHOR: output
    pub fn output(&self, x: &DMatrix<f64>) -> DVector<f64> {
        todo!("exercise 4: z = affine(x, w as a one-column matrix, [b]); then φ(z) entry by entry")
    }
    // ANCHOR_END: output

    /// The gradient of the loss `J = (1/2m) Σᵢ (aᵢ − yᵢ)²` (half the mean
    /// squared error of the outputs `aᵢ` against the targets `y`) with
    /// respect to the weights and the bias, as `(∂J/∂w, ∂J/∂b)`.
    ///
    /// Apply the chain rule to one instance: `∂J/∂aᵢ = (aᵢ − yᵢ) / m`, then
    /// through the activation, `∂aᵢ/∂zᵢ = φ′(zᵢ)`, then through the weighted
    /// sum, `∂zᵢ/∂w = xᵢ` and `∂zᵢ/∂b = 1`. With `δᵢ = (aᵢ − yᵢ) φ′(zᵢ)`:
    /// `∂J/∂w = Xᵀδ / m` and `∂J/∂b = Σᵢ δᵢ / m`.
    ///
    /// For `φ′`, use your [`step_derivative`] for [`Activation::Heaviside`],
    /// your [`sigmoid_derivative`] for [`Activation::Sigmoid`], and
    /// `activation.derivative(z)` for any other activation.
    ///
    /// # Panics
    ///
    /// May panic if `x` has no rows, does not have one column per weight, or
    /// if `y` does not have one target per row.
    #[must_use]
    // ANCHOR: gradients
    pub fn gradients(&self, x: &DMatrix<f64>, y: &DVector<f64>) -> (DVector<f64>, f64) {
        todo!("exercise 4: delta_i = (phi(z_i) - y_i) * phi'(z_i); then (X^T delta / m, sum(delta) / m)")
    }
    // ANCHOR_END: gradients

    /// Takes `steps` steps of full-batch gradient descent with learning rate
    /// `eta`: `w ← w − η ∂J/∂w` and `b ← b − η ∂J/∂b`, the gradients computed
    /// by [`gradients`](Self::gradients) with the parameters before each
    /// step.
    ///
    /// # Panics
    ///
    /// May panic as [`gradients`](Self::gradients) does.
    // ANCHOR: train
    pub fn train(&mut self, x: &DMatrix<f64>, y: &DVector<f64>, eta: f64, steps: usize) {
        todo!("exercise 4: repeat steps times: (gw, gb) = self.gradients(x, y); w -= eta * gw; b -= eta * gb")
    }
    // ANCHOR_END: train
    // ANCHOR: impl_close
}
// ANCHOR_END: impl_close
