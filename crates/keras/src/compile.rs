//! `compile`: the loss of each output, its weight, the metrics, the
//! optimizer.
//!
//! A model with several outputs takes one loss for all of them or one per
//! output, as a list (in the order of `model.output_names()`) or by name;
//! likewise `loss_weights` and the metrics. [`PerOutput`] holds any of the
//! three forms.
//!
//! ```
//! use keras::{CompileOptions, PerOutput};
//! use keras::optimizers::Adam;
//! let options = CompileOptions {
//!     loss: ["mse", "mse"].into(),
//!     loss_weights: Some([0.9, 0.1].into()),
//!     optimizer: Adam { learning_rate: 1e-3, ..Adam::default() }.into(),
//!     metrics: [["RootMeanSquaredError"], ["RootMeanSquaredError"]].into(),
//! };
//! assert!(matches!(options.loss, PerOutput::List(ref l) if l.len() == 2));
//! ```

use crate::arg::Arg;
use crate::error::{KerasError, Result};
use crate::losses::Loss;
use crate::metrics::{Metric, MetricArg, MetricState};
use crate::optimizers::{Optimizer, OptimizerState};

/// A setting for every output, one per output in order, or by name.
#[derive(Clone, Debug, PartialEq)]
pub enum PerOutput<T> {
    /// The same for every output.
    All(T),
    /// One per output, in order.
    List(Vec<T>),
    /// By output name; outputs not named get none.
    Named(Vec<(String, T)>),
}

impl<T: Clone> PerOutput<T> {
    /// One entry per output (`None` for an output a map leaves out).
    pub(crate) fn resolve(&self, model: &str, what: &str, outputs: &[String]) -> Result<Vec<Option<T>>> {
        let error = |detail: String| KerasError::Structure { model: model.to_string(), detail };
        match self {
            PerOutput::All(v) => Ok(vec![Some(v.clone()); outputs.len()]),
            PerOutput::List(list) if list.len() == outputs.len() => {
                Ok(list.iter().cloned().map(Some).collect())
            }
            PerOutput::List(list) => Err(error(format!(
                "{what}: {} given for {} output{} ({})",
                list.len(),
                outputs.len(),
                if outputs.len() == 1 { "" } else { "s" },
                outputs.join(", ")
            ))),
            PerOutput::Named(named) => {
                if let Some((unknown, _)) = named.iter().find(|(n, _)| !outputs.contains(n)) {
                    return Err(error(format!(
                        "{what} given for \"{unknown}\", which is not an output; the outputs are: {}",
                        outputs.join(", ")
                    )));
                }
                Ok(outputs
                    .iter()
                    .map(|o| named.iter().find(|(n, _)| n == o).map(|(_, v)| v.clone()))
                    .collect())
            }
        }
    }
}

impl From<&str> for PerOutput<Arg<Loss>> {
    fn from(name: &str) -> Self {
        PerOutput::All(name.into())
    }
}

impl From<Loss> for PerOutput<Arg<Loss>> {
    fn from(loss: Loss) -> Self {
        PerOutput::All(Arg::Value(loss))
    }
}

impl<const N: usize> From<[&str; N]> for PerOutput<Arg<Loss>> {
    fn from(names: [&str; N]) -> Self {
        PerOutput::List(names.iter().map(|&n| n.into()).collect())
    }
}

impl<const N: usize> From<[Loss; N]> for PerOutput<Arg<Loss>> {
    fn from(losses: [Loss; N]) -> Self {
        PerOutput::List(losses.iter().map(|&l| Arg::Value(l)).collect())
    }
}

impl<const N: usize> From<[(&str, &str); N]> for PerOutput<Arg<Loss>> {
    fn from(named: [(&str, &str); N]) -> Self {
        PerOutput::Named(named.iter().map(|&(o, l)| (o.to_string(), l.into())).collect())
    }
}

impl From<f64> for PerOutput<f64> {
    fn from(w: f64) -> Self {
        PerOutput::All(w)
    }
}

impl<const N: usize> From<[f64; N]> for PerOutput<f64> {
    fn from(ws: [f64; N]) -> Self {
        PerOutput::List(ws.to_vec())
    }
}

impl<const N: usize> From<[(&str, f64); N]> for PerOutput<f64> {
    fn from(named: [(&str, f64); N]) -> Self {
        PerOutput::Named(named.iter().map(|&(o, w)| (o.to_string(), w)).collect())
    }
}

/// Metrics: a flat list (for a model with one output: its metrics; with
/// several: one per output, in order, as Keras 3 reads a flat list), a
/// list of lists, or by output name.
pub type Metrics = PerOutput<Vec<MetricArg>>;

impl From<&[MetricArg]> for Metrics {
    fn from(list: &[MetricArg]) -> Metrics {
        PerOutput::All(list.to_vec())
    }
}

impl<const N: usize> From<&[MetricArg; N]> for Metrics {
    fn from(list: &[MetricArg; N]) -> Metrics {
        PerOutput::All(list.to_vec())
    }
}

impl<const N: usize> From<[&str; N]> for Metrics {
    fn from(names: [&str; N]) -> Metrics {
        PerOutput::All(names.iter().map(|&n| n.into()).collect())
    }
}

impl<const N: usize, const K: usize> From<[[&str; K]; N]> for Metrics {
    fn from(lists: [[&str; K]; N]) -> Metrics {
        PerOutput::List(lists.iter().map(|l| l.iter().map(|&n| n.into()).collect()).collect())
    }
}

