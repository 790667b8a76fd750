//! `config.json`: a model's architecture and compile settings as Keras 3
//! writes them, and the model rebuilt from them.
//!
//! A Sequential model is its list of layers, the `InputLayer` first. A
//! Functional model lists its layers in `model.layers` order, each with
//! its `inbound_nodes`: for every call of the layer, the tensors it was
//! called on, each named by `keras_history = [layer, call, output]`; then
//! `input_layers` and `output_layers` name the model's inputs and outputs
//! the same way. Loading replays the calls in an order where every tensor
//! exists before it is used, as Keras's `functional_from_config` does.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::fields::Fields;
use crate::arg::{Arg, Named};
use crate::compile::{CompileOptions, Metrics, PerOutput};
use crate::error::{KerasError, Result};
use crate::layers::{Concatenate, Dense, Flatten, InputLayer, KerasTensor, Layer, Normalization};
use crate::losses::Loss;
use crate::metrics::{Metric, MetricArg};
use crate::model::{Kind, Model, Tensors};
use crate::optimizers::Optimizer;

/// Keras's `naming.to_snake_case`: `InputLayer` → `input_layer`.
pub(crate) fn to_snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().filter(|c| c.is_alphanumeric() || *c == '_').collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (next_lower && prev != '_') {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

fn float32_policy() -> Value {
    json!({ "module": "keras", "class_name": "DTypePolicy", "config": { "name": "float32" }, "registered_name": null })
}

fn batch_shape(shape: &[usize]) -> Value {
    let mut dims = vec![Value::Null];
    dims.extend(shape.iter().map(|&d| json!(d)));
    Value::Array(dims)
}

fn layer_entry(layer: &dyn Layer) -> Value {
    json!({
        "module": "keras.layers",
        "class_name": layer.class_name(),
        "config": layer.config(),
        "registered_name": null,
    })
}

fn keras_tensor(shape: &[usize], history: (&str, usize, usize)) -> Value {
    json!({
        "class_name": "__keras_tensor__",
        "config": { "shape": batch_shape(shape), "dtype": "float32", "keras_history": [history.0, history.1, history.2] },
    })
}

/// The `config` part of a model's config (what `model.get_config()`
/// returns).
pub(crate) fn model_inner_config(model: &Model) -> Result<Value> {
    match &model.kind {
        Kind::Sequential { input } => {
            let mut layers = Vec::new();
            let input = input.clone().or_else(|| model.graph.as_ref().map(|g| g.inputs[0].clone()));
            if let Some(i) = &input {
                layers.push(json!({
                    "module": "keras.layers",
                    "class_name": "InputLayer",
                    "config": { "batch_shape": batch_shape(&i.shape), "dtype": "float32", "sparse": false, "name": i.name },
                    "registered_name": null,
                }));
            }
            layers.extend(model.layers.iter().map(|l| layer_entry(l.as_ref())));
            Ok(json!({ "name": model.name, "trainable": true, "dtype": float32_policy(), "layers": layers }))
        }
        Kind::Functional => {
            let graph = model.require_built()?;
            let mut nodes: Vec<Vec<Value>> = vec![Vec::new(); model.layers.len()];
            for node in &graph.nodes {
                let tensors: Vec<Value> = node
                    .inputs
                    .iter()
                    .map(|&s| {
                        let src = &graph.slot_sources[s];
                        keras_tensor(&graph.slot_shapes[s], (&src.layer, src.call, src.output))
                    })
                    .collect();
                let args = if tensors.len() == 1 { tensors } else { vec![Value::Array(tensors)] };
                nodes[node.layer].push(json!({ "args": args, "kwargs": {} }));
            }
            let layers: Vec<Value> = model
                .layers
                .iter()
                .zip(nodes)
                .map(|(l, nodes)| {
                    let mut entry = layer_entry(l.as_ref());
                    entry["name"] = json!(l.name());
                    entry["inbound_nodes"] = Value::Array(nodes);
                    entry
                })
                .collect();
            let triple = |s: usize| {
                let src = &graph.slot_sources[s];
                json!([src.layer, src.call, src.output])
            };
            let inputs: Vec<Value> = (0..graph.inputs.len()).map(triple).collect();
            let input_layers = if inputs.len() == 1 { inputs[0].clone() } else { Value::Array(inputs) };
            let named = graph
                .outputs
                .iter()
                .zip(&graph.output_names)
                .any(|(&s, n)| graph.slot_sources[s].layer != *n);
            let output_layers = if named {
                Value::Object(
                    graph
                        .output_names
                        .iter()
                        .zip(&graph.outputs)
                        .map(|(n, &s)| (n.clone(), triple(s)))
                        .collect(),
                )
            } else if graph.outputs.len() == 1 {
                triple(graph.outputs[0])
            } else {
                Value::Array(graph.outputs.iter().map(|&s| triple(s)).collect())
            };
            Ok(json!({
                "name": model.name,
                "trainable": true,
                "layers": layers,
                "input_layers": input_layers,
                "output_layers": output_layers,
            }))
        }
        Kind::Subclassed(sub) => Err(KerasError::Argument(format!(
            "model \"{}\" is a subclassed model ({}): its architecture is Rust code, which cannot be saved \
             as a config; save its weights with save_weights(\"….weights.h5\") and rebuild it in code before \
             load_weights",
            model.name,
            sub.class_name()
        ))),
    }
}

/// The whole `config.json`: the model's class, config and (once
/// compiled) its compile settings.
pub(crate) fn model_config(model: &Model) -> Result<Value> {
    let config = model_inner_config(model)?;
    let (module, class) = match model.kind {
        Kind::Functional => ("keras.src.models.functional", "Functional"),
        _ => ("keras", "Sequential"),
    };
    let mut out = json!({ "module": module, "class_name": class, "config": config, "registered_name": null });
    if let Some(shape) = model.graph.as_ref().map(|g| g.inputs[0].shape.clone())
        && matches!(model.kind, Kind::Sequential { .. })
    {
        out["build_config"] = json!({ "input_shape": batch_shape(&shape) });
    }
    if let Some(compiled) = &model.compiled {
        out["compile_config"] =
            compile_config(&compiled.options, compiled.state.optimizer(), model.output_names().len());
    }
    Ok(out)
}

fn optimizer_config(optimizer: Optimizer) -> Value {
    let common = json!({
        "weight_decay": null, "clipnorm": null, "global_clipnorm": null, "clipvalue": null,
        "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": null,
        "loss_scale_factor": null, "gradient_accumulation_steps": null,
    });
    let (class, mut config) = match optimizer {
        Optimizer::Sgd { learning_rate, momentum, nesterov } => (
            "SGD",
            json!({ "name": "sgd", "learning_rate": learning_rate, "momentum": momentum, "nesterov": nesterov }),
        ),
        Optimizer::Adam { learning_rate, beta_1, beta_2, epsilon } => (
            "Adam",
            json!({ "name": "adam", "learning_rate": learning_rate, "beta_1": beta_1, "beta_2": beta_2,
                    "epsilon": epsilon, "amsgrad": false }),
        ),
    };
    if let (Some(c), Some(extra)) = (config.as_object_mut(), common.as_object()) {
        c.extend(extra.clone());
    }
    json!({ "module": "keras.optimizers", "class_name": class, "config": config, "registered_name": null })
}

fn loss_config(loss: &Arg<Loss>) -> Value {
    match loss {
        Arg::Name(n) => json!(n),
        Arg::Value(Loss::Huber { delta }) => json!({
            "module": "keras.losses", "class_name": "Huber",
            "config": { "name": "huber_loss", "reduction": "sum_over_batch_size", "delta": delta },
            "registered_name": null,
        }),
        Arg::Value(l) => json!(l.name()),
    }
}

fn metric_config(metric: &MetricArg) -> Value {
    let class = |m: Metric| match m {
        Metric::Accuracy => None,
        Metric::SparseCategoricalAccuracy => Some("SparseCategoricalAccuracy"),
        Metric::CategoricalAccuracy => Some("CategoricalAccuracy"),
        Metric::BinaryAccuracy => Some("BinaryAccuracy"),
        Metric::RootMeanSquaredError => Some("RootMeanSquaredError"),
        Metric::MeanAbsoluteError => Some("MeanAbsoluteError"),
        Metric::MeanSquaredError => Some("MeanSquaredError"),
    };
    match metric {
        Arg::Name(n) => json!(n),
        Arg::Value(m) => match class(*m) {
            None => json!("accuracy"),
            Some(class) => json!({
                "module": "keras.metrics", "class_name": class,
                "config": { "name": m.key(), "dtype": "float32" }, "registered_name": null,
            }),
        },
    }
}

fn per_output<T>(value: &PerOutput<T>, one: impl Fn(&T) -> Value) -> Value {
    match value {
        PerOutput::All(v) => one(v),
        PerOutput::List(list) => Value::Array(list.iter().map(one).collect()),
        PerOutput::Named(named) => Value::Object(named.iter().map(|(n, v)| (n.clone(), one(v))).collect()),
    }
}

fn compile_config(options: &CompileOptions, optimizer: Optimizer, outputs: usize) -> Value {
    let loss_weights = match &options.loss_weights {
        None => Value::Null,
        Some(PerOutput::All(w)) if outputs > 1 => json!(vec![*w; outputs]),
        Some(w) => per_output(w, |w| json!(w)),
    };
    json!({
        "optimizer": optimizer_config(optimizer),
        "loss": per_output(&options.loss, loss_config),
        "loss_weights": loss_weights,
        "metrics": per_output(&options.metrics, |list| Value::Array(list.iter().map(metric_config).collect())),
        "weighted_metrics": null,
        "run_eagerly": false,
        "steps_per_execution": 1,
        "jit_compile": true,
    })
}

/// A layer from its entry in a model's config.
fn layer_from_entry(entry: &Value) -> Result<Box<dyn Layer>> {
    let f = Fields::new("a layer entry of the model", entry)?;
    let class = f.str("class_name")?;
    let config = f.require("config")?;
    Ok(match class {
        "InputLayer" => Box::new(InputLayer::from_config(config)?),
        "Dense" => Box::new(Dense::from_config(config)?),
        "Flatten" => Box::new(Flatten::from_config(config)?),
        "Normalization" => Box::new(Normalization::from_config(config)?),
        "Concatenate" => Box::new(Concatenate::from_config(config)?),
        other => {
            let name = config.get("name").and_then(Value::as_str).unwrap_or("?");
            return Err(KerasError::UnknownName {
                kind: "layer class",
                name: format!("{other} (layer \"{name}\")"),
                known: "InputLayer, Dense, Flatten, Normalization, Concatenate".to_string(),
            });
        }
    })
}

/// The model of a `config.json`, built, with fresh weights; compiled if
/// the config has compile settings.
pub(crate) fn model_from_config(value: &Value) -> Result<Model> {
    let f = Fields::new("the model (config.json)", value)?;
    let class = f.str("class_name")?;
    let inner = f.object("config")?;
    let name = inner.str("name")?;
    let mut model = match class {
        "Sequential" => sequential_from_config(name, &inner)?,
        "Functional" | "Model" => functional_from_config(name, &inner)?,
        other => {
            return Err(KerasError::Config {
                what: format!("model \"{name}\""),
                detail: format!(
                    "class \"{other}\" is a subclassed model: its architecture is Python code, not in the file. \
                     Only Sequential and Functional models load from a config; for a subclassed model, build it \
                     in code and call load_weights"
                ),
            });
        }
    };
    if let Some(compile) = f.get("compile_config") {
        let options = compile_from_config(&model, compile)?;
        model.compile_with(options)?;
    }
    Ok(model)
}

fn sequential_from_config(name: &str, config: &Fields<'_>) -> Result<Model> {
    let mut model = Model::with_kind(name.to_string(), Kind::Sequential { input: None });
    for entry in config.array("layers")? {
        model.add(layer_from_entry(entry)?)?;
    }
    if !model.is_built()
        && let Some(shape) = config.get("build_input_shape").and_then(Value::as_array)
    {
        let dims: Option<Vec<usize>> =
            shape.iter().skip(1).map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok())).collect();
        let dims = dims.ok_or_else(|| config.error("\"build_input_shape\" must be [null, d1, …]"))?;
        model.build(&dims)?;
    }
    Ok(model)
}

