//! Exercise 4, reference solution: why the sigmoid was the key to training
//! the first MLPs.
//!
//! The exercise, in our words: when Rumelhart, Hinton and Williams made
//! backpropagation work on multilayer perceptrons, they replaced the step
//! function of the threshold logic units by the logistic (sigmoid) function.
//! Why was that change essential?
//!
//! # The answer
//!
//! Backpropagation is gradient descent: it moves every weight against the
//! derivative of the loss with respect to that weight. By the chain rule, that
//! derivative goes *through* the activation of the neuron the weight feeds:
//!
//! ```text
//! ∂J/∂w = ∂J/∂a · φ′(z) · ∂z/∂w
//! ```
//!
//! With the step, `φ′(z) = 0` for every `z ≠ 0` (the function is flat on both
//! sides), and at `z = 0` it has no derivative at all. So every gradient is
//! zero, whatever the error: gradient descent gets no signal and the weights
//! never move. A small change of a weight either changes nothing in the
//! output or, when it pushes `z` across 0, changes it by a whole jump; there
//! is no slope to follow.
//!
//! The sigmoid `σ(z) = 1 / (1 + e^(−z))` has the same overall shape (close to
//! 0 for very negative `z`, close to 1 for very positive `z`), so a neuron
//! still behaves roughly like a threshold unit, but it is smooth and its
//! derivative `σ′(z) = σ(z)(1 − σ(z))` is strictly positive everywhere. Every
//! instance contributes a little to every gradient, and gradient descent
//! always knows which way is downhill. That made it possible to train the
//! hidden layers of an MLP, which the perceptron rule cannot: it needs to know
//! what each hidden neuron *should* have output, and nobody tells it.
//!
//! The derivative peaks at `σ′(0) = 1/4` and fades quickly away from 0
//! (`σ′(±10) ≈ 4.5·10⁻⁵`). That is the seed of the vanishing gradients
//! problem of deep networks, and one reason why tanh and ReLU took over later;
//! but "small" is not "zero", and that was enough to get started.
//!
//! # The code
//!
//! [`step_derivative`] and [`sigmoid_derivative`] are the two derivatives.
//! [`Neuron`] is a single neuron trained by gradient descent on the mean
//! squared error: with [`Activation::Heaviside`] its gradients are exactly 0
//! and its weights stay where they started; with [`Activation::Sigmoid`] the
//! loss goes down.

use mcculloch_pitts::affine;
pub use mlp::Activation;
use nalgebra::{DMatrix, DVector};

/// The derivative of the step (Heaviside) function.
///
/// The step is constant on both sides of 0, so its derivative is 0 for every
/// `z ≠ 0`. At `z = 0` it jumps from 0 to 1 and has no derivative; libraries
/// use 0 there too. The answer never depends on `z`, hence the `_z`.
#[must_use]
// ANCHOR: solution_step_derivative
pub fn step_derivative(_z: f64) -> f64 {
    0.0
}
// ANCHOR_END: solution_step_derivative

/// The derivative of the logistic function, `σ′(z) = σ(z)(1 − σ(z))`,
/// computed so that it stays strictly positive for `|z|` up to about 745.
///
/// `σ(z)(1 − σ(z))` is exact in theory, but for `z` above about 37 the
/// computed `σ(z)` rounds to exactly 1 and `1 − σ(z)` to 0. Dividing the
/// numerator and the denominator of `e^(−z) / (1 + e^(−z))²` by `e^(−2z)`
/// shows that `σ′` is even, `σ′(z) = σ′(−z)`, so the form below only takes
/// the exponential of `−|z|`, a number in `(0, 1]`: it never overflows and
/// it only rounds to 0 when `e^(−|z|)` itself underflows.
#[must_use]
// ANCHOR: solution_sigmoid_derivative
pub fn sigmoid_derivative(z: f64) -> f64 {
    let e = (-z.abs()).exp();
    e / ((1.0 + e) * (1.0 + e))
}
// ANCHOR_END: solution_sigmoid_derivative

