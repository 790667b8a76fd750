//! The errors of a search.

use std::path::PathBuf;

/// What can go wrong while tuning.
#[derive(Debug, thiserror::Error)]
pub enum TuningError {
    /// A hyperparameter was declared with impossible arguments, or asked
    /// for under the wrong type.
    #[error("hyperparameter '{name}': {message}")]
    HyperParameter {
        /// The hyperparameter's name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A state file of the search could not be read or makes no sense.
    #[error("{}: {message}", path.display())]
    StateFile {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Building, training or saving a model failed.
    #[error(transparent)]
    Keras(#[from] keras::KerasError),
    /// The search was set up wrongly (an objective the trials do not
    /// report, zero trials, …).
    #[error("{0}")]
    Config(String),
}

/// The result of the tuning functions.
pub type Result<T> = std::result::Result<T, TuningError>;

impl TuningError {
    pub(crate) fn hp(name: &str, message: impl Into<String>) -> TuningError {
        TuningError::HyperParameter { name: name.to_string(), message: message.into() }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> TuningError {
        TuningError::Io { path: path.into(), source }
    }

    pub(crate) fn state(path: impl Into<PathBuf>, message: impl Into<String>) -> TuningError {
        TuningError::StateFile { path: path.into(), message: message.into() }
    }
}
