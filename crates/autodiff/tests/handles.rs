//! Handles are tied to their tape and step: a handle from another tape, or
//! one that `reset` cleared, is an error, never a read of a buffer that
//! now holds something else. Weights lent for one step come back intact.

use autodiff::{Op, Tape, TapeError};
use nalgebra::dmatrix;

#[test]
fn a_handle_from_another_tape_is_an_error() {
    let mut a = Tape::<f64>::new();
    let mut b = Tape::<f64>::new();
    let x = a.constant(&dmatrix![1.0, 2.0]);
    let _ = b.constant(&dmatrix![3.0, 4.0]);
    assert!(matches!(b.try_value(x), Err(TapeError::UnknownVar(0, why)) if why.contains("another tape")));
    let err = b.scale(x, 2.0).unwrap_err().to_string();
    assert!(err.contains("another tape"), "{err}");
    // A clone is another tape too.
    let c = a.clone();
    assert!(c.try_value(x).is_err());
}

#[test]
fn a_handle_cleared_by_reset_is_an_error_but_parameters_survive() {
    let mut tape = Tape::<f64>::new();
    let w = tape.parameter(dmatrix![2.0]).unwrap();
    let x = tape.constant(&dmatrix![3.0]);
    let y = tape.mul(w, x).unwrap();
    tape.reset();
    // The next step records a different value at the same position.
    let x2 = tape.constant(&dmatrix![5.0]);
    assert_eq!(x2.index(), x.index());
    let err = tape.try_value(x).unwrap_err().to_string();
    assert!(err.contains("cleared by reset"), "{err}");
    assert!(tape.mul(y, w).is_err());
    assert_eq!(tape.try_value(w).unwrap(), &dmatrix![2.0]);
    assert_eq!(tape.value(x2), &dmatrix![5.0]);
}

#[test]
fn a_variable_is_lent_for_one_step_and_given_back() {
    let mut tape = Tape::<f64>::new();
    let mut weight = dmatrix![1.0, 2.0; 3.0, 4.0];
    let original = weight.clone();
    let w = tape.variable(&mut weight);
    assert_eq!(weight.len(), 0, "the value is on the tape, not copied");
    let x = tape.constant(&dmatrix![1.0, 1.0]);
    let y = tape.matmul(x, w).unwrap();
    let loss = tape.sum(y, autodiff::Axis::All).unwrap();
    assert_eq!(tape.op(loss).unwrap(), Op::Sum(y, autodiff::Axis::All));
    tape.backward(loss).unwrap();
    assert_eq!(tape.try_grad(w).unwrap(), &dmatrix![1.0, 1.0; 1.0, 1.0]);
    let (value, grad) = tape.parameter_mut(w).unwrap();
    *value -= grad;
    tape.swap_value(w, &mut weight).unwrap();
    assert_eq!(weight, original.add_scalar(-1.0));
    // Only a parameter's value can be changed.
    assert!(matches!(tape.parameter_mut(y), Err(TapeError::NotParameter { .. })));
    tape.reset();
    assert!(tape.swap_value(w, &mut weight).is_err(), "the step that lent it is over");
}
