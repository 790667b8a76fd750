//! The chapter's guidelines for an MLP's hyperparameters, checked by small
//! experiments: the number of hidden layers (`--example hidden_layers`),
//! the number of neurons per layer (`--example neurons_per_layer`) and the
//! learning rate (`--example lr_finder`). The examples and the book's
//! `figures` command include this module (`#[path]`), so that the book
//! shows what the examples print. The listings in the book are the code
//! between the `ANCHOR` markers.
#![allow(dead_code)] // each includer uses a part

use keras::thousands;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use datasets::{DataDir, images};
use keras::callbacks::{Callback, Control, Logs};
use keras::layers::{Dense, Flatten, Input, Layer};
use keras::optimizers::SGD;
use keras::{FitOptions, Labels, Model, Sequential, Tensor, Verbosity};
use serde::Serialize;
use tuning::lr_finder::{LrFinder, LrFinderOptions};

/// Which images to train on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Images {
    /// Handwritten digits.
    Mnist,
    /// Zalando's clothes.
    FashionMnist,
}

impl Images {
    /// The dataset's name as the book writes it.
    pub fn name(self) -> &'static str {
        match self {
            Images::Mnist => "MNIST",
            Images::FashionMnist => "Fashion-MNIST",
        }
    }
}

/// Training, validation and test sets.
pub struct Splits {
    /// 55,000 training images and their labels.
    pub train: (Tensor, Labels),
    /// The last 5,000 images of the training file.
    pub valid: (Tensor, Labels),
    /// The 10,000 test images.
    pub test: (Tensor, Labels),
}

/// The images as the chapter splits them: the last 5,000 training images
/// for validation, pixels scaled to [0, 1].
pub fn load(dir: &DataDir, which: Images) -> Result<Splits> {
    let data = match which {
        Images::Mnist => images::load_mnist(dir)?,
        Images::FashionMnist => images::load_fashion_mnist(dir)?,
    };
    let (train, valid) = data.train.split_off_last(5_000)?;
    let pair = |set: &images::LabeledImages| -> Result<(Tensor, Labels)> {
        let x = Tensor::from_pixels(set.images.pixels(), &set.images.shape())?;
        Ok((x, Labels::from(&set.labels[..])))
    };
    Ok(Splits { train: pair(&train)?, valid: pair(&valid)?, test: pair(&data.test)? })
}

/// Times each epoch (training and validation).
#[derive(Default)]
struct EpochTimer {
    started: Option<Instant>,
    seconds: Vec<f64>,
}

impl Callback for EpochTimer {
    fn inference_batch_hooks(&self) -> bool {
        false
    }

    fn on_epoch_begin(&mut self, _epoch: usize, _model: &mut Model) {
        self.started = Some(Instant::now());
    }

    fn on_epoch_end(&mut self, _epoch: usize, _logs: &Logs, _model: &mut Model) -> Control {
        if let Some(start) = self.started.take() {
            self.seconds.push(start.elapsed().as_secs_f64());
        }
        Control::Continue
    }
}

/// The median of `values` (NaN if empty).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

/// How every model of an experiment is trained.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Settings {
    /// The session seed (initial weights and shuffles).
    pub seed: u64,
    /// Epochs to train.
    pub epochs: usize,
    /// Samples per batch.
    pub batch_size: usize,
    /// SGD's learning rate.
    pub learning_rate: f64,
    /// SGD's momentum.
    pub momentum: f64,
}

impl Settings {
    /// The settings in words.
    pub fn describe(&self) -> String {
        format!(
            "SGD with learning rate {} and momentum {}, batches of {}, {} epochs, seed {}",
            self.learning_rate, self.momentum, self.batch_size, self.epochs, self.seed
        )
    }
}

// ANCHOR: mlp
/// The chapter's image classifier with the hidden layers given: Flatten,
/// one ReLU `Dense` layer per entry of `hidden` (its number of neurons),
/// and a softmax output over the 10 classes; the same seed gives the same
/// initial weights.
pub fn mlp(hidden: &[usize], seed: u64) -> Result<Model> {
    keras::clear_session();
    keras::set_random_seed(seed);
    let mut layers: Vec<Box<dyn Layer>> = vec![Input::new(&[28, 28]).into(), Flatten::new().into()];
    for &units in hidden {
        layers.push(Dense::new(units).activation("relu").into());
    }
    layers.push(Dense::new(10).activation("softmax").into());
    Ok(Sequential::new(layers)?)
}
// ANCHOR_END: mlp

