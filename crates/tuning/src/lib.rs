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
//! - the random draws of Keras Tuner, reproduced from Python's
//!   `random.Random(seed)` ([`python_random`]).

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
