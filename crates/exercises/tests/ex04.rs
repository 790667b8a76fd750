//! Checks for exercise 4: why the sigmoid was the key to training the first
//! MLPs.
//!
//! They run against the reference solution by default and against the
//! learner's code with `--features learner`:
//!
//! ```text
//! cargo test -p exercises --features learner ex04
//! ```
//!
//! The first group checks the two derivatives; the second the neuron's
//! outputs and gradients against the chain rule written out below; the third
//! trains the same neuron twice on the same data, once with the step (the
//! weights must not move) and once with the sigmoid (the loss must go down).

use exercises::ex04::{Activation, Neuron, sigmoid_derivative, step_derivative};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// Proptest settings for every check: the usual number of cases, but no
/// `proptest-regressions/` files written next to the tests when a check fails
/// (the checks are meant to fail on the stubs, and must leave the tree clean).
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
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

/// `σ′(z) = σ(z)(1 − σ(z)) = σ(z) σ(−z)`. The second form computes both
/// factors accurately (`1 − σ(z)` would round to 0 for large `z`), so the
/// product is accurate to a few units in the last place.
fn reference_sigmoid_derivative(z: f64) -> f64 {
    reference_sigmoid(z) * reference_sigmoid(-z)
}

/// The step function: 0 for `z < 0`, else 1.
fn heaviside(z: f64) -> f64 {
    if z < 0.0 { 0.0 } else { 1.0 }
}

/// φ′(z): 0 for the step, the reference above for the sigmoid, the `mlp`
/// crate's derivative for the other activations.
fn reference_derivative(activation: Activation, z: f64) -> f64 {
    match activation {
        Activation::Heaviside => 0.0,
        Activation::Sigmoid => reference_sigmoid_derivative(z),
        other => other.derivative(z),
    }
}

/// The weighted sums `z = Xw + b`.
fn weighted_sums(w: &DVector<f64>, b: f64, x: &DMatrix<f64>) -> DVector<f64> {
    x * w + DVector::from_element(x.nrows(), b)
}

/// `J = (1/2m) Σᵢ (φ(zᵢ) − yᵢ)²`.
fn loss(activation: Activation, w: &DVector<f64>, b: f64, x: &DMatrix<f64>, y: &DVector<f64>) -> f64 {
    let z = weighted_sums(w, b, x);
    let total: f64 = z.iter().zip(y.iter()).map(|(&z, &y)| (activation.value(z) - y).powi(2)).sum();
    total / (2.0 * x.nrows() as f64)
}

/// `(∂J/∂w, ∂J/∂b)` by the chain rule.
fn reference_gradients(
    activation: Activation,
    w: &DVector<f64>,
    b: f64,
    x: &DMatrix<f64>,
    y: &DVector<f64>,
) -> (DVector<f64>, f64) {
    let m = x.nrows() as f64;
    let z = weighted_sums(w, b, x);
    let delta = DVector::from_iterator(
        z.len(),
        z.iter()
            .zip(y.iter())
            .map(|(&z, &y)| (activation.value(z) - y) * reference_derivative(activation, z)),
    );
    (x.tr_mul(&delta) / m, delta.sum() / m)
}

/// A learning rate for which every gradient step on `J` with a sigmoid
/// neuron lowers the loss.
///
/// Per instance, the second derivative of `(σ(z) − y)² / 2` is
/// `σ′(z)² + (σ(z) − y) σ″(z)`, at most `1/16 + 0.0963 < 0.16` in absolute
/// value for targets in `[0, 1]`. So the curvature of `J` is at most
/// `0.16 λ_max(AᵀA / m)`, with `A = [X 1]`, and `λ_max` is at most the trace
/// `1 + mean ‖xᵢ‖²`. A step of `1 / L` or less never raises the loss.
fn safe_learning_rate(x: &DMatrix<f64>) -> f64 {
    let trace = 1.0 + x.norm_squared() / x.nrows() as f64;
    1.0 / (0.2 * trace)
}

// ---------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------

/// A neuron with moderate parameters, a batch `x` and targets `y`.
#[derive(Clone, Debug)]
struct Case {
    w: DVector<f64>,
    b: f64,
    x: DMatrix<f64>,
    y: DVector<f64>,
}

