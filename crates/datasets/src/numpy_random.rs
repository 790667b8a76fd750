//! NumPy's legacy random generator, `np.random.RandomState(seed)`, for the
//! few places where the chapter's results depend on its exact stream:
//! scikit-learn's `train_test_split` and its MLPs' weight initialization
//! and shuffling. Same seed, same numbers as NumPy: a Mersenne Twister
//! (MT19937) seeded with `init_genrand`, doubles made from two 32-bit draws,
//! integers by masked rejection, and NumPy's Fisher–Yates shuffle.
//!
//! ```
//! use datasets::numpy_random::RandomState;
//! let mut rs = RandomState::new(42);
//! assert_eq!(rs.random_sample(), 0.3745401188473625); // np.random.RandomState(42).random_sample()
//! ```

use rand_mt::Mt;

/// `np.random.RandomState(seed)`.
#[derive(Clone, Debug)]
pub struct RandomState {
    mt: Mt,
}

impl RandomState {
    /// Seeded as `RandomState(seed)` with an integer seed.
    pub fn new(seed: u32) -> Self {
        RandomState { mt: Mt::new(seed) }
    }

    /// `random_sample()`: a double in [0, 1) with 53 random bits.
    pub fn random_sample(&mut self) -> f64 {
        let a = f64::from(self.mt.next_u32() >> 5);
        let b = f64::from(self.mt.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `uniform(low, high)`: `low + (high − low) · random_sample()`.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.random_sample()
    }

    /// NumPy's `random_interval(max)`: uniform in `0..=max`.
    pub fn interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mask = u64::MAX >> max.leading_zeros();
        loop {
            let value = if max <= u64::from(u32::MAX) {
                u64::from(self.mt.next_u32()) & mask
            } else {
                self.mt.next_u64() & mask
            };
            if value <= max {
                return value;
            }
        }
    }

    /// `shuffle(xs)`: NumPy's Fisher–Yates, from the last element down.
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.interval(i as u64) as usize;
            xs.swap(i, j);
        }
    }

    /// `permutation(n)`: a shuffled `0..n`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut perm: Vec<usize> = (0..n).collect();
        self.shuffle(&mut perm);
        perm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_numbers_as_numpy() {
        // Printed by NumPy 2.4: rs = np.random.RandomState(42);
        // rs.uniform(-1, 1, 3); rs.permutation(6)
        let mut rs = RandomState::new(42);
        let u: Vec<f64> = (0..3).map(|_| rs.uniform(-1.0, 1.0)).collect();
        assert_eq!(u, vec![-0.250919762305275, 0.9014286128198323, 0.4639878836228102]);
        assert_eq!(rs.permutation(6), vec![3, 0, 1, 2, 5, 4]);
        assert_eq!(RandomState::new(42).permutation(10), vec![8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
    }
}
