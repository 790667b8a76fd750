//! Checks for exercise 8: backpropagation, by hand.
//!
//! They run against the reference solution by default and against the
//! learner's code with `--features learner`:
//!
//! ```text
//! cargo test -p exercises --features learner ex08
//! ```
//!
//! The reference is the `autodiff` crate's tape (stage 4): the checks record
//! the same network on it (`matmul`, `add_bias`, `activation`, then the
//! sigmoid + binary cross-entropy `loss`), let reverse-mode autodiff compute
//! the gradients, and compare them with the ones derived by hand. The first
//! group checks the forward pass and the loss, the second the gradients
//! (also against stage 3's `mlp::Mlp`), the third the gradient-descent half:
//! the step itself, a whole training step, a loss that goes down, and XOR
//! learned from scratch.

use autodiff::{Tape, TapeError};
use exercises::ex08::{Activation, Grads, TwoLayer};
use mlp::{Dense, Loss, Mlp, Targets};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// Proptest settings for every check: the usual number of cases, but no
/// `proptest-regressions/` files written next to the tests when a check fails
/// (the checks are meant to fail on the stubs, and must leave the tree clean).
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
}

/// How close the learner's numbers must be to the tape's: `1e-9`, relative
/// to the size of the value.
const TOLERANCE: f64 = 1e-9;

// ---------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------

/// A network, a batch, its 0/1 targets and the hidden activation.
#[derive(Clone, Debug)]
struct Case {
    net: TwoLayer,
    x: DMatrix<f64>,
    y: DMatrix<f64>,
    hidden: Activation,
}

/// The hidden activations the checks try: the three of the chapter, and two
/// more, so that the derivative has to come from `hidden.derivative`.
fn hidden_activation() -> impl Strategy<Value = Activation> {
    prop::sample::select(vec![
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Relu,
        Activation::Softplus,
        Activation::Identity,
    ])
}

/// A random case of `m` instances, `n` inputs, `h` hidden neurons and `k`
/// outputs: inputs in `[−3, 3]`, weights and biases in `[−1, 1]`.
fn case_of(m: usize, n: usize, h: usize, k: usize) -> impl Strategy<Value = Case> {
    let values = |len: usize, bound: f64| prop::collection::vec(-bound..bound, len);
    (
        (values(n * h, 1.0), values(h, 1.0), values(h * k, 1.0), values(k, 1.0)),
        values(m * n, 3.0),
        prop::collection::vec(any::<bool>(), m * k),
        hidden_activation(),
    )
        .prop_map(move |((w1, b1, w2, b2), x, y, hidden)| Case {
            net: TwoLayer {
                w1: DMatrix::from_row_slice(n, h, &w1),
                b1: DVector::from_vec(b1),
                w2: DMatrix::from_row_slice(h, k, &w2),
                b2: DVector::from_vec(b2),
            },
            x: DMatrix::from_row_slice(m, n, &x),
            y: DMatrix::from_row_slice(m, k, &y.iter().map(|&t| f64::from(u8::from(t))).collect::<Vec<_>>()),
            hidden,
        })
}

/// Random sizes (batch 1–10, inputs 1–6, hidden 1–8, outputs 1–3) and a case
/// of those sizes.
fn any_case() -> impl Strategy<Value = Case> {
    (1..=10usize, 1..=6usize, 1..=8usize, 1..=3usize).prop_flat_map(|(m, n, h, k)| case_of(m, n, h, k))
}

/// A short description of a case's sizes, for the messages.
fn sizes(case: &Case) -> String {
    format!(
        "{} instances, {} inputs, {} {:?} hidden neurons, {} sigmoid outputs",
        case.x.nrows(),
        case.x.ncols(),
        case.net.w1.ncols(),
        case.hidden,
        case.net.w2.ncols()
    )
}

// ---------------------------------------------------------------------------
// The reference: the same network, recorded on a tape
// ---------------------------------------------------------------------------

