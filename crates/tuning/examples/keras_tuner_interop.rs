//! A random search that Keras Tuner can resume, and that resumes Keras
//! Tuner's: the chapter's `build_model` on a part of Fashion-MNIST.
//!
//! ```text
//! cargo run --release -p tuning --example keras_tuner_interop -- DIR \
//!     [--project interop] [--trials 3] [--epochs 2] [--train 5000] [--overwrite] [--json]
//! ```
//!
//! The search lives in `DIR/<project>` in Keras Tuner's layout
//! (`oracle.json`, `tuner0.json`, `trial_<id>/trial.json` and
//! `checkpoint.weights.h5`), so `keras_tuner.RandomSearch(build_model,
//! objective="val_accuracy", max_trials=…, seed=42, directory=DIR,
//! project_name=…)` reloads it, and this example goes on with a search
//! Keras Tuner began. `tests/interop/keras_tuner_check.py` does both.
//!
//! The data: the first `--train` training images of Fashion-MNIST, the
//! last 5,000 (as the chapter) for validation, 1/5 as many; pixels / 255.
//! With `--json`, the last line holds every trial and the best model's
//! class probabilities for the first 20 test images.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Parser;
use datasets::DataDir;
use datasets::images;
use keras::{Labels, Tensor};
use tuning::RandomSearch;
use tuning::tuner::{SearchOptions, TunerOptions};

/// The chapter's searches; `build_model` is the one
/// `benches/peers/keras_tuner_draws.py` writes for Keras.
mod search;
use search::build_model;

/// A random search that Keras Tuner can resume.
#[derive(Parser)]
struct Args {
    /// The searches' folder (Keras Tuner's `directory`).
    directory: PathBuf,
    /// The search's folder in it (`project_name`).
    #[arg(long, default_value = "interop")]
    project: String,
    /// `max_trials`: a search resumed with more goes on.
    #[arg(long, default_value_t = 3)]
    trials: usize,
    /// Epochs per trial.
    #[arg(long, default_value_t = 2)]
    epochs: usize,
    /// Training images used (validation: a fifth as many).
    #[arg(long, default_value_t = 5000)]
    train: usize,
    /// Start afresh instead of resuming.
    #[arg(long)]
    overwrite: bool,
    /// Print one JSON object on the last line.
    #[arg(long)]
    json: bool,
}

/// Images `from..to` of a set, scaled to [0, 1], and their labels.
fn part(set: &images::LabeledImages, from: usize, to: usize) -> Result<(Tensor, Labels)> {
    let pixels = &set.images.pixels()[from * 784..to * 784];
    Ok((Tensor::from_pixels(pixels, &[to - from, 28, 28])?, Labels::from(&set.labels[from..to])))
}

fn main() -> Result<()> {
    let args = Args::parse();
    let fashion = images::load_fashion_mnist(&DataDir::from_env()).context("loading Fashion-MNIST")?;
    let n = fashion.train.labels.len();
    anyhow::ensure!(args.train >= 10 && args.train + 5000 <= n, "--train must be from 10 to {}", n - 5000);
    let (x_train, y_train) = part(&fashion.train, 0, args.train)?;
    let (x_valid, y_valid) = part(&fashion.train, n - 5000, n - 5000 + args.train / 5)?;
    let (x_test, _) = part(&fashion.test, 0, 20)?;

    let options = TunerOptions {
        max_trials: Some(args.trials),
        seed: Some(42),
        directory: args.directory.clone(),
        project_name: args.project.clone(),
        overwrite: args.overwrite,
        ..TunerOptions::new("val_accuracy")
    };
    let mut tuner = RandomSearch::new(build_model, options)?;
    tuner.search(
        &x_train,
        &y_train,
        SearchOptions {
            epochs: args.epochs,
            validation_data: Some((&x_valid, &y_valid).into()),
            verbose: !args.json,
            ..SearchOptions::default()
        },
    )?;
    let best = tuner.oracle().get_best_trials(1)[0].clone();
    let model = tuner.get_best_models(1)?.remove(0);
    let probabilities = model.predict(&x_test)?;
    let rows: Vec<Vec<f32>> =
        (0..probabilities.nrows()).map(|i| probabilities.row(i).iter().copied().collect()).collect();
    let trials: Vec<serde_json::Value> = tuner
        .oracle()
        .trials()
        .values()
        .map(|t| {
            serde_json::json!({
                "trial_id": t.trial_id, "values": t.hyperparameters.values(), "score": t.score,
                "best_step": t.best_step, "status": t.status,
            })
        })
        .collect();
    if args.json {
        let report = serde_json::json!({
            "trials": trials, "best_trial_id": best.trial_id, "test_probabilities": rows,
            "train": args.train, "epochs": args.epochs,
        });
        println!("{report}");
    } else {
        println!("{}", tuner.results_summary(3));
    }
    Ok(())
}
