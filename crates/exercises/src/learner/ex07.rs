//! Exercise 7: the output layer a task calls for.
//!
//! The exercise, in our words: choose the output layer (how many neurons,
//! which activation) for three problems: sorting email into spam and ham,
//! recognizing the handwritten digits of MNIST, and predicting house prices.
//! We add the loss, which the same reasoning decides.
//!
//! Rather than answering only these three cases, you write the rule that
//! answers every case ([`output_layer`]), then the three cases as one-liners
//! that describe each problem as a [`Task`]. Finally, [`predict`] turns the
//! output layer's raw weighted sums into predictions, which lets the checks
//! verify numerically that your choices produce sensible values.
//!
//! Work from one question: *what must the network's output mean?*
//!
//! * The number of output neurons is the number of values the network must
//!   produce for each instance.
//! * The output activation restricts those values to what they are allowed to
//!   be: any real number, a positive number, a number within a range, a
//!   probability, or a set of probabilities that sum to 1.
//! * The loss compares such values with the labels.
//!
//! The chapter sums up the answers in Table 10-1 (regression MLPs) and Table
//! 10-2 (classification MLPs). Where the chapter accepts several answers, so
//! do the checks.
//!
//! Run the checks with `cargo test -p exercises --features learner ex07`.

pub use crate::vocab::{Activation, Apply, Loss, OutputLayer, OutputRange, Task};
use nalgebra::DVector;

/// Returns the output layer (number of neurons, activation, loss) that fits
/// `task`.
///
/// For each kind of [`Task`], ask yourself:
///
/// * How many numbers must the network output for one instance? A class
///   *index* is not a good output: the network cannot output "3" and be
///   "almost right" with 2.9. What can it output instead?
/// * What values may each output take? Which activation from [`Activation`]
///   produces exactly such values, and is differentiable so that
///   backpropagation can train the layer?
/// * For classification: are the answers independent yes/no questions, or
///   must exactly one class be chosen among several?
/// * For regression: can the target be any real number, only a positive one,
///   or only one between `low` and `high`? With a bounded target, the network
///   is trained on targets scaled to the activation's range; [`predict`]
///   scales them back.
/// * Which [`Loss`] fits probabilities, and which fits real values? What
///   happens to the mean *squared* error when the training set contains many
///   outliers?
#[must_use]
// ANCHOR: output_layer
pub fn output_layer(task: &Task) -> OutputLayer {
    todo!(
        "exercise 7: match on the task; Table 10-2 covers the three classification cases and Table 10-1 the regression one"
    )
}
// ANCHOR_END: output_layer

// ANCHOR: cases
/// Spam or ham: the output layer of an email classifier.
///
/// Describe the problem as a [`Task`] and let [`output_layer`] answer. What
/// does the network's output mean for one email?
#[must_use]
pub fn spam_ham() -> OutputLayer {
    todo!("exercise 7: which Task is spam/ham? Then call output_layer")
}

/// MNIST: the output layer of a handwritten digit classifier.
///
/// Describe the problem as a [`Task`] and let [`output_layer`] answer. How
/// many digits can one image show?
#[must_use]
pub fn mnist() -> OutputLayer {
    todo!("exercise 7: MNIST images show the digits 0 to 9, exactly one per image")
}

/// House prices: the output layer of a model that predicts a house's price.
///
/// Describe the problem as a [`Task`] and let [`output_layer`] answer. How
/// many numbers per house, and which values can a price take?
#[must_use]
pub fn house_prices() -> OutputLayer {
    todo!("exercise 7: one number per house; can a price be negative?")
}
// ANCHOR_END: cases

/// Returns the predictions, in the task's own units, of an output layer whose
/// weighted sums (before activation) are `logits`, one per output neuron.
///
/// Apply the layer's activation (see [`Apply::apply`]). For most tasks
/// that is all: the activation's outputs already are the probabilities or the
/// predicted values. A bounded regression (`low` to `high`) is the exception:
/// the network was trained on targets scaled to its activation's range (0 to
/// 1 for sigmoid, −1 to 1 for tanh), so its outputs must be mapped back onto
/// `[low, high]`. Handle both activations: the checks try each.
///
/// You may assume that `logits` has `layer.neurons` entries.
#[must_use]
// ANCHOR: predict
pub fn predict(task: &Task, layer: &OutputLayer, logits: &DVector<f64>) -> DVector<f64> {
    todo!(
        "exercise 7: apply layer.activation; for a bounded regression, map the activation's range onto low..high"
    )
}
// ANCHOR_END: predict