/// What the tape computes for a case: the forward values, the loss and the
/// gradient of the loss with respect to every parameter.
struct Reference {
    z1: DMatrix<f64>,
    a1: DMatrix<f64>,
    z2: DMatrix<f64>,
    a2: DMatrix<f64>,
    loss: f64,
    w1: DMatrix<f64>,
    b1: DVector<f64>,
    w2: DMatrix<f64>,
    b2: DVector<f64>,
}

fn tape_failed(e: TapeError) -> TestCaseError {
    TestCaseError::fail(format!("the reference tape rejected the network: {e}"))
}

/// A bias vector as the 1×n row the tape's `add_bias` expects.
fn row(b: &DVector<f64>) -> DMatrix<f64> {
    DMatrix::from_row_slice(1, b.len(), b.as_slice())
}

/// A 1×n row of gradients back into a vector.
fn vector(row: &DMatrix<f64>) -> DVector<f64> {
    DVector::from_column_slice(row.as_slice())
}

/// Records the network of `case` on a fresh tape, runs the backward pass
/// from the loss and reads everything back.
fn on_tape(
    net: &TwoLayer,
    x: &DMatrix<f64>,
    y: &DMatrix<f64>,
    hidden: Activation,
) -> Result<Reference, TestCaseError> {
    let mut tape = Tape::<f64>::new();
    let w1 = tape.parameter(net.w1.clone()).map_err(tape_failed)?;
    let b1 = tape.parameter(row(&net.b1)).map_err(tape_failed)?;
    let w2 = tape.parameter(net.w2.clone()).map_err(tape_failed)?;
    let b2 = tape.parameter(row(&net.b2)).map_err(tape_failed)?;
    let x = tape.constant(x);
    let xw1 = tape.matmul(x, w1).map_err(tape_failed)?;
    let z1 = tape.add_bias(xw1, b1).map_err(tape_failed)?;
    let a1 = tape.activation(z1, hidden).map_err(tape_failed)?;
    let a1w2 = tape.matmul(a1, w2).map_err(tape_failed)?;
    let z2 = tape.add_bias(a1w2, b2).map_err(tape_failed)?;
    let loss = tape
        .loss(z2, Activation::Sigmoid, Loss::BinaryCrossEntropy, Targets::Dense(y))
        .map_err(tape_failed)?;
    tape.backward(loss).map_err(tape_failed)?;
    let mut a2 = tape.value(z2).clone();
    Activation::Sigmoid.forward_mut(&mut a2);
    Ok(Reference {
        z1: tape.value(z1).clone(),
        a1: tape.value(a1).clone(),
        z2: tape.value(z2).clone(),
        a2,
        loss: tape.value(loss)[(0, 0)],
        w1: tape.grad(w1).clone(),
        b1: vector(tape.grad(b1)),
        w2: tape.grad(w2).clone(),
        b2: vector(tape.grad(b2)),
    })
}

fn reference(case: &Case) -> Result<Reference, TestCaseError> {
    on_tape(&case.net, &case.x, &case.y, case.hidden)
}

/// `|got − want| ≤ 1e-9 (1 + |want|)`.
fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= TOLERANCE * (1.0 + want.abs())
}

/// Compares `got` with `want` (shape, then entry by entry) and explains the
/// first difference: `name` is what is compared, `how` how it is computed.
fn same_matrix(
    got: &DMatrix<f64>,
    want: &DMatrix<f64>,
    name: &str,
    how: &str,
    case: &Case,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        got.shape(),
        want.shape(),
        "{}: {} should be {}×{}, not {}×{} ({})",
        sizes(case),
        name,
        want.nrows(),
        want.ncols(),
        got.nrows(),
        got.ncols(),
        how
    );
    for r in 0..want.nrows() {
        for c in 0..want.ncols() {
            prop_assert!(
                close(got[(r, c)], want[(r, c)]),
                "{}: entry ({}, {}) of {} is {}, but reverse-mode autodiff on the tape finds {} ({})",
                sizes(case),
                r,
                c,
                name,
                got[(r, c)],
                want[(r, c)],
                how
            );
        }
    }
    Ok(())
}

