//! The chapter's image classifier with the Sequential API: Fashion-MNIST,
//! 30 epochs of SGD, then the test accuracy and the first three test
//! images' class probabilities.
//!
//! ```text
//! cargo run --release -p keras --example fashion_mnist [-- --epochs 30 --seed 42 --figures DIR --json]
//! ```
//!
//! The learning curves (Figure 10-11), the first training images (Figure
//! 10-10) and the first three test images with their predicted classes
//! (Figure 10-12) go to `target/figures/fashion_mnist/` unless `--figures`
//! names another folder (or `--no-figures`).

use std::path::PathBuf;

use clap::Parser;
use datasets::DataDir;
use keras::Verbosity;
mod chapter;

use chapter::RunOptions;

/// Trains the chapter's Fashion-MNIST classifier.
#[derive(Parser)]
struct Args {
    /// Epochs to train (the chapter: 30).
    #[arg(long, default_value_t = 30)]
    epochs: usize,
    /// Session seed (the chapter: 42).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Write the learning curves and sample images into this folder
    /// (default: target/figures/fashion_mnist in the workspace, or under
    /// CARGO_TARGET_DIR).
    #[arg(long)]
    figures: Option<PathBuf>,
    /// Do not draw the figures.
    #[arg(long, conflicts_with = "figures")]
    no_figures: bool,
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
    let dir = DataDir::from_env();
    let verbose = if args.quiet { Verbosity::OneLine } else { Verbosity::ProgressBar };
    let options = RunOptions { seed: args.seed, epochs: args.epochs, verbose, callbacks: Vec::new() };
    let run = chapter::fashion_mnist(&dir, options)?;
    print!("{}", run.report());
    println!(
        "{:.2} s per epoch, {:.3} s to predict 10,000 images",
        run.seconds_per_epoch, run.predict_seconds
    );
    let default = || plotting::target_figures_dir("fashion_mnist");
    if let Some(path) = &args.save {
        run.model.save(path)?;
        println!("model saved to {}", path.display());
    }
    if !args.no_figures {
        let folder = args.figures.clone().unwrap_or_else(default);
        chapter::learning_curves(&folder.join("fashion_mnist_learning_curves.svg"), &run.history)?;
        chapter::sample_images(&folder.join("fashion_mnist_samples.png"), &dir)?;
        let predicted: Vec<String> = run.first_predictions.iter().map(|(_, top)| top[0].0.clone()).collect();
        chapter::predicted_test_images(&folder.join("fashion_mnist_predictions.png"), &dir, &predicted)?;
        println!("figures written to {}", folder.display());
    }
    if args.json {
        let json = serde_json::json!({
            "val_accuracy": run.val_accuracy,
            "test_accuracy": run.test_accuracy,
            "test_loss": run.test_loss,
            "seconds_per_epoch": run.seconds_per_epoch,
            "epoch_seconds": run.epoch_seconds,
            "predict_seconds": run.predict_seconds,
            "epochs": args.epochs,
        });
        println!("{json}");
    }
    Ok(())
}
