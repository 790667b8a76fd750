//! Exercise 3, reference solution: from a perceptron to logistic regression.
//!
//! The exercise, in our words: why would you usually prefer a logistic
//! regression classifier to a classic perceptron (one layer of threshold
//! logic units trained with the perceptron learning rule)? And how can you
//! change a perceptron so that it becomes a logistic regression classifier?
//!
//! # Why logistic regression
//!
//! * **It estimates probabilities.** Its output `σ(wᵀx + b)` is an estimate
//!   of the probability of the positive class, so it says how sure it is: an
//!   instance at 0.51 is a coin toss, one at 0.99 is not. A threshold logic
//!   unit only outputs 0 or 1; the distance to its boundary is there, in
//!   `z`, but nothing gives it a meaning.
//! * **It has something to optimize even when the classes overlap.** The
//!   perceptron rule only moves the weights on a mistake. When the classes
//!   are linearly separable, it stops at the first boundary that makes no
//!   mistake on the training set, wherever that boundary happens to be, often
//!   very close to some instances, which then generalizes poorly. When they
//!   are not separable, there is always a mistake left, so the weights never
//!   settle: they keep jumping around, and the model you get depends on when
//!   you stop. Logistic regression minimizes the log loss, a smooth convex
//!   function of the weights: on overlapping classes gradient descent
//!   converges to its minimum (a single one, unless some features are
//!   redundant), and instances that are already correctly classified still
//!   pull the boundary away from them, the more so the closer they are to it.
//! * **It can be regularized.** An ℓ2 or ℓ1 penalty simply adds to the loss.
//!   That matters on separable classes too: there the log loss alone has no
//!   minimum (it keeps shrinking as the weights grow), while with an ℓ2
//!   penalty it has exactly one. The classic perceptron uses no
//!   regularization.
//!
//! The perceptron's only advantage is that it may train a little faster.
//!
//! # How to turn a perceptron into logistic regression
//!
//! Keep the threshold logic unit's weighted sum `z = wᵀx + b`, and change two
//! things:
//!
//! 1. **the activation**: replace the step function by the logistic function
//!    `σ(z) = 1 / (1 + e^(−z))`, whose output is a probability. The predicted
//!    class is still "positive when `z ≥ 0`", which is `σ(z) ≥ 0.5`: the
//!    decision boundary has the same form as before;
//! 2. **the training rule**: instead of the perceptron rule, do gradient
//!    descent on the log loss (binary cross-entropy)
//!    `J = −(1/m) Σᵢ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)]`, with `pᵢ = σ(zᵢ)`.
//!    Its gradient is `∂J/∂w = Xᵀ(p − y) / m` and `∂J/∂b = Σᵢ (pᵢ − yᵢ) / m`,
//!    hence the update `w ← w − η Xᵀ(σ(Xw + b) − y) / m` (and the same for
//!    `b`).
//!
//! The update looks very much like the perceptron rule of Equation 10-3,
//! `w ← w + η (y − ŷ) x`, with two differences: the error `y − ŷ` is now a
//! real number, `y − σ(z)`, which is never exactly zero, so *every* instance
//! contributes and the more so the more wrong it is; and the step averages
//! over the whole batch instead of following one instance at a time. With
//! scikit-learn the change is one argument: `SGDClassifier(loss="perceptron")`
//! becomes `SGDClassifier(loss="log_loss")`.

use mcculloch_pitts::affine;
use nalgebra::{DMatrix, DVector};

/// The logistic function `σ(z) = 1 / (1 + e^(−z))`, computed so that it never
/// overflows.
///
/// Written as `1 / (1 + e^(−z))` for `z ≥ 0` and as `e^z / (1 + e^z)` for
/// `z < 0`, the exponential is always of a non-positive number, so it lies
/// in `(0, 1]` and neither form can produce `∞ / ∞`. For very large `|z|` the
/// result rounds to exactly 0 or 1, which is the correctly rounded value.
#[must_use]
// ANCHOR: solution_sigmoid
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}
// ANCHOR_END: solution_sigmoid

