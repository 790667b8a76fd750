//! Exercise 10, reference solution: a deep MLP on MNIST, above 98%
//! accuracy.
//!
//! The exercise, in our words: train a deep MLP on the MNIST dataset and
//! see if you can get over 98% accuracy on the test set. Find the optimal
//! learning rate first, by growing it exponentially, plotting the loss,
//! and finding the point where the loss shoots up. Then add all the bells
//! and whistles: save checkpoints, use early stopping, and plot learning
//! curves with TensorBoard. Finally, try tuning the hyperparameters.
//!
//! # The answer
//!
//! * The model is the chapter's classifier made a little wider: the 28 × 28
//!   pixels flattened, two hidden layers of 300 ReLU neurons, and 10
//!   softmax outputs, one per digit, trained by Adam on sparse categorical
//!   cross-entropy. Two hidden layers are enough for more than 98% on
//!   MNIST, as the chapter says.
//! * The learning rate comes from a sweep ([`LrFinder::find`], with the
//!   chapter's settings): 500 batches from 10⁻⁵ towards 10, the rate
//!   multiplied by the same factor after each batch. The loss hardly
//!   moves at first, falls faster and faster, then shoots up; the sweep
//!   stops near 0.05, once the loss has grown to four times its lowest.
//!   The turning point, where the loss averaged over 21 batches is
//!   lowest, lies between 1 · 10⁻³ and 4 · 10⁻³ depending on the seed.
//!   The chapter's rule of thumb takes a rate ten times below it
//!   ([`LrFinder::suggestion`]); for Adam that is cautious, and training
//!   sometimes stops below 98%, so the solution takes three times below
//!   (about 9 · 10⁻⁴, near Keras's default for Adam, 10⁻³).
//! * Training then runs with four callbacks: `ModelCheckpoint` saves the
//!   weights each time the validation accuracy improves, so a crash loses
//!   nothing; `EarlyStopping` ends training once the validation accuracy
//!   has not improved for 5 epochs and puts the best weights back, so the
//!   number of epochs can be large; `ReduceLROnPlateau` divides the
//!   learning rate by about 3 whenever the validation loss stops going
//!   down, so the last epochs take small steps; `TensorBoard` writes the
//!   learning curves (loss, accuracy and learning rate, training and
//!   validation, per epoch) under `run_dir/logs/run_…`, where
//!   `tensorboard --logdir` shows them. Training stops after a dozen
//!   epochs or so, and the model gets 98.4 to 98.5% of the 10,000 test
//!   images right.
//! * Last, a random search over the chapter's space (0 to 8 hidden
//!   layers, 16 to 256 neurons, a learning rate from 10⁻⁴ to 10⁻² on a log
//!   scale, SGD or Adam) compares a few trials by validation accuracy.
//!   In a short search (a few epochs on a few thousand images), the
//!   trials that draw SGD hardly learn and those that draw Adam do, which
//!   points the same way as the sweep. The best hyperparameters found
//!   would then be trained on the full training set (with the callbacks
//!   above) and evaluated once on the test set.

use std::path::Path;

use keras::callbacks::{EarlyStopping, ModelCheckpoint, ReduceLROnPlateau};
use keras::layers::{Dense, Flatten, Input};
use keras::optimizers::{Adam, SGD};
use keras::tensorboard::{TensorBoard, run_logdir};
use keras::{FitOptions, Sequential, Verbosity};
pub use keras::{History, Labels, Model, Tensor};
pub use tuning::lr_finder::LrFinder;
use tuning::lr_finder::LrFinderOptions;
use tuning::{Choice, Float, Int, RandomSearch, Sampling, SearchOptions, TunerOptions};
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
/// # Errors
///
/// If the model cannot be built or compiled.
// ANCHOR: solution_build_model
pub fn build_model(learning_rate: f64) -> Result<Model> {
    let mut model = Sequential::new(vec![
        Input::new(&[28, 28]).into(),
        Flatten::new().into(),
        Dense::new(300).activation("relu").into(),
        Dense::new(300).activation("relu").into(),
        Dense::new(10).activation("softmax").into(),
    ])?;
    let adam = Adam { learning_rate, ..Adam::default() };
    model.compile("sparse_categorical_crossentropy", adam, &["accuracy".into()])?;
    Ok(model)
}
// ANCHOR_END: solution_build_model

/// Sweeps the learning rate of [`build_model`]'s model over the training
/// set, growing it exponentially from batch to batch, and returns each
/// batch's rate and loss.
///
/// # Errors
///
/// If the model cannot be built or trained.
// ANCHOR: solution_find_learning_rate
pub fn find_learning_rate(data: &TrainingData) -> Result<LrFinder> {
    // The rate given here does not matter: the sweep replaces it.
    let mut model = build_model(1e-3)?;
    // The chapter's sweep: 500 batches of 32, from 1e-5 towards 10.
    let options = LrFinderOptions::default();
    LrFinder::find(&mut model, &data.x_train, &data.y_train, &options)
}
// ANCHOR_END: solution_find_learning_rate