/// φ′(z) for a neuron's activation: the two derivatives of this exercise for
/// the step and the sigmoid, the `mlp` crate's for the other activations.
fn derivative(activation: Activation, z: f64) -> f64 {
    match activation {
        Activation::Heaviside => step_derivative(z),
        Activation::Sigmoid => sigmoid_derivative(z),
        other => other.derivative(z),
    }
}

/// One artificial neuron: a weight per input, a bias and an activation,
/// `a = φ(wᵀx + b)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Neuron {
    /// One weight per input feature.
    pub w: DVector<f64>,
    /// The bias.
    pub b: f64,
    /// The activation function φ.
    pub activation: Activation,
}

// ANCHOR: impl_open
impl Neuron {
    // ANCHOR_END: impl_open
    /// The neuron's outputs `φ(Xw + b)`, one per row of `x`.
    ///
    /// # Panics
    ///
    /// If `x` does not have one column per weight.
    #[must_use]
    // ANCHOR: solution_output
    pub fn output(&self, x: &DMatrix<f64>) -> DVector<f64> {
        self.weighted_sums(x).map(|z| self.activation.value(z))
    }
    // ANCHOR_END: solution_output

    /// The gradient of the loss `J = (1/2m) Σᵢ (aᵢ − yᵢ)²` with respect to
    /// the weights and the bias, as `(∂J/∂w, ∂J/∂b)`.
    ///
    /// The chain rule, instance by instance: `δᵢ = (aᵢ − yᵢ) φ′(zᵢ)` is how
    /// much the loss changes with `zᵢ`; then `∂J/∂w = Xᵀδ / m` and
    /// `∂J/∂b = Σᵢ δᵢ / m`.
    ///
    /// # Panics
    ///
    /// If `x` has no rows, does not have one column per weight, or if `y`
    /// does not have one target per row.
    #[must_use]
    // ANCHOR: solution_gradients
    pub fn gradients(&self, x: &DMatrix<f64>, y: &DVector<f64>) -> (DVector<f64>, f64) {
        assert!(x.nrows() > 0, "the gradient needs at least one instance");
        assert_eq!(y.len(), x.nrows(), "one target per row of x is needed");
        let m = x.nrows() as f64;
        let z = self.weighted_sums(x);
        // δᵢ = ∂J/∂aᵢ · φ′(zᵢ), with ∂J/∂aᵢ = (aᵢ − yᵢ) / m (the 1/m is applied below).
        let delta = DVector::from_iterator(
            z.len(),
            z.iter()
                .zip(y.iter())
                .map(|(&z, &y)| (self.activation.value(z) - y) * derivative(self.activation, z)),
        );
        (x.tr_mul(&delta) / m, delta.sum() / m)
    }
    // ANCHOR_END: solution_gradients

    /// Takes `steps` steps of full-batch gradient descent with learning rate
    /// `eta`: `w ← w − η ∂J/∂w` and `b ← b − η ∂J/∂b`, the gradients computed
    /// with the parameters before each step.
    ///
    /// # Panics
    ///
    /// As [`gradients`](Self::gradients).
    // ANCHOR: solution_train
    pub fn train(&mut self, x: &DMatrix<f64>, y: &DVector<f64>, eta: f64, steps: usize) {
        for _ in 0..steps {
            let (grad_w, grad_b) = self.gradients(x, y);
            self.w -= grad_w * eta;
            self.b -= eta * grad_b;
        }
    }
    // ANCHOR_END: solution_train

    /// The weighted sums `z = Xw + b`, one per row of `x`: a dense layer of
    /// one neuron (Equation 10-2), before its activation.
    fn weighted_sums(&self, x: &DMatrix<f64>) -> DVector<f64> {
        let w = DMatrix::from_column_slice(self.w.len(), 1, self.w.as_slice());
        let b = DVector::from_element(1, self.b);
        let z = affine(x, &w, &b).expect("x needs one column per weight");
        z.column(0).into_owned()
    }
    // ANCHOR: impl_close
}
// ANCHOR_END: impl_close