/// What one architecture reached.
#[derive(Clone, Debug, Serialize)]
pub struct Trained {
    /// Neurons of each hidden layer.
    pub hidden: Vec<usize>,
    /// Weights and biases.
    pub parameters: usize,
    /// Validation accuracy after the last epoch.
    pub val_accuracy: f64,
    /// Test accuracy after the last epoch.
    pub test_accuracy: f64,
    /// Median seconds per epoch (not in the report: it changes from run
    /// to run).
    pub seconds_per_epoch: f64,
}

impl Trained {
    /// The hidden layers as `300-200-100`.
    pub fn layers(&self) -> String {
        self.hidden.iter().map(usize::to_string).collect::<Vec<_>>().join("-")
    }
}

// ANCHOR: train_and_test
/// Builds `mlp(hidden)`, trains it on `data` with `settings`, and measures
/// its accuracy on the validation and test sets.
pub fn train_and_test(hidden: &[usize], data: &Splits, settings: &Settings) -> Result<Trained> {
    let mut model = mlp(hidden, settings.seed)?;
    let optimizer =
        SGD { learning_rate: settings.learning_rate, momentum: settings.momentum, nesterov: false };
    model.compile("sparse_categorical_crossentropy", optimizer, &["accuracy".into()])?;
    let mut timer = EpochTimer::default();
    let (x_train, y_train) = &data.train;
    let history = model.fit(
        x_train,
        y_train,
        FitOptions {
            epochs: settings.epochs,
            batch_size: settings.batch_size,
            validation_data: Some((&data.valid.0, &data.valid.1).into()),
            verbose: Verbosity::Silent,
            callbacks: vec![&mut timer],
            ..FitOptions::default()
        },
    )?;
    let test = model.evaluate(&data.test.0, &data.test.1)?;
    Ok(Trained {
        hidden: hidden.to_vec(),
        parameters: model.count_params()?,
        val_accuracy: history.get("val_accuracy").last().copied().context("no epoch ran")?,
        test_accuracy: test.get("accuracy").context("no accuracy")?,
        seconds_per_epoch: median(&timer.seconds),
    })
}
// ANCHOR_END: train_and_test

/// Several architectures trained alike on one dataset.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The dataset's name.
    pub dataset: &'static str,
    /// How each was trained.
    pub settings: Settings,
    /// Each architecture's results, in the order given.
    pub runs: Vec<Trained>,
}

impl Comparison {
    /// Trains each of `architectures` (neurons per hidden layer) alike.
    pub fn run(dir: &DataDir, which: Images, architectures: &[&[usize]], settings: Settings) -> Result<Self> {
        let data = load(dir, which)?;
        let runs = architectures
            .iter()
            .map(|hidden| train_and_test(hidden, &data, &settings))
            .collect::<Result<Vec<_>>>()?;
        Ok(Comparison { dataset: which.name(), settings, runs })
    }

    /// A table of the results, without times (the same run prints the
    /// same text).
    pub fn report(&self) -> String {
        let mut out = format!("{}, {}\n\n", self.dataset, self.settings.describe());
        out += "hidden layers   neurons   parameters   validation accuracy   test accuracy\n";
        for run in &self.runs {
            let neurons: usize = run.hidden.iter().sum();
            let _ = writeln!(
                out,
                "{:<15} {:>7}   {:>10}   {:>19.4}   {:>13.4}",
                run.layers(),
                neurons,
                thousands(run.parameters),
                run.val_accuracy,
                run.test_accuracy
            );
        }
        out
    }

    /// Each architecture's seconds per epoch, for the terminal only.
    pub fn times(&self) -> String {
        let mut out = String::new();
        for run in &self.runs {
            let _ = writeln!(out, "{}: {:.2} s per epoch", run.layers(), run.seconds_per_epoch);
        }
        out
    }
}

// ANCHOR: hidden_layers
/// One hidden layer of 300 neurons against two of 150 (the same number of
/// neurons) on MNIST, trained alike.
pub fn hidden_layers(dir: &DataDir, seed: u64, epochs: usize) -> Result<Comparison> {
    let settings = Settings { seed, epochs, batch_size: 32, learning_rate: 0.01, momentum: 0.9 };
    Comparison::run(dir, Images::Mnist, &[&[300], &[150, 150]], settings)
}
// ANCHOR_END: hidden_layers

