//! Metrics: what `fit` and `evaluate` report besides the loss. Each keeps a
//! running total over the epoch (or the evaluation), so the value shown is
//! over every sample seen so far, not only the last batch.
//!
//! `"accuracy"` means what the loss implies, as in Keras: the share of
//! samples whose most probable class is the label (sparse or one-hot), or
//! of 0/1 outputs on the right side of 0.5 (binary).
//!
//! ```
//! use keras::metrics::Metric;
//! use nalgebra::dmatrix;
//! let mut acc = Metric::SparseCategoricalAccuracy.state();
//! let probabilities = dmatrix![0.1f32, 0.9; 0.8, 0.2; 0.3, 0.7];
//! acc.update(&probabilities, &keras::metrics::BatchLabels::Classes(&[1, 1, 1]));
//! assert!((acc.result() - 2.0 / 3.0).abs() < 1e-12);
//! ```

use std::str::FromStr;

use nalgebra::DMatrix;

use crate::tensor::argmax_row;

use crate::arg::{Arg, Named};
use crate::error::KerasError;
use crate::losses::Loss;

/// A metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// `"accuracy"`: replaced at compile time by the accuracy the loss implies.
    Accuracy,
    /// Most probable class = class index.
    SparseCategoricalAccuracy,
    /// Most probable class = position of the one in the one-hot label.
    CategoricalAccuracy,
    /// Output above 0.5 = label 1.
    BinaryAccuracy,
    /// √(mean of squared errors).
    RootMeanSquaredError,
    /// Mean of absolute errors.
    MeanAbsoluteError,
    /// Mean of squared errors.
    MeanSquaredError,
}

impl Named for Metric {
    const KIND: &'static str = "metric";
    const NAMES: &'static str = "accuracy, sparse_categorical_accuracy, categorical_accuracy, binary_accuracy, \
                                 RootMeanSquaredError (rmse), mae (mean_absolute_error), mse (mean_squared_error)";

    fn from_name(name: &str) -> Option<Metric> {
        Some(match name {
            "accuracy" | "acc" => Metric::Accuracy,
            "sparse_categorical_accuracy" | "SparseCategoricalAccuracy" => Metric::SparseCategoricalAccuracy,
            "categorical_accuracy" | "CategoricalAccuracy" => Metric::CategoricalAccuracy,
            "binary_accuracy" | "BinaryAccuracy" => Metric::BinaryAccuracy,
            "RootMeanSquaredError" | "root_mean_squared_error" | "rmse" => Metric::RootMeanSquaredError,
            "mae" | "mean_absolute_error" | "MeanAbsoluteError" => Metric::MeanAbsoluteError,
            "mse" | "mean_squared_error" | "MeanSquaredError" => Metric::MeanSquaredError,
            _ => return None,
        })
    }
}

impl FromStr for Metric {
    type Err = KerasError;

    fn from_str(name: &str) -> Result<Metric, KerasError> {
        Metric::parse_name(name)
    }
}

impl Metric {
    /// The key under which `fit` and `evaluate` report it.
    pub fn key(self) -> &'static str {
        match self {
            Metric::Accuracy => "accuracy",
            Metric::SparseCategoricalAccuracy => "sparse_categorical_accuracy",
            Metric::CategoricalAccuracy => "categorical_accuracy",
            Metric::BinaryAccuracy => "binary_accuracy",
            Metric::RootMeanSquaredError => "root_mean_squared_error",
            Metric::MeanAbsoluteError => "mean_absolute_error",
            Metric::MeanSquaredError => "mean_squared_error",
        }
    }

    /// The accuracy that `"accuracy"` means with this loss.
    pub(crate) fn for_loss(self, loss: Loss) -> Result<Metric, KerasError> {
        if self != Metric::Accuracy {
            return Ok(self);
        }
        match loss {
            Loss::SparseCategoricalCrossentropy => Ok(Metric::SparseCategoricalAccuracy),
            Loss::CategoricalCrossentropy => Ok(Metric::CategoricalAccuracy),
            Loss::BinaryCrossentropy => Ok(Metric::BinaryAccuracy),
            _ => Err(KerasError::Argument(format!(
                "metric \"accuracy\" counts correct classes, but loss \"{}\" is a regression loss: \
                 use \"RootMeanSquaredError\" or \"mae\"",
                loss.name()
            ))),
        }
    }

    /// A fresh running total.
    pub fn state(self) -> MetricState {
        MetricState { metric: self, total: 0.0, count: 0.0 }
    }
}