/// Every `__keras_tensor__` in a node's arguments, in order.
fn collect_tensors<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect_tensors(v, out)),
        Value::Object(o) if o.get("class_name").and_then(Value::as_str) == Some("__keras_tensor__") => {
            out.push(value)
        }
        _ => {}
    }
}

/// `[layer, node, tensor]`.
fn history(value: &Value, owner: &str) -> Result<(String, usize, usize)> {
    let bad = || KerasError::Config {
        what: owner.to_string(),
        detail: format!("expected [layer name, node index, tensor index], got {value}"),
    };
    let a = value.as_array().filter(|a| a.len() == 3).ok_or_else(bad)?;
    let name = a[0].as_str().ok_or_else(bad)?;
    let n = a[1].as_u64().ok_or_else(bad)? as usize;
    let t = a[2].as_u64().ok_or_else(bad)? as usize;
    Ok((name.to_string(), n, t))
}

fn functional_from_config(name: &str, config: &Fields<'_>) -> Result<Model> {
    let owner = format!("model \"{name}\"");
    // Each layer's outputs, call by call.
    let mut made: HashMap<String, Vec<Vec<KerasTensor>>> = HashMap::new();
    let mut pending: Vec<(Box<dyn Layer>, Vec<&Value>)> = Vec::new();
    for entry in config.array("layers")? {
        let layer = layer_from_entry(entry)?;
        let lf = Fields::new(format!("layer \"{}\"", layer.name()), entry)?;
        let nodes: Vec<&Value> =
            lf.get("inbound_nodes").and_then(Value::as_array).map(|n| n.iter().collect()).unwrap_or_default();
        if made.contains_key(layer.name()) || pending.iter().any(|(l, _)| l.name() == layer.name()) {
            return Err(KerasError::Config {
                what: owner,
                detail: format!("two layers are named \"{}\"", layer.name()),
            });
        }
        if let Some(shape) = layer.declared_input() {
            let input = InputLayer::with_name(layer.name(), shape);
            made.insert(layer.name().to_string(), vec![vec![KerasTensor::input(input)]]);
        } else {
            made.insert(layer.name().to_string(), Vec::new());
            pending.push((layer, nodes));
        }
    }
    // Replay the calls until none is left, each once its inputs exist.
    let mut next = vec![0usize; pending.len()];
    loop {
        let mut progress = false;
        for (k, (layer, nodes)) in pending.iter().enumerate() {
            while next[k] < nodes.len() {
                let nf = Fields::new(
                    format!("layer \"{}\", inbound node {}", layer.name(), next[k]),
                    nodes[next[k]],
                )?;
                let mut tensors = Vec::new();
                collect_tensors(nf.require("args")?, &mut tensors);
                if tensors.is_empty() {
                    return Err(nf.error("no input tensors in \"args\" (written by an older Keras?)"));
                }
                let mut inputs = Vec::with_capacity(tensors.len());
                for t in tensors {
                    let tf = Fields::new(format!("layer \"{}\"", layer.name()), t)?;
                    let (src, n, i) = history(tf.object("config")?.require("keras_history")?, &owner)?;
                    let calls = made.get(&src).ok_or_else(|| {
                        nf.error(format!(
                            "its input comes from layer \"{src}\", which the model does not have"
                        ))
                    })?;
                    match calls.get(n) {
                        Some(outs) => inputs.push(
                            outs.get(i)
                                .cloned()
                                .ok_or_else(|| nf.error(format!("layer \"{src}\" has no output {i}")))?,
                        ),
                        None => break, // that call is not replayed yet
                    }
                }
                let mut all = Vec::new();
                collect_tensors(nf.require("args")?, &mut all);
                if inputs.len() != all.len() {
                    break;
                }
                let refs: Vec<&KerasTensor> = inputs.iter().collect();
                let outs = crate::layers::call_symbolic(layer.clone(), &refs)?;
                if let Some(calls) = made.get_mut(layer.name()) {
                    calls.push(outs);
                }
                next[k] += 1;
                progress = true;
            }
        }
        if next.iter().zip(&pending).all(|(&n, (_, nodes))| n == nodes.len()) {
            break;
        }
        if !progress {
            let (layer, _) = pending
                .iter()
                .zip(&next)
                .find(|((_, nodes), n)| **n < nodes.len())
                .map(|(p, _)| p)
                .ok_or_else(|| KerasError::Config {
                    what: owner.clone(),
                    detail: "inconsistent graph".into(),
                })?;
            return Err(KerasError::Config {
                what: owner,
                detail: format!(
                    "layer \"{}\" is called on tensors that no layer of the model makes (a cycle, or a missing layer)",
                    layer.name()
                ),
            });
        }
    }
    let resolve = |value: &Value| -> Result<KerasTensor> {
        let (src, n, i) = history(value, &owner)?;
        made.get(&src).and_then(|calls| calls.get(n)).and_then(|outs| outs.get(i)).cloned().ok_or_else(|| {
            KerasError::Config {
                what: owner.clone(),
                detail: format!("no tensor [{src}, {n}, {i}] in the model"),
            }
        })
    };
    let list = |value: &Value| -> Result<Tensors> {
        match value {
            Value::Array(a) if a.first().is_some_and(Value::is_string) => {
                Ok(Tensors::List(vec![resolve(value)?]))
            }
            Value::Array(a) => Ok(Tensors::List(a.iter().map(&resolve).collect::<Result<_>>()?)),
            Value::Object(o) => Ok(Tensors::Named(
                o.iter().map(|(k, v)| Ok((k.clone(), resolve(v)?))).collect::<Result<_>>()?,
            )),
            other => Err(KerasError::Config {
                what: owner.clone(),
                detail: format!("expected tensors, got {other}"),
            }),
        }
    };
    let inputs = match list(config.require("input_layers")?)? {
        Tensors::Named(named) => Tensors::List(named.into_iter().map(|(_, t)| t).collect()),
        l => l,
    };
    let outputs = list(config.require("output_layers")?)?;
    Model::functional_named(name, inputs, outputs)
}

