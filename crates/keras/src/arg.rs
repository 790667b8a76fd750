//! Name-or-value arguments, as Keras takes them: `activation="relu"` or
//! `activation=keras.activations.relu`, `optimizer="adam"` or
//! `optimizer=Adam(learning_rate=1e-3)`.
//!
//! [`Arg<T>`] holds either; [`Named`] is what a type implements to be
//! found by its Keras name. A name is checked as soon as it is resolved,
//! and the error lists the names that would work.
//!
//! ```
//! use keras::Arg;
//! use mlp::Activation;
//! let relu: Arg<Activation> = "relu".into();
//! assert_eq!(relu.resolve()?, Activation::Relu);
//! let typo: Arg<Activation> = "rellu".into();
//! assert!(typo.resolve().unwrap_err().to_string().contains("relu, sigmoid"));
//! # Ok::<(), keras::KerasError>(())
//! ```

use crate::error::{KerasError, Result};

/// A type whose values Keras also names (`"relu"`, `"he_normal"`, `"mse"`).
pub trait Named: Sized + Clone {
    /// What kind of thing it is, for error messages (`activation`).
    const KIND: &'static str;
    /// The names it knows, for error messages.
    const NAMES: &'static str;
    /// The value of this name, if it is one.
    fn from_name(name: &str) -> Option<Self>;

    /// The value of this name, or an error that lists the known names.
    fn parse_name(name: &str) -> Result<Self> {
        Self::from_name(name).ok_or_else(|| KerasError::UnknownName {
            kind: Self::KIND,
            name: name.to_string(),
            known: Self::NAMES.to_string(),
        })
    }
}

/// Either a value or its Keras name.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg<T> {
    /// Its name (`"relu"`, `"he_normal"`).
    Name(String),
    /// The value itself.
    Value(T),
}

impl<T> From<&str> for Arg<T> {
    fn from(name: &str) -> Arg<T> {
        Arg::Name(name.to_string())
    }
}

impl<T> From<String> for Arg<T> {
    fn from(name: String) -> Arg<T> {
        Arg::Name(name)
    }
}

impl<T: Named> From<T> for Arg<T> {
    fn from(value: T) -> Arg<T> {
        Arg::Value(value)
    }
}

impl<T: Named> Arg<T> {
    /// The value, looking a name up.
    pub fn resolve(&self) -> Result<T> {
        match self {
            Arg::Name(name) => T::parse_name(name),
            Arg::Value(value) => Ok(value.clone()),
        }
    }

    /// The name as given, if it is one.
    pub fn name(&self) -> Option<&str> {
        match self {
            Arg::Name(name) => Some(name),
            Arg::Value(_) => None,
        }
    }
}

impl Named for mlp::Activation {
    const KIND: &'static str = "activation";
    const NAMES: &'static str = "relu, sigmoid, tanh, softmax, softplus, linear, heaviside";

    fn from_name(name: &str) -> Option<Self> {
        mlp::Activation::from_name(name)
    }
}