/// A metric given to `compile`: its name or its value.
pub type MetricArg = Arg<Metric>;

impl Arg<Metric> {
    /// The metric and the key it is reported under, as Keras 3 reports
    /// it: a metric given by name keeps the name as given (`"accuracy"`
    /// stays `accuracy` whatever accuracy it becomes,
    /// `"RootMeanSquaredError"` stays `RootMeanSquaredError`); a metric
    /// given as a value is reported under its snake_case name
    /// (`root_mean_squared_error`). A model with several outputs puts the
    /// output's name before it (`aux_output_RootMeanSquaredError`).
    pub(crate) fn resolve_for(&self, loss: Loss) -> Result<(String, Metric), KerasError> {
        let (metric, key) = match self {
            Arg::Name(n) => (Metric::parse_name(n)?, n.clone()),
            Arg::Value(m) => (*m, m.key().to_string()),
        };
        Ok((key, metric.for_loss(loss)?))
    }
}

/// The labels of one batch, as a metric reads them.
#[derive(Clone, Copy, Debug)]
pub enum BatchLabels<'a> {
    /// One class index per sample.
    Classes(&'a [usize]),
    /// One row per sample.
    Values(&'a DMatrix<f32>),
}

impl BatchLabels<'_> {
    fn value(&self, r: usize, c: usize) -> f32 {
        match *self {
            BatchLabels::Classes(l) => l[r] as f32,
            BatchLabels::Values(v) => v[(r, c)],
        }
    }
}

/// A metric's running total.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricState {
    metric: Metric,
    total: f64,
    count: f64,
}

impl MetricState {
    /// Adds a batch: the model's outputs (probabilities or values) and
    /// the labels.
    pub fn update(&mut self, outputs: &DMatrix<f32>, labels: &BatchLabels<'_>) {
        let (m, k) = outputs.shape();
        match self.metric {
            Metric::SparseCategoricalAccuracy | Metric::Accuracy => {
                for r in 0..m {
                    let label = match *labels {
                        BatchLabels::Classes(l) => l[r],
                        BatchLabels::Values(v) => v[(r, 0)] as usize,
                    };
                    self.total += f64::from(u8::from(argmax_row(outputs, r) == label));
                }
                self.count += m as f64;
            }
            Metric::CategoricalAccuracy => {
                for r in 0..m {
                    let label = match *labels {
                        BatchLabels::Classes(l) => l[r],
                        BatchLabels::Values(v) => argmax_row(v, r),
                    };
                    self.total += f64::from(u8::from(argmax_row(outputs, r) == label));
                }
                self.count += m as f64;
            }
            Metric::BinaryAccuracy => {
                for c in 0..k {
                    for r in 0..m {
                        let hit = (outputs[(r, c)] > 0.5) == (labels.value(r, c) > 0.5);
                        self.total += f64::from(u8::from(hit));
                    }
                }
                self.count += (m * k) as f64;
            }
            Metric::RootMeanSquaredError | Metric::MeanSquaredError | Metric::MeanAbsoluteError => {
                for c in 0..k {
                    for r in 0..m {
                        let e = f64::from(outputs[(r, c)] - labels.value(r, c));
                        self.total += if self.metric == Metric::MeanAbsoluteError { e.abs() } else { e * e };
                    }
                }
                self.count += (m * k) as f64;
            }
        }
    }

    /// The value over everything seen since the last reset.
    pub fn result(&self) -> f64 {
        let mean = if self.count > 0.0 { self.total / self.count } else { 0.0 };
        if self.metric == Metric::RootMeanSquaredError { mean.sqrt() } else { mean }
    }

    /// Forgets everything seen.
    pub fn reset(&mut self) {
        self.total = 0.0;
        self.count = 0.0;
    }
}
