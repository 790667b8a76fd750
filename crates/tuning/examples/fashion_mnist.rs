//! The chapter's hyperparameter searches on Fashion-MNIST, with Keras
//! Tuner's three tuners.
//!
//! ```text
//! cargo run --release -p tuning --example fashion_mnist -- --tuner random|hyperband|bayesian
//!     [--trials N] [--epochs N] [--iterations N] [--initial-points N] [--workers N]
//!     [--seed 42] [--directory DIR] [--train-size N] [--json] [--quiet]
//! ```
//!
//! - `random`: `RandomSearch(build_model, objective="val_accuracy",
//!   max_trials=5, seed=42)` for 10 epochs per trial, then a second tuner
//!   on the same folder with `overwrite=False` and `max_trials=10`, which
//!   reloads the 5 trials and runs 5 more (`--trials N`: ⌈N/2⌉, then N);
//!   the three best trials, the best one's summary, `results_summary`, and
//!   the best model trained 10 more epochs on the 60,000 training and
//!   validation images, then tested.
//! - `hyperband`: `Hyperband(MyClassificationHyperModel(), max_epochs=10,
//!   factor=3)` with `EarlyStopping(patience=2)` and TensorBoard logs in
//!   `DIR/hyperband/tensorboard` (`--epochs` sets `max_epochs`;
//!   `--iterations` sets `hyperband_iterations`: 1 by default, the chapter
//!   runs 2).
//! - `bayesian`: `BayesianOptimization(MyClassificationHyperModel(),
//!   max_trials=10, alpha=1e-4, beta=2.6)` with the same callbacks
//!   (`--initial-points` sets `num_initial_points`; by default
//!   max(3·d, 3) = 15 for the 5 hyperparameters, so that all 10 trials
//!   are random).
//!
//! The searches live in `DIR` (default `my_fashion_mnist`, in the current
//! folder, as in the chapter) under the chapter's project names
//! (`my_rnd_search`, `hyperband`, `bayesian_opt`). With `--json`, the last
//! line is one JSON object: `tuner`, `best_hyperparameters`,
//! `best_val_accuracy`, `test_accuracy`, `trials` (id, status,
//! hyperparameters, score, best step of each), `search_seconds` and
//! `seconds`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use datasets::DataDir;

mod search;

use search::{Settings, TunerKind};

/// Searches for the hyperparameters of the chapter's Fashion-MNIST MLP.
#[derive(Parser)]
struct Args {
    /// The tuner: random, hyperband or bayesian.
    #[arg(long, value_parser = parse_tuner, required_unless_present = "book_outputs")]
    tuner: Option<TunerKind>,
    /// Random search: the trials after resuming (the first search runs
    /// half, rounded up); Bayesian optimization: max_trials. Hyperband
    /// decides its own number of trials.
    #[arg(long)]
    trials: Option<usize>,
    /// Epochs per trial (Hyperband: max_epochs).
    #[arg(long, default_value_t = 10)]
    epochs: usize,
    /// Hyperband's hyperband_iterations (the chapter: 2).
    #[arg(long, default_value_t = 1)]
    iterations: usize,
    /// Bayesian optimization's num_initial_points (default: max(3·d, 3)).
    #[arg(long)]
    initial_points: Option<usize>,
    /// Trials run at once (default: one per core).
    #[arg(long)]
    workers: Option<usize>,
    /// The search's seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The folder of the searches.
    #[arg(long, default_value = "my_fashion_mnist")]
    directory: PathBuf,
    /// Train on the first N of the 55,000 training images only.
    #[arg(long)]
    train_size: Option<usize>,
    /// Print one JSON object on the last line.
    #[arg(long)]
    json: bool,
    /// Do not print the tuner's progress, only the results.
    #[arg(long)]
    quiet: bool,
    /// Instead of a search, write the book's three reduced runs into
    /// BOOK_SRC/outputs (what `cargo figures` does for them).
    #[arg(long, value_name = "BOOK_SRC", conflicts_with = "tuner")]
    book_outputs: Option<PathBuf>,
}

fn parse_tuner(name: &str) -> Result<TunerKind, String> {
    TunerKind::parse(name).map_err(|e| e.to_string())
}

fn run(args: &Args) -> anyhow::Result<()> {
    if let Some(book_src) = &args.book_outputs {
        let started = std::time::Instant::now();
        for path in search::book_outputs(&DataDir::from_env(), book_src)? {
            println!("wrote {}", path.display());
        }
        println!("in {:.1} s", started.elapsed().as_secs_f64());
        return Ok(());
    }
    let Some(tuner) = args.tuner else { anyhow::bail!("--tuner is required") };
    let mut settings = Settings::chapter(tuner);
    if let Some(trials) = args.trials {
        if tuner == TunerKind::Hyperband {
            eprintln!("note: --trials is ignored by Hyperband, whose brackets decide the number of trials");
        }
        settings.trials = trials;
    }
    if args.initial_points.is_some() && tuner != TunerKind::Bayesian {
        eprintln!("note: --initial-points is for the Bayesian optimization only");
    }
    settings.epochs = args.epochs;
    settings.iterations = args.iterations;
    settings.initial_points = args.initial_points;
    settings.workers = args.workers;
    settings.seed = args.seed;
    settings.directory = args.directory.clone();
    settings.verbose = !args.quiet;
    settings.train_size = args.train_size;
    let data = search::load_fashion(&DataDir::from_env(), settings.train_size)?;
    let report = search::run(&data, &settings)?;
    println!("\n{}", report.text());
    let workers =
        settings.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    println!(
        "search: {:.1} s with {workers} worker{}; whole run: {:.1} s",
        report.search_seconds,
        if workers == 1 { "" } else { "s" },
        report.seconds
    );
    if args.json {
        println!("{}", report.json(&settings));
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
