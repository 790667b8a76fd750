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

use autodiff::Var;
use nalgebra::DMatrix;
use serde_json::json;

use super::{BuildContext, CallContext, Layer, LayerId, Shape, single_input};
use crate::error::{KerasError, Result};
use crate::session::unique_name;
use crate::tensor::{Tensor, shape_string};
use crate::variable::Variable;

/// Keras's `backend.epsilon()`: the smallest standard deviation divided by.
const EPSILON: f32 = 1e-7;

/// Standardizes each feature.
#[derive(Debug)]
pub struct Normalization {
    name: String,
    id: LayerId,
    /// Statistics learned by `adapt` before the layer was built.
    adapted: Option<[Vec<f32>; 3]>,
    /// Mean, variance and count, once built.
    weights: Vec<Variable>,
    /// 1 / max(√variance, ε), recomputed at each call without allocating.
    scale: Mutex<DMatrix<f32>>,
}

impl Clone for Normalization {
    fn clone(&self) -> Normalization {
        Normalization {
            name: self.name.clone(),
            id: self.id,
            adapted: self.adapted.clone(),
            weights: self.weights.clone(),
            scale: Mutex::new(DMatrix::zeros(0, 0)),
        }
    }
}

impl Normalization {
    /// A layer that has not seen data yet (mean 0, variance 1 until
    /// [`Normalization::adapt`]).
    pub fn new() -> Normalization {
        Normalization { name: unique_name("normalization"), ..Normalization::unnamed() }
    }

    /// The same layer under another name.
    pub fn named(mut self, name: &str) -> Normalization {
        self.name = name.to_string();
        self
    }

    /// The layer of a Keras config: `axis` -1, not inverted, its statistics
    /// in the weights file (`mean` and `variance` null in the config).
    pub(crate) fn from_config(config: &serde_json::Value) -> Result<Normalization> {
        let f = crate::saving::Fields::new("a Normalization layer", config)?;
        let name = f.str("name")?;
        let f = crate::saving::Fields::new(format!("layer \"{name}\""), config)?;
        f.common_layer_keys()?;
        let axis_ok = match f.get("axis") {
            None => true,
            Some(serde_json::Value::Array(a)) => a.len() == 1 && matches!(a[0].as_i64(), Some(-1 | 1)),
            Some(v) => matches!(v.as_i64(), Some(-1 | 1)),
        };
        if !axis_ok {
            return Err(f.error(format!(
                "axis {} is not supported: Normalization standardizes each feature of vector samples (axis -1)",
                f.get("axis").map_or(String::new(), |v| v.to_string())
            )));
        }
        f.only("invert", &serde_json::Value::Bool(false), "the inverse normalization is not implemented")?;
        for key in ["mean", "variance"] {
            if f.get(key).is_some() {
                return Err(f.error(format!(
                    "a \"{key}\" given in the config is not supported: adapt the layer instead (its statistics are then saved with the weights)"
                )));
            }
        }
        Ok(Normalization { name: name.to_string(), ..Normalization::unnamed() })
    }

    fn unnamed() -> Normalization {
        Normalization {
            name: String::new(),
            id: LayerId::new(),
            adapted: None,
            weights: Vec::new(),
            scale: Mutex::new(DMatrix::zeros(0, 0)),
        }
    }

    /// Learns each feature's mean and variance from `x`.
    pub fn adapt(&mut self, x: &Tensor) -> Result<()> {
        Layer::adapt(self, x)
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

fn row(v: &[f32]) -> DMatrix<f32> {
    DMatrix::from_row_slice(1, v.len(), v)
}

impl Layer for Normalization {
    fn name(&self) -> &str {
        &self.name
    }

    fn class_name(&self) -> &'static str {
        "Normalization"
    }

    fn id(&self) -> LayerId {
        self.id
    }

    fn output_shapes(&self, inputs: &[Shape]) -> Result<Vec<Shape>> {
        let input = single_input(&self.name, "Normalization", inputs)?;
        let d = self.check_shape(input)?;
        let known =
            self.weights.first().map(|w| w.value.ncols()).or(self.adapted.as_ref().map(|a| a[0].len()));
        match known {
            Some(k) if k != d => Err(KerasError::Shape {
                layer: self.name.clone(),
                detail: format!(
                    "adapted on {k} features but the model gives it {}",
                    shape_string(None, input)
                ),
            }),
            _ => Ok(vec![vec![d]]),
        }
    }

    fn build(&mut self, inputs: &[Shape], _: &mut BuildContext<'_>) -> Result<Vec<Shape>> {
        let output = self.output_shapes(inputs)?;
        if self.weights.is_empty() {
            let d = output[0][0];
            let [mean, variance, count] = match &self.adapted {
                Some([m, v, c]) => [m.clone(), v.clone(), c.clone()],
                None => [vec![0.0; d], vec![1.0; d], vec![0.0]],
            };
            self.weights = vec![
                Variable::new(&self.name, "mean", row(&mean), false),
                Variable::new(&self.name, "variance", row(&variance), false),
                Variable::new(&self.name, "count", row(&count), false),
            ];
        }
        Ok(output)
    }

    fn is_built(&self) -> bool {
        !self.weights.is_empty()
    }

    fn call(&self, ctx: &mut CallContext<'_>, inputs: &[Var], outputs: &mut Vec<Var>) -> Result<()> {
        let [mean, variance] = match self.weights.as_slice() {
            [m, v, _] => [ctx.weight(m)?, ctx.weight(v)?],
            _ => return Err(KerasError::NotBuilt(self.name.clone())),
        };
        let negative_mean = ctx.tape.scale(mean, -1.0)?;
        let centered = ctx.tape.add_bias(inputs[0], negative_mean)?;
        let mut scale = self.scale.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let var = ctx.tape.try_value(variance)?;
        if scale.shape() != var.shape() {
            *scale = DMatrix::zeros(var.nrows(), var.ncols());
        }
        for (s, &v) in scale.iter_mut().zip(var.iter()) {
            *s = 1.0 / v.sqrt().max(EPSILON);
        }
        let scale = ctx.tape.constant(&scale);
        outputs.push(ctx.tape.scale_columns(centered, scale)?);
        Ok(())
    }

    fn visit_weights<'a>(&'a self, f: &mut dyn FnMut(&'a Variable)) {
        self.weights.iter().for_each(f);
    }

    fn visit_weights_mut(&mut self, f: &mut dyn FnMut(&mut Variable)) {
        self.weights.iter_mut().for_each(f);
    }

    fn config(&self) -> serde_json::Value {
        json!({
            "name": self.name,
            "trainable": true,
            "dtype": "float32",
            "axis": [-1],
            "invert": false,
            "mean": null,
            "variance": null,
        })
    }

    fn adapt(&mut self, x: &Tensor) -> Result<()> {
        let d = self.check_shape(x.sample_shape())?;
        if x.is_empty() {
            return Err(KerasError::Argument(format!(
                "layer \"{}\": adapt needs at least one sample",
                self.name
            )));
        }
        if let Some(w) = self.weights.first()
            && w.value.ncols() != d
        {
            return Err(KerasError::Shape {
                layer: self.name.clone(),
                detail: format!(
                    "built for {} features, cannot adapt to samples of shape {}",
                    w.value.ncols(),
                    shape_string(None, x.sample_shape())
                ),
            });
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
        for (w, s) in self.weights.iter_mut().zip(&stats) {
            w.value = row(s);
        }
        self.adapted = Some(stats);
        Ok(())
    }
}
