//! The errors a learner meets, one test per case: each call returns `Err`
//! (never panics), and the message names the layer, loss or argument
//! involved and both shapes or counts.
//!
//! Small synthetic tensors only, so that every test runs in milliseconds.

use keras::layers::{Dense, Flatten, Input, Normalization};
use keras::{FitOptions, KerasError, Labels, Model, Sequential, Tensor, Verbosity, to_categorical};
use nalgebra::DMatrix;

/// Asserts that `message` contains every one of `parts`.
#[track_caller]
fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "the message should mention {part:?}:\n{message}");
    }
}

/// The error of a call that must fail.
#[track_caller]
fn error_of<T>(result: keras::Result<T>) -> KerasError {
    match result {
        Ok(_) => panic!("the call should have failed"),
        Err(e) => e,
    }
}

/// `fit` options that print nothing.
fn silent<'a>() -> FitOptions<'a> {
    FitOptions { verbose: Verbosity::Silent, ..Default::default() }
}

/// `n` samples of this shape with deterministic values in [0, 1).
fn tensor(n: usize, sample: &[usize]) -> Tensor {
    let size: usize = sample.iter().product();
    let values = (0..n * size).map(|i| ((i * 7919) % 1000) as f32 / 1000.0).collect();
    let mut shape = vec![n];
    shape.extend_from_slice(sample);
    Tensor::new(values, &shape).unwrap()
}

/// `n` class indices below `k`.
fn classes(n: usize, k: usize) -> Labels {
    Labels::Classes((0..n).map(|i| i % k).collect())
}

/// The chapter's image classifier, smaller: Input (28, 28), Flatten,
/// Dense 8 relu, Dense 10 softmax, compiled with the sparse loss.
fn image_classifier() -> Model {
    let mut model = Sequential::new(vec![
        Input::new(&[28, 28]).into(),
        Flatten::new().into(),
        Dense::new(8).activation("relu").into(),
        Dense::new(10).activation("softmax").into(),
    ])
    .unwrap();
    model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()]).unwrap();
    model
}

/// Input (4), Dense 3 softmax, compiled with `loss`.
fn small_classifier(loss: &str) -> Model {
    let mut model =
        Sequential::new(vec![Input::new(&[4]).into(), Dense::new(3).activation("softmax").into()]).unwrap();
    model.compile(loss, "sgd", &["accuracy".into()]).unwrap();
    model
}

// ---------------------------------------------------------------- input shapes

#[test]
fn fit_on_flattened_images_names_the_input_and_both_shapes() {
    let mut model = image_classifier();
    let before = model.get_weights().unwrap();
    let err = model.fit(&tensor(5, &[784]), &classes(5, 10), silent()).unwrap_err();
    assert!(matches!(err, KerasError::Shape { .. }), "{err:?}");
    assert_mentions(&err.to_string(), &["input_layer", "(None, 28, 28)", "(None, 784)"]);
    assert_eq!(model.get_weights().unwrap(), before, "a failed fit must not train");
}

#[test]
fn evaluate_on_flattened_images_names_the_input_and_both_shapes() {
    let model = image_classifier();
    let err = model.evaluate(&tensor(5, &[784]), &classes(5, 10)).unwrap_err();
    assert_mentions(&err.to_string(), &["input_layer", "(None, 28, 28)", "(None, 784)"]);
}

#[test]
fn predict_on_flattened_images_names_the_input_and_both_shapes() {
    let model = image_classifier();
    let err = model.predict(&tensor(5, &[784])).unwrap_err();
    assert_mentions(&err.to_string(), &["input_layer", "(None, 28, 28)", "(None, 784)"]);
}

#[test]
fn validation_data_of_another_shape_names_both_shapes() {
    let mut model = image_classifier();
    let (vx, vy) = (tensor(3, &[784]), classes(3, 10));
    let options = FitOptions { validation_data: Some((&vx, &vy).into()), ..silent() };
    let err = model.fit(&tensor(5, &[28, 28]), &classes(5, 10), options).unwrap_err();
    assert_mentions(&err.to_string(), &["(None, 28, 28)", "(None, 784)"]);
}

