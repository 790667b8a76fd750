//! Checks for exercise 6: the shapes of an MLP, and its equation.
//!
//! They run against the reference solution by default and against the
//! learner's code with `--features learner`:
//!
//! ```text
//! cargo test -p exercises --features learner ex06
//! ```
//!
//! The first group checks [`shapes`], for the exercise's network (10 inputs,
//! 50 hidden neurons, 3 outputs) and for random sizes. The second checks
//! [`forward`] against the `mlp` crate's `Mlp::predict` (stage 3), built from
//! the same weights, and against the equation written out with loops.

use exercises::ex06::{Shapes, forward, shapes};
use mlp::{Activation, Dense, Mlp};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// Proptest settings for every check: the usual number of cases, but no
/// `proptest-regressions/` files written next to the tests when a check fails
/// (the checks are meant to fail on the stubs, and must leave the tree clean).
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
}

/// Compares each field of `actual` with `expected` and explains the first
/// difference.
fn compare(actual: &Shapes, expected: &Shapes, sizes: &str) -> Result<(), TestCaseError> {
    let fields = [
        (
            "X",
            format!("{:?}", actual.x),
            format!("{:?}", expected.x),
            "one row per instance, one column per input",
        ),
        (
            "W_h",
            format!("{:?}", actual.w_h),
            format!("{:?}", expected.w_h),
            "one row per input of the layer, one column per hidden neuron",
        ),
        ("b_h", format!("{}", actual.b_h), format!("{}", expected.b_h), "one bias per hidden neuron"),
        (
            "W_o",
            format!("{:?}", actual.w_o),
            format!("{:?}", expected.w_o),
            "the output layer's inputs are the hidden layer's outputs: one row per hidden neuron, \
             one column per output neuron",
        ),
        ("b_o", format!("{}", actual.b_o), format!("{}", expected.b_o), "one bias per output neuron"),
        (
            "Y",
            format!("{:?}", actual.y),
            format!("{:?}", expected.y),
            "one row per instance, one column per output neuron",
        ),
    ];
    for (name, got, want, why) in fields {
        prop_assert_eq!(
            &got,
            &want,
            "{}: the shape of {} should be {} ({}), not {}",
            sizes,
            name,
            want,
            why,
            got
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Group 1: the shapes
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex06_shapes_of_the_chapters_network(m in 1..=1000usize) {
        let expected = Shapes { x: (m, 10), w_h: (10, 50), b_h: 50, w_o: (50, 3), b_o: 3, y: (m, 3) };
        let sizes = format!("a batch of {m} instances, 10 inputs, 50 hidden neurons, 3 outputs");
        compare(&shapes(m, 10, 50, 3), &expected, &sizes)?;
    }

    #[test]
    fn ex06_shapes_for_any_sizes(m in 1..=1000usize, n in 1..=1000usize, h in 1..=1000usize, k in 1..=1000usize) {
        let expected = Shapes { x: (m, n), w_h: (n, h), b_h: h, w_o: (h, k), b_o: k, y: (m, k) };
        let sizes = format!("a batch of {m} instances, {n} inputs, {h} hidden neurons, {k} outputs");
        compare(&shapes(m, n, h, k), &expected, &sizes)?;
    }
}

// ---------------------------------------------------------------------------
// Group 2: the equation
// ---------------------------------------------------------------------------

/// A batch and the parameters of a two-layer network.
#[derive(Clone, Debug)]
struct Network {
    x: DMatrix<f64>,
    w_h: DMatrix<f64>,
    b_h: DVector<f64>,
    w_o: DMatrix<f64>,
    b_o: DVector<f64>,
}

/// A random batch of `m` instances for a network of `n` inputs, `h` hidden
/// neurons and `k` outputs: inputs in `[−3, 3]`, weights and biases in
/// `[−1, 1]`, so that some neurons are active and some are not.
fn network(m: usize, n: usize, h: usize, k: usize) -> impl Strategy<Value = Network> {
    let values = |len: usize, bound: f64| prop::collection::vec(-bound..bound, len);
    (values(m * n, 3.0), values(n * h, 1.0), values(h, 1.0), values(h * k, 1.0), values(k, 1.0)).prop_map(
        move |(x, w_h, b_h, w_o, b_o)| Network {
            x: DMatrix::from_row_slice(m, n, &x),
            w_h: DMatrix::from_row_slice(n, h, &w_h),
            b_h: DVector::from_vec(b_h),
            w_o: DMatrix::from_row_slice(h, k, &w_o),
            b_o: DVector::from_vec(b_o),
        },
    )
}

/// Random sizes (batch 1–20, inputs 1–16, hidden 1–60, outputs 1–8) and a
/// network of those sizes.
fn any_network() -> impl Strategy<Value = Network> {
    (1..=20usize, 1..=16usize, 1..=60usize, 1..=8usize).prop_flat_map(|(m, n, h, k)| network(m, n, h, k))
}

/// The same network as an `mlp::Mlp`, ReLU in both layers.
fn as_mlp(net: &Network) -> Mlp {
    let hidden = Dense { w: net.w_h.clone(), b: net.b_h.clone(), activation: Activation::Relu };
    let output = Dense { w: net.w_o.clone(), b: net.b_o.clone(), activation: Activation::Relu };
    Mlp::from_layers(vec![hidden, output]).expect("the two layers fit together")
}

/// `Y = ReLU(ReLU(X W_h + b_h) W_o + b_o)`, one sum at a time.
fn by_loops(net: &Network) -> DMatrix<f64> {
    let (m, n, h, k) = (net.x.nrows(), net.x.ncols(), net.w_h.ncols(), net.w_o.ncols());
    let hidden = DMatrix::from_fn(m, h, |r, j| {
        let z: f64 = (0..n).map(|i| net.x[(r, i)] * net.w_h[(i, j)]).sum::<f64>() + net.b_h[j];
        z.max(0.0)
    });
    DMatrix::from_fn(m, k, |r, c| {
        let z: f64 = (0..h).map(|j| hidden[(r, j)] * net.w_o[(j, c)]).sum::<f64>() + net.b_o[c];
        z.max(0.0)
    })
}

/// Checks `y` against `expected` entry by entry.
fn same_outputs(y: &DMatrix<f64>, expected: &DMatrix<f64>, what: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        y.shape(),
        expected.shape(),
        "Y has one row per instance and one column per output neuron: {:?}, not {:?}",
        expected.shape(),
        y.shape()
    );
    for r in 0..y.nrows() {
        for c in 0..y.ncols() {
            let (got, want) = (y[(r, c)], expected[(r, c)]);
            prop_assert!(
                (got - want).abs() <= 1e-12 * (1.0 + want.abs()),
                "instance {}, output {}: {} gives {}, but forward gives {}. The equation is \
                 Y = ReLU(ReLU(X W_h + b_h) W_o + b_o), with each bias added to every row",
                r,
                c,
                what,
                want,
                got
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex06_forward_matches_mlp_predict(net in any_network()) {
        let y = forward(&net.x, &net.w_h, &net.b_h, &net.w_o, &net.b_o);
        let expected = match as_mlp(&net).predict(&net.x) {
            Ok(expected) => expected,
            Err(e) => return Err(TestCaseError::fail(format!("mlp::Mlp::predict failed: {e}"))),
        };
        same_outputs(&y, &expected, "mlp::Mlp::predict")?;
    }

    #[test]
    fn ex06_forward_computes_the_chapters_network(net in (1..=64usize).prop_flat_map(|m| network(m, 10, 50, 3))) {
        let y = forward(&net.x, &net.w_h, &net.b_h, &net.w_o, &net.b_o);
        prop_assert_eq!(y.shape(), (net.x.nrows(), 3), "10 inputs, 50 hidden neurons, 3 outputs: Y is m × 3");
        prop_assert!(
            y.iter().all(|&v| v >= 0.0),
            "the output layer uses ReLU too, so no output can be negative: {}", y
        );
        same_outputs(&y, &by_loops(&net), "the equation computed one sum at a time")?;
    }

    #[test]
    fn ex06_a_silent_hidden_layer_leaves_only_the_output_biases(
        net in (1..=20usize, 1..=16usize, 1..=60usize, 1..=8usize).prop_flat_map(|(m, n, h, k)| network(m, n, h, k)),
        offset in 1.0..5.0f64,
    ) {
        // Zero hidden weights and negative hidden biases: every hidden neuron
        // outputs ReLU(b_h) = 0, whatever the input.
        let w_h = DMatrix::zeros(net.w_h.nrows(), net.w_h.ncols());
        let b_h = net.b_h.map(|b| -b.abs() - offset);
        let y = forward(&net.x, &w_h, &b_h, &net.w_o, &net.b_o);
        prop_assert_eq!(y.shape(), (net.x.nrows(), net.b_o.len()), "one row per instance, one column per output");
        for r in 0..y.nrows() {
            for c in 0..y.ncols() {
                let want = net.b_o[c].max(0.0);
                prop_assert!(
                    (y[(r, c)] - want).abs() <= 1e-15,
                    "every hidden neuron outputs ReLU(negative) = 0, so output {} of instance {} \
                     must be ReLU(b_o[{}]) = ReLU({}) = {}, not {}",
                    c, r, c, net.b_o[c], want, y[(r, c)]
                );
            }
        }
    }
}
