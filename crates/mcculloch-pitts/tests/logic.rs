//! Exhaustive truth tables for Figure 10-3, and random logic formulas
//! compiled into networks.

use mcculloch_pitts::{Network, NetworkError, Signal, Unit, figure_10_3};
use nalgebra::DMatrix;
use proptest::prelude::*;

/// The output column of a network's full truth table.
fn column(net: &Network) -> Vec<bool> {
    net.truth_table().unwrap().into_iter().map(|(_, out)| out[0]).collect()
}

#[test]
fn figure_10_3_networks_compute_their_propositions() {
    assert_eq!(column(&figure_10_3::identity()), [false, true]);
    assert_eq!(column(&figure_10_3::not()), [true, false]);
    // Rows in the order (A, B) = 00, 01, 10, 11.
    let rows = [(false, false), (false, true), (true, false), (true, true)];
    let expect = |f: fn(bool, bool) -> bool| rows.iter().map(|&(a, b)| f(a, b)).collect::<Vec<_>>();
    assert_eq!(column(&figure_10_3::and()), expect(|a, b| a && b));
    assert_eq!(column(&figure_10_3::or()), expect(|a, b| a || b));
    assert_eq!(column(&figure_10_3::a_and_not_b()), expect(|a, b| a && !b));
}

#[test]
fn inhibition_is_absolute() {
    // However many excitatory connections are active, one active
    // inhibitory connection vetoes firing.
    let mut net = Network::new(3);
    let (a, b, c) = (Signal::Input(0), Signal::Input(1), Signal::Input(2));
    let u = net.add(Unit::new(1).excite(a, 50).excite(b, 50).inhibit(c)).unwrap();
    net.set_outputs(&[u]).unwrap();
    let x = DMatrix::from_row_slice(2, 3, &[1.0, 1.0, 1.0, 1.0, 1.0, 0.0]);
    assert_eq!(net.evaluate(&x).unwrap().as_slice(), &[0.0, 1.0]);
}

#[test]
fn bad_networks_and_inputs_are_errors() {
    let mut net = Network::new(2);
    let err = net.add(Unit::new(1).excite(Signal::Unit(0), 1)).unwrap_err();
    assert!(matches!(err, NetworkError::UnknownSignal { .. }), "{err}");
    assert!(net.input(2).is_err());
    assert_eq!(net.evaluate(&DMatrix::zeros(1, 2)).unwrap_err(), NetworkError::NoOutputs);
    let and = figure_10_3::and();
    let err = and.evaluate(&DMatrix::zeros(4, 3)).unwrap_err();
    assert_eq!(err, NetworkError::InputWidth { expected: 2, found: 3 });
    let err = and.evaluate(&DMatrix::from_row_slice(2, 2, &[0.0, 1.0, 0.5, 1.0])).unwrap_err();
    assert_eq!(err, NetworkError::NotBinary { row: 1, column: 0, value: 0.5 });
    assert!(err.to_string().contains("row 1, column 0 is 0.5"), "{err}");
}

/// A random Boolean formula over some inputs.
#[derive(Clone, Debug)]
enum Formula {
    Var(usize),
    Not(Box<Formula>),
    And(Box<Formula>, Box<Formula>),
    Or(Box<Formula>, Box<Formula>),
}

impl Formula {
    fn eval(&self, x: &[bool]) -> bool {
        match self {
            Formula::Var(i) => x[*i],
            Formula::Not(f) => !f.eval(x),
            Formula::And(f, g) => f.eval(x) && g.eval(x),
            Formula::Or(f, g) => f.eval(x) || g.eval(x),
        }
    }

    /// Builds the formula out of AND, OR and NOT units.
    fn compile(&self, net: &mut Network) -> Signal {
        match self {
            Formula::Var(i) => net.input(*i).unwrap(),
            Formula::Not(f) => {
                let a = f.compile(net);
                net.not(a).unwrap()
            }
            Formula::And(f, g) => {
                let (a, b) = (f.compile(net), g.compile(net));
                net.and(a, b).unwrap()
            }
            Formula::Or(f, g) => {
                let (a, b) = (f.compile(net), g.compile(net));
                net.or(a, b).unwrap()
            }
        }
    }
}

fn formula(inputs: usize) -> impl Strategy<Value = Formula> {
    let leaf = (0..inputs).prop_map(Formula::Var);
    leaf.prop_recursive(6, 48, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|f| Formula::Not(Box::new(f))),
            (inner.clone(), inner.clone()).prop_map(|(f, g)| Formula::And(Box::new(f), Box::new(g))),
            (inner.clone(), inner).prop_map(|(f, g)| Formula::Or(Box::new(f), Box::new(g))),
        ]
    })
}

/// Evaluates a network unit by unit with [`Unit::fires`], the rule itself,
/// without any matrix.
fn reference(net: &Network, x: &[bool]) -> Vec<bool> {
    let mut fired: Vec<bool> = Vec::new();
    for unit in net.units() {
        let on = unit.fires(|s| match s {
            Signal::Input(i) => x[i],
            Signal::Unit(k) => fired[k],
        });
        fired.push(on);
    }
    net.outputs()
        .iter()
        .map(|&s| match s {
            Signal::Input(i) => x[i],
            Signal::Unit(k) => fired[k],
        })
        .collect()
}

proptest! {
    #[test]
    fn random_formulas_agree_with_their_networks(
        (inputs, f) in (1usize..6).prop_flat_map(|n| (Just(n), formula(n)))
    ) {
        let mut net = Network::new(inputs);
        let out = f.compile(&mut net);
        net.set_outputs(&[out]).unwrap();
        for (x, y) in net.truth_table().unwrap() {
            prop_assert_eq!(y[0], f.eval(&x), "inputs {:?}", x);
            prop_assert_eq!(reference(&net, &x), y);
        }
    }

    #[test]
    fn batch_evaluation_equals_row_by_row(
        (inputs, f) in (1usize..6).prop_flat_map(|n| (Just(n), formula(n))),
        rows in proptest::collection::vec(any::<u32>(), 1..40),
    ) {
        let mut net = Network::new(inputs);
        let out = f.compile(&mut net);
        net.set_outputs(&[out]).unwrap();
        let x = DMatrix::from_fn(rows.len(), inputs, |r, c| f64::from((rows[r] >> c) & 1));
        let batch = net.evaluate(&x).unwrap();
        for r in 0..rows.len() {
            let one = net.evaluate(&x.rows(r, 1).into_owned()).unwrap();
            prop_assert_eq!(one[(0, 0)], batch[(r, 0)]);
        }
    }
}
