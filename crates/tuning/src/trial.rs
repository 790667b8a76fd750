//! A trial: one set of hyperparameter values, trained and scored.
//!
//! Each trial is saved as `trial_<id>/trial.json` in Keras Tuner's layout:
//! its hyperparameters (space and values), the metrics it reported (one
//! observation per metric at the trial's best epoch, as Keras Tuner
//! records a `History`), its score (the objective's best value), the step
//! (epoch) of that score, and its status.
//!
//! ```
//! use tuning::trial::{Direction, MetricsTracker};
//!
//! let mut metrics = MetricsTracker::default();
//! metrics.update("val_accuracy", Direction::Max, 0.84, 3);
//! metrics.update("val_accuracy", Direction::Max, 0.86, 7);
//! assert_eq!(metrics.get_last_value("val_accuracy"), Some(0.86));
//! assert_eq!(metrics.get_best_step("val_accuracy"), Some(7));
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Result, TuningError};
use crate::hyperparameters::{HyperParameters, HyperParametersConfig};

/// Whether a metric is better when smaller (`"min"`, losses) or larger
/// (`"max"`, accuracies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Smaller is better.
    Min,
    /// Larger is better.
    Max,
}

impl Direction {
    /// Keras Tuner's guess from a metric's name: accuracies, AUC,
    /// precision and recall are maximized, everything else (losses,
    /// errors) minimized.
    pub fn infer(metric: &str) -> Direction {
        let base = metric.strip_prefix("val_").unwrap_or(metric).to_ascii_lowercase();
        let maximized = ["acc", "accuracy", "auc", "precision", "recall", "f1_score", "r2_score"];
        if maximized
            .iter()
            .any(|m| base == *m || base.ends_with(&format!("_{m}")) || base.ends_with("accuracy"))
        {
            Direction::Max
        } else {
            Direction::Min
        }
    }

    /// Whether `a` is strictly better than `b`.
    pub fn better(self, a: f64, b: f64) -> bool {
        match self {
            Direction::Min => a < b,
            Direction::Max => a > b,
        }
    }
}

/// What a search optimizes: a metric's name and direction (Keras Tuner's
/// `Objective("val_accuracy", direction="max")`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    /// The metric, as `fit`'s logs name it (`val_accuracy`).
    pub name: String,
    /// Whether to minimize or maximize it.
    pub direction: Direction,
}

impl Objective {
    /// An objective with an explicit direction.
    pub fn new(name: &str, direction: Direction) -> Objective {
        Objective { name: name.to_string(), direction }
    }
}

/// `"val_accuracy"` becomes the objective to maximize `val_accuracy`, as
/// Keras Tuner infers the direction of a metric given by name.
impl From<&str> for Objective {
    fn from(name: &str) -> Objective {
        Objective::new(name, Direction::infer(name))
    }
}

/// Where a trial is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TrialStatus {
    /// Being trained.
    Running,
    /// The oracle waits for running trials before it can propose one.
    Idle,
    /// It failed and may be retried.
    Invalid,
    /// The search is over: no trial to run.
    Stopped,
    /// Trained and scored.
    Completed,
    /// It failed for good.
    Failed,
}

/// One reported value of a metric at a step (Keras Tuner keeps a list of
/// values per step, their mean being the value).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// The values reported at this step.
    pub value: Vec<f64>,
    /// The step (the epoch).
    pub step: usize,
}

impl Observation {
    fn mean(&self) -> f64 {
        self.value.iter().sum::<f64>() / self.value.len().max(1) as f64
    }
}

/// The observations of one metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricHistory {
    /// Whether smaller or larger is better.
    pub direction: Direction,
    /// Sorted by step.
    pub observations: Vec<Observation>,
}

impl MetricHistory {
    fn best(&self) -> Option<&Observation> {
        let mut best: Option<&Observation> = None;
        for obs in &self.observations {
            let v = obs.mean();
            if v.is_nan() {
                continue;
            }
            if best.is_none_or(|b| self.direction.better(v, b.mean())) {
                best = Some(obs);
            }
        }
        best
    }
}

