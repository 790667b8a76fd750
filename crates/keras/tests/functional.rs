//! The Functional and Subclassing APIs on small synthetic data: graphs with
//! several inputs and outputs, shared layers, models used as layers, the
//! order of `model.layers`, the summary, per-output losses and metrics, and
//! the errors a user meets, each with its message checked.

use keras::layers::{Concatenate, Dense, Flatten, Input, Layer, LayerCall, Normalization, concatenate};
use keras::optimizers::SGD;
use keras::subclass::{Forward, Subclass, Value};
use keras::{CompileOptions, FitOptions, Labels, Model, Sequential, Tensor, Verbosity};

fn silent<'a>() -> FitOptions<'a> {
    FitOptions { verbose: Verbosity::Silent, ..Default::default() }
}

/// `n` samples of `d` features with deterministic values in [−1, 1).
fn features(n: usize, d: usize, seed: usize) -> Tensor {
    let values = (0..n * d).map(|i| (((i + seed * 7) * 7919) % 2000) as f32 / 1000.0 - 1.0).collect();
    Tensor::new(values, &[n, d]).unwrap()
}

/// A target per sample: the sum of its first two features.
fn target(x: &Tensor) -> Labels {
    let n = x.len();
    let values: Vec<f32> = (0..n).map(|i| x.sample(i)[0] + x.sample(i)[1]).collect();
    Labels::from(&values[..])
}

#[track_caller]
fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "the message should mention {part:?}:\n{message}");
    }
}

