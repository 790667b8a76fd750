//! Python's `random.Random(seed).random()`, bit for bit.
//!
//! Keras Tuner draws every hyperparameter value from a fresh
//! `random.Random(seed_state)` and adds one to `seed_state` after each
//! draw. To draw the same values, we need Python's generator: a Mersenne
//! Twister (MT19937) seeded by `init_by_array` with the seed's 32-bit
//! words, least significant first, whose `random()` joins the top 27 and
//! 26 bits of two outputs into a 53-bit fraction.
//!
//! ```
//! use tuning::python_random::PythonRandom;
//! // python3 -c 'import random; print(random.Random(42).random())'
//! assert_eq!(PythonRandom::new(42).random(), 0.6394267984578837);
//! ```

use rand_mt::Mt;

/// A `random.Random` of Python, seeded with an integer.
pub struct PythonRandom {
    mt: Mt,
}

impl PythonRandom {
    /// `random.Random(seed)` for a non-negative integer seed (Python uses
    /// the seed's absolute value; Keras Tuner's seeds are positive).
    pub fn new(seed: u64) -> PythonRandom {
        let low = seed as u32;
        let high = (seed >> 32) as u32;
        let key: Vec<u32> = if high == 0 { vec![low] } else { vec![low, high] };
        PythonRandom { mt: Mt::new_with_key(key) }
    }

    /// The next `random()`: a float in [0, 1) with 53 random bits.
    pub fn random(&mut self) -> f64 {
        let a = u64::from(self.mt.next_u32() >> 5);
        let b = u64::from(self.mt.next_u32() >> 6);
        (a as f64 * 67_108_864.0 + b as f64) / 9_007_199_254_740_992.0
    }
}

/// The first `random()` of `random.Random(seed)`: what Keras Tuner's
/// `HyperParameter.random_sample(seed)` turns into a value.
pub fn first_random(seed: u64) -> f64 {
    PythonRandom::new(seed).random()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Values printed by CPython 3 (`random.Random(s).random()` and the
    // second draw), an independent source.
    #[test]
    fn matches_cpython() {
        assert_eq!(first_random(0), 0.8444218515250481);
        assert_eq!(first_random(1), 0.13436424411240122);
        assert_eq!(first_random(42), 0.6394267984578837);
        let mut r = PythonRandom::new(42);
        r.random();
        assert_eq!(r.random(), 0.025010755222666936);
        // A seed above 2^32: two key words.
        assert_eq!(first_random((1 << 40) + 7), 0.6137037779936511);
    }
}
