//! Exercise 2: exclusive OR from McCulloch–Pitts units.
//!
//! The exercise, in our words: draw a network of the original artificial
//! neurons (the on/off units of McCulloch and Pitts, Figure 10-3) whose
//! output is on when exactly one of its two inputs A and B is on, `A ⊕ B`.
//!
//! Here you build that network with the `mcculloch-pitts` crate instead of
//! drawing it. A [`Network`] holds nothing but McCulloch–Pitts units: a
//! [`Unit`] has a whole-number threshold, excitatory connections (a source
//! can be connected several times, and each connection counts) and
//! inhibitory connections (any active one silences the unit). Units may only
//! listen to the network's inputs and to units added before them.
//!
//! The building blocks of Figure 10-3 are ready-made methods of [`Network`]:
//!
//! * `net.and(a, b)` adds a unit that fires for `a ∧ b`;
//! * `net.or(a, b)` adds a unit that fires for `a ∨ b`;
//! * `net.and_not(a, b)` adds a unit that fires for `a ∧ ¬b`;
//! * `net.not(a)` adds a unit that fires for `¬a` (through an always-on unit).
//!
//! Each returns the [`Signal`] of the unit it added, which you pass on to
//! later units. You may also build units yourself with [`Unit::new`],
//! [`Unit::excite`] and [`Unit::inhibit`], and add them with `net.add(unit)`.
//! `net.input(i)` (or simply `Signal::Input(i)`) is input number `i`.
//!
//! Before you start, convince yourself that a *single* unit cannot compute
//! `A ⊕ B`: if A alone makes it fire, what happens when B switches on as
//! well? Then write `A ⊕ B` with ∧, ∨ and ¬ only, and translate.
//!
//! Run the checks with `cargo test -p exercises --features learner ex02`.

pub use mcculloch_pitts::{Network, NetworkError, Signal, Unit};

/// Adds to `net` the units that compute `a ⊕ b`, and returns the signal of
/// the unit that carries the result.
///
/// `a` and `b` can be any signals of `net`: its inputs, or units that are
/// already there (for instance the result of an earlier `xor_of`). Add
/// units only; do not change the network's outputs. The checks chain your
/// function into parity networks of up to six inputs (`A ⊕ B ⊕ C ⊕ …`,
/// on when an odd number of inputs are on), so it must work inside a network
/// that already has other units.
///
/// Hint: `A ⊕ B = (A ∧ ¬B) ∨ (¬A ∧ B)`, and Figure 10-3 has a network for
/// each of "A and not B" and "A or B".
///
/// # Errors
///
/// [`NetworkError::UnknownSignal`] if `a` or `b` is not a signal of `net`.
/// The methods of [`Network`] already return that error: pass it on with `?`.
// ANCHOR: xor_of
pub fn xor_of(net: &mut Network, a: Signal, b: Signal) -> Result<Signal, NetworkError> {
    todo!("exercise 2: XOR = (a AND NOT b) OR (b AND NOT a); net.and_not and net.or add those units")
}
// ANCHOR_END: xor_of

/// A network with two inputs (A is input 0, B is input 1) and one output,
/// on exactly when one of A and B is on.
///
/// Start from `Network::new(2)`, add the units (your [`xor_of`] does the
/// work), then declare the unit that carries `A ⊕ B` as the only output with
/// `net.set_outputs(&[signal])`. The checks read the network's truth table
/// and also fire its units one by one, following the McCulloch–Pitts rule.
#[must_use]
// ANCHOR: xor
pub fn xor() -> Network {
    todo!("exercise 2: Network::new(2), then xor_of on its two inputs, then set_outputs")
}
// ANCHOR_END: xor
