//! Checks for exercise 5: three popular activation functions.
//!
//! They run against the reference solution by default and against the
//! learner's code with `--features learner`:
//!
//! ```text
//! cargo test -p exercises --features learner ex05
//! ```
//!
//! Each function is compared with the `mlp` crate's [`Activation`] (stage 3)
//! on random inputs up to `|z| = 10⁴`, each derivative with finite
//! differences, and [`curves`] with the functions it samples.

use exercises::ex05::{curves, relu, relu_derivative, sigmoid, sigmoid_derivative, tanh, tanh_derivative};
use mlp::Activation;
use proptest::prelude::*;

/// Proptest settings for every check: the usual number of cases, but no
/// `proptest-regressions/` files written next to the tests when a check fails
/// (the checks are meant to fail on the stubs, and must leave the tree clean).
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
}

/// The three functions of the exercise, with the learner's value and
/// derivative for each.
type Function = (Activation, fn(f64) -> f64, fn(f64) -> f64);

fn functions() -> [Function; 3] {
    [
        (Activation::Relu, relu, relu_derivative),
        (Activation::Tanh, tanh, tanh_derivative),
        (Activation::Sigmoid, sigmoid, sigmoid_derivative),
    ]
}

/// Whether `actual` is `expected` up to rounding: within 10⁻¹⁵ in absolute
/// terms (for values that round to nearly 0, where formulas differ the most
/// in relative terms), or within 10⁻¹² relative. Never true for `NaN`.
fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-15 + 1e-12 * expected.abs()
}

/// Inputs for the comparisons: mostly where the curves bend, sometimes far
/// out, where a careless formula overflows.
fn input() -> impl Strategy<Value = f64> {
    prop_oneof![3 => -20.0..20.0f64, 1 => -1e4..1e4f64]
}

// ---------------------------------------------------------------------------
// Group 1: the functions and their derivatives
// ---------------------------------------------------------------------------

#[test]
fn ex05_known_values() {
    let cases: [(&str, f64, f64); 10] = [
        ("relu(-3)", relu(-3.0), 0.0),
        ("relu(2.5)", relu(2.5), 2.5),
        ("relu′(-1)", relu_derivative(-1.0), 0.0),
        ("relu′(1)", relu_derivative(1.0), 1.0),
        ("tanh(0)", tanh(0.0), 0.0),
        ("tanh′(0)", tanh_derivative(0.0), 1.0),
        ("tanh(1)", tanh(1.0), (1.0 - (-2.0f64).exp()) / (1.0 + (-2.0f64).exp())),
        ("σ(0)", sigmoid(0.0), 0.5),
        ("σ′(0)", sigmoid_derivative(0.0), 0.25),
        ("σ(1)", sigmoid(1.0), 1.0 / (1.0 + (-1.0f64).exp())),
    ];
    for (name, actual, expected) in cases {
        assert!(close(actual, expected), "{name} should be {expected}, not {actual}");
    }
}

#[test]
fn ex05_relu_derivative_at_zero_is_between_the_two_slopes() {
    let d = relu_derivative(0.0);
    assert!(
        (0.0..=1.0).contains(&d),
        "relu′(0) returned {d}. ReLU has a kink at 0 and no derivative there; any slope between \
         the two sides' (0 and 1) is a reasonable choice, and the libraries use 0"
    );
}

