//! The chapter's guideline on the number of neurons per hidden layer,
//! checked on Fashion-MNIST: a pyramid of 300, 200 and 100 neurons against
//! three equal layers, of 200 neurons (as many neurons in all) and of 246
//! (about as many parameters), trained alike (SGD with momentum 0.9,
//! learning rate 0.01, batches of 32, the same seed).
//!
//! ```text
//! cargo run --release -p tuning --example neurons_per_layer [-- --epochs 10 --seed 42 --json]
//! ```

use clap::Parser;
use datasets::DataDir;

mod guidelines;

/// A pyramid against equal layers on Fashion-MNIST.
#[derive(Parser)]
struct Args {
    /// Epochs to train each network.
    #[arg(long, default_value_t = guidelines::NEURONS_PER_LAYER_EPOCHS)]
    epochs: usize,
    /// Session seed (initial weights and shuffles).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Print one JSON object on the last line.
    #[arg(long)]
    json: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let comparison = guidelines::neurons_per_layer(&DataDir::from_env(), args.seed, args.epochs)?;
    print!("{}", comparison.report());
    print!("{}", comparison.times());
    if args.json {
        println!("{}", serde_json::to_string(&comparison)?);
    }
    Ok(())
}
