//! The chapter's Keras examples, as functions that the examples
//! (`cargo run --release -p keras --example fashion_mnist`,
//! `… --example california_regression`, `… --example wide_and_deep`), the
//! book's figures and the tests all call: each includes this module
//! (`#[path]`), so that the `keras` library itself stays free of datasets
//! and figures. The listings in the book are the code between the
//! `ANCHOR` markers.
#![allow(dead_code)] // each includer uses a part

pub mod functional;
pub mod saving;

use std::path::Path;
use std::time::Instant;

use datasets::{DataDir, california, images, split};
use nalgebra::DMatrix;
use serde::Serialize;

use anyhow::Result;
use keras::callbacks::{Callback, Control, History, Logs, Verbosity};
use keras::layers::{Dense, Flatten, Input, LayerCall, Normalization, concatenate};
use keras::optimizers::Adam;
use keras::{FitOptions, Labels, Model, Sequential, Tensor, argmax};

/// Times each epoch (training and validation, as Keras's epoch time).
#[derive(Debug, Default)]
pub struct EpochTimer {
    started: Option<Instant>,
    /// Seconds taken by each epoch.
    pub seconds: Vec<f64>,
}

impl Callback for EpochTimer {
    /// No per-batch hooks in evaluation: validation stays on every core.
    fn inference_batch_hooks(&self) -> bool {
        false
    }

    fn on_epoch_begin(&mut self, _epoch: usize, _: &mut Model) {
        self.started = Some(Instant::now());
    }

    fn on_epoch_end(&mut self, _epoch: usize, _logs: &Logs, _: &mut Model) -> Control {
        if let Some(start) = self.started.take() {
            self.seconds.push(start.elapsed().as_secs_f64());
        }
        Control::Continue
    }
}

impl EpochTimer {
    /// The median epoch time (the first epoch included: nothing is traced
    /// or compiled here, so it is not slower).
    pub fn median(&self) -> f64 {
        let mut s = self.seconds.clone();
        s.sort_by(f64::total_cmp);
        if s.is_empty() { f64::NAN } else { s[s.len() / 2] }
    }
}

/// How to run an example.
pub struct RunOptions<'a> {
    /// The session seed (the chapter uses 42).
    pub seed: u64,
    /// Epochs to train.
    pub epochs: usize,
    /// Progress output of `fit`.
    pub verbose: Verbosity,
    /// More callbacks (the book records the progress lines).
    pub callbacks: Vec<&'a mut dyn Callback>,
}

/// The caller's callbacks, then `timer`.
fn with_timer<'b>(
    callbacks: &'b mut [&mut dyn Callback],
    timer: &'b mut EpochTimer,
) -> Vec<&'b mut dyn Callback> {
    let mut all: Vec<&mut dyn Callback> =
        callbacks.iter_mut().map(|c| &mut **c as &mut dyn Callback).collect();
    all.push(timer);
    all
}

/// What the Fashion-MNIST example found.
#[derive(Clone, Debug, Serialize)]
pub struct FashionResult {
    /// `model.summary()`.
    pub summary: String,
    /// What `fit` returned.
    pub history: History,
    /// Validation accuracy after the last epoch.
    pub val_accuracy: f64,
    /// Test loss and accuracy.
    pub test_loss: f64,
    /// Test accuracy.
    pub test_accuracy: f64,
    /// For the first three test images: the label's name, then the
    /// predicted classes with probability ≥ 0.01 (name, probability), most
    /// probable first.
    pub first_predictions: Vec<(String, Vec<(String, f64)>)>,
    /// Median seconds per epoch (training + validation).
    pub seconds_per_epoch: f64,
    /// Seconds taken by each epoch.
    pub epoch_seconds: Vec<f64>,
    /// Seconds to predict the 10,000 test images.
    pub predict_seconds: f64,
    /// The trained model (to save it, or go on training it).
    #[serde(skip)]
    pub model: Model,
}

