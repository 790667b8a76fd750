//! Symbolic tensors: what the Functional API calls layers on.
//!
//! [`Input::new`](super::Input::new) returns a [`KerasTensor`]: a shape and
//! where it comes from, no data. Calling a layer on symbolic tensors
//! ([`LayerCall::apply`](super::LayerCall::apply)) checks the shapes at
//! once and returns a new tensor that remembers the call, with a copy of
//! the layer (same identity: a layer called twice is one layer, its weights
//! shared). A model is made of that history by
//! [`Model::functional`](crate::Model::functional).

use std::sync::Arc;

use super::{InputLayer, Layer, Shape};
use crate::error::Result;

/// One call of a layer on symbolic tensors (Keras's "node").
#[derive(Debug)]
pub(crate) struct CallNode {
    pub(crate) id: u64,
    pub(crate) layer: Box<dyn Layer>,
    pub(crate) inputs: Vec<KerasTensor>,
    pub(crate) output_shapes: Vec<Shape>,
}

/// A symbolic tensor: the shape of one sample and the call that makes it.
#[derive(Clone, Debug)]
pub struct KerasTensor {
    pub(crate) node: Arc<CallNode>,
    pub(crate) index: usize,
}

impl KerasTensor {
    pub(crate) fn input(layer: InputLayer) -> KerasTensor {
        let shape = layer.shape().to_vec();
        let node = CallNode {
            id: crate::session::next_id(),
            layer: Box::new(layer),
            inputs: Vec::new(),
            output_shapes: vec![shape],
        };
        KerasTensor { node: Arc::new(node), index: 0 }
    }

    /// The shape of one sample (without the batch dimension).
    pub fn shape(&self) -> &[usize] {
        &self.node.output_shapes[self.index]
    }

    /// The name of the layer that makes it (the input's name for an input).
    pub fn name(&self) -> &str {
        self.node.layer.name()
    }

    /// Whether this is a model input (made by [`Input::new`](crate::layers::Input::new)).
    pub fn is_input(&self) -> bool {
        self.node.layer.declared_input().is_some() && self.node.inputs.is_empty()
    }

    /// The same input under another name (`Input(shape=[5], name="input_wide")`).
    /// A tensor that is not an input keeps its name.
    pub fn named(self, name: &str) -> KerasTensor {
        match self.node.layer.declared_input() {
            Some(shape) if self.node.inputs.is_empty() => {
                KerasTensor::input(InputLayer::with_name(name, shape))
            }
            _ => self,
        }
    }

    pub(crate) fn input_layer(&self) -> Option<InputLayer> {
        self.is_input().then(|| InputLayer::with_name(self.name(), self.shape()))
    }
}

impl From<KerasTensor> for Box<dyn Layer> {
    /// An input tensor in a `Sequential` list: the model's input layer.
    fn from(tensor: KerasTensor) -> Box<dyn Layer> {
        match tensor.input_layer() {
            Some(layer) => Box::new(layer),
            None => Box::new(InputLayer::misused(tensor.name())),
        }
    }
}

impl From<&KerasTensor> for Box<dyn Layer> {
    fn from(tensor: &KerasTensor) -> Box<dyn Layer> {
        tensor.clone().into()
    }
}

/// Calls `layer` on symbolic tensors: checks it and the shapes, and
/// records the call.
pub(crate) fn call_symbolic(layer: Box<dyn Layer>, inputs: &[&KerasTensor]) -> Result<Vec<KerasTensor>> {
    layer.check()?;
    let shapes: Vec<Shape> = inputs.iter().map(|t| t.shape().to_vec()).collect();
    let output_shapes = layer.output_shapes(&shapes)?;
    let node = Arc::new(CallNode {
        id: crate::session::next_id(),
        layer,
        inputs: inputs.iter().map(|&t| t.clone()).collect(),
        output_shapes,
    });
    Ok((0..node.output_shapes.len()).map(|index| KerasTensor { node: node.clone(), index }).collect())
}
