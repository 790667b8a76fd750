//! Properties that hold for any data or seed: the perceptron convergence
//! theorem with Novikoff's bound, XOR's impossibility, and batch prediction
//! agreeing with instance-by-instance prediction.

use nalgebra::DMatrix;
use perceptron::xor::{best_line, fit_xor};
use perceptron::{Options, Perceptron, Stop, Tlu};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Linearly separable data with margin: `n` points of `d` features whose
/// augmented form `x̃ = (x, 1)` lies at distance at least `gamma` from the
/// hyperplane of a random unit vector `w*` (bias included), labelled by the
/// side they are on. The first two points are put on opposite sides, so
/// both classes are present. Returns the points, their labels, and the
/// measured `R = max ‖x̃‖` and `γ = min |w*·x̃|`.
fn separable(n: usize, d: usize, gamma: f64, seed: u64) -> (DMatrix<f64>, Vec<bool>, f64, f64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // w* = (u·√(1−β²), β) with u a unit vector of R^d and |β| ≤ 0.8, so
    // that moving x along u can always reach the wanted margin.
    let mut u: Vec<f64> = (0..d).map(|_| rng.random_range(-1.0..1.0)).collect();
    let norm = u.iter().map(|v| v * v).sum::<f64>().sqrt().max(1e-12);
    let beta: f64 = rng.random_range(-0.8..0.8);
    let scale = (1.0 - beta * beta).sqrt();
    u.iter_mut().for_each(|v| *v *= scale / norm);
    let margin = |x: &[f64]| x.iter().zip(&u).map(|(x, w)| x * w).sum::<f64>() + beta;

    let mut x = DMatrix::zeros(n, d);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let mut point: Vec<f64> = (0..d).map(|_| rng.random_range(-2.0..2.0)).collect();
        let m = margin(&point);
        let side = match i {
            0 => 1.0,
            1 => -1.0,
            _ if m >= 0.0 => 1.0,
            _ => -1.0,
        };
        if side * m < gamma {
            // Move along u (‖u‖² = 1 − β²) until the margin is side·1.5γ.
            let step = (side * 1.5 * gamma - m) / (scale * scale);
            point.iter_mut().zip(&u).for_each(|(x, w)| *x += step * w);
        }
        for (j, &v) in point.iter().enumerate() {
            x[(i, j)] = v;
        }
        y.push(margin(&point) > 0.0);
    }
    let (mut r, mut g) = (0.0_f64, f64::INFINITY);
    for row in x.row_iter() {
        let point: Vec<f64> = row.iter().copied().collect();
        r = r.max((point.iter().map(|v| v * v).sum::<f64>() + 1.0).sqrt());
        g = g.min(margin(&point).abs());
    }
    (x, y, r, g)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The perceptron convergence theorem, with Novikoff's bound: on data
    /// separable with margin γ inside a ball of radius R, the learning rule
    /// makes at most (R/γ)² updates, then an epoch without error.
    #[test]
    fn separable_data_converges_within_novikoffs_bound(
        n in 2usize..40,
        d in 1usize..5,
        gamma in 0.05f64..0.5,
        data_seed in any::<u64>(),
        shuffle_seed in any::<u64>(),
    ) {
        // ANCHOR: novikoff
        let (x, y, r, g) = separable(n, d, gamma, data_seed);
        prop_assert!(g >= gamma, "margin {g} < {gamma}");
        let bound = (r / g).powi(2);
        let options = Options { tol: None, max_iter: bound as usize + 2, random_state: shuffle_seed, ..Options::default() };
        let mut clf = Perceptron::new(options);
        let report = clf.fit(&x, &y).unwrap();
        prop_assert_eq!(report.stop, Stop::Converged);
        let last = report.epochs.last().unwrap();
        prop_assert_eq!((last.errors, last.updates), (0, 0));
        prop_assert!(report.updates() as f64 <= bound, "{} updates > (R/γ)² = {bound}", report.updates());
        // ANCHOR_END: novikoff
        prop_assert_eq!(clf.score(&x, &y).unwrap(), 1.0);
    }

    /// No line separates XOR: whatever the shuffle, at most 3 of 4 right,
    /// even for the best unit the learning rule ever reaches.
    #[test]
    fn xor_is_never_learned(seed in any::<u64>()) {
        let (_, accuracy) = fit_xor(seed).unwrap();
        prop_assert!(accuracy <= 0.75, "accuracy {accuracy}");
        let (_, best) = best_line(seed, 30).unwrap();
        prop_assert!(best <= 0.75, "best accuracy {best}");
    }

    /// The batch prediction (through the affine kernel) equals predicting
    /// one instance at a time, for two classes and for several. Values are
    /// multiples of 1/4, so every sum is exact in either order.
    #[test]
    fn batch_prediction_equals_row_by_row(
        n in 2usize..30,
        d in 1usize..5,
        classes in 2usize..5,
        seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let x = DMatrix::from_fn(n, d, |_, _| f64::from(rng.random_range(-8..=8)) / 4.0);
        let mut y: Vec<usize> = (0..n).map(|_| rng.random_range(0..classes)).collect();
        y[0] = 0;
        y[1] = 1;
        let mut clf = Perceptron::new(Options { random_state: seed, max_iter: 20, ..Options::default() });
        clf.fit(&x, &y).unwrap();
        let batch = clf.predict(&x).unwrap();
        let z = clf.decision_function(&x).unwrap();
        let layer = clf.layer().unwrap();
        let units: Vec<Tlu> = (0..layer.units()).map(|j| layer.tlu(j).unwrap()).collect();
        for (i, row) in x.row_iter().enumerate() {
            // One instance at a time: each unit's z = wᵀx + b, then the
            // step (one unit) or the unit with the largest z (the first on
            // a tie).
            let instance: Vec<f64> = row.iter().copied().collect();
            let zs: Vec<f64> = units.iter().map(|u| u.z(&instance).unwrap()).collect();
            let class = match zs[..] {
                [z] => usize::from(z >= 0.0),
                _ => (0..zs.len()).fold(0, |best, j| if zs[j] > zs[best] { j } else { best }),
            };
            prop_assert_eq!(batch[i], clf.classes()[class], "row {}: z = {:?}", i, zs);
            prop_assert_eq!(clf.predict(&x.rows(i, 1).into_owned()).unwrap(), vec![batch[i]]);
            for (j, &z_j) in zs.iter().enumerate() {
                prop_assert_eq!(z_j, z[(i, j)]);
            }
        }
    }
}
