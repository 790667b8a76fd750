//! The chapter's learning-rate finder on Fashion-MNIST: the chapter's MLP
//! (300 and 100 ReLU neurons, SGD, batches of 32) trained for 500 batches
//! while the learning rate grows from 1e-5 towards 10, then trained from
//! the same initial weights with the suggested rate and with SGD's default.
//!
//! ```text
//! cargo run --release -p tuning --example lr_finder [-- --epochs 5 --seed 42 --figure FILE.svg --json]
//! ```

use std::path::PathBuf;

use clap::Parser;
use datasets::DataDir;

mod guidelines;

/// Sweeps the learning rate of the chapter's Fashion-MNIST classifier.
#[derive(Parser)]
struct Args {
    /// Epochs to train with each rate after the sweep (0: only the sweep).
    #[arg(long, default_value_t = guidelines::LR_FINDER_EPOCHS)]
    epochs: usize,
    /// Session seed (initial weights and shuffles).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Draw the loss against the learning rate into this file (.svg or .png).
    #[arg(long, value_name = "PATH")]
    figure: Option<PathBuf>,
    /// Print one JSON object on the last line.
    #[arg(long)]
    json: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let run = guidelines::lr_finder_fashion(&DataDir::from_env(), args.seed, args.epochs)?;
    print!("{}", run.report());
    println!("the sweep took {:.1} s", run.sweep_seconds);
    if let Some(path) = &args.figure {
        guidelines::lr_figure(path, &run)?;
        println!("figure written to {}", path.display());
    }
    if args.json {
        let json = serde_json::json!({
            "suggested_learning_rate": run.suggestion,
            "turning_point": run.turning_point,
            "stopped_at": run.stopped_at,
            "batches_run": run.rates.len(),
            "factor": run.factor,
            "epochs": run.epochs,
            "val_accuracy": run.trained.iter().map(|&(rate, accuracy)| serde_json::json!({"learning_rate": rate, "val_accuracy": accuracy})).collect::<Vec<_>>(),
            "sweep_seconds": run.sweep_seconds,
        });
        println!("{json}");
    }
    Ok(())
}
