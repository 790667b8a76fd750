//! Three trials of a small search, logged for TensorBoard's HPARAMS tab as
//! Keras Tuner logs them.
//!
//! ```text
//! cargo run --release -p tuning --example hparams_log -- DIR [--epochs 5] [--seed 42] [--json]
//! tensorboard --logdir DIR
//! ```
//!
//! Each trial trains a classifier of two interleaved half-moons (the
//! second feature in hundreds, so that normalizing matters) with the
//! hyperparameters of the chapter's searches: `n_hidden` (hidden layers
//! of 16 ReLU units), `learning_rate`, `optimizer` (`sgd` or `adam`) and
//! `normalize` (a `Normalization` layer adapted to the training set
//! first). As Keras Tuner does for a `search` given a `TensorBoard`
//! callback, each execution of a trial gets its folder
//! `DIR/<trial_id>/execution0`, where the `TensorBoard` callback writes
//! the learning curves (`train/`, `validation/`) and the
//! [`HParamsCallback`] the session start and end. The trial ids are
//! those of a search with `max_trials` between 10 and 99: `00`, `01`,
//! `02`.
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

use anyhow::{Context, Result};
use clap::Parser;
use keras::callbacks::Verbosity;
use keras::layers::{Dense, Input, Normalization};
use keras::optimizers::{Adam, Optimizer, SGD};
use keras::tensorboard::TensorBoard;
use keras::{FitOptions, Labels, Sequential, Tensor};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tuning::Value;
use tuning::hparams::HParamsCallback;

/// Logs three trials for TensorBoard's HPARAMS tab.
#[derive(Parser)]
struct Args {
    /// Root folder of the trials (Keras Tuner: the `TensorBoard`
    /// callback's `log_dir`).
    dir: PathBuf,
    /// Epochs per trial.
    #[arg(long, default_value_t = 5)]
    epochs: usize,
    /// Seed of the data and of the session of each trial (+ its number).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Print one JSON object on the last line.
    #[arg(long)]
    json: bool,
}

/// One trial's hyperparameters.
struct Trial {
    id: &'static str,
    n_hidden: i64,
    learning_rate: f64,
    optimizer: &'static str,
    normalize: bool,
}

impl Trial {
    /// The values in Keras Tuner's order of declaration.
    fn values(&self) -> Vec<(String, Value)> {
        vec![
            ("n_hidden".to_string(), Value::Int(self.n_hidden)),
            ("learning_rate".to_string(), Value::Float(self.learning_rate)),
            ("optimizer".to_string(), Value::Str(self.optimizer.to_string())),
            ("normalize".to_string(), Value::Bool(self.normalize)),
        ]
    }

    fn optimizer(&self) -> Optimizer {
        match self.optimizer {
            "adam" => Adam { learning_rate: self.learning_rate, ..Default::default() }.into(),
            _ => SGD { learning_rate: self.learning_rate, ..Default::default() }.into(),
        }
    }
}

const TRIALS: [Trial; 3] = [
    Trial { id: "00", n_hidden: 1, learning_rate: 0.01, optimizer: "sgd", normalize: false },
    Trial { id: "01", n_hidden: 2, learning_rate: 0.003, optimizer: "adam", normalize: true },
    Trial { id: "02", n_hidden: 3, learning_rate: 0.0003, optimizer: "adam", normalize: false },
];

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

fn main() -> Result<()> {
    let args = Args::parse();
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let (x_train, y_train) = moons(400, &mut rng)?;
    let (x_valid, y_valid) = moons(100, &mut rng)?;
    let batch_size = 32;
    let mut report = Vec::new();
    for (number, trial) in TRIALS.iter().enumerate() {
        keras::set_random_seed(args.seed + number as u64);
        let mut layers: Vec<Box<dyn keras::layers::Layer>> = vec![Input::new(&[2]).into()];
        if trial.normalize {
            let mut norm = Normalization::new();
            norm.adapt(&x_train)?;
            layers.push(norm.into());
        }
        for _ in 0..trial.n_hidden {
            layers.push(Dense::new(16).activation("relu").into());
        }
        layers.push(Dense::new(2).activation("softmax").into());
        let mut model = Sequential::new(layers)?;
        model.compile("sparse_categorical_crossentropy", trial.optimizer(), &["accuracy".into()])?;

        // Keras Tuner's `_get_tensorboard_dir(log_dir, trial_id, execution)`.
        let run = PathBuf::from(trial.id).join("execution0");
        let log_dir = args.dir.join(&run);
        let values = trial.values();
        let mut tensorboard = TensorBoard::new(&log_dir);
        let mut hparams = HParamsCallback::new(&log_dir, trial.id, &values)?;
        let history = model.fit(
            &x_train,
            &y_train,
            FitOptions {
                epochs: args.epochs,
                batch_size,
                validation_data: Some((&x_valid, &y_valid).into()),
                verbose: Verbosity::Silent,
                callbacks: vec![&mut tensorboard, &mut hparams],
                ..Default::default()
            },
        )?;
        tensorboard.result().with_context(|| format!("logging trial {}", trial.id))?;
        let last = |key: &str| history.get(key).last().copied().unwrap_or(f64::NAN);
        if !args.json {
            println!(
                "trial {} ({}): n_hidden {}, learning_rate {}, optimizer {}, normalize {} → \
                 val_accuracy {:.4}",
                trial.id,
                log_dir.display(),
                trial.n_hidden,
                trial.learning_rate,
                trial.optimizer,
                trial.normalize,
                last("val_accuracy"),
            );
        }
        let hparams_json: serde_json::Map<String, serde_json::Value> = values
            .iter()
            .map(|(name, value)| Ok((name.clone(), serde_json::to_value(value)?)))
            .collect::<Result<_>>()?;
        report.push(serde_json::json!({
            "trial_id": trial.id,
            "run": run,
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
