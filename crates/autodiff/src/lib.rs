//! # Stage 4: reverse-mode automatic differentiation
//!
//! The chapter calls backpropagation "reverse-mode autodiff plus gradient
//! descent". Stage 3 wrote the backward pass of an MLP by hand; this crate
//! derives it automatically, for any composition of the operations a
//! network needs, by recording them on a [`Tape`] and walking the tape
//! backwards. The activations and losses are the `mlp` crate's kernels, so
//! the tape computes exactly what the hand-derived pass computes.

pub mod tape;

pub use tape::{Axis, Op, Tape, TapeError, Var};
