//! Operations that move entries without computing anything: `Aᵀ`, a slice
//! of columns, and two matrices side by side.

use nalgebra::RealField;

use super::{Node, Op, Result, Tape, Var};

impl<T: RealField + Copy> Tape<T> {
    /// `Aᵀ`.
    pub fn transpose(&mut self, a: Var) -> Result<Var> {
        self.check(a)?;
        let (r, c) = self.nodes[a.index].value.shape();
        Ok(self.record(Op::Transpose(a), c, r))
    }
}

/// `Y = Aᵀ`.
pub(super) fn transpose_forward<T: RealField + Copy>(before: &[Node<T>], node: &mut Node<T>, a: Var) {
    node.value.copy_from(&before[a.index].value.transpose())
}

/// `dA = dYᵀ`.
pub(super) fn transpose_backward<T: RealField + Copy>(before: &mut [Node<T>], node: &Node<T>, a: Var) {
    let (rows, cols) = node.value.shape();
    let dy = &node.grad;
    before[a.index].add_grad(|idx| {
        // entry (r, c) of A is entry (c, r) of Y = Aᵀ, which has `rows` = A's columns
        let (ar, _) = (cols, rows);
        let (r, c) = (idx % ar, idx / ar);
        dy[(c, r)]
    })
}

impl<T: RealField + Copy> Tape<T> {
    /// Columns `start .. start + width` of `A` (for models with several inputs).
    pub fn slice_columns(&mut self, a: Var, start: usize, width: usize) -> Result<Var> {
        self.check(a)?;
        let (r, c) = self.nodes[a.index].value.shape();
        if start + width > c || width == 0 {
            return Err(Self::shape_error(
                "slice_columns",
                format!("columns {start}..{} of a {r}×{c} matrix", start + width),
            ));
        }
        Ok(self.record(Op::SliceColumns(a, start), r, width))
    }
}

/// `Y` = columns `start .. start + width` of `A`, `width` being `Y`'s.
pub(super) fn slice_columns_forward<T: RealField + Copy>(
    before: &[Node<T>],
    node: &mut Node<T>,
    a: Var,
    start: usize,
) {
    let cols = node.value.ncols();
    node.value.copy_from(&before[a.index].value.columns(start, cols))
}

/// `dA` = `dY` in the sliced columns, 0 elsewhere.
pub(super) fn slice_columns_backward<T: RealField + Copy>(
    before: &mut [Node<T>],
    node: &Node<T>,
    a: Var,
    start: usize,
) {
    let cols = node.value.ncols();
    let dy = &node.grad;
    let an = &mut before[a.index];
    let ar = an.value.nrows();
    an.add_grad(|idx| {
        let c = idx / ar;
        if c >= start && c < start + cols { dy[idx - start * ar] } else { T::zero() }
    });
}

impl<T: RealField + Copy> Tape<T> {
    /// `[A B]`: the columns of `A`, then those of `B` (same number of rows).
    pub fn concat(&mut self, a: Var, b: Var) -> Result<Var> {
        let ((ar, ac), (br, bc)) = self.shapes(a, b)?;
        if ar != br {
            return Err(Self::shape_error(
                "concat",
                format!("{ar}×{ac} and {br}×{bc} have different numbers of rows"),
            ));
        }
        Ok(self.record(Op::Concat(a, b), ar, ac + bc))
    }
}

/// `Y = [A B]`.
pub(super) fn concat_forward<T: RealField + Copy>(before: &[Node<T>], node: &mut Node<T>, a: Var, b: Var) {
    let (a, b) = (&before[a.index].value, &before[b.index].value);
    node.value.columns_mut(0, a.ncols()).copy_from(a);
    node.value.columns_mut(a.ncols(), b.ncols()).copy_from(b);
}

/// `dA` = the first columns of `dY`, `dB` the others.
pub(super) fn concat_backward<T: RealField + Copy>(before: &mut [Node<T>], node: &Node<T>, a: Var, b: Var) {
    let dy = &node.grad;
    let split = before[a.index].value.len();
    if before[a.index].needs_grad {
        before[a.index].add_scaled(&dy.as_slice()[..split], T::one());
    }
    if before[b.index].needs_grad {
        before[b.index].add_scaled(&dy.as_slice()[split..], T::one());
    }
}
