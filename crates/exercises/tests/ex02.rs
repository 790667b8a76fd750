//! Checks for exercise 2: exclusive OR from McCulloch–Pitts units.
//!
//! They run against the reference solution by default and against the
//! learner's code with `--features learner`:
//!
//! ```text
//! cargo test -p exercises --features learner ex02
//! ```
//!
//! Every network is evaluated twice: by the network itself
//! ([`Network::evaluate`] and [`Network::truth_table`], which run each layer
//! of units as a threshold logic layer through the affine kernel), and by
//! [`fire_unit_by_unit`] below, which applies the McCulloch–Pitts rule
//! ([`Unit::fires`]) to one unit after another. Both must give `A ⊕ B`.

use exercises::ex02::{Network, NetworkError, Signal, Unit, xor, xor_of};
use nalgebra::DMatrix;
use proptest::prelude::*;
use proptest::sample::Index;

/// Proptest settings for every check: the usual number of cases, but no
/// `proptest-regressions/` files written next to the tests when a check fails
/// (the checks are meant to fail on the stubs, and must leave the tree clean).
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Fires the units of `net` one after the other, in the order they were
/// added, with the McCulloch–Pitts rule of [`Unit::fires`], for the input
/// values `inputs`. Returns whether each unit fires.
///
/// A network only lets a unit listen to inputs and to earlier units, so when
/// a unit's turn comes, everything it listens to is already known.
fn fire_unit_by_unit(net: &Network, inputs: &[bool]) -> Vec<bool> {
    let mut fired: Vec<bool> = Vec::with_capacity(net.units().len());
    for (k, unit) in net.units().iter().enumerate() {
        let fires = unit.fires(|s| match s {
            Signal::Input(i) => inputs[i],
            Signal::Unit(j) => {
                assert!(j < k, "unit {k} listens to unit {j}, which comes after it");
                fired[j]
            }
        });
        fired.push(fires);
    }
    fired
}

/// The value of `signal` given the input values and what each unit did.
fn value(signal: Signal, inputs: &[bool], fired: &[bool]) -> bool {
    match signal {
        Signal::Input(i) => inputs[i],
        Signal::Unit(k) => fired[k],
    }
}

/// The bits of `row` as `n` input values, input 0 first (the most
/// significant bit, as in [`Network::truth_table`]).
fn bits(row: usize, n: usize) -> Vec<bool> {
    (0..n).map(|c| (row >> (n - 1 - c)) & 1 == 1).collect()
}

fn on_off(b: bool) -> u8 {
    u8::from(b)
}

/// A batch of input rows for [`Network::evaluate`], values 0.0 and 1.0.
fn batch(rows: &[Vec<bool>], inputs: usize) -> DMatrix<f64> {
    DMatrix::from_fn(rows.len(), inputs, |r, c| f64::from(u8::from(rows[r][c])))
}

// ---------------------------------------------------------------------------
// Group 1: the XOR network
// ---------------------------------------------------------------------------

#[test]
fn ex02_xor_is_a_network_of_units_with_two_inputs_and_one_output() {
    let net = xor();
    assert_eq!(net.inputs(), 2, "A ⊕ B has two inputs, A (input 0) and B (input 1): use Network::new(2)");
    assert_eq!(
        net.outputs().len(),
        1,
        "the network must have exactly one output, the unit that carries A ⊕ B (set_outputs)"
    );
    let output = net.outputs()[0];
    let Signal::Unit(k) = output else {
        panic!(
            "the output is {output:?}, an input passed straight through: the output of the network \
             must be one of its units"
        );
    };
    assert!(k < net.units().len(), "the output names unit {k}, but the network has no such unit");
    assert!(
        net.units().len() >= 2,
        "one McCulloch–Pitts unit cannot compute A ⊕ B: if A alone reaches its threshold, A and B \
         together reach it too (and an inhibitory connection from A or B would silence a case that \
         must fire), so the network needs at least two units, in two layers"
    );
    for (j, unit) in net.units().iter().enumerate() {
        for source in unit.sources() {
            if let Signal::Input(i) = source {
                assert!(i < 2, "unit {j} listens to input {i}, but the network only has inputs 0 and 1");
            }
        }
    }
}

#[test]
fn ex02_xor_truth_table_is_exclusive_or() {
    let net = xor();
    let table = net.truth_table().unwrap_or_else(|e| panic!("the truth table cannot be computed: {e}"));
    assert_eq!(table.len(), 4, "a network with two inputs has a truth table of four rows");
    for (inputs, outputs) in &table {
        let (a, b) = (inputs[0], inputs[1]);
        assert_eq!(outputs.len(), 1, "one output per row");
        assert_eq!(
            outputs[0],
            a != b,
            "A = {}, B = {}: the network outputs {}, but A ⊕ B is {} (on when exactly one input is on)\n\
             the network:\n{net}",
            on_off(a),
            on_off(b),
            on_off(outputs[0]),
            on_off(a != b),
        );
    }
}

