//! Splitting rows into a training and a test (or validation) part, the two
//! ways the chapter does it:
//!
//! - [`tail_split`]: Keras style, the last `k` rows are held out
//!   (`X_train_full[-5000:]`);
//! - [`train_test_split`]: scikit-learn style, a seeded shuffle. With the same
//!   `random_state` it picks **the same rows as scikit-learn**: it replays
//!   NumPy's legacy `RandomState(seed).permutation(n)` (Mersenne Twister
//!   MT19937 and the same Fisher–Yates loop), then takes the test rows first,
//!   exactly as `ShuffleSplit` does. So the California housing splits of the
//!   chapter (`random_state=42`) are the chapter's own rows.
//!
//! ```
//! use datasets::split::train_test_split;
//! let split = train_test_split(20_640, 0.25, 42)?;
//! assert_eq!((split.train.len(), split.test.len()), (15_480, 5_160));
//! # Ok::<(), datasets::Error>(())
//! ```

use crate::numpy_random::RandomState;

use crate::error::{Error, Result};

/// scikit-learn's default test fraction.
pub const DEFAULT_TEST_SIZE: f64 = 0.25;

/// Row indices of the two parts of a split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// Rows to train on.
    pub train: Vec<usize>,
    /// Rows held out (test or validation).
    pub test: Vec<usize>,
}

/// Keras-style split of `n` rows: the first `n − k` train, the last `k` are
/// held out.
pub fn tail_split(n: usize, k: usize) -> Result<Split> {
    if k == 0 || k >= n {
        return Err(Error::Invalid(format!(
            "cannot hold out the last {k} of {n} rows: both parts must be non-empty"
        )));
    }
    Ok(Split { train: (0..n - k).collect(), test: (n - k..n).collect() })
}

/// scikit-learn's `train_test_split(…, test_size, random_state)` on `n` rows:
/// `ceil(test_size · n)` test rows, the rest for training, both drawn from
/// NumPy's `RandomState(random_state).permutation(n)`.
pub fn train_test_split(n: usize, test_size: f64, random_state: u32) -> Result<Split> {
    if !(test_size > 0.0 && test_size < 1.0) {
        return Err(Error::Invalid(format!("test_size must lie strictly between 0 and 1, got {test_size}")));
    }
    let n_test = (test_size * n as f64).ceil() as usize;
    if n_test == 0 || n_test >= n {
        return Err(Error::Invalid(format!(
            "test_size {test_size} of {n} rows leaves {n_test} test and {} training rows; both must be non-empty",
            n.saturating_sub(n_test)
        )));
    }
    let mut perm = numpy_permutation(n, random_state);
    let train = perm.split_off(n_test);
    Ok(Split { train, test: perm })
}

/// NumPy's legacy `np.random.RandomState(seed).permutation(n)`.
pub fn numpy_permutation(n: usize, seed: u32) -> Vec<usize> {
    RandomState::new(seed).permutation(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn permutation_matches_numpy() {
        // Reference values printed by NumPy itself:
        // np.random.RandomState(42).permutation(10), and seed 0.
        assert_eq!(numpy_permutation(10, 42), vec![8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
        assert_eq!(numpy_permutation(10, 0), vec![2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
    }

    #[test]
    fn tail_split_holds_out_the_last_rows() {
        let s = tail_split(10, 3).unwrap();
        assert_eq!(s.train, (0..7).collect::<Vec<_>>());
        assert_eq!(s.test, vec![7, 8, 9]);
        assert!(tail_split(10, 10).is_err());
        assert!(tail_split(10, 0).is_err());
    }

    #[test]
    fn bad_test_sizes_are_errors() {
        for t in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
            assert!(train_test_split(100, t, 0).is_err(), "test_size {t}");
        }
        assert!(train_test_split(1, 0.25, 0).is_err());
    }

    proptest! {
        #[test]
        fn split_is_a_partition(n in 2usize..500, t in 0.01f64..0.99, seed: u32) {
            prop_assume!((t * n as f64).ceil() < n as f64);
            let s = train_test_split(n, t, seed).unwrap();
            prop_assert_eq!(s.test.len(), (t * n as f64).ceil() as usize);
            let mut all: Vec<usize> = s.train.iter().chain(&s.test).copied().collect();
            all.sort_unstable();
            prop_assert_eq!(all, (0..n).collect::<Vec<_>>());
        }

        #[test]
        fn same_seed_same_split(n in 2usize..300, seed: u32) {
            prop_assert_eq!(train_test_split(n, 0.25, seed).ok(), train_test_split(n, 0.25, seed).ok());
        }
    }
}
