//! Data for models with one or several inputs and outputs: what `fit`,
//! `evaluate` and `predict` take, and the buffers a training step reuses.
//!
//! Keras takes one array, a tuple or list of arrays (in the order of the
//! model's inputs or outputs), or a dict keyed by name. [`Inputs`] and
//! [`Targets`] take the same three forms:
//!
//! ```
//! use keras::{Inputs, Labels, Targets, Tensor};
//! let (wide, deep) = (Tensor::new(vec![0.0; 10], &[2, 5])?, Tensor::new(vec![0.0; 12], &[2, 6])?);
//! let _one: Inputs = (&wide).into();
//! let _pair: Inputs = (&wide, &deep).into();
//! let _named: Inputs = [("input_wide", &wide), ("input_deep", &deep)].into();
//! let y = Labels::from(&[1.0f32, 2.0][..]);
//! let _both: Targets = (&y, &y).into();
//! # Ok::<(), keras::KerasError>(())
//! ```

use nalgebra::DMatrix;

use crate::error::{KerasError, Result};
use crate::graph::GraphInput;
use crate::tensor::{Labels, Tensor};

/// What a model is given as inputs.
#[derive(Clone, Debug)]
pub enum Inputs<'a> {
    /// One array per input, in order (one array for a model with one input).
    List(Vec<&'a Tensor>),
    /// Arrays by input name.
    Named(Vec<(String, &'a Tensor)>),
}

/// What a model is given as labels: one per output.
#[derive(Clone, Debug)]
pub enum Targets<'a> {
    /// One set of labels per output, in order.
    List(Vec<&'a Labels>),
    /// Labels by output name.
    Named(Vec<(String, &'a Labels)>),
}

/// Data to validate on after each epoch: inputs and labels.
#[derive(Clone, Debug)]
pub struct Validation<'a> {
    /// The inputs.
    pub x: Inputs<'a>,
    /// The labels.
    pub y: Targets<'a>,
}

impl<'a, X: Into<Inputs<'a>>, Y: Into<Targets<'a>>> From<(X, Y)> for Validation<'a> {
    fn from((x, y): (X, Y)) -> Validation<'a> {
        Validation { x: x.into(), y: y.into() }
    }
}

/// `From` impls for the three forms, for `Inputs` (of `Tensor`s) and
/// `Targets` (of `Labels`).
macro_rules! forms {
    ($ty:ident, $item:ty) => {
        impl<'a> From<&'a $item> for $ty<'a> {
            fn from(one: &'a $item) -> $ty<'a> {
                $ty::List(vec![one])
            }
        }
        impl<'a> From<(&'a $item, &'a $item)> for $ty<'a> {
            fn from((a, b): (&'a $item, &'a $item)) -> $ty<'a> {
                $ty::List(vec![a, b])
            }
        }
        impl<'a, const N: usize> From<[&'a $item; N]> for $ty<'a> {
            fn from(list: [&'a $item; N]) -> $ty<'a> {
                $ty::List(list.to_vec())
            }
        }
        impl<'a> From<Vec<&'a $item>> for $ty<'a> {
            fn from(list: Vec<&'a $item>) -> $ty<'a> {
                $ty::List(list)
            }
        }
        impl<'a, const N: usize> From<[(&str, &'a $item); N]> for $ty<'a> {
            fn from(named: [(&str, &'a $item); N]) -> $ty<'a> {
                $ty::Named(named.iter().map(|&(n, v)| (n.to_string(), v)).collect())
            }
        }
        impl<'a> From<Vec<(String, &'a $item)>> for $ty<'a> {
            fn from(named: Vec<(String, &'a $item)>) -> $ty<'a> {
                $ty::Named(named)
            }
        }
    };
}

forms!(Inputs, Tensor);
forms!(Targets, Labels);

/// Puts `given` in the order of `names`, checking the count and the names.
fn arrange<'a, T>(
    model: &str,
    what: &str,
    names: &[String],
    list: Option<&[&'a T]>,
    named: Option<&[(String, &'a T)]>,
) -> Result<Vec<&'a T>> {
    let error = |detail: String| KerasError::Structure { model: model.to_string(), detail };
    let known = names.join(", ");
    if let Some(list) = list {
        if list.len() != names.len() {
            return Err(error(format!(
                "expects {} {what}{} ({known}), got {}",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                list.len()
            )));
        }
        return Ok(list.to_vec());
    }
    let named = named.unwrap_or(&[]);
    if let Some((unknown, _)) = named.iter().find(|(n, _)| !names.contains(n)) {
        return Err(error(format!("has no {what} named \"{unknown}\"; its {what}s are: {known}")));
    }
    names
        .iter()
        .map(|name| {
            named.iter().find(|(n, _)| n == name).map(|&(_, v)| v).ok_or_else(|| {
                error(format!(
                    "no {what} given for \"{name}\" (given: {})",
                    named.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
                ))
            })
        })
        .collect()
}

impl<'a> Inputs<'a> {
    /// One tensor per model input, in the model's order, all with the
    /// same number of samples.
    pub(crate) fn arrange(&self, model: &str, inputs: &[GraphInput]) -> Result<Vec<&'a Tensor>> {
        let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
        let xs = match self {
            Inputs::List(list) => arrange(model, "input", &names, Some(list), None)?,
            Inputs::Named(named) => arrange(model, "input", &names, None, Some(named))?,
        };
        for (x, input) in xs.iter().zip(inputs).skip(1) {
            if x.len() != xs[0].len() {
                return Err(KerasError::Count {
                    what: "inputs",
                    detail: format!(
                        "\"{}\" has {} samples but \"{}\" has {}",
                        inputs[0].name,
                        xs[0].len(),
                        input.name,
                        x.len()
                    ),
                });
            }
        }
        Ok(xs)
    }

    /// The tensors as given, in the order given (to build a model on them).
    pub(crate) fn given(&self) -> Vec<&'a Tensor> {
        match self {
            Inputs::List(list) => list.clone(),
            Inputs::Named(named) => named.iter().map(|&(_, t)| t).collect(),
        }
    }
}

