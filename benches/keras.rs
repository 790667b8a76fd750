//! Stage 5: the Keras-like API on the chapter's Fashion-MNIST model
//! (Flatten + 300 ReLU + 100 ReLU + 10 softmax, f32): one training step
//! (`train_on_batch`, SGD) at batch 32, and predicting 10,000 images. The
//! data are synthetic images, so the bench needs no dataset. Whole epochs,
//! side by side with TensorFlow-Keras: `python3 benches/peers/keras_fashion.py`.
//!
//! `cargo bench --bench keras`

use criterion::{Criterion, criterion_group, criterion_main};
use neurons::keras::layers::{Dense, Flatten, Input};
use neurons::keras::{Labels, Model, Sequential, Tensor};

fn fashion_model() -> Model {
    let mut model = Sequential::new(vec![
        Input::new(&[28, 28]).into(),
        Flatten::new().into(),
        Dense::new(300).activation("relu").into(),
        Dense::new(100).activation("relu").into(),
        Dense::new(10).activation("softmax").into(),
    ])
    .expect("the chapter's model builds");
    model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()]).expect("known names");
    model
}

/// `n` synthetic 28×28 images with pixel values in [0, 1].
fn images(n: usize) -> Tensor {
    let values = (0..n * 784).map(|i| ((i * 31) % 255) as f32 / 255.0).collect();
    Tensor::new(values, &[n, 28, 28]).expect("n × 784 values")
}

fn keras(c: &mut Criterion) {
    let mut model = fashion_model();
    let (x, y) = (images(32), Labels::Classes((0..32).map(|i| i % 10).collect()));
    c.bench_function("keras/train_on_batch_784_300_100_10_batch_32", |b| {
        b.iter(|| model.train_on_batch(&x, &y).expect("a valid batch"))
    });
    let x = images(10_000);
    let mut group = c.benchmark_group("keras/predict_10000_images");
    group.sample_size(20);
    group.bench_function("batch_256", |b| b.iter(|| model.predict(&x).expect("valid images")));
    group.bench_function("batch_32", |b| b.iter(|| model.predict_batch_size(&x, 32).expect("valid images")));
    group.finish();
}

criterion_group!(benches, keras);
criterion_main!(benches);
