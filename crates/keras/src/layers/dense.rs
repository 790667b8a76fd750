//! `Dense`: a fully connected layer, `h = activation(X W + b)`
//! (Equation 10-2): a matrix product on the tape (GEMM), the bias added to
//! every row, then the activation.
//!
//! The kernel `W` has one row per input and one column per unit, so a
//! layer of 300 units on 784 inputs has 784 × 300 + 300 = 235,500
//! parameters. It starts from Glorot's uniform distribution and the bias
//! from zeros, as in Keras; both can be chosen by name.
//!
//! ```
//! use keras::layers::{Dense, Layer};
//! keras::clear_session();
//! let hidden = Dense::new(300).activation("relu").kernel_initializer("he_normal");
//! assert_eq!(hidden.name(), "dense");
//! assert_eq!(hidden.units(), 300);
//! assert!(Dense::new(10).activation("rellu").check().is_err());
//! ```

use autodiff::Var;
use mlp::Activation;
use serde_json::json;

use super::{BuildContext, CallContext, Layer, LayerId, Shape, single_input};
use crate::arg::Arg;
use crate::error::{KerasError, Result};
use crate::initializers::Initializer;
use crate::session::unique_name;
use crate::tensor::shape_string;
use crate::variable::Variable;

/// A fully connected layer.
#[derive(Clone, Debug)]
pub struct Dense {
    name: String,
    id: LayerId,
    units: usize,
    activation: Arg<Activation>,
    kernel_initializer: Arg<Initializer>,
    bias_initializer: Arg<Initializer>,
    use_bias: bool,
    kernel: Option<Variable>,
    bias: Option<Variable>,
}

impl Dense {
    /// A layer of `units` neurons, no activation (linear), Glorot-uniform
    /// kernel, zero bias.
    pub fn new(units: usize) -> Dense {
        Dense {
            name: unique_name("dense"),
            id: LayerId::new(),
            units,
            activation: Arg::Value(Activation::Identity),
            kernel_initializer: Arg::Value(Initializer::GlorotUniform),
            bias_initializer: Arg::Value(Initializer::Zeros),
            use_bias: true,
            kernel: None,
            bias: None,
        }
    }

    /// The layer of a Keras config: units, activation (by name), bias,
    /// initializers; regularizers and constraints must be null.
    pub(crate) fn from_config(config: &serde_json::Value) -> Result<Dense> {
        let f = crate::saving::Fields::new("a Dense layer", config)?;
        let name = f.str("name")?;
        let f = crate::saving::Fields::new(format!("layer \"{name}\""), config)?;
        f.common_layer_keys()?;
        for key in [
            "kernel_regularizer",
            "bias_regularizer",
            "activity_regularizer",
            "kernel_constraint",
            "bias_constraint",
            "lora_rank",
            "quantization_config",
        ] {
            f.only(key, &serde_json::Value::Null, "not implemented")?;
        }
        let activation = match f.get("activation") {
            None => "linear".to_string(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => {
                return Err(f.error(format!("\"activation\" must be a name such as \"relu\", got {v}")));
            }
        };
        let activation_arg: Arg<Activation> = Arg::Name(activation.clone());
        activation_arg.resolve().map_err(|e| f.error(e.to_string()))?;
        let init = |key: &str, default: Initializer| -> Result<Arg<Initializer>> {
            match f.get(key) {
                None => Ok(Arg::Value(default)),
                Some(v) => Initializer::from_config(v)
                    .map(Arg::Value)
                    .map_err(|e| f.error(format!("\"{key}\": {e}"))),
            }
        };
        Ok(Dense {
            name: name.to_string(),
            id: LayerId::new(),
            units: f.usize("units")?,
            activation: activation_arg,
            kernel_initializer: init("kernel_initializer", Initializer::GlorotUniform)?,
            bias_initializer: init("bias_initializer", Initializer::Zeros)?,
            use_bias: f.bool_or("use_bias", true)?,
            kernel: None,
            bias: None,
        })
    }

    /// The activation, by name (`"relu"`) or value.
    pub fn activation(mut self, activation: impl Into<Arg<Activation>>) -> Dense {
        self.activation = activation.into();
        self
    }

    /// The kernel's initializer, by name (`"he_normal"`) or value.
    pub fn kernel_initializer(mut self, init: impl Into<Arg<Initializer>>) -> Dense {
        self.kernel_initializer = init.into();
        self
    }

    /// The bias's initializer, by name or value.
    pub fn bias_initializer(mut self, init: impl Into<Arg<Initializer>>) -> Dense {
        self.bias_initializer = init.into();
        self
    }

    /// Without a bias term.
    pub fn without_bias(mut self) -> Dense {
        self.use_bias = false;
        self
    }

    /// The same layer under another name.
    pub fn named(mut self, name: &str) -> Dense {
        self.name = name.to_string();
        self
    }

    /// Number of neurons.
    pub fn units(&self) -> usize {
        self.units
    }

    fn named_error(&self, e: KerasError) -> KerasError {
        KerasError::Argument(format!("layer \"{}\": {e}", self.name))
    }

    fn resolved_activation(&self) -> Result<Activation> {
        self.activation.resolve().map_err(|e| self.named_error(e))
    }
}

impl Layer for Dense {
    fn name(&self) -> &str {
        &self.name
    }

