//! Initial weights, by name as in Keras (`kernel_initializer="he_normal"`).
//!
//! Dense kernels start from Glorot's uniform distribution by default and
//! biases from zeros. The variance-scaling initializers keep the variance
//! of the signals about the same from layer to layer: Glorot scales by the
//! mean of the fans in and out, He by the fan in (for ReLU), LeCun by the
//! fan in (for SELU). The normal variants draw from a normal distribution
//! truncated at two standard deviations, as Keras does.
//!
//! ```
//! use keras::initializers::Initializer;
//! use rand::SeedableRng;
//! let init: Initializer = "glorot_uniform".parse()?;
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
//! let w = init.matrix(784, 300, &mut rng);
//! let limit = (6.0f32 / (784.0 + 300.0)).sqrt();
//! assert!(w.iter().all(|v| v.abs() <= limit));
//! # Ok::<(), keras::KerasError>(())
//! ```

use std::str::FromStr;

use nalgebra::DMatrix;
use rand::Rng;

use crate::arg::Named;
use crate::error::KerasError;

/// How to fill a `fan_in × fan_out` weight matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Initializer {
    /// All zeros (biases).
    Zeros,
    /// All ones.
    Ones,
    /// Every entry this value.
    Constant(f32),
    /// Uniform between `min` and `max`.
    RandomUniform {
        /// Lower bound.
        min: f32,
        /// Upper bound.
        max: f32,
    },
    /// Normal with this mean and standard deviation.
    RandomNormal {
        /// Mean.
        mean: f32,
        /// Standard deviation.
        stddev: f32,
    },
    /// U(−r, r), r = √(6 / (fan_in + fan_out)): Keras's default kernel.
    GlorotUniform,
    /// Truncated normal, variance 2 / (fan_in + fan_out).
    GlorotNormal,
    /// U(−r, r), r = √(6 / fan_in).
    HeUniform,
    /// Truncated normal, variance 2 / fan_in.
    HeNormal,
    /// U(−r, r), r = √(3 / fan_in).
    LecunUniform,
    /// Truncated normal, variance 1 / fan_in.
    LecunNormal,
}

impl Named for Initializer {
    const KIND: &'static str = "initializer";
    const NAMES: &'static str = "zeros, ones, random_uniform, random_normal, glorot_uniform, glorot_normal, \
                                 he_uniform, he_normal, lecun_uniform, lecun_normal";

    fn from_name(name: &str) -> Option<Initializer> {
        Some(match name {
            "zeros" => Initializer::Zeros,
            "ones" => Initializer::Ones,
            "random_uniform" => Initializer::RandomUniform { min: -0.05, max: 0.05 },
            "random_normal" => Initializer::RandomNormal { mean: 0.0, stddev: 0.05 },
            "glorot_uniform" => Initializer::GlorotUniform,
            "glorot_normal" => Initializer::GlorotNormal,
            "he_uniform" => Initializer::HeUniform,
            "he_normal" => Initializer::HeNormal,
            "lecun_uniform" => Initializer::LecunUniform,
            "lecun_normal" => Initializer::LecunNormal,
            _ => return None,
        })
    }
}

impl FromStr for Initializer {
    type Err = KerasError;

    fn from_str(name: &str) -> Result<Initializer, KerasError> {
        Initializer::parse_name(name)
    }
}

impl Initializer {
    /// Keras's name for it (`glorot_uniform`), with its arguments for the
    /// parametrized ones.
    pub fn config(self) -> serde_json::Value {
        use serde_json::json;
        let (class, config) = match self {
            Initializer::Zeros => ("Zeros", json!({})),
            Initializer::Ones => ("Ones", json!({})),
            Initializer::Constant(v) => ("Constant", json!({ "value": v })),
            Initializer::RandomUniform { min, max } => {
                ("RandomUniform", json!({ "minval": min, "maxval": max, "seed": null }))
            }
            Initializer::RandomNormal { mean, stddev } => {
                ("RandomNormal", json!({ "mean": mean, "stddev": stddev, "seed": null }))
            }
            Initializer::GlorotUniform => ("GlorotUniform", json!({ "seed": null })),
            Initializer::GlorotNormal => ("GlorotNormal", json!({ "seed": null })),
            Initializer::HeUniform => ("HeUniform", json!({ "seed": null })),
            Initializer::HeNormal => ("HeNormal", json!({ "seed": null })),
            Initializer::LecunUniform => ("LecunUniform", json!({ "seed": null })),
            Initializer::LecunNormal => ("LecunNormal", json!({ "seed": null })),
        };
        json!({ "module": "keras.initializers", "class_name": class, "config": config, "registered_name": null })
    }
}

