//! Weights with a stable identity.
//!
//! A [`Variable`] is a layer's weight: its value, its Keras path
//! (`dense/kernel`), whether training changes it, and a [`WeightId`] that
//! stays the same for the life of the weight. The layer owns it; a
//! training step lends every value to the autodiff tape for the step (a
//! swap, not a copy), gets the gradients back keyed by id, and the
//! optimizer keeps its slots (velocities, moments) under the same ids.

use nalgebra::DMatrix;

/// The identity of one weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WeightId(pub(crate) u64);

/// A weight of a layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    pub(crate) id: WeightId,
    /// `layer/name`, as Keras's `variable.path` (`dense/kernel`).
    pub path: String,
    /// The current value (a bias is a 1 × units row).
    pub value: DMatrix<f32>,
    /// Whether training updates it (a normalization's mean does not).
    pub trainable: bool,
}

impl Variable {
    /// A new weight with a fresh identity.
    pub fn new(layer: &str, name: &str, value: DMatrix<f32>, trainable: bool) -> Variable {
        Variable {
            id: WeightId(crate::session::next_id()),
            path: format!("{layer}/{name}"),
            value,
            trainable,
        }
    }

    /// Its identity.
    pub fn id(&self) -> WeightId {
        self.id
    }

    /// Its name within the layer (`kernel`).
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// Number of scalars.
    pub fn len(&self) -> usize {
        self.value.len()
    }

    /// True for a weight with no scalars.
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }
}