/// [`same_matrix`] for vectors (bias gradients), shown as one column.
fn same_vector(
    got: &DVector<f64>,
    want: &DVector<f64>,
    name: &str,
    how: &str,
    case: &Case,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        got.len(),
        want.len(),
        "{}: {} should have {} entries, one per neuron, not {} ({})",
        sizes(case),
        name,
        want.len(),
        got.len(),
        how
    );
    for (j, (&g, &w)) in got.iter().zip(want.iter()).enumerate() {
        prop_assert!(
            close(g, w),
            "{}: entry {} of {} is {}, but reverse-mode autodiff on the tape finds {} ({})",
            sizes(case),
            j,
            name,
            g,
            w,
            how
        );
    }
    Ok(())
}

/// Compares the learner's loss with the tape's.
fn same_loss(got: f64, want: f64, case: &Case) -> Result<(), TestCaseError> {
    prop_assert!(
        close(got, want),
        "{}: the loss is {}, but the tape finds {}. J is binary cross-entropy averaged over all m·k \
         entries; compute each entry from its logit, as softplus(z) − z·y, so that it stays finite \
         when σ(z) rounds to 0 or 1",
        sizes(case),
        got,
        want
    );
    Ok(())
}

const HOW_DW2: &str = "∂J/∂W2 = A1ᵀ Δ2, with Δ2 = (σ(Z2) − Y) / (m·k)";
const HOW_DB2: &str = "∂J/∂b2 is the sum of each column of Δ2 = (σ(Z2) − Y) / (m·k)";
const HOW_DW1: &str = "∂J/∂W1 = Xᵀ Δ1, with Δ1 = (Δ2 W2ᵀ) ⊙ φ′(Z1)";
const HOW_DB1: &str = "∂J/∂b1 is the sum of each column of Δ1 = (Δ2 W2ᵀ) ⊙ φ′(Z1)";

// ---------------------------------------------------------------------------
// Group 1: the forward pass and the loss
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex08_forward_keeps_what_the_tape_records(case in any_case()) {
        let f = case.net.forward(&case.x, case.hidden);
        let r = reference(&case)?;
        same_matrix(&f.z1, &r.z1, "Z1", "Z1 = X W1 + b1, b1 added to every row", &case)?;
        same_matrix(&f.a1, &r.a1, "A1", "A1 = φ(Z1) entry by entry, with φ = hidden.value", &case)?;
        same_matrix(&f.z2, &r.z2, "Z2", "Z2 = A1 W2 + b2, b2 added to every row", &case)?;
        same_matrix(&f.a2, &r.a2, "A2", "A2 = σ(Z2) entry by entry", &case)?;
    }

    #[test]
    fn ex08_loss_matches_the_tape(case in any_case()) {
        let grads = case.net.gradients(&case.x, &case.y, case.hidden);
        let r = reference(&case)?;
        same_loss(grads.loss, r.loss, &case)?;
    }

    #[test]
    fn ex08_loss_stays_finite_for_large_logits(case in any_case(), scale in 20.0..60.0f64) {
        // Large output weights push the logits far from 0, up to several
        // hundred, where σ(z) rounds to exactly 0 or 1.
        let mut case = case;
        case.net.w2 *= scale;
        case.net.b2 *= scale;
        let grads = case.net.gradients(&case.x, &case.y, case.hidden);
        let r = reference(&case)?;
        prop_assert!(
            grads.loss.is_finite(),
            "{}: with logits up to {:.0}, the loss is {}; the tape finds {}. ln(1 − σ(z)) is −∞ once σ(z) \
             rounds to 1: compute each entry as softplus(z) − z·y instead",
            sizes(&case), r.z2.amax(), grads.loss, r.loss
        );
        same_loss(grads.loss, r.loss, &case)?;
    }
}