/// `{"class_name": …}` objects and strings, as names this crate reads.
fn object_class(value: &Value) -> Option<&str> {
    value.get("class_name").and_then(Value::as_str)
}

fn loss_from_config(value: &Value) -> Result<Arg<Loss>> {
    match value {
        Value::String(s) => {
            Loss::parse_name(s)?;
            Ok(Arg::Name(s.clone()))
        }
        Value::Object(_) => {
            let f = Fields::new("a loss", value)?;
            let class = f.str("class_name")?;
            let empty = json!({});
            let config = Fields::new(format!("loss {class}"), f.get("config").unwrap_or(&empty))?;
            config.only(
                "from_logits",
                &Value::Bool(false),
                "losses on logits are not implemented: end the model with its activation",
            )?;
            Ok(Arg::Value(match class {
                "MeanSquaredError" => Loss::MeanSquaredError,
                "MeanAbsoluteError" => Loss::MeanAbsoluteError,
                "SparseCategoricalCrossentropy" => Loss::SparseCategoricalCrossentropy,
                "CategoricalCrossentropy" => Loss::CategoricalCrossentropy,
                "BinaryCrossentropy" => Loss::BinaryCrossentropy,
                "Huber" => Loss::Huber { delta: config.f64_or("delta", 1.0)? as f32 },
                other => return Err(f.error(format!("loss class \"{other}\" is not implemented"))),
            }))
        }
        other => Err(KerasError::Config {
            what: "compile_config".into(),
            detail: format!("a loss must be a name or an object, got {other}"),
        }),
    }
}