#[test]
fn build_with_another_shape_than_the_input_declares_fails() {
    let mut model = image_classifier();
    let err = model.build(&[784]).unwrap_err();
    assert_mentions(&err.to_string(), &["(None, 28, 28)", "(None, 784)"]);
    assert_eq!(model.input_shape(), Some(&[28, 28][..]));
}

// ---------------------------------------------------------------- labels

#[test]
fn fit_with_fewer_labels_than_samples_gives_both_counts() {
    let mut model = small_classifier("sparse_categorical_crossentropy");
    let err = model.fit(&tensor(6, &[4]), &classes(5, 3), silent()).unwrap_err();
    assert!(matches!(err, KerasError::Count { .. }), "{err:?}");
    assert_mentions(&err.to_string(), &["labels", "6", "5", "(6, 4)", "(5,)"]);
}

#[test]
fn evaluate_with_more_labels_than_samples_gives_both_counts() {
    let model = small_classifier("sparse_categorical_crossentropy");
    let err = model.evaluate(&tensor(6, &[4]), &classes(7, 3)).unwrap_err();
    assert_mentions(&err.to_string(), &["labels", "6", "7", "(6, 4)", "(7,)"]);
}

#[test]
fn one_hot_labels_with_the_sparse_loss_say_to_use_categorical_crossentropy() {
    let mut model = image_classifier();
    let y = Labels::Values(to_categorical(&[0, 1, 2, 3, 9], 10).unwrap());
    let err = model.fit(&tensor(5, &[28, 28]), &y, silent()).unwrap_err();
    assert!(matches!(err, KerasError::Labels { .. }), "{err:?}");
    let message = err.to_string();
    assert_mentions(&message, &["sparse_categorical_crossentropy", "(5, 10)", "(5,)"]);
    assert!(message.contains(" categorical_crossentropy"), "should suggest the other loss: {message}");
    let err = model.evaluate(&tensor(5, &[28, 28]), &y).unwrap_err();
    assert_mentions(&err.to_string(), &["sparse_categorical_crossentropy", "(5, 10)", "(5,)"]);
}

#[test]
fn class_indices_with_the_categorical_loss_say_to_use_to_categorical() {
    let mut model = small_classifier("categorical_crossentropy");
    let err = model.fit(&tensor(6, &[4]), &classes(6, 3), silent()).unwrap_err();
    assert!(matches!(err, KerasError::Labels { .. }), "{err:?}");
    assert_mentions(
        &err.to_string(),
        &[
            "categorical_crossentropy",
            "(None, 3)",
            "(6,)",
            "sparse_categorical_crossentropy",
            "to_categorical",
        ],
    );
}

#[test]
fn one_hot_rows_of_the_wrong_width_name_both_shapes() {
    let mut model = small_classifier("categorical_crossentropy");
    let y = Labels::Values(to_categorical(&[0, 1, 2, 3, 4, 0], 5).unwrap());
    let err = model.fit(&tensor(6, &[4]), &y, silent()).unwrap_err();
    assert_mentions(&err.to_string(), &["categorical_crossentropy", "(None, 3)", "(6, 5)"]);
}

#[test]
fn label_ten_with_ten_outputs_is_out_of_range() {
    let mut model = image_classifier();
    let y = Labels::Classes(vec![0, 3, 10, 9, 1]);
    let err = model.fit(&tensor(5, &[28, 28]), &y, silent()).unwrap_err();
    assert!(matches!(err, KerasError::Labels { .. }), "{err:?}");
    assert_mentions(&err.to_string(), &["sparse_categorical_crossentropy", "label 10", "(None, 10)", "9"]);
    let err = model.evaluate(&tensor(5, &[28, 28]), &y).unwrap_err();
    assert_mentions(&err.to_string(), &["sparse_categorical_crossentropy", "label 10", "(None, 10)"]);
}