/// The epochs of [`hidden_layers`] in the book.
pub const HIDDEN_LAYERS_EPOCHS: usize = 15;

// ANCHOR: neurons_per_layer
/// A pyramid of 300, 200 and 100 neurons against three equal layers: of
/// 200 (as many neurons) and of 246 (about as many parameters), on
/// Fashion-MNIST, trained alike.
pub fn neurons_per_layer(dir: &DataDir, seed: u64, epochs: usize) -> Result<Comparison> {
    let settings = Settings { seed, epochs, batch_size: 32, learning_rate: 0.01, momentum: 0.9 };
    let architectures: [&[usize]; 3] = [&[300, 200, 100], &[200, 200, 200], &[246, 246, 246]];
    Comparison::run(dir, Images::FashionMnist, &architectures, settings)
}
// ANCHOR_END: neurons_per_layer

/// The epochs of [`neurons_per_layer`] in the book.
pub const NEURONS_PER_LAYER_EPOCHS: usize = 10;

/// What the learning-rate sweep on Fashion-MNIST found, and what training
/// with the rate found gives.
#[derive(Clone, Debug, Serialize)]
pub struct LrFinderRun {
    /// Batches in the sweep and their size, and the factor per batch.
    pub batches: usize,
    /// Samples per batch.
    pub batch_size: usize,
    /// The rate of the first batch.
    pub min_rate: f64,
    /// The factor the rate grows by per batch.
    pub factor: f64,
    /// Each batch's rate.
    pub rates: Vec<f64>,
    /// Each batch's loss.
    pub losses: Vec<f64>,
    /// Where the sweep stopped because the loss exploded.
    pub stopped_at: Option<f64>,
    /// The smoothed loss: (rate of the middle batch, mean loss).
    pub smoothed: Vec<(f64, f64)>,
    /// The rate of the lowest smoothed loss.
    pub turning_point: f64,
    /// Ten times below the turning point.
    pub suggestion: f64,
    /// Epochs trained afterwards with each rate.
    pub epochs: usize,
    /// (learning rate, validation accuracy after `epochs`) with the
    /// suggestion, then with SGD's default 0.01, from the same initial
    /// weights.
    pub trained: Vec<(f64, f64)>,
    /// Seconds the sweep took (not in the report).
    pub sweep_seconds: f64,
}

// ANCHOR: lr_finder_fashion
/// Sweeps the learning rate of the chapter's Fashion-MNIST classifier (SGD,
/// batches of 32) with the chapter's settings, then trains it from the same
/// initial weights for `epochs` epochs with the suggested rate, and again
/// with SGD's default rate, 0.01.
pub fn lr_finder_fashion(dir: &DataDir, seed: u64, epochs: usize) -> Result<LrFinderRun> {
    let data = load(dir, Images::FashionMnist)?;
    let mut model = mlp(&[300, 100], seed)?;
    model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()])?;
    let options = LrFinderOptions::default(); // 1e-5 to 10 in 500 batches of 32
    let start = Instant::now();
    let finder = LrFinder::find(&mut model, &data.train.0, &data.train.1, &options)?;
    let sweep_seconds = start.elapsed().as_secs_f64();
    let suggestion = finder.suggestion().context("the sweep ran no batch")?;

    let mut trained = Vec::new();
    let rates = if epochs > 0 { vec![suggestion, 0.01] } else { Vec::new() };
    for rate in rates {
        let mut fresh = model.clone(); // the weights the sweep started from
        fresh.set_learning_rate(rate)?;
        let history = fresh.fit(
            &data.train.0,
            &data.train.1,
            FitOptions {
                epochs,
                validation_data: Some((&data.valid.0, &data.valid.1).into()),
                verbose: Verbosity::Silent,
                ..FitOptions::default()
            },
        )?;
        trained.push((rate, history.get("val_accuracy").last().copied().unwrap_or(f64::NAN)));
    }
    // ANCHOR_END: lr_finder_fashion
    Ok(LrFinderRun {
        batches: options.batches,
        batch_size: options.batch_size,
        min_rate: options.min_rate,
        factor: options.factor(),
        smoothed: finder.smoothed(),
        turning_point: finder.turning_point().context("the sweep ran no batch")?,
        suggestion,
        rates: finder.rates,
        losses: finder.losses,
        stopped_at: finder.stopped_at,
        epochs,
        trained,
        sweep_seconds,
    })
}

