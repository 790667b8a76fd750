//! Checks for exercise 3: from a perceptron to logistic regression.
//!
//! They run against the reference solution by default and against the
//! learner's code with `--features learner`:
//!
//! ```text
//! cargo test -p exercises --features learner ex03
//! ```
//!
//! The first group checks [`sigmoid`]; the second the model's outputs for
//! given parameters; the third its training, first step by step against the
//! gradient descent written out below, then in the long run against a
//! logistic regression that this file fits by itself, with a different
//! method (Newton's method, see [`reference_fit`]).

use exercises::ex03::{LogisticPerceptron, sigmoid};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// Proptest settings for every check: the usual number of cases, but no
/// `proptest-regressions/` files written next to the tests when a check fails
/// (the checks are meant to fail on the stubs, and must leave the tree clean).
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
}

/// The same, with fewer cases, for the checks that train for thousands of
/// epochs on every case.
fn training_config() -> ProptestConfig {
    ProptestConfig { cases: 64, ..config() }
}

// ---------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------

/// A training set for binary classification.
#[derive(Clone, Debug)]
struct Data {
    /// One row per instance, one column per feature.
    x: DMatrix<f64>,
    /// One label per row.
    y: Vec<bool>,
}

/// Random training sets: 20 to 200 points with 1 to 5 features, each
/// uniform in [−2, 2], labelled by a random linear rule `w*ᵀx + b*` with
/// label noise.
///
/// The noise is of two kinds. First, each point gets the positive label with
/// probability `σ(w*ᵀx + b*)`: points far from the rule's boundary almost
/// always get the rule's label, points close to it often get the other one.
/// Second, `d + 1` anchor points (the origin and the `d` unit vectors) are
/// recorded twice, once with each label, like an instance two annotators
/// disagree on.
///
/// The anchors are what makes the data a fair test. Without them, a random
/// set of a few points can be linearly separable, and then the log loss has
/// no minimum at all (the weights grow without end and no two trainings end
/// at the same place). An anchor seen with both labels costs more and more
/// as `|z|` grows at that point, and no boundary goes through `d + 1`
/// affinely independent points, so every direction the weights could grow in
/// ends up costing more: the loss has exactly one minimum, which the checks
/// can compute and compare with.
fn dataset() -> impl Strategy<Value = Data> {
    (20..=200usize, 1..=5usize)
        .prop_flat_map(|(n, d)| {
            (
                prop::collection::vec(-2.0..2.0f64, n * d),
                prop::collection::vec(-2.0..2.0f64, d),
                -1.0..1.0f64,
                prop::collection::vec(0.0..1.0f64, n),
            )
        })
        .prop_map(|(features, rule_w, rule_b, draws)| {
            let d = rule_w.len();
            let n = draws.len();
            let rule_w = DVector::from_vec(rule_w);
            let mut rows: Vec<Vec<f64>> = features.chunks(d).map(<[f64]>::to_vec).collect();
            let mut y: Vec<bool> = rows
                .iter()
                .zip(&draws)
                .map(|(row, &u)| u < reference_sigmoid(DVector::from_row_slice(row).dot(&rule_w) + rule_b))
                .collect();
            for k in 0..=d {
                let mut anchor = vec![0.0; d];
                if k > 0 {
                    anchor[k - 1] = 1.0;
                }
                for label in [true, false] {
                    rows.push(anchor.clone());
                    y.push(label);
                }
            }
            let x = DMatrix::from_fn(n + 2 * (d + 1), d, |r, c| rows[r][c]);
            Data { x, y }
        })
}

// ---------------------------------------------------------------------------
// The reference: everything the checks compute by themselves
// ---------------------------------------------------------------------------

/// The logistic function, the form that never overflows.
fn reference_sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// The design matrix `[X 1]`: the features and a column of ones, so that the
/// bias is the last parameter.
fn design(x: &DMatrix<f64>) -> DMatrix<f64> {
    DMatrix::from_fn(x.nrows(), x.ncols() + 1, |r, c| if c < x.ncols() { x[(r, c)] } else { 1.0 })
}

