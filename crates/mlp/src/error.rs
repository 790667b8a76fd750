//! The crate's error type: every message names the operation or the loss
//! and the shapes involved.

/// What can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum MlpError {
    /// Operands whose shapes do not fit together.
    #[error(transparent)]
    Shape(#[from] mcculloch_pitts::ShapeError),
    /// Targets that do not suit the loss (shape, range, kind).
    #[error("loss {loss}: {detail}")]
    Targets {
        /// The loss's name.
        loss: &'static str,
        /// What is wrong, with the shapes.
        detail: String,
    },
    /// A hyperparameter out of its range.
    #[error("{name} = {value}: {expected}")]
    InvalidOption {
        /// The hyperparameter.
        name: &'static str,
        /// Its value.
        value: String,
        /// What it should be.
        expected: &'static str,
    },
    /// Data that cannot be trained on (empty, not finite, one class).
    #[error("{0}")]
    Data(String),
    /// A dataset could not be loaded.
    #[error(transparent)]
    Dataset(#[from] datasets::Error),
    /// `predict` or `score` before `fit`.
    #[error("the model is not fitted yet: call fit first")]
    NotFitted,
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, MlpError>;
