//! Stage 1: the networks of Figure 10-3 evaluated on a batch of 1,000,000
//! input rows (every row one case of the truth table), through the affine
//! and Heaviside kernels.
//!
//! `cargo bench --bench mcculloch_pitts`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nalgebra::DMatrix;
use neurons::mcculloch_pitts::{Network, figure_10_3};

const ROWS: usize = 1_000_000;

/// `ROWS` rows cycling through every input combination.
fn batch(inputs: usize) -> DMatrix<f64> {
    DMatrix::from_fn(ROWS, inputs, |r, c| ((r >> c) & 1) as f64)
}

/// XOR from AND, OR and NOT units: a network three layers deep.
fn xor() -> Network {
    let mut net = Network::new(2);
    let (a, b) = (net.input(0).unwrap(), net.input(1).unwrap());
    let either = net.or(a, b).unwrap();
    let both = net.and(a, b).unwrap();
    let not_both = net.not(both).unwrap();
    let out = net.and(either, not_both).unwrap();
    net.set_outputs(&[out]).unwrap();
    net
}

fn truth_tables(c: &mut Criterion) {
    let mut group = c.benchmark_group("mcculloch_pitts_1M_rows");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(20);
    let mut networks = figure_10_3::all();
    networks.push(("XOR (4 units, 3 layers)", xor()));
    for (name, net) in networks {
        let x = batch(net.inputs());
        group.bench_function(name, |b| b.iter(|| net.evaluate(black_box(&x)).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, truth_tables);
criterion_main!(benches);