#[test]
fn label_ten_in_the_validation_data_is_out_of_range_and_says_validation() {
    let mut model = image_classifier();
    let before = model.get_weights().unwrap();
    let (vx, vy) = (tensor(3, &[28, 28]), Labels::Classes(vec![1, 10, 2]));
    let options = FitOptions { validation_data: Some((&vx, &vy).into()), ..silent() };
    let err = model.fit(&tensor(5, &[28, 28]), &classes(5, 10), options).unwrap_err();
    let message = err.to_string();
    assert_mentions(&message, &["sparse_categorical_crossentropy", "label 10", "(None, 10)"]);
    assert_eq!(model.get_weights().unwrap(), before, "bad validation data must be caught before training");
    // The training labels are fine: a learner must be told to look at the
    // validation labels.
    assert!(message.contains("validation"), "the message should say the validation data is wrong: {message}");
}

#[test]
fn binary_labels_outside_zero_one_are_rejected() {
    let mut model =
        Sequential::new(vec![Input::new(&[4]).into(), Dense::new(1).activation("sigmoid").into()]).unwrap();
    model.compile("binary_crossentropy", "sgd", &["accuracy".into()]).unwrap();
    let y = Labels::from(&[0.0f32, 1.0, 2.0][..]);
    let err = model.fit(&tensor(3, &[4]), &y, silent()).unwrap_err();
    assert_mentions(&err.to_string(), &["binary_crossentropy", "0", "1"]);
}

// ---------------------------------------------------------------- building

#[test]
fn forgotten_flatten_says_to_add_one() {
    keras::clear_session();
    let err = Sequential::new(vec![
        Input::new(&[28, 28]).into(),
        Dense::new(300).activation("relu").into(),
        Dense::new(10).activation("softmax").into(),
    ])
    .unwrap_err();
    assert!(matches!(err, KerasError::Shape { .. }), "{err:?}");
    assert_mentions(&err.to_string(), &["\"dense\"", "(None, 28, 28)", "Flatten"]);
}

#[test]
fn forgotten_flatten_in_a_lazy_model_fails_at_fit() {
    keras::clear_session();
    let mut model = Sequential::new(vec![
        Dense::new(8).activation("relu").into(),
        Dense::new(10).activation("softmax").into(),
    ])
    .unwrap();
    model.compile("sparse_categorical_crossentropy", "sgd", &[]).unwrap();
    let err = model.fit(&tensor(4, &[28, 28]), &classes(4, 10), silent()).unwrap_err();
    assert_mentions(&err.to_string(), &["\"dense\"", "(None, 28, 28)", "Flatten"]);
}

#[test]
fn a_failed_build_leaves_the_model_usable() {
    keras::clear_session();
    let mut model = Sequential::new(vec![
        Dense::new(8).activation("relu").into(),
        Dense::new(3).activation("softmax").into(),
    ])
    .unwrap();
    model.compile("sparse_categorical_crossentropy", "adam", &["accuracy".into()]).unwrap();
    let err = model.fit(&tensor(6, &[4, 4]), &classes(6, 3), silent()).unwrap_err();
    assert_mentions(&err.to_string(), &["dense", "(None, 4, 4)", "Flatten"]);
    assert!(!model.is_built());
    assert_eq!(model.input_shape(), None);
    let err = model.predict(&tensor(6, &[4, 4])).unwrap_err();
    assert_mentions(&err.to_string(), &["dense", "(None, 4, 4)"]);
    assert!(!model.is_built());
    // Right data now: the model builds and trains.
    let history = model.fit(&tensor(6, &[16]), &classes(6, 3), FitOptions { epochs: 2, ..silent() }).unwrap();
    assert!(model.is_built());
    assert_eq!(model.input_shape(), Some(&[16][..]));
    assert_eq!(history.get("loss").len(), 2);
    assert_eq!(model.count_params().unwrap(), 16 * 8 + 8 + 8 * 3 + 3);
    assert_eq!(model.predict(&tensor(2, &[16])).unwrap().shape(), (2, 3));
}

#[test]
fn an_input_after_other_layers_is_rejected() {
    let err = Sequential::new(vec![Dense::new(3).into(), Input::new(&[4]).into()]).unwrap_err();
    assert_mentions(&err.to_string(), &["input_layer", "first"]);
}

