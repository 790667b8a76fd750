//! Stage 2: fitting the perceptron on the chapter's iris example and on
//! 100,000 × 20 synthetic rows, and prediction throughput.
//!
//! `cargo bench --bench perceptron`. The side-by-side comparison with
//! scikit-learn is `python3 benches/peers/perceptron_sklearn.py`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use neurons::perceptron::data::synthetic;
use neurons::perceptron::{Options, Perceptron, iris};

fn fit(c: &mut Criterion) {
    let mut group = c.benchmark_group("perceptron_fit");
    group.sample_size(20);
    group.bench_function("iris_setosa_petals", |b| b.iter(|| iris::iris_example().unwrap()));
    let (x, y) = synthetic(100_000, 20, 0);
    group.throughput(Throughput::Elements(x.nrows() as u64));
    group.bench_function("synthetic_100000x20_defaults", |b| {
        b.iter(|| Perceptron::new(Options { random_state: 42, ..Options::default() }).fit(&x, &y).unwrap())
    });
    group.finish();
}

fn predict(c: &mut Criterion) {
    let (x, y) = synthetic(100_000, 20, 0);
    let mut clf = Perceptron::new(Options::default());
    clf.fit(&x, &y).unwrap();
    let mut group = c.benchmark_group("perceptron_predict");
    group.throughput(Throughput::Elements(x.nrows() as u64));
    group.bench_function("synthetic_100000x20", |b| b.iter(|| clf.predict(black_box(&x)).unwrap()));
    group.finish();
}

criterion_group!(benches, fit, predict);
criterion_main!(benches);