impl<'a> Targets<'a> {
    /// One set of labels per output, in the model's order.
    pub(crate) fn arrange(&self, model: &str, outputs: &[String]) -> Result<Vec<&'a Labels>> {
        match self {
            Targets::List(list) => arrange(model, "output", outputs, Some(list), None),
            Targets::Named(named) => arrange(model, "output", outputs, None, Some(named)),
        }
    }
}

/// One output's labels for a batch.
#[derive(Clone, Debug, Default)]
pub(crate) struct BatchLabels {
    pub classes: Vec<usize>,
    pub values: DMatrix<f32>,
    pub sparse: bool,
}

impl BatchLabels {
    /// As the loss reads them.
    pub fn targets(&self) -> mlp::Targets<'_, f32> {
        if self.sparse { mlp::Targets::Sparse(&self.classes) } else { mlp::Targets::Dense(&self.values) }
    }

    /// As a metric reads them.
    pub fn for_metric(&self) -> crate::metrics::BatchLabels<'_> {
        if self.sparse {
            crate::metrics::BatchLabels::Classes(&self.classes)
        } else {
            crate::metrics::BatchLabels::Values(&self.values)
        }
    }
}

/// Reused buffers for one training batch.
#[derive(Clone, Debug, Default)]
pub(crate) struct Batch {
    pub xs: Vec<DMatrix<f32>>,
    pub labels: Vec<BatchLabels>,
    pub weights: Vec<f32>,
}

impl Batch {
    /// Gathers the samples `indices` of every input, their labels and weights.
    pub fn gather(&mut self, xs: &[&Tensor], ys: &[Labels], w: Option<&[f32]>, indices: &[usize]) {
        self.xs.resize_with(xs.len(), || DMatrix::zeros(0, 0));
        for (x, buffer) in xs.iter().zip(&mut self.xs) {
            x.gather_rows(indices, buffer);
        }
        self.labels.resize_with(ys.len(), BatchLabels::default);
        for (y, out) in ys.iter().zip(&mut self.labels) {
            match y {
                Labels::Classes(c) => {
                    out.sparse = true;
                    out.classes.clear();
                    out.classes.extend(indices.iter().map(|&i| c[i]));
                }
                Labels::Values(v) => {
                    out.sparse = false;
                    if out.values.shape() != (indices.len(), v.ncols()) {
                        out.values = DMatrix::zeros(indices.len(), v.ncols());
                    }
                    for c in 0..v.ncols() {
                        for (r, &i) in indices.iter().enumerate() {
                            out.values[(r, c)] = v[(i, c)];
                        }
                    }
                }
            }
        }
        self.weights.clear();
        if let Some(w) = w {
            self.weights.extend(indices.iter().map(|&i| w[i]));
        }
    }
}

/// Reused vectors for recording a graph's calls.
#[derive(Clone, Debug, Default)]
pub(crate) struct RunBuffers {
    pub values: Vec<autodiff::Var>,
    pub args: Vec<autodiff::Var>,
    pub outs: Vec<autodiff::Var>,
}

/// Everything a training step reuses from step to step: the tape, the
/// weights' bindings, the batch, the node lists.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    pub tape: autodiff::Tape<f32>,
    pub bindings: crate::layers::Bindings,
    pub batch: Batch,
    pub run: RunBuffers,
    pub inputs: Vec<autodiff::Var>,
    pub outputs: Vec<autodiff::Var>,
    /// The last epoch's order of the samples, so that fitting twice
    /// shuffles as fitting once for as many epochs.
    pub order: Vec<usize>,
}
