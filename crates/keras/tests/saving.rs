//! Saving and loading: `.keras` files and `.weights.h5` files round-trip
//! every kind of model this crate builds (weights, Normalization
//! statistics, compile settings, optimizer state, the shuffling
//! generator), resuming is exact even in a fresh process, saves are
//! atomic, and broken files give errors that say what is wrong.

use std::io::Write;
use std::path::{Path, PathBuf};

use keras::layers::{Dense, Flatten, Input, LayerCall, Normalization, concatenate};
use keras::optimizers::{Adam, SGD};
use keras::subclass::{Forward, Subclass, Value};
use keras::{CompileOptions, FitOptions, KernelLayout, Labels, Model, Sequential, Tensor, Verbosity};
use proptest::prelude::*;

fn silent<'a>() -> FitOptions<'a> {
    FitOptions { verbose: Verbosity::Silent, ..Default::default() }
}

/// `n` samples of `d` features with deterministic values in [−1, 1).
fn features(n: usize, d: usize, seed: usize) -> Tensor {
    let values = (0..n * d).map(|i| (((i + seed * 7) * 7919) % 2000) as f32 / 1000.0 - 1.0).collect();
    Tensor::new(values, &[n, d]).unwrap()
}

fn target(x: &Tensor) -> Labels {
    let values: Vec<f32> = (0..x.len()).map(|i| x.sample(i)[0] - 0.5 * x.sample(i)[1]).collect();
    Labels::from(&values[..])
}

/// A fresh folder for one test.
fn folder(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("keras-saving-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[track_caller]
fn error_of<T>(result: keras::Result<T>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[track_caller]
fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "the message should mention {part:?}:\n{message}");
    }
}

/// A small classifier shaped like the chapter's: images of 4 × 3 pixels.
fn classifier() -> (Model, Tensor, Labels) {
    keras::clear_session();
    keras::set_random_seed(7);
    let mut model = Sequential::new(vec![
        Input::new(&[4, 3]).into(),
        Flatten::new().into(),
        Dense::new(8).activation("relu").kernel_initializer("he_normal").into(),
        Dense::new(6).activation("tanh").into(),
        Dense::new(3).activation("softmax").into(),
    ])
    .unwrap();
    model
        .compile(
            "sparse_categorical_crossentropy",
            Adam { learning_rate: 0.01, ..Adam::default() },
            ["accuracy"],
        )
        .unwrap();
    let flat = features(60, 12, 1);
    let x = Tensor::new(flat.values().to_vec(), &[60, 4, 3]).unwrap();
    let y = Labels::from((0..60).map(|i| i % 3).collect::<Vec<usize>>());
    (model, x, y)
}

/// Two inputs, a Normalization each, a Concatenate, two outputs with
/// their own losses, weights and metrics (the chapter's last
/// Functional model).
fn wide_and_deep(x_wide: &Tensor, x_deep: &Tensor) -> Model {
    keras::clear_session();
    keras::set_random_seed(3);
    let input_wide = Input::new(&[3]).named("input_wide");
    let input_deep = Input::new(&[4]).named("input_deep");
    let mut norm_wide = Normalization::new();
    norm_wide.adapt(x_wide).unwrap();
    let mut norm_deep = Normalization::new();
    norm_deep.adapt(x_deep).unwrap();
    let nw = norm_wide.apply(&input_wide).unwrap();
    let nd = norm_deep.apply(&input_deep).unwrap();
    let h1 = Dense::new(5).activation("relu").apply(&nd).unwrap();
    let h2 = Dense::new(5).activation("relu").apply(&h1).unwrap();
    let concat = concatenate(&[&nw, &h2]).unwrap();
    let output = Dense::new(1).named("output").apply(&concat).unwrap();
    let aux = Dense::new(1).named("aux_output").apply(&h2).unwrap();
    let mut model = Model::functional([&input_wide, &input_deep], [&output, &aux]).unwrap();
    model
        .compile_with(CompileOptions {
            loss: ["mse", "mse"].into(),
            loss_weights: Some([0.9, 0.1].into()),
            optimizer: SGD { learning_rate: 0.05, momentum: 0.9, ..SGD::default() }.into(),
            metrics: [["RootMeanSquaredError"], ["mae"]].into(),
        })
        .unwrap();
    model
}