#[track_caller]
fn error_of<T>(result: keras::Result<T>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

/// Inputs (5) and (6), a Normalization each, a deep path, a main output
/// on the concatenation and an auxiliary output on the deep path.
fn two_in_two_out() -> Model {
    keras::clear_session();
    let input_wide = Input::new(&[5]).named("input_wide");
    let input_deep = Input::new(&[6]).named("input_deep");
    let norm_wide = Normalization::new().apply(&input_wide).unwrap();
    let norm_deep = Normalization::new().apply(&input_deep).unwrap();
    let hidden = Dense::new(4).activation("relu").apply(&norm_deep).unwrap();
    let concat = concatenate(&[&norm_wide, &hidden]).unwrap();
    let output = Dense::new(1).named("output").apply(&concat).unwrap();
    let aux = Dense::new(1).named("aux_output").apply(&hidden).unwrap();
    Model::functional([&input_wide, &input_deep], [&output, &aux]).unwrap()
}

#[test]
fn weights_have_keras_paths_and_keep_their_identity_through_training() {
    let mut model = two_in_two_out();
    let before: Vec<(String, keras::WeightId)> =
        model.weights().iter().map(|w| (w.path.clone(), w.id())).collect();
    assert!(before.iter().any(|(p, _)| p == "normalization/mean"), "{before:?}");
    assert!(before.iter().any(|(p, _)| p == "output/kernel"), "{before:?}");
    assert!(before.iter().any(|(p, _)| p == "aux_output/bias"), "{before:?}");
    model.compile("mse", "adam", keras::Metrics::All(vec![])).unwrap();
    let (wide, deep) = (features(20, 5, 1), features(20, 6, 2));
    let y = target(&wide);
    model.fit((&wide, &deep), (&y, &y), silent()).unwrap();
    let after: Vec<(String, keras::WeightId)> =
        model.weights().iter().map(|w| (w.path.clone(), w.id())).collect();
    assert_eq!(before, after);
    // Adam's two slots exist for every trainable weight and no other, keyed by the weight.
    let state = model.optimizer_state().unwrap();
    for w in model.weights() {
        match state.slots(w.id()) {
            Some([m, v]) => {
                assert!(w.trainable, "{} has slots", w.path);
                assert_eq!((m.len(), v.len()), (w.len(), w.len()), "{}", w.path);
            }
            None => assert!(!w.trainable, "{} has no slots", w.path),
        }
    }
}

#[test]
fn layers_are_ordered_as_keras_orders_them() {
    let model = two_in_two_out();
    let names: Vec<String> = model.layers().iter().map(|l| l.name().to_string()).collect();
    // The order Keras 3.15.1 gives this same graph (printed by real Keras): by
    // depth from the outputs, then by order of discovery.
    assert_eq!(
        names,
        [
            "input_deep",
            "input_wide",
            "normalization_1",
            "normalization",
            "dense",
            "concatenate",
            "output",
            "aux_output"
        ]
    );
    assert_eq!(model.output_names(), ["output", "aux_output"]);
    let inputs: Vec<&str> = model.inputs().iter().map(|i| i.name.as_str()).collect();
    assert_eq!(inputs, ["input_wide", "input_deep"]);
}

#[test]
fn the_functional_summary_shows_the_connections() {
    let model = two_in_two_out();
    let summary = model.summary().unwrap();
    assert!(summary.lines().nth(2).unwrap().contains("Connected to"), "{summary}");
    let concat =
        summary.lines().skip_while(|l| !l.contains("concatenate")).take(2).collect::<Vec<_>>().join("\n");
    assert!(concat.contains("normalization[0]…") && concat.contains("dense[0][0]"), "{summary}");
    assert!(summary.lines().all(|l| l.chars().count() <= 76), "{summary}");
    // The same text as Keras for its input rows.
    assert!(
        summary.contains("│ input_deep          │ (None, 6)         │          0 │ -                 │"),
        "{summary}"
    );
}

#[test]
fn a_layer_called_twice_shares_its_weights() {
    keras::clear_session();
    let (a, b) = (Input::new(&[3]).named("a"), Input::new(&[3]).named("b"));
    let shared = Dense::new(2).named("shared");
    let (ha, hb) = (shared.apply(&a).unwrap(), shared.apply(&b).unwrap());
    let out = Dense::new(1).apply(&concatenate(&[&ha, &hb]).unwrap()).unwrap();
    let mut model = Model::functional([&a, &b], &out).unwrap();
    assert_eq!(model.count_params().unwrap(), 3 * 2 + 2 + 4 + 1);
    assert_eq!(model.layers().iter().filter(|l| l.name() == "shared").count(), 1);
    // Each use contributes to the shared kernel's gradient: swapping the inputs changes nothing.
    let (xa, xb) = (features(8, 3, 1), features(8, 3, 2));
    let p = model.predict((&xa, &xb)).unwrap();
    let kernel = model.get_layer("shared").unwrap().get_weights();
    model.compile("mse", SGD { learning_rate: 0.1, ..SGD::default() }, keras::Metrics::All(vec![])).unwrap();
    model.fit((&xa, &xb), &target(&xa), FitOptions { shuffle: false, ..silent() }).unwrap();
    assert_ne!(model.get_layer("shared").unwrap().get_weights(), kernel);
    assert_eq!(p.shape(), (8, 1));
    let summary = model.summary().unwrap();
    assert!(summary.contains("a[0][0], b[0][0]") || summary.contains("a[0][0],"), "{summary}");
}

#[test]
fn a_model_is_a_layer_inside_another_model() {
    keras::clear_session();
    let inner =
        Sequential::new(vec![Input::new(&[4]).into(), Dense::new(3).activation("relu").into()]).unwrap();
    let input = Input::new(&[4]);
    let hidden = inner.apply(&input).unwrap();
    let output = Dense::new(1).apply(&hidden).unwrap();
    let mut outer = Model::functional(&input, &output).unwrap();
    assert_eq!(outer.count_params().unwrap(), 4 * 3 + 3 + 3 + 1);
    assert!(outer.summary().unwrap().contains("sequential (Sequential)"));
    outer.compile("mse", "adam", keras::Metrics::All(vec![])).unwrap();
    let x = features(16, 4, 3);
    let history = outer.fit(&x, &target(&x), FitOptions { epochs: 3, ..silent() }).unwrap();
    assert_eq!(history.get("loss").len(), 3);
    let inner_after = outer.get_layer("sequential").unwrap().get_weights();
    assert_ne!(inner_after, inner.get_weights().unwrap(), "the inner model trains with the outer one");
}

#[test]
fn several_outputs_take_losses_weights_and_metrics_per_output() {
    let mut model = two_in_two_out();
    model
        .compile_with(CompileOptions {
            loss: [("output", "mse"), ("aux_output", "mae")].into(),
            loss_weights: Some([("output", 0.75), ("aux_output", 0.25)].into()),
            optimizer: "adam".into(),
            metrics: [("output", ["RootMeanSquaredError"]), ("aux_output", ["mae"])].into(),
        })
        .unwrap();
    let (wide, deep) = (features(30, 5, 4), features(30, 6, 5));
    let y = target(&wide);
    let history = model.fit((&wide, &deep), [("aux_output", &y), ("output", &y)], silent()).unwrap();
    assert!(history.history.contains_key("val_loss") || history.history.contains_key("loss"));
    let logs = model.evaluate([("input_deep", &deep), ("input_wide", &wide)], (&y, &y)).unwrap();
    let names: Vec<&str> = logs.names().collect();
    assert_eq!(
        names,
        ["loss", "output_loss", "aux_output_loss", "aux_output_mae", "output_RootMeanSquaredError"]
    );
    let total = 0.75 * logs.get("output_loss").unwrap() + 0.25 * logs.get("aux_output_loss").unwrap();
    assert!((logs.get("loss").unwrap() - total).abs() < 1e-6, "{logs}");
    // The mae loss and the mae metric of the auxiliary output are the same number.
    assert!(
        (logs.get("aux_output_loss").unwrap() - logs.get("aux_output_mae").unwrap()).abs() < 1e-5,
        "{logs}"
    );
    let predictions = model.predict_outputs((&wide, &deep)).unwrap();
    assert_eq!(predictions.len(), 2);
    assert_eq!(predictions[1].shape(), (30, 1));
    let message = error_of(model.predict((&wide, &deep)));
    assert_mentions(&message, &["2 outputs", "predict_outputs"]);
}

/// Skips the hidden layer for samples when `skip` is set; several layers
/// of the same kind in a loop.
#[derive(Clone, Debug)]
struct Looped {
    hidden: Vec<Dense>,
    out: Dense,
    skip: bool,
}

impl Subclass for Looped {
    fn layers(&self) -> Vec<&dyn Layer> {
        self.hidden.iter().map(|d| d as &dyn Layer).chain([&self.out as &dyn Layer]).collect()
    }
    fn layers_mut(&mut self) -> Vec<&mut dyn Layer> {
        let (hidden, out) = (&mut self.hidden, &mut self.out);
        hidden.iter_mut().map(|d| d as &mut dyn Layer).chain([out as &mut dyn Layer]).collect()
    }
    fn call(&self, f: &mut Forward<'_, '_>, inputs: &[Value]) -> keras::Result<Vec<Value>> {
        let mut h = inputs[0];
        for layer in &self.hidden {
            h = f.call(layer, &[h])?;
        }
        if self.skip {
            h = f.concatenate(&[inputs[0], h])?;
        }
        Ok(vec![f.call(&self.out, &[h])?])
    }
}

#[test]
fn a_subclassed_model_builds_from_its_first_data_and_trains() {
    keras::clear_session();
    let layers = Looped {
        hidden: (0..3).map(|_| Dense::new(4).activation("tanh")).collect(),
        out: Dense::new(1),
        skip: true,
    };
    let mut model = Model::subclassed("looped", layers);
    assert!(!model.is_built());
    let before = model.summary().unwrap();
    assert!(before.contains("?") && before.contains("0 (unbuilt)"), "{before}");
    model.compile("mse", "adam", keras::Metrics::All(vec![])).unwrap();
    let x = features(40, 3, 6);
    let y = target(&x);
    let history = model.fit(&x, &y, FitOptions { epochs: 20, ..silent() }).unwrap();
    let losses = history.get("loss");
    assert!(losses.last().unwrap() < &losses[0], "{losses:?}");
    // The output layer reads the 3 inputs and the last hidden layer's 4 values.
    assert_eq!(model.get_layer("dense_3").unwrap().get_weights()[0].shape(), (7, 1));
    let summary = model.summary().unwrap();
    assert!(!summary.contains("Connected to"), "{summary}");
    assert!(summary.contains("dense_3 (Dense)") && summary.contains("(None, 1)"), "{summary}");
    assert_eq!(model.predict(&x).unwrap().shape(), (40, 1));
    let logs = model.evaluate(&x, &y).unwrap();
    assert!(logs.get("loss").unwrap().is_finite());
}

#[test]
fn predict_takes_a_shared_model_and_gives_the_same_rows_on_every_thread() {
    let model = two_in_two_out();
    let (wide, deep) = (features(700, 5, 7), features(700, 6, 8));
    let alone = model.predict_outputs((&wide, &deep)).unwrap();
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| model.predict_outputs((&wide, &deep)).unwrap());
        let b = s.spawn(|| model.predict_outputs_batch_size((&wide, &deep), 7).unwrap());
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(alone, a);
    for (x, y) in alone.iter().zip(&b) {
        assert!((x - y).abs().max() < 1e-6);
    }
}