fn targets(y: &[bool]) -> DVector<f64> {
    DVector::from_iterator(y.len(), y.iter().map(|&t| f64::from(u8::from(t))))
}

/// The mean log loss of logits `z` (before the sigmoid) for labels `y`,
/// computed as `log(1 + e^z) − y z`, which never takes the log of 0.
fn log_loss_of_logits(z: &DVector<f64>, y: &[bool]) -> f64 {
    let total: f64 =
        z.iter().zip(y).map(|(&z, &t)| z.max(0.0) + (-z.abs()).exp().ln_1p() - if t { z } else { 0.0 }).sum();
    total / z.len() as f64
}

/// The mean log loss of probabilities `p` for labels `y`. Probabilities are
/// clipped to `[1e-15, 1 − 1e-15]`, as scikit-learn does.
fn log_loss_of_probabilities(p: &DVector<f64>, y: &[bool]) -> f64 {
    let total: f64 = p
        .iter()
        .zip(y)
        .map(|(&p, &t)| {
            let p = p.clamp(1e-15, 1.0 - 1e-15);
            if t { -p.ln() } else { -(1.0 - p).ln() }
        })
        .sum();
    total / p.len() as f64
}

/// A learning rate for which full-batch gradient descent on the mean log loss
/// is guaranteed to lower the loss at every step: `η = 1 / L`, where `L` is
/// the largest possible curvature of the loss. The curvature is
/// `AᵀDA / m` with `A = [X 1]` and `D` the diagonal of `σ'(z) ≤ 1/4`, so
/// `L = λ_max(AᵀA) / (4m)`.
fn safe_learning_rate(x: &DMatrix<f64>) -> f64 {
    let a = design(x);
    let gram = a.tr_mul(&a) / x.nrows() as f64;
    let lambda_max = gram.symmetric_eigenvalues().max();
    4.0 / lambda_max
}

/// Full-batch gradient descent on the mean log loss, from zero weights, as
/// the exercise describes it. Returns `(w, b)`.
fn reference_gradient_descent(x: &DMatrix<f64>, y: &[bool], eta: f64, epochs: usize) -> (DVector<f64>, f64) {
    let m = x.nrows() as f64;
    let t = targets(y);
    let mut w = DVector::zeros(x.ncols());
    let mut b = 0.0;
    for _ in 0..epochs {
        let z = x * &w + DVector::from_element(x.nrows(), b);
        let errors = z.map(reference_sigmoid) - &t;
        w -= x.tr_mul(&errors) * (eta / m);
        b -= eta * errors.sum() / m;
    }
    (w, b)
}

/// Logistic regression fitted by Newton's method (also known as iteratively
/// reweighted least squares): the parameters `θ = (w, b)` that minimize the
/// mean log loss, plus `10⁻¹⁰ ‖θ‖² / 2`.
///
/// Newton's method is a different road to the same minimum as the gradient
/// descent of the exercise: it rescales each step by the inverse curvature
/// `(AᵀDA / m)⁻¹`, so it converges in a few steps where gradient descent
/// needs hundreds, and it does not depend on a learning rate. The
/// tiny penalty only guarantees that the curvature matrix can be inverted; it
/// moves the minimum by far less than the checks' tolerances. Each step is
/// halved until it lowers the loss (a backtracking line search), so the
/// method cannot overshoot even from the zero start.
///
/// Returns `θ`, with the bias last.
fn reference_fit(x: &DMatrix<f64>, y: &[bool]) -> DVector<f64> {
    const PENALTY: f64 = 1e-10;
    let a = design(x);
    let m = x.nrows() as f64;
    let t = targets(y);
    let objective =
        |theta: &DVector<f64>| log_loss_of_logits(&(&a * theta), y) + PENALTY * theta.norm_squared() / 2.0;
    let mut theta = DVector::zeros(a.ncols());
    for _ in 0..100 {
        let z = &a * &theta;
        let p = z.map(reference_sigmoid);
        let gradient = a.tr_mul(&(&p - &t)) / m + &theta * PENALTY;
        if gradient.amax() < 1e-13 {
            break;
        }
        let weights = p.map(|p| p * (1.0 - p));
        let weighted = DMatrix::from_fn(a.nrows(), a.ncols(), |r, c| a[(r, c)] * weights[r]);
        let hessian = a.tr_mul(&weighted) / m + DMatrix::identity(a.ncols(), a.ncols()) * PENALTY;
        let Some(cholesky) = hessian.cholesky() else {
            panic!("the reference's curvature matrix is not positive definite");
        };
        let step = cholesky.solve(&gradient);
        let current = objective(&theta);
        let decrease = gradient.dot(&step);
        let mut size = 1.0;
        // The last term forgives rounding noise: near the minimum the loss
        // changes by less than its last digits.
        let slack = 8.0 * f64::EPSILON * current;
        while size > 1e-12 && objective(&(&theta - &step * size)) > current - 1e-4 * size * decrease + slack {
            size /= 2.0;
        }
        theta -= step * size;
    }
    theta
}

