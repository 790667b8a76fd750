//! # neurons
//!
//! Artificial neural networks built stage by stage, following the chapter
//! "Introduction to Artificial Neural Networks with Keras" (Hands-On
//! Machine Learning, 3rd edition). This umbrella crate re-exports every
//! stage, so that the workspace's top-level `tests/` and `benches/` can use
//! them all; each stage also stands alone as its own crate.
//!
//! | crate | what it adds |
//! |---|---|
//! | [`mcculloch_pitts`] | stage 1: logic units; the affine and step kernels |
//! | [`perceptron`] | stage 2: threshold logic units, the perceptron learning rule |
//! | [`mlp`] | stage 3: the multilayer perceptron, hand-derived backpropagation, activations and losses |
//! | [`autodiff`] | stage 4: a reverse-mode autodiff tape, dual numbers for forward mode |
//! | [`keras`] | stage 5: a Keras-like API (Sequential, compile, fit, evaluate, predict) in f32 |
//! | [`tuning`] | stage 6: hyperparameter search as Keras Tuner does it (random search, Hyperband, Bayesian optimization) |
//! | [`datasets`] | iris, California housing, Fashion-MNIST, MNIST; splits; downloader |
//! | [`plotting`] | the book's figures, drawn with a bundled font |
//! | [`exercises`] | the chapter's exercises: stubs, solutions, checks |

pub use autodiff;
pub use datasets;
pub use exercises;
pub use keras;
pub use mcculloch_pitts;
pub use mlp;
pub use perceptron;
pub use plotting;
pub use tuning;