// ---------------------------------------------------------------------------
// Group 2: the backward pass
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex08_output_layer_gradients_match_the_tape(case in any_case()) {
        let grads = case.net.gradients(&case.x, &case.y, case.hidden);
        let r = reference(&case)?;
        same_matrix(&grads.w2, &r.w2, "∂J/∂W2", HOW_DW2, &case)?;
        same_vector(&grads.b2, &r.b2, "∂J/∂b2", HOW_DB2, &case)?;
    }

    #[test]
    fn ex08_hidden_layer_gradients_match_the_tape(case in any_case()) {
        let grads = case.net.gradients(&case.x, &case.y, case.hidden);
        let r = reference(&case)?;
        same_matrix(&grads.w1, &r.w1, "∂J/∂W1", HOW_DW1, &case)?;
        same_vector(&grads.b1, &r.b1, "∂J/∂b1", HOW_DB1, &case)?;
    }

    #[test]
    fn ex08_gradients_match_stage_3s_backpropagation(case in any_case()) {
        let grads = case.net.gradients(&case.x, &case.y, case.hidden);
        let net = &case.net;
        let layers = vec![
            Dense { w: net.w1.clone(), b: net.b1.clone(), activation: case.hidden },
            Dense { w: net.w2.clone(), b: net.b2.clone(), activation: Activation::Sigmoid },
        ];
        let mlp = Mlp::from_layers(layers).map_err(|e| TestCaseError::fail(format!("mlp::Mlp: {e}")))?;
        let (loss, g) = mlp
            .loss_and_gradients(&case.x, Targets::Dense(&case.y), Loss::BinaryCrossEntropy, 0.0)
            .map_err(|e| TestCaseError::fail(format!("mlp::Mlp::loss_and_gradients: {e}")))?;
        same_loss(grads.loss, loss, &case)?;
        same_matrix(&grads.w1, &g.w[0], "∂J/∂W1", HOW_DW1, &case)?;
        same_vector(&grads.b1, &g.b[0], "∂J/∂b1", HOW_DB1, &case)?;
        same_matrix(&grads.w2, &g.w[1], "∂J/∂W2", HOW_DW2, &case)?;
        same_vector(&grads.b2, &g.b[1], "∂J/∂b2", HOW_DB2, &case)?;
    }
}

// ---------------------------------------------------------------------------
// Group 3: gradient descent
// ---------------------------------------------------------------------------

/// `before − η·g`, entry by entry, checked against `after`.
fn moved_against(
    after: &[f64],
    before: &[f64],
    g: &[f64],
    eta: f64,
    name: &str,
    case: &Case,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        after.len(),
        before.len(),
        "{}: the step must not change the shape of {}",
        sizes(case),
        name
    );
    for (j, ((&a, &b), &g)) in after.iter().zip(before).zip(g).enumerate() {
        let want = b - eta * g;
        prop_assert!(
            close(a, want),
            "{}: entry {} of {} was {}, its gradient is {} and η = {}, so after the step it should be \
             {} − η·{} = {}, not {}",
            sizes(case),
            j,
            name,
            b,
            g,
            eta,
            b,
            g,
            want,
            a
        );
    }
    Ok(())
}

/// Checks that `after` is `before` moved by `−η` times the gradients `g`.
fn moved_net(
    after: &TwoLayer,
    before: &TwoLayer,
    g: &Grads,
    eta: f64,
    case: &Case,
) -> Result<(), TestCaseError> {
    moved_against(after.w1.as_slice(), before.w1.as_slice(), g.w1.as_slice(), eta, "W1", case)?;
    moved_against(after.b1.as_slice(), before.b1.as_slice(), g.b1.as_slice(), eta, "b1", case)?;
    moved_against(after.w2.as_slice(), before.w2.as_slice(), g.w2.as_slice(), eta, "W2", case)?;
    moved_against(after.b2.as_slice(), before.b2.as_slice(), g.b2.as_slice(), eta, "b2", case)?;
    Ok(())
}