// ---------------------------------------------------------------------------
// Group 1: the sigmoid
// ---------------------------------------------------------------------------

#[test]
fn ex03_sigmoid_is_one_half_at_zero_and_stable_at_the_extremes() {
    assert_eq!(sigmoid(0.0), 0.5, "σ(0) = 1 / (1 + e⁰) = 1/2 exactly");
    for (z, expected) in [(1e4, 1.0), (-1e4, 0.0), (800.0, 1.0), (-800.0, 0.0)] {
        let s = sigmoid(z);
        assert!(
            s.is_finite(),
            "σ({z}) is {s}: e^{} overflows to infinity, and ∞ / ∞ is NaN; choose, for each sign of z, \
             the form of σ that only takes the exponential of a negative number",
            z.abs()
        );
        assert_eq!(s, expected, "σ({z}) rounds to {expected} in f64, not {s}");
    }
    let e = std::f64::consts::E;
    assert!(
        (sigmoid(1.0) - e / (1.0 + e)).abs() < 1e-15,
        "σ(1) = e / (1 + e) ≈ 0.7311, not {}",
        sigmoid(1.0)
    );
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex03_sigmoid_is_the_logistic_function(z in -1e4..1e4f64) {
        let s = sigmoid(z);
        let expected = reference_sigmoid(z);
        prop_assert!(
            s.is_finite() && (0.0..=1.0).contains(&s),
            "σ({}) is {}: it must be a number between 0 and 1, never NaN or infinite", z, s
        );
        prop_assert!(
            (s - expected).abs() <= 1e-14 * expected.max(1e-300),
            "σ({}) should be 1 / (1 + e^(−z)) = {}, not {}", z, expected, s
        );
    }

    #[test]
    fn ex03_sigmoid_is_symmetric_and_increasing(z in -1e4..1e4f64, dz in 0.0..50.0f64) {
        let (s, mirror) = (sigmoid(z), sigmoid(-z));
        prop_assert!(
            (mirror - (1.0 - s)).abs() <= 2e-16,
            "σ(−z) must be 1 − σ(z): σ({}) = {} but 1 − σ({}) = {}", -z, mirror, z, 1.0 - s
        );
        let further = sigmoid(z + dz);
        prop_assert!(
            further >= s,
            "σ is increasing, but σ({}) = {} is below σ({}) = {}", z + dz, further, z, s
        );
    }
}

// ---------------------------------------------------------------------------
// Group 2: outputs for given parameters
// ---------------------------------------------------------------------------

