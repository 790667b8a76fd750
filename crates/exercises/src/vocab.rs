//! Shared vocabulary: the words an exercise's answer is written with.
//!
//! The learner's stubs and the reference solutions both use these types, so
//! the two copies of an exercise agree on what a question means. Nothing here
//! is an exercise: you choose among these values, you do not implement them.

use nalgebra::DVector;

/// An activation function, applied element-wise to a layer's weighted sums
/// (except [`Activation::Softmax`], which looks at the whole layer at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Activation {
    /// No activation at all: `φ(z) = z`. The output can be any real number.
    Identity,
    /// The step function of a threshold logic unit: 0 if `z < 0`, else 1.
    /// Its derivative is zero almost everywhere, so gradient descent cannot
    /// train it.
    Heaviside,
    /// The logistic function `σ(z) = 1 / (1 + exp(−z))`, with outputs
    /// strictly between 0 and 1.
    Sigmoid,
    /// The hyperbolic tangent `tanh(z) = 2σ(2z) − 1`, with outputs strictly
    /// between −1 and 1.
    Tanh,
    /// The rectified linear unit `max(0, z)`: zero for negative inputs, the
    /// input itself otherwise.
    Relu,
    /// `softplus(z) = log(1 + exp(z))`, a smooth ReLU: always positive, close
    /// to 0 for very negative `z` and close to `z` for large `z`.
    Softplus,
    /// `softmax(z)_k = exp(z_k) / Σ_j exp(z_j)`: turns the whole layer into
    /// positive values that sum to 1. Raising one input lowers every other
    /// output, which is what exclusive classes need.
    Softmax,
}

impl Activation {
    /// Applies the activation to a layer's weighted sums `z` (one entry per
    /// neuron) and returns the layer's outputs, with the same length.
    ///
    /// Every variant is computed in a numerically stable way: no overflow or
    /// `NaN` for any finite input.
    #[must_use]
    pub fn apply(self, z: &DVector<f64>) -> DVector<f64> {
        match self {
            Self::Identity => z.clone(),
            Self::Heaviside => z.map(|v| if v < 0.0 { 0.0 } else { 1.0 }),
            Self::Sigmoid => z.map(sigmoid),
            Self::Tanh => z.map(f64::tanh),
            Self::Relu => z.map(|v| v.max(0.0)),
            // log(1 + e^z) = max(z, 0) + log(1 + e^(−|z|)), which never
            // computes the exponential of a large positive number.
            Self::Softplus => z.map(|v| v.max(0.0) + (-v.abs()).exp().ln_1p()),
            Self::Softmax => {
                // Subtracting the largest input changes nothing mathematically
                // and keeps every exponential in (0, 1].
                let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let exp = z.map(|v| (v - max).exp());
                let sum = exp.sum();
                exp / sum
            }
        }
    }
}

/// The logistic function, in the form that never overflows.
fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// A loss function: what training minimizes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Loss {
    /// Binary cross-entropy (log loss), `−[y log p + (1 − y) log(1 − p)]`,
    /// summed or averaged over the outputs: one independent yes/no
    /// probability per output neuron. Keras: `"binary_crossentropy"`.
    BinaryCrossEntropy,
    /// Categorical cross-entropy, `−log p_true_class`: one probability
    /// distribution over exclusive classes.
    ///
    /// This single variant covers both ways of writing the labels: a class
    /// index per instance (Keras: `"sparse_categorical_crossentropy"`) or a
    /// one-hot vector per instance (Keras: `"categorical_crossentropy"`). The
    /// loss is the same number either way; only the label format differs, so
    /// an exercise about *which* loss to use does not ask you to choose.
    CategoricalCrossEntropy,
    /// Mean squared error, the usual regression loss. Large errors weigh a
    /// lot (they are squared), so a few outliers can dominate it.
    Mse,
    /// Mean absolute error: grows linearly with the error, so outliers weigh
    /// less than with MSE, but training can converge more slowly.
    Mae,
    /// Huber loss: quadratic for errors smaller than `delta`, linear beyond.
    /// Robust to outliers like MAE, smooth near zero like MSE.
    Huber {
        /// The error size where the loss switches from quadratic to linear;
        /// must be positive. 1 is the typical value.
        delta: f64,
    },
}

