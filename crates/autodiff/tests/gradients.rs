//! The tape's gradients against central finite differences on random
//! expression graphs, and against stage 3's hand-derived backpropagation on
//! random MLPs.

use autodiff::{Axis, Tape, Var};
use mlp::{Activation, Loss, Mlp, Targets};
use nalgebra::DMatrix;
use proptest::prelude::*;

/// One step of a random program: an operation code, two operand picks and
/// a constant.
type Step = (u8, u8, u8, f64);

/// Records a random program on top of the parameters and returns the
/// scalar root. Operands are picked among the nodes recorded so far; an
/// operation whose shapes do not fit falls back to an elementwise one.
fn record(tape: &mut Tape<f64>, params: &[Var], program: &[Step]) -> Var {
    let mut vars: Vec<Var> = params.to_vec();
    for &(code, i, j, c) in program {
        let a = vars[i as usize % vars.len()];
        let b = vars[j as usize % vars.len()];
        let (sa, sb) = (tape.value(a).shape(), tape.value(b).shape());
        let smooth = [Activation::Sigmoid, Activation::Tanh, Activation::Softplus, Activation::Identity];
        let v = match code % 15 {
            0 if sa.1 == sb.0 => tape.matmul(a, b),
            1 if sa == sb => tape.add(a, b),
            2 if sa == sb => tape.sub(a, b),
            3 if sa == sb => tape.mul(a, b),
            4 if sb.0 == 1 && sb.1 == sa.1 => tape.add_bias(a, b),
            5 if sa.0 == sb.0 => tape.concat(a, b),
            6 if sa.1 >= 2 => tape.slice_columns(a, 1, sa.1 - 1),
            7 => tape.transpose(a),
            8 => tape.sum(a, Axis::Rows),
            9 => tape.mean(a, Axis::Columns),
            10 => tape.scale(a, c),
            11 => tape.activation(a, Activation::Softmax),
            12 if sb.0 == 1 && sb.1 == sa.1 => tape.scale_columns(a, b),
            _ => tape.activation(a, smooth[(code as usize / 15) % smooth.len()]),
        }
        .unwrap();
        vars.push(v);
    }
    let last = *vars.last().unwrap();
    let total = tape.sum(last, Axis::All).unwrap();
    let penalty = tape.l2(params[0], 0.1).unwrap();
    tape.add(total, penalty).unwrap()
}

