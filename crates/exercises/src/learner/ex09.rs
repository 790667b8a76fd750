//! Exercise 9: the hyperparameters of a basic MLP, and how to tweak them
//! when it overfits.
//!
//! The exercise, in our words: list all the hyperparameters you can tweak
//! in a basic MLP. If the MLP overfits the training data, how could you
//! tweak these hyperparameters to try to solve the problem?
//!
//! Answer in writing first, then compare with the module documentation of
//! the reference solution (`src/solutions/ex09.rs`). Some questions to guide
//! you: what must you decide before training can start, and what does
//! training decide for you? Which of those choices does the task (the
//! meaning of the outputs) already make? What does an MLP that overfits
//! have too much of, and which hyperparameters give it that? What happens
//! to the loss on the training set, and to the loss on new data, as the
//! epochs go by?
//!
//! Then write the answer in code:
//!
//! 1. [`hyperparameters`]: the hyperparameters of a basic MLP, picked among
//!    the [`Candidate`]s (not every candidate is one);
//! 2. [`against_overfitting`]: for one hyperparameter and an [`MlpConfig`]
//!    that overfits, the configuration with that hyperparameter tweaked
//!    against overfitting, or `None` if tweaking it is no remedy.
//!
//! The checks compare your list with the chapter's. Then they train your
//! remedies with the `keras` crate: on a small noisy data set (100 training
//! instances with 15% of their labels wrong), they draw configurations
//! that overfit, train each one as it is and as your remedy changes it,
//! with the same seeds, and require your remedy to narrow the gap between
//! the loss on new data and the loss on the training data.
//!
//! Run the checks with `cargo test -p exercises --features learner ex09`.

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
///
/// A hyperparameter is something you choose before training, which
/// training does not learn. Go through the chapter's steps of building and
/// training an MLP with Keras: the layers you stack (how many, how wide,
/// with which activation), what `compile` takes, what `fit` takes. Which
/// candidates are learned instead?
#[must_use]
// ANCHOR: hyperparameters
pub fn hyperparameters() -> Vec<Candidate> {
    todo!("exercise 9: list the candidates you choose before training, and leave out what training learns")
}
// ANCHOR_END: hyperparameters

/// How to tweak `hyperparameter` in `config`, an MLP that overfits: the
/// configuration with that hyperparameter changed, or `None` if tweaking
/// it is not a remedy for overfitting (or if it is not a hyperparameter).
///
/// `config` always has at least two hidden layers of at least two neurons
/// each, and trains for a fixed number of epochs, without early stopping.
///
/// * Change only the fields of `hyperparameter`: `hidden_layers` for
///   [`Candidate::HiddenLayers`], `neurons` for
///   [`Candidate::NeuronsPerLayer`], `epochs` and `early_stopping` for
///   [`Candidate::Epochs`], and so on. Copy the rest:
///   `MlpConfig { neurons: …, ..*config }`.
/// * An MLP that overfits has learned the noise of its training set along
///   with the signal. Which hyperparameters decide how much it *can*
///   learn, and which decide how long it learns?
/// * Make the step clear: a few neurons less, or a few epochs less, make
///   no difference that training can measure. The checks expect at most
///   half as many neurons, and either early stopping or at most half the
///   epochs.
/// * Which hyperparameters does the task decide, whatever the model's
///   generalization (see exercise 7)? What is there to tweak in what
///   training learns by itself?
/// * The learning rate, the optimizer, the batch size and the hidden
///   activation mostly change how fast and how stably training converges.
///   You may return `None` for them; the checks accept a change too, as
///   long as it changes only that hyperparameter.
#[must_use]
// ANCHOR: against_overfitting
pub fn against_overfitting(hyperparameter: Candidate, config: &MlpConfig) -> Option<MlpConfig> {
    todo!(
        "exercise 9: match on the hyperparameter; shrink the network or stop training earlier where that helps, \
         None elsewhere"
    )
}
// ANCHOR_END: against_overfitting
