//! Hyperband: many trials trained briefly, the best promoted to train
//! longer (Keras Tuner's `Hyperband`, after Li et al., 2018).
//!
//! A *bracket* starts with many random configurations trained for a few
//! epochs; after each *round* only the best `1/factor` go on, trained
//! `factor` times longer, until `max_epochs`. Brackets differ in how
//! aggressive they are: the first starts with the most trials and the
//! fewest epochs, the last trains a few trials for `max_epochs` from the
//! start. One Hyperband iteration runs every bracket once.
//!
//! For `max_epochs = 10, factor = 3` (the chapter's search):
//!
//! ```
//! use tuning::hyperband::HyperbandStrategy;
//!
//! let hb = HyperbandStrategy::new(10, 3, 1)?;
//! // (trials, epochs) of each round of each bracket, most aggressive first.
//! assert_eq!(hb.schedule(), [
//!     vec![(12, 2), (4, 4), (2, 10)],
//!     vec![(6, 4), (2, 10)],
//!     vec![(4, 10)],
//! ]);
//! # Ok::<(), tuning::TuningError>(())
//! ```
//!
//! A promoted trial is a new trial that loads the weights its parent had
//! at its best epoch and trains from `initial_epoch` (the parent's epochs)
//! to the round's epochs: it continues, it does not start over.
//!
//! One difference from Keras Tuner, for reproducibility: with several
//! workers, a promotion waits until every trial of the previous round has
//! finished, so the trials and their order are those of a one-worker run
//! whatever the number of workers (Keras Tuner promotes from whatever has
//! finished when a worker asks).

use serde::{Deserialize, Serialize};

use crate::error::{Result, TuningError};
use crate::hyperparameters::{HyperParameters, Value};
use crate::oracle::{OracleState, Populated, Strategy};
use crate::trial::{Direction, TrialStatus};

/// One trial of a round: its id and, for a promoted trial, its parent's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundEntry {
    /// The parent trial (none in round 0).
    pub past_id: Option<String>,
    /// The trial.
    pub id: String,
}

/// A bracket in progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bracket {
    /// Its number: the number of rounds minus one.
    pub bracket_num: usize,
    /// The trials of each round so far.
    pub rounds: Vec<Vec<RoundEntry>>,
}

/// The Hyperband strategy and its state (saved in `oracle.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HyperbandStrategy {
    /// The epochs of a trial in its last round.
    pub max_epochs: usize,
    /// The ratio of trials kept, and of epochs, from one round to the next.
    pub factor: usize,
    /// How many times to run every bracket.
    pub hyperband_iterations: usize,
    /// The epochs of the shortest round (1, as in Keras Tuner).
    #[serde(default = "one")]
    pub min_epochs: usize,
    /// The bracket being filled.
    pub current_bracket: usize,
    /// The iteration being run.
    pub current_iteration: usize,
    /// The brackets not finished.
    pub brackets: Vec<Bracket>,
}

fn one() -> usize {
    1
}

/// The values Hyperband adds to a trial's hyperparameters.
pub const BOOKKEEPING: [&str; 4] = ["tuner/epochs", "tuner/initial_epoch", "tuner/bracket", "tuner/round"];

impl HyperbandStrategy {
    /// Hyperband with these settings; `factor` must be at least 2 and
    /// `max_epochs`, `hyperband_iterations` at least 1.
    pub fn new(max_epochs: usize, factor: usize, hyperband_iterations: usize) -> Result<HyperbandStrategy> {
        if factor < 2 {
            return Err(TuningError::Config(format!(
                "Hyperband: factor needs to be at least 2, got {factor}"
            )));
        }
        if max_epochs == 0 || hyperband_iterations == 0 {
            return Err(TuningError::Config(
                "Hyperband: max_epochs and hyperband_iterations must be at least 1".into(),
            ));
        }
        let mut hb = HyperbandStrategy {
            max_epochs,
            factor,
            hyperband_iterations,
            min_epochs: 1,
            current_bracket: 0,
            current_iteration: 0,
            brackets: Vec::new(),
        };
        hb.current_bracket = hb.num_brackets() - 1;
        hb.start_new_bracket();
        Ok(hb)
    }