/// Every metric a trial reported (Keras Tuner's `MetricsTracker`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricsTracker {
    /// By metric name.
    pub metrics: BTreeMap<String, MetricHistory>,
}

impl MetricsTracker {
    /// Records `value` of `name` at `step`.
    pub fn update(&mut self, name: &str, direction: Direction, value: f64, step: usize) {
        let history = self
            .metrics
            .entry(name.to_string())
            .or_insert_with(|| MetricHistory { direction, observations: Vec::new() });
        match history.observations.iter_mut().find(|o| o.step == step) {
            Some(obs) => obs.value.push(value),
            None => {
                history.observations.push(Observation { value: vec![value], step });
                history.observations.sort_by_key(|o| o.step);
            }
        }
    }

    /// The value at the latest step.
    pub fn get_last_value(&self, name: &str) -> Option<f64> {
        self.metrics.get(name)?.observations.last().map(Observation::mean)
    }

    /// The best value over the steps (NaNs ignored).
    pub fn get_best_value(&self, name: &str) -> Option<f64> {
        self.metrics.get(name)?.best().map(Observation::mean)
    }

    /// The step of the best value.
    pub fn get_best_step(&self, name: &str) -> Option<usize> {
        self.metrics.get(name)?.best().map(|o| o.step)
    }

    /// Every observation of a metric, by step.
    pub fn get_history(&self, name: &str) -> Option<&[Observation]> {
        self.metrics.get(name).map(|h| h.observations.as_slice())
    }
}

/// One set of hyperparameter values and what training with them gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    /// Its id, zero-padded to the digits of `max_trials` (`"03"`).
    pub trial_id: String,
    /// The search space and this trial's values.
    pub hyperparameters: HyperParameters,
    /// The metrics reported.
    pub metrics: MetricsTracker,
    /// The objective's best value.
    pub score: Option<f64>,
    /// The epoch of that value.
    pub best_step: Option<usize>,
    /// Where it is in its life.
    pub status: TrialStatus,
    /// The error, for a trial that failed.
    pub message: Option<String>,
}

/// `trial.json`, as Keras Tuner writes it.
#[derive(Serialize, Deserialize)]
struct TrialState {
    trial_id: String,
    hyperparameters: HyperParametersConfig,
    metrics: MetricsTracker,
    score: Option<f64>,
    best_step: Option<usize>,
    status: TrialStatus,
    message: Option<String>,
}

impl Trial {
    /// A new trial with these values.
    pub fn new(trial_id: String, hyperparameters: HyperParameters, status: TrialStatus) -> Trial {
        Trial {
            trial_id,
            hyperparameters,
            metrics: MetricsTracker::default(),
            score: None,
            best_step: None,
            status,
            message: None,
        }
    }

    /// What `trial.summary()` prints in Keras Tuner: the id, each
    /// hyperparameter's value, the score.
    pub fn summary(&self) -> String {
        let mut text = format!("Trial {} summary\nHyperparameters:\n", self.trial_id);
        if self.hyperparameters.values().is_empty() {
            text.push_str("default configuration\n");
        }
        for hp in self.hyperparameters.space() {
            if let Some(v) = self.hyperparameters.values().get(hp.name()) {
                let _ = writeln!(text, "{}: {v}", hp.name());
            }
        }
        // Values the space does not list (Hyperband's tuner/epochs, ...).
        for (name, v) in self.hyperparameters.values() {
            if !self.hyperparameters.space().iter().any(|h| h.name() == name) {
                let _ = writeln!(text, "{name}: {v}");
            }
        }
        if let Some(score) = self.score {
            let _ = writeln!(text, "Score: {score}");
        }
        if let Some(message) = &self.message {
            let _ = writeln!(text, "{message}");
        }
        text
    }