#[test]
fn ex05_functions_stay_finite_for_huge_inputs() {
    for z in [-1e4, -1000.0, -710.0, -50.0, 50.0, 710.0, 1000.0, 1e4] {
        for (activation, phi, phi_prime) in functions() {
            let (value, slope) = (phi(z), phi_prime(z));
            assert!(
                value.is_finite() && slope.is_finite(),
                "{activation:?} at z = {z}: the function returns {value} and its derivative {slope}. \
                 Some exponential overflows: e^710 is already infinite in f64"
            );
        }
        assert!((0.0..=1.0).contains(&sigmoid(z)), "σ({z}) = {} is not in [0, 1]", sigmoid(z));
        assert!((-1.0..=1.0).contains(&tanh(z)), "tanh({z}) = {} is not in [−1, 1]", tanh(z));
        assert!(relu(z) >= 0.0, "relu({z}) = {} is negative", relu(z));
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex05_relu_matches_mlp(z in input()) {
        prop_assert!(close(relu(z), Activation::Relu.value(z)), "relu({}) should be max(0, z) = {}, not {}",
            z, Activation::Relu.value(z), relu(z));
        prop_assume!(z != 0.0);
        let expected = Activation::Relu.derivative(z);
        prop_assert!(
            relu_derivative(z) == expected,
            "relu′({}) should be {} (ReLU's slope is 0 to the left of 0 and 1 to the right), not {}",
            z, expected, relu_derivative(z)
        );
    }

    #[test]
    fn ex05_tanh_matches_mlp(z in input()) {
        let (value, slope) = (Activation::Tanh.value(z), Activation::Tanh.derivative(z));
        prop_assert!(close(tanh(z), value), "tanh({}) should be {}, not {}", z, value, tanh(z));
        prop_assert!(
            close(tanh_derivative(z), slope),
            "tanh′({}) should be 1 − tanh²(z) = {:e}, not {:e}", z, slope, tanh_derivative(z)
        );
    }

    #[test]
    fn ex05_sigmoid_matches_mlp(z in input()) {
        let (value, slope) = (Activation::Sigmoid.value(z), Activation::Sigmoid.derivative(z));
        prop_assert!(close(sigmoid(z), value), "σ({}) should be {:e}, not {:e}", z, value, sigmoid(z));
        prop_assert!(
            close(sigmoid_derivative(z), slope),
            "σ′({}) should be σ(z)(1 − σ(z)) = {:e}, not {:e}", z, slope, sigmoid_derivative(z)
        );
    }

    #[test]
    fn ex05_derivatives_match_finite_differences(z in -20.0..20.0f64) {
        let h = 1e-5;
        for (activation, _, phi_prime) in functions() {
            if activation == Activation::Relu && z.abs() <= h {
                continue; // the difference quotient straddles the kink
            }
            let numeric = (activation.value(z + h) - activation.value(z - h)) / (2.0 * h);
            prop_assert!(
                (phi_prime(z) - numeric).abs() <= 1e-9,
                "{:?} at z = {}: the slope measured with h = {:e} is {:e}, but the derivative \
                 returns {:e}",
                activation, z, h, numeric, phi_prime(z)
            );
        }
    }

    #[test]
    fn ex05_tanh_is_a_stretched_sigmoid(z in -30.0..30.0f64) {
        let via_sigmoid = 2.0 * sigmoid(2.0 * z) - 1.0;
        prop_assert!(
            (tanh(z) - via_sigmoid).abs() <= 1e-14,
            "tanh z = 2σ(2z) − 1, but tanh({}) = {} and 2σ({}) − 1 = {}",
            z, tanh(z), 2.0 * z, via_sigmoid
        );
        let slope_via_sigmoid = 4.0 * sigmoid_derivative(2.0 * z);
        prop_assert!(
            (tanh_derivative(z) - slope_via_sigmoid).abs() <= 1e-14,
            "by the chain rule tanh′(z) = 4σ′(2z), but tanh′({}) = {:e} and 4σ′({}) = {:e}",
            z, tanh_derivative(z), 2.0 * z, slope_via_sigmoid
        );
    }
}

// ---------------------------------------------------------------------------
// Group 2: the curves for the figure
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex05_curves_name_and_sample_the_three_functions(
        z in prop::collection::vec(-10.0..10.0f64, 0..50)
    ) {
        let series = curves(&z);
        let names: Vec<&str> = series.iter().map(|(name, _)| name.as_str()).collect();
        prop_assert_eq!(series.len(), 3, "one series per function, three in all; got {:?}", names);
        let mut seen = Vec::new();
        for (name, points) in &series {
            let activation = Activation::from_name(&name.to_lowercase());
            let Some(activation) = activation.filter(|a| {
                matches!(a, Activation::Relu | Activation::Tanh | Activation::Sigmoid)
            }) else {
                return Err(TestCaseError::fail(format!(
                    "series {name:?}: name each series \"relu\", \"tanh\" or \"sigmoid\" (any case), \
                     so that the figure knows which curve it draws"
                )));
            };
            prop_assert!(!seen.contains(&activation), "{:?} appears twice among {:?}", activation, names);
            seen.push(activation);
            prop_assert_eq!(points.len(), z.len(), "series {:?}: one point per entry of z", name);
            for (k, (&(pz, pv), &zk)) in points.iter().zip(&z).enumerate() {
                prop_assert!(
                    pz == zk,
                    "series {:?}, point {}: its first coordinate should be z[{}] = {}, not {}",
                    name, k, k, zk, pz
                );
                prop_assert!(
                    close(pv, activation.value(zk)),
                    "series {:?}, point {}: at z = {} the curve should be at {}, not {}",
                    name, k, zk, activation.value(zk), pv
                );
            }
        }
    }
}
