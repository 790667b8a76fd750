//! Exercise 10: a deep MLP on MNIST, above 98% accuracy.
//!
//! The exercise, in our words: train a deep MLP on the MNIST dataset and
//! see if you can get over 98% accuracy on the test set. Find the optimal
//! learning rate first, by growing it exponentially, plotting the loss,
//! and finding the point where the loss shoots up. Then add all the bells
//! and whistles: save checkpoints, use early stopping, and plot learning
//! curves with TensorBoard. Finally, try tuning the hyperparameters.
//!
//! You write it in six steps, with stage 5's `keras` crate and stage 6's
//! `tuning` crate:
//!
//! 1. [`build_model`]: the deep MLP, compiled;
//! 2. [`find_learning_rate`]: the learning-rate sweep
//!    ([`tuning::lr_finder`]);
//! 3. [`pick_learning_rate`]: the rate to train with, read from the sweep;
//! 4. [`train`]: training with checkpoints (`keras::callbacks::ModelCheckpoint`),
//!    early stopping (`keras::callbacks::EarlyStopping`) and learning
//!    curves for TensorBoard (`keras::tensorboard::TensorBoard`);
//! 5. [`build_tunable_model`]: the chapter's model-building function for
//!    the tuner;
//! 6. [`tune`]: a random search (`tuning::RandomSearch`).
//!
//! The checks load MNIST, keep its last 5,000 training images for
//! validation, and give your functions the training and validation sets
//! ([`TrainingData`]); the test set stays with them. The main check runs
//! your steps 1 to 4 on the full training set and requires more than 98%
//! accuracy on the 10,000 test images; the others check each step on a
//! part of the data, in seconds.
//!
//! Run the checks with `cargo test -p exercises --features learner ex10`.
//! They need MNIST in the data directory (`NEURONS_DATA_DIR`, see the
//! book's page on datasets).

use std::path::Path;

pub use keras::{History, Labels, Model, Tensor};
pub use tuning::lr_finder::LrFinder;
pub use tuning::{HyperParameters, Result, Tuner};

// ANCHOR: data
/// The training and validation sets: MNIST's first 55,000 training images
/// and the last 5,000, with their labels (0 to 9), each image 28 × 28
/// pixels scaled to [0, 1]. The test set is not here: it stays with the
/// checks, which use it once, at the end.
pub struct TrainingData {
    /// Training images, shape `[n, 28, 28]`.
    pub x_train: Tensor,
    /// Their digits.
    pub y_train: Labels,
    /// Validation images, shape `[m, 28, 28]`.
    pub x_valid: Tensor,
    /// Their digits.
    pub y_valid: Labels,
}
// ANCHOR_END: data

// ANCHOR: tuner_type
/// The tuner [`tune`] returns: it tunes [`build_tunable_model`].
pub type MnistTuner = Tuner<fn(&mut HyperParameters) -> Result<Model>>;
// ANCHOR_END: tuner_type

/// A deep MLP for MNIST, compiled with this learning rate: 28 × 28 inputs,
/// at least two hidden layers, 10 softmax outputs, sparse categorical
/// cross-entropy, and accuracy as a metric.
///
/// Start from the chapter's Fashion-MNIST classifier (`Input`, `Flatten`,
/// `Dense` layers, then `compile`). The chapter's guideline: one hidden
/// layer of a few hundred neurons gets MNIST above 97%, two get it above
/// 98%. Which optimizer do you compile with? Its learning rate is the one
/// given (`keras::optimizers::Adam { learning_rate, ..Adam::default() }`,
/// or `SGD`).
///
/// # Errors
///
/// If the model cannot be built or compiled (the `?` operator turns a
/// `keras::KerasError` into this module's error type).
// ANCHOR: build_model
pub fn build_model(learning_rate: f64) -> Result<Model> {
    todo!(
        "exercise 10: a Sequential model from 28 × 28 inputs to 10 softmax outputs, compiled with this rate"
    )
}
// ANCHOR_END: build_model

/// Sweeps the learning rate of [`build_model`]'s model over the training
/// set, growing it exponentially from batch to batch, and returns each
/// batch's rate and loss.
///
/// [`LrFinder::find`] runs the chapter's sweep on a compiled model: it
/// trains for a few hundred batches while multiplying the rate by a
/// constant factor after each one. The chapter starts at 10⁻⁵ and ends near
/// 10, in 500 batches (`LrFinderOptions::default()`). The rate the model
/// was compiled with does not matter: the sweep replaces it, and puts the
/// model back as it was afterwards.
///
/// # Errors
///
/// If the model cannot be built or trained.
// ANCHOR: find_learning_rate
pub fn find_learning_rate(data: &TrainingData) -> Result<LrFinder> {
    todo!("exercise 10: build a model, then LrFinder::find on the training set with the chapter's options")
}
// ANCHOR_END: find_learning_rate