#[test]
fn softmax_and_cross_entropy_are_fused_from_the_output_node() {
    keras::clear_session();
    let mut model =
        Sequential::new(vec![Input::new(&[1]).into(), Dense::new(2).activation("softmax").into()]).unwrap();
    // Logits ±1e4: probabilities round to exactly 0 and 1 in f32.
    model.set_weights(&[nalgebra::dmatrix![1e4f32, -1e4], nalgebra::dmatrix![0.0f32, 0.0]]).unwrap();
    model.compile("sparse_categorical_crossentropy", "sgd", keras::Metrics::All(vec![])).unwrap();
    let x = Tensor::new(vec![1.0], &[1, 1]).unwrap();
    let logs = model.evaluate(&x, &Labels::Classes(vec![1])).unwrap();
    // −ln softmax(z)₁ = 2e4 exactly from the logits; from probabilities it would be clipped to 16.1.
    assert_eq!(logs.get("loss").unwrap(), 2e4);
    let step = model.train_on_batch(&x, &Labels::Classes(vec![1])).unwrap();
    assert!(step.get("loss").unwrap().is_finite());
    assert!(model.get_weights().unwrap().iter().all(|w| w.iter().all(|v| v.is_finite())));
}

// ---------------------------------------------------------------- errors

#[test]
fn wrong_number_of_inputs_and_unknown_input_names_are_errors() {
    let mut model = two_in_two_out();
    let (wide, deep) = (features(4, 5, 1), features(4, 6, 2));
    let message = error_of(model.predict_outputs(&wide));
    assert_mentions(&message, &["expects 2 inputs", "input_wide", "input_deep", "got 1"]);
    let message = error_of(model.predict_outputs([("input_wide", &wide), ("input_deeep", &deep)]));
    assert_mentions(&message, &["no input named \"input_deeep\"", "input_wide, input_deep"]);
    let message = error_of(model.predict_outputs([("input_wide", &wide)]));
    assert_mentions(&message, &["no input given for \"input_deep\""]);
    let message = error_of(model.predict_outputs((&deep, &wide)));
    assert_mentions(&message, &["input_wide (None, 5)", "(None, 6)"]);
    model.compile("mse", "sgd", keras::Metrics::All(vec![])).unwrap();
    let y = target(&wide);
    let message = error_of(model.fit((&wide, &deep), &y, silent()));
    assert_mentions(&message, &["expects 2 outputs", "output, aux_output", "got 1"]);
    let message = error_of(model.fit((&wide, &deep), [("output", &y)], silent()));
    assert_mentions(&message, &["no output given for \"aux_output\""]);
}

