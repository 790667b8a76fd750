//! `cargo run -p mlp`: the chapter's MLP examples (XOR, symmetry,
//! California housing, iris) and Figure 10-8; or, with `--data`, an MLP
//! regressor or classifier on your own CSV file. The figures go to
//! `target/figures/mlp/` (the book's copies are drawn by `cargo figures`,
//! not by this command).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use datasets::{DataDir, split, table::Table};
use mlp::chapter::{california_example, iris_example, xor_example, xor_figure, zero_init_example};
use mlp::{MlpClassifier, MlpOptions, MlpRegressor, StandardScaler};
use nalgebra::DMatrix;
use serde_json::{Value, json};

/// Train multilayer perceptrons: the chapter's examples, or a CSV file of yours.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// Print the results as one JSON object on the last line.
    #[arg(long)]
    json: bool,
    /// Write no figures [default: into target/figures/mlp/].
    #[arg(long)]
    no_figures: bool,
    /// Train on this CSV file (header row) instead of the chapter's examples.
    #[arg(long, value_name = "FILE.csv", requires_all = ["target", "task"])]
    data: Option<PathBuf>,
    /// The column to predict.
    #[arg(long, value_name = "COLUMN", requires = "data")]
    target: Option<String>,
    /// Regression (RMSE) or classification (accuracy).
    #[arg(long, value_enum, requires = "data")]
    task: Option<Task>,
    /// Hidden layer sizes, comma-separated [default: 100].
    #[arg(long, value_delimiter = ',', requires = "data")]
    hidden: Option<Vec<usize>>,
    /// The largest number of epochs (max_iter) [default: 200].
    #[arg(long, requires = "data")]
    epochs: Option<usize>,
    /// The seed (random_state) [default: 42].
    #[arg(long, default_value_t = 42)]
    seed: u32,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Task {
    Regression,
    Classification,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match (&cli.data, &cli.target, cli.task) {
        (Some(path), Some(target), Some(task)) => user_csv(&cli, path, target, task),
        _ => chapter(&cli),
    };
    match result {
        Ok(out) => {
            if cli.json {
                println!("{out}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn chapter(cli: &Cli) -> Result<Value, Box<dyn std::error::Error>> {
    let xor = xor_example(u64::from(cli.seed))?;
    print!("{}", mlp::chapter::xor_summary(&xor));
    let symmetry = zero_init_example()?;
    print!("{}", mlp::chapter::symmetry_summary(&symmetry));
    let california = california_example(&DataDir::from_env())?;
    print!("{}", mlp::chapter::california_summary(&california));
    println!("  fit took {:.2} s", california.fit_seconds);
    let iris = iris_example()?;
    print!("{}", mlp::chapter::iris_summary(&iris));
    if !cli.no_figures {
        let dir = plotting::target_figures_dir("mlp");
        let xor_path = dir.join("mlp_xor.svg");
        xor_figure(&xor_path, &xor)?;
        println!("figure: {}", xor_path.display());
        for path in mlp::figures::activation_functions(&dir)? {
            println!("figure: {}", path.display());
        }
    }
    Ok(json!({
        "xor_correct": xor.correct,
        "xor": xor,
        "symmetry": symmetry,
        "california_valid_rmse": california.valid_rmse,
        "california": california,
        "iris_test_accuracy": iris.test_accuracy,
        "iris": iris,
    }))
}

/// Trains on the user's CSV: standardized features, a seeded 75/25 split,
/// scikit-learn's defaults.
fn user_csv(cli: &Cli, path: &Path, target: &str, task: Task) -> Result<Value, Box<dyn std::error::Error>> {
    let table = Table::read(path)?;
    let features: Vec<&str> = table.columns().iter().map(String::as_str).filter(|&c| c != target).collect();
    table.column_index(target)?;
    if features.is_empty() {
        return Err(format!("{}: no feature columns besides `{target}`", path.display()).into());
    }
    let x = table.matrix(&features)?;
    let split = split::train_test_split(x.nrows(), split::DEFAULT_TEST_SIZE, cli.seed)?;
    let (scaler, x_train) = StandardScaler::fit_transform(&x.select_rows(&split.train))?;
    let x_test = scaler.transform(&x.select_rows(&split.test))?;
    let mut options = MlpOptions { random_state: cli.seed, ..MlpOptions::default() };
    if let Some(hidden) = &cli.hidden {
        options.hidden_layer_sizes = hidden.clone();
    }
    if let Some(epochs) = cli.epochs {
        options.max_iter = epochs;
    }
    let header = format!(
        "{}: {} rows, features {}; target `{target}`; {} train / {} test rows",
        path.display(),
        x.nrows(),
        features.join(", "),
        split.train.len(),
        split.test.len()
    );
    println!("{header}");
    match task {
        Task::Regression => {
            let y = table.numeric(target)?;
            let column = |rows: &[usize]| DMatrix::from_iterator(rows.len(), 1, rows.iter().map(|&i| y[i]));
            let mut model = MlpRegressor::new(options);
            let history = model.fit(&x_train, &column(&split.train))?.clone();
            let p = model.predict(&x_test)?;
            let y_test = column(&split.test);
            let rmse = ((&p - &y_test).norm_squared() / y_test.len() as f64).sqrt();
            println!("epochs: {} ({:?}); test RMSE: {rmse:.4}", history.n_iter(), history.stop);
            Ok(json!({ "task": "regression", "rmse": rmse, "epochs": history.n_iter(), "rows": x.nrows() }))
        }
        Task::Classification => {
            let labels = table.strings(target)?;
            let mut names: Vec<&str> = labels.clone();
            names.sort_unstable();
            names.dedup();
            let y: Vec<usize> = labels.iter().map(|l| names.binary_search(l).unwrap_or(0)).collect();
            let pick = |rows: &[usize]| rows.iter().map(|&i| y[i]).collect::<Vec<_>>();
            let mut model = MlpClassifier::new(options);
            let history = model.fit(&x_train, &pick(&split.train))?.clone();
            let accuracy = model.score(&x_test, &pick(&split.test))?;
            println!(
                "classes: {}; epochs: {} ({:?}); test accuracy: {accuracy:.4}",
                names.join(", "),
                history.n_iter(),
                history.stop
            );
            Ok(json!({
                "task": "classification", "accuracy": accuracy, "epochs": history.n_iter(),
                "classes": names, "rows": x.nrows(),
            }))
        }
    }
}
