//! Models: layers wired into a graph, and their weights.
//!
//! A [`Model`] is one of three kinds, built the three ways the chapter
//! shows:
//!
//! - [`Sequential`]: a chain, each layer feeding the next; built once the
//!   shape of its input is known (from an [`Input`](crate::layers::Input),
//!   from [`Model::build`], or from the first data it is trained on);
//! - [`Model::functional`]: any graph of layer calls, from symbolic inputs
//!   to outputs (the Functional API), built at once;
//! - [`Model::subclassed`]: a [`Subclass`](crate::Subclass) whose `call` is
//!   plain Rust (the Subclassing API), built from the first data.
//!
//! All three share the same machinery: the layers own their weights, a
//! step binds every weight to the tape, records the graph's calls and
//! gives the weights back; `summary`, `get_layer`, `get_weights` /
//! `set_weights` inspect and change them.
//!
//! ```
//! use keras::layers::{Dense, Flatten, Input};
//! use keras::Sequential;
//! keras::clear_session();
//! let model = Sequential::new(vec![
//!     Input::new(&[28, 28]).into(),
//!     Flatten::new().into(),
//!     Dense::new(300).activation("relu").into(),
//!     Dense::new(100).activation("relu").into(),
//!     Dense::new(10).activation("softmax").into(),
//! ])?;
//! assert_eq!(model.count_params()?, 266_610);
//! let hidden1 = model.get_layer("dense")?;
//! let weights = hidden1.get_weights();
//! assert_eq!(weights[0].shape(), (784, 300));
//! assert!(weights[1].iter().all(|&b| b == 0.0));
//! # Ok::<(), keras::KerasError>(())
//! ```

use autodiff::{Tape, Var};
use nalgebra::DMatrix;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::compile::Compiled;
use crate::data::{RunBuffers, Scratch};
use crate::error::{KerasError, Result};
use crate::graph::{self, Graph, GraphInput};
use crate::layers::{Bindings, BuildContext, CallContext, KerasTensor, Layer, LayerId, Shape};
use crate::session::{next_seed, unique_name};
use crate::subclass::{self, Subclass};
use crate::tensor::shape_string;
use crate::variable::Variable;

/// Which of the three APIs made the model.
#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// A chain; `input` names the declared input, if any.
    Sequential { input: Option<GraphInput> },
    /// A graph from symbolic tensors.
    Functional,
    /// A `call` written in Rust.
    Subclassed(Box<dyn Subclass>),
}

/// A model: its layers, their graph, and (once compiled) how it trains.
#[derive(Clone, Debug)]
pub struct Model {
    pub(crate) name: String,
    pub(crate) id: LayerId,
    pub(crate) kind: Kind,
    /// The layers in Keras's order (empty for a subclassed model, whose
    /// layers are its fields).
    pub(crate) layers: Vec<Box<dyn Layer>>,
    /// The graph, once built.
    pub(crate) graph: Option<Graph>,
    pub(crate) rng: ChaCha8Rng,
    pub(crate) compiled: Option<Compiled>,
    /// Buffers reused by training steps.
    pub(crate) scratch: Scratch,
    /// A subclassed model's layers and the output shape each produced
    /// when the model was built (for its summary).
    pub(crate) subclass_shapes: Vec<(String, Shape)>,
}

/// Keras's `Sequential`: a model whose layers form a chain. It builds a
/// [`Model`]; layers can be given as a list or added one by one.
#[derive(Clone, Copy, Debug)]
pub struct Sequential;

impl Sequential {
    /// A model from a list of layers; an [`Input`](crate::layers::Input)
    /// first declares the input shape, and the model is built at once.
    #[allow(clippy::new_ret_no_self)] // Keras's spelling: Sequential([...]) makes a model
    pub fn new(layers: Vec<Box<dyn Layer>>) -> Result<Model> {
        let mut model = Sequential::empty();
        for layer in layers {
            model.add(layer)?;
        }
        Ok(model)
    }

    /// A model with no layers yet, to fill with [`Model::add`].
    pub fn empty() -> Model {
        Model::with_kind(unique_name("sequential"), Kind::Sequential { input: None })
    }
}

/// A layer of a model with read access to its weights.
pub struct LayerRef<'a> {
    layer: &'a dyn Layer,
}

