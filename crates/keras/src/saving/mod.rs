//! Saving and loading models in Keras 3's own `.keras` format.

use std::path::Path;

use crate::error::{KerasError, Result};
use crate::model::Model;

fn todo(path: &Path) -> KerasError {
    KerasError::File { path: path.display().to_string(), detail: "not implemented yet".into() }
}

impl Model {
    /// Saves the model as a Keras 3 `.keras` file.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        Err(todo(path.as_ref()))
    }

    /// Saves the weights as a Keras 3 `.weights.h5` file.
    pub fn save_weights(&self, path: impl AsRef<Path>) -> Result<()> {
        Err(todo(path.as_ref()))
    }

    /// Loads weights saved by [`Model::save_weights`] or by Keras.
    pub fn load_weights(&mut self, path: impl AsRef<Path>) -> Result<()> {
        Err(todo(path.as_ref()))
    }
}

/// Loads a model saved by [`Model::save`] or by Keras 3.
pub fn load_model(path: impl AsRef<Path>) -> Result<Model> {
    Err(todo(path.as_ref()))
}