impl FashionResult {
    /// The results as the example prints them (no times, so the same run
    /// prints the same text).
    pub fn report(&self) -> String {
        let epochs = self.history.epoch.len();
        let mut out = format!(
            "validation accuracy after {epochs} epochs: {:.4} (chapter: 0.8894)\n\
             test accuracy: {:.4}, test loss: {:.4}\n",
            self.val_accuracy, self.test_accuracy, self.test_loss
        );
        for (i, (label, top)) in self.first_predictions.iter().enumerate() {
            let top: Vec<String> = top.iter().map(|(name, p)| format!("{name} {:.0}%", p * 100.0)).collect();
            out += &format!("test image {i} ({label}): {}\n", top.join(", "));
        }
        out
    }
}

/// Fashion-MNIST as the chapter splits it: the last 5,000 training
/// images for validation, pixels scaled to [0, 1]; (train, valid, test).
pub fn fashion_splits(dir: &DataDir) -> Result<(images::ImageDataset, [(Tensor, Labels); 3])> {
    // ANCHOR: fashion_data
    let fashion = images::load_fashion_mnist(dir)?;
    let (train, valid) = fashion.train.split_off_last(5_000)?;
    let scaled = |images: &datasets::idx::Images| Tensor::from_pixels(images.pixels(), &images.shape());
    let (x_train, y_train) = (scaled(&train.images)?, Labels::from(&train.labels[..]));
    let (x_valid, y_valid) = (scaled(&valid.images)?, Labels::from(&valid.labels[..]));
    let (x_test, y_test) = (scaled(&fashion.test.images)?, Labels::from(&fashion.test.labels[..]));
    // ANCHOR_END: fashion_data
    Ok((fashion, [(x_train, y_train), (x_valid, y_valid), (x_test, y_test)]))
}

/// The chapter's image classifier: Fashion-MNIST, Flatten + 300 ReLU + 100
/// ReLU + 10 softmax, SGD with learning rate 0.01, batch 32.
pub fn fashion_mnist(dir: &DataDir, options: RunOptions<'_>) -> Result<FashionResult> {
    let (fashion, [(x_train, y_train), (x_valid, y_valid), (x_test, y_test)]) = fashion_splits(dir)?;
    let mut options = options;

    // ANCHOR: fashion_model
    keras::clear_session();
    keras::set_random_seed(options.seed);
    let mut model = Sequential::new(vec![
        Input::new(&[28, 28]).into(),
        Flatten::new().into(),
        Dense::new(300).activation("relu").into(),
        Dense::new(100).activation("relu").into(),
        Dense::new(10).activation("softmax").into(),
    ])?;
    // ANCHOR_END: fashion_model
    let summary = model.summary()?;
    if options.verbose != Verbosity::Silent {
        println!("{summary}");
    }

    let mut timer = EpochTimer::default();
    let callbacks = with_timer(&mut options.callbacks, &mut timer);
    // ANCHOR: fashion_fit
    model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()])?;
    let history = model.fit(
        &x_train,
        &y_train,
        FitOptions {
            epochs: options.epochs,
            validation_data: Some((&x_valid, &y_valid).into()),
            verbose: options.verbose,
            callbacks,
            ..FitOptions::default()
        },
    )?;
    // ANCHOR_END: fashion_fit

    // ANCHOR: fashion_evaluate
    let test = model.evaluate(&x_test, &y_test)?;
    let start = Instant::now();
    let probabilities = model.predict(&x_test)?; // 10,000 × 10
    let predict_seconds = start.elapsed().as_secs_f64();
    let classes = argmax(&probabilities.rows(0, 3).into_owned());
    // ANCHOR_END: fashion_evaluate

    let names = fashion.class_names;
    let first_predictions = (0..3)
        .map(|i| {
            let mut ranked: Vec<(usize, f32)> = probabilities.row(i).iter().copied().enumerate().collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
            debug_assert_eq!(ranked[0].0, classes[i]);
            let kept = ranked
                .iter()
                .filter(|&&(_, p)| p >= 0.01)
                .map(|&(c, p)| (names[c].to_string(), f64::from(p)))
                .collect();
            (names[usize::from(fashion.test.labels[i])].to_string(), kept)
        })
        .collect();
    Ok(FashionResult {
        summary,
        val_accuracy: history.get("val_accuracy").last().copied().unwrap_or(f64::NAN),
        test_loss: test.get("loss").unwrap_or(f64::NAN),
        test_accuracy: test.get("accuracy").unwrap_or(f64::NAN),
        history,
        first_predictions,
        seconds_per_epoch: timer.median(),
        epoch_seconds: timer.seconds.clone(),
        predict_seconds,
        model,
    })
}