impl LayerRef<'_> {
    /// The layer's name.
    pub fn name(&self) -> &str {
        self.layer.name()
    }

    /// Its kind (`Dense`).
    pub fn class_name(&self) -> &'static str {
        self.layer.class_name()
    }

    /// The layer itself.
    pub fn layer(&self) -> &dyn Layer {
        self.layer
    }

    /// Its weights' paths (`dense/kernel`, `dense/bias`).
    pub fn weight_paths(&self) -> Vec<&str> {
        self.layer.weights().into_iter().map(|w| w.path.as_str()).collect()
    }

    /// Copies of its weights, in order (kernel, then bias).
    pub fn get_weights(&self) -> Vec<DMatrix<f32>> {
        self.layer.weights().into_iter().map(|w| w.value.clone()).collect()
    }

    /// Number of weights (scalars).
    pub fn count_params(&self) -> usize {
        self.layer.weights().iter().map(|w| w.len()).sum()
    }
}

/// Checks `values` against the shapes of `weights`: one array per weight,
/// each of the weight's shape.
fn check_weights(owner: &str, weights: &[&Variable], values: &[DMatrix<f32>]) -> Result<()> {
    if weights.len() != values.len() {
        return Err(KerasError::Weights {
            layer: owner.to_string(),
            detail: format!("expected {} arrays, got {}", weights.len(), values.len()),
        });
    }
    for (w, v) in weights.iter().zip(values) {
        if v.shape() != w.value.shape() {
            let (r, c) = w.value.shape();
            return Err(KerasError::Weights {
                layer: owner.to_string(),
                detail: format!(
                    "{} has shape {r}×{c} but the value given is {}×{}",
                    w.path,
                    v.nrows(),
                    v.ncols()
                ),
            });
        }
    }
    Ok(())
}

/// Writes `values` into the weights `layers` visit, in order (checked
/// beforehand by [`check_weights`]).
fn write_weights<'a>(layers: impl IntoIterator<Item = &'a mut dyn Layer>, values: &[DMatrix<f32>]) {
    let mut next = values.iter();
    for layer in layers {
        layer.visit_weights_mut(&mut |w| {
            if let Some(v) = next.next() {
                w.value.copy_from(v);
            }
        });
    }
}

impl Model {
    pub(crate) fn with_kind(name: String, kind: Kind) -> Model {
        Model {
            name,
            id: LayerId::new(),
            kind,
            layers: Vec::new(),
            graph: None,
            rng: ChaCha8Rng::seed_from_u64(next_seed()),
            compiled: None,
            scratch: Scratch::default(),
            subclass_shapes: Vec::new(),
        }
    }

    /// A Functional model (`keras.Model(inputs=…, outputs=…)`): one input
    /// or a list, one output or a list, or outputs named by a map
    /// (`[("output", out), ("aux_output", aux)]`). The layers are built at
    /// once, in Keras's order.
    pub fn functional(inputs: impl Into<Tensors>, outputs: impl Into<Tensors>) -> Result<Model> {
        Model::functional_named(&unique_name("functional"), inputs, outputs)
    }

    /// [`Model::functional`] with a name for the model.
    pub fn functional_named(
        name: &str,
        inputs: impl Into<Tensors>,
        outputs: impl Into<Tensors>,
    ) -> Result<Model> {
        let (inputs, _) = inputs.into().split();
        let (outputs, names) = outputs.into().split();
        let built = graph::functional(name, &inputs, &outputs, names)?;
        let mut model = Model::with_kind(name.to_string(), Kind::Functional);
        model.layers = built.layers;
        let graph = built.graph;
        model.build_graph_layers(&graph)?;
        model.graph = Some(graph);
        Ok(model)
    }

    /// A model whose forward pass is `model.call` (the Subclassing API).
    /// It is built from the first data it sees, or by [`Model::build_inputs`].
    pub fn subclassed(name: &str, model: impl Subclass + 'static) -> Model {
        Model::with_kind(name.to_string(), Kind::Subclassed(Box::new(model)))
    }

    /// Builds each layer of a functional graph on the shapes it reads, in
    /// running order (a shared layer is built by its first call).
    fn build_graph_layers(&mut self, graph: &Graph) -> Result<()> {
        let mut ctx = BuildContext { rng: &mut self.rng };
        for node in &graph.nodes {
            let shapes: Vec<Shape> = node.inputs.iter().map(|&s| graph.slot_shapes[s].clone()).collect();
            self.layers[node.layer].build(&shapes, &mut ctx)?;
        }
        Ok(())
    }

