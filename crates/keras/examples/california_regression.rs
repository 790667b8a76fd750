//! The chapter's regression MLP with the Sequential API: California
//! housing, a Normalization layer adapted on the training set, three hidden
//! layers of 50 ReLU, one linear output, Adam, 20 epochs.
//!
//! ```text
//! cargo run --release -p keras --example california_regression [-- --epochs 20 --seed 42 --json]
//! ```

use std::path::PathBuf;

use clap::Parser;
use datasets::DataDir;
use keras::Verbosity;
mod chapter;

use chapter::RunOptions;

/// Trains the chapter's California housing regression MLP.
#[derive(Parser)]
struct Args {
    /// Epochs to train (the chapter: 20).
    #[arg(long, default_value_t = 20)]
    epochs: usize,
    /// Session seed (the chapter: 42).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// One line per epoch instead of a progress bar.
    #[arg(long)]
    quiet: bool,
    /// Print one JSON object on the last line.
    #[arg(long)]
    json: bool,
    /// Save the trained model there (a Keras 3 `.keras` file, which
    /// `keras.models.load_model` opens).
    #[arg(long, value_name = "FILE.keras")]
    save: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let verbose = if args.quiet { Verbosity::OneLine } else { Verbosity::ProgressBar };
    let options = RunOptions { seed: args.seed, epochs: args.epochs, verbose, callbacks: Vec::new() };
    let run = chapter::california_regression(&DataDir::from_env(), options)?;
    print!("{}", run.report());
    println!("{:.3} s per epoch", run.seconds_per_epoch);
    if let Some(path) = &args.save {
        run.model.save(path)?;
        println!("model saved to {}", path.display());
    }
    if args.json {
        let json = serde_json::json!({
            "test_rmse": run.test_rmse,
            "test_mse": run.test_mse,
            "val_rmse": run.history.get("val_RootMeanSquaredError").last(),
            "seconds_per_epoch": run.seconds_per_epoch,
            "epochs": args.epochs,
            "first_predictions": run.first_predictions,
        });
        println!("{json}");
    }
    Ok(())
}
