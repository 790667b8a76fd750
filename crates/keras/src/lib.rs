//! # Stage 5: a Keras-like API
//!
//! The second half of the chapter builds networks with Keras. This crate
//! gives the same API in Rust, on stage 4's autodiff tape, in `f32`:
//!
//! - [`layers`]: `Input`, `Flatten`, `Dense`, `Normalization`,
//!   `Concatenate`, each following one contract ([`layers::Layer`]);
//! - three ways to build a [`Model`]: [`Sequential`] (a chain),
//!   [`Model::functional`] (a graph of layer calls on symbolic tensors) and
//!   [`Model::subclassed`] (a [`Subclass`] whose `call` is Rust code); a
//!   model is also a layer;
//! - `summary`, `layers`, `get_layer`, `get_weights`, `set_weights`; the
//!   weights are [`Variable`]s with stable identities and Keras paths;
//! - `compile` with [`losses`], [`optimizers`] and [`metrics`] by name or
//!   value, per output for models with several ([`CompileOptions`]); `fit`
//!   with a Keras-like progress bar, validation, class and sample weights
//!   and [`callbacks`]; `evaluate`; `predict` (`&self`, on every core);
//! - [`Tensor`] and [`Labels`] for data, one, a list or a map by name
//!   ([`Inputs`], [`Targets`]); [`to_categorical`] and [`argmax`].
//!
//! ```
//! use keras::layers::{Dense, Input};
//! use keras::{FitOptions, Labels, Sequential, Tensor, Verbosity};
//! // y = 2x − 1, learned by one linear neuron.
//! let xs: Vec<f32> = (0..64).map(|i| i as f32 / 32.0 - 1.0).collect();
//! let ys: Vec<f32> = xs.iter().map(|x| 2.0 * x - 1.0).collect();
//! let x = Tensor::new(xs, &[64, 1])?;
//! let y = Labels::from(&ys[..]);
//! let mut model = Sequential::new(vec![Input::new(&[1]).into(), Dense::new(1).into()])?;
//! model.compile("mse", keras::optimizers::SGD { learning_rate: 0.1, ..Default::default() }, &[])?;
//! let history = model.fit(&x, &y, FitOptions { epochs: 50, verbose: Verbosity::Silent, ..Default::default() })?;
//! assert!(history.get("loss").last().unwrap() < &1e-4);
//! let w = model.get_weights()?;
//! assert!((w[0][(0, 0)] - 2.0).abs() < 0.01 && (w[1][(0, 0)] + 1.0).abs() < 0.01);
//! # Ok::<(), keras::KerasError>(())
//! ```

mod arg;
pub mod callbacks;
mod clock;
mod compile;
mod data;
mod error;
mod graph;
pub mod initializers;
pub mod layers;
pub mod losses;
pub mod metrics;
mod model;
pub mod optimizers;
pub mod saving;
mod session;
pub mod subclass;
mod summary;
mod tensor;
pub mod tensorboard;
pub mod training;
mod variable;

pub use arg::{Arg, Named};
pub use callbacks::{Callback, Control, History, Logs, ProgbarLogger, Verbosity};
pub use compile::{CompileOptions, Metrics, PerOutput};
pub use data::{Inputs, Targets, Validation};
pub use error::{KerasError, Result};
pub use graph::GraphInput;
pub use layers::KerasTensor;
pub use metrics::MetricArg;
pub use model::{LayerRef, Model, Sequential, Tensors};
pub use saving::{KernelLayout, load_model};
pub use session::{clear_session, set_random_seed, set_threads, threads};
pub use subclass::Subclass;
pub use summary::thousands;
pub use tensor::{Labels, Tensor, argmax, to_categorical};
pub use training::FitOptions;
pub use variable::{Variable, WeightId};
