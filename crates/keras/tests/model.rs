//! What a Keras user expects of a model: its summary and names, its
//! weights, building, reproducibility, `fit` and its history, `evaluate`,
//! sample and class weights, callbacks, metrics, and the optimizers' exact
//! update rules. Small synthetic data only: every test runs in well under a
//! second.

use std::collections::{BTreeMap, HashMap};

use keras::callbacks::{Callback, Control, Logs};
use keras::layers::{Dense, Flatten, Input, Layer, Normalization};
use keras::optimizers::{Adam, OptimizerArg, SGD};
use keras::{FitOptions, History, Labels, Model, Sequential, Tensor, Verbosity, argmax, to_categorical};
use nalgebra::DMatrix;
use proptest::prelude::*;

// ---------------------------------------------------------------- helpers

/// `fit` options that print nothing.
fn silent<'a>() -> FitOptions<'a> {
    FitOptions { verbose: Verbosity::Silent, ..Default::default() }
}

/// A deterministic number in [−1, 1) for each `i` (SplitMix64).
fn noise(i: u64) -> f32 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 30)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
}

/// `n` points in the plane around `k` centres on a circle of radius 3, with
/// noise of at most 1 on each coordinate: linearly separable. Sample `i`
/// has class `i % k`, so every slice holds every class.
fn blobs(n: usize, k: usize) -> (Tensor, Vec<usize>) {
    let mut values = Vec::with_capacity(2 * n);
    let labels: Vec<usize> = (0..n).map(|i| i % k).collect();
    for (i, &c) in labels.iter().enumerate() {
        let angle = 2.0 * std::f32::consts::PI * c as f32 / k as f32;
        values.push(3.0 * angle.cos() + noise(2 * i as u64));
        values.push(3.0 * angle.sin() + noise(2 * i as u64 + 1));
    }
    (Tensor::new(values, &[n, 2]).unwrap(), labels)
}

/// `n` samples of `d` features in [−1, 1).
fn features(n: usize, d: usize, seed: u64) -> Tensor {
    let values = (0..n * d).map(|i| noise(seed * 1_000_003 + i as u64)).collect();
    Tensor::new(values, &[n, d]).unwrap()
}

/// Input (d), Dense 8 relu, Dense k softmax.
fn classifier(d: usize, k: usize) -> Model {
    Sequential::new(vec![
        Input::new(&[d]).into(),
        Dense::new(8).activation("relu").into(),
        Dense::new(k).activation("softmax").into(),
    ])
    .unwrap()
}

/// The chapter's Fashion-MNIST classifier.
fn fashion_model() -> Model {
    Sequential::new(vec![
        Input::new(&[28, 28]).into(),
        Flatten::new().into(),
        Dense::new(300).activation("relu").into(),
        Dense::new(100).activation("relu").into(),
        Dense::new(10).activation("softmax").into(),
    ])
    .unwrap()
}

/// The line of `text` that contains `needle`.
fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no line with {needle:?} in\n{text}"))
}

/// |a − b| ≤ tol · max(|a|, |b|).
#[track_caller]
fn assert_relative(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol * a.abs().max(b.abs()), "{a} and {b} differ by more than {tol} relative");
}

/// The fraction of rows whose argmax is the label.
fn accuracy_by_hand(probabilities: &DMatrix<f32>, labels: &[usize]) -> f64 {
    let hits = argmax(probabilities).iter().zip(labels).filter(|(p, l)| p == l).count();
    hits as f64 / labels.len() as f64
}

// ---------------------------------------------------------------- summary and names

#[test]
fn summary_of_the_fashion_model_counts_as_keras_does() {
    keras::clear_session();
    let model = fashion_model();
    let summary = model.summary().unwrap();
    assert!(summary.contains("Model: \"sequential\""), "{summary}");
    let flatten = line_with(&summary, "flatten (Flatten)");
    assert!(flatten.contains("(None, 784)") && flatten.trim_end().ends_with("0 │"), "{flatten}");
    for (row, shape, params) in [
        ("dense (Dense)", "(None, 300)", "235,500"),
        ("dense_1 (Dense)", "(None, 100)", "30,100"),
        ("dense_2 (Dense)", "(None, 10)", "1,010"),
    ] {
        let line = line_with(&summary, row);
        assert!(line.contains(shape) && line.contains(params), "{line}");
    }
    // Rows in the order of the layers.
    let position = |s: &str| summary.find(s).unwrap();
    assert!(position("flatten (") < position("dense (") && position("dense (") < position("dense_1 ("));
    assert!(position("dense_1 (") < position("dense_2 ("));
    assert!(!summary.contains("input_layer"), "the Input is not a layer of the summary:\n{summary}");
    assert!(summary.contains("Total params: 266,610"), "{summary}");
    assert!(summary.contains("Trainable params: 266,610"), "{summary}");
    assert!(summary.contains("Non-trainable params: 0"), "{summary}");
    assert_eq!(model.count_params().unwrap(), 266_610);
}

#[test]
fn summary_counts_normalization_statistics_as_non_trainable() {
    keras::clear_session();
    let model = Sequential::new(vec![
        Input::new(&[8]).into(),
        Normalization::new().into(),
        Dense::new(30).activation("relu").into(),
        Dense::new(1).into(),
    ])
    .unwrap();
    let summary = model.summary().unwrap();
    let norm = line_with(&summary, "normalization (Normalization)");
    assert!(norm.contains("(None, 8)") && norm.contains("17"), "{norm}");
    // 8 × 30 + 30 + 30 + 1 trainable; mean 8 + variance 8 + count 1 not.
    assert!(summary.contains("Total params: 318"), "{summary}");
    assert!(summary.contains("Trainable params: 301"), "{summary}");
    assert!(summary.contains("Non-trainable params: 17"), "{summary}");
    assert_eq!(model.count_params().unwrap(), 318);
    let trainable: Vec<bool> = model.weights().iter().map(|w| w.trainable).collect();
    assert_eq!(trainable, [false, false, false, true, true, true, true]);
}

#[test]
fn names_are_unique_across_models_until_clear_session() {
    keras::clear_session();
    let first = classifier(4, 3);
    let second = classifier(4, 3);
    assert_eq!(first.name(), "sequential");
    assert_eq!(second.name(), "sequential_1");
    let names = |m: &Model| m.layers().iter().map(|l| l.name().to_string()).collect::<Vec<_>>();
    assert_eq!(names(&first), ["dense", "dense_1"]);
    assert_eq!(names(&second), ["dense_2", "dense_3"]);
    assert_eq!(Flatten::new().name(), "flatten");
    assert_eq!(Flatten::new().name(), "flatten_1");
    assert_eq!(Normalization::new().name(), "normalization");
    assert_eq!(Dense::new(1).named("output").name(), "output");
    keras::clear_session();
    let third = classifier(4, 3);
    assert_eq!(third.name(), "sequential");
    assert_eq!(names(&third), ["dense", "dense_1"]);
    assert_eq!(third.layers()[0].weight_paths(), ["dense/kernel", "dense/bias"]);
}