    /// How many brackets: while `max_epochs / factor^b ≥ 1`.
    pub fn num_brackets(&self) -> usize {
        let mut epochs = self.max_epochs as f64;
        let mut brackets = 0;
        while epochs >= self.min_epochs as f64 {
            epochs /= self.factor as f64;
            brackets += 1;
        }
        brackets
    }

    /// The trials in round `round` of bracket `bracket`:
    /// ⌈(⌈1 + log_f(max_epochs)⌉ / (bracket + 1)) · f^(bracket − round)⌉.
    pub fn size(&self, bracket: usize, round: usize) -> usize {
        let f = self.factor as f64;
        let end_size0 = (1.0 + (self.max_epochs as f64).ln() / f.ln()).ceil();
        let end_size = end_size0 / (bracket + 1) as f64;
        (end_size * f.powi(bracket as i32 - round as i32)).ceil() as usize
    }

    /// The epochs a trial of that round has trained when it ends:
    /// ⌈max_epochs / f^(bracket − round)⌉.
    pub fn epochs(&self, bracket: usize, round: usize) -> usize {
        (self.max_epochs as f64 / (self.factor as f64).powi(bracket as i32 - round as i32)).ceil() as usize
    }

    /// Every bracket's rounds as (trials, epochs), in the order they run.
    pub fn schedule(&self) -> Vec<Vec<(usize, usize)>> {
        (0..self.num_brackets())
            .rev()
            .map(|b| (0..=b).map(|r| (self.size(b, r), self.epochs(b, r))).collect())
            .collect()
    }

    /// The epochs actually trained in one iteration: a promoted trial
    /// trains only from its parent's epochs to its round's.
    pub fn epochs_per_iteration(&self) -> usize {
        (0..self.num_brackets())
            .map(|b| {
                (0..=b)
                    .map(|r| {
                        let before = if r == 0 { 0 } else { self.epochs(b, r - 1) };
                        self.size(b, r) * (self.epochs(b, r) - before)
                    })
                    .sum::<usize>()
            })
            .sum()
    }

    fn start_new_bracket(&mut self) {
        let rounds = vec![Vec::new(); self.current_bracket + 1];
        self.brackets.push(Bracket { bracket_num: self.current_bracket, rounds });
    }

    fn increment_bracket_num(&mut self) {
        if self.current_bracket == 0 {
            self.current_bracket = self.num_brackets() - 1;
            self.current_iteration += 1;
        } else {
            self.current_bracket -= 1;
        }
    }

    fn random_trial(&mut self, oracle: &mut OracleState, trial_id: &str, bracket_index: usize) -> Populated {
        let bracket_num = self.brackets[bracket_index].bracket_num;
        let strategy = self.clone();
        match oracle.random_values(&|hps| strategy.values_hash(hps)) {
            Some(mut values) => {
                values.insert("tuner/epochs".into(), Value::Int(self.epochs(bracket_num, 0) as i64));
                values.insert("tuner/initial_epoch".into(), Value::Int(0));
                values.insert("tuner/bracket".into(), Value::Int(self.current_bracket as i64));
                values.insert("tuner/round".into(), Value::Int(0));
                self.brackets[bracket_index].rounds[0]
                    .push(RoundEntry { past_id: None, id: trial_id.into() });
                Populated::Running(values)
            }
            None if !oracle.ongoing_trials.is_empty() => Populated::Idle,
            None => Populated::Stopped,
        }
    }
}