/// What a regression target's values can be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutputRange {
    /// Any real number (a temperature in °C, a profit that may be a loss).
    Unbounded,
    /// Never negative (a count, a length, a price).
    Positive,
    /// Always between `low` and `high` (a percentage, a rating from 1 to 5).
    Bounded {
        /// The smallest value the target can take.
        low: f64,
        /// The largest value the target can take; greater than `low`.
        high: f64,
    },
}

/// A supervised learning task, described by what the network must output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Task {
    /// Binary classification: each instance is positive or negative (spam or
    /// ham, malignant or benign).
    Binary,
    /// Multilabel binary classification: `labels` independent yes/no
    /// questions per instance (is it spam? is it urgent?). Any number of
    /// answers can be "yes" at once.
    Multilabel {
        /// How many yes/no labels each instance has (at least 1).
        labels: usize,
    },
    /// Multiclass classification: each instance belongs to exactly one of
    /// `classes` exclusive classes (the digits 0 to 9 of MNIST).
    Multiclass {
        /// How many classes there are (at least 2).
        classes: usize,
    },
    /// Regression: predict `outputs` numbers per instance.
    Regression {
        /// How many values to predict per instance: 1 for a price, 2 for the
        /// centre of an object in an image, 4 for a bounding box.
        outputs: usize,
        /// What values the targets can take.
        range: OutputRange,
        /// Whether the training set contains many outliers.
        outliers: bool,
    },
}

/// The output layer of an MLP, as far as the task decides it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutputLayer {
    /// How many neurons the output layer has.
    pub neurons: usize,
    /// The activation applied to the output layer's weighted sums.
    pub activation: Activation,
    /// The loss minimized during training.
    pub loss: Loss,
}

#[cfg(all(test, not(feature = "learner")))]
// These tests check the shared vocabulary, not an exercise. They are left out
// of the `learner` build, where every test is expected to fail until the
// learner has done the work (see `.ci/exercise-stubs`).
mod tests {
    use super::*;

    fn v(values: &[f64]) -> DVector<f64> {
        DVector::from_row_slice(values)
    }

    #[test]
    fn softmax_sums_to_one_even_for_huge_inputs() {
        let p = Activation::Softmax.apply(&v(&[1000.0, 1001.0, -1000.0]));
        assert!((p.sum() - 1.0).abs() < 1e-12, "{p}");
        assert!(p.iter().all(|x| x.is_finite() && *x >= 0.0), "{p}");
        assert!(p[1] > p[0] && p[0] > p[2], "{p}");
    }

    #[test]
    fn sigmoid_and_softplus_do_not_overflow() {
        let z = v(&[-1000.0, 0.0, 1000.0]);
        let s = Activation::Sigmoid.apply(&z);
        assert_eq!(s, v(&[0.0, 0.5, 1.0]));
        let sp = Activation::Softplus.apply(&z);
        assert_eq!(sp[0], 0.0);
        assert!((sp[1] - 2f64.ln()).abs() < 1e-15);
        assert_eq!(sp[2], 1000.0);
    }

    #[test]
    fn element_wise_activations_match_their_definitions() {
        let z = v(&[-2.0, -0.5, 0.0, 0.5, 2.0]);
        assert_eq!(Activation::Identity.apply(&z), z);
        assert_eq!(Activation::Heaviside.apply(&z), v(&[0.0, 0.0, 1.0, 1.0, 1.0]));
        assert_eq!(Activation::Relu.apply(&z), v(&[0.0, 0.0, 0.0, 0.5, 2.0]));
        let tanh = Activation::Tanh.apply(&z);
        let via_sigmoid = Activation::Sigmoid.apply(&(&z * 2.0)).map(|s| 2.0 * s - 1.0);
        assert!((tanh - via_sigmoid).amax() < 1e-15);
    }
}
