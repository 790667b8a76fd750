//! Optimizers, as Keras names and configures them: `"sgd"` is plain
//! mini-batch gradient descent with learning rate 0.01, `"adam"` Adam with
//! 0.001. They run stage 3's update rules (now generic over the float
//! type) on the `f32` weights of the tape.
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

use mlp::Optimizer;

use crate::error::KerasError;

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
#[derive(Clone, Debug, PartialEq)]
pub enum OptimizerArg {
    /// `"sgd"` or `"adam"`, with Keras's defaults.
    Name(String),
    /// A configured optimizer.
    Value(Optimizer),
}

impl From<&str> for OptimizerArg {
    fn from(name: &str) -> OptimizerArg {
        OptimizerArg::Name(name.to_string())
    }
}

impl From<SGD> for OptimizerArg {
    fn from(o: SGD) -> OptimizerArg {
        OptimizerArg::Value(Optimizer::Sgd {
            learning_rate: o.learning_rate,
            momentum: o.momentum,
            nesterov: o.nesterov,
        })
    }
}

impl From<Adam> for OptimizerArg {
    fn from(o: Adam) -> OptimizerArg {
        OptimizerArg::Value(Optimizer::Adam {
            learning_rate: o.learning_rate,
            beta_1: o.beta_1,
            beta_2: o.beta_2,
            epsilon: o.epsilon,
        })
    }
}

impl From<Optimizer> for OptimizerArg {
    fn from(o: Optimizer) -> OptimizerArg {
        OptimizerArg::Value(o)
    }
}

impl OptimizerArg {
    /// The optimizer, with Keras's defaults for a name.
    pub fn resolve(&self) -> Result<Optimizer, KerasError> {
        match self {
            OptimizerArg::Value(o) => Ok(*o),
            OptimizerArg::Name(n) => match n.to_lowercase().as_str() {
                "sgd" => Ok(OptimizerArg::from(SGD::default()).resolve()?),
                "adam" => Ok(OptimizerArg::from(Adam::default()).resolve()?),
                _ => Err(KerasError::UnknownName {
                    kind: "optimizer",
                    name: n.clone(),
                    known: "sgd, adam".to_string(),
                }),
            },
        }
    }
}
