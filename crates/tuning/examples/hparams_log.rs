//! A small random search whose trials are logged for TensorBoard's
//! HPARAMS tab, as Keras Tuner logs a `search` given a `TensorBoard`
//! callback.
//!
//! ```text
//! cargo run --release -p tuning --example hparams_log -- DIR [--epochs 5] [--seed 42] [--json]
//! tensorboard --logdir DIR
//! ```
//!
//! A `RandomSearch` of three trials (ids `0`, `1`, `2`) tunes a classifier of two interleaved half-moons (the
//! second feature in hundreds, so that normalizing matters) over the
//! hyperparameters of the chapter's searches: `n_hidden` (hidden layers
//! of 16 ReLU units), `learning_rate`, `optimizer` (`sgd` or `adam`) and
//! `normalize` (a `Normalization` layer adapted to the training set
//! first). With [`SearchOptions::tensorboard`] set, each execution of a
//! trial gets its folder `DIR/<trial_id>/execution0`, where a
//! `TensorBoard` callback writes the learning curves (`train/`,
//! `validation/`) and an [`HParamsCallback`](tuning::hparams::HParamsCallback)
//! the session start and end.
//!
//! TensorBoard's HPARAMS tab then lists the three trials with their
//! hyperparameters and, as metrics, the last value of every scalar
//! (`epoch_loss` and `epoch_accuracy` of `train` and of `validation`, …).
//!
//! With `--json`, the last line is a JSON object with each trial's id,
//! folder, hyperparameters and per-epoch logs: what
//! `tests/interop/hparams_check.py` compares with what TensorBoard reads.

use std::f64::consts::PI;
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::Result;
use clap::Parser;
use keras::layers::{Dense, Input, Layer, Normalization};
use keras::optimizers::{Adam, Optimizer, SGD};
use keras::{FitOptions, History, Inputs, Labels, Model, Sequential, Targets, Tensor};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tuning::tuner::{SearchOptions, TunerOptions};
use tuning::{Boolean, Choice, Float, HyperModel, HyperParameters, Int, RandomSearch, Sampling, Value};

/// Logs a three-trial search for TensorBoard's HPARAMS tab.
#[derive(Parser)]
struct Args {
    /// Root folder of the trials (Keras Tuner: the `TensorBoard`
    /// callback's `log_dir`).
    dir: PathBuf,
    /// Epochs per trial.
    #[arg(long, default_value_t = 5)]
    epochs: usize,
    /// Seed of the data and of the search.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Print one JSON object on the last line.
    #[arg(long)]
    json: bool,
}

/// `n` points of two interleaved half-moons with noise, the second
/// feature scaled by 100, and their classes.
fn moons(n: usize, rng: &mut ChaCha8Rng) -> Result<(Tensor, Labels)> {
    let mut features = Vec::with_capacity(2 * n);
    let mut classes = Vec::with_capacity(n);
    for i in 0..n {
        let class = i % 2;
        let t = rng.random::<f64>() * PI;
        let (x, y) = if class == 0 { (t.cos(), t.sin()) } else { (1.0 - t.cos(), 0.5 - t.sin()) };
        let noise = |rng: &mut ChaCha8Rng| (rng.random::<f64>() - 0.5) * 0.3;
        features.push((x + noise(rng)) as f32);
        features.push(((y + noise(rng)) * 100.0) as f32);
        classes.push(class);
    }
    Ok((Tensor::new(features, &[n, 2])?, Labels::Classes(classes)))
}

/// A trial's values, in the order of declaration, and its history.
type Recorded = (Vec<(String, Value)>, History);

/// The half-moons classifier, whose `fit` keeps each trial's history (by
/// its values) for the JSON report.
struct Moons<'a> {
    x_train: &'a Tensor,
    histories: Mutex<Vec<Recorded>>,
}

