//! The session: unique layer and model names, and the random seed.
//!
//! As in Keras, every layer created without a name gets its kind in
//! snake_case, then `_1`, `_2`, … for the next ones (`dense`, `dense_1`,
//! …), unique across models; [`clear_session`] starts the count again.
//! [`set_random_seed`] fixes the seed from which every later model draws
//! its weights and its shuffles, so the same seed gives the same run.
//! Without it, the seed is 0: runs are reproducible by default.
//!
//! The session is per thread, so that tests running in parallel do not
//! see each other's names.
//!
//! ```
//! use keras::layers::{Dense, Layer};
//! keras::clear_session();
//! assert_eq!(Dense::new(10).name(), "dense");
//! assert_eq!(Dense::new(10).name(), "dense_1");
//! keras::clear_session();
//! assert_eq!(Dense::new(10).name(), "dense");
//! ```

use std::cell::RefCell;
use std::collections::HashMap;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

struct Session {
    names: HashMap<String, usize>,
    seeds: ChaCha8Rng,
    threads: usize,
}

impl Session {
    fn new(seed: u64) -> Session {
        Session { names: HashMap::new(), seeds: ChaCha8Rng::seed_from_u64(seed), threads: 0 }
    }
}

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::new(0));
}

/// A fresh unique name from a snake_case prefix: `prefix`, then
/// `prefix_1`, `prefix_2`, …
pub(crate) fn unique_name(prefix: &str) -> String {
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        let count = s.names.entry(prefix.to_string()).or_insert(0);
        let name = if *count == 0 { prefix.to_string() } else { format!("{prefix}_{count}") };
        *count += 1;
        name
    })
}

/// A number never handed out before in this process: the identity of a
/// weight or a layer.
pub(crate) fn next_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A seed for a new model, drawn from the session's seed.
pub(crate) fn next_seed() -> u64 {
    SESSION.with(|s| s.borrow_mut().seeds.next_u64())
}

/// Forgets every name given so far (`keras.backend.clear_session()`); the
/// seed is kept.
pub fn clear_session() {
    SESSION.with(|s| s.borrow_mut().names.clear());
}

/// Seeds every model created afterwards (`keras.utils.set_random_seed`):
/// their initial weights and their shuffles.
pub fn set_random_seed(seed: u64) {
    SESSION.with(|s| s.borrow_mut().seeds = ChaCha8Rng::seed_from_u64(seed));
}

/// Limits the threads that `predict`, `evaluate` and the validation pass of
/// `fit` share their rows among, on this thread (TensorFlow's
/// `set_intra_op_parallelism_threads`); 0, the default, means every core.
/// A tuner running one trial per core sets 1. The results do not depend
/// on it: the rows are split at batch boundaries and each row is computed
/// the same way.
///
/// ```
/// keras::set_threads(1);
/// assert_eq!(keras::threads(), 1);
/// keras::set_threads(0);
/// assert!(keras::threads() >= 1);
/// ```
pub fn set_threads(threads: usize) {
    SESSION.with(|s| s.borrow_mut().threads = threads);
}

/// The threads inference may use on this thread: the limit of
/// [`set_threads`], or the available cores.
pub fn threads() -> usize {
    match SESSION.with(|s| s.borrow().threads) {
        0 => std::thread::available_parallelism().map_or(1, |c| c.get()),
        n => n,
    }
}