fn metric_from_config(value: &Value) -> Result<MetricArg> {
    match value {
        Value::String(s) => {
            Metric::parse_name(s)?;
            Ok(Arg::Name(s.clone()))
        }
        Value::Object(_) => {
            let class = object_class(value).unwrap_or("");
            Ok(Arg::Value(Metric::parse_name(class)?))
        }
        other => Err(KerasError::Config {
            what: "compile_config".into(),
            detail: format!("a metric must be a name or an object, got {other}"),
        }),
    }
}

fn metric_list(value: &Value) -> Result<Vec<MetricArg>> {
    match value {
        Value::Array(a) => a.iter().map(metric_from_config).collect(),
        Value::Null => Ok(Vec::new()),
        one => Ok(vec![metric_from_config(one)?]),
    }
}

fn optimizer_from_config(value: &Value) -> Result<Arg<Optimizer>> {
    if let Some(name) = value.as_str() {
        Optimizer::parse_name(name)?;
        return Ok(Arg::Name(name.to_string()));
    }
    let f = Fields::new("the optimizer", value)?;
    let class = f.str("class_name")?;
    let empty = json!({});
    let c = Fields::new(format!("optimizer {class}"), f.get("config").unwrap_or(&empty))?;
    for key in [
        "weight_decay",
        "clipnorm",
        "global_clipnorm",
        "clipvalue",
        "loss_scale_factor",
        "gradient_accumulation_steps",
    ] {
        c.only(key, &Value::Null, "not implemented")?;
    }
    c.only("use_ema", &Value::Bool(false), "not implemented")?;
    c.only("amsgrad", &Value::Bool(false), "not implemented")?;
    if c.get("learning_rate").is_some_and(Value::is_object) {
        return Err(
            c.error("a learning-rate schedule is not implemented: use a LearningRateScheduler callback")
        );
    }
    Ok(Arg::Value(match class {
        "SGD" => Optimizer::Sgd {
            learning_rate: c.f64_or("learning_rate", 0.01)?,
            momentum: c.f64_or("momentum", 0.0)?,
            nesterov: c.bool_or("nesterov", false)?,
        },
        "Adam" => Optimizer::Adam {
            learning_rate: c.f64_or("learning_rate", 0.001)?,
            beta_1: c.f64_or("beta_1", 0.9)?,
            beta_2: c.f64_or("beta_2", 0.999)?,
            epsilon: c.f64_or("epsilon", 1e-7)?,
        },
        other => {
            return Err(f.error(format!("optimizer class \"{other}\" is not implemented (SGD, Adam are)")));
        }
    }))
}

