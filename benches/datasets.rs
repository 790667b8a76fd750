//! How fast the Fashion-MNIST training images load: gunzip + IDX parsing of
//! the 47 MB file, and the IDX parsing alone. Skips (with a message) when
//! the data directory lacks Fashion-MNIST, and fails under CI
//! (`DataDir::for_test`).
//!
//! `cargo bench --bench datasets`

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use neurons::datasets::images::FASHION_MNIST_FILES;
use neurons::datasets::{DataDir, Dataset, idx, read};

fn main() {
    let Some(dir) = DataDir::for_test(Dataset::FashionMnist) else { return };
    let path = dir
        .find(FASHION_MNIST_FILES.train_images, FASHION_MNIST_FILES.dataset)
        .expect("for_test checked the training images");
    let bytes = read::read_content(&path).expect("the training images are readable");
    let mut c = Criterion::default().sample_size(10).configure_from_args();
    let mut group = c.benchmark_group("fashion_mnist_train_images");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("gunzip_and_parse", |b| {
        b.iter(|| idx::parse_images(&path, &read::read_content(black_box(&path)).unwrap()).unwrap())
    });
    group.bench_function("parse_only", |b| b.iter(|| idx::parse_images(&path, black_box(&bytes)).unwrap()));
    group.bench_function("to_matrix_f32", |b| {
        let images = idx::parse_images(&path, &bytes).unwrap();
        b.iter(|| black_box(&images).to_matrix_f32())
    });
    group.finish();
    c.final_summary();
}