/// The learning rate to train with, read from a sweep: about ten times
/// below the point where the loss shoots up, or `None` if the sweep is
/// empty.
///
/// `sweep.rates[k]` is the rate of batch `k` and `sweep.losses[k]` its
/// loss. Plot them (the loss against the rate, on a log scale) in your
/// head: flat, then falling, then shooting up. The loss of a single batch
/// is noisy, so do not trust one point: [`LrFinder::smoothed`] averages
/// the loss over windows of batches, and [`LrFinder::suggestion`] is the
/// chapter's rule of thumb made precise. Use it, or write the rule
/// yourself.
#[must_use]
// ANCHOR: pick_learning_rate
pub fn pick_learning_rate(sweep: &LrFinder) -> Option<f64> {
    todo!("exercise 10: find where the smoothed loss stops going down, and go ten times below")
}
// ANCHOR_END: pick_learning_rate

/// Trains [`build_model`]'s model with `learning_rate` on the training
/// set, validating on the validation set after each epoch, with
/// checkpoints, early stopping and TensorBoard logs under `run_dir`.
/// Returns the trained model, with the weights of its best epoch, and the
/// history.
///
/// Give `fit` three callbacks (`FitOptions { callbacks: vec![&mut a, &mut b, &mut c], .. }`):
///
/// * `ModelCheckpoint` saves the model (a `.keras` file) or its weights
///   (a `.weights.h5` file) somewhere under `run_dir` as training goes;
///   with `save_best_only`, only when the validation loss improves.
/// * `EarlyStopping` stops training once the validation loss has not
///   improved for `patience` epochs. With it, the number of epochs can be
///   large (say 100): set it so, the checks make sure training stopped
///   early. Which option puts the best epoch's weights back at the end?
/// * `keras::tensorboard::TensorBoard` writes the learning curves of a
///   run in a folder under `run_dir` (`run_logdir` names one after the
///   time, as the chapter does); after `fit`, its `result()` tells whether
///   every write succeeded.
///
/// # Errors
///
/// If training fails or a file cannot be written.
// ANCHOR: train
pub fn train(data: &TrainingData, learning_rate: f64, run_dir: &Path) -> Result<(Model, History)> {
    todo!(
        "exercise 10: build_model, then fit on the training set with validation data and the three callbacks"
    )
}
// ANCHOR_END: train

/// The chapter's model-building function for Keras Tuner: Flatten, then
/// `n_hidden` (0 to 8, default 2) ReLU layers of `n_neurons` (16 to 256)
/// neurons each, then 10 softmax outputs, compiled with `optimizer`
/// (`"sgd"` or `"adam"`) at `learning_rate` (10⁻⁴ to 10⁻², log
/// sampling).
///
/// Declare each hyperparameter with the chapter's name and range, in the
/// chapter's order (`n_hidden`, `n_neurons`, `learning_rate`, `optimizer`:
/// a random search draws the values in the order they were declared):
/// `hp.int(Int::new("n_hidden", 0, 8).default(2))?` returns its value for
/// the current trial (its default the first time), and likewise
/// `hp.float(Float::new(…).sampling(Sampling::Log))?` and
/// `hp.choice(Choice::new("optimizer", ["sgd", "adam"]))?` (whose value's
/// `as_str()` is the name). `Int`, `Float`, `Choice` and `Sampling` are in
/// the `tuning` crate. Then build the model with those values.
///
/// # Errors
///
/// If a hyperparameter is declared twice with different settings, or the
/// model cannot be built.
// ANCHOR: build_tunable_model
pub fn build_tunable_model(hp: &mut HyperParameters) -> Result<Model> {
    todo!("exercise 10: declare n_hidden, n_neurons, learning_rate and optimizer, then build and compile")
}
// ANCHOR_END: build_tunable_model

/// A random search of `max_trials` trials over [`build_tunable_model`]'s
/// space, drawn from `seed`, each trained for `epochs` epochs on the
/// training set and scored by its validation accuracy, kept in
/// `directory`. Returns the tuner, whose oracle holds the trials.
///
/// `tuning::RandomSearch::new(build, options)` makes the tuner, with
/// `options` a `tuning::TunerOptions` (the objective, `max_trials`,
/// `seed: Some(seed)`, `directory` and a project name, and
/// `overwrite: true` to start afresh); `build` is [`build_tunable_model`]
/// as a function pointer:
/// `let build: fn(&mut HyperParameters) -> Result<Model> = build_tunable_model;`.
/// Then `tuner.search(x, y, tuning::SearchOptions { epochs, validation_data, .. })`.
///
/// # Errors
///
/// If the search cannot be written in `directory`, or a trial's model
/// cannot be built.
// ANCHOR: tune
pub fn tune(
    data: &TrainingData,
    directory: &Path,
    max_trials: usize,
    epochs: usize,
    seed: u64,
) -> Result<MnistTuner> {
    todo!("exercise 10: a RandomSearch of build_tunable_model maximizing val_accuracy, then search")
}
// ANCHOR_END: tune