#[test]
fn incompatible_shapes_name_the_layer_and_both_shapes() {
    keras::clear_session();
    let (a, b) = (Input::new(&[5]), Input::new(&[3, 2]));
    let message = error_of(Concatenate::new().named("joined").apply_many(&[&a, &b]));
    assert_mentions(&message, &["\"joined\"", "(None, 5)", "(None, 3, 2)"]);
    let message = error_of(Dense::new(4).named("hidden").apply(&b));
    assert_mentions(&message, &["\"hidden\"", "(None, 3, 2)", "Flatten"]);
    let flat = Flatten::new().apply(&b).unwrap();
    assert_eq!(flat.shape(), &[6]);
    // A layer built for 6 inputs cannot be called on 5.
    let out = Dense::new(2).named("once").apply(&flat).unwrap();
    let model = Model::functional(&b, &out).unwrap();
    let message = error_of(model.get_layer("once").unwrap().layer().output_shapes(&[vec![5]]));
    assert_mentions(&message, &["\"once\"", "(None, 6)", "(None, 5)"]);
}

#[test]
fn disconnected_graphs_are_errors() {
    keras::clear_session();
    let (a, b) = (Input::new(&[3]).named("a"), Input::new(&[3]).named("b"));
    let out = Dense::new(1).apply(&b).unwrap();
    let message = error_of(Model::functional(&a, &out));
    assert_mentions(&message, &["input \"b\"", "not among the model's inputs", "[a]", "disconnected"]);
    let message = error_of(Model::functional([&a, &b], &out));
    assert_mentions(&message, &["input \"a\" is not used by any output"]);
    let message = error_of(Model::functional(&out, &out));
    assert_mentions(&message, &["inputs must be Input tensors"]);
}