    /// The model's name (`sequential`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Keras's class of the model: `Sequential`, `Functional`, or the
    /// subclass's name.
    pub fn class_name(&self) -> &'static str {
        match &self.kind {
            Kind::Sequential { .. } => "Sequential",
            Kind::Functional => "Functional",
            Kind::Subclassed(sub) => sub.class_name(),
        }
    }

    /// Appends a layer to a Sequential model; if the model is built, the
    /// layer is built at once.
    pub fn add(&mut self, layer: impl Into<Box<dyn Layer>>) -> Result<()> {
        let layer = layer.into();
        layer.check()?;
        let Kind::Sequential { input } = &mut self.kind else {
            return Err(KerasError::Argument(format!(
                "model \"{}\" is {}: only Sequential models take add()",
                self.name,
                self.class_name()
            )));
        };
        if let Some(shape) = layer.declared_input() {
            if !self.layers.is_empty() || input.is_some() {
                return Err(KerasError::Argument(format!(
                    "{}: an Input can only be the first layer of a Sequential model",
                    layer.name()
                )));
            }
            *input = Some(GraphInput { name: layer.name().to_string(), shape: shape.to_vec() });
            let shape = shape.to_vec();
            return self.build(&shape);
        }
        if self.layers.iter().any(|l| l.name() == layer.name()) {
            return Err(KerasError::Graph {
                model: self.name.clone(),
                detail: format!(
                    "it already has a layer named \"{}\": the layers of a model need unique names",
                    layer.name()
                ),
            });
        }
        let built_for = self.graph.as_ref().map(|g| g.inputs[0].shape.clone());
        self.layers.push(layer);
        if let Some(shape) = built_for {
            self.graph = None;
            if let Err(e) = self.build(&shape) {
                self.layers.pop();
                self.build(&shape)?;
                return Err(e);
            }
            // New weights: the optimizer starts again (the loss and metrics stay).
            if let Some(c) = &mut self.compiled {
                c.reset_optimizer();
            }
        }
        Ok(())
    }

    /// Builds the model for samples of this shape (`model.build((None, 8))`
    /// in Keras, here without the batch dimension).
    pub fn build(&mut self, input_shape: &[usize]) -> Result<()> {
        self.build_inputs(&[input_shape])
    }

    /// Builds a model with several inputs for samples of these shapes.
    pub fn build_inputs(&mut self, shapes: &[&[usize]]) -> Result<()> {
        let shapes: Vec<Shape> = shapes.iter().map(|s| s.to_vec()).collect();
        if let Some(graph) = &self.graph {
            let built: Vec<Shape> = graph.inputs.iter().map(|i| i.shape.clone()).collect();
            return if built == shapes { Ok(()) } else { Err(self.input_error(&shapes)) };
        }
        match &self.kind {
            Kind::Sequential { input } => {
                let input = match input {
                    Some(declared) if [declared.shape.clone()] != shapes[..] => {
                        return Err(self.input_error(&shapes));
                    }
                    Some(declared) => declared.clone(),
                    None if shapes.len() != 1 => return Err(self.input_error(&shapes)),
                    None => GraphInput { name: format!("{}_input", self.name), shape: shapes[0].clone() },
                };
                // Build copies, so that a failure changes nothing.
                let mut layers = self.layers.clone();
                let mut rng = self.rng.clone();
                let mut ctx = BuildContext { rng: &mut rng };
                let mut shape = input.shape.clone();
                let mut out_shapes = Vec::with_capacity(layers.len());
                for layer in &mut layers {
                    let mut out = layer.build(&[shape], &mut ctx)?;
                    if out.len() != 1 {
                        return Err(KerasError::Graph {
                            model: self.name.clone(),
                            detail: format!(
                                "layer \"{}\" has {} outputs; a Sequential model chains layers with one",
                                layer.name(),
                                out.len()
                            ),
                        });
                    }
                    shape = out.remove(0);
                    out_shapes.push(shape.clone());
                }
                self.graph = Some(Graph::chain(input, &layers, out_shapes));
                self.layers = layers;
                self.rng = rng;
            }
            Kind::Functional => unreachable!("a functional model is built when it is made"),
            Kind::Subclassed(sub) => {
                // Build a copy, so that a failure changes nothing.
                let (mut sub, mut rng) = (sub.clone(), self.rng.clone());
                let (graph, shapes) = subclass::build(sub.as_mut(), &mut rng, &shapes)?;
                self.kind = Kind::Subclassed(sub);
                self.rng = rng;
                self.graph = Some(graph);
                self.subclass_shapes = shapes;
            }
        }
        if let Some(c) = &mut self.compiled {
            c.reset_optimizer();
        }
        Ok(())
    }

    pub(crate) fn input_error(&self, got: &[Shape]) -> KerasError {
        let got: Vec<String> = got.iter().map(|s| shape_string(None, s)).collect();
        match self.graph.as_ref().map(|g| &g.inputs[..]) {
            Some([one]) => KerasError::Shape {
                layer: one.name.clone(),
                detail: format!(
                    "the model expects samples of shape {}, got {}",
                    shape_string(None, &one.shape),
                    got.join(", ")
                ),
            },
            Some(inputs) => KerasError::Structure {
                model: self.name.clone(),
                detail: format!(
                    "expects inputs of shapes {}, got {}",
                    inputs
                        .iter()
                        .map(|i| format!("{} {}", i.name, shape_string(None, &i.shape)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    got.join(", ")
                ),
            },
            None => KerasError::Structure {
                model: self.name.clone(),
                detail: format!("cannot be built for inputs of shapes {}", got.join(", ")),
            },
        }
    }

    /// An error unless the model is built.
    pub(crate) fn require_built(&self) -> Result<&Graph> {
        self.graph.as_ref().ok_or_else(|| KerasError::NotBuilt(self.name.clone()))
    }

    /// Whether the model knows its input shapes and has its weights.
    pub fn is_built(&self) -> bool {
        self.graph.is_some()
    }

    /// The shape of one sample of the first input, once known.
    pub fn input_shape(&self) -> Option<&[usize]> {
        match (&self.graph, &self.kind) {
            (Some(g), _) => g.inputs.first().map(|i| i.shape.as_slice()),
            (None, Kind::Sequential { input: Some(i) }) => Some(&i.shape),
            _ => None,
        }
    }

    /// The shape of one sample of the first output, once built.
    pub fn output_shape(&self) -> Option<&[usize]> {
        self.graph.as_ref().and_then(|g| g.outputs.first().map(|&s| g.slot_shapes[s].as_slice()))
    }

    /// The model's inputs (names and shapes), once built.
    pub fn inputs(&self) -> &[GraphInput] {
        self.graph.as_ref().map_or(&[], |g| &g.inputs)
    }

    /// The names of the outputs (`model.output_names`): the names of the
    /// layers that make them, or the names given in a map.
    pub fn output_names(&self) -> &[String] {
        self.graph.as_ref().map_or(&[], |g| &g.output_names)
    }

    /// The layers: of a Sequential model without its input (as in Keras),
    /// of a Functional one with its input layers, by depth.
    pub fn layers(&self) -> Vec<LayerRef<'_>> {
        self.all_layers().into_iter().map(|layer| LayerRef { layer }).collect()
    }

    pub(crate) fn all_layers(&self) -> Vec<&dyn Layer> {
        match &self.kind {
            Kind::Subclassed(sub) => sub.layers(),
            _ => self.layers.iter().map(|l| l.as_ref()).collect(),
        }
    }

    fn all_layers_mut(&mut self) -> Vec<&mut dyn Layer> {
        match &mut self.kind {
            Kind::Subclassed(sub) => sub.layers_mut(),
            _ => self.layers.iter_mut().map(|l| l.as_mut() as &mut dyn Layer).collect(),
        }
    }

    /// The layer of this name.
    pub fn get_layer(&self, name: &str) -> Result<LayerRef<'_>> {
        let layer = self
            .all_layers()
            .into_iter()
            .find(|l| l.name() == name)
            .ok_or_else(|| self.unknown_layer(name))?;
        Ok(LayerRef { layer })
    }

    /// The layer of this name, to change it (`adapt` it, set its weights).
    pub fn get_layer_mut(&mut self, name: &str) -> Result<&mut dyn Layer> {
        let error = self.unknown_layer(name);
        self.all_layers_mut().into_iter().find(|l| l.name() == name).ok_or(error)
    }

    fn unknown_layer(&self, name: &str) -> KerasError {
        KerasError::UnknownName {
            kind: "layer",
            name: name.to_string(),
            known: self.all_layers().iter().map(|l| l.name()).collect::<Vec<_>>().join(", "),
        }
    }

    /// Every weight of the model, layer by layer.
    pub fn weights(&self) -> Vec<&Variable> {
        self.all_layers().into_iter().flat_map(|l| l.weights()).collect()
    }

    /// Visits every weight, layer by layer, to change it.
    pub(crate) fn visit_weights_mut(&mut self, f: &mut dyn FnMut(&mut Variable)) {
        match &mut self.kind {
            Kind::Subclassed(sub) => sub.layers_mut().into_iter().for_each(|l| l.visit_weights_mut(f)),
            // No list collected: this runs twice per training step.
            _ => self.layers.iter_mut().for_each(|l| l.visit_weights_mut(f)),
        }
    }

    /// Copies of every weight, layer by layer.
    pub fn get_weights(&self) -> Result<Vec<DMatrix<f32>>> {
        self.require_built()?;
        Ok(self.weights().iter().map(|w| w.value.clone()).collect())
    }

    /// Replaces every weight; the number and shapes must match
    /// [`Model::get_weights`], or nothing changes.
    pub fn set_weights(&mut self, values: &[DMatrix<f32>]) -> Result<()> {
        self.require_built()?;
        check_weights(&self.name, &self.weights(), values)?;
        write_weights(self.all_layers_mut(), values);
        Ok(())
    }

    /// Replaces the weights of one layer (Keras's `layer.set_weights`).
    pub fn set_layer_weights(&mut self, name: &str, values: &[DMatrix<f32>]) -> Result<()> {
        self.require_built()?;
        check_weights(name, &self.get_layer(name)?.layer.weights(), values)?;
        write_weights([self.get_layer_mut(name)?], values);
        Ok(())
    }

    /// Adapts the named layer (a `Normalization`) to `x`, the data it will
    /// receive, and stores the statistics in its weights.
    pub fn adapt(&mut self, name: &str, x: &crate::Tensor) -> Result<()> {
        self.get_layer_mut(name)?.adapt(x)
    }

    /// Number of weights (scalars), trainable or not.
    pub fn count_params(&self) -> Result<usize> {
        self.require_built()?;
        Ok(self.weights().iter().map(|w| w.len()).sum())
    }

    /// Lends every weight to `tape` for one step (a swap, not a copy) and
    /// notes where each is in `bindings`.
    pub(crate) fn bind(&mut self, tape: &mut Tape<f32>, bindings: &mut Bindings) {
        bindings.clear();
        self.visit_weights_mut(&mut |w| {
            let var = tape.variable(&mut w.value);
            bindings.insert(w, var);
        });
    }

    /// Takes every weight back from `tape` after [`Model::bind`].
    pub(crate) fn unbind(&mut self, tape: &mut Tape<f32>, bindings: &Bindings) {
        self.visit_weights_mut(&mut |w| {
            if let Some(var) = bindings.get(w.id) {
                let _ = tape.swap_value(var, &mut w.value);
            }
        });
    }

    /// Copies every weight onto `tape` as a parameter that survives
    /// resets (for inference, where the model is shared).
    pub(crate) fn bind_copies(&self, tape: &mut Tape<f32>, bindings: &mut Bindings) -> Result<()> {
        bindings.clear();
        for w in self.weights() {
            let var = tape.parameter(w.value.clone())?;
            bindings.insert(w, var);
        }
        Ok(())
    }

    /// Records the model's forward pass: from the input nodes `inputs`,
    /// one node per output pushed onto `outputs`.
    pub(crate) fn record(
        &self,
        ctx: &mut CallContext<'_>,
        inputs: &[Var],
        run: &mut RunBuffers,
        outputs: &mut Vec<Var>,
    ) -> Result<()> {
        let graph = self.require_built()?;
        if let Kind::Subclassed(sub) = &self.kind {
            return subclass::run(sub.as_ref(), ctx, inputs, run, outputs);
        }
        run.values.clear();
        run.values.extend_from_slice(inputs);
        for node in &graph.nodes {
            run.args.clear();
            run.args.extend(node.inputs.iter().map(|&s| run.values[s]));
            run.outs.clear();
            let layer = &self.layers[node.layer];
            layer.call(ctx, &run.args, &mut run.outs)?;
            if run.outs.len() != node.outputs {
                return Err(KerasError::Argument(format!(
                    "layer \"{}\" returned {} outputs instead of {}",
                    layer.name(),
                    run.outs.len(),
                    node.outputs
                )));
            }
            run.values.extend_from_slice(&run.outs);
        }
        outputs.extend(graph.outputs.iter().map(|&s| run.values[s]));
        Ok(())
    }

    /// Keras's configuration of the model (what `model.get_config()`
    /// returns): its name and layers, and for a Functional model each
    /// layer's calls (`inbound_nodes`) and the inputs and outputs. A
    /// subclassed model has only its name (its architecture is code).
    pub fn get_config(&self) -> serde_json::Value {
        crate::saving::model_inner_config(self)
            .unwrap_or_else(|_| serde_json::json!({ "name": self.name, "trainable": true }))
    }
}

