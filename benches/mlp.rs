//! Stage 3: one forward and backward pass of a 784-300-100-10 MLP (ReLU
//! hidden layers, softmax output, categorical cross-entropy) on random
//! MNIST-sized batches of 32 and 256 rows, and one full training step
//! (forward, backward, Adam) at batch 32.
//!
//! `cargo bench --bench mlp`. The buffers (`Workspace`, `Gradients`, the
//! optimizer state) are created once and reused by every call, as in
//! training. The three matrix products per layer (`A W`, `Aᵀ Δ`, `Δ Wᵀ`)
//! cost 2 · (784·300 + 300·100 + 100·10) · batch · 3 floating-point
//! operations per forward and backward pass.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nalgebra::DMatrix;
use neurons::mlp::{Activation, Gradients, Loss, Mlp, Optimizer, OptimizerState, Targets, Workspace};

const SIZES: [usize; 4] = [784, 300, 100, 10];
const SEED: u64 = 42;

/// A splitmix64 stream: reproducible random numbers without a dependency.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A random batch: pixels uniform in [0, 1) and a class label per row.
fn batch(rows: usize, rng: &mut SplitMix) -> (DMatrix<f64>, Vec<usize>) {
    let x = DMatrix::from_fn(rows, SIZES[0], |_, _| rng.unit());
    let labels = (0..rows).map(|_| (rng.next() % SIZES[3] as u64) as usize).collect();
    (x, labels)
}

fn network() -> Mlp {
    Mlp::new(&SIZES, Activation::Relu, Activation::Softmax, SEED).expect("valid sizes")
}

fn forward_backward(c: &mut Criterion) {
    let mlp = network();
    let mut rng = SplitMix(SEED);
    let mut group = c.benchmark_group("mlp_forward_backward_784_300_100_10");
    for rows in [32, 256] {
        let (x, labels) = batch(rows, &mut rng);
        let mut ws = Workspace::default();
        let mut grads = Gradients::zeros(&mlp);
        group.throughput(Throughput::Elements(rows as u64));
        group.bench_function(format!("batch_{rows}"), |b| {
            b.iter(|| {
                mlp.forward(black_box(&x), &mut ws).unwrap();
                let targets = Targets::Sparse(&labels);
                mlp.backward(&x, targets, Loss::CategoricalCrossEntropy, 0.0, &mut ws, &mut grads).unwrap()
            })
        });
    }
    group.finish();
}

fn train_step(c: &mut Criterion) {
    let mut mlp = network();
    let mut rng = SplitMix(SEED);
    let rows = 32;
    let (x, labels) = batch(rows, &mut rng);
    let mut ws = Workspace::default();
    let mut grads = Gradients::zeros(&mlp);
    let mut adam = OptimizerState::new(Optimizer::adam(1e-3), &mlp);
    let mut group = c.benchmark_group("mlp_train_step_784_300_100_10");
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function("adam_batch_32", |b| {
        b.iter(|| {
            mlp.forward(black_box(&x), &mut ws).unwrap();
            let targets = Targets::Sparse(&labels);
            let loss =
                mlp.backward(&x, targets, Loss::CategoricalCrossEntropy, 1e-4, &mut ws, &mut grads).unwrap();
            adam.step(&mut mlp, &grads);
            loss
        })
    });
    group.finish();
}

criterion_group!(benches, forward_backward, train_step);
criterion_main!(benches);
