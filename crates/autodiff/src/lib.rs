//! # Stage 4: reverse-mode automatic differentiation
//!
//! The chapter calls backpropagation "reverse-mode autodiff plus gradient
//! descent". Stage 3 wrote the backward pass of an MLP by hand; this crate
//! derives it automatically, for any composition of the operations a
//! network needs, by recording them on a [`Tape`] and walking the tape
//! backwards. The activations and losses are the `mlp` crate's kernels, so
//! the tape computes exactly what the hand-derived pass computes.
//!
//! For contrast, [`dual`] implements forward mode with dual numbers: each
//! value carries its derivative along one input direction, so it needs a
//! pass per input where the tape needs one backward pass for all of them.
//! [`graph`] records the tape of a small network that the book draws (the
//! drawing itself is the `plotting` crate's: this crate draws nothing).

pub mod dual;
pub mod graph;
pub mod tape;

pub use dual::Dual;
pub use tape::{Axis, Op, Tape, TapeError, Var};
