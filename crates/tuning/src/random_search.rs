//! Random search: every trial draws each hyperparameter independently,
//! uniformly in its probability (Keras Tuner's `RandomSearch`).
//!
//! Random search is the baseline the smarter strategies must beat. It is
//! embarrassingly parallel and, for a given seed, fully reproducible: the
//! values of trial *k* depend only on the seed and on the draws of the
//! trials before it, never on their results.
//!
//! ```
//! use tuning::oracle::{Oracle, Populated, Strategy};
//! use tuning::random_search::RandomSearchStrategy;
//! use tuning::{Boolean, HyperParameters};
//!
//! // Two configurations only: after both, the third trial finds no new one.
//! let mut space = HyperParameters::new();
//! space.boolean(Boolean::new("normalize"))?;
//! let mut oracle = Oracle::new("val_loss".into(), Some(5), Some(1), Box::new(RandomSearchStrategy));
//! oracle.update_space(&space);
//! let statuses: Vec<_> = (0..3)
//!     .map(|k| oracle.create_trial(&format!("tuner{k}")).map(|t| t.status))
//!     .collect::<Result<_, _>>()?;
//! use tuning::trial::TrialStatus::*;
//! assert_eq!(statuses, [Running, Running, Stopped]);
//! # Ok::<(), tuning::TuningError>(())
//! ```

use crate::error::Result;
use crate::oracle::{OracleState, Populated, Strategy};

/// Draws every trial at random.
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomSearchStrategy;

impl Strategy for RandomSearchStrategy {
    fn name(&self) -> &'static str {
        "RandomSearch"
    }

    fn populate_space(&mut self, oracle: &mut OracleState, _trial_id: &str) -> Result<Populated> {
        Ok(match oracle.random_values(&|hps| hps.values_hash()) {
            Some(values) => Populated::Running(values),
            None => Populated::Stopped,
        })
    }
}
