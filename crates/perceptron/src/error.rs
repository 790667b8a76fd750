//! The one error type of the crate. Bad input is always reported through
//! it, with the row, column or option at fault, never by a panic.

use mcculloch_pitts::ShapeError;

/// Everything that can go wrong while building, training or using a
/// perceptron, or while reading data and drawing its figures.
#[derive(Debug, thiserror::Error)]
pub enum PerceptronError {
    /// Operands whose shapes do not fit (inputs with the wrong number of
    /// features, weights and biases of different sizes, ...).
    #[error(transparent)]
    Shape(#[from] ShapeError),

    /// A training set without any instance or without any feature.
    #[error("cannot train on {rows} instances of {columns} features: need at least one of each")]
    Empty {
        /// Number of instances.
        rows: usize,
        /// Number of features.
        columns: usize,
    },

    /// Not as many labels as instances.
    #[error("{rows} instances but {labels} labels: need one label per instance")]
    LabelCount {
        /// Number of instances (rows of `X`).
        rows: usize,
        /// Number of labels.
        labels: usize,
    },

    /// All labels are equal: there is nothing to separate.
    #[error("every label is {label}: a classifier needs at least two classes")]
    OneClass {
        /// The only label, as text.
        label: String,
    },

    /// An input value that is NaN or infinite.
    #[error("instance {row}, feature {column} is {value}: inputs must be finite numbers")]
    NonFinite {
        /// The 0-based row of the instance.
        row: usize,
        /// The 0-based column of the feature.
        column: usize,
        /// The faulty value.
        value: f64,
    },

    /// A hyperparameter outside its valid range.
    #[error("invalid option {name} = {value}: {reason}")]
    InvalidOption {
        /// The name of the option, as in scikit-learn.
        name: &'static str,
        /// Its value, as text.
        value: String,
        /// What a valid value is.
        reason: &'static str,
    },

    /// Prediction asked of a classifier that was never trained.
    #[error("this perceptron is not fitted yet: call fit first")]
    NotFitted,

    /// A target column unsuitable for classification (user data).
    #[error("{path}: target column `{column}`: {message}")]
    Target {
        /// The CSV file.
        path: String,
        /// The target column.
        column: String,
        /// What is wrong with it.
        message: String,
    },

    /// A CSV file or dataset that could not be read.
    #[error(transparent)]
    Data(#[from] datasets::Error),

    /// A figure that could not be drawn (with the `figures` feature).
    #[cfg(feature = "figures")]
    #[error(transparent)]
    Plot(#[from] plotting::PlotError),
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, PerceptronError>;
