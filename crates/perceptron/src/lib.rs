//! # Stage 2: the perceptron
//!
//! Rosenblatt's perceptron (1957) is a layer of threshold logic units: each
//! unit weighs its numeric inputs, adds a bias and fires when the sum is not
//! negative. This crate builds it on the kernels of stage 1 and trains it
//! with the perceptron learning rule:
//!
//! - [`tlu`]: one threshold logic unit (Figure 10-4), a linear binary
//!   classifier;
//! - [`layer`]: a perceptron, a layer of TLUs fully connected to the inputs
//!   (Figure 10-5, Equation 10-2), computed with
//!   [`mcculloch_pitts::affine()`] and the step functions;
//! - [`learning_rule`]: Equation 10-3, one instance at a time;
//! - [`mod@perceptron`]: an estimator that behaves like scikit-learn's
//!   `Perceptron`, for two classes or one-vs-rest;
//! - [`iris`]: the chapter's example, Iris setosa from petal length and
//!   width;
//! - [`xor`]: the XOR problem a perceptron cannot learn (Figure 10-6, left);
//! - [`data`]: training on a CSV file;
//! - `figures`: the figures of this stage, all drawn by `figures()` (with
//!   the `figures` feature, which the `perceptron` command turns on).
//!
//! ```
//! use perceptron::iris::{IrisExample, iris_example};
//! let IrisExample { predictions, training_accuracy, .. } = iris_example()?;
//! assert_eq!(predictions, [true, false]);
//! assert_eq!(training_accuracy, 1.0);
//! # Ok::<(), perceptron::PerceptronError>(())
//! ```

pub mod data;
mod describe;
mod error;
#[cfg(feature = "figures")]
pub mod figures;
pub mod iris;
pub mod layer;
pub mod learning_rule;
pub mod perceptron;
pub mod tlu;
pub mod xor;

pub use describe::describe;
pub use error::{PerceptronError, Result};
#[cfg(feature = "figures")]
pub use figures::figures;
pub use layer::Layer;
pub use perceptron::{Epoch, FitReport, Options, Perceptron, Stop};
pub use tlu::{Step, Tlu};
