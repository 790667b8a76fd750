//! `model.weights.h5`: the weights and the optimizer's state in HDF5,
//! laid out as Keras 3 lays them out.
//!
//! Each layer's variables are the datasets `0`, `1`, … of a group
//! `layers/<key>/vars`, where the key is the layer's *class* in
//! snake_case, numbered in `model.layers` order (`dense`, `dense_1`, …;
//! `input_layer`, …), not its name: Keras keys by class so that two
//! instances of one architecture share a layout whatever their names.
//! A Dense kernel is `(inputs, units)` and its bias `(units,)`; a
//! Normalization's mean and variance `(features,)` and its count a scalar.
//! The optimizer's variables are `optimizer/vars/0` (the step count),
//! `1` (the learning rate), then each trainable weight's slots in order,
//! interleaved (Adam: m₁, v₁, m₂, v₂, …).

use std::collections::HashMap;

use hdf5_pure::{AttrValue, File, FileBuilder};
use nalgebra::DMatrix;

use super::config::to_snake_case;
use crate::error::{KerasError, Result};
use crate::layers::Layer;
use crate::model::Model;
use crate::variable::{Variable, WeightId};

/// The layers whose variables are saved, each with its group key
/// (`layers/dense_1`): a Sequential model's without its input layer, a
/// Functional model's with them, as `model.layers` lists them.
fn keyed_layers(model: &Model) -> Vec<(String, &dyn Layer)> {
    let mut used: HashMap<String, usize> = HashMap::new();
    model
        .all_layers()
        .into_iter()
        .map(|layer| {
            let base = to_snake_case(layer.class_name());
            let count = used.entry(base.clone()).or_insert(0);
            let key = if *count == 0 { base.clone() } else { format!("{base}_{count}") };
            *count += 1;
            (format!("layers/{key}"), layer)
        })
        .collect()
}

/// The shape Keras gives a variable: a kernel `(rows, cols)`, a row vector
/// `(cols,)`, a count `()`.
fn keras_shape(variable: &Variable) -> Vec<u64> {
    let (r, c) = variable.value.shape();
    if variable.name() == "count" && r * c == 1 {
        Vec::new()
    } else if r == 1 && variable.name() != "kernel" {
        vec![c as u64]
    } else {
        vec![r as u64, c as u64]
    }
}