/// What the California housing example found.
#[derive(Clone, Debug, Serialize)]
pub struct CaliforniaResult {
    /// `model.summary()`.
    pub summary: String,
    /// What `fit` returned.
    pub history: History,
    /// Test MSE.
    pub test_mse: f64,
    /// Test RMSE.
    pub test_rmse: f64,
    /// The first three test districts: (prediction, target).
    pub first_predictions: Vec<(f64, f64)>,
    /// Median seconds per epoch.
    pub seconds_per_epoch: f64,
    /// Training, validation and test rows.
    pub sizes: (usize, usize, usize),
    /// The trained model.
    #[serde(skip)]
    pub model: Model,
}

impl CaliforniaResult {
    /// The results as the example prints them (no times).
    pub fn report(&self) -> String {
        let mut out = format!("test MSE: {:.4}, test RMSE: {:.4}\n", self.test_mse, self.test_rmse);
        for (i, (prediction, target)) in self.first_predictions.iter().enumerate() {
            out += &format!("test district {i}: predicted {prediction:.3}, actual {target:.3} (×$100,000)\n");
        }
        out
    }
}

/// Rows of `x` (and `y`) as a tensor (and labels).
fn rows(x: &DMatrix<f64>, y: &nalgebra::DVector<f64>, rows: &[usize]) -> (Tensor, Labels) {
    let xs = Tensor::from(&x.select_rows(rows));
    let ys = Labels::from(&y.select_rows(rows));
    (xs, ys)
}

/// California housing split as in the chapter: scikit-learn's
/// `train_test_split(random_state=42)` twice; (train, valid, test).
pub fn california_splits(dir: &DataDir) -> Result<[(Tensor, Labels); 3]> {
    let housing = california::load_california_housing(dir)?;
    let full = split::train_test_split(housing.x.nrows(), split::DEFAULT_TEST_SIZE, 42)?;
    let inner = split::train_test_split(full.train.len(), split::DEFAULT_TEST_SIZE, 42)?;
    let pick = |part: &[usize]| part.iter().map(|&i| full.train[i]).collect::<Vec<_>>();
    Ok([
        rows(&housing.x, &housing.y, &pick(&inner.train)),
        rows(&housing.x, &housing.y, &pick(&inner.test)),
        rows(&housing.x, &housing.y, &full.test),
    ])
}

/// The chapter's regression MLP, compiled: Normalization (adapted to
/// `x_train`) + 3 × 50 ReLU + 1 linear output, Adam (1e-3), MSE.
pub fn california_model(x_train: &Tensor, seed: u64) -> Result<Model> {
    // ANCHOR: california_model
    keras::clear_session();
    keras::set_random_seed(seed);
    let mut norm_layer = Normalization::new();
    norm_layer.adapt(x_train)?;
    let mut model = Sequential::new(vec![
        Input::new(&[8]).into(),
        norm_layer.into(),
        Dense::new(50).activation("relu").into(),
        Dense::new(50).activation("relu").into(),
        Dense::new(50).activation("relu").into(),
        Dense::new(1).into(),
    ])?;
    let optimizer = Adam { learning_rate: 1e-3, ..Adam::default() };
    model.compile("mse", optimizer, &["RootMeanSquaredError".into()])?;
    // ANCHOR_END: california_model
    Ok(model)
}