#[test]
fn layers_leave_out_the_input_and_get_layer_finds_each() {
    keras::clear_session();
    let model = fashion_model();
    let layers = model.layers();
    let names: Vec<&str> = layers.iter().map(|l| l.name()).collect();
    assert_eq!(names, ["flatten", "dense", "dense_1", "dense_2"]);
    let kinds: Vec<&str> = layers.iter().map(|l| l.class_name()).collect();
    assert_eq!(kinds, ["Flatten", "Dense", "Dense", "Dense"]);
    let hidden2 = model.get_layer("dense_1").unwrap();
    assert_eq!(hidden2.name(), "dense_1");
    assert_eq!(hidden2.weight_paths(), ["dense_1/kernel", "dense_1/bias"]);
    let weights = hidden2.get_weights();
    assert_eq!(weights[0].shape(), (300, 100));
    assert_eq!(weights[1].shape(), (1, 100));
    assert_eq!(hidden2.count_params(), 30_100);
    assert!(model.get_layer("flatten").unwrap().get_weights().is_empty());
    assert_eq!(model.input_shape(), Some(&[28, 28][..]));
    assert_eq!(model.output_shape(), Some(&[10][..]));
}

// ---------------------------------------------------------------- weights

#[test]
fn kernels_start_glorot_uniform_and_biases_at_zero() {
    keras::clear_session();
    let model = fashion_model();
    let hidden1 = model.get_layer("dense").unwrap().get_weights();
    let (kernel, bias) = (&hidden1[0], &hidden1[1]);
    let limit = (6.0f32 / (784.0 + 300.0)).sqrt();
    assert!(kernel.iter().all(|w| w.abs() <= limit), "a weight is beyond the Glorot limit {limit}");
    // Uniform on [−limit, limit]: reaches near both ends, mean 0, variance limit²/3.
    let max = kernel.iter().fold(f32::MIN, |m, &w| m.max(w));
    let min = kernel.iter().fold(f32::MAX, |m, &w| m.min(w));
    assert!(max > 0.99 * limit && min < -0.99 * limit, "range [{min}, {max}], limit {limit}");
    let n = kernel.len() as f64;
    let mean = kernel.iter().map(|&w| f64::from(w)).sum::<f64>() / n;
    let variance = kernel.iter().map(|&w| (f64::from(w) - mean).powi(2)).sum::<f64>() / n;
    assert!(mean.abs() < 0.01 * f64::from(limit), "mean {mean}");
    assert_relative(variance, f64::from(limit).powi(2) / 3.0, 0.02);
    assert!(bias.iter().all(|&b| b == 0.0));
    // Every layer draws its own weights.
    let hidden2 = model.get_layer("dense_1").unwrap().get_weights();
    assert_ne!(hidden2[0].view((0, 0), (10, 10)), kernel.view((0, 0), (10, 10)));
}

#[test]
fn initializers_by_name_are_used() {
    let model = Sequential::new(vec![
        Input::new(&[5]).into(),
        Dense::new(4).kernel_initializer("zeros").bias_initializer("ones").into(),
        Dense::new(3).kernel_initializer("he_normal").into(),
    ])
    .unwrap();
    let w = model.get_weights().unwrap();
    assert!(w[0].iter().all(|&v| v == 0.0));
    assert!(w[1].iter().all(|&v| v == 1.0));
    assert!(w[2].iter().any(|&v| v != 0.0));
    // He normal, truncated at two standard deviations: |w| ≤ 2·√(2/4)/0.8796.
    let bound = 2.0 * (2.0f32 / 4.0).sqrt() / 0.8796;
    assert!(w[2].iter().all(|v| v.abs() <= bound));
}

#[test]
fn set_weights_then_predict_gives_x_w_plus_b() {
    let mut model = Sequential::new(vec![Input::new(&[3]).into(), Dense::new(1).into()]).unwrap();
    let kernel = DMatrix::from_column_slice(3, 1, &[2.0, -1.0, 0.5]);
    let bias = DMatrix::from_element(1, 1, 0.25);
    model.set_weights(&[kernel.clone(), bias.clone()]).unwrap();
    assert_eq!(model.get_weights().unwrap(), [kernel, bias]);
    let x = Tensor::new(vec![1.0, 2.0, 3.0, 0.0, 0.0, 0.0, -1.0, 4.0, 2.0], &[3, 3]).unwrap();
    let y = model.predict(&x).unwrap();
    assert_eq!(y.as_slice(), &[1.75, 0.25, -4.75]);
    // One layer's weights.
    let name = model.layers()[0].name().to_string();
    let values = [DMatrix::from_column_slice(3, 1, &[0.0, 0.0, 1.0]), DMatrix::from_element(1, 1, -1.0)];
    model.set_layer_weights(&name, &values).unwrap();
    assert_eq!(model.get_layer(&name).unwrap().get_weights(), values);
    assert_eq!(model.predict(&x).unwrap().as_slice(), &[2.0, -1.0, 1.0]);
}

#[test]
fn weights_copied_between_models_give_the_same_predictions() {
    keras::set_random_seed(1);
    let a = classifier(4, 3);
    let mut b = classifier(4, 3);
    let x = features(10, 4, 1);
    assert_ne!(a.get_weights().unwrap(), b.get_weights().unwrap(), "two models draw different weights");
    assert_ne!(a.predict(&x).unwrap(), b.predict(&x).unwrap());
    b.set_weights(&a.get_weights().unwrap()).unwrap();
    assert_eq!(a.get_weights().unwrap(), b.get_weights().unwrap());
    assert_eq!(a.predict(&x).unwrap(), b.predict(&x).unwrap());
}

// ---------------------------------------------------------------- building