/// Random cases: 1 to 4 features, 2 to 40 instances with features in
/// `[−2, 2]`, weights in `[−1, 1]`. The targets are 0 or 1, given by a random
/// linear rule, so the problem is one a single neuron can learn.
fn case() -> impl Strategy<Value = Case> {
    (1..=4usize, 2..=40usize)
        .prop_flat_map(|(d, m)| {
            (
                prop::collection::vec(-1.0..1.0f64, d),
                -1.0..1.0f64,
                prop::collection::vec(-2.0..2.0f64, m * d),
                prop::collection::vec(-1.0..1.0f64, d),
                -1.0..1.0f64,
            )
        })
        .prop_map(|(w, b, x, rule_w, rule_b)| {
            let d = w.len();
            let x = DMatrix::from_row_slice(x.len() / d, d, &x);
            let rule_w = DVector::from_vec(rule_w);
            let y = weighted_sums(&rule_w, rule_b, &x).map(heaviside);
            Case { w: DVector::from_vec(w), b, x, y }
        })
}

/// The element-wise activations a neuron can have.
fn activation() -> impl Strategy<Value = Activation> {
    prop::sample::select(vec![
        Activation::Heaviside,
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::Softplus,
        Activation::Identity,
    ])
}

fn neuron(case: &Case, activation: Activation) -> Neuron {
    Neuron { w: case.w.clone(), b: case.b, activation }
}

// ---------------------------------------------------------------------------
// Group 1: the two derivatives
// ---------------------------------------------------------------------------

/// Nonzero inputs, both ordinary and very close to 0.
fn nonzero() -> impl Strategy<Value = f64> {
    prop_oneof![-1e4..1e4f64, -1e-6..1e-6f64].prop_filter("z ≠ 0", |&z| z != 0.0)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex04_step_derivative_is_zero_away_from_zero(z in nonzero()) {
        let d = step_derivative(z);
        // Any difference quotient that stays on one side of 0 is exactly 0.
        let h = z.abs() / 2.0;
        let quotient = (heaviside(z + h) - heaviside(z - h)) / (2.0 * h);
        prop_assert!(
            d == 0.0,
            "step′({}) should be 0, not {}: the step is flat on each side of 0, so the slope \
             (step({} + h) − step({} − h)) / 2h is {} for every h < |z|",
            z, d, z, z, quotient
        );
    }
}

#[test]
fn ex04_step_derivative_at_zero_is_zero_as_in_the_libraries() {
    for z in [0.0, -0.0] {
        let d = step_derivative(z);
        assert!(
            d == 0.0,
            "step′({z}) returned {d}. At 0 the step jumps from 0 to 1 and has no derivative; \
             libraries return 0 there, the same value as everywhere else"
        );
    }
}

