//! What training minimises: a loss of the `mlp` crate on a network's
//! output layer, unweighted or with instance weights, and the ℓ2 penalty
//! `c · Σ a²`.

use mlp::{Activation, Loss, Targets};
use nalgebra::RealField;

use super::{Node, Op, Pass, Result, Tape, Var, accumulate, fit};

impl<T: RealField + Copy> Tape<T> {
    /// The mean `loss` of the output layer whose weighted sums are `z` and
    /// whose activation is `act`, against `targets` (1×1). The activation is
    /// part of the node, so that softmax with cross-entropy and sigmoid with
    /// binary cross-entropy are computed from `z`, stably, and their
    /// gradient is `(ŷ − y)/m`.
    pub fn loss(&mut self, z: Var, act: Activation, loss: Loss, targets: Targets<'_, T>) -> Result<Var> {
        self.weighted_loss(z, act, loss, targets, None)
    }

    /// [`Tape::loss`] with each instance's loss multiplied by its weight
    /// (class or sample weights), still divided by the number of instances.
    pub fn weighted_loss(
        &mut self,
        z: Var,
        act: Activation,
        loss: Loss,
        targets: Targets<'_, T>,
        weights: Option<&[T]>,
    ) -> Result<Var> {
        self.check(z)?;
        let (v, _, node) = self.push(Op::Loss(z, act, loss), 1, 1);
        node.weights.clear();
        node.weights.extend_from_slice(weights.unwrap_or(&[]));
        match targets {
            Targets::Dense(y) => {
                fit(&mut node.targets, y.nrows(), y.ncols());
                node.targets.copy_from(y);
                node.sparse = false;
            }
            Targets::Sparse(labels) => {
                node.labels.clear();
                node.labels.extend_from_slice(labels);
                node.sparse = true;
            }
        }
        if let Err(e) = self.run(v.index, Pass::Forward) {
            self.len -= 1; // leave no half-made node behind
            return Err(e);
        }
        Ok(v)
    }
}

/// `J` = the mean (weighted) loss of the output activation `act(Z)`,
/// which is kept in `aux` for the backward rule.
pub(super) fn loss_forward<T: RealField + Copy>(
    before: &[Node<T>],
    node: &mut Node<T>,
    z: Var,
    act: Activation,
    loss: Loss,
) -> Result<()> {
    // The targets were stored by `Tape::loss`.
    let zv = &before[z.index].value;
    fit(&mut node.aux, zv.nrows(), zv.ncols());
    node.aux.copy_from(zv);
    act.forward_mut(&mut node.aux);
    let t = if node.sparse { Targets::Sparse(&node.labels) } else { Targets::Dense(&node.targets) };
    let w = (!node.weights.is_empty()).then_some(node.weights.as_slice());
    node.value[0] = loss.weighted_value(act, zv, &node.aux, t, w)?;
    Ok(())
}

/// `dZ = dJ · ∂J/∂Z`, the loss's gradient with respect to the logits
/// (for the fused pairs, `(ŷ − y)/m`), computed in `aux2`.
pub(super) fn loss_backward<T: RealField + Copy>(
    before: &mut [Node<T>],
    node: &mut Node<T>,
    z: Var,
    act: Activation,
    loss: Loss,
) {
    let dy = &node.grad;
    let t = if node.sparse { Targets::Sparse(&node.labels) } else { Targets::Dense(&node.targets) };
    let w = (!node.weights.is_empty()).then_some(node.weights.as_slice());
    let zn = &mut before[z.index];
    // The targets were checked when the loss was recorded.
    if loss.weighted_gradient(act, &zn.value, &node.aux, t, w, &mut node.aux2).is_ok() {
        let (scale, dz) = (dy[0], &node.aux2);
        zn.add_scaled(dz.as_slice(), scale);
    }
}

impl<T: RealField + Copy> Tape<T> {
    /// `c · Σ a²`, a 1×1 ℓ2 penalty.
    pub fn l2(&mut self, a: Var, c: T) -> Result<Var> {
        self.check(a)?;
        Ok(self.record(Op::L2(a, c), 1, 1))
    }
}

/// `y = c · Σ a²`.
pub(super) fn l2_forward<T: RealField + Copy>(before: &[Node<T>], node: &mut Node<T>, a: Var, c: T) {
    node.value[0] = c * before[a.index].value.norm_squared()
}

/// `d(c Σ a²) = 2c·a`.
pub(super) fn l2_backward<T: RealField + Copy>(before: &mut [Node<T>], node: &Node<T>, a: Var, c: T) {
    let dy = &node.grad;
    let two_c_dy = (c + c) * dy[0];
    let n = &mut before[a.index];
    let fresh = n.begin_grad();
    let (grad, value) = (&mut n.grad, &n.value);
    accumulate(grad, fresh, |k| two_c_dy * value[k]);
}