/// The chapter's regression MLP: California housing, Normalization + 3 ×
/// 50 ReLU + 1 linear output, Adam (1e-3), MSE, 20 epochs.
pub fn california_regression(dir: &DataDir, options: RunOptions<'_>) -> Result<CaliforniaResult> {
    let [(x_train, y_train), (x_valid, y_valid), (x_test, y_test)] = california_splits(dir)?;
    let mut options = options;
    let mut model = california_model(&x_train, options.seed)?;
    let summary = model.summary()?;
    if options.verbose != Verbosity::Silent {
        println!("{summary}");
    }
    let mut timer = EpochTimer::default();
    let callbacks = with_timer(&mut options.callbacks, &mut timer);
    // ANCHOR: california_fit
    let history = model.fit(
        &x_train,
        &y_train,
        FitOptions {
            epochs: options.epochs,
            validation_data: Some((&x_valid, &y_valid).into()),
            verbose: options.verbose,
            callbacks,
            ..FitOptions::default()
        },
    )?;
    let test = model.evaluate(&x_test, &y_test)?; // [mse, rmse]
    let (mse_test, rmse_test) = (test.values()[0], test.values()[1]);
    let x_new = x_test.slice(0, 3)?;
    let y_pred = model.predict(&x_new)?;
    // ANCHOR_END: california_fit
    let Labels::Values(targets) = &y_test else { anyhow::bail!("regression targets are values") };
    Ok(CaliforniaResult {
        summary,
        history,
        test_mse: mse_test,
        test_rmse: rmse_test,
        first_predictions: (0..3).map(|i| (f64::from(y_pred[(i, 0)]), f64::from(targets[(i, 0)]))).collect(),
        seconds_per_epoch: timer.median(),
        sizes: (x_train.len(), x_valid.len(), x_test.len()),
        model,
    })
}

/// The learning curves of a run (Figure 10-11): every key of its history
/// against the epoch, on a 0–1 scale.
pub fn learning_curves(path: &Path, history: &History) -> Result<()> {
    let series: Vec<plotting::Series> = history
        .history
        .iter()
        .map(|(key, values)| {
            (key.clone(), values.iter().enumerate().map(|(e, &v)| (e as f64, v)).collect::<Vec<_>>())
        })
        .collect();
    let last = history.epoch.len().saturating_sub(1).max(1) as f64;
    let options = plotting::ChartOptions {
        x_label: "Epoch".into(),
        x_range: Some((0.0, last)),
        y_range: Some((0.0, 1.0)),
        legend: plotting::Legend::LowerLeft,
        ..plotting::ChartOptions::default()
    };
    plotting::line_chart(path, &options, &series)?;
    Ok(())
}

/// The first 40 Fashion-MNIST training images with their class names, 4
/// rows of 10 (Figure 10-10).
pub fn sample_images(path: &Path, dir: &DataDir) -> Result<()> {
    let data = images::load_fashion_mnist(dir)?;
    let n = 40;
    let pictures: Vec<&[u8]> = (0..n).map(|i| data.train.images.image(i)).collect();
    let titles: Vec<String> =
        data.train.labels[..n].iter().map(|&l| data.class_names[usize::from(l)].to_string()).collect();
    plotting::image_grid(path, &pictures, 28, 28, &titles, 10, 3)?;
    Ok(())
}

/// The first three test images with the class the model predicts for
/// each (Figure 10-12).
pub fn predicted_test_images(path: &Path, dir: &DataDir, predicted: &[String]) -> Result<()> {
    let data = images::load_fashion_mnist(dir)?;
    let pictures: Vec<&[u8]> = (0..predicted.len()).map(|i| data.test.images.image(i)).collect();
    plotting::image_grid(path, &pictures, 28, 28, predicted, predicted.len(), 3)?;
    Ok(())
}

