//! Optimizers, as Keras names and configures them: `"sgd"` is plain
//! mini-batch gradient descent with learning rate 0.01, `"adam"` Adam with
//! 0.001. They run stage 3's update rules (generic over the float type) on
//! the `f32` weights, with the slots (velocities, moments) kept per weight.
//!
//! ```
//! use keras::optimizers::{Adam, OptimizerArg, SGD};
//! let sgd = OptimizerArg::from("sgd").resolve()?;
//! assert_eq!(sgd.learning_rate(), 0.01);
//! let adam = OptimizerArg::from(Adam { learning_rate: 1e-3, ..Adam::default() }).resolve()?;
//! assert_eq!(adam.learning_rate(), 1e-3);
//! let momentum = OptimizerArg::from(SGD { learning_rate: 0.05, momentum: 0.9, ..SGD::default() });
//! assert_eq!(momentum.resolve()?.learning_rate(), 0.05);
//! # Ok::<(), keras::KerasError>(())
//! ```

use std::collections::HashMap;

pub use mlp::Optimizer;

use crate::arg::{Arg, Named};
use crate::variable::WeightId;

/// Stochastic gradient descent, optionally with (Nesterov) momentum.
#[derive(Clone, Copy, Debug, PartialEq)]
#[allow(clippy::upper_case_acronyms)] // Keras's name
pub struct SGD {
    /// Step size η (Keras's default 0.01).
    pub learning_rate: f64,
    /// Momentum β (default 0).
    pub momentum: f64,
    /// Nesterov's accelerated gradient (default false).
    pub nesterov: bool,
}

impl Default for SGD {
    fn default() -> SGD {
        SGD { learning_rate: 0.01, momentum: 0.0, nesterov: false }
    }
}

/// Adam, with Keras's defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adam {
    /// Step size η (default 0.001).
    pub learning_rate: f64,
    /// Decay of the first moment (default 0.9).
    pub beta_1: f64,
    /// Decay of the second moment (default 0.999).
    pub beta_2: f64,
    /// Added to the denominator (Keras's default 1e-7).
    pub epsilon: f64,
}

impl Default for Adam {
    fn default() -> Adam {
        Adam { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 }
    }
}

/// An optimizer given to `compile`: a name, or a configured optimizer.
pub type OptimizerArg = Arg<Optimizer>;

impl Named for Optimizer {
    const KIND: &'static str = "optimizer";
    const NAMES: &'static str = "sgd, adam";

    /// `"sgd"` or `"adam"` (any case), with Keras's defaults.
    fn from_name(name: &str) -> Option<Optimizer> {
        match name.to_lowercase().as_str() {
            "sgd" => Some(SGD::default().into()),
            "adam" => Some(Adam::default().into()),
            _ => None,
        }
    }
}

impl From<SGD> for Optimizer {
    fn from(o: SGD) -> Optimizer {
        Optimizer::Sgd { learning_rate: o.learning_rate, momentum: o.momentum, nesterov: o.nesterov }
    }
}

impl From<Adam> for Optimizer {
    fn from(o: Adam) -> Optimizer {
        Optimizer::Adam {
            learning_rate: o.learning_rate,
            beta_1: o.beta_1,
            beta_2: o.beta_2,
            epsilon: o.epsilon,
        }
    }
}

impl From<SGD> for Arg<Optimizer> {
    fn from(o: SGD) -> Arg<Optimizer> {
        Arg::Value(o.into())
    }
}

impl From<Adam> for Arg<Optimizer> {
    fn from(o: Adam) -> Arg<Optimizer> {
        Arg::Value(o.into())
    }
}

/// An optimizer with its slots, kept per weight: the velocity of SGD with
/// momentum, Adam's two moments. Slots are created at a weight's first
/// update and found again by its [`WeightId`], whatever order the weights
/// come in.
#[derive(Clone, Debug)]
pub struct OptimizerState {
    optimizer: Optimizer,
    iterations: i32,
    slots: HashMap<WeightId, [Vec<f32>; 2]>,
}

impl OptimizerState {
    /// A fresh state: no step taken.
    pub fn new(optimizer: Optimizer) -> OptimizerState {
        OptimizerState { optimizer, iterations: 0, slots: HashMap::new() }
    }

    /// The optimizer.
    pub fn optimizer(&self) -> Optimizer {
        self.optimizer
    }

    /// Steps taken (Keras's `optimizer.iterations`).
    pub fn iterations(&self) -> i32 {
        self.iterations
    }

    /// Sets the learning rate; the slots stay.
    pub fn set_learning_rate(&mut self, value: f64) {
        self.optimizer.set_learning_rate(value);
    }

    /// Starts a step: the next [`OptimizerState::update`]s belong to it.
    pub fn begin_step(&mut self) {
        self.iterations = self.iterations.saturating_add(1);
    }

    /// How many slots each weight has: 0 for plain SGD, 1 with momentum,
    /// 2 for Adam (what Keras saves per trainable variable).
    pub fn slots_per_weight(&self) -> usize {
        match self.optimizer {
            Optimizer::Sgd { momentum, .. } => usize::from(momentum != 0.0),
            Optimizer::Adam { .. } => 2,
        }
    }

    /// Restores a saved state: the step count and each weight's slots.
    pub(crate) fn restore(&mut self, iterations: i32, slots: HashMap<WeightId, [Vec<f32>; 2]>) {
        self.iterations = iterations;
        self.slots = slots;
    }

    /// Updates one weight from its gradient (stage 3's update rule).
    pub fn update(&mut self, id: WeightId, value: &mut [f32], grad: &[f32]) {
        let n = value.len();
        let uses = self.slots_per_weight();
        let slots = self.slots.entry(id).or_insert_with(|| [Vec::new(), Vec::new()]);
        for slot in slots.iter_mut().take(uses) {
            if slot.len() != n {
                *slot = vec![0.0; n];
            }
        }
        let [first, second] = slots;
        self.optimizer.update(self.iterations.max(1), value, grad, first, second);
    }

    /// The slots of one weight (empty ones for those the optimizer does
    /// not use), if it was updated.
    pub fn slots(&self, id: WeightId) -> Option<&[Vec<f32>; 2]> {
        self.slots.get(&id)
    }
}
