//! The reference solutions, compiled when the `learner` feature is off.
//!
//! Every module here mirrors one in `src/learner/` with the same public API.

pub mod ex02;
pub mod ex03;
pub mod ex04;
pub mod ex05;
pub mod ex06;
pub mod ex07;
pub mod ex08;
pub mod ex09;
pub mod ex10;
