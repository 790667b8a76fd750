//! Bayesian optimization: a Gaussian process models the score as a
//! function of the hyperparameters, and each new trial goes where the
//! model is either promising or unsure (Keras Tuner's
//! `BayesianOptimization`).
//!
//! The coordinates are the probabilities of the non-fixed
//! hyperparameters, so the search space is the unit cube [0, 1)^d. The
//! first `num_initial_points` trials (by default `max(3·d, 3)`) are drawn
//! at random, as in a random search. Then each trial fits a
//! [`GaussianProcess`] to the scores so far (negated when the objective is
//! maximized, so that lower is always better) and takes the point that
//! minimizes the lower confidence bound μ(x) − β·σ(x): a small mean is a
//! good guess, a large standard deviation an unexplored region, and β
//! (2.6 by default) weighs the two.
//!
//! For reproducibility whatever the number of workers, the initial points
//! are counted among the trials created (not finished), and a proposal
//! waits until no trial is running, so that it always sees every result
//! before it; with one worker this is exactly Keras Tuner's behaviour.
//!
//! ```
//! use tuning::bayesian_optimization::BayesianStrategy;
//! use tuning::oracle::Oracle;
//! use tuning::trial::TrialStatus;
//! use tuning::{Float, HyperParameters};
//!
//! let mut space = HyperParameters::new();
//! space.float(Float::new("x", 0.0, 1.0))?;
//! let mut oracle = Oracle::new("loss".into(), Some(8), Some(3), Box::new(BayesianStrategy::default()));
//! oracle.update_space(&space);
//! for _ in 0..8 {
//!     let trial = oracle.create_trial("tuner0")?;
//!     let x = trial.hyperparameters.get("x")?.as_f64().unwrap();
//!     let loss = (x - 0.3) * (x - 0.3);
//!     oracle.update_trial(&trial.trial_id, &[("loss".to_string(), loss)].into(), 0)?;
//!     oracle.end_trial(&trial.trial_id, TrialStatus::Completed, None)?;
//! }
//! let best = oracle.get_best_trials(1)[0].score.unwrap();
//! assert!(best < 0.01, "{best}");
//! # Ok::<(), tuning::TuningError>(())
//! ```

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Result, TuningError};
use crate::gaussian_process::GaussianProcess;
use crate::hyperparameters::HyperParameters;
use crate::oracle::{OracleState, Populated, Strategy};
use crate::trial::{Direction, TrialStatus};

/// The Bayesian-optimization strategy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BayesianStrategy {
    /// Random trials before the first proposal (`None`: `max(3·d, 3)`).
    pub num_initial_points: Option<usize>,
    /// The noise added to the kernel's diagonal (1e-4).
    pub alpha: f64,
    /// The weight of the standard deviation in the bound (2.6).
    pub beta: f64,
}

impl Default for BayesianStrategy {
    fn default() -> Self {
        BayesianStrategy { num_initial_points: None, alpha: 1e-4, beta: 2.6 }
    }
}

/// Local searches started per proposal (Keras Tuner's 50 L-BFGS-B starts).
const STARTS: usize = 50;

impl BayesianStrategy {
    /// Checks the settings.
    pub fn new(num_initial_points: Option<usize>, alpha: f64, beta: f64) -> Result<BayesianStrategy> {
        if !(alpha >= 0.0 && alpha.is_finite() && beta >= 0.0 && beta.is_finite()) {
            return Err(TuningError::Config(format!(
                "BayesianOptimization: alpha and beta must be finite and non-negative, got {alpha}, {beta}"
            )));
        }
        Ok(BayesianStrategy { num_initial_points, alpha, beta })
    }

    /// The trials as points of [0, 1)^d and scores to minimize.
    fn vectorize(oracle: &OracleState) -> Result<(Vec<Vec<f64>>, Vec<f64>)> {
        let space: Vec<_> =
            oracle.hyperparameters.space().iter().filter(|h| !h.is_fixed()).cloned().collect();
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for trial in oracle.trials.values() {
            if trial.status != TrialStatus::Completed {
                continue;
            }
            let Some(score) = trial.score else { continue };
            let hps = &trial.hyperparameters;
            let mut point = Vec::with_capacity(space.len());
            for hp in &space {
                let value = match hps.values().get(hp.name()) {
                    Some(v) if hps.is_active(hp) => v.clone(),
                    _ => hp.default_value(),
                };
                point.push(hp.value_to_prob(&value)?);
            }
            let score = if oracle.objective.direction == Direction::Max { -score } else { score };
            x.push(point);
            y.push(if score.is_finite() { score } else { 0.0 });
        }
        Ok((x, y))
    }
}

impl Strategy for BayesianStrategy {
    fn name(&self) -> &'static str {
        "BayesianOptimization"
    }

    // ANCHOR: populate_space
    fn populate_space(&mut self, oracle: &mut OracleState, _trial_id: &str) -> Result<Populated> {
        let dimensions = oracle.hyperparameters.space().len();
        let initial = self.num_initial_points.unwrap_or((3 * dimensions).max(3));
        if oracle.trials.len() < initial {
            return Ok(match oracle.random_values(&|hps| hps.values_hash()) {
                Some(values) => Populated::Running(values),
                None => Populated::Stopped,
            });
        }
        if !oracle.ongoing_trials.is_empty() {
            return Ok(Populated::Idle);
        }
        let (x, y) = Self::vectorize(oracle)?;
        if x.is_empty() {
            // Every initial trial failed: keep drawing at random.
            return Ok(match oracle.random_values(&|hps| hps.values_hash()) {
                Some(values) => Populated::Running(values),
                None => Populated::Stopped,
            });
        }
        let gp = GaussianProcess::fit(&x, &y, self.alpha)
            .map_err(|e| TuningError::Config(format!("BayesianOptimization: {e}")))?;
        let mut rng = ChaCha8Rng::seed_from_u64(oracle.seed.wrapping_add(oracle.trials.len() as u64));
        let best = gp.minimize_lcb(self.beta, STARTS, &mut rng);
        // Keras Tuner's _vector_to_values.
        let mut hps = HyperParameters::new();
        let mut index = 0;
        for hp in oracle.hyperparameters.space().to_vec() {
            hps.merge_new(std::slice::from_ref(&hp));
            let value = if hp.is_fixed() {
                hp.default_value()
            } else {
                index += 1;
                hp.prob_to_value(best[index - 1])
            };
            if hps.is_active(&hp) {
                hps.set(hp.name(), value);
            }
        }
        Ok(Populated::Running(hps.values().clone()))
    }
    // ANCHOR_END: populate_space

    fn get_state(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("the strategy serializes")
    }
}
