//! # Stage 3: the multilayer perceptron and backpropagation
//!
//! An MLP stacks dense layers (Equation 10-2, computed with stage 1's
//! affine kernel) with differentiable activations, and learns by
//! backpropagation: a forward pass that keeps every layer's weighted sums
//! and outputs, a backward pass that applies the chain rule layer by layer
//! from the loss back to the inputs ([`backprop`], derived by hand), and a
//! gradient-descent step ([`optimizer`]).
//!
//! - [`activation`]: heaviside, sigmoid, tanh, ReLU, softplus, softmax,
//!   identity and their derivatives (Figure 10-8);
//! - [`loss`]: MSE, MAE, Huber, binary and categorical cross-entropy, stable
//!   for large logits;
//! - [`init`], [`dense`], [`backprop`], [`optimizer`], [`train`]: the
//!   network and its training;
//! - [`scaler`]: scikit-learn's `StandardScaler`.
//!
//! ```
//! use mlp::{Activation, Loss, Mlp, Targets, TrainOptions, train};
//! use nalgebra::dmatrix;
//! // XOR (Figure 10-6, right) with a 2-2-1 sigmoid network.
//! let x = dmatrix![0.0, 0.0; 0.0, 1.0; 1.0, 0.0; 1.0, 1.0];
//! let y = dmatrix![0.0; 1.0; 1.0; 0.0];
//! let mut net = Mlp::new(&[2, 8, 1], Activation::Tanh, Activation::Sigmoid, 1)?;
//! let options = TrainOptions { optimizer: mlp::Optimizer::adam(0.05), max_iter: 500, alpha: 0.0, ..Default::default() };
//! train(&mut net, &x, Targets::Dense(&y), Loss::BinaryCrossEntropy, &options)?;
//! let p = net.predict(&x)?;
//! assert!(p[0] < 0.5 && p[1] > 0.5 && p[2] > 0.5 && p[3] < 0.5);
//! # Ok::<(), mlp::MlpError>(())
//! ```

pub mod activation;
pub mod backprop;
pub mod chapter;
pub mod dense;
mod error;
pub mod estimator;
#[cfg(feature = "figures")]
pub mod figures;
pub mod init;
pub mod loss;
pub mod matmul;
pub mod optimizer;
pub mod scaler;
pub mod train;

pub use activation::Activation;
pub use backprop::{Gradients, Mlp, Workspace};
pub use dense::Dense;
pub use error::{MlpError, Result};
pub use estimator::{MlpClassifier, MlpOptions, MlpRegressor, Solver};
pub use init::Init;
pub use loss::{Loss, Targets};
pub use optimizer::{Optimizer, OptimizerState};
pub use scaler::StandardScaler;
pub use train::{History, Shuffle, SklearnShuffle, Stop, TrainOptions, train, train_with};