    /// The JSON of `trial.json`.
    pub fn to_json(&self) -> String {
        let state = TrialState {
            trial_id: self.trial_id.clone(),
            hyperparameters: self.hyperparameters.to_config(),
            metrics: self.metrics.clone(),
            score: self.score,
            best_step: self.best_step,
            status: self.status,
            message: self.message.clone(),
        };
        serde_json::to_string_pretty(&state).expect("a trial serializes")
    }

    /// Writes `trial.json` atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        let json = self.to_json();
        keras::saving::write_atomically(path, |w| w.write_all(json.as_bytes()))?;
        Ok(())
    }

    /// Reads a `trial.json`; an unreadable or inconsistent file is an
    /// error naming it.
    pub fn load(path: &Path) -> Result<Trial> {
        let text = std::fs::read_to_string(path).map_err(|e| TuningError::io(path, e))?;
        let state: TrialState = serde_json::from_str(&text)
            .map_err(|e| TuningError::state(path, format!("not a trial file: {e}")))?;
        let hyperparameters = HyperParameters::from_config(state.hyperparameters)
            .map_err(|e| TuningError::state(path, e.to_string()))?;
        if state.status == TrialStatus::Completed && state.score.is_none() {
            return Err(TuningError::state(path, "a COMPLETED trial has no score"));
        }
        Ok(Trial {
            trial_id: state.trial_id,
            hyperparameters,
            metrics: state.metrics,
            score: state.score,
            best_step: state.best_step,
            status: state.status,
            message: state.message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Choice, Int};

    #[test]
    fn directions_inferred_as_keras_tuner_does() {
        assert_eq!(Direction::infer("val_accuracy"), Direction::Max);
        assert_eq!(Direction::infer("accuracy"), Direction::Max);
        assert_eq!(Direction::infer("val_sparse_categorical_accuracy"), Direction::Max);
        assert_eq!(Direction::infer("val_loss"), Direction::Min);
        assert_eq!(Direction::infer("val_mean_squared_error"), Direction::Min);
    }

    #[test]
    fn best_value_ignores_nan_and_follows_direction() {
        let mut m = MetricsTracker::default();
        m.update("val_loss", Direction::Min, 0.5, 0);
        m.update("val_loss", Direction::Min, f64::NAN, 1);
        m.update("val_loss", Direction::Min, 0.3, 2);
        m.update("val_loss", Direction::Min, 0.4, 3);
        assert_eq!(m.get_best_value("val_loss"), Some(0.3));
        assert_eq!(m.get_best_step("val_loss"), Some(2));
        assert_eq!(m.get_last_value("val_loss"), Some(0.4));
        assert_eq!(m.get_last_value("missing"), None);
    }

    #[test]
    fn trial_file_round_trips_and_bad_files_name_themselves() {
        let mut hp = HyperParameters::new();
        hp.int(Int::new("n_hidden", 0, 8).default(2)).unwrap();
        hp.choice(Choice::new("optimizer", ["sgd", "adam"])).unwrap();
        let mut trial = Trial::new("07".into(), hp, TrialStatus::Completed);
        trial.metrics.update("val_accuracy", Direction::Max, 0.875, 9);
        trial.score = Some(0.875);
        trial.best_step = Some(9);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trial.json");
        trial.save(&path).unwrap();
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(json["status"], "COMPLETED");
        assert_eq!(json["metrics"]["metrics"]["val_accuracy"]["observations"][0]["value"][0], 0.875);
        assert_eq!(Trial::load(&path).unwrap(), trial);
        assert!(trial.summary().contains("n_hidden: 2\noptimizer: sgd\nScore: 0.875"), "{}", trial.summary());

        std::fs::write(&path, "{\"trial_id\": \"07\", ").unwrap();
        let e = Trial::load(&path).unwrap_err().to_string();
        assert!(e.contains("trial.json"), "{e}");
        let edited = trial.to_json().replace("\"min_value\": 0", "\"min_value\": 9");
        std::fs::write(&path, edited).unwrap();
        let e = Trial::load(&path).unwrap_err().to_string();
        assert!(e.contains("trial.json") && e.contains("n_hidden"), "{e}");
    }
}
