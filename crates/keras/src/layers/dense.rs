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
//! ```

use autodiff::{Tape, Var};
use mlp::Activation;

use super::{Arg, BuildContext, CallOptions, Layer, Weight};
use crate::error::{KerasError, Result};
use crate::initializers::Initializer;
use crate::session::unique_name;
use crate::tensor::shape_string;

/// A fully connected layer.
#[derive(Clone, Debug)]
pub struct Dense {
    name: String,
    units: usize,
    activation: Arg<Activation>,
    resolved: Activation,
    kernel_initializer: Arg<Initializer>,
    bias_initializer: Arg<Initializer>,
    use_bias: bool,
    weights: Vec<Weight>,
}

impl Dense {
    /// A layer of `units` neurons, no activation (linear), Glorot-uniform
    /// kernel, zero bias.
    pub fn new(units: usize) -> Dense {
        Dense {
            name: unique_name("dense"),
            units,
            activation: Arg::Value(Activation::Identity),
            resolved: Activation::Identity,
            kernel_initializer: Arg::Value(Initializer::GlorotUniform),
            bias_initializer: Arg::Value(Initializer::Zeros),
            use_bias: true,
            weights: Vec::new(),
        }
    }

    /// The activation, by name (`"relu"`) or value.
    pub fn activation(mut self, activation: impl Into<Arg<Activation>>) -> Dense {
        self.activation = activation.into();
        self.resolved = self.activation.resolve().unwrap_or(Activation::Identity);
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
}

impl Layer for Dense {
    fn name(&self) -> &str {
        &self.name
    }

    fn class_name(&self) -> &'static str {
        "Dense"
    }

    fn build(&mut self, input_shape: &[usize], ctx: &mut BuildContext<'_>) -> Result<Vec<usize>> {
        let error = |detail: String| Err(KerasError::Shape { layer: self.name.clone(), detail });
        let &[inputs] = input_shape else {
            return error(format!(
                "Dense takes one vector per sample, shape (None, features), but got {}: \
                 add a Flatten layer before it",
                shape_string(None, input_shape)
            ));
        };
        if self.units == 0 {
            return error("a Dense layer needs at least one unit".to_string());
        }
        self.resolved = self
            .activation
            .resolve()
            .map_err(|e| KerasError::Argument(format!("layer \"{}\": {e}", self.name)))?;
        let init = |arg: &Arg<Initializer>| {
            arg.resolve().map_err(|e| KerasError::Argument(format!("layer \"{}\": {e}", self.name)))
        };
        let (kernel_init, bias_init) = (init(&self.kernel_initializer)?, init(&self.bias_initializer)?);
        let kernel = ctx.initial(kernel_init, inputs, self.units);
        self.weights = vec![ctx.add_weight(&self.name, "kernel", kernel, true)?];
        if self.use_bias {
            let bias = ctx.initial(bias_init, 1, self.units);
            self.weights.push(ctx.add_weight(&self.name, "bias", bias, true)?);
        }
        Ok(vec![self.units])
    }

    fn weights(&self) -> &[Weight] {
        &self.weights
    }

    fn call(&self, tape: &mut Tape<f32>, x: Var, options: CallOptions) -> Result<Var> {
        let mut z = tape.matmul(x, self.weights[0].var)?;
        if let Some(bias) = self.weights.get(1) {
            z = tape.add_bias(z, bias.var)?;
        }
        if options.skip_activation || self.resolved == Activation::Identity {
            Ok(z)
        } else {
            Ok(tape.activation(z, self.resolved)?)
        }
    }

    fn activation(&self) -> Option<Activation> {
        Some(self.resolved)
    }
}
