//! Exercise 5: three popular activation functions.
//!
//! The exercise, in our words: name three popular activation functions, and
//! draw them.
//!
//! The chapter names three (section "The multilayer perceptron and
//! backpropagation", Figure 10-8). Write each one and its derivative, then
//! [`curves`], which samples the three for a figure. Draw them on paper
//! before you write any code: where is each one flat, where is it steep,
//! which values can it output?
//!
//! The checks compare your functions with the `mlp` crate's
//! `mlp::Activation` (stage 3) on random inputs from −10⁴ to 10⁴, so each
//! must stay finite for large `|z|`, and compare each derivative with finite
//! differences of its function.
//!
//! Run the checks with `cargo test -p exercises --features learner ex05`.

// ANCHOR: relu
/// The rectified linear unit, `ReLU(z) = max(0, z)`.
#[must_use]
pub fn relu(z: f64) -> f64 {
    todo!("exercise 5: zero for negative inputs, the input itself otherwise")
}

/// ReLU's derivative: its slope on each side of 0.
///
/// ReLU has a kink at 0, where it has no derivative. The libraries return 0
/// there; the checks accept any value between 0 and 1 (the slopes of the two
/// sides and everything in between).
#[must_use]
pub fn relu_derivative(z: f64) -> f64 {
    todo!("exercise 5: 1 where ReLU rises, 0 where it is flat")
}
// ANCHOR_END: relu

// ANCHOR: tanh
/// The hyperbolic tangent, `tanh z = (e^z − e^(−z)) / (e^z + e^(−z))`,
/// which is also `2σ(2z) − 1`.
///
/// The formula with exponentials overflows for `|z|` above about 710; the
/// standard library has a stable version.
#[must_use]
pub fn tanh(z: f64) -> f64 {
    todo!("exercise 5: f64 has a method for it")
}

/// tanh's derivative, `1 − tanh² z`.
#[must_use]
pub fn tanh_derivative(z: f64) -> f64 {
    todo!("exercise 5: 1 - tanh(z)^2")
}
// ANCHOR_END: tanh

// ANCHOR: sigmoid
/// The logistic function, `σ(z) = 1 / (1 + e^(−z))`.
///
/// It must return a number in `[0, 1]` for every `z` from −10⁴ to 10⁴, never
/// `NaN` (you wrote a stable one in exercise 3).
#[must_use]
pub fn sigmoid(z: f64) -> f64 {
    todo!("exercise 5: 1 / (1 + exp(-z)) when z >= 0, exp(z) / (1 + exp(z)) otherwise")
}

/// The logistic function's derivative, `σ′(z) = σ(z)(1 − σ(z))` (you wrote a
/// stable one in exercise 4).
#[must_use]
pub fn sigmoid_derivative(z: f64) -> f64 {
    todo!("exercise 5: sigmoid(z) * (1 - sigmoid(z)), or the stable form of exercise 4")
}
// ANCHOR_END: sigmoid

/// The three functions sampled at every `z`, for a figure.
///
/// Return one series per function, three in all: its name and the points
/// `(z, φ(z))`, one per entry of `z`, in the same order. Name each function
/// as `mlp::Activation::from_name` understands it, in upper or lower case
/// (`"relu"`, `"tanh"`, `"sigmoid"` or `"logistic"`), so that the plotting
/// code, and the checks, know which curve is which.
#[must_use]
// ANCHOR: curves
pub fn curves(z: &[f64]) -> Vec<(String, Vec<(f64, f64)>)> {
    todo!("exercise 5: for each (name, function): (name, z.iter().map(|&z| (z, function(z))).collect())")
}
// ANCHOR_END: curves
