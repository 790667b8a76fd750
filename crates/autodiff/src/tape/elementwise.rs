//! Entry-by-entry operations: `A + B`, `A − B` and `A ⊙ B` on matrices of
//! the same shape, and `s·A`.

use nalgebra::{DMatrix, RealField};

use super::{Node, Op, Result, Tape, Var, accumulate, two};

impl<T: RealField + Copy> Tape<T> {
    /// Records `op`, whose operands `a` and `b` must have the same shape.
    fn same_shape(&mut self, op: Op<T>, a: Var, b: Var) -> Result<Var> {
        let (sa, sb) = self.shapes(a, b)?;
        if sa != sb {
            return Err(Self::shape_error(
                op.name(),
                format!("{}×{} and {}×{} differ", sa.0, sa.1, sb.0, sb.1),
            ));
        }
        Ok(self.record(op, sa.0, sa.1))
    }

    /// `A + B` (same shapes).
    pub fn add(&mut self, a: Var, b: Var) -> Result<Var> {
        self.same_shape(Op::Add(a, b), a, b)
    }
}

/// `Y = A + B`.
pub(super) fn add_forward<T: RealField + Copy>(before: &[Node<T>], node: &mut Node<T>, a: Var, b: Var) {
    zip_into(&mut node.value, &before[a.index].value, &before[b.index].value, |x, y| x + y)
}

impl<T: RealField + Copy> Tape<T> {
    /// `A − B` (same shapes).
    pub fn sub(&mut self, a: Var, b: Var) -> Result<Var> {
        self.same_shape(Op::Sub(a, b), a, b)
    }
}

/// `Y = A − B`.
pub(super) fn sub_forward<T: RealField + Copy>(before: &[Node<T>], node: &mut Node<T>, a: Var, b: Var) {
    zip_into(&mut node.value, &before[a.index].value, &before[b.index].value, |x, y| x - y)
}

/// The backward rule of both `add` and `sub`: `dA = dY`, `dB = ±dY`.
pub(super) fn add_sub_backward<T: RealField + Copy>(before: &mut [Node<T>], node: &Node<T>, a: Var, b: Var) {
    let dy = &node.grad;
    let sign = if matches!(node.op, Op::Sub(..)) { -T::one() } else { T::one() };
    if before[a.index].needs_grad {
        before[a.index].add_scaled(dy.as_slice(), T::one());
    }
    if before[b.index].needs_grad {
        before[b.index].add_scaled(dy.as_slice(), sign);
    }
}

impl<T: RealField + Copy> Tape<T> {
    /// `A ⊙ B`, entry by entry (same shapes).
    pub fn mul(&mut self, a: Var, b: Var) -> Result<Var> {
        self.same_shape(Op::Mul(a, b), a, b)
    }
}

/// `Y = A ⊙ B`.
pub(super) fn mul_forward<T: RealField + Copy>(before: &[Node<T>], node: &mut Node<T>, a: Var, b: Var) {
    zip_into(&mut node.value, &before[a.index].value, &before[b.index].value, |x, y| x * y)
}

/// `dA = dY ⊙ B`, `dB = dY ⊙ A`.
pub(super) fn mul_backward<T: RealField + Copy>(before: &mut [Node<T>], node: &Node<T>, a: Var, b: Var) {
    let dy = &node.grad;
    for (target, other) in [(a, b), (b, a)] {
        if !before[target.index].needs_grad {
            continue;
        }
        if a == b {
            let n = &mut before[target.index];
            let fresh = n.begin_grad();
            let (grad, value) = (&mut n.grad, &n.value);
            accumulate(grad, fresh, |k| dy[k] * value[k]);
        } else {
            let (tn, on) = two(before, target.index, other.index);
            let fresh = tn.begin_grad();
            accumulate(&mut tn.grad, fresh, |k| dy[k] * on.value[k]);
        }
    }
}

impl<T: RealField + Copy> Tape<T> {
    /// `s·A`.
    pub fn scale(&mut self, a: Var, s: T) -> Result<Var> {
        self.check(a)?;
        let (r, c) = self.nodes[a.index].value.shape();
        Ok(self.record(Op::Scale(a, s), r, c))
    }
}

/// `Y = s·A`.
pub(super) fn scale_forward<T: RealField + Copy>(before: &[Node<T>], node: &mut Node<T>, a: Var, s: T) {
    map_into(&mut node.value, &before[a.index].value, |x| s * x)
}

/// `dA = s·dY`.
pub(super) fn scale_backward<T: RealField + Copy>(before: &mut [Node<T>], node: &Node<T>, a: Var, s: T) {
    before[a.index].add_scaled(node.grad.as_slice(), s)
}

/// `out[k] = f(a[k], b[k])`.
fn zip_into<T: RealField + Copy>(
    out: &mut DMatrix<T>,
    a: &DMatrix<T>,
    b: &DMatrix<T>,
    f: impl Fn(T, T) -> T,
) {
    for ((o, &x), &y) in out.as_mut_slice().iter_mut().zip(a.as_slice()).zip(b.as_slice()) {
        *o = f(x, y);
    }
}

/// `out[k] = f(a[k])`.
fn map_into<T: RealField + Copy>(out: &mut DMatrix<T>, a: &DMatrix<T>, f: impl Fn(T) -> T) {
    for (o, &x) in out.as_mut_slice().iter_mut().zip(a.as_slice()) {
        *o = f(x);
    }
}
