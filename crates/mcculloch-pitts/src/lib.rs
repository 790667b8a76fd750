//! # Stage 1: logical computations with neurons
//!
//! McCulloch and Pitts (1943) modelled a neuron as a unit with binary
//! inputs and one binary output that fires when enough of its inputs are
//! active. Networks of such units compute any proposition of logic
//! (Figure 10-3). This crate builds them, and exposes the two kernels that
//! every later stage computes its layers with:
//!
//! - [`affine`] / [`affine_into`]: `Z = XW + b`, the bias broadcast to every
//!   row (Equation 10-2 before its activation), on nalgebra's GEMM;
//! - [`heaviside`] and [`sign`]: the step functions of Equation 10-1.
//!
//! A McCulloch–Pitts unit is the special case of a threshold logic unit
//! with whole-number weights (the number of connections) and a bias equal to
//! minus its threshold, which is how [`Network::evaluate`] runs a whole batch
//! of input rows through those kernels.
//!
//! ```
//! use mcculloch_pitts::figure_10_3;
//! for (name, net) in figure_10_3::all() {
//!     println!("{name}\n{net}");
//! }
//! ```

pub mod affine;
pub mod figure_10_3;
pub mod network;
pub mod step;
pub mod unit;

pub use affine::{ShapeError, affine, affine_into};
pub use network::{Network, NetworkError, TruthRow};
pub use step::{heaviside, heaviside_mut, sign, sign_mut};
pub use unit::{Signal, Unit};
