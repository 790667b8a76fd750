//! `Flatten`: each sample becomes one row of values (28 × 28 → 784), in
//! row-major order, so that a `Dense` layer can take it.
//!
//! Samples are stored row-major and one per row on the tape already, so
//! flattening changes the shape the next layer sees, not the data: the
//! layer records nothing.

use autodiff::Var;
use serde_json::json;

use super::{CallContext, Layer, LayerId, Shape, single_input};
use crate::error::Result;
use crate::session::unique_name;

/// Reshapes each sample into a vector.
#[derive(Clone, Debug)]
pub struct Flatten {
    name: String,
    id: LayerId,
}

impl Flatten {
    /// A flatten layer with a fresh name (`flatten`, `flatten_1`, …).
    pub fn new() -> Flatten {
        Flatten { name: unique_name("flatten"), id: LayerId::new() }
    }

    /// The same layer under another name.
    pub fn named(mut self, name: &str) -> Flatten {
        self.name = name.to_string();
        self
    }

    /// The layer of a Keras config.
    pub(crate) fn from_config(config: &serde_json::Value) -> Result<Flatten> {
        let f = crate::saving::Fields::new("a Flatten layer", config)?;
        let name = f.str("name")?;
        crate::saving::Fields::new(format!("layer \"{name}\""), config)?.common_layer_keys()?;
        Ok(Flatten { name: name.to_string(), id: LayerId::new() })
    }
}

impl Default for Flatten {
    fn default() -> Flatten {
        Flatten::new()
    }
}

impl Layer for Flatten {
    fn name(&self) -> &str {
        &self.name
    }

    fn class_name(&self) -> &'static str {
        "Flatten"
    }

    fn id(&self) -> LayerId {
        self.id
    }

    fn output_shapes(&self, inputs: &[Shape]) -> Result<Vec<Shape>> {
        Ok(vec![vec![single_input(&self.name, "Flatten", inputs)?.iter().product()]])
    }

    fn call(&self, _: &mut CallContext<'_>, inputs: &[Var], outputs: &mut Vec<Var>) -> Result<()> {
        outputs.push(inputs[0]);
        Ok(())
    }

    fn config(&self) -> serde_json::Value {
        json!({ "name": self.name, "trainable": true, "dtype": "float32", "data_format": "channels_last" })
    }
}
