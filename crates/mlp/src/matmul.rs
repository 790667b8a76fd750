//! Matrix products with transposed operands, without copying them.
//!
//! Backpropagation needs `Aᵀ·Δ` and `Δ·Wᵀ`. nalgebra's `gemm` hands any
//! strides to the `matrixmultiply` kernels when every dimension is above 5,
//! so a view of `W` with swapped strides multiplies as `Wᵀ` at full speed
//! and without allocation. (nalgebra's own `gemm_tr` goes column by column
//! through matrix–vector products, which is much slower, and its fallback
//! for small dimensions assumes contiguous columns, so small products are
//! computed here by plain loops instead.)
//!
//! ```
//! use nalgebra::DMatrix;
//! use mlp::matmul::gemm;
//! let a = DMatrix::from_fn(7, 9, |r, c| (r * 9 + c) as f64);
//! let b = DMatrix::from_fn(7, 8, |r, c| (r + c) as f64);
//! let mut out = DMatrix::zeros(9, 8);
//! gemm(&mut out, 1.0, &a, true, &b, false, 0.0); // out = aᵀ b
//! assert_eq!(out, a.transpose() * b);
//! ```

use nalgebra::{DMatrix, DMatrixView, Dyn, RealField};

/// A dense view with any row and column strides.
pub type StridedView<'a, T> = DMatrixView<'a, T, Dyn, Dyn>;

// ANCHOR: strided_view
/// `m` (or `mᵀ` when `transpose`) as a view of `m`'s storage: no copy.
pub fn view<T: RealField + Copy>(m: &DMatrix<T>, transpose: bool) -> StridedView<'_, T> {
    let (rows, cols) = m.shape();
    if transpose {
        StridedView::from_slice_with_strides(m.as_slice(), cols, rows, rows, 1)
    } else {
        StridedView::from_slice_with_strides(m.as_slice(), rows, cols, 1, rows)
    }
}
// ANCHOR_END: strided_view

/// `out = alpha · op(a) · op(b) + beta · out`, where `op(m)` is `mᵀ` when
/// its flag is set. `out` must already have the product's shape.
///
/// # Panics
/// If the shapes do not fit (a bug in the caller: the layers of this crate
/// check shapes before multiplying).
pub fn gemm<T: RealField + Copy>(
    out: &mut DMatrix<T>,
    alpha: T,
    a: &DMatrix<T>,
    transpose_a: bool,
    b: &DMatrix<T>,
    transpose_b: bool,
    beta: T,
) {
    let (va, vb) = (view(a, transpose_a), view(b, transpose_b));
    assert_eq!(va.ncols(), vb.nrows(), "gemm: inner dimensions differ");
    assert_eq!(out.shape(), (va.nrows(), vb.ncols()), "gemm: output shape");
    let small = [out.nrows(), out.ncols(), va.nrows(), va.ncols()].iter().any(|&d| d <= 5);
    if !small {
        out.gemm(alpha, &va, &vb, beta);
        return;
    }
    small_gemm(out, alpha, a, transpose_a, b, transpose_b, beta, va.ncols());
}

/// The sum of every column of `m`, written into `out` (the gradient of the
/// biases: column sums of Δ). Eight running sums per column let the
/// compiler use SIMD, where one running sum would be a chain of dependent
/// additions.
pub fn column_sums<T: RealField + Copy>(m: &DMatrix<T>, out: &mut [T]) {
    let rows = m.nrows();
    for (o, column) in out.iter_mut().zip(m.as_slice().chunks_exact(rows.max(1))) {
        let mut lanes = [T::zero(); 8];
        let mut chunks = column.chunks_exact(8);
        for chunk in &mut chunks {
            for (lane, &v) in lanes.iter_mut().zip(chunk) {
                *lane += v;
            }
        }
        let tail = chunks.remainder().iter().fold(T::zero(), |s, &v| s + v);
        *o = lanes.iter().fold(tail, |s, &v| s + v);
    }
}

/// The product by plain loops over contiguous slices, for shapes too small
/// for the GEMM kernels to pay off (an output layer of one unit, say).
#[allow(clippy::too_many_arguments)]
fn small_gemm<T: RealField + Copy>(
    out: &mut DMatrix<T>,
    alpha: T,
    a: &DMatrix<T>,
    transpose_a: bool,
    b: &DMatrix<T>,
    transpose_b: bool,
    beta: T,
    inner: usize,
) {
    let (m, n) = out.shape();
    let (ar, br) = (a.nrows(), b.nrows());
    let (a, b) = (a.as_slice(), b.as_slice());
    let b_at = |k: usize, j: usize| if transpose_b { b[j + k * br] } else { b[k + j * br] };
    if beta == T::zero() {
        out.as_mut_slice().fill(T::zero());
    } else if beta != T::one() {
        out.as_mut_slice().iter_mut().for_each(|v| *v *= beta);
    }
    let out = out.as_mut_slice();
    for j in 0..n {
        let column = &mut out[j * m..(j + 1) * m];
        if transpose_a {
            // Row i of aᵀ is column i of a: contiguous, a dot product.
            for (i, o) in column.iter_mut().enumerate() {
                let row = &a[i * ar..i * ar + inner];
                let dot = row.iter().enumerate().fold(T::zero(), |s, (k, &x)| s + x * b_at(k, j));
                *o += alpha * dot;
            }
        } else {
            // out[:, j] += Σ_k a[:, k] · b[k, j], column by column of a.
            for k in 0..inner {
                let factor = alpha * b_at(k, j);
                for (o, &x) in column.iter_mut().zip(&a[k * ar..k * ar + m]) {
                    *o += factor * x;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_transpose_combination_equals_the_definition(
            m in 1usize..12, k in 1usize..12, n in 1usize..12, ta: bool, tb: bool, beta in -1.0f64..1.0
        ) {
            let a = DMatrix::from_fn(if ta { k } else { m }, if ta { m } else { k }, |r, c| (r * 3 + c) as f64 - 5.0);
            let b = DMatrix::from_fn(if tb { n } else { k }, if tb { k } else { n }, |r, c| (r + 2 * c) as f64 - 4.0);
            let start = DMatrix::from_fn(m, n, |r, c| (r * c) as f64);
            let op = |x: &DMatrix<f64>, t: bool| if t { x.transpose() } else { x.clone() };
            let expected = op(&a, ta) * op(&b, tb) * 0.5 + &start * beta;
            let mut out = start.clone();
            gemm(&mut out, 0.5, &a, ta, &b, tb, beta);
            prop_assert!((out - expected).abs().max() < 1e-9);
        }
    }
}