#[test]
fn a_model_without_input_builds_on_demand() {
    keras::clear_session();
    let mut model =
        Sequential::new(vec![Dense::new(4).activation("relu").into(), Dense::new(2).into()]).unwrap();
    assert!(!model.is_built());
    assert_eq!(model.input_shape(), None);
    assert_eq!(model.output_shape(), None);
    assert!(model.summary().is_err());
    model.build(&[3]).unwrap();
    assert!(model.is_built());
    assert_eq!(model.output_shape(), Some(&[2][..]));
    let summary = model.summary().unwrap();
    assert!(line_with(&summary, "dense (Dense)").contains("(None, 4)"), "{summary}");
    assert!(line_with(&summary, "dense (Dense)").contains("16"), "{summary}");
    assert!(line_with(&summary, "dense_1 (Dense)").contains("10"), "{summary}");
    assert!(summary.contains("Total params: 26"), "{summary}");
    // Building again with the same shape keeps the weights.
    let weights = model.get_weights().unwrap();
    model.build(&[3]).unwrap();
    assert_eq!(model.get_weights().unwrap(), weights);

    // predict takes &self, so it cannot build: it says so; fit builds.
    let mut by_build = Sequential::new(vec![Dense::new(2).into()]).unwrap();
    let err = by_build.predict(&features(3, 5, 0)).unwrap_err().to_string();
    assert!(err.contains("not built"), "{err}");
    by_build.build(&[5]).unwrap();
    assert_eq!(by_build.predict(&features(3, 5, 0)).unwrap().shape(), (3, 2));
    assert_eq!(by_build.input_shape(), Some(&[5][..]));
    assert_eq!(by_build.count_params().unwrap(), 12);
    let mut by_fit = Sequential::new(vec![Dense::new(3).activation("softmax").into()]).unwrap();
    by_fit.compile("sparse_categorical_crossentropy", "sgd", &[]).unwrap();
    assert!(!by_fit.is_built(), "compile does not build");
    by_fit.fit(&features(6, 7, 0), &Labels::Classes(vec![0, 1, 2, 0, 1, 2]), silent()).unwrap();
    assert_eq!(by_fit.input_shape(), Some(&[7][..]));
    let summary = by_fit.summary().unwrap();
    assert!(summary.contains("Trainable params: 24"), "{summary}");
    // After a step Keras also counts the optimizer's iteration count and learning rate.
    assert!(summary.contains("Optimizer params: 2 ") && summary.contains("Total params: 26"), "{summary}");
}

#[test]
fn a_layer_added_to_a_built_model_is_built_at_once() {
    keras::clear_session();
    let mut model = Sequential::empty();
    model.add(Input::new(&[4])).unwrap();
    model.add(Dense::new(3).activation("relu")).unwrap();
    model.add(Dense::new(2).activation("softmax")).unwrap();
    assert!(model.is_built());
    assert_eq!(model.count_params().unwrap(), 4 * 3 + 3 + 3 * 2 + 2);
    assert_eq!(model.predict(&features(5, 4, 0)).unwrap().shape(), (5, 2));
}

// ---------------------------------------------------------------- reproducibility

/// Builds and trains a small classifier from `seed`.
fn run(seed: u64) -> (Vec<DMatrix<f32>>, History) {
    keras::set_random_seed(seed);
    let (x, y) = blobs(40, 2);
    let mut model = classifier(2, 2);
    model.compile("sparse_categorical_crossentropy", "adam", &["accuracy".into()]).unwrap();
    let history =
        model.fit(&x, &Labels::Classes(y), FitOptions { epochs: 3, batch_size: 8, ..silent() }).unwrap();
    (model.get_weights().unwrap(), history)
}

#[test]
fn the_same_seed_gives_the_same_run_and_another_seed_another() {
    let (weights, history) = run(7);
    let (again, history_again) = run(7);
    assert_eq!(weights, again);
    assert_eq!(history, history_again);
    let (other, other_history) = run(8);
    assert_ne!(weights, other);
    assert_ne!(history.get("loss"), other_history.get("loss"));
}

// ---------------------------------------------------------------- fit

#[test]
fn fit_separates_two_blobs_and_reports_a_keras_history() {
    keras::set_random_seed(42);
    let (x, y) = blobs(100, 2);
    let mut model = classifier(2, 2);
    let adam = Adam { learning_rate: 0.05, ..Adam::default() };
    model.compile("sparse_categorical_crossentropy", adam, &["accuracy".into()]).unwrap();
    let epochs = 15;
    let options = FitOptions { epochs, batch_size: 16, validation_split: 0.2, ..silent() };
    let history = model.fit(&x, &Labels::Classes(y), options).unwrap();
    let keys: Vec<&str> = history.history.keys().map(String::as_str).collect();
    assert_eq!(keys, ["accuracy", "loss", "val_accuracy", "val_loss"]);
    for key in keys {
        assert_eq!(history.get(key).len(), epochs, "{key}");
    }
    assert_eq!(history.epoch, (0..epochs).collect::<Vec<_>>());
    // 80 training samples in batches of 16 (not 100: 20 are held out).
    assert_eq!(history.params["steps"], 5);
    assert_eq!(history.params["epochs"], epochs);
    let last = |k: &str| *history.get(k).last().unwrap();
    assert!(last("accuracy") >= 0.95, "{history:?}");
    assert!(last("val_accuracy") >= 0.95, "{history:?}");
    assert!(last("loss") < history.get("loss")[0] / 2.0, "{:?}", history.get("loss"));
    assert!(last("val_loss") < history.get("val_loss")[0], "{:?}", history.get("val_loss"));
}

#[test]
fn validation_split_holds_out_the_last_samples() {
    // The last 20 labels are flipped: the model learns the first 80, so it
    // is wrong on exactly the held-out ones.
    let (x, mut y) = blobs(100, 2);
    for label in &mut y[80..] {
        *label = 1 - *label;
    }
    let y = Labels::Classes(y);
    let adam = Adam { learning_rate: 0.05, ..Adam::default() };
    keras::set_random_seed(3);
    let mut model = classifier(2, 2);
    model.compile("sparse_categorical_crossentropy", adam, &["accuracy".into()]).unwrap();
    let options = FitOptions { epochs: 15, batch_size: 10, validation_split: 0.2, ..silent() };
    let history = model.fit(&x, &y, options).unwrap();
    assert_eq!(history.params["steps"], 8);
    assert!(*history.get("accuracy").last().unwrap() >= 0.95, "{history:?}");
    assert!(*history.get("val_accuracy").last().unwrap() <= 0.05, "{history:?}");

    // The same as training on the first 80 with the last 20 as validation_data.
    keras::set_random_seed(3);
    let mut same = classifier(2, 2);
    same.compile("sparse_categorical_crossentropy", adam, &["accuracy".into()]).unwrap();
    let (vx, vy) = (x.slice(80, 100).unwrap(), y.slice(80, 100).unwrap());
    let options =
        FitOptions { epochs: 15, batch_size: 10, validation_data: Some((&vx, &vy).into()), ..silent() };
    let explicit = same.fit(&x.slice(0, 80).unwrap(), &y.slice(0, 80).unwrap(), options).unwrap();
    assert_eq!(history, explicit);
}

