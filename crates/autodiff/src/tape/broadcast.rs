//! Operations that apply a 1×m row to every row of a matrix: `X + b`
//! (a layer's bias) and `X ⊙ s` (a per-feature scale).

use mlp::matmul::column_sums;
use nalgebra::RealField;

use super::{Node, Op, Result, Tape, Var, accumulate, fit, two};

impl<T: RealField + Copy> Tape<T> {
    /// `X + b`, with the 1×m row `b` added to every row of `X`.
    pub fn add_bias(&mut self, x: Var, b: Var) -> Result<Var> {
        let ((xr, xc), (br, bc)) = self.shapes(x, b)?;
        if (br, bc) != (1, xc) {
            return Err(Self::shape_error(
                "add_bias",
                format!("X is {xr}×{xc}, so b must be 1×{xc}, not {br}×{bc}"),
            ));
        }
        Ok(self.record(Op::AddBias(x, b), xr, xc))
    }
}

/// `Y = X + b`, row by row.
pub(super) fn add_bias_forward<T: RealField + Copy>(before: &[Node<T>], node: &mut Node<T>, x: Var, b: Var) {
    let (rows, cols) = node.value.shape();
    let (x, b) = (&before[x.index].value, &before[b.index].value);
    for ((o, &xv), (j, _)) in node.value.as_mut_slice().iter_mut().zip(x.as_slice()).zip(indices(rows, cols))
    {
        *o = xv + b[j];
    }
}

/// `dX = dY`, `db` = the column sums of `dY`.
pub(super) fn add_bias_backward<T: RealField + Copy>(
    before: &mut [Node<T>],
    node: &mut Node<T>,
    x: Var,
    b: Var,
) {
    let cols = node.value.ncols();
    let dy = &node.grad;
    if before[x.index].needs_grad {
        before[x.index].add_scaled(dy.as_slice(), T::one());
    }
    if before[b.index].needs_grad {
        fit(&mut node.aux, 1, cols);
        column_sums(dy, node.aux.as_mut_slice());
        let sums = &node.aux;
        before[b.index].add_scaled(sums.as_slice(), T::one());
    }
}

impl<T: RealField + Copy> Tape<T> {
    /// `X ⊙ s`: every row of `X` multiplied entry by entry by the 1×m row `s`
    /// (a per-feature scale, as in a normalization layer).
    pub fn scale_columns(&mut self, x: Var, s: Var) -> Result<Var> {
        let ((xr, xc), (sr, sc)) = self.shapes(x, s)?;
        if (sr, sc) != (1, xc) {
            return Err(Self::shape_error(
                "scale_columns",
                format!("X is {xr}×{xc} but s is {sr}×{sc}, not 1×{xc}"),
            ));
        }
        Ok(self.record(Op::ScaleColumns(x, s), xr, xc))
    }
}

/// `Y = X ⊙ s`, row by row.
pub(super) fn scale_columns_forward<T: RealField + Copy>(
    before: &[Node<T>],
    node: &mut Node<T>,
    x: Var,
    s: Var,
) {
    let (rows, cols) = node.value.shape();
    let (x, s) = (&before[x.index].value, &before[s.index].value);
    for ((o, &xv), (j, _)) in node.value.as_mut_slice().iter_mut().zip(x.as_slice()).zip(indices(rows, cols))
    {
        *o = xv * s[j];
    }
}

/// `dX = dY ⊙ s` (row broadcast), `ds` = the column sums of `dY ⊙ X`.
pub(super) fn scale_columns_backward<T: RealField + Copy>(
    before: &mut [Node<T>],
    node: &mut Node<T>,
    x: Var,
    s: Var,
) {
    let (rows, cols) = node.value.shape();
    let dy = &node.grad;
    if before[x.index].needs_grad && x == s {
        let n = &mut before[x.index];
        let fresh = n.begin_grad();
        let (grad, value) = (&mut n.grad, &n.value);
        accumulate(grad, fresh, |k| dy[k] * value[k / rows]);
    } else if before[x.index].needs_grad {
        let (xn, sn) = two(before, x.index, s.index);
        let fresh = xn.begin_grad();
        accumulate(&mut xn.grad, fresh, |k| dy[k] * sn.value[k / rows]);
    }
    if before[s.index].needs_grad {
        fit(&mut node.aux, 1, cols);
        let xv = &before[x.index].value;
        for (j, sum) in node.aux.as_mut_slice().iter_mut().enumerate() {
            *sum = dy.column(j).dot(&xv.column(j));
        }
        let sums = &node.aux;
        before[s.index].add_scaled(sums.as_slice(), T::one());
    }
}

/// `(row, column)` of each storage index of a `rows × cols` matrix, in
/// storage (column-major) order; only the column is used by `add_bias`.
fn indices(rows: usize, cols: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..cols).flat_map(move |c| (0..rows).map(move |_| (c, c)))
}