#[test]
fn two_layers_of_the_same_name_are_rejected() {
    // Keras: "All layers added to a Sequential model should have unique
    // names". Here get_layer("hidden") would silently find only the first,
    // and both kernels would be called "hidden/kernel".
    let result = Sequential::new(vec![
        Input::new(&[4]).into(),
        Dense::new(3).named("hidden").into(),
        Dense::new(2).named("hidden").into(),
    ]);
    let err = error_of(result);
    assert_mentions(&err.to_string(), &["hidden"]);
}

// ---------------------------------------------------------------- unknown names

#[test]
fn unknown_activation_lists_the_known_ones() {
    keras::clear_session();
    let err =
        Sequential::new(vec![Input::new(&[4]).into(), Dense::new(3).activation("rellu").into()]).unwrap_err();
    assert_mentions(&err.to_string(), &["\"dense\"", "activation", "rellu", "relu", "sigmoid", "softmax"]);
}

#[test]
fn unknown_initializer_lists_the_known_ones() {
    keras::clear_session();
    let err =
        Sequential::new(vec![Input::new(&[4]).into(), Dense::new(3).kernel_initializer("glorot").into()])
            .unwrap_err();
    assert_mentions(
        &err.to_string(),
        &["\"dense\"", "initializer", "\"glorot\"", "glorot_uniform", "he_normal"],
    );
    let err = Sequential::new(vec![Input::new(&[4]).into(), Dense::new(3).bias_initializer("zero").into()])
        .unwrap_err();
    assert_mentions(&err.to_string(), &["dense_1", "\"zero\"", "zeros"]);
}

#[test]
fn unknown_loss_lists_the_known_ones() {
    let mut model = small_classifier("sparse_categorical_crossentropy");
    let err = model.compile("sparse_categorical_crossentropi", "sgd", &[]).unwrap_err();
    assert!(matches!(err, KerasError::UnknownName { .. }), "{err:?}");
    assert_mentions(
        &err.to_string(),
        &["loss", "sparse_categorical_crossentropi\"", "sparse_categorical_crossentropy", "mse"],
    );
}

#[test]
fn unknown_optimizer_lists_the_known_ones() {
    let mut model = small_classifier("sparse_categorical_crossentropy");
    let err = model.compile("sparse_categorical_crossentropy", "adma", &[]).unwrap_err();
    assert_mentions(&err.to_string(), &["optimizer", "adma", "sgd", "adam"]);
}

#[test]
fn unknown_metric_lists_the_known_ones() {
    let mut model = small_classifier("sparse_categorical_crossentropy");
    let err = model.compile("sparse_categorical_crossentropy", "sgd", &["acuracy".into()]).unwrap_err();
    assert_mentions(&err.to_string(), &["metric", "acuracy", "accuracy", "RootMeanSquaredError"]);
}

#[test]
fn unknown_layer_lists_the_model_layers() {
    keras::clear_session();
    let mut model = image_classifier();
    let err = error_of(model.get_layer("nope"));
    assert!(matches!(err, KerasError::UnknownName { .. }), "{err:?}");
    assert_mentions(&err.to_string(), &["layer", "nope", "flatten", "dense", "dense_1"]);
    let err = model.set_layer_weights("nope", &[]).unwrap_err();
    assert_mentions(&err.to_string(), &["nope", "dense_1"]);
    let err = model.adapt("nope", &tensor(2, &[28, 28])).unwrap_err();
    assert_mentions(&err.to_string(), &["nope", "dense_1"]);
}

#[test]
fn adapting_a_dense_layer_says_only_normalization_adapts() {
    keras::clear_session();
    let mut model = image_classifier();
    let err = model.adapt("dense", &tensor(2, &[784])).unwrap_err();
    assert_mentions(&err.to_string(), &["dense", "Normalization"]);
}

// ---------------------------------------------------------------- model state