impl Initializer {
    /// The initializer of a Keras config: a name (`"he_normal"`) or
    /// `{"class_name": "HeNormal", "config": {…}}` (seeds are ignored:
    /// the model's generator draws the values).
    pub fn from_config(value: &serde_json::Value) -> Result<Initializer, KerasError> {
        if let Some(name) = value.as_str() {
            return Initializer::parse_name(name);
        }
        let f = crate::saving::Fields::new("an initializer", value)?;
        let class = f.str("class_name")?;
        let empty = serde_json::json!({});
        let config =
            crate::saving::Fields::new(format!("initializer {class}"), f.get("config").unwrap_or(&empty))?;
        Ok(match class {
            "Zeros" => Initializer::Zeros,
            "Ones" => Initializer::Ones,
            "Constant" => Initializer::Constant(config.f64_or("value", 0.0)? as f32),
            "RandomUniform" => Initializer::RandomUniform {
                min: config.f64_or("minval", -0.05)? as f32,
                max: config.f64_or("maxval", 0.05)? as f32,
            },
            "RandomNormal" => Initializer::RandomNormal {
                mean: config.f64_or("mean", 0.0)? as f32,
                stddev: config.f64_or("stddev", 0.05)? as f32,
            },
            "GlorotUniform" => Initializer::GlorotUniform,
            "GlorotNormal" => Initializer::GlorotNormal,
            "HeUniform" => Initializer::HeUniform,
            "HeNormal" => Initializer::HeNormal,
            "LecunUniform" => Initializer::LecunUniform,
            "LecunNormal" => Initializer::LecunNormal,
            other => {
                return Err(KerasError::UnknownName {
                    kind: "initializer class",
                    name: other.to_string(),
                    known:
                        "Zeros, Ones, Constant, RandomUniform, RandomNormal, GlorotUniform, GlorotNormal, \
                            HeUniform, HeNormal, LecunUniform, LecunNormal"
                            .to_string(),
                });
            }
        })
    }
}

/// A standard normal number truncated to [−2, 2] (redrawn outside).
fn truncated_normal(rng: &mut impl Rng) -> f32 {
    loop {
        let v = mlp::init::standard_normal(rng) as f32;
        if v.abs() <= 2.0 {
            return v;
        }
    }
}

impl Initializer {
    /// A `fan_in × fan_out` matrix drawn from this distribution.
    pub fn matrix(self, fan_in: usize, fan_out: usize, rng: &mut impl Rng) -> DMatrix<f32> {
        let (fan_in_f, fan_avg) = (fan_in.max(1) as f32, (fan_in + fan_out).max(1) as f32 / 2.0);
        let uniform = |rng: &mut dyn FnMut() -> f32, limit: f32| limit * (2.0 * rng() - 1.0);
        // The standard deviation of a unit normal truncated at ±2 is 0.8796.
        let truncated = |variance: f32| variance.sqrt() / 0.879_625_7;
        let mut u = || rng.random::<f32>();
        match self {
            Initializer::Zeros => DMatrix::zeros(fan_in, fan_out),
            Initializer::Ones => DMatrix::from_element(fan_in, fan_out, 1.0),
            Initializer::Constant(v) => DMatrix::from_element(fan_in, fan_out, v),
            Initializer::RandomUniform { min, max } => {
                DMatrix::from_fn(fan_in, fan_out, |_, _| min + (max - min) * u())
            }
            Initializer::GlorotUniform => {
                DMatrix::from_fn(fan_in, fan_out, |_, _| uniform(&mut u, (3.0 / fan_avg).sqrt()))
            }
            Initializer::HeUniform => {
                DMatrix::from_fn(fan_in, fan_out, |_, _| uniform(&mut u, (6.0 / fan_in_f).sqrt()))
            }
            Initializer::LecunUniform => {
                DMatrix::from_fn(fan_in, fan_out, |_, _| uniform(&mut u, (3.0 / fan_in_f).sqrt()))
            }
            Initializer::RandomNormal { mean, stddev } => DMatrix::from_fn(fan_in, fan_out, |_, _| {
                mean + stddev * mlp::init::standard_normal(rng) as f32
            }),
            Initializer::GlorotNormal | Initializer::HeNormal | Initializer::LecunNormal => {
                let std = truncated(match self {
                    Initializer::GlorotNormal => 1.0 / fan_avg,
                    Initializer::HeNormal => 2.0 / fan_in_f,
                    _ => 1.0 / fan_in_f,
                });
                DMatrix::from_fn(fan_in, fan_out, |_, _| std * truncated_normal(rng))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn names_parse_and_unknown_names_list_the_known_ones() {
        assert_eq!("he_normal".parse::<Initializer>().unwrap(), Initializer::HeNormal);
        let err = "glorot".parse::<Initializer>().unwrap_err().to_string();
        assert!(err.contains("glorot") && err.contains("glorot_uniform"), "{err}");
    }

    #[test]
    fn variance_scaling_has_the_variance_it_promises() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for (init, variance) in [
            (Initializer::GlorotUniform, 2.0f32 / (400.0 + 200.0)),
            (Initializer::GlorotNormal, 2.0 / (400.0 + 200.0)),
            (Initializer::HeNormal, 2.0 / 400.0),
            (Initializer::HeUniform, 2.0 / 400.0),
            (Initializer::LecunNormal, 1.0 / 400.0),
        ] {
            let w = init.matrix(400, 200, &mut rng);
            let mean = w.mean();
            let var = w.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / w.len() as f32;
            assert!(mean.abs() < 0.1 * variance.sqrt(), "{init:?}: mean {mean}");
            assert!((var / variance - 1.0).abs() < 0.03, "{init:?}: variance {var}, expected {variance}");
        }
    }
}