#[test]
fn validation_split_rounds_the_training_set_down_as_keras_does() {
    // Keras: split_at = floor(n · (1 − validation_split)).
    let x = features(10, 2, 5);
    let y = Labels::Classes(vec![0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    let mut model = classifier(2, 2);
    model.compile("sparse_categorical_crossentropy", "sgd", &[]).unwrap();
    let options = FitOptions { batch_size: 1, validation_split: 0.25, ..silent() };
    let history = model.fit(&x, &y, options).unwrap();
    assert_eq!(history.params["steps"], 7, "10 samples, validation_split 0.25: Keras trains on 7");
}

#[test]
fn validation_data_overrides_validation_split() {
    // Keras: "validation_data will override validation_split": all the
    // samples train, and the validation values are those of validation_data.
    keras::set_random_seed(19);
    let (x, labels) = blobs(20, 2);
    let (vx, vlabels) = blobs(6, 2);
    let vy = Labels::Classes(vlabels);
    let mut model = classifier(2, 2);
    model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()]).unwrap();
    let options = FitOptions {
        batch_size: 1,
        validation_split: 0.5,
        validation_data: Some((&vx, &vy).into()),
        ..silent()
    };
    let history = model.fit(&x, &Labels::Classes(labels), options).unwrap();
    assert_eq!(history.params["steps"], 20, "validation_split is ignored when validation_data is given");
    let val = model.evaluate(&vx, &vy).unwrap();
    assert_relative(history.get("val_loss")[0], val.get("loss").unwrap(), 1e-6);
}

#[test]
fn fitting_again_goes_on_where_the_last_fit_stopped() {
    let (x, y) = blobs(40, 2);
    let y = Labels::Classes(y);
    let adam = Adam { learning_rate: 0.01, ..Adam::default() };
    let options = |epochs, shuffle| FitOptions { epochs, batch_size: 8, shuffle, ..silent() };

    keras::set_random_seed(11);
    let mut model = classifier(2, 2);
    model.compile("sparse_categorical_crossentropy", adam, &["accuracy".into()]).unwrap();
    let initial = model.get_weights().unwrap();
    let first = model.fit(&x, &y, options(2, true)).unwrap();
    let after_first = model.get_weights().unwrap();
    let second = model.fit(&x, &y, options(2, true)).unwrap();
    let after_second = model.get_weights().unwrap();
    assert_ne!(after_first, initial);
    assert_ne!(after_second, after_first);
    assert_eq!(second.epoch, [0, 1], "each fit numbers its own epochs");
    assert!(second.get("loss")[0] < first.get("loss")[0], "no reinitialization: {first:?} {second:?}");
    assert!(second.get("loss")[1] < first.get("loss")[1], "{first:?} {second:?}");

    // In order, two fits of 2 epochs are one fit of 4: same weights, and
    // Adam's moments and step count kept between the fits.
    let in_two = |model: &mut Model| {
        model.set_weights(&initial).unwrap();
        model.compile("sparse_categorical_crossentropy", adam, &["accuracy".into()]).unwrap();
        model.fit(&x, &y, options(2, false)).unwrap();
        let second = model.fit(&x, &y, options(2, false)).unwrap();
        (model.get_weights().unwrap(), second)
    };
    let (weights_in_two, second) = in_two(&mut model);
    model.set_weights(&initial).unwrap();
    model.compile("sparse_categorical_crossentropy", adam, &["accuracy".into()]).unwrap();
    let all = model.fit(&x, &y, options(4, false)).unwrap();
    assert_eq!(model.get_weights().unwrap(), weights_in_two);
    assert_eq!(all.get("loss")[2..], second.get("loss")[..]);
}

// ---------------------------------------------------------------- evaluate

#[test]
fn evaluate_returns_the_loss_then_the_metrics_as_predict_implies() {
    keras::set_random_seed(5);
    let x = features(50, 4, 2);
    let labels: Vec<usize> = (0..50).map(|i| i % 3).collect();
    let y = Labels::Classes(labels.clone());
    let mut model = classifier(4, 3);
    model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()]).unwrap();
    let logs = model.evaluate(&x, &y).unwrap();
    assert_eq!(logs.names().collect::<Vec<_>>(), ["loss", "accuracy"]);
    let values = logs.values();
    assert_eq!(values.len(), 2);
    assert_eq!(Some(values[0]), logs.get("loss"));
    assert_eq!(Some(values[1]), logs.get("accuracy"));
    let map = logs.to_map();
    assert_eq!(map.keys().collect::<Vec<_>>(), ["accuracy", "loss"]);
    assert_eq!(map["loss"], values[0]);

    let p = model.predict(&x).unwrap();
    let by_hand = labels.iter().enumerate().map(|(i, &l)| -f64::from(p[(i, l)]).ln()).sum::<f64>()
        / labels.len() as f64;
    assert_relative(values[0], by_hand, 1e-5);
    assert_eq!(values[1], accuracy_by_hand(&p, &labels));
    // Another batch size: the same up to rounding.
    let other = model.evaluate_batch_size(&x, &y, 7).unwrap();
    assert_relative(other.values()[0], values[0], 1e-5);
    assert_eq!(other.values()[1], values[1]);
}

#[test]
fn evaluate_does_not_change_the_weights() {
    let mut model = classifier(4, 3);
    model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()]).unwrap();
    let before = model.get_weights().unwrap();
    let x = features(20, 4, 3);
    model.evaluate(&x, &Labels::Classes((0..20).map(|i| i % 3).collect())).unwrap();
    model.predict(&x).unwrap();
    assert_eq!(model.get_weights().unwrap(), before);
}

// ---------------------------------------------------------------- sample and class weights

