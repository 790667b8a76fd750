//! Forward mode (dual numbers, one pass per input) and reverse mode (the
//! tape, one backward pass) give the same derivatives.
//!
//! Random scalar programs over one to three inputs are evaluated twice: on
//! dual numbers, once per input, and on the tape with 1×1 matrices, once
//! forward and once backward. Each step of a program applies an operation
//! to earlier results, so a result can feed several later steps (the
//! expression is a graph, not only a tree) and the tape must add up the
//! gradient along every path. The operations are those both sides have:
//! sums, differences, products (elementwise and 1×1 matrix products),
//! scaling, the ℓ2 penalty, the smooth activations tanh, sigmoid and
//! softplus, and constants.

use autodiff::{Dual, Tape, Var};
use mlp::Activation;
use nalgebra::DMatrix;
use proptest::prelude::*;

/// One step: an operation code, two operand picks and a constant.
type Step = (u8, u8, u8, f64);

/// The operations, by code.
const OPS: u8 = 10;

/// The operands of a step: the first among the four latest results (so
/// that programs grow deep), the second among all of them.
fn operands(len: usize, i: u8, j: u8) -> (usize, usize) {
    (len - 1 - usize::from(i) % len.min(4), usize::from(j) % len)
}

/// Runs the program on dual numbers: one forward pass. Returns the last
/// result.
fn forward(program: &[Step], inputs: &[Dual]) -> Dual {
    let mut v = inputs.to_vec();
    for &(code, i, j, c) in program {
        let (a, b) = operands(v.len(), i, j);
        let (a, b) = (v[a], v[b]);
        v.push(match code % OPS {
            0 => a + b,
            1 => a - b,
            2 | 3 => a * b,
            4 => a * c,
            5 => a * a * c.abs(),
            6 => a.tanh(),
            7 => a.sigmoid(),
            8 => a.softplus(),
            _ => Dual::constant(c),
        });
    }
    *v.last().expect("at least one input")
}

/// Records the same program on the tape, every value a 1×1 matrix.
fn record(program: &[Step], tape: &mut Tape<f64>, inputs: &[Var]) -> Var {
    let mut v = inputs.to_vec();
    for &(code, i, j, c) in program {
        let (a, b) = operands(v.len(), i, j);
        let (a, b) = (v[a], v[b]);
        let r = match code % OPS {
            0 => tape.add(a, b),
            1 => tape.sub(a, b),
            2 => tape.mul(a, b),
            3 => tape.matmul(a, b),
            4 => tape.scale(a, c),
            5 => tape.l2(a, c.abs()),
            6 => tape.activation(a, Activation::Tanh),
            7 => tape.activation(a, Activation::Sigmoid),
            8 => tape.activation(a, Activation::Softplus),
            _ => Ok(tape.constant(&DMatrix::from_element(1, 1, c))),
        };
        v.push(r.expect("1×1 operands always fit"));
    }
    *v.last().expect("at least one input")
}

/// `a` and `b` agree to `tol`, relative to the larger of them (and to 1
/// near zero, where a relative error means nothing).
fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn forward_mode_equals_reverse_mode(
        inputs in proptest::collection::vec(-2.0f64..2.0, 1..=3),
        program in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), -2.0f64..2.0), 1..20),
    ) {
        // Reverse mode: one forward pass records, one backward pass
        // differentiates with respect to every input.
        let mut tape = Tape::new();
        let vars: Vec<Var> =
            inputs.iter().map(|&v| tape.parameter(DMatrix::from_element(1, 1, v)).unwrap()).collect();
        let root = record(&program, &mut tape, &vars);
        let value = tape.value(root)[(0, 0)];
        // Repeated squaring can overflow; such programs test nothing.
        prop_assume!(value.abs() < 1e100);
        tape.backward(root).unwrap();

        // Forward mode: one pass per input, seeding that input with 1.
        for (i, &var) in vars.iter().enumerate() {
            let seeded: Vec<Dual> = inputs
                .iter()
                .enumerate()
                .map(|(j, &v)| if i == j { Dual::variable(v) } else { Dual::constant(v) })
                .collect();
            let f = forward(&program, &seeded);
            let grad = tape.grad(var)[(0, 0)];
            prop_assert!(close(f.value, value, 1e-12), "values: dual {} vs tape {value}\n{tape}", f.value);
            prop_assert!(
                close(f.derivative, grad, 1e-10),
                "∂f/∂x{i}: forward {} vs reverse {grad}\n{tape}", f.derivative
            );
        }
    }
}

/// The two modes' pass counts, on f(x, y, z) = x·y + tanh(z): forward mode
/// needs a pass per input; the tape needs one forward and one backward pass.
#[test]
fn three_inputs_three_forward_passes_or_one_backward_pass() {
    let x = [0.5, -1.5, 0.25];
    let f = |v: &[Dual]| v[0] * v[1] + v[2].tanh();
    let forward = autodiff::dual::gradient(f, &x);

    let mut tape = Tape::new();
    let v: Vec<Var> = x.iter().map(|&x| tape.parameter(DMatrix::from_element(1, 1, x)).unwrap()).collect();
    let xy = tape.mul(v[0], v[1]).unwrap();
    let t = tape.activation(v[2], Activation::Tanh).unwrap();
    let f = tape.add(xy, t).unwrap();
    tape.backward(f).unwrap();
    let reverse: Vec<f64> = v.iter().map(|&v| tape.grad(v)[(0, 0)]).collect();

    assert_eq!(forward, reverse);
    assert_eq!(forward, vec![-1.5, 0.5, 1.0 - 0.25f64.tanh().powi(2)]);
}
