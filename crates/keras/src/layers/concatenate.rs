//! `Concatenate`: several inputs side by side, one row per sample (the
//! wide path and the deep path of a Wide & Deep model, Figure 10-13).
//!
//! ```
//! use keras::layers::{Input, concatenate};
//! keras::clear_session();
//! let (wide, deep) = (Input::new(&[5]), Input::new(&[30]));
//! let both = concatenate(&[&wide, &deep])?;
//! assert_eq!(both.shape(), &[35]);
//! assert!(concatenate(&[&wide, &Input::new(&[3, 2])]).is_err());
//! # Ok::<(), keras::KerasError>(())
//! ```

use autodiff::Var;
use serde_json::json;

use super::KerasTensor;
use super::{CallContext, Layer, LayerCall, LayerId, Shape};
use crate::error::{KerasError, Result};
use crate::session::unique_name;
use crate::tensor::shape_string;

/// Joins its inputs along the last axis.
#[derive(Clone, Debug)]
pub struct Concatenate {
    name: String,
    id: LayerId,
}

impl Concatenate {
    /// A concatenation layer with a fresh name (`concatenate`, …).
    pub fn new() -> Concatenate {
        Concatenate { name: unique_name("concatenate"), id: LayerId::new() }
    }

    /// The same layer under another name.
    pub fn named(mut self, name: &str) -> Concatenate {
        self.name = name.to_string();
        self
    }

    /// The layer of a Keras config; it joins along the last axis, which
    /// for this crate's samples (vectors) is `axis` -1 or 1.
    pub(crate) fn from_config(config: &serde_json::Value) -> Result<Concatenate> {
        let f = crate::saving::Fields::new("a Concatenate layer", config)?;
        let name = f.str("name")?;
        let f = crate::saving::Fields::new(format!("layer \"{name}\""), config)?;
        f.common_layer_keys()?;
        let axis = f.get("axis").and_then(serde_json::Value::as_i64).unwrap_or(-1);
        if axis != -1 && axis != 1 {
            return Err(f.error(format!(
                "axis {axis} is not supported: Concatenate joins vectors along their last axis (-1)"
            )));
        }
        Ok(Concatenate { name: name.to_string(), id: LayerId::new() })
    }
}

impl Default for Concatenate {
    fn default() -> Concatenate {
        Concatenate::new()
    }
}

/// `keras.layers.concatenate([a, b])`: a new [`Concatenate`] layer called
/// on the tensors.
pub fn concatenate(inputs: &[&KerasTensor]) -> Result<KerasTensor> {
    Concatenate::new().apply_many(inputs)
}

impl Layer for Concatenate {
    fn name(&self) -> &str {
        &self.name
    }

    fn class_name(&self) -> &'static str {
        "Concatenate"
    }

    fn id(&self) -> LayerId {
        self.id
    }

    fn output_shapes(&self, inputs: &[Shape]) -> Result<Vec<Shape>> {
        let shapes = || inputs.iter().map(|s| shape_string(None, s)).collect::<Vec<_>>().join(" and ");
        if inputs.len() < 2 {
            return Err(KerasError::Shape {
                layer: self.name.clone(),
                detail: format!("Concatenate needs at least two inputs, got {}", inputs.len()),
            });
        }
        if inputs.iter().any(|s| s.len() != 1) {
            return Err(KerasError::Shape {
                layer: self.name.clone(),
                detail: format!("Concatenate joins vectors, shape (None, features), but got {}", shapes()),
            });
        }
        Ok(vec![vec![inputs.iter().map(|s| s[0]).sum()]])
    }

    fn call(&self, ctx: &mut CallContext<'_>, inputs: &[Var], outputs: &mut Vec<Var>) -> Result<()> {
        let mut joined = inputs[0];
        for &next in &inputs[1..] {
            joined = ctx.tape.concat(joined, next)?;
        }
        outputs.push(joined);
        Ok(())
    }

    fn config(&self) -> serde_json::Value {
        json!({ "name": self.name, "trainable": true, "dtype": "float32", "axis": -1 })
    }
}
