//! The reference solutions, compiled when the `learner` feature is off.
//!
//! Every module here mirrors one in `src/learner/` with the same public API.

pub mod ex02;
pub mod ex03;
pub mod ex07;
