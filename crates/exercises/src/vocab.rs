//! Shared vocabulary: the words an exercise's answer is written with.
//!
//! The learner's stubs and the reference solutions both use these types, so
//! the two copies of an exercise agree on what a question means. Nothing here
//! is an exercise: you choose among these values, you do not implement them.

use nalgebra::{DMatrix, DVector};

/// The activation functions are stage 3's (`mlp::Activation`: identity,
/// heaviside, sigmoid, tanh, ReLU, softplus, softmax), so an answer here
/// means exactly what the network code computes.
pub use mlp::Activation;

/// Applies an activation to one layer's weighted sums `z` (one entry per
/// neuron) and returns the layer's outputs, through the `mlp` crate's
/// kernels, which are numerically stable: no overflow or `NaN` for any
/// finite input. (Softmax looks at the whole layer at once; the others act
/// entry by entry.)
pub trait Apply {
    /// The layer's outputs for weighted sums `z`.
    fn apply(self, z: &DVector<f64>) -> DVector<f64>;
}

impl Apply for Activation {
    fn apply(self, z: &DVector<f64>) -> DVector<f64> {
        let mut row = DMatrix::from_row_slice(1, z.len(), z.as_slice());
        self.forward_mut(&mut row);
        DVector::from_column_slice(row.as_slice())
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