#[test]
fn an_unbuilt_model_has_no_summary_weights_or_parameter_count() {
    keras::clear_session();
    let mut model = Sequential::new(vec![Dense::new(3).into()]).unwrap();
    assert!(!model.is_built());
    for err in [
        model.summary().unwrap_err(),
        model.get_weights().unwrap_err(),
        model.count_params().unwrap_err(),
        model.set_weights(&[]).unwrap_err(),
    ] {
        assert!(matches!(err, KerasError::NotBuilt(_)), "{err:?}");
        assert_mentions(&err.to_string(), &["\"sequential\"", "not built", "Input", "build"]);
    }
}

#[test]
fn fit_and_evaluate_before_compile_say_to_compile() {
    keras::clear_session();
    let mut model = Sequential::new(vec![Input::new(&[4]).into(), Dense::new(3).into()]).unwrap();
    let err = model.fit(&tensor(3, &[4]), &classes(3, 3), silent()).unwrap_err();
    assert!(matches!(err, KerasError::NotCompiled(_)), "{err:?}");
    assert_mentions(&err.to_string(), &["\"sequential\"", "compile"]);
    let err = model.evaluate(&tensor(3, &[4]), &classes(3, 3)).unwrap_err();
    assert!(matches!(err, KerasError::NotCompiled(_)), "{err:?}");
    // predict needs no compile.
    assert_eq!(model.predict(&tensor(3, &[4])).unwrap().shape(), (3, 3));
}

#[test]
fn set_weights_with_too_few_arrays_changes_nothing() {
    keras::clear_session();
    let mut model =
        Sequential::new(vec![Input::new(&[4]).into(), Dense::new(3).into(), Dense::new(2).into()]).unwrap();
    let before = model.get_weights().unwrap();
    let mut fewer = before.clone();
    fewer.pop();
    let zeros: Vec<DMatrix<f32>> = fewer.iter().map(|w| DMatrix::zeros(w.nrows(), w.ncols())).collect();
    let err = model.set_weights(&zeros).unwrap_err();
    assert!(matches!(err, KerasError::Weights { .. }), "{err:?}");
    assert_mentions(&err.to_string(), &["sequential", "4", "3"]);
    assert_eq!(model.get_weights().unwrap(), before);
}

#[test]
fn set_weights_with_a_wrong_shape_names_the_weight_and_changes_nothing() {
    keras::clear_session();
    let mut model =
        Sequential::new(vec![Input::new(&[4]).into(), Dense::new(3).into(), Dense::new(2).into()]).unwrap();
    let before = model.get_weights().unwrap();
    // Right shapes but the last bias, transposed: nothing may be written.
    let mut values: Vec<DMatrix<f32>> =
        before.iter().map(|w| DMatrix::from_element(w.nrows(), w.ncols(), 0.5)).collect();
    values[3] = DMatrix::zeros(2, 1);
    let err = model.set_weights(&values).unwrap_err();
    assert_mentions(&err.to_string(), &["dense_1/bias", "1×2", "2×1"]);
    assert_eq!(model.get_weights().unwrap(), before);
    // A kernel transposed.
    values[3] = DMatrix::zeros(1, 2);
    values[0] = DMatrix::zeros(3, 4);
    let err = model.set_weights(&values).unwrap_err();
    assert_mentions(&err.to_string(), &["dense/kernel", "4×3", "3×4"]);
    assert_eq!(model.get_weights().unwrap(), before);
    // One layer's weights.
    let err = model.set_layer_weights("dense_1", &[DMatrix::zeros(3, 2), DMatrix::zeros(2, 1)]).unwrap_err();
    assert_mentions(&err.to_string(), &["dense_1", "dense_1/bias", "1×2", "2×1"]);
    let err = model.set_layer_weights("dense_1", &[DMatrix::zeros(3, 2)]).unwrap_err();
    assert_mentions(&err.to_string(), &["dense_1", "2", "1"]);
    assert_eq!(model.get_weights().unwrap(), before);
}

// ---------------------------------------------------------------- fit arguments