#[test]
fn samples_of_weight_zero_are_ignored() {
    // Every point twice: once with its label, weight 1; once with the
    // other label, weight 0. Only the first copies may count.
    let (x, y) = blobs(40, 2);
    let mut values = x.values().to_vec();
    values.extend_from_slice(x.values());
    let doubled = Tensor::new(values, &[80, 2]).unwrap();
    let mut labels = y.clone();
    labels.extend(y.iter().map(|&l| 1 - l));
    let weights: Vec<f32> = (0..80).map(|i| if i < 40 { 1.0 } else { 0.0 }).collect();
    keras::set_random_seed(9);
    let mut model = classifier(2, 2);
    let adam = Adam { learning_rate: 0.05, ..Adam::default() };
    model.compile("sparse_categorical_crossentropy", adam, &["accuracy".into()]).unwrap();
    let options = FitOptions { epochs: 15, batch_size: 16, sample_weight: Some(&weights), ..silent() };
    model.fit(&doubled, &Labels::Classes(labels), options).unwrap();
    let logs = model.evaluate(&x, &Labels::Classes(y)).unwrap();
    assert!(logs.get("accuracy").unwrap() >= 0.95, "{logs}");
}

#[test]
fn class_and_sample_weights_multiply_each_sample_loss() {
    keras::set_random_seed(13);
    let n = 12;
    let x = features(n, 4, 4);
    let labels: Vec<usize> = (0..n).map(|i| i % 3).collect();
    let y = Labels::Classes(labels.clone());
    let mut model = classifier(4, 3);
    let initial = model.get_weights().unwrap();
    let p = model.predict(&x).unwrap();
    let per_sample: Vec<f64> = labels.iter().enumerate().map(|(i, &l)| -f64::from(p[(i, l)]).ln()).collect();
    let weighted_mean =
        |w: &dyn Fn(usize) -> f64| (0..n).map(|i| w(i) * per_sample[i]).sum::<f64>() / n as f64;
    // One batch of all the samples, one epoch: the loss reported is the
    // loss at the initial weights.
    let sgd = SGD { learning_rate: 1e-3, ..SGD::default() };
    let mut first_loss = |class_weight: Option<&HashMap<usize, f32>>, sample_weight: Option<&[f32]>| {
        model.set_weights(&initial).unwrap();
        model.compile("sparse_categorical_crossentropy", sgd, &[]).unwrap();
        let options = FitOptions { batch_size: n, class_weight, sample_weight, shuffle: false, ..silent() };
        model.fit(&x, &y, options).unwrap().get("loss")[0]
    };
    let plain = first_loss(None, None);
    assert_relative(plain, weighted_mean(&|_| 1.0), 1e-5);
    let twice: HashMap<usize, f32> = [(0, 2.0), (1, 2.0), (2, 2.0)].into();
    assert_relative(first_loss(Some(&twice), None), 2.0 * plain, 1e-5);
    let class_zero_triple: HashMap<usize, f32> = [(0, 3.0)].into();
    let expected = weighted_mean(&|i| if labels[i] == 0 { 3.0 } else { 1.0 });
    assert_relative(first_loss(Some(&class_zero_triple), None), expected, 1e-5);
    let sample: Vec<f32> = (0..n).map(|i| i as f32 / 4.0).collect();
    let expected = weighted_mean(&|i| f64::from(sample[i]));
    assert_relative(first_loss(None, Some(&sample)), expected, 1e-5);
    let half_ones: HashMap<usize, f32> = [(1, 0.5)].into();
    let expected = weighted_mean(&|i| f64::from(sample[i]) * if labels[i] == 1 { 0.5 } else { 1.0 });
    assert_relative(first_loss(Some(&half_ones), Some(&sample)), expected, 1e-5);
}

#[test]
fn class_weights_of_two_step_like_a_doubled_learning_rate() {
    keras::set_random_seed(17);
    let x = features(12, 4, 6);
    let y = Labels::Classes((0..12).map(|i| i % 3).collect());
    let mut model = classifier(4, 3);
    let initial = model.get_weights().unwrap();
    let twice: HashMap<usize, f32> = [(0, 2.0), (1, 2.0), (2, 2.0)].into();
    let options = |cw| FitOptions { batch_size: 12, shuffle: false, class_weight: cw, ..silent() };
    model
        .compile("sparse_categorical_crossentropy", SGD { learning_rate: 0.1, ..SGD::default() }, &[])
        .unwrap();
    model.fit(&x, &y, options(Some(&twice))).unwrap();
    let weighted = model.get_weights().unwrap();
    model.set_weights(&initial).unwrap();
    model
        .compile("sparse_categorical_crossentropy", SGD { learning_rate: 0.2, ..SGD::default() }, &[])
        .unwrap();
    model.fit(&x, &y, options(None)).unwrap();
    let doubled = model.get_weights().unwrap();
    assert_ne!(weighted, initial);
    for (a, b) in weighted.iter().zip(&doubled) {
        for (u, v) in a.iter().zip(b.iter()) {
            assert!((u - v).abs() <= 1e-6, "{a} vs {b}");
        }
    }
}

// ---------------------------------------------------------------- callbacks

#[derive(Default)]
struct Recorder {
    params: BTreeMap<String, usize>,
    epochs_begun: Vec<usize>,
    batches: Vec<(usize, usize)>,
    last_batch_loss: Vec<f64>,
    epochs_ended: Vec<usize>,
    train_ends: usize,
}

impl Callback for Recorder {
    fn on_train_begin(&mut self, params: &BTreeMap<String, usize>, _: &mut Model) {
        self.params = params.clone();
    }

    fn on_epoch_begin(&mut self, epoch: usize, _: &mut Model) {
        self.epochs_begun.push(epoch);
    }

    fn on_train_batch_end(&mut self, batch: usize, logs: &Logs, _: &mut Model) -> Control {
        let epoch = *self.epochs_begun.last().unwrap();
        self.batches.push((epoch, batch));
        if batch + 1 == self.params["steps"] {
            self.last_batch_loss.push(logs.get("loss").unwrap());
        }
        Control::Continue
    }

    fn on_epoch_end(&mut self, epoch: usize, _logs: &Logs, _: &mut Model) -> Control {
        self.epochs_ended.push(epoch);
        if epoch == 2 { Control::Stop } else { Control::Continue }
    }

    fn on_train_end(&mut self, _logs: &Logs, _: &mut Model) {
        self.train_ends += 1;
    }
}

