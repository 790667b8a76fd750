//! The affine map of a fully connected layer, Equation 10-2 without its
//! activation: `Z = XW + b`.
//!
//! `X` has one row per instance and one column per input, `W` one row per
//! input and one column per neuron, and the bias vector `b` (one entry per
//! neuron) is added to every row. Every later stage computes its layers
//! through these two functions, so they run on nalgebra's matrix product
//! (GEMM) and, in [`affine_into`], write into a buffer the caller keeps.
//!
//! ```
//! use nalgebra::{dmatrix, dvector};
//! use mcculloch_pitts::affine;
//! let x = dmatrix![1.0, 2.0;
//!                  3.0, 4.0];            // 2 instances, 2 inputs
//! let w = dmatrix![1.0, 0.0, 1.0;
//!                  0.0, 1.0, 1.0];       // 2 inputs, 3 neurons
//! let b = dvector![0.5, -0.5, 0.0];      // one bias per neuron
//! let z = affine(&x, &w, &b)?;
//! assert_eq!(z, dmatrix![1.5, 1.5, 3.0;
//!                        3.5, 3.5, 7.0]);
//! # Ok::<(), mcculloch_pitts::ShapeError>(())
//! ```

use nalgebra::{DMatrix, DVector, RealField};

/// Two operands whose shapes do not fit together.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: {detail}")]
pub struct ShapeError {
    /// The operation that was asked for.
    pub operation: &'static str,
    /// Which shapes disagree, with both shapes.
    pub detail: String,
}

fn check<T: RealField + Copy>(x: &DMatrix<T>, w: &DMatrix<T>, b: &DVector<T>) -> Result<(), ShapeError> {
    let fail = |detail: String| Err(ShapeError { operation: "affine XW + b", detail });
    if x.ncols() != w.nrows() {
        return fail(format!(
            "X is {}×{} but W is {}×{}: X needs one column per row of W (one per input)",
            x.nrows(),
            x.ncols(),
            w.nrows(),
            w.ncols()
        ));
    }
    if b.len() != w.ncols() {
        return fail(format!(
            "W is {}×{} but b has {} entries: b needs one entry per column of W (one per neuron)",
            w.nrows(),
            w.ncols(),
            b.len()
        ));
    }
    Ok(())
}

/// `Z = XW + b`, with `b` added to every row of `XW` (Equation 10-2).
pub fn affine<T: RealField + Copy>(
    x: &DMatrix<T>,
    w: &DMatrix<T>,
    b: &DVector<T>,
) -> Result<DMatrix<T>, ShapeError> {
    check(x, w, b)?;
    let mut z = DMatrix::zeros(x.nrows(), w.ncols());
    fill_and_multiply(&mut z, x, w, b);
    Ok(z)
}

/// `Z = XW + b` written into `z`, which is resized only if its shape is
/// wrong: with a buffer of the right shape, nothing is allocated.
pub fn affine_into<T: RealField + Copy>(
    z: &mut DMatrix<T>,
    x: &DMatrix<T>,
    w: &DMatrix<T>,
    b: &DVector<T>,
) -> Result<(), ShapeError> {
    check(x, w, b)?;
    if z.shape() != (x.nrows(), w.ncols()) {
        *z = DMatrix::zeros(x.nrows(), w.ncols());
    }
    fill_and_multiply(z, x, w, b);
    Ok(())
}

// ANCHOR: fill_and_multiply
/// Broadcasts `b` into the columns of `z`, then lets GEMM add `XW` to it.
fn fill_and_multiply<T: RealField + Copy>(
    z: &mut DMatrix<T>,
    x: &DMatrix<T>,
    w: &DMatrix<T>,
    b: &DVector<T>,
) {
    let rows = z.nrows().max(1);
    for (column, &bias) in z.as_mut_slice().chunks_exact_mut(rows).zip(b.iter()) {
        column.fill(bias);
    }
    z.gemm(T::one(), x, w, T::one());
}
// ANCHOR_END: fill_and_multiply

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mismatched_shapes_are_errors_naming_both() {
        let x = DMatrix::<f64>::zeros(4, 3);
        let err = affine(&x, &DMatrix::zeros(2, 5), &DVector::zeros(5)).unwrap_err();
        assert!(err.to_string().contains("4×3") && err.to_string().contains("2×5"), "{err}");
        let err = affine(&x, &DMatrix::zeros(3, 5), &DVector::zeros(4)).unwrap_err();
        assert!(err.to_string().contains("3×5") && err.to_string().contains("4 entries"), "{err}");
    }

    proptest! {
        #[test]
        fn equals_the_definition(n in 1usize..6, i in 1usize..6, o in 1usize..6, seed in 0u64..1000) {
            let v = |k: usize| ((k as u64 * 2_654_435_761 + seed) % 17) as f64 - 8.0;
            let x = DMatrix::from_fn(n, i, |r, c| v(r * 7 + c));
            let w = DMatrix::from_fn(i, o, |r, c| v(r * 11 + c + 3));
            let b = DVector::from_fn(o, |r, _| v(r + 5));
            let z = affine(&x, &w, &b).unwrap();
            for r in 0..n {
                for c in 0..o {
                    let expected: f64 = (0..i).map(|k| x[(r, k)] * w[(k, c)]).sum::<f64>() + b[c];
                    prop_assert_eq!(z[(r, c)], expected);
                }
            }
            let mut buffer = DMatrix::zeros(1, 1);
            affine_into(&mut buffer, &x, &w, &b).unwrap();
            prop_assert_eq!(buffer, z);
        }
    }
}