/// The epochs trained after the sweep in the book.
pub const LR_FINDER_EPOCHS: usize = 5;

/// `rate` with three significant digits: `0.0312`, `2.41`, `1.00e-5`.
pub fn rate(rate: f64) -> String {
    if rate >= 1e-3 {
        let digits = (2 - rate.log10().floor() as i32).max(0) as usize;
        format!("{rate:.digits$}")
    } else {
        format!("{rate:.2e}")
    }
}

impl LrFinderRun {
    /// What the sweep found, without times.
    pub fn report(&self) -> String {
        let mut out = format!(
            "sweep: {} batches of {} from a learning rate of {}, times {:.4} after each batch\n",
            self.batches,
            self.batch_size,
            rate(self.min_rate),
            self.factor
        );
        match self.stopped_at {
            Some(r) => {
                // A batch whose loss is not a number is not recorded.
                let batch = self.rates.len() + usize::from(self.rates.last() != Some(&r));
                let _ = writeln!(
                    out,
                    "the loss exploded at batch {} of {}, at a rate of {}: the sweep stopped there",
                    batch,
                    self.batches,
                    rate(r)
                );
            }
            None => out += "all the batches ran: the loss never exploded\n",
        }
        out += "\nmean loss of 21 batches around each rate:\n";
        for target in [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0] {
            let nearest = self
                .smoothed
                .iter()
                .min_by(|a, b| (a.0 / target).ln().abs().total_cmp(&(b.0 / target).ln().abs()));
            if let Some(&(r, loss)) = nearest.filter(|(r, _)| (r / target).ln().abs() < 0.1) {
                let _ = writeln!(out, "  rate {:>8}: {loss:.3}", rate(r));
            }
        }
        let lowest = self.smoothed.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let _ = writeln!(
            out,
            "\nturning point (lowest mean loss, {lowest:.3}): rate {}",
            rate(self.turning_point)
        );
        let _ = writeln!(out, "suggested learning rate (ten times lower): {}", rate(self.suggestion));
        if self.trained.is_empty() {
            return out;
        }
        let _ = writeln!(
            out,
            "\nvalidation accuracy after {} epochs from the same initial weights:",
            self.epochs
        );
        for (i, (r, accuracy)) in self.trained.iter().enumerate() {
            let what = if i == 0 { "the suggested rate" } else { "SGD's default rate" };
            let _ = writeln!(out, "  learning rate {:>6} ({what}): {accuracy:.4}", rate(*r));
        }
        out
    }
}

/// Figure: the loss of each batch and its smoothed mean against the
/// learning rate on a logarithmic axis, with the turning point and the
/// suggested rate marked.
pub fn lr_figure(path: &Path, run: &LrFinderRun) -> Result<()> {
    let log = |r: f64| r.log10();
    let raw: Vec<(f64, f64)> = run.rates.iter().zip(&run.losses).map(|(&r, &l)| (log(r), l)).collect();
    let smooth: Vec<(f64, f64)> = run.smoothed.iter().map(|&(r, l)| (log(r), l)).collect();
    // Up to a little above the loss at the start: the explosion goes off the
    // top, as in the chapter's figure.
    let top = 1.4 * run.smoothed.first().map_or(1.0, |p| p.1);
    let vertical = |r: f64| vec![(log(r), 0.0), (log(r), top)];
    let series = vec![
        ("loss of each batch".to_string(), raw),
        ("mean of 21 batches".to_string(), smooth),
        (format!("turning point, {}", rate(run.turning_point)), vertical(run.turning_point)),
        (format!("suggested rate, {}", rate(run.suggestion)), vertical(run.suggestion)),
    ];
    let last = run.rates.last().copied().unwrap_or(10.0).max(10.0);
    let options = plotting::ChartOptions {
        title: "Loss against learning rate (Fashion-MNIST, SGD)".into(),
        x_label: "learning rate (log scale)".into(),
        y_label: "loss".into(),
        x_range: Some((log(run.min_rate), log(last))),
        y_range: Some((0.0, top)),
        legend: plotting::Legend::LowerLeft,
        x_log10: true,
        ..plotting::ChartOptions::default()
    };
    plotting::line_chart(path, &options, &series)?;
    Ok(())
}