#[test]
fn a_sequential_model_round_trips_with_its_optimizer_state() {
    let dir = folder("sequential");
    let (mut model, x, y) = classifier();
    model.fit(&x, &y, FitOptions { epochs: 3, batch_size: 16, ..silent() }).unwrap();
    let path = dir.join("classifier.keras");
    model.save(&path).unwrap();
    let loaded = keras::load_model(&path).unwrap();
    assert_eq!(loaded.name(), model.name());
    assert_eq!(loaded.class_name(), "Sequential");
    assert_eq!(loaded.get_weights().unwrap(), model.get_weights().unwrap());
    assert_eq!(loaded.predict(&x).unwrap(), model.predict(&x).unwrap());
    assert_eq!(loaded.evaluate(&x, &y).unwrap(), model.evaluate(&x, &y).unwrap());
    assert_eq!(loaded.iterations(), model.iterations());
    assert_eq!(loaded.iterations(), 12);
    assert_eq!(loaded.optimizer(), model.optimizer());
    assert_eq!(loaded.get_config(), model.get_config());
    assert_eq!(loaded.summary().unwrap(), model.summary().unwrap());
    // The slots of every trainable weight came back.
    let (a, b) = (model.optimizer_state().unwrap(), loaded.optimizer_state().unwrap());
    for (w, v) in model.weights().iter().zip(loaded.weights()) {
        assert_eq!(a.slots(w.id()), b.slots(v.id()), "slots of {}", w.path);
    }
}

#[test]
fn a_functional_model_with_normalization_and_two_outputs_round_trips() {
    let dir = folder("functional");
    let (x_wide, x_deep) = (features(50, 3, 2), features(50, 4, 3));
    let mut model = wide_and_deep(&x_wide, &x_deep);
    let y = target(&x_deep);
    model.fit([&x_wide, &x_deep], [&y, &y], FitOptions { epochs: 2, batch_size: 10, ..silent() }).unwrap();
    let path = dir.join("wide_deep.keras");
    model.save(&path).unwrap();
    let loaded = keras::load_model(&path).unwrap();
    let names = |m: &Model| m.layers().iter().map(|l| l.name().to_string()).collect::<Vec<_>>();
    assert_eq!(names(&loaded), names(&model));
    assert_eq!(loaded.output_names(), model.output_names());
    assert_eq!(loaded.get_weights().unwrap(), model.get_weights().unwrap());
    assert_eq!(
        loaded.predict_outputs([&x_wide, &x_deep]).unwrap(),
        model.predict_outputs([&x_wide, &x_deep]).unwrap()
    );
    let (a, b) = (
        model.evaluate([&x_wide, &x_deep], [&y, &y]).unwrap(),
        loaded.evaluate([&x_wide, &x_deep], [&y, &y]).unwrap(),
    );
    assert_eq!(a, b);
    assert!(b.get("aux_output_mean_absolute_error").is_some() || b.get("aux_output_mae").is_some(), "{b:?}");
    assert_eq!(loaded.get_config(), model.get_config());
}

