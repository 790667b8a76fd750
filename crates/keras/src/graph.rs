//! A model's graph of layer calls.
//!
//! [`Model::functional`](crate::Model::functional) walks back from the
//! outputs to the inputs through the history that symbolic tensors
//! ([`KerasTensor`]) keep, and turns it into a [`Graph`]: the layers in
//! Keras's order, the calls in an order that runs every call after the
//! calls it reads.

use std::collections::HashMap;
use std::sync::Arc;

use crate::error::{KerasError, Result};
use crate::layers::{CallNode, KerasTensor, Layer, LayerId, Shape};

/// A model input.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphInput {
    /// The input's name (`input_wide`).
    pub name: String,
    /// The shape of one sample.
    pub shape: Shape,
}

/// One call of one of the model's layers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct GraphNode {
    /// Which layer (index into the model's layers).
    pub layer: usize,
    /// The slots it reads.
    pub inputs: Vec<usize>,
    /// How many slots it writes (they follow the slots written before).
    pub outputs: usize,
}

/// Where a slot's value comes from, for the summary's "Connected to":
/// `dense_1[0][0]` is output 0 of the first call of `dense_1`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SlotSource {
    pub layer: String,
    pub call: usize,
    pub output: usize,
}

/// A model as a graph of calls. Values live in *slots*: the inputs first,
/// then each call's outputs in the order the calls run.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Graph {
    pub inputs: Vec<GraphInput>,
    pub nodes: Vec<GraphNode>,
    pub outputs: Vec<usize>,
    pub output_names: Vec<String>,
    pub slot_shapes: Vec<Shape>,
    pub slot_sources: Vec<SlotSource>,
}

impl Graph {
    /// A chain: each layer reads what the one before it wrote.
    pub fn chain(input: GraphInput, layers: &[Box<dyn Layer>], shapes: Vec<Shape>) -> Graph {
        let input_name = input.name.clone();
        let mut slot_shapes = vec![input.shape.clone()];
        slot_shapes.extend(shapes);
        let nodes = (0..layers.len()).map(|i| GraphNode { layer: i, inputs: vec![i], outputs: 1 }).collect();
        let mut slot_sources = vec![SlotSource { layer: input_name, call: 0, output: 0 }];
        slot_sources.extend(layers.iter().map(|l| SlotSource {
            layer: l.name().to_string(),
            call: 0,
            output: 0,
        }));
        let output_names = layers.last().map(|l| l.name().to_string()).into_iter().collect();
        Graph {
            inputs: vec![input],
            nodes,
            outputs: vec![layers.len()],
            output_names,
            slot_shapes,
            slot_sources,
        }
    }

    /// The shapes of one sample of each output.
    pub fn output_shapes(&self) -> Vec<Shape> {
        self.outputs.iter().map(|&s| self.slot_shapes[s].clone()).collect()
    }
}

/// The layers and graph of a Functional model, from its inputs and outputs.
pub(crate) struct Functional {
    pub layers: Vec<Box<dyn Layer>>,
    pub graph: Graph,
}