/// A model is a layer: call it on symbolic tensors to use it inside
/// another model (its weights are the inner model's, trained with the
/// outer one).
impl Layer for Model {
    fn name(&self) -> &str {
        &self.name
    }

    fn class_name(&self) -> &'static str {
        Model::class_name(self)
    }

    fn id(&self) -> LayerId {
        self.id
    }

    fn output_shapes(&self, inputs: &[Shape]) -> Result<Vec<Shape>> {
        if let Some(graph) = &self.graph {
            let expected: Vec<Shape> = graph.inputs.iter().map(|i| i.shape.clone()).collect();
            return if expected == inputs {
                Ok(graph.output_shapes())
            } else {
                Err(self.input_error(inputs))
            };
        }
        match &self.kind {
            Kind::Sequential { .. } => {
                let mut shape = crate::layers::single_input(&self.name, "Sequential", inputs)?.clone();
                for layer in &self.layers {
                    shape = layer.output_shapes(&[shape])?.remove(0);
                }
                Ok(vec![shape])
            }
            _ => Err(KerasError::NotBuilt(self.name.clone())),
        }
    }

    fn build(&mut self, inputs: &[Shape], _ctx: &mut BuildContext<'_>) -> Result<Vec<Shape>> {
        let shapes: Vec<&[usize]> = inputs.iter().map(Vec::as_slice).collect();
        self.build_inputs(&shapes)?;
        self.output_shapes(inputs)
    }

    fn is_built(&self) -> bool {
        Model::is_built(self)
    }

    fn call(&self, ctx: &mut CallContext<'_>, inputs: &[Var], outputs: &mut Vec<Var>) -> Result<()> {
        self.record(ctx, inputs, &mut RunBuffers::default(), outputs)
    }

    fn visit_weights<'a>(&'a self, f: &mut dyn FnMut(&'a Variable)) {
        for layer in self.all_layers() {
            layer.visit_weights(f);
        }
    }

    fn visit_weights_mut(&mut self, f: &mut dyn FnMut(&mut Variable)) {
        Model::visit_weights_mut(self, f);
    }

    fn config(&self) -> serde_json::Value {
        self.get_config()
    }
}