/// A single threshold logic unit whose step has been replaced by the
/// logistic function, trained by gradient descent on the log loss: a
/// logistic regression classifier.
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticPerceptron {
    /// One weight per input feature.
    pub w: DVector<f64>,
    /// The bias.
    pub b: f64,
}

// ANCHOR: impl_open
impl LogisticPerceptron {
    // ANCHOR_END: impl_open
    /// Trains on `x` (one row per instance, one column per feature) and the
    /// labels `y` (one per row, `true` for the positive class) by `epochs`
    /// steps of full-batch gradient descent on the log loss, with learning
    /// rate `eta`, starting from zero weights and a zero bias.
    ///
    /// Each epoch computes the probabilities `p = σ(Xw + b)` of all `m`
    /// instances with the current parameters, then takes one step:
    /// `w ← w − η Xᵀ(p − y) / m` and `b ← b − η Σᵢ (pᵢ − yᵢ) / m`.
    ///
    /// # Panics
    ///
    /// If `x` has no rows, or if `y` does not have one label per row of `x`.
    #[must_use]
    // ANCHOR: solution_fit
    pub fn fit(x: &DMatrix<f64>, y: &[bool], eta: f64, epochs: usize) -> Self {
        assert!(x.nrows() > 0, "training needs at least one instance");
        assert_eq!(y.len(), x.nrows(), "one label per row of x is needed");
        let m = x.nrows() as f64;
        let targets = DVector::from_iterator(y.len(), y.iter().map(|&label| f64::from(u8::from(label))));
        let mut model = Self { w: DVector::zeros(x.ncols()), b: 0.0 };
        for _ in 0..epochs {
            // σ(z) − y: how far each estimated probability is from its label.
            let errors = model.predict_proba(x) - &targets;
            let grad_w = x.tr_mul(&errors) / m;
            let grad_b = errors.sum() / m;
            model.w -= grad_w * eta;
            model.b -= eta * grad_b;
        }
        model
    }
    // ANCHOR_END: solution_fit

    /// The weighted sums `z = Xw + b`, one per row of `x`, computed with the
    /// affine kernel of Equation 10-2 (a layer of one neuron).
    ///
    /// # Panics
    ///
    /// If `x` does not have one column per weight.
    #[must_use]
    // ANCHOR: solution_decision_function
    pub fn decision_function(&self, x: &DMatrix<f64>) -> DVector<f64> {
        let w = DMatrix::from_column_slice(self.w.len(), 1, self.w.as_slice());
        let b = DVector::from_element(1, self.b);
        let z = affine(x, &w, &b).expect("x needs one column per weight");
        z.column(0).into_owned()
    }
    // ANCHOR_END: solution_decision_function

    /// The estimated probabilities of the positive class, `σ(Xw + b)`, one per
    /// row of `x`.
    ///
    /// # Panics
    ///
    /// If `x` does not have one column per weight.
    #[must_use]
    // ANCHOR: solution_predict_proba
    pub fn predict_proba(&self, x: &DMatrix<f64>) -> DVector<f64> {
        self.decision_function(x).map(sigmoid)
    }
    // ANCHOR_END: solution_predict_proba

    /// The predicted classes, one per row of `x`: positive when the estimated
    /// probability is at least 0.5 (that is, when `Xw + b ≥ 0`).
    ///
    /// # Panics
    ///
    /// If `x` does not have one column per weight.
    #[must_use]
    // ANCHOR: solution_predict
    pub fn predict(&self, x: &DMatrix<f64>) -> Vec<bool> {
        self.predict_proba(x).iter().map(|&p| p >= 0.5).collect()
    }
    // ANCHOR_END: solution_predict
    // ANCHOR: impl_close
}
// ANCHOR_END: impl_close
