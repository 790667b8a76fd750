//! `Normalization`: standardizes each feature, `(x − mean) / std`, with the
//! mean and variance learned from the training set by [`Normalization::adapt`]
//! (the chapter's regression MLP starts with one, as scikit-learn's
//! `StandardScaler` would).
//!
//! Mean, variance and the number of samples seen are weights of the layer,
//! but non-trainable: gradient descent leaves them alone, and they are
//! saved and restored with the others. For 8 features that is 8 + 8 + 1 =
//! 17 parameters, as Keras's summary counts them.
//!
//! ```
//! use keras::Tensor;
//! use keras::layers::Normalization;
//! let x = Tensor::new(vec![1.0, 10.0, 3.0, 30.0], &[2, 2])?;
//! let mut norm = Normalization::new();
//! norm.adapt(&x)?;
//! assert_eq!(norm.mean(), Some(&[2.0, 20.0][..]));
//! assert_eq!(norm.variance(), Some(&[1.0, 100.0][..]));
//! # Ok::<(), keras::KerasError>(())
//! ```

use std::sync::Mutex;

use autodiff::{Tape, Var};
use nalgebra::DMatrix;

use super::{BuildContext, CallOptions, Layer, Weight};
use crate::error::{KerasError, Result};
use crate::session::unique_name;
use crate::tensor::{Tensor, shape_string};

/// Keras's `backend.epsilon()`: the smallest standard deviation divided by.
const EPSILON: f32 = 1e-7;

/// Standardizes each feature.
#[derive(Debug)]
pub struct Normalization {
    name: String,
    /// Statistics learned by `adapt` before the layer was built.
    adapted: Option<[Vec<f32>; 3]>,
    weights: Vec<Weight>,
    /// 1 / max(√variance, ε), recomputed at each call without allocating.
    scale: Mutex<DMatrix<f32>>,
}

impl Normalization {
    /// A layer that has not seen data yet (mean 0, variance 1 until
    /// [`Normalization::adapt`]).
    pub fn new() -> Normalization {
        Normalization {
            name: unique_name("normalization"),
            adapted: None,
            weights: Vec::new(),
            scale: Mutex::new(DMatrix::zeros(0, 0)),
        }
    }

    /// The same layer under another name.
    pub fn named(mut self, name: &str) -> Normalization {
        self.name = name.to_string();
        self
    }

    /// Learns each feature's mean and variance from `x` (before the layer
    /// is added to a model; afterwards use `Model::adapt`).
    pub fn adapt(&mut self, x: &Tensor) -> Result<()> {
        Layer::adapt(self, x).map(|_| ())
    }

    /// The adapted means, if [`Normalization::adapt`] ran.
    pub fn mean(&self) -> Option<&[f32]> {
        self.adapted.as_ref().map(|a| a[0].as_slice())
    }

    /// The adapted variances, if [`Normalization::adapt`] ran.
    pub fn variance(&self) -> Option<&[f32]> {
        self.adapted.as_ref().map(|a| a[1].as_slice())
    }

    fn check_shape(&self, shape: &[usize]) -> Result<usize> {
        match shape {
            &[d] => Ok(d),
            _ => Err(KerasError::Shape {
                layer: self.name.clone(),
                detail: format!(
                    "Normalization standardizes samples of shape (None, features), got {}: flatten them first",
                    shape_string(None, shape)
                ),
            }),
        }
    }
}

impl Default for Normalization {
    fn default() -> Normalization {
        Normalization::new()
    }
}

impl Layer for Normalization {
    fn name(&self) -> &str {
        &self.name
    }

    fn class_name(&self) -> &'static str {
        "Normalization"
    }

    fn build(&mut self, input_shape: &[usize], ctx: &mut BuildContext<'_>) -> Result<Vec<usize>> {
        let d = self.check_shape(input_shape)?;
        let [mean, variance, count] = match &self.adapted {
            Some([m, v, c]) if m.len() == d => [m.clone(), v.clone(), c.clone()],
            Some([m, ..]) => {
                return Err(KerasError::Shape {
                    layer: self.name.clone(),
                    detail: format!(
                        "adapted on {} features but the model gives it {}",
                        m.len(),
                        shape_string(None, input_shape)
                    ),
                });
            }
            None => [vec![0.0; d], vec![1.0; d], vec![0.0]],
        };
        let row = |v: Vec<f32>| DMatrix::from_row_slice(1, v.len(), &v);
        self.weights = vec![
            ctx.add_weight(&self.name, "mean", row(mean), false)?,
            ctx.add_weight(&self.name, "variance", row(variance), false)?,
            ctx.add_weight(&self.name, "count", row(count), false)?,
        ];
        Ok(vec![d])
    }

    fn weights(&self) -> &[Weight] {
        &self.weights
    }

    fn call(&self, tape: &mut Tape<f32>, x: Var, _: CallOptions) -> Result<Var> {
        let [mean, variance, _] = [0, 1, 2].map(|i| self.weights[i].var);
        let negative_mean = tape.scale(mean, -1.0)?;
        let centered = tape.add_bias(x, negative_mean)?;
        let mut scale = self.scale.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let var = tape.value(variance);
        if scale.shape() != var.shape() {
            *scale = DMatrix::zeros(var.nrows(), var.ncols());
        }
        for (s, &v) in scale.iter_mut().zip(var.iter()) {
            *s = 1.0 / v.sqrt().max(EPSILON);
        }
        let scale = tape.constant(&scale);
        Ok(tape.scale_columns(centered, scale)?)
    }

    fn adapt(&mut self, x: &Tensor) -> Result<Vec<DMatrix<f32>>> {
        let d = self.check_shape(x.sample_shape())?;
        if x.is_empty() {
            return Err(KerasError::Argument(format!(
                "layer \"{}\": adapt needs at least one sample",
                self.name
            )));
        }
        // Accumulate in f64: a sum of 16,512 f32 values loses digits.
        let n = x.len() as f64;
        let mut mean = vec![0.0f64; d];
        for i in 0..x.len() {
            mean.iter_mut().zip(x.sample(i)).for_each(|(m, &v)| *m += f64::from(v));
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut variance = vec![0.0f64; d];
        for i in 0..x.len() {
            for ((s, &v), m) in variance.iter_mut().zip(x.sample(i)).zip(&mean) {
                *s += (f64::from(v) - m).powi(2);
            }
        }
        let to_f32 = |v: &[f64], divisor: f64| v.iter().map(|&s| (s / divisor) as f32).collect::<Vec<f32>>();
        let stats = [to_f32(&mean, 1.0), to_f32(&variance, n), vec![x.len() as f32]];
        let values = stats.iter().map(|v| DMatrix::from_row_slice(1, v.len(), v)).collect();
        self.adapted = Some(stats);
        Ok(values)
    }
}