/// The values in the order of declaration.
fn ordered(hp: &HyperParameters) -> Vec<(String, Value)> {
    hp.space()
        .iter()
        .filter_map(|h| hp.values().get(h.name()).map(|v| (h.name().to_string(), v.clone())))
        .collect()
}

impl HyperModel for Moons<'_> {
    fn build(&self, hp: &mut HyperParameters) -> tuning::Result<Model> {
        let n_hidden = hp.int(Int::new("n_hidden", 1, 3))?;
        let learning_rate = hp.float(Float::new("learning_rate", 3e-4, 1e-2).sampling(Sampling::Log))?;
        let optimizer = hp.choice(Choice::new("optimizer", ["sgd", "adam"]))?;
        let normalize = hp.boolean(Boolean::new("normalize"))?;
        let mut layers: Vec<Box<dyn Layer>> = vec![Input::new(&[2]).into()];
        if normalize {
            let mut norm = Normalization::new();
            norm.adapt(self.x_train)?;
            layers.push(norm.into());
        }
        for _ in 0..n_hidden {
            layers.push(Dense::new(16).activation("relu").into());
        }
        layers.push(Dense::new(2).activation("softmax").into());
        let mut model = Sequential::new(layers)?;
        let optimizer: Optimizer = match optimizer.as_str() {
            Some("adam") => Adam { learning_rate, ..Default::default() }.into(),
            _ => SGD { learning_rate, ..Default::default() }.into(),
        };
        model.compile("sparse_categorical_crossentropy", optimizer, &["accuracy".into()])?;
        Ok(model)
    }

    fn fit(
        &self,
        hp: &mut HyperParameters,
        model: &mut Model,
        x: Inputs<'_>,
        y: Targets<'_>,
        options: FitOptions<'_>,
    ) -> tuning::Result<History> {
        let history = model.fit(x, y, options)?;
        self.histories.lock().expect("no panic while recording").push((ordered(hp), history.clone()));
        Ok(history)
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let (x_train, y_train) = moons(400, &mut rng)?;
    let (x_valid, y_valid) = moons(100, &mut rng)?;
    let batch_size = 32;
    let project = tempfile::tempdir()?;
    let hypermodel = Moons { x_train: &x_train, histories: Mutex::new(Vec::new()) };
    let options = TunerOptions {
        max_trials: Some(3),
        seed: Some(args.seed),
        directory: project.path().to_path_buf(),
        project_name: "hparams_log".into(),
        overwrite: true,
        ..TunerOptions::new("val_accuracy")
    };
    let mut tuner = RandomSearch::new(hypermodel, options)?;
    tuner.search(
        &x_train,
        &y_train,
        SearchOptions {
            epochs: args.epochs,
            batch_size,
            validation_data: Some((&x_valid, &y_valid).into()),
            tensorboard: Some(args.dir.clone()),
            verbose: !args.json,
            ..SearchOptions::default()
        },
    )?;
    let histories =
        std::mem::take(&mut *tuner.hypermodel().histories.lock().expect("no panic while recording"));
    let mut report = Vec::new();
    for (id, trial) in tuner.oracle().trials() {
        let values = ordered(&trial.hyperparameters);
        let Some((_, history)) = histories.iter().find(|(v, _)| *v == values) else {
            anyhow::bail!("trial {id} trained no model");
        };
        let hparams_json: serde_json::Map<String, serde_json::Value> = values
            .iter()
            .map(|(name, value)| Ok((name.clone(), serde_json::to_value(value)?)))
            .collect::<Result<_>>()?;
        report.push(serde_json::json!({
            "trial_id": id,
            "run": PathBuf::from(id).join("execution0"),
            "hparams": hparams_json,
            "epochs": args.epochs,
            "steps_per_epoch": 400usize.div_ceil(batch_size),
            "history": history.history,
        }));
    }
    if args.json {
        println!("{}", serde_json::json!({ "logdir": args.dir, "trials": report }));
    } else {
        println!("tensorboard --logdir {}  (the HPARAMS tab)", args.dir.display());
    }
    Ok(())
}
