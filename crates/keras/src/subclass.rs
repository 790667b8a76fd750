//! The Subclassing API: a model whose forward pass is a Rust function.
//!
//! Implement [`Subclass`] for a struct that holds its layers (created in
//! its constructor, as in Keras's `__init__`), and write [`Subclass::call`]
//! in plain Rust: loops, conditionals, anything. Inside `call`, run a layer
//! with [`Forward::call`]; the values it returns are [`Value`]s, handles to
//! what the layer computed. [`Model::subclassed`](crate::Model::subclassed)
//! makes a [`Model`](crate::Model) of it, trained and used exactly as the
//! others.
//!
//! Keras learns the layers' input shapes from the first data. Here the
//! first data (or [`Model::build_inputs`](crate::Model::build_inputs)) runs
//! `call` once on shapes alone; every layer is built from the shapes it
//! received. The price, as the chapter says: the architecture is hidden in
//! `call`, so the model cannot be inspected (its summary lists its layers,
//! not how they connect), its shapes are checked only when it first runs,
//! and it cannot be saved as a configuration, only its weights.
//!
//! ```
//! use keras::layers::{Dense, Layer};
//! use keras::subclass::{Forward, Subclass, Value};
//! use keras::{Model, Result, Tensor};
//!
//! /// Adds a skip connection around a hidden layer when `skip` is set.
//! #[derive(Clone, Debug)]
//! struct Skip { hidden: Dense, out: Dense, skip: bool }
//!
//! impl Subclass for Skip {
//!     fn layers(&self) -> Vec<&dyn Layer> { vec![&self.hidden, &self.out] }
//!     fn layers_mut(&mut self) -> Vec<&mut dyn Layer> { vec![&mut self.hidden, &mut self.out] }
//!     fn call(&self, f: &mut Forward<'_, '_>, inputs: &[Value]) -> Result<Vec<Value>> {
//!         let mut h = f.call(&self.hidden, &[inputs[0]])?;
//!         if self.skip {
//!             h = f.concatenate(&[inputs[0], h])?;
//!         }
//!         Ok(vec![f.call(&self.out, &[h])?])
//!     }
//! }
//!
//! keras::clear_session();
//! let mut model = Model::subclassed("skip", Skip { hidden: Dense::new(4), out: Dense::new(1), skip: true });
//! model.build(&[3])?;
//! assert_eq!(model.get_layer("dense_1")?.get_weights()[0].shape(), (7, 1)); // 3 + 4 inputs
//! # Ok::<(), keras::KerasError>(())
//! ```

use std::fmt;

use autodiff::Var;

use crate::error::{KerasError, Result};
use crate::graph::{Graph, GraphInput, SlotSource};
use crate::layers::{BuildContext, CallContext, Concatenate, Layer, LayerId, Shape};
use rand_chacha::ChaCha8Rng;

use crate::data::RunBuffers;

/// A model written as Rust code (Keras's `class MyModel(keras.Model)`).
pub trait Subclass: fmt::Debug + Send + Sync + SubclassClone {
    /// The class's name, for the summary (`WideAndDeepModel`).
    fn class_name(&self) -> &'static str {
        "Model"
    }

    /// The layers, in the order they were created.
    fn layers(&self) -> Vec<&dyn Layer>;

    /// The layers, to build and train them.
    fn layers_mut(&mut self) -> Vec<&mut dyn Layer>;

    /// The forward pass: from one value per model input, one value per
    /// output.
    fn call(&self, f: &mut Forward<'_, '_>, inputs: &[Value]) -> Result<Vec<Value>>;
}

/// Cloning subclassed models behind `Box<dyn Subclass>`.
pub trait SubclassClone {
    /// A copy of the model, weights included.
    fn clone_box(&self) -> Box<dyn Subclass>;
}

impl<S: Subclass + Clone + 'static> SubclassClone for S {
    fn clone_box(&self) -> Box<dyn Subclass> {
        Box::new(self.clone())
    }
}

impl Clone for Box<dyn Subclass> {
    fn clone(&self) -> Box<dyn Subclass> {
        self.clone_box()
    }
}

/// A value inside [`Subclass::call`]: what a layer computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Value(usize);

