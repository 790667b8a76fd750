//! The matrix product `A·B`, the operation that carries a network's
//! weights.

use mlp::matmul::gemm;
use nalgebra::RealField;

use super::{Node, Op, Result, Tape, Var, beta, two};

impl<T: RealField + Copy> Tape<T> {
    /// `A·B`.
    pub fn matmul(&mut self, a: Var, b: Var) -> Result<Var> {
        let ((ar, ac), (br, bc)) = self.shapes(a, b)?;
        if ac != br {
            return Err(Self::shape_error("matmul", format!("A is {ar}×{ac} but B is {br}×{bc}")));
        }
        Ok(self.record(Op::MatMul(a, b), ar, bc))
    }
}

// ANCHOR: matmul_forward
/// `Y = A·B`, computed into the node's buffer.
pub(super) fn forward<T: RealField + Copy>(before: &[Node<T>], node: &mut Node<T>, a: Var, b: Var) {
    gemm(&mut node.value, T::one(), &before[a.index].value, false, &before[b.index].value, false, T::zero())
}
// ANCHOR_END: matmul_forward

// ANCHOR: matmul_backward
/// `dA = dY·Bᵀ`, `dB = Aᵀ·dY`.
pub(super) fn backward<T: RealField + Copy>(before: &mut [Node<T>], node: &Node<T>, a: Var, b: Var) {
    let dy = &node.grad;
    if before[a.index].needs_grad {
        if a == b {
            let n = &mut before[a.index];
            let fresh = n.begin_grad();
            gemm(&mut n.grad, T::one(), dy, false, &n.value, true, beta(fresh));
        } else {
            let (an, bn) = two(before, a.index, b.index);
            let fresh = an.begin_grad();
            gemm(&mut an.grad, T::one(), dy, false, &bn.value, true, beta(fresh));
        }
    }
    if before[b.index].needs_grad {
        if a == b {
            let n = &mut before[b.index];
            let fresh = n.begin_grad();
            gemm(&mut n.grad, T::one(), &n.value, true, dy, false, beta(fresh));
        } else {
            let (bn, an) = two(before, b.index, a.index);
            let fresh = bn.begin_grad();
            gemm(&mut bn.grad, T::one(), &an.value, true, dy, false, beta(fresh));
        }
    }
}
// ANCHOR_END: matmul_backward