#[test]
fn the_weights_file_has_keras_layout() {
    let dir = folder("layout");
    let (x_wide, x_deep) = (features(20, 3, 2), features(20, 4, 3));
    let model = wide_and_deep(&x_wide, &x_deep);
    let path = dir.join("w.weights.h5");
    model.save_weights(&path).unwrap();
    let file = hdf5_pure::File::open(&path).unwrap();
    // Keras keys the groups by class in `model.layers` order, not by name.
    // The order Keras 3.15.1 gives this graph (printed by `keras.Model(…).layers`):
    let order: Vec<String> = model.layers().iter().map(|l| l.name().to_string()).collect();
    assert_eq!(
        order,
        [
            "input_deep",
            "normalization_1",
            "input_wide",
            "dense",
            "normalization",
            "dense_1",
            "concatenate",
            "output",
            "aux_output"
        ]
    );
    // So `output` is the third Dense (`dense_2`), on 3 + 5 features, and the
    // first Normalization key is the deep one (4 features).
    assert_eq!(file.dataset("layers/dense_2/vars/0").unwrap().shape().unwrap(), vec![8, 1]);
    assert_eq!(file.dataset("layers/dense_2/vars/1").unwrap().shape().unwrap(), vec![1]);
    assert_eq!(file.dataset("layers/normalization/vars/0").unwrap().shape().unwrap(), vec![4]);
    assert_eq!(file.dataset("layers/normalization/vars/2").unwrap().shape().unwrap(), Vec::<u64>::new());
    assert_eq!(file.dataset("layers/normalization/vars/2").unwrap().read_i64().unwrap(), vec![20]);
    // SGD with momentum: iterations, learning rate, one slot per trainable weight.
    assert_eq!(file.group("optimizer/vars").unwrap().datasets().unwrap().len(), 2 + 8);
    assert_eq!(file.dataset("optimizer/vars/1").unwrap().read_f32().unwrap(), vec![0.05]);
}

#[test]
fn weights_round_trip_and_a_subclassed_model_saves_its_weights_only() {
    #[derive(Clone, Debug)]
    struct TwoLayers {
        hidden: Dense,
        out: Dense,
    }
    impl Subclass for TwoLayers {
        fn class_name(&self) -> &'static str {
            "TwoLayers"
        }
        fn layers(&self) -> Vec<&dyn keras::layers::Layer> {
            vec![&self.hidden, &self.out]
        }
        fn layers_mut(&mut self) -> Vec<&mut dyn keras::layers::Layer> {
            vec![&mut self.hidden, &mut self.out]
        }
        fn call(&self, f: &mut Forward<'_, '_>, inputs: &[Value]) -> keras::Result<Vec<Value>> {
            let h = f.call(&self.hidden, &[inputs[0]])?;
            Ok(vec![f.call(&self.out, &[h])?])
        }
    }
    let dir = folder("subclassed");
    let x = features(30, 4, 5);
    let y = target(&x);
    let make = || {
        keras::clear_session();
        let mut m = Model::subclassed(
            "two_layers",
            TwoLayers { hidden: Dense::new(3).activation("relu"), out: Dense::new(1) },
        );
        m.compile("mse", "adam", &[]).unwrap();
        m.build(&[4]).unwrap();
        m
    };
    let mut model = make();
    model.fit(&x, &y, FitOptions { epochs: 2, ..silent() }).unwrap();
    let message = error_of(model.save(dir.join("two.keras")));
    assert_mentions(&message, &["two.keras", "subclassed", "save_weights"]);
    assert!(!dir.join("two.keras").exists());
    model.save_weights(dir.join("two.weights.h5")).unwrap();
    let mut other = make();
    assert_ne!(other.get_weights().unwrap(), model.get_weights().unwrap());
    other.load_weights(dir.join("two.weights.h5")).unwrap();
    assert_eq!(other.get_weights().unwrap(), model.get_weights().unwrap());
    assert_eq!(other.predict(&x).unwrap(), model.predict(&x).unwrap());
    assert_eq!(other.iterations(), model.iterations());
    // Keras's suffix rules.
    assert_mentions(&error_of(model.save_weights(dir.join("two.h5"))), &["two.h5", ".weights.h5"]);
}

/// Trains `model` for `epochs` more epochs, starting from epoch `from`.
fn train(model: &mut Model, x: &Tensor, y: &Labels, from: usize, to: usize) {
    model.fit(x, y, FitOptions { epochs: to, initial_epoch: from, batch_size: 8, ..silent() }).unwrap();
}

const RESUME_CHILD: &str = "KERAS_SAVING_RESUME_CHILD";

