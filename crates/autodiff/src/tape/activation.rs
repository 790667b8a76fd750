//! `φ(A)`, entry by entry (row by row for softmax), for the activation
//! functions of the `mlp` crate, with its forward and backward kernels.

use mlp::Activation;
use nalgebra::RealField;

use super::{Node, Op, Result, Tape, Var, fit};

impl<T: RealField + Copy> Tape<T> {
    /// `φ(A)` for one of the `mlp` crate's activations.
    pub fn activation(&mut self, a: Var, act: Activation) -> Result<Var> {
        self.check(a)?;
        let (r, c) = self.nodes[a.index].value.shape();
        Ok(self.record(Op::Activation(a, act), r, c))
    }
}

/// `Y = φ(A)`, through the mlp crate's rule.
pub(super) fn forward<T: RealField + Copy>(before: &[Node<T>], node: &mut Node<T>, a: Var, act: Activation) {
    node.value.copy_from(&before[a.index].value);
    act.forward_mut(&mut node.value);
}

/// `dA = dY ⊙ φ′(A)`, through the mlp crate's rule. A first contribution
/// is computed in the input's own gradient buffer; a later one goes
/// through scratch space.
pub(super) fn backward<T: RealField + Copy>(
    before: &mut [Node<T>],
    node: &mut Node<T>,
    a: Var,
    act: Activation,
) {
    let (rows, cols) = node.value.shape();
    let dy = &node.grad;
    let an = &mut before[a.index];
    if an.begin_grad() {
        an.grad.copy_from(dy);
        act.backward_mut(&an.value, &node.value, &mut an.grad);
    } else {
        fit(&mut node.aux, rows, cols);
        node.aux.copy_from(dy);
        act.backward_mut(&an.value, &node.value, &mut node.aux);
        an.grad.as_mut_slice().iter_mut().zip(node.aux.as_slice()).for_each(|(g, &d)| *g += d);
    }
}
