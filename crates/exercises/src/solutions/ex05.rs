//! Exercise 5, reference solution: three popular activation functions.
//!
//! The exercise, in our words: name three popular activation functions, and
//! draw them.
//!
//! # The answer
//!
//! | name | φ(z) | φ′(z) | outputs |
//! |---|---|---|---|
//! | ReLU | `max(0, z)` | 0 for `z < 0`, 1 for `z > 0` | `[0, ∞)` |
//! | hyperbolic tangent | `tanh z = 2σ(2z) − 1` | `1 − tanh² z` | `(−1, 1)` |
//! | sigmoid (logistic) | `σ(z) = 1 / (1 + e^(−z))` | `σ(z)(1 − σ(z))` | `(0, 1)` |
//!
//! * **ReLU** is the default for hidden layers: it costs a comparison, its
//!   slope is exactly 1 wherever the neuron is active (so gradients do not
//!   shrink as they flow back through many layers), and its output has no
//!   upper bound. It has a kink at 0, where it has no derivative (libraries
//!   use 0), and a neuron whose weighted sum is negative for every instance
//!   gets no gradient at all.
//! * **tanh** is an S-shaped curve like the sigmoid, stretched to `(−1, 1)`
//!   and centred on 0, which tends to keep the next layer's inputs centred
//!   and often speeds up convergence. Its slope is 1 at 0.
//! * **The sigmoid** squashes everything into `(0, 1)`: the activation that
//!   made backpropagation possible (exercise 4), today mostly used for output
//!   neurons that estimate a probability. Its slope is at most 1/4.
//!
//! The step function of the perceptron, softplus `log(1 + e^z)` and softmax
//! are also activation functions, but the chapter names these three.
//!
//! The drawing is Figure 10-8: [`curves`] samples the three functions for a
//! plot, and the book's figure shows them next to their derivatives.

/// The logistic function's derivative, from `e^(−|z|)` so that it never
/// underflows to 0 before it must (see exercise 4).
fn logistic_derivative(z: f64) -> f64 {
    let e = (-z.abs()).exp();
    e / ((1.0 + e) * (1.0 + e))
}

// ANCHOR: solution_relu
/// The rectified linear unit, `max(0, z)`.
#[must_use]
pub fn relu(z: f64) -> f64 {
    z.max(0.0)
}

/// ReLU's derivative: 1 where `z > 0`, 0 where `z < 0`, and 0 at the kink,
/// as the libraries do.
#[must_use]
pub fn relu_derivative(z: f64) -> f64 {
    if z > 0.0 { 1.0 } else { 0.0 }
}
// ANCHOR_END: solution_relu

// ANCHOR: solution_tanh
/// The hyperbolic tangent. The standard library's `tanh` is accurate and
/// never overflows: for `|z|` above about 19 it returns exactly ±1.
#[must_use]
pub fn tanh(z: f64) -> f64 {
    z.tanh()
}

/// tanh's derivative, `1 − tanh² z`.
///
/// Since `tanh z = 2σ(2z) − 1`, the chain rule gives `tanh′(z) = 4σ′(2z)`,
/// which keeps full relative accuracy even where `1 − tanh² z` rounds to 0.
#[must_use]
pub fn tanh_derivative(z: f64) -> f64 {
    4.0 * logistic_derivative(2.0 * z)
}
// ANCHOR_END: solution_tanh

// ANCHOR: solution_sigmoid
/// The logistic function `σ(z) = 1 / (1 + e^(−z))`, in the form that only
/// takes the exponential of a non-positive number (see exercise 3).
#[must_use]
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// The logistic function's derivative, `σ(z)(1 − σ(z))`, computed from
/// `e^(−|z|)` (see exercise 4).
#[must_use]
pub fn sigmoid_derivative(z: f64) -> f64 {
    logistic_derivative(z)
}
// ANCHOR_END: solution_sigmoid

/// The three functions sampled at every `z`, for a figure: one named series
/// per function, each a list of points `(z, φ(z))` in the order of `z`.
#[must_use]
// ANCHOR: solution_curves
pub fn curves(z: &[f64]) -> Vec<(String, Vec<(f64, f64)>)> {
    let sample =
        |name: &str, phi: fn(f64) -> f64| (name.to_string(), z.iter().map(|&z| (z, phi(z))).collect());
    vec![sample("ReLU", relu), sample("tanh", tanh), sample("sigmoid", sigmoid)]
}
// ANCHOR_END: solution_curves
