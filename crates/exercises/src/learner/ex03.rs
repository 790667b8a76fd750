//! Exercise 3: from a perceptron to logistic regression.
//!
//! The exercise, in our words: why would you usually prefer a logistic
//! regression classifier to a classic perceptron (one layer of threshold
//! logic units trained with the perceptron learning rule)? And how can you
//! change a perceptron so that it becomes a logistic regression classifier?
//!
//! The first question asks for an explanation: answer it in writing, then
//! compare with the module documentation of the reference solution
//! (`src/solutions/ex03.rs`). Three things to think about: what does each
//! model output for one instance? What does the perceptron learning rule do
//! once the training set has no mistake left, and what does it do when some
//! mistake can never be fixed? What could you add to the training objective
//! to keep the weights small?
//!
//! The second question you answer in code: a single threshold logic unit,
//! changed into a logistic regression classifier. Keep its weighted sum
//! `z = wᵀx + b` and change two things:
//!
//! 1. the activation: the logistic function [`sigmoid`] instead of the step;
//! 2. the training rule: gradient descent on the log loss (binary
//!    cross-entropy) instead of the perceptron rule.
//!
//! For `m` instances with probabilities `pᵢ = σ(zᵢ)` and labels `yᵢ` (1 for
//! the positive class, 0 otherwise), the log loss is
//! `J = −(1/m) Σᵢ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)]`. Its gradient turns out
//! to be remarkably simple: `∂J/∂w = Xᵀ(p − y) / m` and
//! `∂J/∂b = Σᵢ (pᵢ − yᵢ) / m`. Compare that with the perceptron rule of
//! Equation 10-3.
//!
//! Run the checks with `cargo test -p exercises --features learner ex03`.

use nalgebra::{DMatrix, DVector};

/// The logistic function `σ(z) = 1 / (1 + e^(−z))`.
///
/// It must be exact at 0 (`σ(0) = 0.5`), symmetric (`σ(−z) = 1 − σ(z)`),
/// increasing, and stable: for every `z` between −10⁴ and 10⁴ it must
/// return a number in `[0, 1]`, never `NaN` or infinity. Which of the two
/// equal forms `1 / (1 + e^(−z))` and `e^z / (1 + e^z)` is safe for a large
/// positive `z`, and which for a large negative one?
#[must_use]
// ANCHOR: sigmoid
pub fn sigmoid(z: f64) -> f64 {
    todo!("exercise 3: 1 / (1 + exp(-z)) when z >= 0, exp(z) / (1 + exp(z)) otherwise")
}
// ANCHOR_END: sigmoid

/// A single threshold logic unit whose step has been replaced by the
/// logistic function, trained by gradient descent on the log loss: a
/// logistic regression classifier.
#[derive(Clone, Debug, PartialEq)]
// ANCHOR: model
pub struct LogisticPerceptron {
    /// One weight per input feature.
    pub w: DVector<f64>,
    /// The bias.
    pub b: f64,
}
// ANCHOR_END: model

// ANCHOR: impl_open
impl LogisticPerceptron {
    // ANCHOR_END: impl_open
    /// Trains on `x` (one row per instance, one column per feature) and the
    /// labels `y` (one per row, `true` for the positive class) by `epochs`
    /// steps of full-batch gradient descent on the log loss, with learning
    /// rate `eta`, starting from zero weights and a zero bias.
    ///
    /// Each epoch computes the probabilities `p = σ(Xw + b)` of all `m`
    /// instances with the current parameters (your
    /// [`predict_proba`](Self::predict_proba)), then takes one step:
    /// `w ← w − η Xᵀ(p − y) / m` and `b ← b − η Σᵢ (pᵢ − yᵢ) / m`.
    ///
    /// The checks compare your parameters after a few epochs with their own
    /// gradient descent, and your predictions after many epochs with a
    /// logistic regression they fit themselves.
    ///
    /// # Panics
    ///
    /// May panic if `x` has no rows, or if `y` does not have one label per
    /// row of `x`.
    #[must_use]
    // ANCHOR: fit
    pub fn fit(x: &DMatrix<f64>, y: &[bool], eta: f64, epochs: usize) -> Self {
        todo!(
            "exercise 3: start from zeros; each epoch: errors = predict_proba(x) - y, then \
             w -= eta * x^T errors / m and b -= eta * sum(errors) / m"
        )
    }
    // ANCHOR_END: fit

    /// The weighted sums `z = Xw + b`, one per row of `x`.
    ///
    /// This is a fully connected layer of one neuron, before its activation
    /// (Equation 10-2): compute it with [`mcculloch_pitts::affine()`], which
    /// takes the weights as a matrix with one column per neuron and the bias
    /// as a vector with one entry per neuron.
    ///
    /// # Panics
    ///
    /// May panic if `x` does not have one column per weight.
    #[must_use]
    // ANCHOR: decision_function
    pub fn decision_function(&self, x: &DMatrix<f64>) -> DVector<f64> {
        todo!(
            "exercise 3: mcculloch_pitts::affine(x, &w as a one-column matrix, &[b] as a vector), \
             then take its only column"
        )
    }
    // ANCHOR_END: decision_function

    /// The estimated probabilities of the positive class, `σ(Xw + b)`, one per
    /// row of `x`.
    ///
    /// # Panics
    ///
    /// May panic if `x` does not have one column per weight.
    #[must_use]
    // ANCHOR: predict_proba
    pub fn predict_proba(&self, x: &DMatrix<f64>) -> DVector<f64> {
        todo!("exercise 3: apply sigmoid to every entry of decision_function(x)")
    }
    // ANCHOR_END: predict_proba

    /// The predicted classes, one per row of `x`: positive when the estimated
    /// probability is at least 0.5 (that is, when `Xw + b ≥ 0`).
    ///
    /// # Panics
    ///
    /// May panic if `x` does not have one column per weight.
    #[must_use]
    // ANCHOR: predict
    pub fn predict(&self, x: &DMatrix<f64>) -> Vec<bool> {
        todo!("exercise 3: true where predict_proba(x) is at least 0.5")
    }
    // ANCHOR_END: predict
    // ANCHOR: impl_close
}
// ANCHOR_END: impl_close