#[test]
fn a_callback_sees_every_batch_and_can_stop_training() {
    let (x, y) = blobs(20, 2);
    let mut model = classifier(2, 2);
    model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()]).unwrap();
    let mut recorder = Recorder::default();
    let options = FitOptions { epochs: 10, batch_size: 6, callbacks: vec![&mut recorder], ..silent() };
    let history = model.fit(&x, &Labels::Classes(y), options).unwrap();
    assert_eq!(history.epoch, [0, 1, 2]);
    assert_eq!(history.get("loss").len(), 3);
    assert_eq!(history.get("accuracy").len(), 3);
    assert_eq!(recorder.params["steps"], 4);
    assert_eq!(recorder.params["epochs"], 10);
    assert_eq!(recorder.epochs_begun, [0, 1, 2]);
    assert_eq!(recorder.epochs_ended, [0, 1, 2]);
    let expected: Vec<(usize, usize)> = (0..3).flat_map(|e| (0..4).map(move |b| (e, b))).collect();
    assert_eq!(recorder.batches, expected, "on_train_batch_end: steps times per epoch, in order");
    assert_eq!(recorder.train_ends, 1);
    // The logs after an epoch's last batch are the epoch's.
    assert_eq!(recorder.last_batch_loss, history.get("loss"));
}

/// Keeps the names of the logs each batch sees.
#[derive(Default)]
struct BatchKeys(Vec<Vec<String>>);

impl Callback for BatchKeys {
    fn on_train_batch_end(&mut self, _batch: usize, logs: &Logs, _: &mut Model) -> Control {
        self.0.push(logs.names().map(str::to_string).collect());
        Control::Continue
    }
}

#[test]
fn batch_logs_hold_the_training_values_only() {
    // Keras's batch logs (and its progress bar during an epoch) show the
    // running training loss and metrics, not the last epoch's validation.
    let (x, y) = blobs(20, 2);
    let y = Labels::Classes(y);
    let (vx, vy) = (x.slice(0, 5).unwrap(), y.slice(0, 5).unwrap());
    let mut model = classifier(2, 2);
    model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()]).unwrap();
    let mut keys = BatchKeys::default();
    let options = FitOptions {
        epochs: 2,
        batch_size: 10,
        validation_data: Some((&vx, &vy).into()),
        callbacks: vec![&mut keys],
        ..silent()
    };
    model.fit(&x, &y, options).unwrap();
    assert_eq!(keys.0.len(), 4);
    for names in &keys.0 {
        assert_eq!(names, &["loss", "accuracy"], "batch logs: {:?}", keys.0);
    }
}

// ---------------------------------------------------------------- metrics

#[test]
fn regression_with_normalization_reports_rmse_whose_square_is_the_loss() {
    keras::clear_session();
    keras::set_random_seed(21);
    // 8 features on very different scales; a smooth target.
    let n = 200;
    let scales = [1.0f32, 10.0, 100.0, 0.1, 5.0, 1000.0, 0.01, 50.0];
    let offsets = [0.0f32, 5.0, -300.0, 1.0, 0.0, 2000.0, 0.5, -20.0];
    let base = features(n, 8, 7);
    let mut values = Vec::with_capacity(n * 8);
    let mut targets = Vec::with_capacity(n);
    for i in 0..n {
        let u = base.sample(i);
        values.extend((0..8).map(|j| offsets[j] + scales[j] * u[j]));
        targets.push(u[0] - 2.0 * u[2] + 0.5 * u[5] * u[1] + u[7].abs());
    }
    let x = Tensor::new(values, &[n, 8]).unwrap();
    let y = Labels::from(&targets[..]);
    let mut model = Sequential::new(vec![
        Input::new(&[8]).into(),
        Normalization::new().into(),
        Dense::new(16).activation("relu").into(),
        Dense::new(1).into(),
    ])
    .unwrap();
    model.adapt("normalization", &x).unwrap();
    let stats = model.get_layer("normalization").unwrap().get_weights();
    for j in 0..8 {
        let mean = (0..n).map(|i| f64::from(x.sample(i)[j])).sum::<f64>() / n as f64;
        assert!((f64::from(stats[0][(0, j)]) - mean).abs() <= 1e-4 * mean.abs().max(1.0), "mean {j}");
    }
    assert_eq!(stats[2][(0, 0)], n as f32, "count");
    let adam = Adam { learning_rate: 0.01, ..Adam::default() };
    model.compile("mse", adam, &["RootMeanSquaredError".into()]).unwrap();
    let options = FitOptions { epochs: 20, validation_split: 0.2, ..silent() };
    let history = model.fit(&x, &y, options).unwrap();
    let keys: Vec<&str> = history.history.keys().map(String::as_str).collect();
    // Keras 3.15 sorts the history's keys: upper case before lower case.
    assert_eq!(keys, ["RootMeanSquaredError", "loss", "val_RootMeanSquaredError", "val_loss"]);
    let losses = history.get("loss");
    assert!(losses[19] < losses[0] / 2.0, "{losses:?}");
    for (loss, rmse) in losses.iter().zip(history.get("RootMeanSquaredError")) {
        assert_relative(rmse * rmse, *loss, 1e-4);
    }
    let logs = model.evaluate(&x, &y).unwrap();
    assert_eq!(logs.names().collect::<Vec<_>>(), ["loss", "RootMeanSquaredError"]);
    let rmse = logs.get("RootMeanSquaredError").unwrap();
    assert_relative(rmse * rmse, logs.get("loss").unwrap(), 1e-4);
    // Training leaves the statistics alone.
    assert_eq!(model.get_layer("normalization").unwrap().get_weights(), stats);
}

#[test]
fn binary_classification_reports_binary_accuracy() {
    keras::set_random_seed(23);
    let (x, labels) = blobs(60, 2);
    let column: Vec<f32> = labels.iter().map(|&l| l as f32).collect();
    let y = Labels::from(&column[..]);
    let mut model =
        Sequential::new(vec![Input::new(&[2]).into(), Dense::new(1).activation("sigmoid").into()]).unwrap();
    model
        .compile("binary_crossentropy", SGD { learning_rate: 0.5, ..SGD::default() }, &["accuracy".into()])
        .unwrap();
    // Before training: the loss is the binary cross-entropy of predict's outputs.
    let p = model.predict(&x).unwrap();
    let by_hand = column
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let q = f64::from(p[(i, 0)]);
            -(f64::from(t) * q.ln() + (1.0 - f64::from(t)) * (1.0 - q).ln())
        })
        .sum::<f64>()
        / 60.0;
    assert_relative(model.evaluate(&x, &y).unwrap().get("loss").unwrap(), by_hand, 1e-5);
    let history = model.fit(&x, &y, FitOptions { epochs: 20, batch_size: 10, ..silent() }).unwrap();
    assert!(history.history.contains_key("accuracy"), "{history:?}");
    let logs = model.evaluate(&x, &y).unwrap();
    let p = model.predict(&x).unwrap();
    let hits = labels.iter().enumerate().filter(|&(i, &l)| (p[(i, 0)] > 0.5) == (l == 1)).count();
    assert_eq!(logs.get("accuracy").unwrap(), hits as f64 / 60.0);
    assert!(logs.get("accuracy").unwrap() >= 0.95, "{logs}");
}