#[test]
fn ex04_sigmoid_derivative_peaks_at_one_quarter_at_zero() {
    let d = sigmoid_derivative(0.0);
    assert!(d == 0.25, "σ′(0) = σ(0)(1 − σ(0)) = 0.5 × 0.5 = 1/4 exactly, not {d}");
    for z in [0.5, 1.0, 2.0, 5.0, 10.0] {
        let (right, left) = (sigmoid_derivative(z), sigmoid_derivative(-z));
        assert!(
            right < 0.25 && left < 0.25,
            "σ′ is largest at 0, where it is 1/4, but σ′({z}) = {right} and σ′({}) = {left}",
            -z
        );
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex04_sigmoid_derivative_is_positive_even_and_accurate(z in -700.0..700.0f64) {
        let d = sigmoid_derivative(z);
        let expected = reference_sigmoid_derivative(z);
        prop_assert!(
            d.is_finite() && d > 0.0,
            "σ′({}) is {}, but the sigmoid's slope is strictly positive everywhere (here {:e}). If \
             you computed σ(z)(1 − σ(z)): for z above about 37, σ(z) rounds to exactly 1 in f64; \
             compute σ′ from e^(−|z|) instead",
            z, d, expected
        );
        prop_assert!(
            d <= 0.25,
            "σ′({}) = {}, but σ′ never exceeds its value at 0, 1/4", z, d
        );
        prop_assert!(
            (d - expected).abs() <= 1e-12 * expected,
            "σ′({}) should be σ(z)(1 − σ(z)) = {:e}, not {:e} (relative error {:e})",
            z, expected, d, (d - expected).abs() / expected
        );
        let mirror = sigmoid_derivative(-z);
        prop_assert!(
            (mirror - d).abs() <= 1e-13 * expected,
            "σ′ is even: σ′({}) = {:e} but σ′({}) = {:e}", -z, mirror, z, d
        );
    }

    #[test]
    fn ex04_sigmoid_derivative_matches_finite_differences(z in -30.0..30.0f64) {
        let h = 1e-5;
        let numeric = (reference_sigmoid(z + h) - reference_sigmoid(z - h)) / (2.0 * h);
        let d = sigmoid_derivative(z);
        prop_assert!(
            (d - numeric).abs() <= 1e-9,
            "at z = {}, the slope of σ measured with h = {:e} is {:e}, but sigmoid_derivative \
             returns {:e}",
            z, h, numeric, d
        );
    }
}

// ---------------------------------------------------------------------------
// Group 2: the neuron's outputs and gradients
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex04_output_is_the_activation_of_the_weighted_sum(case in case(), activation in activation()) {
        let a = neuron(&case, activation).output(&case.x);
        prop_assert_eq!(a.len(), case.x.nrows(), "one output per row of x");
        let z = weighted_sums(&case.w, case.b, &case.x);
        for r in 0..z.len() {
            let expected = activation.value(z[r]);
            prop_assert!(
                (a[r] - expected).abs() <= 1e-12 * (1.0 + expected.abs()),
                "{:?} neuron, row {}: z = wᵀx + b = {}, so the output is φ(z) = {}, not {}",
                activation, r, z[r], expected, a[r]
            );
        }
    }

    #[test]
    fn ex04_gradients_follow_the_chain_rule(case in case(), activation in activation()) {
        let (gw, gb) = neuron(&case, activation).gradients(&case.x, &case.y);
        let (ew, eb) = reference_gradients(activation, &case.w, case.b, &case.x, &case.y);
        prop_assert_eq!(gw.len(), case.w.len(), "∂J/∂w has one entry per weight");
        let gap = (&gw - &ew).amax().max((gb - eb).abs());
        prop_assert!(
            gap <= 1e-12 * (1.0 + ew.amax().max(eb.abs())),
            "{:?} neuron: the gradient should be ∂J/∂w = {:?}, ∂J/∂b = {:e}, not ∂J/∂w = {:?}, \
             ∂J/∂b = {:e}. With δᵢ = (φ(zᵢ) − yᵢ) φ′(zᵢ): ∂J/∂w = Xᵀδ / m and ∂J/∂b = Σᵢ δᵢ / m",
            activation, ew.as_slice(), eb, gw.as_slice(), gb
        );
        if activation == Activation::Heaviside {
            prop_assert!(
                gw.iter().all(|&g| g == 0.0) && gb == 0.0,
                "with the step, φ′(z) = 0 for every instance, so every gradient is exactly 0, \
                 not ∂J/∂w = {:?}, ∂J/∂b = {:e}",
                gw.as_slice(), gb
            );
        }
    }

    #[test]
    fn ex04_sigmoid_gradients_match_finite_differences_of_the_loss(case in case()) {
        let (gw, gb) = neuron(&case, Activation::Sigmoid).gradients(&case.x, &case.y);
        prop_assert_eq!(gw.len(), case.w.len(), "∂J/∂w has one entry per weight");
        let h = 1e-6;
        let j = |w: &DVector<f64>, b: f64| loss(Activation::Sigmoid, w, b, &case.x, &case.y);
        for k in 0..case.w.len() {
            let (mut up, mut down) = (case.w.clone(), case.w.clone());
            up[k] += h;
            down[k] -= h;
            let numeric = (j(&up, case.b) - j(&down, case.b)) / (2.0 * h);
            prop_assert!(
                (gw[k] - numeric).abs() <= 1e-7,
                "∂J/∂w{} measured by nudging w{} by ±{:e} is {:e}, but gradients returns {:e}",
                k, k, h, numeric, gw[k]
            );
        }
        let numeric = (j(&case.w, case.b + h) - j(&case.w, case.b - h)) / (2.0 * h);
        prop_assert!(
            (gb - numeric).abs() <= 1e-7,
            "∂J/∂b measured by nudging b by ±{:e} is {:e}, but gradients returns {:e}", h, numeric, gb
        );
    }
}

