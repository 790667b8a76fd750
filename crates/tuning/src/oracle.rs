//! The oracle: which hyperparameter values to try next, and the record of
//! every trial (Keras Tuner's `Oracle`).
//!
//! The bookkeeping is common to every search strategy: trial ids, the
//! seeds of the random draws, duplicate detection, scores, the files of
//! the search. What differs — draw at random, promote the best of a
//! round, fit a Gaussian process — is a [`Strategy`]: random search,
//! Hyperband and Bayesian optimization each live in their own module.
//!
//! ```
//! use tuning::oracle::Oracle;
//! use tuning::random_search::RandomSearchStrategy;
//! use tuning::trial::TrialStatus;
//! use tuning::{Choice, HyperParameters, Int};
//!
//! let mut space = HyperParameters::new();
//! space.int(Int::new("n_hidden", 0, 8).default(2))?;
//! space.choice(Choice::new("optimizer", ["sgd", "adam"]))?;
//! let mut oracle = Oracle::new("val_accuracy".into(), Some(3), Some(42), Box::new(RandomSearchStrategy));
//! oracle.update_space(&space);
//! let trial = oracle.create_trial("tuner0")?;
//! assert_eq!((trial.trial_id.as_str(), trial.status), ("0", TrialStatus::Running));
//! // Python: random.Random(42).random() = 0.639..., so n_hidden = floor(0.639 * 9) = 5.
//! assert_eq!(trial.hyperparameters.get("n_hidden")?.as_i64(), Some(5));
//! # Ok::<(), tuning::TuningError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Result, TuningError};
use crate::hyperparameters::{HyperParameters, HyperParametersConfig, Value};
use crate::trial::{Direction, Objective, Trial, TrialStatus};

/// What a strategy answers when asked for the next trial's values.
#[derive(Clone, Debug, PartialEq)]
pub enum Populated {
    /// Run a trial with these values.
    Running(BTreeMap<String, Value>),
    /// Wait: running trials must finish first.
    Idle,
    /// The search is over.
    Stopped,
}

/// A search strategy: how an oracle picks the next values.
pub trait Strategy: Send {
    /// Keras Tuner's name of the oracle (`RandomSearch`, …).
    fn name(&self) -> &'static str;
    /// The values of trial `trial_id`, given everything `oracle` records.
    fn populate_space(&mut self, oracle: &mut OracleState, trial_id: &str) -> Result<Populated>;
    /// The hash that detects a configuration tried before (Hyperband
    /// leaves out its bookkeeping values).
    fn values_hash(&self, values: &HyperParameters) -> String {
        values.values_hash()
    }
    /// The strategy's own state, saved in `oracle.json`.
    fn get_state(&self) -> serde_json::Value {
        serde_json::Value::Null
    }
    /// Restores [`get_state`](Self::get_state)'s output.
    fn set_state(&mut self, _state: &serde_json::Value) -> std::result::Result<(), String> {
        Ok(())
    }
}

/// Everything an oracle records, that strategies read and update.
#[derive(Debug)]
pub struct OracleState {
    /// What the search optimizes.
    pub objective: Objective,
    /// The number of trials to create (`None`: until the strategy stops).
    pub max_trials: Option<usize>,
    /// The search's seed.
    pub seed: u64,
    /// The seed of the next random draw (`seed`, then one more per draw).
    pub seed_state: u64,
    /// The search space.
    pub hyperparameters: HyperParameters,
    /// Every trial, by id.
    pub trials: BTreeMap<String, Trial>,
    /// The trial each tuner (worker) is running.
    pub ongoing_trials: BTreeMap<String, String>,
    /// Trial ids in the order they started.
    pub start_order: Vec<String>,
    /// Trial ids in the order they ended.
    pub end_order: Vec<String>,
    /// How many times each trial ran.
    pub run_times: BTreeMap<String, usize>,
    /// Trials to run again (interrupted, or failed with retries left).
    pub retry_queue: Vec<String>,
    /// Hashes of the values tried so far.
    pub tried_so_far: BTreeSet<String>,
    /// Each trial's hash.
    pub id_to_hash: BTreeMap<String, String>,
    /// Retries allowed per failed trial (Keras Tuner's default 0).
    pub max_retries_per_trial: usize,
    /// Stop the search after this many failures in a row (default 3).
    pub max_consecutive_failed_trials: usize,
}