/// The learning rate to train with, read from a sweep: about ten times
/// below the point where the loss shoots up, or `None` if the sweep is
/// empty.
#[must_use]
// ANCHOR: solution_pick_learning_rate
pub fn pick_learning_rate(sweep: &LrFinder) -> Option<f64> {
    // The turning point: the rate where the loss, averaged over 21
    // batches, is lowest, just before it climbs. `sweep.suggestion()` is
    // ten times below it; Adam trains faster three times below it.
    sweep.turning_point().map(|rate| rate / 3.0)
}
// ANCHOR_END: solution_pick_learning_rate

/// Trains [`build_model`]'s model with `learning_rate` on the training
/// set, validating on the validation set after each epoch, with
/// checkpoints, early stopping and TensorBoard logs under `run_dir`.
/// Returns the trained model, with the weights of its best epoch, and the
/// history.
///
/// # Errors
///
/// If training fails or a file cannot be written.
// ANCHOR: solution_train
pub fn train(data: &TrainingData, learning_rate: f64, run_dir: &Path) -> Result<(Model, History)> {
    let mut model = build_model(learning_rate)?;
    // The weights of the best epoch so far, by validation accuracy.
    let mut checkpoint = ModelCheckpoint::new(run_dir.join("checkpoints").join("best.weights.h5"))
        .monitor("val_accuracy")
        .save_weights_only(true)
        .save_best_only(true);
    // Stop after 5 epochs without a better validation accuracy, and put
    // the best weights back.
    let mut early_stopping =
        EarlyStopping::new().monitor("val_accuracy").patience(5).restore_best_weights(true);
    // Divide the rate by 3 whenever the validation loss stops going down.
    let mut slower = ReduceLROnPlateau::new().factor(0.3).patience(1);
    // The learning curves, in a folder named after the time.
    let mut tensorboard = TensorBoard::new(run_logdir(run_dir.join("logs")));
    let history = model.fit(
        &data.x_train,
        &data.y_train,
        FitOptions {
            epochs: 100, // early stopping ends training long before
            validation_data: Some((&data.x_valid, &data.y_valid).into()),
            callbacks: vec![&mut checkpoint, &mut slower, &mut early_stopping, &mut tensorboard],
            verbose: Verbosity::OneLine,
            ..FitOptions::default()
        },
    )?;
    tensorboard.result()?;
    Ok((model, history))
}
// ANCHOR_END: solution_train

/// The chapter's model-building function for Keras Tuner: Flatten, then
/// `n_hidden` (0 to 8, default 2) ReLU layers of `n_neurons` (16 to 256)
/// neurons each, then 10 softmax outputs, compiled with `optimizer`
/// (`"sgd"` or `"adam"`) at `learning_rate` (10⁻⁴ to 10⁻², log
/// sampling).
///
/// # Errors
///
/// If a hyperparameter is declared twice with different settings, or the
/// model cannot be built.
// ANCHOR: solution_build_tunable_model
pub fn build_tunable_model(hp: &mut HyperParameters) -> Result<Model> {
    let n_hidden = hp.int(Int::new("n_hidden", 0, 8).default(2))?;
    let n_neurons = hp.int(Int::new("n_neurons", 16, 256))?;
    let learning_rate = hp.float(Float::new("learning_rate", 1e-4, 1e-2).sampling(Sampling::Log))?;
    let optimizer = hp.choice(Choice::new("optimizer", ["sgd", "adam"]))?;
    let mut model = Sequential::empty();
    model.add(Input::new(&[28, 28]))?;
    model.add(Flatten::new())?;
    for _ in 0..n_hidden {
        model.add(Dense::new(n_neurons as usize).activation("relu"))?;
    }
    model.add(Dense::new(10).activation("softmax"))?;
    let metrics = ["accuracy".into()];
    if optimizer.as_str() == Some("sgd") {
        model.compile(
            "sparse_categorical_crossentropy",
            SGD { learning_rate, ..SGD::default() },
            &metrics,
        )?;
    } else {
        model.compile(
            "sparse_categorical_crossentropy",
            Adam { learning_rate, ..Adam::default() },
            &metrics,
        )?;
    }
    Ok(model)
}
// ANCHOR_END: solution_build_tunable_model

/// A random search of `max_trials` trials over [`build_tunable_model`]'s
/// space, drawn from `seed`, each trained for `epochs` epochs on the
/// training set and scored by its validation accuracy, kept in
/// `directory`. Returns the tuner, whose oracle holds the trials.
///
/// # Errors
///
/// If the search cannot be written in `directory`, or a trial's model
/// cannot be built.
// ANCHOR: solution_tune
pub fn tune(
    data: &TrainingData,
    directory: &Path,
    max_trials: usize,
    epochs: usize,
    seed: u64,
) -> Result<MnistTuner> {
    let options = TunerOptions {
        max_trials: Some(max_trials),
        seed: Some(seed),
        directory: directory.to_path_buf(),
        project_name: "mnist_random_search".into(),
        overwrite: true,
        ..TunerOptions::new("val_accuracy")
    };
    let build: fn(&mut HyperParameters) -> Result<Model> = build_tunable_model;
    let mut tuner = RandomSearch::new(build, options)?;
    tuner.search(
        &data.x_train,
        &data.y_train,
        SearchOptions {
            epochs,
            validation_data: Some((&data.x_valid, &data.y_valid).into()),
            ..SearchOptions::default()
        },
    )?;
    Ok(tuner)
}
// ANCHOR_END: solution_tune
