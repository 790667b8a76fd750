//! # Stage 6: fine-tuning neural network hyperparameters
//!
//! Section 5 of the chapter tunes the hyperparameters of a Keras model with
//! Keras Tuner. This crate does the same on the Keras-like API of stage 5,
//! with Keras Tuner's semantics:
//!
//! - [`HyperParameters`]: `Int`, `Float` (linear, log or reverse-log
//!   sampling, with or without a step), `Choice`, `Boolean` and `Fixed`,
//!   their defaults, conditional scopes, and the map of each value to a
//!   probability in [0, 1) that the oracles search over;
//! - the [`oracle`] that records the trials ([`trial`]) and asks a strategy
//!   for the next values: [`random_search`], [`hyperband`] and
//!   [`bayesian_optimization`] (on a [`gaussian_process`]), drawing what
//!   Keras Tuner draws ([`python_random`] reproduces Python's `random()`);
//! - the [`tuner`] that builds and trains a [`HyperModel`] for each trial,
//!   on every core, saves the search in Keras Tuner's own layout (so that
//!   each can resume the other's searches), and logs the trials for
//!   TensorBoard's HPARAMS tab ([`hparams`]);
//! - the chapter's [`lr_finder`].
//!
//! ```
//! use tuning::{Choice, Float, HyperParameters, Int, Sampling};
//!
//! // The chapter's search space, declared as build_model declares it.
//! let mut hp = HyperParameters::new();
//! hp.int(Int::new("n_hidden", 0, 8).default(2))?;
//! hp.int(Int::new("n_neurons", 16, 256))?;
//! hp.float(Float::new("learning_rate", 1e-4, 1e-2).sampling(Sampling::Log))?;
//! hp.choice(Choice::new("optimizer", ["sgd", "adam"]))?;
//! // Keras Tuner's first trial for seed 42 draws n_hidden from random.Random(42).
//! let n_hidden = &hp.space()[0];
//! assert_eq!(n_hidden.random_sample(42).as_i64(), Some(5));
//! # Ok::<(), tuning::TuningError>(())
//! ```

pub mod bayesian_optimization;
mod error;
pub mod gaussian_process;
pub mod hparams;
pub mod hyperband;
pub mod hyperparameters;
pub mod lr_finder;
pub mod oracle;
pub mod python_random;
pub mod random_search;
pub mod trial;
pub mod tuner;

pub use error::{Result, TuningError};
pub use hyperparameters::{
    Boolean, Choice, Condition, Fixed, Float, HyperParameter, HyperParameters, Int, Sampling, Value,
};
pub use trial::{Direction, Objective, Trial, TrialStatus};
pub use tuner::{
    BayesianOptimization, HyperModel, Hyperband, RandomSearch, SearchOptions, Tuner, TunerOptions,
};