/// The errors a learner meets with the chapter's model, each caused on
/// purpose on small synthetic data, with the message it gives.
pub fn error_gallery() -> Result<String> {
    let images = |n: usize, shape: &[usize]| {
        let size: usize = shape.iter().product();
        Tensor::new((0..n * size).map(|i| (i % 7) as f32 / 7.0).collect(), &[&[n], shape].concat())
    };
    let fashion_model = |flatten: bool| {
        let mut layers: Vec<Box<dyn keras::layers::Layer>> = vec![Input::new(&[28, 28]).into()];
        if flatten {
            layers.push(Flatten::new().into());
        }
        layers.push(Dense::new(300).activation("relu").into());
        layers.push(Dense::new(10).activation("softmax").into());
        Sequential::new(layers)
    };
    keras::clear_session();
    let quiet = || FitOptions { verbose: Verbosity::Silent, ..FitOptions::default() };
    let x = images(64, &[28, 28])?;
    let labels = Labels::Classes((0..64).map(|i| i % 10).collect());
    let mut cases: Vec<(&str, std::result::Result<(), keras::KerasError>)> = Vec::new();

    cases.push(("a forgotten Flatten", fashion_model(false).map(|_| ())));
    let mut model = fashion_model(true)?;
    model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()])?;
    cases.push(("images flattened by hand", model.fit(&images(64, &[784])?, &labels, quiet()).map(|_| ())));
    let short = Labels::Classes((0..60).map(|i| i % 10).collect());
    cases.push(("fewer labels than images", model.fit(&x, &short, quiet()).map(|_| ())));
    let one_hot = Labels::Values(keras::to_categorical(&(0..64).map(|i| i % 10).collect::<Vec<_>>(), 10)?);
    cases.push(("one-hot labels with the sparse loss", model.fit(&x, &one_hot, quiet()).map(|_| ())));
    let out_of_range = Labels::Classes((0..64).map(|i| i % 11).collect());
    cases.push(("a label out of range", model.fit(&x, &out_of_range, quiet()).map(|_| ())));
    model.compile("categorical_crossentropy", "sgd", &["accuracy".into()])?;
    cases.push(("class indices with the categorical loss", model.fit(&x, &labels, quiet()).map(|_| ())));
    cases.push((
        "a misspelt activation",
        Sequential::new(vec![Input::new(&[8]).into(), Dense::new(30).activation("rellu").into()]).map(|_| ()),
    ));
    let mut lazy = Sequential::new(vec![Dense::new(30).into()])?;
    cases.push(("a summary before the input shape is known", lazy.summary().map(|_| ())));
    cases.push((
        "fit before compile",
        lazy.fit(&images(4, &[8])?, &Labels::from(&[1.0f32; 4][..]), quiet()).map(|_| ()),
    ));

    // The Functional API's own mistakes.
    keras::clear_session();
    let input_wide = Input::new(&[5]).named("input_wide");
    let input_deep = Input::new(&[6]).named("input_deep");
    let hidden = Dense::new(30).activation("relu").apply(&input_deep)?;
    cases.push((
        "concatenating a vector with an image",
        concatenate(&[&input_wide, &Input::new(&[28, 28])]).map(|_| ()),
    ));
    let output = Dense::new(1).apply(&concatenate(&[&input_wide, &hidden])?)?;
    cases.push((
        "a model given only one of its two inputs",
        Model::functional(&input_deep, &output).map(|_| ()),
    ));
    let model = Model::functional([&input_wide, &input_deep], &output)?;
    let (wide, deep) = (images(4, &[5])?, images(4, &[6])?);
    cases.push(("one array for a model with two inputs", model.predict(&wide).map(|_| ())));
    cases.push((
        "a misspelt input name",
        model.predict([("input_wide", &wide), ("input_deeep", &deep)]).map(|_| ()),
    ));

    let mut out = String::new();
    for (what, result) in cases {
        let message = match result {
            Ok(()) => "no error (unexpected)".to_string(),
            Err(e) => e.to_string(),
        };
        out += &format!("{what}:\n    {message}\n");
    }
    Ok(out)
}