#[test]
fn sample_weight_of_the_wrong_length_gives_both_counts() {
    let mut model = small_classifier("sparse_categorical_crossentropy");
    let before = model.get_weights().unwrap();
    let weights = [1.0f32; 4];
    let options = FitOptions { sample_weight: Some(&weights), ..silent() };
    let err = model.fit(&tensor(6, &[4]), &classes(6, 3), options).unwrap_err();
    assert!(matches!(err, KerasError::Count { .. }), "{err:?}");
    assert_mentions(&err.to_string(), &["sample_weight", "4", "6"]);
    assert_eq!(model.get_weights().unwrap(), before);
}

#[test]
fn batch_size_zero_is_rejected() {
    let mut model = small_classifier("sparse_categorical_crossentropy");
    let err =
        model.fit(&tensor(6, &[4]), &classes(6, 3), FitOptions { batch_size: 0, ..silent() }).unwrap_err();
    assert_mentions(&err.to_string(), &["batch_size", "at least 1"]);
}

#[test]
fn validation_split_outside_zero_one_is_rejected() {
    let mut model = small_classifier("sparse_categorical_crossentropy");
    for split in [1.5, 1.0, -0.1] {
        let options = FitOptions { validation_split: split, ..silent() };
        let err = model.fit(&tensor(6, &[4]), &classes(6, 3), options).unwrap_err();
        assert_mentions(&err.to_string(), &["validation_split", &split.to_string()]);
    }
}

#[test]
fn accuracy_with_a_regression_loss_is_rejected_at_compile() {
    let mut model = Sequential::new(vec![Input::new(&[4]).into(), Dense::new(1).into()]).unwrap();
    let err = model.compile("mse", "sgd", &["accuracy".into()]).unwrap_err();
    assert_mentions(&err.to_string(), &["accuracy", "mean_squared_error", "RootMeanSquaredError"]);
    assert!(model.loss().is_none(), "a failed compile must not compile the model");
}

#[test]
fn regression_targets_of_the_wrong_width_name_both_shapes() {
    let mut model = Sequential::new(vec![Input::new(&[4]).into(), Dense::new(1).into()]).unwrap();
    model.compile("mse", "sgd", &[]).unwrap();
    let y = Labels::Values(DMatrix::zeros(5, 2));
    let err = model.fit(&tensor(5, &[4]), &y, silent()).unwrap_err();
    assert_mentions(&err.to_string(), &["mean_squared_error", "(None, 1)", "(5, 2)"]);
}

// ---------------------------------------------------------------- normalization

#[test]
fn normalization_of_images_says_to_flatten_them() {
    keras::clear_session();
    let mut norm = Normalization::new();
    let err = norm.adapt(&tensor(3, &[28, 28])).unwrap_err();
    assert_mentions(
        &err.to_string(),
        &["\"normalization\"", "(None, 28, 28)", "(None, features)", "flatten"],
    );
    assert!(norm.mean().is_none());
    let err = Sequential::new(vec![Input::new(&[28, 28]).into(), Normalization::new().into()]).unwrap_err();
    assert_mentions(&err.to_string(), &["normalization_1", "(None, 28, 28)"]);
}

#[test]
fn normalization_adapted_on_other_features_names_both_counts() {
    keras::clear_session();
    let mut norm = Normalization::new();
    norm.adapt(&tensor(3, &[5])).unwrap();
    let err = Sequential::new(vec![Input::new(&[8]).into(), norm.into()]).unwrap_err();
    assert_mentions(&err.to_string(), &["normalization", "5", "(None, 8)"]);
}

// ---------------------------------------------------------------- data

#[test]
fn a_tensor_of_the_wrong_size_gives_both_counts() {
    let err = Tensor::new(vec![0.0; 10], &[2, 28, 28]).unwrap_err();
    assert_mentions(&err.to_string(), &["[2, 28, 28]", "1568", "10"]);
}

#[test]
fn to_categorical_with_a_label_too_large_names_it() {
    let err = to_categorical(&[0, 1, 10], 10).unwrap_err();
    assert_mentions(&err.to_string(), &["label 10", "sample 2", "10"]);
}