enum Mode<'a, 'b> {
    /// Shapes only, to build the layers.
    Shapes { shapes: Vec<Shape>, calls: &'b mut Vec<(LayerId, Vec<Shape>, Vec<Shape>)> },
    /// Recording on the tape.
    Run { ctx: &'b mut CallContext<'a>, run: &'b mut RunBuffers },
}

/// What [`Subclass::call`] runs its layers through.
pub struct Forward<'a, 'b> {
    mode: Mode<'a, 'b>,
}

impl Forward<'_, '_> {
    /// Runs `layer` on `inputs`; its one output.
    pub fn call(&mut self, layer: &dyn Layer, inputs: &[Value]) -> Result<Value> {
        match &mut self.mode {
            Mode::Shapes { shapes, calls } => {
                let given = lookup(shapes, inputs)?;
                let mut out = layer.output_shapes(&given)?;
                if out.len() != 1 {
                    return Err(KerasError::Argument(format!(
                        "layer \"{}\" has {} outputs; Forward::call takes layers with one",
                        layer.name(),
                        out.len()
                    )));
                }
                calls.push((layer.id(), given, out.clone()));
                shapes.push(out.remove(0));
                Ok(Value(shapes.len() - 1))
            }
            Mode::Run { ctx, run } => {
                let args = lookup(&run.values, inputs)?;
                run.args.clear();
                run.args.extend(args);
                run.outs.clear();
                layer.call(ctx, &run.args, &mut run.outs)?;
                let out = run.outs.first().copied().ok_or_else(|| {
                    KerasError::Argument(format!("layer \"{}\" returned no output", layer.name()))
                })?;
                run.values.push(out);
                Ok(Value(run.values.len() - 1))
            }
        }
    }

    /// Joins values side by side (`keras.layers.concatenate` inside `call`).
    pub fn concatenate(&mut self, inputs: &[Value]) -> Result<Value> {
        match &mut self.mode {
            Mode::Shapes { shapes, .. } => {
                let given = lookup(shapes, inputs)?;
                let out = Concatenate::new().named("concatenate").output_shapes(&given)?;
                shapes.push(out[0].clone());
                Ok(Value(shapes.len() - 1))
            }
            Mode::Run { ctx, run } => {
                let values = lookup(&run.values, inputs)?;
                let Some((&first, rest)) = values.split_first() else {
                    return Err(KerasError::Argument("concatenate needs at least one value".to_string()));
                };
                let mut joined = first;
                for &v in rest {
                    joined = ctx.tape.concat(joined, v)?;
                }
                run.values.push(joined);
                Ok(Value(run.values.len() - 1))
            }
        }
    }

    /// The shape of one sample of `value`, while the model is being built
    /// (`None` once it runs on data).
    pub fn shape(&self, value: Value) -> Option<&[usize]> {
        match &self.mode {
            Mode::Shapes { shapes, .. } => shapes.get(value.0).map(Vec::as_slice),
            Mode::Run { .. } => None,
        }
    }
}

/// The entries of `table` that `values` name, or an error for a value that
/// does not belong to this pass.
fn lookup<T: Clone>(table: &[T], values: &[Value]) -> Result<Vec<T>> {
    values
        .iter()
        .map(|v| {
            table.get(v.0).cloned().ok_or_else(|| {
                KerasError::Argument(format!("value {} does not belong to this forward pass", v.0))
            })
        })
        .collect()
}

/// Runs `call` on shapes, builds every layer from what it received, and
/// returns the model's graph (inputs and outputs only: the calls are in
/// the Rust code).
#[allow(clippy::type_complexity)]
pub(crate) fn build(
    sub: &mut dyn Subclass,
    rng: &mut ChaCha8Rng,
    inputs: &[Shape],
) -> Result<(Graph, Vec<(String, Shape)>)> {
    let mut calls = Vec::new();
    let outputs = {
        let mut f = Forward { mode: Mode::Shapes { shapes: inputs.to_vec(), calls: &mut calls } };
        let values: Vec<Value> = (0..inputs.len()).map(Value).collect();
        let outputs = sub.call(&mut f, &values)?;
        let Mode::Shapes { shapes, .. } = f.mode else { unreachable!("built in shape mode") };
        outputs.iter().map(|v| shapes[v.0].clone()).collect::<Vec<Shape>>()
    };
    let mut ctx = BuildContext { rng };
    let mut layer_shapes = Vec::new();
    for layer in sub.layers_mut() {
        if let Some((_, given, out)) = calls.iter().find(|(id, ..)| *id == layer.id()) {
            layer.build(given, &mut ctx)?;
            layer_shapes.push((layer.name().to_string(), out[0].clone()));
        }
    }
    let n_in = inputs.len();
    let mut slot_shapes = inputs.to_vec();
    slot_shapes.extend(outputs.iter().cloned());
    let input_names: Vec<String> = (1..=n_in).map(|i| format!("input_{i}")).collect();
    let mut slot_sources: Vec<SlotSource> =
        input_names.iter().map(|n| SlotSource { layer: n.clone(), call: 0, output: 0 }).collect();
    slot_sources.extend((0..outputs.len()).map(|k| SlotSource {
        layer: format!("output_{}", k + 1),
        call: 0,
        output: 0,
    }));
    let graph = Graph {
        inputs: input_names
            .into_iter()
            .zip(inputs)
            .map(|(name, s)| GraphInput { name, shape: s.clone() })
            .collect(),
        nodes: Vec::new(),
        outputs: (n_in..n_in + outputs.len()).collect(),
        output_names: (1..=outputs.len()).map(|k| format!("output_{k}")).collect(),
        slot_shapes,
        slot_sources,
    };
    Ok((graph, layer_shapes))
}

/// Records a subclassed model's forward pass.
pub(crate) fn run(
    sub: &dyn Subclass,
    ctx: &mut CallContext<'_>,
    inputs: &[Var],
    run: &mut RunBuffers,
    outputs: &mut Vec<Var>,
) -> Result<()> {
    run.values.clear();
    run.values.extend_from_slice(inputs);
    let mut buffers = std::mem::take(run);
    let result = {
        let mut f = Forward { mode: Mode::Run { ctx, run: &mut buffers } };
        let values: Vec<Value> = (0..inputs.len()).map(Value).collect();
        sub.call(&mut f, &values)
    };
    let values = result?;
    outputs.extend(values.iter().map(|v| buffers.values[v.0]));
    *run = buffers;
    Ok(())
}