/// Symbolic tensors given as a model's inputs or outputs: one, a list, or
/// named (`[("output", out), ("aux_output", aux)]`).
#[derive(Clone, Debug)]
pub enum Tensors {
    /// A list (one tensor is a list of one).
    List(Vec<KerasTensor>),
    /// Tensors by name.
    Named(Vec<(String, KerasTensor)>),
}

impl Tensors {
    fn split(self) -> (Vec<KerasTensor>, Vec<String>) {
        match self {
            Tensors::List(list) => (list, Vec::new()),
            Tensors::Named(named) => {
                let (names, tensors) = named.into_iter().unzip();
                (tensors, names)
            }
        }
    }
}

impl From<&KerasTensor> for Tensors {
    fn from(t: &KerasTensor) -> Tensors {
        Tensors::List(vec![t.clone()])
    }
}

impl From<KerasTensor> for Tensors {
    fn from(t: KerasTensor) -> Tensors {
        Tensors::List(vec![t])
    }
}

impl<const N: usize> From<[&KerasTensor; N]> for Tensors {
    fn from(ts: [&KerasTensor; N]) -> Tensors {
        Tensors::List(ts.iter().map(|&t| t.clone()).collect())
    }
}

impl From<Vec<KerasTensor>> for Tensors {
    fn from(ts: Vec<KerasTensor>) -> Tensors {
        Tensors::List(ts)
    }
}

impl<const N: usize> From<[(&str, &KerasTensor); N]> for Tensors {
    fn from(ts: [(&str, &KerasTensor); N]) -> Tensors {
        Tensors::Named(ts.iter().map(|&(n, t)| (n.to_string(), t.clone())).collect())
    }
}
