//! The XOR problem (Minsky and Papert, 1969; Figure 10-6, left).
//!
//! XOR outputs 1 when exactly one of its two inputs is 1. No straight line
//! puts (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the other,
//! so no threshold logic unit computes it: whatever the weights, a
//! perceptron gets at least one of the four cases wrong, and training never
//! converges. It stops when the loss stops improving, with accuracy at
//! most 3/4. Stacking two layers (a multilayer perceptron) solves it.
//!
//! Where training stops is arbitrary: the weights keep cycling, and often
//! end where they started, at zero. [`best_line`] follows the learning rule
//! and keeps the best unit it passes through: three cases right, as good
//! as a line gets.
//!
//! ```
//! let (classifier, accuracy) = perceptron::xor::fit_xor(42)?;
//! assert!(accuracy <= 0.75);
//! assert!(classifier.n_iter() < 1000); // stopped by the tol rule
//! let (_, best) = perceptron::xor::best_line(42, 100)?;
//! assert_eq!(best, 0.75);
//! # Ok::<(), perceptron::PerceptronError>(())
//! ```

use nalgebra::{DMatrix, dmatrix};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::{Layer, Options, Perceptron, Result, Step, Tlu, learning_rule};

/// The four XOR cases as rows `(x₁, x₂)`, and their outputs.
pub fn xor_data() -> (DMatrix<f64>, Vec<bool>) {
    let x = dmatrix![0.0, 0.0;
                     0.0, 1.0;
                     1.0, 0.0;
                     1.0, 1.0];
    (x, vec![false, true, true, false])
}

/// Trains a perceptron with default hyperparameters and seed `seed` on the
/// four XOR cases; returns it and its accuracy on them.
///
/// # Errors
/// None in practice: the data is fixed and valid. The signature keeps the
/// errors of training.
pub fn fit_xor(seed: u64) -> Result<(Perceptron<bool>, f64)> {
    let (x, y) = xor_data();
    let mut classifier = Perceptron::new(Options { random_state: seed, ..Options::default() });
    classifier.fit(&x, &y)?;
    let accuracy = classifier.score(&x, &y)?;
    Ok((classifier, accuracy))
}

/// Applies the learning rule (η = 1) to the four XOR cases, in a new
/// random order (from `seed`) for each of `epochs` epochs, and returns the
/// unit that classified the most cases right among all those it went
/// through (the first, on a tie), with its accuracy.
///
/// # Errors
/// None in practice: the data is fixed and valid.
pub fn best_line(seed: u64, epochs: usize) -> Result<(Tlu, f64)> {
    let (x, y) = xor_data();
    let accuracy = |layer: &Layer| -> Result<f64> {
        let fires = layer.predict(&x)?;
        Ok(fires.iter().zip(&y).filter(|&(&h, &y)| (h > 0.0) == y).count() as f64 / 4.0)
    };
    let mut layer = Layer::zeros(2, 1, Step::Heaviside);
    let mut best = (layer.clone(), accuracy(&layer)?);
    let mut order = [0, 1, 2, 3];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for _ in 0..epochs {
        order.shuffle(&mut rng);
        for &i in &order {
            let instance = [x[(i, 0)], x[(i, 1)]];
            if learning_rule::learn(&mut layer, &instance, &[y[i]], 1.0)? {
                let score = accuracy(&layer)?;
                if score > best.1 {
                    best = (layer.clone(), score);
                }
            }
        }
    }
    let unit = best.0.tlu(0).unwrap_or_else(|| Tlu::new(vec![0.0; 2], 0.0, Step::Heaviside));
    Ok((unit, best.1))
}