impl<const N: usize, const K: usize> From<[(&str, [&str; K]); N]> for Metrics {
    fn from(named: [(&str, [&str; K]); N]) -> Metrics {
        PerOutput::Named(
            named.iter().map(|(o, l)| (o.to_string(), l.iter().map(|&n| n.into()).collect())).collect(),
        )
    }
}

/// Everything `compile` takes, with Keras's defaults (no metrics, loss
/// weights of 1).
#[derive(Clone, Debug)]
pub struct CompileOptions {
    /// The loss of each output.
    pub loss: PerOutput<Arg<Loss>>,
    /// The optimizer.
    pub optimizer: Arg<Optimizer>,
    /// The metrics of each output.
    pub metrics: Metrics,
    /// How much each output's loss weighs in the total (default 1 each).
    pub loss_weights: Option<PerOutput<f64>>,
}

/// One output as compiled.
#[derive(Clone, Debug)]
pub(crate) struct CompiledOutput {
    /// The output's name.
    pub name: String,
    pub loss: Loss,
    pub weight: f64,
    /// Each metric's key in the logs (without the output's prefix) and state.
    pub metrics: Vec<(String, MetricState)>,
}

/// What `compile` fixed, resolved for the model's outputs.
#[derive(Clone, Debug)]
pub(crate) struct Compiled {
    pub options: CompileOptions,
    pub optimizer: Optimizer,
    pub state: OptimizerState,
    /// Empty until the model's outputs are known (a subclassed model
    /// before its first data).
    pub outputs: Vec<CompiledOutput>,
}

impl Compiled {
    /// Checks every name now (an unknown loss, metric or optimizer is an
    /// error at `compile`), and resolves the outputs if they are known.
    pub fn new(model: &str, options: CompileOptions, outputs: Option<&[String]>) -> Result<Compiled> {
        let optimizer = options.optimizer.resolve()?;
        let check = |l: &Arg<Loss>| l.resolve().map(|_| ());
        match &options.loss {
            PerOutput::All(l) => check(l)?,
            PerOutput::List(ls) => ls.iter().try_for_each(check)?,
            PerOutput::Named(ls) => ls.iter().try_for_each(|(_, l)| check(l))?,
        }
        let check_metrics = |ms: &Vec<MetricArg>| ms.iter().try_for_each(|m| m.resolve().map(|_| ()));
        match &options.metrics {
            PerOutput::All(ms) => check_metrics(ms)?,
            PerOutput::List(ls) => ls.iter().try_for_each(check_metrics)?,
            PerOutput::Named(ls) => ls.iter().try_for_each(|(_, ms)| check_metrics(ms))?,
        }
        let mut compiled =
            Compiled { options, optimizer, state: OptimizerState::new(optimizer), outputs: Vec::new() };
        if let Some(names) = outputs {
            compiled.resolve_outputs(model, names)?;
        }
        Ok(compiled)
    }

    /// Resolves the per-output settings for outputs of these names.
    pub fn resolve_outputs(&mut self, model: &str, names: &[String]) -> Result<()> {
        let several = names.len() > 1;
        let losses = self.options.loss.resolve(model, "loss", names)?;
        let weights = match &self.options.loss_weights {
            Some(w) => w.resolve(model, "loss_weights", names)?,
            None => vec![None; names.len()],
        };
        // A flat list of metrics for several outputs: one per output.
        let metrics = match (&self.options.metrics, several) {
            (PerOutput::All(list), true) if !list.is_empty() => {
                if list.len() != names.len() {
                    return Err(KerasError::Structure {
                        model: model.to_string(),
                        detail: format!(
                            "metrics: a flat list for a model with {} outputs ({}) must give one metric per \
                             output, got {}; give a list per output ([[\"RootMeanSquaredError\"], [\"mae\"]]) \
                             or a map by output name",
                            names.len(),
                            names.join(", "),
                            list.len()
                        ),
                    });
                }
                list.iter().map(|m| Some(vec![m.clone()])).collect()
            }
            (m, _) => m.resolve(model, "metrics", names)?,
        };
        let mut outputs = Vec::with_capacity(names.len());
        for (((name, loss), weight), metrics) in names.iter().zip(losses).zip(weights).zip(metrics) {
            let loss = loss
                .ok_or_else(|| KerasError::Structure {
                    model: model.to_string(),
                    detail: format!("no loss given for output \"{name}\""),
                })?
                .resolve()?;
            let metrics = metrics
                .unwrap_or_default()
                .iter()
                .map(|m| m.resolve_for(loss).map(|(key, metric): (String, Metric)| (key, metric.state())))
                .collect::<Result<Vec<_>>>()?;
            outputs.push(CompiledOutput { name: name.clone(), loss, weight: weight.unwrap_or(1.0), metrics });
        }
        self.outputs = outputs;
        Ok(())
    }

    /// Fresh optimizer state (new weights, or compiled again).
    pub fn reset_optimizer(&mut self) {
        self.state = OptimizerState::new(self.optimizer);
    }

    /// Forgets every metric's running total.
    pub fn reset_metrics(&mut self) {
        for output in &mut self.outputs {
            output.metrics.iter_mut().for_each(|(_, m)| m.reset());
        }
    }
}
