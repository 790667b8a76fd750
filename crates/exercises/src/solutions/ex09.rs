//! Exercise 9, reference solution: the hyperparameters of a basic MLP, and
//! how to tweak them when it overfits.
//!
//! The exercise, in our words: list all the hyperparameters you can tweak
//! in a basic MLP. If the MLP overfits the training data, how could you
//! tweak these hyperparameters to try to solve the problem?
//!
//! # The answer
//!
//! **The hyperparameters.** Everything about an MLP that training does not
//! learn, and that you must therefore choose:
//!
//! * the architecture: the number of hidden layers, the number of neurons
//!   in each hidden layer, the activation function of the hidden layers
//!   (ReLU is a good default) and the activation function of the output
//!   layer (none for regression, the sigmoid for binary or multilabel
//!   classification, softmax for multiclass classification);
//! * the loss that training minimizes (mean squared error, or Huber with
//!   outliers, for regression; cross-entropy for classification);
//! * how training runs: the optimizer, its learning rate (the most
//!   important hyperparameter of all), the batch size, and the number of
//!   epochs, or instead early stopping.
//!
//! The weights and the biases are not hyperparameters: they are the
//! model's *parameters*, which training learns.
//!
//! **When the MLP overfits** (it does much better on the training set than
//! on new data), reduce what lets it memorize the training set:
//!
//! * fewer hidden layers: each layer adds capacity, the ability to fit more
//!   complex functions, and noise in the training set is one of them;
//! * fewer neurons per hidden layer, for the same reason;
//! * fewer epochs, or better early stopping: the longer a network trains on
//!   the same instances, the more it learns their noise; early stopping
//!   keeps the weights of the epoch that did best on the validation set.
//!
//! The output activation and the loss are decided by the task, not by how
//! well the model generalizes: changing them does not address overfitting.
//! The learning rate, the optimizer and the batch size mostly change how
//! fast and how stably training converges; they are not the tools to reach
//! for against overfitting (a smaller learning rate or larger batches with
//! the same epochs only stop the training earlier in disguise, and the
//! optimal learning rate depends on them, so retune it after changing
//! them). Regularization (ℓ1 and ℓ2 penalties, dropout) and more training
//! data are the other remedies; the `keras` crate of stage 5 does not offer
//! regularizers, so this exercise leaves them aside.
//!
//! The checks train the configurations this module returns and measure
//! that each remedy narrows the gap between the loss on new data and the
//! loss on the training data.

pub use crate::vocab::{Activation, Loss};

// ANCHOR: candidate
/// A possible answer to "name a hyperparameter of a basic MLP". Not every
/// candidate is one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Candidate {
    /// The number of hidden layers.
    HiddenLayers,
    /// The number of neurons in each hidden layer.
    NeuronsPerLayer,
    /// The activation function of the hidden layers.
    HiddenActivation,
    /// The activation function of the output layer.
    OutputActivation,
    /// The loss function that training minimizes.
    Loss,
    /// The learning rate of the optimizer.
    LearningRate,
    /// The optimizer: plain gradient descent, Adam, …
    Optimizer,
    /// The number of instances in each mini-batch.
    BatchSize,
    /// The number of epochs, or early stopping instead.
    Epochs,
    /// The connection weights of the layers.
    Weights,
    /// The bias terms of the neurons.
    Biases,
}
// ANCHOR_END: candidate

impl Candidate {
    /// Every candidate, in the order above.
    pub const ALL: [Candidate; 11] = [
        Candidate::HiddenLayers,
        Candidate::NeuronsPerLayer,
        Candidate::HiddenActivation,
        Candidate::OutputActivation,
        Candidate::Loss,
        Candidate::LearningRate,
        Candidate::Optimizer,
        Candidate::BatchSize,
        Candidate::Epochs,
        Candidate::Weights,
        Candidate::Biases,
    ];
}

// ANCHOR: optimizer
/// The optimizers of the chapter's tuner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimizer {
    /// Plain mini-batch gradient descent (Keras's `"sgd"`).
    Sgd,
    /// Adam (Keras's `"adam"`).
    Adam,
}
// ANCHOR_END: optimizer

// ANCHOR: config
/// Every hyperparameter of a basic MLP, with one field each (except the
/// number of epochs and early stopping, two fields for one hyperparameter).
///
/// The network is `hidden_layers` dense layers of `neurons` neurons each,
/// with the activation `hidden_activation`, then an output layer whose
/// neurons the task decides, with `output_activation`, trained on `loss`
/// by `optimizer` with `learning_rate`, in batches of `batch_size`, for
/// `epochs` epochs. With `early_stopping: Some(patience)`, training also
/// watches the loss on a validation set after each epoch, stops once it
/// has not improved for `patience` epochs in a row, and puts back the
/// weights of the best epoch (Keras's
/// `EarlyStopping(patience=…, restore_best_weights=True)`).
///
/// There is no field for the weights and biases: training sets them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MlpConfig {
    /// The number of hidden layers.
    pub hidden_layers: usize,
    /// The number of neurons in each hidden layer.
    pub neurons: usize,
    /// The activation function of every hidden layer.
    pub hidden_activation: Activation,
    /// The activation function of the output layer.
    pub output_activation: Activation,
    /// The loss that training minimizes.
    pub loss: Loss,
    /// The optimizer.
    pub optimizer: Optimizer,
    /// The optimizer's learning rate.
    pub learning_rate: f64,
    /// Instances per mini-batch.
    pub batch_size: usize,
    /// The number of epochs (the most training can run).
    pub epochs: usize,
    /// Early stopping, with this patience (in epochs), or none.
    pub early_stopping: Option<usize>,
}
// ANCHOR_END: config

/// The hyperparameters of a basic MLP, among the [`Candidate`]s.
#[must_use]
// ANCHOR: solution_hyperparameters
pub fn hyperparameters() -> Vec<Candidate> {
    // The weights and the biases are what training learns: parameters.
    vec![
        Candidate::HiddenLayers,
        Candidate::NeuronsPerLayer,
        Candidate::HiddenActivation,
        Candidate::OutputActivation,
        Candidate::Loss,
        Candidate::LearningRate,
        Candidate::Optimizer,
        Candidate::BatchSize,
        Candidate::Epochs,
    ]
}
// ANCHOR_END: solution_hyperparameters

/// How to tweak `hyperparameter` in `config`, an MLP that overfits: the
/// configuration with that hyperparameter changed, or `None` if tweaking
/// it is not a remedy for overfitting (or if it is not a hyperparameter).
#[must_use]
// ANCHOR: solution_against_overfitting
pub fn against_overfitting(hyperparameter: Candidate, config: &MlpConfig) -> Option<MlpConfig> {
    match hyperparameter {
        // Less capacity: one hidden layer fewer…
        Candidate::HiddenLayers if config.hidden_layers > 0 => {
            Some(MlpConfig { hidden_layers: config.hidden_layers - 1, ..*config })
        }
        // …or half as many neurons in each.
        Candidate::NeuronsPerLayer if config.neurons > 1 => {
            Some(MlpConfig { neurons: config.neurons / 2, ..*config })
        }
        // Stop when the validation loss stops improving, and keep the best
        // weights (the chapter's patience of 10 epochs).
        Candidate::Epochs => Some(MlpConfig { early_stopping: Some(10), ..*config }),
        // The task decides the output layer and the loss; the optimizer,
        // its learning rate and the batch size are about how training
        // converges; the weights and biases are learned.
        _ => None,
    }
}
// ANCHOR_END: solution_against_overfitting