#[test]
fn ex02_xor_unit_by_unit_agrees_with_evaluate() {
    let net = xor();
    let table = net.truth_table().unwrap_or_else(|e| panic!("the truth table cannot be computed: {e}"));
    for (inputs, outputs) in &table {
        let fired = fire_unit_by_unit(&net, inputs);
        let by_rule = value(net.outputs()[0], inputs, &fired);
        assert_eq!(
            by_rule,
            outputs[0],
            "A = {}, B = {}: firing the units one by one gives {} but evaluate gives {}",
            on_off(inputs[0]),
            on_off(inputs[1]),
            on_off(by_rule),
            on_off(outputs[0]),
        );
        assert_eq!(
            by_rule,
            inputs[0] != inputs[1],
            "A = {}, B = {}: firing the units one by one with the McCulloch–Pitts rule gives {}, but \
             A ⊕ B is {}\nthe network:\n{net}",
            on_off(inputs[0]),
            on_off(inputs[1]),
            on_off(by_rule),
            on_off(inputs[0] != inputs[1]),
        );
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex02_xor_evaluates_random_batches_row_by_row(
        rows in prop::collection::vec(prop::collection::vec(any::<bool>(), 2), 1..=64)
    ) {
        let net = xor();
        let y = net.evaluate(&batch(&rows, 2));
        let y = match y {
            Ok(y) => y,
            Err(e) => return Err(TestCaseError::fail(format!("evaluate failed: {e}"))),
        };
        prop_assert_eq!(y.shape(), (rows.len(), 1), "one row per input row, one column for the output");
        for (r, row) in rows.iter().enumerate() {
            let expected = row[0] != row[1];
            prop_assert!(
                y[(r, 0)] == f64::from(u8::from(expected)),
                "batch row {}: A = {}, B = {} gives {}, but A ⊕ B is {}",
                r, on_off(row[0]), on_off(row[1]), y[(r, 0)], on_off(expected)
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Group 2: XOR inside a bigger network
// ---------------------------------------------------------------------------

/// Builds a network of `n` inputs and chains `xor_of` along `picks`: each
/// step XORs two signals chosen among the inputs and the results of the
/// earlier steps (possibly the same signal twice). Every result becomes an
/// output. When `distractors` is set, the network first gets a few unrelated
/// units (an always-on unit among them, through `not`), which `xor_of` must
/// leave alone.
///
/// Returns the network and, for each output, the set of inputs it XORs, as a
/// bit mask (bit `i` for input `i`): XOR-ing two results XORs their masks, and
/// a result is on when an odd number of the inputs in its mask are on.
fn chain(n: usize, picks: &[(Index, Index)], distractors: bool) -> Result<(Network, Vec<u32>), NetworkError> {
    let mut net = Network::new(n);
    if distractors {
        let a = net.input(0)?;
        let b = net.input(n - 1)?;
        let not_a = net.not(a)?;
        net.and(not_a, b)?;
        net.add(Unit::new(3).excite(a, 1).excite(b, 2))?;
    }
    let mut pool: Vec<(Signal, u32)> = (0..n).map(|i| (Signal::Input(i), 1 << i)).collect();
    let mut outputs = Vec::new();
    let mut masks = Vec::new();
    for (i, j) in picks {
        let (a, mask_a) = pool[i.index(pool.len())];
        let (b, mask_b) = pool[j.index(pool.len())];
        let c = xor_of(&mut net, a, b)?;
        pool.push((c, mask_a ^ mask_b));
        outputs.push(c);
        masks.push(mask_a ^ mask_b);
    }
    net.set_outputs(&outputs)?;
    Ok((net, masks))
}

fn inputs_of(mask: u32, n: usize) -> String {
    let names: Vec<String> = (0..n).filter(|i| (mask >> i) & 1 == 1).map(|i| format!("x{i}")).collect();
    if names.is_empty() { "no input (constant off)".to_string() } else { names.join(" ⊕ ") }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ex02_xor_of_chains_into_parity_functions(
        (n, picks, distractors) in (2..=6usize).prop_flat_map(|n| (
            Just(n),
            prop::collection::vec((any::<Index>(), any::<Index>()), 1..=8),
            any::<bool>(),
        ))
    ) {
        let (net, masks) = match chain(n, &picks, distractors) {
            Ok(built) => built,
            Err(e) => return Err(TestCaseError::fail(format!("building the chain failed: {e}"))),
        };
        let table = match net.truth_table() {
            Ok(table) => table,
            Err(e) => return Err(TestCaseError::fail(format!("the truth table cannot be computed: {e}"))),
        };
        prop_assert_eq!(table.len(), 1 << n);
        for (row, (inputs, outputs)) in table.iter().enumerate() {
            prop_assert_eq!(inputs, &bits(row, n));
            let fired = fire_unit_by_unit(&net, inputs);
            for (k, (&mask, &out)) in masks.iter().zip(outputs).enumerate() {
                let ones = (0..n).filter(|&i| (mask >> i) & 1 == 1 && inputs[i]).count();
                let expected = ones % 2 == 1;
                prop_assert_eq!(
                    out, expected,
                    "xor_of call {} computes {}; with inputs {:?} it gives {}, expected {} (on when an \
                     odd number of those inputs are on)",
                    k, inputs_of(mask, n), inputs.iter().map(|&b| on_off(b)).collect::<Vec<_>>(),
                    on_off(out), on_off(expected)
                );
                let by_rule = value(net.outputs()[k], inputs, &fired);
                prop_assert_eq!(
                    by_rule, out,
                    "xor_of call {}: firing the units one by one gives {}, evaluate gives {}",
                    k, on_off(by_rule), on_off(out)
                );
            }
        }
    }

    #[test]
    fn ex02_xor_of_rejects_signals_the_network_does_not_have(
        (n, beyond, unknown_first) in (1..=6usize, 0..=10usize, any::<bool>())
    ) {
        let mut net = Network::new(n);
        let known = Signal::Input(0);
        let unknown = Signal::Input(n + beyond);
        let (a, b) = if unknown_first { (unknown, known) } else { (known, unknown) };
        let result = xor_of(&mut net, a, b);
        prop_assert!(
            matches!(result, Err(NetworkError::UnknownSignal { .. })),
            "xor_of(net, {:?}, {:?}) on a network of {} inputs should fail with \
             NetworkError::UnknownSignal, since {:?} does not exist; it returned {:?}",
            a, b, n, unknown, result
        );
    }
}
