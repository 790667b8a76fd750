//! Stage 4: one training step (forward, backward, Adam) of the
//! 784-300-100-10 network at batch 32, with stage 3's hand-derived backward
//! pass and with gradients from the tape. The whole-epoch comparison is
//! `cargo run --release -p autodiff --example overhead`.
//!
//! `cargo bench --bench autodiff`

use criterion::{Criterion, criterion_group, criterion_main};
use nalgebra::DMatrix;
use neurons::autodiff::{Tape, Var};
use neurons::mlp::{Activation, Gradients, Loss, Mlp, Optimizer, OptimizerState, Targets, Workspace};

fn steps(c: &mut Criterion) {
    let mlp = Mlp::new(&[784, 300, 100, 10], Activation::Relu, Activation::Softmax, 42).unwrap();
    let x = DMatrix::from_fn(32, 784, |r, c| ((r * 31 + c * 17) % 255) as f64 / 255.0);
    let y: Vec<usize> = (0..32).map(|r| r % 10).collect();
    let lengths: Vec<usize> = mlp.layers.iter().flat_map(|l| [l.w.len(), l.b.len()]).collect();
    let mut group = c.benchmark_group("training_step_784_300_100_10_batch_32");

    let mut hand = mlp.clone();
    let (mut ws, mut grads) = (Workspace::default(), Gradients::zeros(&hand));
    let mut state = OptimizerState::for_lengths(Optimizer::adam(1e-4), &lengths);
    group.bench_function("hand_derived", |b| {
        b.iter(|| {
            hand.forward(&x, &mut ws).unwrap();
            hand.backward(&x, Targets::Sparse(&y), Loss::CategoricalCrossEntropy, 0.0, &mut ws, &mut grads)
                .unwrap();
            state.step(&mut hand, &grads);
        })
    });

    let mut tape = Tape::new();
    let params: Vec<(Var, Var)> = mlp
        .layers
        .iter()
        .map(|l| {
            let w = tape.parameter(l.w.clone()).unwrap();
            let b = tape.parameter(DMatrix::from_row_slice(1, l.b.len(), l.b.as_slice())).unwrap();
            (w, b)
        })
        .collect();
    let mut state = OptimizerState::for_lengths(Optimizer::adam(1e-4), &lengths);
    group.bench_function("tape", |b| {
        b.iter(|| {
            tape.reset();
            let mut a = tape.constant(&x);
            let mut z = a;
            for (l, &(w, bias)) in params.iter().enumerate() {
                let xw = tape.matmul(a, w).unwrap();
                z = tape.add_bias(xw, bias).unwrap();
                if l + 1 < params.len() {
                    a = tape.activation(z, Activation::Relu).unwrap();
                }
            }
            let loss = tape
                .loss(z, Activation::Softmax, Loss::CategoricalCrossEntropy, Targets::Sparse(&y))
                .unwrap();
            tape.backward(loss).unwrap();
            state.step_pairs(tape.parameter_pairs());
        })
    });
    group.finish();
}

criterion_group!(benches, steps);
criterion_main!(benches);
