//! Exercise 2, reference solution: exclusive OR from McCulloch–Pitts units.
//!
//! The exercise, in our words: draw a network of the original artificial
//! neurons (the on/off units of McCulloch and Pitts, Figure 10-3) whose
//! output is on when exactly one of its two inputs A and B is on, `A ⊕ B`.
//!
//! No single unit can do it. A unit's excitation can only grow when more of
//! its inputs switch on, so if A alone or B alone reaches the threshold, A
//! and B together reach it too; and an inhibitory connection from A or from
//! B would silence one of the two cases that must fire. The way out is to
//! split the proposition into pieces that single units do compute:
//!
//! ```text
//! A ⊕ B = (A ∧ ¬B) ∨ (¬A ∧ B)
//! ```
//!
//! Each bracket is the "A and not B" network of Figure 10-3 (the second one
//! with the roles of A and B swapped), and the OR network of the same figure
//! joins them. That is three units in two layers:
//!
//! ```text
//! u0: fires when 2×A ≥ 2, unless B is on      (A ∧ ¬B)
//! u1: fires when 2×B ≥ 2, unless A is on      (B ∧ ¬A)
//! u2: fires when 2×u0 + 2×u1 ≥ 2              (u0 ∨ u1)
//! ```
//!
//! Another correct answer is `(A ∨ B) ∧ ¬(A ∧ B)`: "at least one, but not
//! both". It also takes three units: an OR unit, an AND unit, and an output
//! unit that fires on the OR unit unless the AND unit inhibits it
//! (`and_not`), since an inhibitory connection already means "but not".
//!
//! Because [`xor_of`] adds its units to any network, XORs can be chained:
//! `((A ⊕ B) ⊕ C) ⊕ D` is on when an odd number of the four inputs are on
//! (the parity function), a network of nine units in six layers.

pub use mcculloch_pitts::{Network, NetworkError, Signal, Unit};

/// Adds to `net` the units that compute `a ⊕ b`, and returns the signal of
/// the unit that carries the result.
///
/// The construction is `(a ∧ ¬b) ∨ (b ∧ ¬a)`: two "and not" units of
/// Figure 10-3, then an OR unit that listens to both. If `a` and `b` are the
/// same signal, both "and not" units are always vetoed and the result is
/// always off, which is right: `a ⊕ a` is false.
///
/// # Errors
///
/// [`NetworkError::UnknownSignal`] if `a` or `b` is not a signal of `net`.
// ANCHOR: solution
pub fn xor_of(net: &mut Network, a: Signal, b: Signal) -> Result<Signal, NetworkError> {
    let a_not_b = net.and_not(a, b)?;
    let b_not_a = net.and_not(b, a)?;
    net.or(a_not_b, b_not_a)
}
// ANCHOR_END: solution

/// A network with two inputs (A is input 0, B is input 1) and one output,
/// on exactly when one of A and B is on.
#[must_use]
// ANCHOR: solution_xor
pub fn xor() -> Network {
    let mut net = Network::new(2);
    let (a, b) = (Signal::Input(0), Signal::Input(1));
    let a_xor_b = xor_of(&mut net, a, b).expect("both signals are inputs of the network");
    net.set_outputs(&[a_xor_b]).expect("the output unit was just added");
    net
}
// ANCHOR_END: solution_xor