fn shape_text(shape: &[u64]) -> String {
    match shape {
        [] => "() (a scalar)".to_string(),
        [one] => format!("({one},)"),
        dims => format!("({})", dims.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")),
    }
}

/// Row-major values of a matrix (HDF5's order).
fn row_major(value: &DMatrix<f32>) -> Vec<f32> {
    value.transpose().as_slice().to_vec()
}

fn h5_error(e: impl std::fmt::Display) -> KerasError {
    KerasError::Argument(format!("HDF5: {e}"))
}

/// The HDF5 bytes of the model's weights and, if `with_optimizer` and
/// compiled, of its optimizer.
pub(crate) fn write(model: &Model, with_optimizer: bool) -> Result<Vec<u8>> {
    let mut file = FileBuilder::new();
    let mut layers = file.create_group("layers");
    for (key, layer) in keyed_layers(model) {
        let mut group = layers.create_group(key.trim_start_matches("layers/"));
        let mut vars = group.create_group("vars");
        vars.set_attr("name", AttrValue::String(layer.name().to_string()));
        for (i, w) in layer.weights().into_iter().enumerate() {
            let shape = keras_shape(w);
            if w.name() == "count" && shape.is_empty() {
                vars.create_dataset(&i.to_string())
                    .with_i32_data(&[w.value[(0, 0)].round() as i32])
                    .with_shape(&[]);
            } else {
                vars.create_dataset(&i.to_string()).with_f32_data(&row_major(&w.value)).with_shape(&shape);
            }
        }
        group.add_group(vars.finish());
        layers.add_group(group.finish());
    }
    file.add_group(layers.finish());
    if with_optimizer && let Some(compiled) = &model.compiled {
        let state = &compiled.state;
        let mut group = file.create_group("optimizer");
        let mut vars = group.create_group("vars");
        let name = match state.optimizer() {
            mlp::Optimizer::Sgd { .. } => "sgd",
            mlp::Optimizer::Adam { .. } => "adam",
        };
        vars.set_attr("name", AttrValue::String(name.to_string()));
        vars.create_dataset("0").with_i32_data(&[state.iterations()]).with_shape(&[]);
        vars.create_dataset("1").with_f32_data(&[state.optimizer().learning_rate() as f32]).with_shape(&[]);
        let mut index = 2;
        for w in model.weights().into_iter().filter(|w| w.trainable) {
            for k in 0..state.slots_per_weight() {
                let values = match state.slots(w.id()) {
                    Some(slots) if slots[k].len() == w.len() => {
                        row_major(&DMatrix::from_column_slice(w.value.nrows(), w.value.ncols(), &slots[k]))
                    }
                    _ => vec![0.0; w.len()],
                };
                vars.create_dataset(&index.to_string()).with_f32_data(&values).with_shape(&keras_shape(w));
                index += 1;
            }
        }
        group.add_group(vars.finish());
        file.add_group(group.finish());
    }
    let mut root = file.create_group("vars");
    root.set_attr("name", AttrValue::String(model.name().to_string()));
    file.add_group(root.finish());
    file.finish().map_err(h5_error)
}

/// One dataset read as a matrix of `expected`'s shape, or an error that
/// names the dataset, the weight and both shapes.
fn read_variable(file: &File, path: &str, expected: &Variable) -> Result<DMatrix<f32>> {
    let ds = file.dataset(path).map_err(|e| KerasError::Weights {
        layer: expected.path.clone(),
        detail: format!("no dataset {path} in the weights file ({e})"),
    })?;
    let shape = ds.shape().map_err(h5_error)?;
    let want = keras_shape(expected);
    let (r, c) = expected.value.shape();
    // Accept the same numbers of the same layout under an equivalent shape
    // (a bias stored as (1, units), a count as (1,)).
    let same = shape == want
        || shape.iter().product::<u64>() == (r * c) as u64
            && (r == 1 || shape.len() == 2 && shape[0] == r as u64);
    if !same {
        return Err(KerasError::Weights {
            layer: expected.path.clone(),
            detail: format!(
                "{path} has shape {}, but the model's weight has shape {}",
                shape_text(&shape),
                shape_text(&want)
            ),
        });
    }
    let data = ds.read_f32().map_err(|e| KerasError::Weights {
        layer: expected.path.clone(),
        detail: format!("{path} cannot be read as numbers: {e}"),
    })?;
    if data.len() != r * c {
        return Err(KerasError::Weights {
            layer: expected.path.clone(),
            detail: format!("{path} holds {} numbers for a weight of {}", data.len(), r * c),
        });
    }
    if data.iter().any(|v| !v.is_finite()) && expected.trainable {
        // Keras saves what it has; a NaN weight would only predict NaN.
        return Err(KerasError::Weights {
            layer: expected.path.clone(),
            detail: format!("{path} holds NaN or infinite values"),
        });
    }
    Ok(DMatrix::from_row_slice(r, c, &data))
}

/// The optimizer's saved state: steps, learning rate, slots per weight.
type SavedOptimizer = (i32, f32, HashMap<WeightId, [Vec<f32>; 2]>);

/// What a weights file holds for a model: every weight's value and, if
/// the file has them and the model is compiled, the optimizer's state.
pub(crate) struct Loaded {
    values: Vec<DMatrix<f32>>,
    optimizer: Option<SavedOptimizer>,
}

/// Reads every weight of `model` from HDF5 `bytes` (checked against the
/// model's weights: names, counts, shapes) without changing the model.
pub(crate) fn read(model: &Model, bytes: Vec<u8>, with_optimizer: bool) -> Result<Loaded> {
    let file = File::from_bytes(bytes)
        .map_err(|e| KerasError::Argument(format!("not an HDF5 weights file: {e}")))?;
    let mut values = Vec::new();
    for (key, layer) in keyed_layers(model) {
        let weights = layer.weights();
        if weights.is_empty() {
            continue;
        }
        let group = format!("{key}/vars");
        let names = file.group(&group).and_then(|g| g.datasets()).map_err(|_| KerasError::Weights {
            layer: layer.name().to_string(),
            detail: format!(
                "the file has no group {group} for layer \"{}\" ({}, {} weights): is it the weights file of another model?",
                layer.name(),
                layer.class_name(),
                weights.len()
            ),
        })?;
        if names.len() != weights.len() {
            return Err(KerasError::Weights {
                layer: layer.name().to_string(),
                detail: format!(
                    "{group} holds {} variables, but the layer has {}",
                    names.len(),
                    weights.len()
                ),
            });
        }
        for (i, w) in weights.into_iter().enumerate() {
            values.push(read_variable(&file, &format!("{group}/{i}"), w)?);
        }
    }
    let optimizer = match (&model.compiled, with_optimizer) {
        (Some(compiled), true) => match file.group("optimizer/vars").and_then(|g| g.datasets()) {
            Err(_) => None,
            Ok(names) => {
                let state = &compiled.state;
                let trainable: Vec<&Variable> = model.weights().into_iter().filter(|w| w.trainable).collect();
                let per = state.slots_per_weight();
                let expected = 2 + per * trainable.len();
                let scalar = |path: &str| -> Result<f64> {
                    let ds = file.dataset(path).map_err(h5_error)?;
                    ds.read_f64().map_err(h5_error)?.first().copied().ok_or_else(|| KerasError::Weights {
                        layer: "optimizer".into(),
                        detail: format!("{path} is empty"),
                    })
                };
                if names.len() != expected && names.len() != 2 {
                    return Err(KerasError::Weights {
                        layer: "optimizer".to_string(),
                        detail: format!(
                            "optimizer/vars holds {} variables, but {} with {} trainable weights has {expected} \
                             (step count, learning rate, {per} slot(s) per weight)",
                            names.len(),
                            match state.optimizer() {
                                mlp::Optimizer::Sgd { .. } => "SGD",
                                mlp::Optimizer::Adam { .. } => "Adam",
                            },
                            trainable.len()
                        ),
                    });
                }
                let iterations = scalar("optimizer/vars/0")?;
                let learning_rate = scalar("optimizer/vars/1")? as f32;
                let mut slots = HashMap::new();
                if names.len() == expected {
                    let mut index = 2;
                    for w in &trainable {
                        let mut pair = [Vec::new(), Vec::new()];
                        for slot in pair.iter_mut().take(per) {
                            let m = read_variable(&file, &format!("optimizer/vars/{index}"), w)?;
                            *slot = m.as_slice().to_vec();
                            index += 1;
                        }
                        slots.insert(w.id(), pair);
                    }
                }
                Some((iterations.clamp(0.0, f64::from(i32::MAX)) as i32, learning_rate, slots))
            }
        },
        _ => None,
    };
    Ok(Loaded { values, optimizer })
}

/// Writes what [`read`] found into the model (cannot fail: it was checked).
pub(crate) fn apply(model: &mut Model, loaded: Loaded) {
    let mut next = loaded.values.into_iter();
    model.visit_weights_mut(&mut |w| {
        if let Some(v) = next.next() {
            w.value = v;
        }
    });
    if let (Some((iterations, learning_rate, slots)), Some(compiled)) =
        (loaded.optimizer, model.compiled.as_mut())
    {
        // Keep the config's learning rate if it is the saved one in f32
        // (it has more digits); a callback may have changed it since.
        let configured = compiled.state.optimizer().learning_rate();
        if configured as f32 != learning_rate {
            compiled.state.set_learning_rate(f64::from(learning_rate));
            compiled.optimizer.set_learning_rate(f64::from(learning_rate));
        }
        compiled.state.restore(iterations, slots);
    }
}