#[test]
fn binary_class_indices_work_for_validation_data_too() {
    // Class indices (0/1) with one sigmoid output: fit turns the training
    // labels into a column; the validation labels need the same.
    keras::set_random_seed(29);
    let (x, labels) = blobs(60, 2);
    let y = Labels::Classes(labels);
    let (tx, ty) = (x.slice(0, 40).unwrap(), y.slice(0, 40).unwrap());
    let (vx, vy) = (x.slice(40, 60).unwrap(), y.slice(40, 60).unwrap());
    let mut model =
        Sequential::new(vec![Input::new(&[2]).into(), Dense::new(1).activation("sigmoid").into()]).unwrap();
    model
        .compile("binary_crossentropy", SGD { learning_rate: 0.5, ..SGD::default() }, &["accuracy".into()])
        .unwrap();
    let options =
        FitOptions { epochs: 5, batch_size: 10, validation_data: Some((&vx, &vy).into()), ..silent() };
    let history = model.fit(&tx, &ty, options).expect("binary class indices as validation labels");
    let val = model.evaluate(&vx, &vy).unwrap();
    assert_eq!(*history.get("val_accuracy").last().unwrap(), val.get("accuracy").unwrap());
    assert_relative(*history.get("val_loss").last().unwrap(), val.get("loss").unwrap(), 1e-6);
}

#[test]
fn sparse_labels_as_a_column_work_for_validation_data_too() {
    // Class indices as an n × 1 column (y.reshape(-1, 1)): accepted for
    // training with the sparse loss, so for validation too.
    keras::set_random_seed(31);
    let (x, labels) = blobs(30, 3);
    let column: Vec<f32> = labels.iter().map(|&l| l as f32).collect();
    let y = Labels::from(&column[..]);
    let (vx, vy) = (x.slice(20, 30).unwrap(), y.slice(20, 30).unwrap());
    let mut model = classifier(2, 3);
    model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()]).unwrap();
    let options = FitOptions { epochs: 2, validation_data: Some((&vx, &vy).into()), ..silent() };
    let history = model
        .fit(&x.slice(0, 20).unwrap(), &y.slice(0, 20).unwrap(), options)
        .expect("column class indices as validation labels");
    let val = model.evaluate(&vx, &vy).unwrap();
    assert_eq!(*history.get("val_accuracy").last().unwrap(), val.get("accuracy").unwrap());
}

#[test]
fn categorical_crossentropy_with_one_hot_labels_reports_categorical_accuracy() {
    keras::set_random_seed(37);
    let (x, labels) = blobs(90, 3);
    let one_hot = Labels::Values(to_categorical(&labels, 3).unwrap());
    let mut model = classifier(2, 3);
    // At the same weights, both cross-entropies agree.
    model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()]).unwrap();
    let sparse = model.evaluate(&x, &Labels::Classes(labels.clone())).unwrap();
    let adam = Adam { learning_rate: 0.05, ..Adam::default() };
    model.compile("categorical_crossentropy", adam, &["accuracy".into()]).unwrap();
    let dense = model.evaluate(&x, &one_hot).unwrap();
    assert_relative(dense.get("loss").unwrap(), sparse.get("loss").unwrap(), 1e-6);
    assert_eq!(dense.get("accuracy"), sparse.get("accuracy"));

    let history = model.fit(&x, &one_hot, FitOptions { epochs: 15, batch_size: 16, ..silent() }).unwrap();
    assert!(history.history.contains_key("accuracy"), "{history:?}");
    let logs = model.evaluate(&x, &one_hot).unwrap();
    let p = model.predict(&x).unwrap();
    assert_eq!(logs.get("accuracy").unwrap(), accuracy_by_hand(&p, &labels));
    assert!(logs.get("accuracy").unwrap() >= 0.95, "{logs}");
    // Named metrics keep their Keras keys.
    model.compile("categorical_crossentropy", "sgd", &["categorical_accuracy".into()]).unwrap();
    let logs = model.evaluate(&x, &one_hot).unwrap();
    assert_eq!(logs.get("categorical_accuracy").unwrap(), accuracy_by_hand(&p, &labels));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn to_categorical_and_argmax_round_trip(
        (k, labels) in (1usize..20).prop_flat_map(|k| (Just(k), prop::collection::vec(0..k, 0..40)))
    ) {
        let one_hot = to_categorical(&labels, k).unwrap();
        prop_assert_eq!(one_hot.shape(), (labels.len(), k));
        for (r, &l) in labels.iter().enumerate() {
            for c in 0..k {
                prop_assert_eq!(one_hot[(r, c)], if c == l { 1.0 } else { 0.0 });
            }
        }
        prop_assert_eq!(argmax(&one_hot), labels.clone());
        let too_many = labels.iter().map(|&l| l + k).collect::<Vec<_>>();
        prop_assert!(too_many.is_empty() || to_categorical(&too_many, k).is_err());
    }

    #[test]
    fn argmax_picks_the_first_largest_entry(rows in prop::collection::vec(prop::collection::vec(-3i8..3, 1..6), 1..10)) {
        let k = rows.iter().map(Vec::len).min().unwrap();
        let values: Vec<f32> = rows.iter().flat_map(|r| r[..k].iter().map(|&v| f32::from(v))).collect();
        let m = DMatrix::from_row_slice(rows.len(), k, &values);
        for (r, &c) in argmax(&m).iter().enumerate() {
            let row = &values[r * k..(r + 1) * k];
            let max = row.iter().copied().fold(f32::MIN, f32::max);
            prop_assert_eq!(row[c], max);
            prop_assert!(row[..c].iter().all(|&v| v < max));
        }
    }
}

// ---------------------------------------------------------------- optimizers

const XS: [f64; 4] = [1.0, 2.0, 3.0, -1.0];
const YS: [f64; 4] = [2.0, 1.0, 0.0, 3.0];

/// The MSE of y = w·x + b on XS, YS, and its gradient (∂/∂w, ∂/∂b).
fn mse_and_gradient(w: f64, b: f64) -> (f64, f64, f64) {
    let n = XS.len() as f64;
    let residuals: Vec<f64> = XS.iter().zip(YS).map(|(x, y)| w * x + b - y).collect();
    let loss = residuals.iter().map(|r| r * r).sum::<f64>() / n;
    let gw = 2.0 * residuals.iter().zip(XS).map(|(r, x)| r * x).sum::<f64>() / n;
    let gb = 2.0 * residuals.iter().sum::<f64>() / n;
    (loss, gw, gb)
}

