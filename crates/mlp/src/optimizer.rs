//! Gradient-descent steps: plain or momentum SGD, and Adam, with
//! scikit-learn's update formulas. The optimizer's state (velocities,
//! moment estimates) is allocated once, shaped like the network.
//!
//! - SGD with momentum β: `v ← βv − η g`, `θ ← θ + v` (Nesterov: the step
//!   is `βv − η g` with the updated `v`);
//! - Adam: `m ← β₁m + (1 − β₁)g`, `s ← β₂s + (1 − β₂)g²`,
//!   `θ ← θ − η_t m / (√s + ε)` with `η_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ)`.

use nalgebra::RealField;
use serde::{Deserialize, Serialize};

use crate::backprop::{Gradients, Mlp};

/// Which optimizer, with its hyperparameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Optimizer {
    /// Mini-batch gradient descent, optionally with momentum.
    Sgd {
        /// The learning rate η.
        learning_rate: f64,
        /// The momentum β (0: plain gradient descent).
        momentum: f64,
        /// Nesterov's accelerated gradient.
        nesterov: bool,
    },
    /// Adam (Kingma and Ba, 2014).
    Adam {
        /// The learning rate η.
        learning_rate: f64,
        /// Decay of the first-moment estimate.
        beta_1: f64,
        /// Decay of the second-moment estimate.
        beta_2: f64,
        /// Added to the denominator for stability.
        epsilon: f64,
    },
}

impl Optimizer {
    /// Adam with Keras's and scikit-learn's defaults and this learning rate.
    pub fn adam(learning_rate: f64) -> Optimizer {
        Optimizer::Adam { learning_rate, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8 }
    }

    /// SGD with scikit-learn's defaults (momentum 0.9, Nesterov) and this
    /// learning rate.
    pub fn sgd(learning_rate: f64) -> Optimizer {
        Optimizer::Sgd { learning_rate, momentum: 0.9, nesterov: true }
    }

    /// The learning rate.
    pub fn learning_rate(&self) -> f64 {
        match *self {
            Optimizer::Sgd { learning_rate, .. } | Optimizer::Adam { learning_rate, .. } => learning_rate,
        }
    }

    /// Sets the learning rate (what a schedule or a callback changes).
    pub fn set_learning_rate(&mut self, value: f64) {
        match self {
            Optimizer::Sgd { learning_rate, .. } | Optimizer::Adam { learning_rate, .. } => {
                *learning_rate = value
            }
        }
    }
}

/// An optimizer with its state for one network, over `f64` (stages 3
/// and 4) or `f32` (the Keras-like stage).
#[derive(Clone, Debug)]
pub struct OptimizerState<T = f64> {
    optimizer: Optimizer,
    first: Vec<Vec<T>>,
    second: Vec<Vec<T>>,
    t: i32,
}

impl OptimizerState<f64> {
    /// Fresh state (zero velocities and moments) shaped like `mlp`.
    pub fn new(optimizer: Optimizer, mlp: &Mlp) -> OptimizerState<f64> {
        let lengths: Vec<usize> = mlp.layers.iter().flat_map(|l| [l.w.len(), l.b.len()]).collect();
        OptimizerState::for_lengths(optimizer, &lengths)
    }

    /// Updates every parameter of `mlp` from its gradient.
    pub fn step(&mut self, mlp: &mut Mlp, grads: &Gradients) {
        let params = mlp.layers.iter_mut().flat_map(|l| [l.w.as_mut_slice(), l.b.as_mut_slice()]);
        let gradients = grads.w.iter().zip(&grads.b).flat_map(|(w, b)| [w.as_slice(), b.as_slice()]);
        self.step_pairs(params.zip(gradients));
    }
}

impl<T: RealField + Copy> OptimizerState<T> {
    /// Fresh state for parameter tensors of these lengths, in the order
    /// [`OptimizerState::step_pairs`] will visit them.
    pub fn for_lengths(optimizer: Optimizer, lengths: &[usize]) -> OptimizerState<T> {
        let shapes: Vec<Vec<T>> = lengths.iter().map(|&n| vec![T::zero(); n]).collect();
        OptimizerState { optimizer, first: shapes.clone(), second: shapes, t: 0 }
    }

    /// Number of steps taken so far.
    pub fn iterations(&self) -> i32 {
        self.t
    }

    /// The optimizer.
    pub fn optimizer(&self) -> Optimizer {
        self.optimizer
    }

    /// Updates each parameter tensor from its gradient, given as
    /// `(parameters, gradients)` slice pairs in a fixed order.
    pub fn step_pairs<'a>(&mut self, pairs: impl Iterator<Item = (&'a mut [T], &'a [T])>)
    where
        T: 'a,
    {
        self.t = self.t.saturating_add(1);
        for (((theta, g), first), second) in pairs.zip(&mut self.first).zip(&mut self.second) {
            self.optimizer.update(self.t, theta, g, first, second);
        }
    }
}

impl Optimizer {
    /// One update of the parameter tensor `theta` from its gradient `g`,
    /// at step `t` (1 for the first), with this tensor's slots: the
    /// velocity (SGD with momentum) or the first moment (Adam) in `first`,
    /// the second moment (Adam) in `second`. Slots the optimizer does not
    /// use may be empty.
    pub fn update<T: RealField + Copy>(
        self,
        t: i32,
        theta: &mut [T],
        g: &[T],
        first: &mut [T],
        second: &mut [T],
    ) {
        let real = |v: f64| T::from_f64(v).unwrap_or_else(T::zero);
        match self {
            Optimizer::Sgd { learning_rate, momentum, nesterov } => {
                let (learning_rate, momentum) = (real(learning_rate), real(momentum));
                if momentum == T::zero() {
                    // Plain gradient descent: no velocity to keep.
                    theta.iter_mut().zip(g).for_each(|(p, &g)| *p -= learning_rate * g);
                    return;
                }
                for ((p, &g), v) in theta.iter_mut().zip(g).zip(first.iter_mut()) {
                    *v = momentum * *v - learning_rate * g;
                    *p += if nesterov { momentum * *v - learning_rate * g } else { *v };
                }
            }
            Optimizer::Adam { learning_rate, beta_1, beta_2, epsilon } => {
                // The bias corrections in f64, then the update in T.
                let rate = real(learning_rate * (1.0 - beta_2.powi(t)).sqrt() / (1.0 - beta_1.powi(t)));
                // 1 − β in f64 first: 1 − (β₂ rounded to f32) is off by 1e-5 relative.
                let (one_minus_1, one_minus_2) = (real(1.0 - beta_1), real(1.0 - beta_2));
                let (beta_1, beta_2, epsilon) = (real(beta_1), real(beta_2), real(epsilon));
                for (((p, &g), m), s) in theta.iter_mut().zip(g).zip(first.iter_mut()).zip(second.iter_mut())
                {
                    *m = beta_1 * *m + one_minus_1 * g;
                    *s = beta_2 * *s + one_minus_2 * g * g;
                    *p -= rate * *m / (s.sqrt() + epsilon);
                }
            }
        }
    }
}
