//! `Input`: the shape of one sample, declared up front so that the model
//! can be built (and summarized) before it sees any data.
//!
//! As in Keras, [`Input::new`] returns a symbolic tensor, the start of a
//! Functional model; in a [`Sequential`](crate::Sequential) list it
//! becomes the model's [`InputLayer`].
//!
//! ```
//! use keras::layers::{Dense, Input, LayerCall};
//! keras::clear_session();
//! let input = Input::new(&[8]).named("features");
//! let hidden = Dense::new(30).activation("relu").apply(&input)?;
//! assert_eq!(hidden.shape(), &[30]);
//! assert_eq!(input.name(), "features");
//! # Ok::<(), keras::KerasError>(())
//! ```

use autodiff::Var;
use serde_json::json;

use super::KerasTensor;
use super::{CallContext, Layer, LayerId, Shape};
use crate::error::{KerasError, Result};
use crate::session::unique_name;
use crate::tensor::shape_string;

/// Keras's `keras.Input(shape=…, name=…)`.
#[derive(Clone, Copy, Debug)]
pub struct Input;

impl Input {
    /// A symbolic input of samples of this shape (without the batch
    /// dimension), named `input_layer`, `input_layer_1`, …
    #[allow(clippy::new_ret_no_self)] // Keras's spelling: Input(shape) makes a tensor
    pub fn new(shape: &[usize]) -> KerasTensor {
        KerasTensor::input(InputLayer::new(shape))
    }
}

/// The layer behind an input: it holds the declared shape and passes the
/// data on.
#[derive(Clone, Debug)]
pub struct InputLayer {
    name: String,
    id: LayerId,
    shape: Shape,
    /// Set when a tensor that is not an input was used as a layer.
    misuse: Option<String>,
}

impl InputLayer {
    /// An input layer for samples of this shape.
    pub fn new(shape: &[usize]) -> InputLayer {
        InputLayer {
            name: unique_name("input_layer"),
            id: LayerId::new(),
            shape: shape.to_vec(),
            misuse: None,
        }
    }

    /// An input layer with this name (no name is drawn from the session).
    pub(crate) fn with_name(name: &str, shape: &[usize]) -> InputLayer {
        InputLayer { name: name.to_string(), id: LayerId::new(), shape: shape.to_vec(), misuse: None }
    }

    /// The layer of a Keras config (`batch_shape: [null, 28, 28]`).
    pub(crate) fn from_config(config: &serde_json::Value) -> Result<InputLayer> {
        let f = crate::saving::Fields::new("an InputLayer", config)?;
        let name = f.str("name")?;
        let f = crate::saving::Fields::new(format!("layer \"{name}\""), config)?;
        let key = if f.get("batch_shape").is_some() { "batch_shape" } else { "batch_input_shape" };
        let dims = f.array(key)?;
        let shape = dims
            .iter()
            .skip(1)
            .map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok()))
            .collect::<Option<Vec<usize>>>()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                f.error(format!(
                    "\"{key}\" must be [null, d1, d2, …] with known sizes, got {}",
                    serde_json::Value::Array(dims.clone())
                ))
            })?;
        f.common_layer_keys()?;
        f.only("sparse", &serde_json::Value::Bool(false), "sparse inputs are not implemented")?;
        f.only("ragged", &serde_json::Value::Bool(false), "ragged inputs are not implemented")?;
        Ok(InputLayer::with_name(name, &shape))
    }

    /// A stand-in that reports, when used, that this tensor is no input.
    pub(crate) fn misused(tensor: &str) -> InputLayer {
        InputLayer {
            name: tensor.to_string(),
            id: LayerId::new(),
            shape: Vec::new(),
            misuse: Some(format!(
                "the tensor \"{tensor}\" is the output of a layer, not an Input: only Input tensors can start a Sequential model"
            )),
        }
    }

    /// The shape of one sample.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
}

impl Layer for InputLayer {
    fn name(&self) -> &str {
        &self.name
    }

    fn class_name(&self) -> &'static str {
        "InputLayer"
    }

    fn id(&self) -> LayerId {
        self.id
    }

    fn check(&self) -> Result<()> {
        match &self.misuse {
            Some(message) => Err(KerasError::Argument(message.clone())),
            None => Ok(()),
        }
    }

    fn declared_input(&self) -> Option<&[usize]> {
        Some(&self.shape)
    }

    fn output_shapes(&self, inputs: &[Shape]) -> Result<Vec<Shape>> {
        self.check()?;
        match inputs {
            [] => Ok(vec![self.shape.clone()]),
            [given] if *given == self.shape => Ok(vec![self.shape.clone()]),
            [given] => Err(KerasError::Shape {
                layer: self.name.clone(),
                detail: format!(
                    "expected input of shape {}, got {}",
                    shape_string(None, &self.shape),
                    shape_string(None, given)
                ),
            }),
            _ => Err(KerasError::Shape {
                layer: self.name.clone(),
                detail: format!("an input takes one array, got {}", inputs.len()),
            }),
        }
    }

    fn call(&self, _: &mut CallContext<'_>, inputs: &[Var], outputs: &mut Vec<Var>) -> Result<()> {
        outputs.push(inputs[0]);
        Ok(())
    }

    fn config(&self) -> serde_json::Value {
        let mut shape: Vec<serde_json::Value> = vec![serde_json::Value::Null];
        shape.extend(self.shape.iter().map(|&d| json!(d)));
        json!({ "name": self.name, "batch_shape": shape, "dtype": "float32", "sparse": false })
    }
}