/// Walks back from `outputs`, as Keras's `map_graph` does: calls in the
/// order they must run, each layer's index in the order of discovery,
/// every layer's depth (outputs at 0, growing towards the inputs); the
/// layers sorted by decreasing depth, then by discovery.
pub(crate) fn functional(
    model: &str,
    inputs: &[KerasTensor],
    outputs: &[KerasTensor],
    output_names: Vec<String>,
) -> Result<Functional> {
    let graph_error = |detail: String| KerasError::Graph { model: model.to_string(), detail };
    if outputs.is_empty() {
        return Err(graph_error("a model needs at least one output".to_string()));
    }
    for t in inputs {
        if !t.is_input() {
            return Err(graph_error(format!(
                "\"{}\" is given as an input but is the output of a layer: inputs must be Input tensors",
                t.name()
            )));
        }
    }
    // Depth-first from each output: post-order gives a running order.
    let mut finished: Vec<Arc<CallNode>> = Vec::new();
    let mut discovery: Vec<LayerId> = Vec::new();
    fn visit(
        node: &Arc<CallNode>,
        finished: &mut Vec<Arc<CallNode>>,
        in_progress: &mut Vec<u64>,
        discovery: &mut Vec<LayerId>,
    ) {
        if finished.iter().any(|n| n.id == node.id) || in_progress.contains(&node.id) {
            return;
        }
        if !discovery.contains(&node.layer.id()) {
            discovery.push(node.layer.id());
        }
        in_progress.push(node.id);
        for input in &node.inputs {
            visit(&input.node, finished, in_progress, discovery);
        }
        in_progress.retain(|&id| id != node.id);
        finished.push(node.clone());
    }
    let mut in_progress = Vec::new();
    for t in outputs {
        visit(&t.node, &mut finished, &mut in_progress, &mut discovery);
    }
    // Inputs reached must be declared, declared ones must be reached.
    let is_declared = |n: &CallNode| inputs.iter().any(|t| t.node.id == n.id);
    for n in finished.iter().filter(|n| n.inputs.is_empty()) {
        if !is_declared(n) {
            let declared: Vec<&str> = inputs.iter().map(KerasTensor::name).collect();
            return Err(graph_error(format!(
                "the outputs depend on input \"{}\", which is not among the model's inputs [{}]: \
                 the graph is disconnected",
                n.layer.name(),
                declared.join(", ")
            )));
        }
    }
    for t in inputs {
        if !finished.iter().any(|n| n.id == t.node.id) {
            return Err(graph_error(format!("input \"{}\" is not used by any output", t.name())));
        }
    }
    // Depths, from the outputs back.
    let mut node_depth: Vec<usize> = vec![0; finished.len()];
    let position = |id: u64, finished: &[Arc<CallNode>]| finished.iter().position(|n| n.id == id);
    for i in (0..finished.len()).rev() {
        let depth = node_depth[i];
        for input in &finished[i].inputs {
            if let Some(j) = position(input.node.id, &finished) {
                node_depth[j] = node_depth[j].max(depth + 1);
            }
        }
    }
    // One layer per identity; two layers may not share a name.
    let mut layer_ids: Vec<LayerId> = Vec::new();
    let mut layer_depth: Vec<usize> = Vec::new();
    let mut owned: Vec<Box<dyn Layer>> = Vec::new();
    for (n, &depth) in finished.iter().zip(&node_depth) {
        match layer_ids.iter().position(|&id| id == n.layer.id()) {
            Some(k) => layer_depth[k] = layer_depth[k].max(depth),
            None => {
                if let Some(other) = owned.iter().find(|l| l.name() == n.layer.name()) {
                    return Err(graph_error(format!(
                        "two different layers are named \"{}\" ({} and {}): the layers of a model need unique names",
                        other.name(),
                        other.class_name(),
                        n.layer.class_name()
                    )));
                }
                layer_ids.push(n.layer.id());
                layer_depth.push(depth);
                owned.push(n.layer.clone_box());
            }
        }
    }
    let rank = |id: LayerId| discovery.iter().position(|&d| d == id).unwrap_or(usize::MAX);
    let mut order: Vec<usize> = (0..owned.len()).collect();
    order.sort_by(|&a, &b| {
        layer_depth[b].cmp(&layer_depth[a]).then(rank(layer_ids[a]).cmp(&rank(layer_ids[b])))
    });
    let mut layers: Vec<Option<Box<dyn Layer>>> = owned.into_iter().map(Some).collect();
    let layers: Vec<Box<dyn Layer>> = order.iter().filter_map(|&i| layers[i].take()).collect();
    let index_of = |id: LayerId| layers.iter().position(|l| l.id() == id).unwrap_or(0);

    // Slots: the declared inputs, then every call's outputs in running order.
    let mut slot_of: Vec<(u64, usize)> = Vec::new(); // (call node, output) for each slot
    let mut slot_shapes = Vec::new();
    let mut slot_sources = Vec::new();
    let mut calls_of_layer: HashMap<LayerId, Vec<u64>> = HashMap::new();
    let mut call_number = |layer: LayerId, node: u64| -> usize {
        let calls = calls_of_layer.entry(layer).or_default();
        calls.iter().position(|&n| n == node).unwrap_or_else(|| {
            calls.push(node);
            calls.len() - 1
        })
    };
    for t in inputs {
        slot_of.push((t.node.id, 0));
        slot_shapes.push(t.shape().to_vec());
        let call = call_number(t.node.layer.id(), t.node.id);
        slot_sources.push(SlotSource { layer: t.name().to_string(), call, output: 0 });
    }
    let mut nodes = Vec::new();
    for n in finished.iter().filter(|n| !n.inputs.is_empty()) {
        let mut reads = Vec::with_capacity(n.inputs.len());
        for input in &n.inputs {
            let slot = slot_of.iter().position(|&s| s == (input.node.id, input.index)).ok_or_else(|| {
                graph_error(format!("layer \"{}\" reads a tensor computed after it", n.layer.name()))
            })?;
            reads.push(slot);
        }
        let call = call_number(n.layer.id(), n.id);
        for (k, shape) in n.output_shapes.iter().enumerate() {
            slot_of.push((n.id, k));
            slot_shapes.push(shape.clone());
            slot_sources.push(SlotSource { layer: n.layer.name().to_string(), call, output: k });
        }
        nodes.push(GraphNode {
            layer: index_of(n.layer.id()),
            inputs: reads,
            outputs: n.output_shapes.len(),
        });
    }
    let mut out_slots = Vec::new();
    for t in outputs {
        let slot = slot_of
            .iter()
            .position(|&s| s == (t.node.id, t.index))
            .ok_or_else(|| graph_error(format!("output \"{}\" is not computed from the inputs", t.name())))?;
        out_slots.push(slot);
    }
    let output_names = if output_names.is_empty() {
        outputs.iter().map(|t| t.name().to_string()).collect()
    } else {
        output_names
    };
    let graph_inputs =
        inputs.iter().map(|t| GraphInput { name: t.name().to_string(), shape: t.shape().to_vec() }).collect();
    Ok(Functional {
        layers,
        graph: Graph {
            inputs: graph_inputs,
            nodes,
            outputs: out_slots,
            output_names,
            slot_shapes,
            slot_sources,
        },
    })
}
