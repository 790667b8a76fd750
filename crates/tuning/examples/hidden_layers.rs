//! The chapter's guideline on depth, checked on MNIST: one hidden layer of
//! 300 neurons against two of 150, trained alike (SGD with momentum 0.9,
//! learning rate 0.01, batches of 32). The chapter: above 97% test accuracy
//! with one hidden layer of a few hundred neurons, above 98% with two
//! layers of as many neurons in all, in about the same training time.
//!
//! ```text
//! cargo run --release -p tuning --example hidden_layers [-- --epochs 15 --seed 42 --json]
//! ```

use clap::Parser;
use datasets::DataDir;

mod guidelines;

/// One hidden layer against two on MNIST.
#[derive(Parser)]
struct Args {
    /// Epochs to train each network.
    #[arg(long, default_value_t = guidelines::HIDDEN_LAYERS_EPOCHS)]
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
    let comparison = guidelines::hidden_layers(&DataDir::from_env(), args.seed, args.epochs)?;
    print!("{}", comparison.report());
    println!("chapter: above 0.97 with one hidden layer, above 0.98 with two");
    print!("{}", comparison.times());
    if args.json {
        println!("{}", serde_json::to_string(&comparison)?);
    }
    Ok(())
}