/// A model with random parameters and a random batch, small enough that
/// every weighted sum stays within ±32, where σ is strictly between 0 and 1
/// in f64.
fn model_and_batch() -> impl Strategy<Value = (LogisticPerceptron, DMatrix<f64>)> {
    (1..=5usize, 1..=50usize).prop_flat_map(|(d, n)| {
        (prop::collection::vec(-2.0..2.0f64, d), -2.0..2.0f64, prop::collection::vec(-3.0..3.0f64, n * d))
            .prop_map(move |(w, b, x)| {
                (LogisticPerceptron { w: DVector::from_vec(w), b }, DMatrix::from_row_slice(n, d, &x))
            })
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex03_decision_function_is_the_weighted_sum((model, x) in model_and_batch()) {
        let z = model.decision_function(&x);
        prop_assert_eq!(z.len(), x.nrows(), "one weighted sum per row of x");
        for r in 0..x.nrows() {
            let expected = x.row(r).transpose().dot(&model.w) + model.b;
            prop_assert!(
                (z[r] - expected).abs() <= 1e-12,
                "row {}: z = wᵀx + b = {}, not {}", r, expected, z[r]
            );
        }
    }

    #[test]
    fn ex03_predict_proba_is_sigmoid_of_the_weighted_sum((model, x) in model_and_batch()) {
        let p = model.predict_proba(&x);
        prop_assert_eq!(p.len(), x.nrows(), "one probability per row of x");
        for r in 0..x.nrows() {
            let z = x.row(r).transpose().dot(&model.w) + model.b;
            prop_assert!(
                p[r] > 0.0 && p[r] < 1.0,
                "row {}: the estimated probability is {}; σ(z) is strictly between 0 and 1 (z = {})",
                r, p[r], z
            );
            prop_assert!(
                (p[r] - reference_sigmoid(z)).abs() <= 1e-12,
                "row {}: the probability should be σ(wᵀx + b) = σ({}) = {}, not {}",
                r, z, reference_sigmoid(z), p[r]
            );
        }
    }

    #[test]
    fn ex03_predict_is_positive_when_the_probability_reaches_one_half((model, x) in model_and_batch()) {
        let classes = model.predict(&x);
        prop_assert_eq!(classes.len(), x.nrows(), "one class per row of x");
        for (r, &class) in classes.iter().enumerate() {
            let z = x.row(r).transpose().dot(&model.w) + model.b;
            if z.abs() < 1e-9 {
                continue; // on the boundary itself rounding decides; either class is fine
            }
            prop_assert_eq!(
                class, z > 0.0,
                "row {}: z = {}, so σ(z) is {} 0.5 and the class is {}",
                r, z, if z > 0.0 { "above" } else { "below" }, z > 0.0
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Group 3: training
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex03_fit_takes_full_batch_gradient_steps_from_zero(data in dataset(), epochs in 0..=6usize) {
        let eta = safe_learning_rate(&data.x);
        let model = LogisticPerceptron::fit(&data.x, &data.y, eta, epochs);
        let (w, b) = reference_gradient_descent(&data.x, &data.y, eta, epochs);
        prop_assert_eq!(model.w.len(), data.x.ncols(), "one weight per feature (column of x)");
        let gap = (&model.w - &w).amax().max((model.b - b).abs());
        let scale = 1.0 + w.amax().max(b.abs());
        prop_assert!(
            gap <= 1e-10 * scale,
            "after {} epoch(s) of full-batch gradient descent from w = 0, b = 0 with η = {:.4}, the \
             parameters should be w = {:?}, b = {:.6}, but they are w = {:?}, b = {:.6}. Each epoch \
             takes exactly one step, w ← w − η Xᵀ(σ(Xw + b) − y) / m and b ← b − η Σ(σ(z) − y) / m, \
             computed from all m instances with the parameters before the step",
            epochs, eta, w.as_slice(), b, model.w.as_slice(), model.b
        );
    }
}

proptest! {
    #![proptest_config(training_config())]

    #[test]
    fn ex03_log_loss_decreases_during_training(data in dataset()) {
        let eta = safe_learning_rate(&data.x);
        let mut previous = f64::INFINITY;
        let mut losses = Vec::new();
        for epochs in [0, 1, 2, 5, 10, 30, 100, 300, 1000] {
            let model = LogisticPerceptron::fit(&data.x, &data.y, eta, epochs);
            let loss = log_loss_of_probabilities(&model.predict_proba(&data.x), &data.y);
            losses.push((epochs, loss));
            prop_assert!(
                loss <= previous + 1e-12,
                "the log loss went up during training: {:?} (epochs, loss). With η = {:.4}, small \
                 enough, every gradient step must lower it",
                losses, eta
            );
            previous = loss;
        }
        prop_assert!(
            (losses[0].1 - std::f64::consts::LN_2).abs() < 1e-12,
            "with zero weights every probability is σ(0) = 0.5, so the loss before training is \
             ln 2 ≈ 0.6931, not {}",
            losses[0].1
        );
        // The descent lemma: with η = 1/L, one step from θ lowers the loss by
        // at least η ‖∇J(θ)‖² / 2. At θ = 0 the gradient is Aᵀ(0.5 − y) / m.
        let a = design(&data.x);
        let gradient = a.tr_mul(&targets(&data.y).map(|t| 0.5 - t)) / data.x.nrows() as f64;
        let guaranteed = eta * gradient.norm_squared() / 2.0;
        prop_assert!(
            losses[1].1 <= std::f64::consts::LN_2 - guaranteed + 1e-12,
            "one gradient step from zero weights must lower the loss from ln 2 ≈ 0.6931 by at least \
             η ‖∇J‖² / 2 = {:e}, but it only reached {}: {:?}",
            guaranteed, losses[1].1, losses
        );
    }

    #[test]
    fn ex03_trained_model_agrees_with_logistic_regression(data in dataset()) {
        // Measured over 400 of these data sets, gradient descent with η = 1/L
        // brought every logit within 2·10⁻³ of the reference's after 300
        // epochs, and within 10⁻⁶ after 1000: 2000 epochs leave a wide
        // safety margin.
        const EPOCHS: usize = 2_000;
        // Points whose reference logit is this close to 0 may fall on either
        // side of the boundary without the model being wrong.
        const MARGIN: f64 = 0.01;
        let eta = safe_learning_rate(&data.x);
        let model = LogisticPerceptron::fit(&data.x, &data.y, eta, EPOCHS);
        let theta = reference_fit(&data.x, &data.y);
        let d = data.x.ncols();
        let reference = format!("w = {:?}, b = {:.4}", theta.rows(0, d).as_slice(), theta[d]);
        let z = design(&data.x) * &theta;
        let classes = model.predict(&data.x);
        prop_assert_eq!(classes.len(), data.x.nrows(), "one class per row of x");
        for (r, (&class, &zr)) in classes.iter().zip(z.iter()).enumerate() {
            if zr.abs() < MARGIN {
                continue;
            }
            prop_assert_eq!(
                class, zr > 0.0,
                "after {} epochs with η = {:.4}, the model predicts {} for row {} but a logistic \
                 regression fitted to the same data ({}) predicts {} with z = {:.4}, clearly away \
                 from the boundary. Trained by gradient descent on the log loss, both must end at \
                 the same model",
                EPOCHS, eta, class, r, reference, zr > 0.0, zr
            );
        }
        let p = model.predict_proba(&data.x);
        let gap = (&p - z.map(reference_sigmoid)).amax();
        prop_assert!(
            gap <= 1e-3,
            "after {} epochs the estimated probabilities differ by up to {:e} from those of the \
             logistic regression fitted to the same data ({}; the model has w = {:?}, b = {:.4})",
            EPOCHS, gap, reference, model.w.as_slice(), model.b
        );
        let loss = log_loss_of_probabilities(&p, &data.y);
        let best = log_loss_of_logits(&z, &data.y);
        prop_assert!(
            loss <= best + 1e-6,
            "after {} epochs the log loss is {}, but the logistic regression fitted to the same data \
             reaches {}",
            EPOCHS, loss, best
        );
    }
}