/// The second half of [`resuming_in_a_fresh_process_is_exact`], run in a
/// process of its own: load, train epochs 5–9, save.
#[test]
fn resume_child() {
    let Ok(dir) = std::env::var(RESUME_CHILD) else { return };
    let dir = Path::new(&dir);
    let (_, x, y) = classifier();
    let mut model = keras::load_model(dir.join("half.keras")).unwrap();
    train(&mut model, &x, &y, 5, 10);
    model.save(dir.join("resumed.keras")).unwrap();
}

#[test]
fn resuming_in_a_fresh_process_is_exact() {
    let dir = folder("resume");
    let (mut whole, x, y) = classifier();
    train(&mut whole, &x, &y, 0, 10);
    let (mut half, x, y) = classifier();
    train(&mut half, &x, &y, 0, 5);
    half.save(dir.join("half.keras")).unwrap();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "resume_child", "--test-threads", "1"])
        .env(RESUME_CHILD, &dir)
        .status()
        .unwrap();
    assert!(status.success());
    let resumed = keras::load_model(dir.join("resumed.keras")).unwrap();
    // Bitwise: the same f32 values, the same optimizer state.
    assert_eq!(resumed.get_weights().unwrap(), whole.get_weights().unwrap());
    assert_eq!(resumed.iterations(), whole.iterations());
    assert_eq!(resumed.iterations(), 10 * 8);
}

#[test]
fn a_failed_save_leaves_the_old_file() {
    let dir = folder("atomic");
    let (model, _, _) = classifier();
    let path = dir.join("model.keras");
    model.save(&path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let failed = keras::saving::write_atomically(&path, |w| {
        w.write_all(&before[..before.len() / 2])?;
        Err(std::io::Error::other("the disk is full"))
    });
    assert_mentions(&error_of(failed), &["model.keras", "the disk is full"]);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("model.keras")], "no temporary file is left");
    assert_mentions(&error_of(model.save(dir.join("missing/model.keras"))), &["missing", "does not exist"]);
}

#[test]
fn safetensors_hold_every_weight_in_both_layouts() {
    let dir = folder("safetensors");
    let (model, _, _) = classifier();
    for layout in [KernelLayout::Keras, KernelLayout::OutIn] {
        let path = dir.join("model.safetensors");
        model.export_safetensors(&path, layout).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
        for w in model.weights() {
            let t = file.tensor(&w.path).unwrap();
            let values: Vec<f32> =
                t.data().chunks(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
            let (r, c) = w.value.shape();
            let m = match (w.name(), layout) {
                ("kernel", KernelLayout::OutIn) => {
                    assert_eq!(t.shape(), [c, r]);
                    nalgebra::DMatrix::from_row_slice(c, r, &values).transpose()
                }
                ("kernel", _) => {
                    assert_eq!(t.shape(), [r, c]);
                    nalgebra::DMatrix::from_row_slice(r, c, &values)
                }
                _ => {
                    assert_eq!(t.shape(), [c]);
                    nalgebra::DMatrix::from_row_slice(1, c, &values)
                }
            };
            assert_eq!(m, w.value, "{}", w.path);
        }
    }
}

/// Rewrites the entries of a `.keras` archive.
fn rezip(bytes: &[u8], edit: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
        if let Some(content) = edit(&name, content) {
            out.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
            out.write_all(&content).unwrap();
        }
    }
    out.finish().unwrap().into_inner()
}