impl Strategy for HyperbandStrategy {
    fn name(&self) -> &'static str {
        "Hyperband"
    }

    fn populate_space(&mut self, oracle: &mut OracleState, trial_id: &str) -> Result<Populated> {
        // Forget the brackets whose last round is full.
        let sizes: Vec<usize> =
            self.brackets.iter().map(|b| self.size(b.bracket_num, b.bracket_num)).collect();
        let mut kept = Vec::new();
        for (bracket, last_size) in self.brackets.drain(..).zip(sizes) {
            if bracket.rounds.last().map_or(0, Vec::len) != last_size {
                kept.push(bracket);
            }
        }
        self.brackets = kept;

        for index in 0..self.brackets.len() {
            let bracket_num = self.brackets[index].bracket_num;
            if self.brackets[index].rounds[0].len() < self.size(bracket_num, 0) {
                return Ok(self.random_trial(oracle, trial_id, index));
            }
            for round in 1..self.brackets[index].rounds.len() {
                let bracket = &self.brackets[index];
                let past = &bracket.rounds[round - 1];
                let finished = |id: &String| {
                    oracle.trials.get(id).is_some_and(|t| {
                        matches!(
                            t.status,
                            TrialStatus::Completed | TrialStatus::Failed | TrialStatus::Stopped
                        )
                    })
                };
                if !past.iter().all(|e| finished(&e.id)) {
                    // Wait for the whole previous round (see the module's doc).
                    return Ok(Populated::Idle);
                }
                let (size, past_size) = (self.size(bracket_num, round), self.size(bracket_num, round - 1));
                let selected: Vec<&String> =
                    bracket.rounds[round].iter().filter_map(|e| e.past_id.as_ref()).collect();
                let mut candidates: Vec<&crate::trial::Trial> = past
                    .iter()
                    .filter(|e| !selected.contains(&&e.id))
                    .filter_map(|e| oracle.trials.get(&e.id))
                    .filter(|t| t.status == TrialStatus::Completed)
                    .collect();
                if candidates.len() + size > past_size {
                    let max = oracle.objective.direction == Direction::Max;
                    candidates.sort_by(|a, b| {
                        let o = a.score.partial_cmp(&b.score).unwrap_or(std::cmp::Ordering::Equal);
                        if max { o.reverse() } else { o }
                    });
                    let best = candidates[0];
                    let mut values = best.hyperparameters.values().clone();
                    values.insert("tuner/trial_id".into(), Value::Str(best.trial_id.clone()));
                    values.insert("tuner/epochs".into(), Value::Int(self.epochs(bracket_num, round) as i64));
                    values.insert(
                        "tuner/initial_epoch".into(),
                        Value::Int(self.epochs(bracket_num, round - 1) as i64),
                    );
                    values.insert("tuner/bracket".into(), Value::Int(self.current_bracket as i64));
                    values.insert("tuner/round".into(), Value::Int(round as i64));
                    let entry = RoundEntry { past_id: Some(best.trial_id.clone()), id: trial_id.into() };
                    self.brackets[index].rounds[round].push(entry);
                    return Ok(Populated::Running(values));
                }
            }
        }
        if self.current_bracket == 0 && self.current_iteration + 1 == self.hyperband_iterations {
            return Ok(if oracle.ongoing_trials.is_empty() { Populated::Stopped } else { Populated::Idle });
        }
        self.increment_bracket_num();
        self.start_new_bracket();
        let last = self.brackets.len() - 1;
        Ok(self.random_trial(oracle, trial_id, last))
    }

    fn values_hash(&self, values: &HyperParameters) -> String {
        let mut copy = values.clone();
        for name in BOOKKEEPING {
            copy.unset(name);
        }
        copy.values_hash()
    }

    fn get_state(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("Hyperband's state serializes")
    }

    fn set_state(&mut self, state: &serde_json::Value) -> std::result::Result<(), String> {
        let saved: HyperbandStrategy =
            serde_json::from_value(state.clone()).map_err(|e| format!("Hyperband's state: {e}"))?;
        if (saved.max_epochs, saved.factor) != (self.max_epochs, self.factor) {
            return Err(format!(
                "the search ran Hyperband with max_epochs={}, factor={}, not {}, {}: use another project_name or overwrite",
                saved.max_epochs, saved.factor, self.max_epochs, self.factor
            ));
        }
        let iterations = self.hyperband_iterations.max(saved.hyperband_iterations);
        *self = saved;
        self.hyperband_iterations = iterations;
        Ok(())
    }
}
