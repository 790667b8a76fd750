//! Exercise 7, reference solution: the output layer a task calls for.
//!
//! The exercise, in our words: choose the output layer (how many neurons,
//! which activation) for three problems: sorting email into spam and ham,
//! recognizing the handwritten digits of MNIST, and predicting house prices.
//! We add the loss, which the same reasoning decides.
//!
//! The answer follows from one question: *what must the network's output
//! mean?* The number of neurons is the number of values to output for each
//! instance; the activation constrains those values to what they may be (a
//! probability, a distribution, a positive number, any number); the loss
//! measures how far such values are from the labels.
//!
//! | task                   | neurons      | output activation                 | loss                      |
//! |------------------------|--------------|-----------------------------------|---------------------------|
//! | binary (spam/ham)      | 1            | sigmoid                           | binary cross-entropy      |
//! | multilabel             | 1 per label  | sigmoid                           | binary cross-entropy      |
//! | multiclass (MNIST)     | 1 per class  | softmax                           | categorical cross-entropy |
//! | regression, any value  | 1 per output | none                              | MSE; Huber or MAE if many outliers |
//! | regression, positive   | 1 per output | ReLU or softplus                  | as above                  |
//! | regression, bounded    | 1 per output | sigmoid or tanh, targets rescaled | as above                  |

pub use crate::vocab::{Activation, Apply, Loss, OutputLayer, OutputRange, Task};
use nalgebra::DVector;

/// The output layer (neurons, activation, loss) that fits `task`.
///
/// * Binary: a single sigmoid neuron outputs the estimated probability of the
///   positive class; the probability of the negative class is one minus it.
///   Binary cross-entropy is the log loss of that probability.
/// * Multilabel: each label is its own binary problem, so one sigmoid neuron
///   per label. The probabilities are independent and need not sum to 1.
/// * Multiclass: one neuron per class, and softmax so that the outputs form a
///   probability distribution over the exclusive classes (they sum to 1).
///   Cross-entropy penalizes a low probability for the true class.
/// * Regression: one neuron per predicted value. No activation lets the output
///   take any value; a positive target calls for ReLU or softplus (here
///   softplus, whose gradient is never exactly zero, so a neuron pushed below
///   zero can still recover); a bounded target calls for sigmoid or tanh, with
///   the targets scaled to the activation's range (here sigmoid, 0 to 1, see
///   [`predict`]). MSE is the usual loss; with many outliers the Huber loss
///   (or MAE) keeps a few huge errors from dominating training.
#[must_use]
// ANCHOR: solution_output_layer
pub fn output_layer(task: &Task) -> OutputLayer {
    match *task {
        Task::Binary => {
            OutputLayer { neurons: 1, activation: Activation::Sigmoid, loss: Loss::BinaryCrossEntropy }
        }
        Task::Multilabel { labels } => {
            OutputLayer { neurons: labels, activation: Activation::Sigmoid, loss: Loss::BinaryCrossEntropy }
        }
        Task::Multiclass { classes } => OutputLayer {
            neurons: classes,
            activation: Activation::Softmax,
            loss: Loss::CategoricalCrossEntropy,
        },
        Task::Regression { outputs, range, outliers } => OutputLayer {
            neurons: outputs,
            activation: match range {
                OutputRange::Unbounded => Activation::Identity,
                OutputRange::Positive => Activation::Softplus,
                OutputRange::Bounded { .. } => Activation::Sigmoid,
            },
            loss: if outliers { Loss::Huber { delta: 1.0 } } else { Loss::Mse },
        },
    }
}
// ANCHOR_END: solution_output_layer

// ANCHOR: solution_spam_ham
/// Spam or ham: a binary classification, hence one sigmoid neuron trained
/// with binary cross-entropy. Its output is the estimated probability that the
/// email is spam.
#[must_use]
pub fn spam_ham() -> OutputLayer {
    output_layer(&Task::Binary)
}
// ANCHOR_END: solution_spam_ham

// ANCHOR: solution_mnist
/// MNIST: every image shows exactly one of the ten digits, so ten softmax
/// neurons (one estimated probability per digit, summing to 1) trained with
/// categorical cross-entropy.
#[must_use]
pub fn mnist() -> OutputLayer {
    output_layer(&Task::Multiclass { classes: 10 })
}
// ANCHOR_END: solution_mnist

// ANCHOR: solution_house_prices
/// House prices: one value per house, so one output neuron. The chapter's
/// answer uses no output activation and the MSE loss. Prices are never
/// negative, so ReLU or softplus would be fine too. When prices span several
/// orders of magnitude, predicting the logarithm of the price works better.
#[must_use]
pub fn house_prices() -> OutputLayer {
    output_layer(&Task::Regression { outputs: 1, range: OutputRange::Unbounded, outliers: false })
}
// ANCHOR_END: solution_house_prices

/// The predictions, in the task's own units, of an output layer whose
/// weighted sums are `logits` (one entry per output neuron).
///
/// This applies `layer.activation`. For a bounded regression it then maps the
/// activation's range onto `[low, high]`: the network was trained on targets
/// scaled to the activation's range (0 to 1 for sigmoid, −1 to 1 for tanh),
/// so its outputs must be scaled back. Every other case needs no rescaling:
/// the activation's outputs already are probabilities, a distribution, or the
/// predicted values.
///
/// # Panics
///
/// If `logits` does not have `layer.neurons` entries.
#[must_use]
// ANCHOR: solution_predict
pub fn predict(task: &Task, layer: &OutputLayer, logits: &DVector<f64>) -> DVector<f64> {
    assert_eq!(logits.len(), layer.neurons, "one logit per output neuron is expected");
    let activated = layer.activation.apply(logits);
    let Task::Regression { range: OutputRange::Bounded { low, high }, .. } = *task else {
        return activated;
    };
    let width = high - low;
    match layer.activation {
        // σ(z) is in (0, 1).
        Activation::Sigmoid => activated.map(|s| low + width * s),
        // tanh(z) is in (−1, 1): shift to (0, 2), halve, then scale.
        Activation::Tanh => activated.map(|t| low + width * (t + 1.0) / 2.0),
        // No other activation has a finite range to map from.
        _ => activated,
    }
}
// ANCHOR_END: solution_predict