fn shapes_and_values() -> impl Strategy<Value = Vec<DMatrix<f64>>> {
    proptest::collection::vec((1usize..4, 1usize..4), 1..4).prop_flat_map(|shapes| {
        shapes
            .into_iter()
            .map(|(r, c)| {
                proptest::collection::vec(-1.5f64..1.5, r * c).prop_map(move |v| DMatrix::from_vec(r, c, v))
            })
            .collect::<Vec<_>>()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn tape_gradients_equal_finite_differences(
        values in shapes_and_values(),
        program in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), -2.0f64..2.0), 1..12),
    ) {
        let mut tape = Tape::new();
        let params: Vec<Var> = values.iter().map(|v| tape.parameter(v.clone()).unwrap()).collect();
        let root = record(&mut tape, &params, &program);
        tape.backward(root).unwrap();
        let grads: Vec<DMatrix<f64>> = params.iter().map(|&p| tape.grad(p).clone()).collect();
        let h = 1e-6;
        let eval = |tape: &mut Tape<f64>| {
            tape.reset();
            let root = record(tape, &params, &program);
            tape.value(root)[(0, 0)]
        };
        for (p, grad) in params.iter().zip(&grads) {
            for k in 0..grad.len() {
                let original = tape.value(*p)[k];
                tape.value_mut(*p)[k] = original + h;
                let plus = eval(&mut tape);
                tape.value_mut(*p)[k] = original - h;
                let minus = eval(&mut tape);
                tape.value_mut(*p)[k] = original;
                let numeric = (plus - minus) / (2.0 * h);
                prop_assert!(
                    (numeric - grad[k]).abs() <= 1e-5 * numeric.abs().max(grad[k].abs()).max(1e-2),
                    "parameter {}, entry {k}: tape {}, finite differences {numeric}\n{tape}", p.index(), grad[k]
                );
            }
        }
    }

    #[test]
    fn tape_equals_hand_derived_backprop(
        sizes in proptest::collection::vec(1usize..10, 2..6),
        batch in 1usize..7,
        seed: u64,
        hidden in prop_oneof![Just(Activation::Relu), Just(Activation::Tanh), Just(Activation::Sigmoid)],
        head in 0usize..3,
        alpha in 0.0f64..0.1,
    ) {
        let mut sizes = sizes;
        let outputs = sizes.last_mut().unwrap();
        if head == 2 { *outputs = (*outputs).max(2); }
        let (output, loss) = [
            (Activation::Identity, Loss::HalfMse),
            (Activation::Sigmoid, Loss::BinaryCrossEntropy),
            (Activation::Softmax, Loss::CategoricalCrossEntropy),
        ][head];
        let mlp = Mlp::new(&sizes, hidden, output, seed).unwrap();
        let k = *sizes.last().unwrap();
        let x = DMatrix::from_fn(batch, sizes[0], |r, c| ((r * 7 + c * 3 + seed as usize % 5) % 11) as f64 / 5.0 - 1.0);
        let labels: Vec<usize> = (0..batch).map(|r| (r + seed as usize) % k).collect();
        let y = DMatrix::from_fn(batch, k, |r, c| if head == 0 { (r + c) as f64 / 3.0 } else { f64::from(u8::from(labels[r] == c)) });
        let targets = if head == 2 { Targets::Sparse(&labels) } else { Targets::Dense(&y) };
        // ANCHOR: same_network_on_tape
        let (hand_loss, hand) = mlp.loss_and_gradients(&x, targets, loss, alpha).unwrap();

        // The same network, recorded on the tape.
        let mut tape = Tape::new();
        let params: Vec<(Var, Var)> = mlp.layers.iter().map(|l| {
            let w = tape.parameter(l.w.clone()).unwrap();
            let b = tape.parameter(DMatrix::from_row_slice(1, l.b.len(), l.b.as_slice())).unwrap();
            (w, b)
        }).collect();
        let mut a = tape.constant(&x);
        let mut z = a;
        for (l, &(w, b)) in params.iter().enumerate() {
            let xw = tape.matmul(a, w).unwrap();
            z = tape.add_bias(xw, b).unwrap();
            if l + 1 < params.len() {
                a = tape.activation(z, mlp.layers[l].activation).unwrap();
            }
        }
        let mut total = tape.loss(z, output, loss, targets).unwrap();
        for &(w, _) in &params {
            let penalty = tape.l2(w, alpha / (2.0 * batch as f64)).unwrap();
            total = tape.add(total, penalty).unwrap();
        }
        tape.backward(total).unwrap();
        prop_assert!((tape.value(total)[(0, 0)] - hand_loss).abs() <= 1e-9 * hand_loss.abs().max(1.0));
        for (l, &(w, b)) in params.iter().enumerate() {
            let dw = (tape.grad(w) - &hand.w[l]).abs().max();
            let db = (tape.grad(b).transpose() - &hand.b[l]).abs().max();
            prop_assert!(dw <= 1e-9 && db <= 1e-9, "layer {l}: weights differ by {dw}, biases by {db}");
        }
        // ANCHOR_END: same_network_on_tape
    }
}

#[test]
fn reset_reuses_the_tape_and_keeps_parameters() {
    let mut tape = Tape::<f64>::new();
    let w = tape.parameter(DMatrix::from_element(2, 2, 0.5)).unwrap();
    let x = tape.constant(&DMatrix::from_element(3, 2, 1.0));
    let y = tape.matmul(x, w).unwrap();
    let s = tape.sum(y, Axis::All).unwrap();
    tape.backward(s).unwrap();
    let first = tape.grad(w).clone();
    tape.reset();
    assert_eq!(tape.len(), 1);
    let x = tape.constant(&DMatrix::from_element(3, 2, 1.0));
    let y = tape.matmul(x, w).unwrap();
    let s = tape.sum(y, Axis::All).unwrap();
    tape.backward(s).unwrap();
    assert_eq!(tape.grad(w), &first, "the same step gives the same gradient, not an accumulated one");
    assert_eq!(first, DMatrix::from_element(2, 2, 3.0));
}

#[test]
fn errors_name_the_operation_and_both_shapes() {
    let mut tape = Tape::<f64>::new();
    let a = tape.constant(&DMatrix::zeros(2, 3));
    let b = tape.constant(&DMatrix::zeros(2, 3));
    let msg = tape.matmul(a, b).unwrap_err().to_string();
    assert!(msg.contains("matmul") && msg.contains("2×3"), "{msg}");
    let msg = tape.add_bias(a, b).unwrap_err().to_string();
    assert!(msg.contains("add_bias") && msg.contains("1×3"), "{msg}");
    assert!(tape.backward(a).unwrap_err().to_string().contains("1×1"));
    assert!(tape.parameter(DMatrix::zeros(1, 1)).is_err());
    let msg = tape
        .loss(a, Activation::Softmax, Loss::CategoricalCrossEntropy, Targets::Sparse(&[0, 7]))
        .unwrap_err()
        .to_string();
    assert!(msg.contains("label 7"), "{msg}");
}