/// Random gradients shaped like the parameters of `net`.
fn random_grads(net: &TwoLayer, values: &[f64]) -> Grads {
    let mut values = values.iter().copied().cycle();
    let mut take = |r: usize, c: usize| DMatrix::from_fn(r, c, |_, _| values.next().unwrap_or(0.5));
    let w1 = take(net.w1.nrows(), net.w1.ncols());
    let b1 = vector(&take(1, net.b1.len()));
    let w2 = take(net.w2.nrows(), net.w2.ncols());
    let b2 = vector(&take(1, net.b2.len()));
    Grads { w1, b1, w2, b2, loss: f64::NAN }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex08_step_moves_every_parameter_against_its_gradient(
        case in any_case(),
        values in prop::collection::vec(-2.0..2.0f64, 1..=40),
        eta in 1e-3..1.0f64,
    ) {
        let grads = random_grads(&case.net, &values);
        let mut net = case.net.clone();
        net.step(&grads, eta);
        moved_net(&net, &case.net, &grads, eta, &case)?;
    }

    #[test]
    fn ex08_train_step_is_gradients_then_step(case in any_case(), eta in 1e-3..1.0f64) {
        let r = reference(&case)?;
        let tape_grads = Grads { w1: r.w1, b1: r.b1, w2: r.w2, b2: r.b2, loss: r.loss };
        let mut net = case.net.clone();
        let loss = net.train_step(&case.x, &case.y, case.hidden, eta);
        prop_assert!(
            close(loss, r.loss),
            "{}: train_step returned {}, but the loss before the step is {} (the tape's)",
            sizes(&case), loss, r.loss
        );
        moved_net(&net, &case.net, &tape_grads, eta, &case)?;
    }

    #[test]
    fn ex08_a_small_step_lowers_the_loss(case in any_case()) {
        let eta = 1e-4;
        let before = reference(&case)?;
        let norm2 = before.w1.norm_squared() + before.b1.norm_squared()
            + before.w2.norm_squared() + before.b2.norm_squared();
        let mut net = case.net.clone();
        let grads = net.gradients(&case.x, &case.y, case.hidden);
        net.step(&grads, eta);
        let after = on_tape(&net, &case.x, &case.y, case.hidden)?;
        // Where the gradient all but vanishes, the change of the loss is lost
        // in rounding; where a ReLU unit crosses its kink during the step, the
        // loss is not smooth along the step. Neither says anything about the
        // code, so those cases are skipped.
        let kink_crossed = case.hidden == Activation::Relu
            && before.z1.iter().zip(after.z1.iter()).any(|(&b, &a)| (b > 0.0) != (a > 0.0));
        if norm2 > 1e-8 && !kink_crossed {
            prop_assert!(
                after.loss < before.loss,
                "{}: a step of η = {} against the gradient should lower the loss by about η‖∇J‖² = {:e}, \
                 but it went from {} to {}. Does step subtract η times each gradient, and does each gradient \
                 belong to its own parameter?",
                sizes(&case), eta, eta * norm2, before.loss, after.loss
            );
        }
    }
}

/// XOR (Figure 10-6, right), learned by a 2-4-1 tanh network from small,
/// asymmetric starting weights by 2,000 full-batch training steps.
#[test]
fn ex08_backprop_learns_xor() {
    let x = DMatrix::from_row_slice(4, 2, &[0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0]);
    let y = DMatrix::from_column_slice(4, 1, &[0.0, 1.0, 1.0, 0.0]);
    let mut net = TwoLayer {
        w1: DMatrix::from_row_slice(2, 4, &[0.5, -0.4, 0.3, -0.2, 0.1, 0.6, -0.5, 0.4]),
        b1: DVector::from_column_slice(&[0.1, -0.1, 0.2, 0.0]),
        w2: DMatrix::from_column_slice(4, 1, &[0.3, -0.2, 0.4, 0.1]),
        b2: DVector::from_column_slice(&[0.0]),
    };
    let first = net.train_step(&x, &y, Activation::Tanh, 0.5);
    let mut last = first;
    for _ in 1..2000 {
        last = net.train_step(&x, &y, Activation::Tanh, 0.5);
    }
    let p = on_tape(&net, &x, &y, Activation::Tanh).map(|r| r.a2).unwrap_or_else(|e| panic!("{e:?}"));
    let predicted: Vec<u8> = p.iter().map(|&p| u8::from(p >= 0.5)).collect();
    assert_eq!(
        predicted,
        vec![0, 1, 1, 0],
        "after 2,000 training steps (η = 0.5) the network should compute XOR; its probabilities are {:?} \
         and the loss went from {first} to {last}",
        p.as_slice()
    );
    assert!(
        last < 0.1 * first,
        "2,000 training steps (η = 0.5) on XOR should cut the loss tenfold at least; it went from {first} \
         to {last}"
    );
}