#[test]
fn losses_and_loss_weights_for_unknown_outputs_are_errors() {
    let mut model = two_in_two_out();
    let message =
        error_of(model.compile([("output", "mse"), ("aux", "mse")], "adam", keras::Metrics::All(vec![])));
    assert_mentions(&message, &["loss given for \"aux\"", "not an output", "output, aux_output"]);
    let message = error_of(model.compile_with(CompileOptions {
        loss: "mse".into(),
        loss_weights: Some([("output", 0.9), ("aux", 0.1)].into()),
        optimizer: "adam".into(),
        metrics: keras::Metrics::All(vec![]),
    }));
    assert_mentions(&message, &["loss_weights given for \"aux\"", "output, aux_output"]);
    let message = error_of(model.compile(["mse", "mse", "mse"], "adam", keras::Metrics::All(vec![])));
    assert_mentions(&message, &["loss: 3 given for 2 outputs"]);
    let message = error_of(model.compile([("output", "mse")], "adam", keras::Metrics::All(vec![])));
    assert_mentions(&message, &["no loss given for output \"aux_output\""]);
    // The chapter's flat metrics list with one metric for two outputs (Keras 3 rejects it too).
    let message = error_of(model.compile("mse", "adam", ["RootMeanSquaredError"]));
    assert_mentions(&message, &["2 outputs", "one metric per output", "got 1"]);
}

#[test]
fn duplicate_layer_names_are_errors() {
    keras::clear_session();
    let input = Input::new(&[3]);
    let h = Dense::new(2).named("twin").apply(&input).unwrap();
    let out = Dense::new(1).named("twin").apply(&h).unwrap();
    let message = error_of(Model::functional(&input, &out));
    assert_mentions(&message, &["two different layers are named \"twin\"", "unique names"]);
    let message = error_of(Sequential::new(vec![
        Input::new(&[3]).into(),
        Dense::new(2).named("twin").into(),
        Dense::new(1).named("twin").into(),
    ]));
    assert_mentions(&message, &["already has a layer named \"twin\""]);
}

#[test]
fn unknown_names_are_rejected_before_any_data() {
    keras::clear_session();
    let message =
        error_of(Sequential::new(vec![Input::new(&[3]).into(), Dense::new(2).activation("rellu").into()]));
    assert_mentions(&message, &["\"dense\"", "unknown activation \"rellu\"", "relu, sigmoid"]);
    let message = error_of(Dense::new(2).activation("rellu").apply(&Input::new(&[3])));
    assert_mentions(&message, &["unknown activation \"rellu\""]);
    let message = error_of(Sequential::new(vec![Dense::new(2).kernel_initializer("glorot").into()]));
    assert_mentions(&message, &["unknown initializer \"glorot\"", "glorot_uniform"]);
    let mut model = Sequential::new(vec![Input::new(&[3]).into(), Dense::new(1).into()]).unwrap();
    let message = error_of(model.compile("mean_sqared_error", "adam", keras::Metrics::All(vec![])));
    assert_mentions(&message, &["unknown loss \"mean_sqared_error\"", "mse"]);
    let message = error_of(model.compile("mse", "adamw", keras::Metrics::All(vec![])));
    assert_mentions(&message, &["unknown optimizer \"adamw\"", "sgd, adam"]);
    let message = error_of(model.compile("mse", "adam", ["acuracy"]));
    assert_mentions(&message, &["unknown metric \"acuracy\""]);
}
