//! `cargo run -p perceptron`: the chapter's perceptron on iris (is it an
//! Iris setosa, from the petals?), or on your own CSV file with `--data`.
//!
//! Prints the weights, the bias, the epochs, the updates, the training
//! accuracy and, for iris, the predictions for the flowers (2, 0.5) and
//! (3, 1); draws the decision-boundary figure into
//! `target/figures/perceptron/` (the book's copy is drawn by `cargo
//! figures`, not by this command). With `--json`, the last line
//! is one JSON object holding the same results. With `--data`, the JSON
//! has no `predictions` (there are no new instances to predict; the
//! training accuracy summarises the predictions on the training rows).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use mcculloch_pitts::ShapeError;
use perceptron::data::CsvData;
use perceptron::figures::{IRIS_FIGURE, iris_figure, regions_figure};
use perceptron::iris::iris_example_with;
use perceptron::{FitReport, Options, Perceptron, PerceptronError, describe};
use plotting::RegionOptions;
use serde_json::{Value, json};

/// Train a perceptron: the chapter's iris example, or a CSV file of yours.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// Print the results as one JSON object, on the last line (with
    /// --data: no `predictions`, see `training_accuracy`).
    #[arg(long)]
    json: bool,
    /// Write the decision-boundary figure (.svg or .png) here [default for
    /// iris: target/figures/perceptron/perceptron_iris.svg; with --data, no
    /// figure unless given, and only for two features].
    #[arg(long, value_name = "PATH")]
    figure: Option<PathBuf>,
    /// Draw no figure.
    #[arg(long, conflicts_with = "figure")]
    no_figure: bool,
    /// Train on this CSV file (with a header row) instead of iris.
    #[arg(long, value_name = "FILE.csv", requires = "target")]
    data: Option<PathBuf>,
    /// The column of the CSV file that holds the classes.
    #[arg(long, value_name = "COLUMN", requires = "data")]
    target: Option<String>,
    /// The feature columns, comma-separated [default: all but the target].
    #[arg(long, value_name = "A,B,...", value_delimiter = ',', requires = "data")]
    features: Option<Vec<String>>,
    /// The learning rate η (eta0).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    eta: f64,
    /// The largest number of epochs (max_iter).
    #[arg(long, default_value_t = 1000)]
    epochs: usize,
    /// The seed of the shuffle (random_state).
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<(), PerceptronError> {
    let options =
        Options { eta0: cli.eta, max_iter: cli.epochs, random_state: cli.seed, ..Options::default() };
    let out = match (&cli.data, &cli.target) {
        (Some(path), Some(target)) => csv(cli, path, target, options)?,
        _ => iris(cli, options)?,
    };
    if cli.json {
        println!("{out}");
    }
    Ok(())
}

/// The chapter's example.
fn iris(cli: &Cli, options: Options) -> Result<Value, PerceptronError> {
    let example = iris_example_with(options)?;
    let clf = &example.classifier;
    print!("{}", example.summary());
    let figure = match (&cli.figure, cli.no_figure) {
        (_, true) => None,
        (Some(path), _) => Some(path.clone()),
        (None, _) => Some(plotting::target_figures_dir("perceptron").join(IRIS_FIGURE)),
    };
    if let Some(path) = &figure {
        iris_figure(path, &example)?;
        println!("figure: {}", path.display());
    }
    let mut out = results(clf, &example.report, example.training_accuracy, figure.as_deref());
    out["dataset"] = json!("iris");
    out["features"] = json!(["petal_length", "petal_width"]);
    out["target"] = json!("Iris setosa");
    out["predictions"] = json!(example.predictions);
    Ok(out)
}

/// A CSV file of the user's.
fn csv(cli: &Cli, path: &Path, target: &str, options: Options) -> Result<Value, PerceptronError> {
    let data = CsvData::read(path, target, cli.features.as_deref())?;
    let names = &data.class_names;
    let figure = cli.figure.as_ref().filter(|_| !cli.no_figure);
    if figure.is_some() && data.x.ncols() != 2 {
        let detail = format!("a figure of the plane needs exactly 2 features, not {}", data.x.ncols());
        return Err(ShapeError { operation: "--figure", detail }.into());
    }
    let mut clf = Perceptron::new(options);
    let report = clf.fit(&data.x, &data.y)?;
    let accuracy = clf.score(&data.x, &data.y)?;
    println!("{}: {} rows; features: {}", path.display(), data.x.nrows(), data.feature_names.join(", "));
    if names.len() == 2 {
        println!("target `{target}`: two classes, one TLU that fires for `{}`", names[1]);
    } else {
        println!("target `{target}`: {} classes, one TLU per class (one-vs-rest)", names.len());
    }
    print!("{}", describe(&clf, &report, accuracy, |j| format!("`{}`", names[j])));
    if let Some(figure) = figure {
        let options = RegionOptions {
            x_label: data.feature_names[0].clone(),
            y_label: data.feature_names.get(1).cloned().unwrap_or_default(),
            ..RegionOptions::default()
        };
        regions_figure(figure, options, &clf, &data.x, &data.y, names)?;
        println!("figure: {}", figure.display());
    }
    let mut out = results(&clf, &report, accuracy, figure.map(PathBuf::as_path));
    out["dataset"] = json!(path.display().to_string());
    out["features"] = json!(data.feature_names);
    out["target"] = json!(target);
    out["classes"] = json!(names);
    Ok(out)
}

/// The results as JSON, without the dataset-specific fields.
fn results<L>(clf: &Perceptron<L>, report: &FitReport, accuracy: f64, figure: Option<&Path>) -> Value {
    let weights: Vec<Vec<f64>> =
        clf.coef().map_or(Vec::new(), |w| w.row_iter().map(|r| r.iter().copied().collect()).collect());
    json!({
        "weights": weights,
        "bias": clf.intercept().map_or(Vec::new(), |b| b.iter().copied().collect()),
        "epochs": report.n_iter(),
        "updates": report.updates(),
        "training_accuracy": accuracy,
        "stop": report.stop,
        "history": report.epochs,
        "options": clf.options(),
        "figure": figure.map(|p| p.display().to_string()),
    })
}