/// One neuron, y = w·x + b, from known weights, compiled with MSE.
fn neuron(w: f32, b: f32, optimizer: impl Into<OptimizerArg>) -> Model {
    let mut model = Sequential::new(vec![Input::new(&[1]).into(), Dense::new(1).into()]).unwrap();
    model.set_weights(&[DMatrix::from_element(1, 1, w), DMatrix::from_element(1, 1, b)]).unwrap();
    model.compile("mse", optimizer, &[]).unwrap();
    model
}

/// Trains for `epochs` full-batch steps in order; returns (w, b) and the history.
fn steps(model: &mut Model, epochs: usize) -> ((f64, f64), History) {
    let x = Tensor::new(XS.iter().map(|&v| v as f32).collect(), &[4, 1]).unwrap();
    let ys: Vec<f32> = YS.iter().map(|&v| v as f32).collect();
    let options = FitOptions { epochs, batch_size: 4, shuffle: false, ..silent() };
    let history = model.fit(&x, &Labels::from(&ys[..]), options).unwrap();
    let w = model.get_weights().unwrap();
    ((f64::from(w[0][(0, 0)]), f64::from(w[1][(0, 0)])), history)
}

#[track_caller]
fn assert_close(actual: (f64, f64), expected: (f64, f64), tol: f64) {
    assert!(
        (actual.0 - expected.0).abs() < tol && (actual.1 - expected.1).abs() < tol,
        "got (w, b) = {actual:?}, expected {expected:?}"
    );
}

#[test]
fn sgd_moves_by_minus_the_learning_rate_times_the_gradient() {
    let (w0, b0) = (0.5, -0.25);
    let (loss, gw, gb) = mse_and_gradient(w0, b0);
    let mut model = neuron(0.5, -0.25, SGD { learning_rate: 0.1, ..SGD::default() });
    let (after, history) = steps(&mut model, 1);
    assert_close(after, (w0 - 0.1 * gw, b0 - 0.1 * gb), 1e-6);
    assert_relative(history.get("loss")[0], loss, 1e-6);
    // "sgd" by name: Keras's learning rate 0.01.
    let mut model = neuron(0.5, -0.25, "sgd");
    assert_close(steps(&mut model, 1).0, (w0 - 0.01 * gw, b0 - 0.01 * gb), 1e-6);
}

#[test]
fn sgd_with_momentum_keeps_a_velocity_as_keras_does() {
    let (lr, m) = (0.05, 0.9);
    for nesterov in [false, true] {
        let (w0, b0) = (0.5, -0.25);
        // Keras: v = m·v − lr·g; w += v (Nesterov: w += m·v − lr·g).
        let (_, gw1, gb1) = mse_and_gradient(w0, b0);
        let (vw1, vb1) = (-lr * gw1, -lr * gb1);
        let (w1, b1) =
            if nesterov { (w0 + m * vw1 - lr * gw1, b0 + m * vb1 - lr * gb1) } else { (w0 + vw1, b0 + vb1) };
        let (_, gw2, gb2) = mse_and_gradient(w1, b1);
        let (vw2, vb2) = (m * vw1 - lr * gw2, m * vb1 - lr * gb2);
        let (w2, b2) =
            if nesterov { (w1 + m * vw2 - lr * gw2, b1 + m * vb2 - lr * gb2) } else { (w1 + vw2, b1 + vb2) };
        let mut model = neuron(0.5, -0.25, SGD { learning_rate: lr, momentum: m, nesterov });
        assert_close(steps(&mut model, 1).0, (w1, b1), 1e-6);
        assert_close(steps(&mut model, 1).0, (w2, b2), 1e-6);
    }
}

#[test]
fn compiling_again_resets_the_velocity_but_not_the_weights() {
    let (lr, m) = (0.05, 0.9);
    let sgd = SGD { learning_rate: lr, momentum: m, nesterov: false };
    let mut model = neuron(0.5, -0.25, sgd);
    let (w1, b1) = steps(&mut model, 1).0;
    model.compile("mse", sgd, &[]).unwrap();
    let after_compile = model.get_weights().unwrap();
    assert_eq!((f64::from(after_compile[0][(0, 0)]), f64::from(after_compile[1][(0, 0)])), (w1, b1));
    let (_, gw, gb) = mse_and_gradient(w1, b1);
    assert_close(steps(&mut model, 1).0, (w1 - lr * gw, b1 - lr * gb), 1e-6);
}

#[test]
fn adam_steps_follow_keras_formulas() {
    let (lr, beta_1, beta_2, eps) = (0.1, 0.9, 0.999, 1e-7);
    let mut model = neuron(0.5, -0.25, Adam { learning_rate: lr, ..Adam::default() });
    let (mut w, mut b) = (0.5, -0.25);
    let (mut m, mut v) = ([0.0f64; 2], [0.0f64; 2]);
    for t in 1..=3 {
        let (_, gw, gb) = mse_and_gradient(w, b);
        let rate = lr * (1.0 - f64::powi(beta_2, t)).sqrt() / (1.0 - f64::powi(beta_1, t));
        let mut params = [w, b];
        for (i, g) in [gw, gb].into_iter().enumerate() {
            m[i] = beta_1 * m[i] + (1.0 - beta_1) * g;
            v[i] = beta_2 * v[i] + (1.0 - beta_2) * g * g;
            params[i] -= rate * m[i] / (v[i].sqrt() + eps);
        }
        [w, b] = params;
        // f32 rounding of β₂ before 1 − β₂ costs 6e-6 of the step (Keras's
        // own float32 bias correction as much): 1e-5 absolute.
        assert_close(steps(&mut model, 1).0, (w, b), 1e-5);
    }
}

#[test]
fn predictions_do_not_depend_on_the_batch_size_or_the_threads() {
    // 2,500 rows: three batches of 1,024 shared among the cores, against
    // batches of 7 and of 1 computed on one thread each.
    let model = classifier(6, 4);
    let x = features(2_500, 6, 3);
    let all = model.predict(&x).unwrap();
    for batch_size in [7, 1] {
        let other = model.predict_batch_size(&x, batch_size).unwrap();
        assert_eq!(other.shape(), all.shape());
        let largest = (&other - &all).abs().max();
        assert!(largest < 1e-6, "batch {batch_size}: largest difference {largest}");
    }
    let first = model.predict(&x.slice(0, 1).unwrap()).unwrap();
    assert!((first.row(0) - all.row(0)).abs().max() < 1e-6);
}
