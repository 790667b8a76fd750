//! The learner's stubs, compiled with `--features learner`.
//!
//! Every module here mirrors one in `src/solutions/` with the same public API.
//! Each function body is a `todo!` with a hint; replace it with your answer.

// The stubs keep the real parameter names so that you can see what each
// function receives, but a `todo!` body uses none of them. Without this line
// the compiler would warn about every parameter until you write the code.
#![allow(unused_variables)]

pub mod ex02;
pub mod ex03;
pub mod ex04;
pub mod ex05;
pub mod ex06;
pub mod ex07;
pub mod ex08;
pub mod ex09;
pub mod ex10;
