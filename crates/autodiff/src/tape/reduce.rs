//! Sums and means along an [`Axis`]: of every entry, of each row or of
//! each column.

use mlp::matmul::column_sums;
use nalgebra::RealField;

use super::{Axis, Node, Op, Result, Tape, Var};

impl<T: RealField + Copy> Tape<T> {
    /// Records the sum or mean `op` of `A` along `axis`: 1×1, n×1 or 1×m.
    fn reduce(&mut self, op: Op<T>, a: Var, axis: Axis) -> Result<Var> {
        self.check(a)?;
        let (r, c) = self.nodes[a.index].value.shape();
        let (rows, cols) = match axis {
            Axis::All => (1, 1),
            Axis::Rows => (r, 1),
            Axis::Columns => (1, c),
        };
        Ok(self.record(op, rows, cols))
    }

    /// The sum of `A` along `axis`.
    pub fn sum(&mut self, a: Var, axis: Axis) -> Result<Var> {
        self.reduce(Op::Sum(a, axis), a, axis)
    }

    /// The mean of `A` along `axis`.
    pub fn mean(&mut self, a: Var, axis: Axis) -> Result<Var> {
        self.reduce(Op::Mean(a, axis), a, axis)
    }
}

/// `Y` = the sums along `axis`, times `1/count` for a mean.
pub(super) fn forward<T: RealField + Copy>(before: &[Node<T>], node: &mut Node<T>, a: Var, axis: Axis) {
    let a = &before[a.index].value;
    let count = match axis {
        Axis::All => a.len(),
        Axis::Rows => a.ncols(),
        Axis::Columns => a.nrows(),
    };
    let k = if matches!(node.op, Op::Mean(..)) { T::one() / from_usize(count) } else { T::one() };
    match axis {
        Axis::All => node.value[0] = k * a.sum(),
        Axis::Rows => {
            for r in 0..a.nrows() {
                node.value[r] = k * a.row(r).sum();
            }
        }
        Axis::Columns => {
            column_sums(a, node.value.as_mut_slice());
            node.value.as_mut_slice().iter_mut().for_each(|v| *v *= k);
        }
    }
}

/// Each entry of `A` gets the gradient of the sum it went into (times
/// `1/count` for a mean).
pub(super) fn backward<T: RealField + Copy>(before: &mut [Node<T>], node: &Node<T>, a: Var, axis: Axis) {
    let dy = &node.grad;
    let an = &mut before[a.index];
    let (ar, ac) = an.value.shape();
    let count = match axis {
        Axis::All => ar * ac,
        Axis::Rows => ac,
        Axis::Columns => ar,
    };
    let k = if matches!(node.op, Op::Mean(..)) { T::one() / from_usize(count) } else { T::one() };
    an.add_grad(|idx| {
        let (r, c) = (idx % ar, idx / ar);
        k * match axis {
            Axis::All => dy[0],
            Axis::Rows => dy[r],
            Axis::Columns => dy[c],
        }
    });
}

fn from_usize<T: RealField + Copy>(n: usize) -> T {
    T::from_usize(n).unwrap_or_else(T::one)
}
