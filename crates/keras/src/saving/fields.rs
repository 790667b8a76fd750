//! Reading the fields of a Keras configuration (JSON), with errors that
//! name the layer and the key.

use serde_json::{Map, Value};

use crate::error::{KerasError, Result};

/// A JSON object read as a Keras config: each getter names the owner and
/// the key in its error.
pub(crate) struct Fields<'a> {
    owner: String,
    map: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    /// The object `value`, configuring `owner` (`layer "dense"`).
    pub fn new(owner: impl Into<String>, value: &'a Value) -> Result<Fields<'a>> {
        let owner = owner.into();
        match value.as_object() {
            Some(map) => Ok(Fields { owner, map }),
            None => {
                Err(KerasError::Config { what: owner, detail: format!("expected an object, got {value}") })
            }
        }
    }

    /// An error about this config.
    pub fn error(&self, detail: impl Into<String>) -> KerasError {
        KerasError::Config { what: self.owner.clone(), detail: detail.into() }
    }

    /// The value of `key`, if present and not null.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// The value of `key`, which must be present.
    pub fn require(&self, key: &str) -> Result<&'a Value> {
        self.get(key).ok_or_else(|| self.error(format!("missing key \"{key}\"")))
    }

    /// The object under `key`.
    pub fn object(&self, key: &str) -> Result<Fields<'a>> {
        Fields::new(format!("{} (\"{key}\")", self.owner), self.require(key)?)
    }

    /// The string under `key`.
    pub fn str(&self, key: &str) -> Result<&'a str> {
        let v = self.require(key)?;
        v.as_str().ok_or_else(|| self.error(format!("\"{key}\" must be a string, got {v}")))
    }

    /// The non-negative integer under `key`.
    pub fn usize(&self, key: &str) -> Result<usize> {
        let v = self.require(key)?;
        v.as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| self.error(format!("\"{key}\" must be a non-negative integer, got {v}")))
    }

    /// The number under `key`, or `default` if absent.
    pub fn f64_or(&self, key: &str, default: f64) -> Result<f64> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v.as_f64().ok_or_else(|| self.error(format!("\"{key}\" must be a number, got {v}"))),
        }
    }

    /// The boolean under `key`, or `default` if absent.
    pub fn bool_or(&self, key: &str, default: bool) -> Result<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => {
                v.as_bool().ok_or_else(|| self.error(format!("\"{key}\" must be true or false, got {v}")))
            }
        }
    }

    /// The array under `key`.
    pub fn array(&self, key: &str) -> Result<&'a Vec<Value>> {
        let v = self.require(key)?;
        v.as_array().ok_or_else(|| self.error(format!("\"{key}\" must be a list, got {v}")))
    }

    /// An error unless `key` is absent, null or `expected` (a setting
    /// this crate does not implement).
    pub fn only(&self, key: &str, expected: &Value, why: &str) -> Result<()> {
        match self.get(key) {
            None => Ok(()),
            Some(v) if v == expected => Ok(()),
            Some(v) => Err(self.error(format!("\"{key}\" = {v} is not supported ({why})"))),
        }
    }

    /// An error unless the layer computes in float32 (`dtype` absent,
    /// `"float32"`, or a `DTypePolicy` named so) and is trainable.
    pub fn common_layer_keys(&self) -> Result<()> {
        if let Some(dtype) = self.get("dtype") {
            let name = match dtype {
                Value::String(s) => Some(s.as_str()),
                Value::Object(o) => o.get("config").and_then(|c| c.get("name")).and_then(Value::as_str),
                _ => None,
            };
            if name != Some("float32") {
                return Err(
                    self.error(format!("dtype {dtype} is not supported: this crate computes in float32"))
                );
            }
        }
        self.only("trainable", &Value::Bool(true), "frozen layers are not implemented")
    }
}