fn saved_classifier() -> (Vec<u8>, PathBuf) {
    let dir = folder(&format!("broken-{}", rand_suffix()));
    let (model, _, _) = classifier();
    let path = dir.join("model.keras");
    model.save(&path).unwrap();
    (std::fs::read(&path).unwrap(), dir)
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn load_error(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    error_of(keras::load_model(&path))
}

#[test]
fn broken_files_say_what_is_wrong() {
    let (good, dir) = saved_classifier();
    let edit_config = |f: &dyn Fn(&mut serde_json::Value)| {
        rezip(&good, |name, content| {
            if name != "config.json" {
                return Some(content);
            }
            let mut v: serde_json::Value = serde_json::from_slice(&content).unwrap();
            f(&mut v);
            Some(serde_json::to_vec(&v).unwrap())
        })
    };
    assert_mentions(
        &load_error(&dir, "truncated.keras", &good[..good.len() / 2]),
        &["truncated.keras", "zip"],
    );
    assert_mentions(&load_error(&dir, "random.keras", &[7u8; 300]), &["random.keras", "not a .keras file"]);
    let no_config = rezip(&good, |n, c| (n != "config.json").then_some(c));
    assert_mentions(&load_error(&dir, "noconfig.keras", &no_config), &["noconfig.keras", "no config.json"]);
    let bad_json =
        rezip(&good, |n, c| Some(if n == "config.json" { b"{\"class_name\": ".to_vec() } else { c }));
    assert_mentions(
        &load_error(&dir, "badjson.keras", &bad_json),
        &["config.json is not valid JSON", "line 1"],
    );
    let unknown = edit_config(&|v| v["config"]["layers"][2]["class_name"] = "Dropout".into());
    assert_mentions(&load_error(&dir, "unknown.keras", &unknown), &["unknown.keras", "Dropout", "dense"]);
    let units = edit_config(&|v| v["config"]["layers"][3]["config"]["units"] = 7.into());
    assert_mentions(
        &load_error(&dir, "shape.keras", &units),
        &["shape.keras", "dense_1/kernel", "layers/dense_1/vars/0", "(8, 6)", "(8, 7)"],
    );
    let activation = edit_config(&|v| v["config"]["layers"][2]["config"]["activation"] = "swishy".into());
    assert_mentions(&load_error(&dir, "activation.keras", &activation), &["layer \"dense\"", "swishy"]);
    // A weights file missing a variable.
    let (model, _, _) = classifier();
    let h5 = dir.join("w.weights.h5");
    model.save_weights(&h5).unwrap();
    let mut fewer = hdf5_pure::FileBuilder::new();
    let mut layers = fewer.create_group("layers");
    let mut dense = layers.create_group("dense");
    let mut vars = dense.create_group("vars");
    vars.create_dataset("0").with_f32_data(&[0.0; 12 * 8]).with_shape(&[12, 8]);
    dense.add_group(vars.finish());
    layers.add_group(dense.finish());
    fewer.add_group(layers.finish());
    let fewer_path = dir.join("fewer.weights.h5");
    std::fs::write(&fewer_path, fewer.finish().unwrap()).unwrap();
    let mut target = classifier().0;
    let before = target.get_weights().unwrap();
    let message = error_of(target.load_weights(&fewer_path));
    assert_mentions(&message, &["fewer.weights.h5", "layers/dense/vars", "1 variables", "2"]);
    assert_eq!(target.get_weights().unwrap(), before, "nothing changed");
}

/// Truncations and byte flips of a real saved file: every one loads or
/// fails with an error, none panics.
#[test]
fn truncated_and_flipped_files_never_panic() {
    let (good, dir) = saved_classifier();
    let path = dir.join("fuzz.keras");
    let counts = std::sync::Mutex::new((0usize, 0usize));
    let config = ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(cut in 0..good.len(), flips in proptest::collection::vec((0..good.len(), 1u8..=255), 0..4))| {
        // No flips: the file cut at `cut`; else the whole file with bytes flipped.
        let mut bytes = if flips.is_empty() { good[..cut].to_vec() } else { good.clone() };
        for (at, x) in &flips {
            bytes[*at] ^= x;
        }
        std::fs::write(&path, &bytes).unwrap();
        let result = std::panic::catch_unwind(|| keras::load_model(&path).map(|_| ()));
        prop_assert!(result.is_ok(), "load_model panicked");
        let mut c = counts.lock().unwrap();
        match result.unwrap() {
            Ok(()) => c.0 += 1,
            Err(e) => {
                prop_assert!(e.to_string().contains("fuzz.keras"), "{e}");
                c.1 += 1;
            }
        }
    });
    let (ok, failed) = *counts.lock().unwrap();
    println!("{} damaged files: {ok} loaded, {failed} refused with an error, 0 panics", ok + failed);
    assert!(failed > 0);
}