    fn class_name(&self) -> &'static str {
        "Dense"
    }

    fn id(&self) -> LayerId {
        self.id
    }

    fn check(&self) -> Result<()> {
        self.resolved_activation()?;
        self.kernel_initializer.resolve().map_err(|e| self.named_error(e))?;
        self.bias_initializer.resolve().map_err(|e| self.named_error(e))?;
        if self.units == 0 {
            return Err(KerasError::Shape {
                layer: self.name.clone(),
                detail: "a Dense layer needs at least one unit".to_string(),
            });
        }
        Ok(())
    }

    fn output_shapes(&self, inputs: &[Shape]) -> Result<Vec<Shape>> {
        self.check()?;
        let input = single_input(&self.name, "Dense", inputs)?;
        let &[features] = input.as_slice() else {
            return Err(KerasError::Shape {
                layer: self.name.clone(),
                detail: format!(
                    "Dense takes one vector per sample, shape (None, features), but got {}: \
                     add a Flatten layer before it",
                    shape_string(None, input)
                ),
            });
        };
        if let Some(kernel) = &self.kernel
            && kernel.value.nrows() != features
        {
            return Err(KerasError::Shape {
                layer: self.name.clone(),
                detail: format!(
                    "this layer was built for inputs of shape {}, but is now given {}",
                    shape_string(None, &[kernel.value.nrows()]),
                    shape_string(None, input)
                ),
            });
        }
        Ok(vec![vec![self.units]])
    }

    fn build(&mut self, inputs: &[Shape], ctx: &mut BuildContext<'_>) -> Result<Vec<Shape>> {
        let output = self.output_shapes(inputs)?;
        if self.kernel.is_none() {
            let inputs = inputs[0][0];
            let kernel_init = self.kernel_initializer.resolve()?;
            let bias_init = self.bias_initializer.resolve()?;
            self.kernel =
                Some(Variable::new(&self.name, "kernel", ctx.initial(kernel_init, inputs, self.units), true));
            if self.use_bias {
                self.bias =
                    Some(Variable::new(&self.name, "bias", ctx.initial(bias_init, 1, self.units), true));
            }
        }
        Ok(output)
    }

    fn is_built(&self) -> bool {
        self.kernel.is_some()
    }

    fn call(&self, ctx: &mut CallContext<'_>, inputs: &[Var], outputs: &mut Vec<Var>) -> Result<()> {
        let kernel = self.kernel.as_ref().ok_or_else(|| KerasError::NotBuilt(self.name.clone()))?;
        let mut z = ctx.tape.matmul(inputs[0], ctx.weight(kernel)?)?;
        if let Some(bias) = &self.bias {
            z = ctx.tape.add_bias(z, ctx.weight(bias)?)?;
        }
        let activation = self.resolved_activation()?;
        outputs.push(if activation == Activation::Identity {
            z
        } else {
            ctx.tape.activation(z, activation)?
        });
        Ok(())
    }

    fn visit_weights<'a>(&'a self, f: &mut dyn FnMut(&'a Variable)) {
        self.kernel.iter().chain(&self.bias).for_each(f);
    }

    fn visit_weights_mut(&mut self, f: &mut dyn FnMut(&mut Variable)) {
        self.kernel.iter_mut().chain(&mut self.bias).for_each(f);
    }

    fn config(&self) -> serde_json::Value {
        let activation = match &self.activation {
            Arg::Name(n) => n.clone(),
            Arg::Value(a) => keras_activation_name(*a).to_string(),
        };
        let init = |arg: &Arg<Initializer>| {
            arg.resolve().map(Initializer::config).unwrap_or(serde_json::Value::Null)
        };
        json!({
            "name": self.name,
            "trainable": true,
            "dtype": "float32",
            "units": self.units,
            "activation": activation,
            "use_bias": self.use_bias,
            "kernel_initializer": init(&self.kernel_initializer),
            "bias_initializer": init(&self.bias_initializer),
            "kernel_regularizer": null,
            "bias_regularizer": null,
            "kernel_constraint": null,
            "bias_constraint": null,
        })
    }
}

/// Keras's name of an activation (`linear` for the identity).
pub(crate) fn keras_activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Identity => "linear",
        other => other.name(),
    }
}
