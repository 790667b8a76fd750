//! Losses, by Keras's names or as values. Each is one of stage 3's losses,
//! which the tape fuses with the output layer's activation (softmax with
//! cross-entropy is computed from the logits, stably), plus what Keras
//! adds: whether the labels are class indices (`sparse_…`) or rows.
//!
//! ```
//! use keras::losses::Loss;
//! let loss: Loss = "sparse_categorical_crossentropy".parse()?;
//! assert_eq!(loss, Loss::SparseCategoricalCrossentropy);
//! assert!("mean_squared_error".parse::<Loss>()? == Loss::MeanSquaredError);
//! # Ok::<(), keras::KerasError>(())
//! ```

use std::str::FromStr;

use crate::arg::Named;
use crate::error::KerasError;

/// A loss function.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Loss {
    /// Cross-entropy against class indices (`y_train` of Fashion-MNIST).
    SparseCategoricalCrossentropy,
    /// Cross-entropy against one-hot rows.
    CategoricalCrossentropy,
    /// Cross-entropy of independent 0/1 outputs.
    BinaryCrossentropy,
    /// Mean squared error.
    MeanSquaredError,
    /// Mean absolute error.
    MeanAbsoluteError,
    /// Quadratic below `delta`, linear above.
    Huber {
        /// Where the two parts meet (Keras's default: 1).
        delta: f32,
    },
}

impl Named for Loss {
    const KIND: &'static str = "loss";
    const NAMES: &'static str = "sparse_categorical_crossentropy, categorical_crossentropy, binary_crossentropy, \
                                 mse (mean_squared_error), mae (mean_absolute_error), huber";

    fn from_name(name: &str) -> Option<Loss> {
        Some(match name {
            "sparse_categorical_crossentropy" => Loss::SparseCategoricalCrossentropy,
            "categorical_crossentropy" => Loss::CategoricalCrossentropy,
            "binary_crossentropy" => Loss::BinaryCrossentropy,
            "mse" | "mean_squared_error" => Loss::MeanSquaredError,
            "mae" | "mean_absolute_error" => Loss::MeanAbsoluteError,
            "huber" | "huber_loss" => Loss::Huber { delta: 1.0 },
            _ => return None,
        })
    }
}

impl FromStr for Loss {
    type Err = KerasError;

    fn from_str(name: &str) -> Result<Loss, KerasError> {
        Loss::parse_name(name)
    }
}

impl Loss {
    /// Keras's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Loss::SparseCategoricalCrossentropy => "sparse_categorical_crossentropy",
            Loss::CategoricalCrossentropy => "categorical_crossentropy",
            Loss::BinaryCrossentropy => "binary_crossentropy",
            Loss::MeanSquaredError => "mean_squared_error",
            Loss::MeanAbsoluteError => "mean_absolute_error",
            Loss::Huber { .. } => "huber",
        }
    }

    /// The stage 3 loss that computes it.
    pub fn to_mlp(self) -> mlp::Loss {
        match self {
            Loss::SparseCategoricalCrossentropy | Loss::CategoricalCrossentropy => {
                mlp::Loss::CategoricalCrossEntropy
            }
            Loss::BinaryCrossentropy => mlp::Loss::BinaryCrossEntropy,
            Loss::MeanSquaredError => mlp::Loss::Mse,
            Loss::MeanAbsoluteError => mlp::Loss::Mae,
            Loss::Huber { delta } => mlp::Loss::Huber { delta: f64::from(delta) },
        }
    }

    /// Whether it takes one class index per sample.
    pub fn is_sparse(self) -> bool {
        self == Loss::SparseCategoricalCrossentropy
    }

    /// Whether it compares probabilities with classes (cross-entropies).
    pub fn is_classification(self) -> bool {
        matches!(
            self,
            Loss::SparseCategoricalCrossentropy | Loss::CategoricalCrossentropy | Loss::BinaryCrossentropy
        )
    }
}
