//! Weight initialization. The hidden weights must start random: if every
//! neuron of a layer starts with the same weights, every neuron computes
//! the same output and receives the same gradient, so they stay identical
//! forever (symmetry is never broken).
//!
//! - Glorot/Xavier uniform: U(−r, r) with r = √(6 / (fan_in + fan_out)),
//!   the default of Keras and (for ReLU and tanh) of scikit-learn;
//! - He: N(0, 2 / fan_in), suited to ReLU;
//! - uniform U(low, high), and zeros.
//!
//! ```
//! use mlp::Init;
//! use rand::SeedableRng;
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
//! let w = Init::GlorotUniform.matrix(784, 300, &mut rng);
//! let r = (6.0f64 / (784.0 + 300.0)).sqrt();
//! assert!(w.iter().all(|&v| v.abs() <= r));
//! ```

use nalgebra::DMatrix;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// How to fill a weight matrix of shape fan_in × fan_out.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// All zeros (never breaks symmetry: for biases only).
    Zeros,
    /// Uniform between `low` and `high`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// U(−r, r), r = √(6 / (fan_in + fan_out)).
    GlorotUniform,
    /// U(−r, r), r = √(2 / (fan_in + fan_out)): scikit-learn's choice for
    /// sigmoid layers.
    GlorotUniformSigmoid,
    /// N(0, 2 / fan_in).
    HeNormal,
}

impl Init {
    /// A `fan_in × fan_out` matrix drawn from this distribution.
    pub fn matrix(self, fan_in: usize, fan_out: usize, rng: &mut impl Rng) -> DMatrix<f64> {
        let glorot = |factor: f64| (factor / (fan_in + fan_out).max(1) as f64).sqrt();
        match self {
            Init::Zeros => DMatrix::zeros(fan_in, fan_out),
            Init::Uniform { low, high } => {
                DMatrix::from_fn(fan_in, fan_out, |_, _| low + (high - low) * rng.random::<f64>())
            }
            Init::GlorotUniform | Init::GlorotUniformSigmoid => {
                let r = glorot(if self == Init::GlorotUniform { 6.0 } else { 2.0 });
                DMatrix::from_fn(fan_in, fan_out, |_, _| r * (2.0 * rng.random::<f64>() - 1.0))
            }
            Init::HeNormal => {
                let std = (2.0 / fan_in.max(1) as f64).sqrt();
                DMatrix::from_fn(fan_in, fan_out, |_, _| std * standard_normal(rng))
            }
        }
    }
}

/// A standard normal number (Box–Muller).
pub fn standard_normal(rng: &mut impl Rng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>();
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}
