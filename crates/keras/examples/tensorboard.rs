//! The chapter's TensorBoard section: two runs of the Fashion-MNIST
//! classifier logged with the `TensorBoard` callback, then the low-level
//! `SummaryWriter` demo.
//!
//! ```text
//! cargo run --release -p keras --example tensorboard -- [--logdir my_logs] [--epochs 10] [--seed 42] [--json]
//! tensorboard --logdir my_logs
//! ```
//!
//! Each run gets its own folder `DIR/run_%Y_%m_%d_%H_%M_%S` (UTC):
//!
//! 1. the chapter's model (Flatten → Dense 300 ReLU → Dense 100 ReLU →
//!    Dense 10 softmax, sparse categorical cross-entropy, SGD) trained with
//!    learning rate 0.001, with validation data;
//! 2. the same with learning rate 0.002;
//! 3. the `SummaryWriter` demo: for steps 1 to 1,000, a scalar `my_scalar`
//!    = sin(step / 10), a histogram `my_hist` of 100 normal samples
//!    (+ 2) × step / 100 in 50 buckets, two random 32 × 32 RGB images
//!    `my_images` × step / 1000 (they get brighter), two texts `my_text`
//!    ("The step is …", "Its square is …") and `my_audio`, a quarter of a
//!    second of a sine wave of `step` Hz. The chapter records 12,000
//!    samples at 48 kHz; this demo records 4,000 at 16 kHz, the same
//!    length for a third of the space.
//!
//! The chapter trains 20 epochs; the default here is 10, so that both runs
//! take about 25 seconds in release mode (`--epochs 20` for the
//! chapter's curves). The model is built and trained by the same function
//! as the `fashion_mnist` example (`chapter::fashion_mnist`), which
//! compiles with `"sgd"`; a small callback sets each run's learning rate
//! before the first batch.
//!
//! With `--json`, the last line is a JSON object with every run's folder,
//! learning rate and per-epoch logs, and the demo's settings: what
//! `tests/interop/tensorboard_check.py` compares with what TensorBoard
//! reads.

use std::collections::BTreeMap;
use std::f64::consts::PI;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Parser;
use datasets::DataDir;
use keras::Model;
use keras::callbacks::{Callback, Verbosity};
use keras::tensorboard::{SummaryWriter, TensorBoard, run_logdir};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
mod chapter;

use chapter::RunOptions;

/// Logs the chapter's runs for TensorBoard.
#[derive(Parser)]
struct Args {
    /// Root folder of the runs (the chapter: my_logs).
    #[arg(long, default_value = "my_logs")]
    logdir: PathBuf,
    /// Epochs per run (the chapter: 20).
    #[arg(long, default_value_t = 10)]
    epochs: usize,
    /// Session seed of both runs and of the demo's random data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Steps of the SummaryWriter demo (0: no demo).
    #[arg(long, default_value_t = 1000)]
    demo_steps: i64,
    /// Print one JSON object on the last line.
    #[arg(long)]
    json: bool,
}

/// Sets the learning rate when training starts: the chapter compiles with
/// `SGD(learning_rate=…)`, `chapter::fashion_mnist` with `"sgd"`.
struct SetLearningRate(f64);

impl Callback for SetLearningRate {
    fn on_train_begin(&mut self, _: &BTreeMap<String, usize>, model: &mut Model) {
        if let Err(e) = model.set_learning_rate(self.0) {
            eprintln!("cannot set the learning rate: {e}");
        }
    }
}

/// A run folder under `root` that does not exist yet (a new name each
/// second).
fn new_run_logdir(root: &Path) -> PathBuf {
    loop {
        let dir = run_logdir(root);
        if !dir.exists() {
            return dir;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// The folder's name, for the manifest (TensorBoard's run is this name,
/// then `/train` or `/validation`).
fn run_name(dir: &Path) -> String {
    dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// A standard normal sample (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
}

/// The chapter's `tf.summary` demo.
fn summary_demo(dir: &Path, steps: i64, seed: u64) -> Result<serde_json::Value> {
    const BUCKETS: usize = 50;
    const IMAGES: [usize; 4] = [2, 32, 32, 3];
    const RATE: u32 = 16_000;
    const SAMPLES: usize = 4_000;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut writer = SummaryWriter::new(dir)?;
    for step in 1..=steps {
        let scale = step as f64;
        writer.scalar("my_scalar", (scale / 10.0).sin(), step)?;
        let data: Vec<f64> = (0..100).map(|_| (normal(&mut rng) + 2.0) * scale / 100.0).collect();
        writer.histogram("my_hist", &data, step, Some(BUCKETS))?;
        let pixels: Vec<f32> =
            (0..IMAGES.iter().product()).map(|_| rng.random::<f32>() * step as f32 / 1000.0).collect();
        writer.image("my_images", &pixels, IMAGES, step)?;
        writer.texts(
            "my_text",
            &[format!("The step is {step}"), format!("Its square is {}", step * step)],
            step,
        )?;
        let wave: Vec<f32> =
            (0..SAMPLES).map(|i| (i as f64 / f64::from(RATE) * 2.0 * PI * scale).sin() as f32).collect();
        writer.audio("my_audio", &wave, RATE, step)?;
    }
    writer.flush()?;
    Ok(serde_json::json!({
        "run": run_name(dir),
        "steps": steps,
        "hist_buckets": BUCKETS,
        "hist_samples": 100,
        "images": IMAGES,
        "audio_sample_rate": RATE,
        "audio_samples": SAMPLES,
    }))
}

fn main() -> Result<()> {
    let args = Args::parse();
    let dir = DataDir::from_env();
    let mut runs = Vec::new();
    for learning_rate in [0.001, 0.002] {
        let run_dir = new_run_logdir(&args.logdir);
        println!("run {} (learning rate {learning_rate})", run_dir.display());
        let mut rate = SetLearningRate(learning_rate);
        let mut tensorboard = TensorBoard::new(&run_dir);
        let options = RunOptions {
            seed: args.seed,
            epochs: args.epochs,
            verbose: Verbosity::OneLine,
            callbacks: vec![&mut rate, &mut tensorboard],
        };
        let run = chapter::fashion_mnist(&dir, options)?;
        tensorboard.result().with_context(|| format!("logging run {}", run_dir.display()))?;
        println!("validation accuracy: {:.4}", run.val_accuracy);
        runs.push(serde_json::json!({
            "run": run_name(&run_dir),
            "learning_rate": learning_rate,
            "epochs": run.history.epoch.len(),
            "steps_per_epoch": run.history.params.get("steps"),
            "history": run.history.history,
        }));
    }
    let demo = if args.demo_steps > 0 {
        let demo_dir = new_run_logdir(&args.logdir);
        let demo = summary_demo(&demo_dir, args.demo_steps, args.seed)?;
        println!("summary demo: {} steps in {}", args.demo_steps, demo_dir.display());
        demo
    } else {
        serde_json::Value::Null
    };
    println!("to view them: tensorboard --logdir {}", args.logdir.display());
    if args.json {
        let json = serde_json::json!({ "logdir": args.logdir, "runs": runs, "demo": demo });
        println!("{json}");
    }
    Ok(())
}