// ---------------------------------------------------------------------------
// Group 3: training with the step, then with the sigmoid
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex04_train_takes_full_batch_gradient_steps(
        case in case(),
        activation in activation(),
        steps in 0..=5usize,
    ) {
        let eta = safe_learning_rate(&case.x);
        let mut trained = neuron(&case, activation);
        trained.train(&case.x, &case.y, eta, steps);
        let (mut w, mut b) = (case.w.clone(), case.b);
        for _ in 0..steps {
            let (gw, gb) = reference_gradients(activation, &w, b, &case.x, &case.y);
            w -= gw * eta;
            b -= eta * gb;
        }
        prop_assert_eq!(trained.activation, activation, "training must not change the activation");
        prop_assert_eq!(trained.w.len(), w.len(), "training must keep one weight per feature");
        let gap = (&trained.w - &w).amax().max((trained.b - b).abs());
        prop_assert!(
            gap <= 1e-10 * (1.0 + w.amax().max(b.abs())),
            "{:?} neuron, after {} step(s) with η = {:.4}: the parameters should be w = {:?}, \
             b = {:.6}, but they are w = {:?}, b = {:.6}. Each step is w ← w − η ∂J/∂w and \
             b ← b − η ∂J/∂b, with the gradients of the parameters before the step",
            activation, steps, eta, w.as_slice(), b, trained.w.as_slice(), trained.b
        );
    }

    #[test]
    fn ex04_step_neuron_never_moves(case in case(), steps in 1..=200usize, eta in 0.01..10.0f64) {
        let before = loss(Activation::Heaviside, &case.w, case.b, &case.x, &case.y);
        prop_assume!(before > 0.0);
        let mut step = neuron(&case, Activation::Heaviside);
        step.train(&case.x, &case.y, eta, steps);
        prop_assert!(
            step.w == case.w && step.b == case.b,
            "a step neuron with w = {:?}, b = {} misclassifies some instances (loss {}), yet its \
             gradient is exactly 0: step′(z) = 0 for every instance. After {} steps of gradient \
             descent with η = {} its parameters must not have moved, but they are w = {:?}, b = {}",
            case.w.as_slice(), case.b, before, steps, eta, step.w.as_slice(), step.b
        );
    }

    #[test]
    fn ex04_sigmoid_neuron_learns_by_gradient_descent(case in case()) {
        const STEPS: usize = 100;
        let eta = safe_learning_rate(&case.x);
        let mut sigmoid = neuron(&case, Activation::Sigmoid);
        let mut losses = vec![loss(Activation::Sigmoid, &sigmoid.w, sigmoid.b, &case.x, &case.y)];
        for _ in 0..STEPS {
            sigmoid.train(&case.x, &case.y, eta, 1);
            let current = loss(Activation::Sigmoid, &sigmoid.w, sigmoid.b, &case.x, &case.y);
            let previous = losses[losses.len() - 1];
            losses.push(current);
            prop_assert!(
                current <= previous * (1.0 + 1e-12),
                "the loss of a sigmoid neuron went up from {} to {} in step {} (η = {:.4}, small \
                 enough that every gradient step must lower it)",
                previous, current, losses.len() - 1, eta
            );
        }
        let (first, last) = (losses[0], losses[STEPS]);
        prop_assert!(
            last < first,
            "after {} steps of gradient descent with η = {:.4}, the loss of a sigmoid neuron is \
             still {} (it was {}): σ′(z) > 0 for every instance, so the gradient is not zero and \
             each step must lower the loss",
            STEPS, eta, last, first
        );
        prop_assert!(
            sigmoid.w != case.w || sigmoid.b != case.b,
            "after {} steps of gradient descent, the sigmoid neuron's parameters have not moved",
            STEPS
        );
    }
}