/// The compile settings of a `compile_config`.
fn compile_from_config(model: &Model, value: &Value) -> Result<CompileOptions> {
    let f = Fields::new(format!("model \"{}\" (compile_config)", model.name()), value)?;
    if f.get("weighted_metrics").and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
        return Err(f.error("weighted_metrics are not implemented"));
    }
    let optimizer = optimizer_from_config(f.require("optimizer")?)?;
    let loss = match f.require("loss")? {
        Value::Array(a) => PerOutput::List(a.iter().map(loss_from_config).collect::<Result<_>>()?),
        Value::Object(o) if object_class(&Value::Object(o.clone())).is_none() => PerOutput::Named(
            o.iter().map(|(k, v)| Ok((k.clone(), loss_from_config(v)?))).collect::<Result<_>>()?,
        ),
        one => PerOutput::All(loss_from_config(one)?),
    };
    let weight =
        |v: &Value| v.as_f64().ok_or_else(|| f.error(format!("a loss weight must be a number, got {v}")));
    let loss_weights = match f.get("loss_weights") {
        None => None,
        Some(Value::Array(a)) => Some(PerOutput::List(a.iter().map(weight).collect::<Result<_>>()?)),
        Some(Value::Object(o)) => {
            Some(PerOutput::Named(o.iter().map(|(k, v)| Ok((k.clone(), weight(v)?))).collect::<Result<_>>()?))
        }
        Some(one) => Some(PerOutput::All(weight(one)?)),
    };
    let metrics: Metrics = match f.get("metrics") {
        None => PerOutput::All(Vec::new()),
        Some(Value::Array(a)) if a.iter().any(Value::is_array) => {
            PerOutput::List(a.iter().map(metric_list).collect::<Result<_>>()?)
        }
        Some(Value::Object(o)) if object_class(&Value::Object(o.clone())).is_none() => {
            PerOutput::Named(o.iter().map(|(k, v)| Ok((k.clone(), metric_list(v)?))).collect::<Result<_>>()?)
        }
        Some(other) => PerOutput::All(metric_list(other)?),
    };
    Ok(CompileOptions { loss, optimizer, metrics, loss_weights })
}

#[cfg(test)]
mod tests {
    use super::to_snake_case;

    #[test]
    fn snake_case_as_keras() {
        assert_eq!(to_snake_case("InputLayer"), "input_layer");
        assert_eq!(to_snake_case("Dense"), "dense");
        assert_eq!(to_snake_case("Normalization"), "normalization");
        assert_eq!(to_snake_case("WideAndDeepModel"), "wide_and_deep_model");
        assert_eq!(to_snake_case("SGD"), "sgd");
    }
}