const MAX_COLLISIONS: usize = 20;

impl OracleState {
    /// Keras Tuner's `_random_values`: one draw of
    /// `random.Random(seed_state)` per active hyperparameter, in the order
    /// of the space, `seed_state` + 1 after each; drawn again if the
    /// values were tried already, `None` after 20 collisions.
    pub fn random_values(
        &mut self,
        hash: &dyn Fn(&HyperParameters) -> String,
    ) -> Option<BTreeMap<String, Value>> {
        let mut collisions = 0;
        loop {
            let mut hps = HyperParameters::new();
            for hp in self.hyperparameters.space().to_vec() {
                hps.merge_new(std::slice::from_ref(&hp));
                if hps.is_active(&hp) {
                    hps.set(hp.name(), hp.random_sample(self.seed_state));
                    self.seed_state += 1;
                }
            }
            if self.tried_so_far.contains(&hash(&hps)) {
                collisions += 1;
                if collisions > MAX_COLLISIONS {
                    return None;
                }
                continue;
            }
            return Some(hps.values().clone());
        }
    }

    /// The completed trials, best first (ties in id order), then the
    /// others, `n` at most (Keras Tuner's `get_best_trials`).
    pub fn best_trials(&self, n: usize) -> Vec<&Trial> {
        let mut completed: Vec<&Trial> =
            self.trials.values().filter(|t| t.status == TrialStatus::Completed).collect();
        let direction = self.objective.direction;
        completed.sort_by(|a, b| {
            let (x, y) = (a.score.unwrap_or(f64::NAN), b.score.unwrap_or(f64::NAN));
            let order = x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal);
            if direction == Direction::Max { order.reverse() } else { order }
        });
        if completed.len() < n {
            completed.extend(self.trials.values().filter(|t| t.status != TrialStatus::Completed));
        }
        completed.truncate(n);
        completed
    }
}

/// The oracle: an [`OracleState`] and a [`Strategy`], saved under
/// `directory/project_name/` when given one.
pub struct Oracle {
    state: OracleState,
    strategy: Box<dyn Strategy>,
    project_dir: Option<PathBuf>,
}

/// `oracle.json`, in Keras Tuner's layout (its display state left out).
#[derive(Serialize, Deserialize)]
struct OracleFile {
    ongoing_trials: BTreeMap<String, String>,
    hyperparameters: HyperParametersConfig,
    start_order: Vec<String>,
    end_order: Vec<String>,
    run_times: BTreeMap<String, usize>,
    retry_queue: Vec<String>,
    seed: u64,
    seed_state: u64,
    tried_so_far: Vec<String>,
    id_to_hash: BTreeMap<String, String>,
    /// Keras Tuner's display state (what it printed), which it needs to
    /// reload a search: ours starts empty.
    #[serde(default)]
    display: serde_json::Value,
    #[serde(default)]
    oracle: Option<String>,
    /// The strategy's own keys (Hyperband's brackets, …), at the top level
    /// as Keras Tuner writes them.
    #[serde(flatten)]
    strategy: serde_json::Map<String, serde_json::Value>,
}

impl Oracle {
    /// An oracle for `objective` that creates `max_trials` trials (or
    /// runs until the strategy stops), drawing from `seed` (or a random
    /// seed from 1 to 10,000, as Keras Tuner).
    pub fn new(
        objective: Objective,
        max_trials: Option<usize>,
        seed: Option<u64>,
        strategy: Box<dyn Strategy>,
    ) -> Oracle {
        let seed = seed.unwrap_or_else(|| rand::random_range(1..=10_000));
        Oracle {
            state: OracleState {
                objective,
                max_trials,
                seed,
                seed_state: seed,
                hyperparameters: HyperParameters::new(),
                trials: BTreeMap::new(),
                ongoing_trials: BTreeMap::new(),
                start_order: Vec::new(),
                end_order: Vec::new(),
                run_times: BTreeMap::new(),
                retry_queue: Vec::new(),
                tried_so_far: BTreeSet::new(),
                id_to_hash: BTreeMap::new(),
                max_retries_per_trial: 0,
                max_consecutive_failed_trials: 3,
            },
            strategy,
            project_dir: None,
        }
    }

