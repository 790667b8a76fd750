//! What can go wrong, with messages that name the layer, loss or file and
//! the shapes involved.

use thiserror::Error;

/// An error of the Keras-like API.
#[derive(Debug, Error)]
pub enum KerasError {
    /// Data whose shape a layer or model cannot take.
    #[error("layer \"{layer}\": {detail}")]
    Shape {
        /// The layer (or model input) that rejected the data.
        layer: String,
        /// What was expected and what was given.
        detail: String,
    },
    /// Inputs and labels (or sample weights) of different lengths.
    #[error("{what}: {detail}")]
    Count {
        /// Which argument.
        what: &'static str,
        /// Both lengths.
        detail: String,
    },
    /// Labels that the loss cannot use.
    #[error("loss \"{loss}\": {detail}")]
    Labels {
        /// The loss.
        loss: &'static str,
        /// What is wrong, with the shapes.
        detail: String,
    },
    /// A model used before it knows its input shape.
    #[error(
        "model \"{0}\" is not built yet: give it an Input, call build(&input_shape), or fit it on data first"
    )]
    NotBuilt(String),
    /// A model trained or evaluated before `compile`.
    #[error(
        "model \"{0}\" must be compiled before training or evaluation: call compile(loss, optimizer, metrics)"
    )]
    NotCompiled(String),
    /// A name (activation, initializer, loss, optimizer, metric, layer) that is not known.
    #[error("unknown {kind} \"{name}\"; known: {known}")]
    UnknownName {
        /// What kind of name.
        kind: &'static str,
        /// The name given.
        name: String,
        /// The names that would work.
        known: String,
    },
    /// Weights of the wrong number or shapes for a layer or model.
    #[error("set_weights on \"{layer}\": {detail}")]
    Weights {
        /// The layer or model.
        layer: String,
        /// Expected and given shapes.
        detail: String,
    },
    /// An argument out of its range (epochs, batch size, split, …).
    #[error("{0}")]
    Argument(String),
    /// A model whose graph does not hold together: an output that its
    /// inputs do not reach, an input that no output uses, a layer name
    /// used twice.
    #[error("model \"{model}\": {detail}")]
    Graph {
        /// The model.
        model: String,
        /// What is wrong.
        detail: String,
    },
    /// Data given for a model's inputs or outputs that do not match them
    /// (how many, or which names).
    #[error("model \"{model}\": {detail}")]
    Structure {
        /// The model.
        model: String,
        /// What was expected and what was given.
        detail: String,
    },
    /// A model or weights file that cannot be written or read: the file,
    /// and what is wrong (the entry, layer or variable, the shapes).
    #[error("{path}: {detail}")]
    File {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// A Keras configuration (a model's `config.json`, a layer's or an
    /// optimizer's config) that cannot be read: what it configures, and
    /// the key that is missing, of the wrong type or not supported.
    #[error("config of {what}: {detail}")]
    Config {
        /// The layer, model or optimizer the config is for.
        what: String,
        /// What is wrong.
        detail: String,
    },
    /// An error of the autodiff tape.
    #[error(transparent)]
    Tape(#[from] autodiff::TapeError),
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, KerasError>;