    /// What the oracle records.
    pub fn state(&self) -> &OracleState {
        &self.state
    }

    /// Mutable access, to change `max_trials` or the retry limits.
    pub fn state_mut(&mut self) -> &mut OracleState {
        &mut self.state
    }

    /// The strategy's name.
    pub fn strategy_name(&self) -> &'static str {
        self.strategy.name()
    }

    /// The objective.
    pub fn objective(&self) -> &Objective {
        &self.state.objective
    }

    /// Every trial, by id.
    pub fn trials(&self) -> &BTreeMap<String, Trial> {
        &self.state.trials
    }

    /// The search space (without values).
    pub fn get_space(&self) -> HyperParameters {
        self.state.hyperparameters.space_only()
    }

    /// Adds the hyperparameters of `hps` the space does not have yet.
    pub fn update_space(&mut self, hps: &HyperParameters) {
        self.state.hyperparameters.merge_new(hps.space());
    }

    /// The `n` best trials.
    pub fn get_best_trials(&self, n: usize) -> Vec<&Trial> {
        self.state.best_trials(n)
    }

    /// Saves `oracle.json` and each trial under `dir` from now on.
    pub fn set_project_dir(&mut self, dir: &Path) {
        self.project_dir = Some(dir.to_path_buf());
    }

    /// Keras Tuner's `create_trial`: a trial to retry first, else new
    /// values from the strategy under the next id; `Stopped` once
    /// `max_trials` exist.
    pub fn create_trial(&mut self, tuner_id: &str) -> Result<Trial> {
        if let Some(id) = self.state.ongoing_trials.get(tuner_id) {
            return Ok(self.state.trials[id].clone());
        }
        if let Some(id) = self.state.retry_queue.pop() {
            let trial = self.state.trials.get_mut(&id).ok_or_else(|| {
                TuningError::Config(format!("the retry queue names trial {id}, which does not exist"))
            })?;
            trial.status = TrialStatus::Running;
            trial.metrics = Default::default();
            trial.score = None;
            trial.best_step = None;
            let trial = trial.clone();
            self.state.ongoing_trials.insert(tuner_id.to_string(), id);
            self.save_trial(&trial)?;
            self.save()?;
            return Ok(trial);
        }
        // Keras Tuner pads to the digits of `max_trials`, or of `None` (4) without one.
        let width = self.state.max_trials.map_or(4, |m| m.to_string().len());
        let trial_id = format!("{:0width$}", self.state.trials.len());
        let populated = match self.state.max_trials {
            Some(max) if self.state.trials.len() >= max => Populated::Stopped,
            _ => self.strategy.populate_space(&mut self.state, &trial_id)?,
        };
        let mut hyperparameters = self.state.hyperparameters.space_only();
        let status = match populated {
            Populated::Running(values) => {
                for (name, value) in values {
                    hyperparameters.set(&name, value);
                }
                TrialStatus::Running
            }
            Populated::Idle => TrialStatus::Idle,
            Populated::Stopped => TrialStatus::Stopped,
        };
        let trial = Trial::new(trial_id.clone(), hyperparameters, status);
        if status == TrialStatus::Running {
            let hash = self.strategy.values_hash(&trial.hyperparameters);
            self.state.tried_so_far.insert(hash.clone());
            self.state.id_to_hash.insert(trial_id.clone(), hash);
            self.state.ongoing_trials.insert(tuner_id.to_string(), trial_id.clone());
            self.state.trials.insert(trial_id.clone(), trial.clone());
            self.state.start_order.push(trial_id);
            self.save_trial(&trial)?;
            self.save()?;
        }
        Ok(trial)
    }

    /// Records metrics a trial reports at `step` (Keras Tuner's
    /// `update_trial`); the objective must be among them.
    pub fn update_trial(
        &mut self,
        trial_id: &str,
        metrics: &BTreeMap<String, f64>,
        step: usize,
    ) -> Result<()> {
        let objective = self.state.objective.clone();
        if !metrics.contains_key(&objective.name) {
            let found: Vec<&String> = metrics.keys().collect();
            return Err(TuningError::Config(format!(
                "objective value missing in the metrics reported to the oracle: expected '{}', found {found:?}",
                objective.name
            )));
        }
        let trial = self.trial_mut(trial_id)?;
        for (name, value) in metrics {
            let direction =
                if *name == objective.name { objective.direction } else { Direction::infer(name) };
            trial.metrics.update(name, direction, *value, step);
        }
        let trial = trial.clone();
        self.save_trial(&trial)
    }

    /// Takes back a trial's hyperparameters as its model-building and
    /// training left them: those declared for the first time (in
    /// `HyperModel::fit`, say) join the space with the value they had
    /// (their default), and the trial's hash is recomputed (what Keras
    /// Tuner's `end_trial` does with the trial it is given).
    pub fn sync_hyperparameters(&mut self, trial_id: &str, hps: &HyperParameters) -> Result<()> {
        self.update_space(hps);
        let trial = self.trial_mut(trial_id)?;
        let mut synced = hps.space_only();
        synced.merge_new(trial.hyperparameters.space());
        for (name, value) in hps.values() {
            synced.set(name, value.clone());
        }
        trial.hyperparameters = synced;
        let hash = self.strategy.values_hash(&self.state.trials[trial_id].hyperparameters);
        if let Some(old) = self.state.id_to_hash.insert(trial_id.to_string(), hash.clone())
            && old != hash
        {
            self.state.tried_so_far.remove(&old);
        }
        self.state.tried_so_far.insert(hash);
        Ok(())
    }

    /// Ends a trial (Keras Tuner's `end_trial`): scores a completed one,
    /// queues an invalid one for retry if it has retries left, saves.
    pub fn end_trial(&mut self, trial_id: &str, status: TrialStatus, message: Option<String>) -> Result<()> {
        let objective = self.state.objective.name.clone();
        let trial = self.trial_mut(trial_id)?;
        trial.status = status;
        trial.message = message;
        if status == TrialStatus::Completed {
            trial.score = trial.metrics.get_best_value(&objective);
            trial.best_step = trial.metrics.get_best_step(&objective);
            if trial.score.is_none_or(f64::is_nan) {
                trial.status = TrialStatus::Invalid;
            }
        }
        *self.state.run_times.entry(trial_id.to_string()).or_insert(0) += 1;
        let trial = self.state.trials[trial_id].clone();
        let retry = trial.status == TrialStatus::Invalid
            && self.state.run_times[trial_id] < self.state.max_retries_per_trial + 1;
        if retry {
            self.state.retry_queue.push(trial_id.to_string());
        } else {
            if trial.status == TrialStatus::Invalid {
                self.trial_mut(trial_id)?.status = TrialStatus::Failed;
            }
            self.state.end_order.push(trial_id.to_string());
        }
        self.state.ongoing_trials.retain(|_, id| id != trial_id);
        let trial = self.state.trials[trial_id].clone();
        self.save_trial(&trial)?;
        self.save()?;
        self.check_consecutive_failures()
    }

    fn check_consecutive_failures(&self) -> Result<()> {
        let mut failures = 0;
        for id in &self.state.end_order {
            let trial = &self.state.trials[id];
            if trial.status == TrialStatus::Failed {
                failures += 1;
            } else {
                failures = 0;
            }
            if failures == self.state.max_consecutive_failed_trials {
                return Err(TuningError::Config(format!(
                    "{failures} trials failed in a row, the search stops; the last one's error: {}",
                    trial.message.as_deref().unwrap_or("(no message)")
                )));
            }
        }
        Ok(())
    }

    fn trial_mut(&mut self, trial_id: &str) -> Result<&mut Trial> {
        self.state
            .trials
            .get_mut(trial_id)
            .ok_or_else(|| TuningError::Config(format!("no trial with id '{trial_id}'")))
    }

    /// The folder of trial `trial_id`: `project_dir/trial_<id>`.
    pub fn trial_dir(&self, trial_id: &str) -> Option<PathBuf> {
        self.project_dir.as_ref().map(|d| d.join(format!("trial_{trial_id}")))
    }

    fn save_trial(&self, trial: &Trial) -> Result<()> {
        if let Some(dir) = self.trial_dir(&trial.trial_id) {
            std::fs::create_dir_all(&dir).map_err(|e| TuningError::io(&dir, e))?;
            trial.save(&dir.join("trial.json"))?;
        }
        Ok(())
    }

    /// Writes `oracle.json` (atomically) if the oracle has a folder.
    pub fn save(&self) -> Result<()> {
        let Some(dir) = &self.project_dir else { return Ok(()) };
        let s = &self.state;
        let file = OracleFile {
            ongoing_trials: s.ongoing_trials.clone(),
            hyperparameters: s.hyperparameters.to_config(),
            start_order: s.start_order.clone(),
            end_order: s.end_order.clone(),
            run_times: s.run_times.clone(),
            retry_queue: s.retry_queue.clone(),
            seed: s.seed,
            seed_state: s.seed_state,
            tried_so_far: s.tried_so_far.iter().cloned().collect(),
            id_to_hash: s.id_to_hash.clone(),
            display: serde_json::json!({"search_start": null, "trial_start": {}, "trial_number": {}}),
            oracle: Some(self.strategy.name().to_string()),
            strategy: match self.strategy.get_state() {
                serde_json::Value::Object(map) => map,
                _ => serde_json::Map::new(),
            },
        };
        let json = serde_json::to_string_pretty(&file).expect("the oracle's state serializes");
        std::fs::create_dir_all(dir).map_err(|e| TuningError::io(dir, e))?;
        keras::saving::write_atomically(dir.join("oracle.json"), |w| w.write_all(json.as_bytes()))?;
        Ok(())
    }

    /// Reloads a search from its folder (Keras Tuner's `reload`): every
    /// `trial_*/trial.json`, then `oracle.json`; the trials that were
    /// running go to the retry queue. A file that cannot be read or does
    /// not agree with the others is an error naming it.
    pub fn reload(&mut self) -> Result<()> {
        let Some(dir) = self.project_dir.clone() else {
            return Err(TuningError::Config("the oracle has no folder to reload from".into()));
        };
        let path = dir.join("oracle.json");
        let text = std::fs::read_to_string(&path).map_err(|e| TuningError::io(&path, e))?;
        let file: OracleFile = serde_json::from_str(&text)
            .map_err(|e| TuningError::state(&path, format!("not an oracle state: {e}")))?;
        if let Some(name) = &file.oracle
            && name != self.strategy.name()
        {
            return Err(TuningError::state(
                &path,
                format!(
                    "this search was made by {name}, not {}: use another project_name or overwrite",
                    self.strategy.name()
                ),
            ));
        }
        let mut trials = BTreeMap::new();
        let entries = std::fs::read_dir(&dir).map_err(|e| TuningError::io(&dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| TuningError::io(&dir, e))?;
            let name = entry.file_name().to_string_lossy().to_string();
            let trial_file = entry.path().join("trial.json");
            if name.starts_with("trial_") && trial_file.is_file() {
                let trial = Trial::load(&trial_file)?;
                if name != format!("trial_{}", trial.trial_id) {
                    return Err(TuningError::state(
                        &trial_file,
                        format!("holds trial '{}' but its folder is {name}", trial.trial_id),
                    ));
                }
                trials.insert(trial.trial_id.clone(), trial);
            }
        }
        for id in file.start_order.iter().chain(file.ongoing_trials.values()).chain(&file.retry_queue) {
            if !trials.contains_key(id) {
                return Err(TuningError::state(
                    &path,
                    format!("names trial '{id}', which has no trial_{id}/trial.json"),
                ));
            }
        }
        let hyperparameters = HyperParameters::from_config(file.hyperparameters)
            .map_err(|e| TuningError::state(&path, e.to_string()))?;
        self.strategy
            .set_state(&serde_json::Value::Object(file.strategy.clone()))
            .map_err(|e| TuningError::state(&path, e))?;
        let s = &mut self.state;
        s.hyperparameters = hyperparameters;
        s.trials = trials;
        s.start_order = file.start_order;
        s.end_order = file.end_order;
        s.run_times = file.run_times;
        s.retry_queue = file.retry_queue;
        s.seed = file.seed;
        s.seed_state = file.seed_state;
        s.tried_so_far = file.tried_so_far.into_iter().collect();
        s.id_to_hash = file.id_to_hash;
        // Interrupted trials run again, in the order they started.
        let mut interrupted: Vec<String> = file.ongoing_trials.into_values().collect();
        interrupted.sort_by_key(|id| std::cmp::Reverse(s.start_order.iter().position(|x| x == id)));
        s.retry_queue.extend(interrupted);
        s.ongoing_trials.clear();
        Ok(())
    }
}
