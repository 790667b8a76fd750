//! Times `Perceptron::fit`, for the benchmark against scikit-learn.
//!
//! ```text
//! cargo run --release -p perceptron --example synthetic -- [--rows N] [--features D] [--seed S]
//!     [--data FILE.csv] [--write-csv PATH] [--max-iter E] [--no-tol] [--repeat K] [--json]
//! ```
//!
//! The rows are [`perceptron::data::synthetic`] (100,000 × 20 by default),
//! or a CSV file whose column `y` holds the classes (`--data`: this is how
//! `benches/peers/perceptron_sklearn.py` hands both libraries the very same
//! rows). `--write-csv` saves the synthetic rows in that format. Prints the
//! epochs, the updates, the training accuracy and the fastest and median
//! fit time of K fits (5 by default); `--json` prints them as one JSON object.

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use perceptron::data::{CsvData, synthetic};
use perceptron::{Options, Perceptron};

fn main() -> Result<(), Box<dyn Error>> {
    let (mut rows, mut features, mut seed, mut repeat) = (100_000_usize, 20_usize, 0_u64, 5_usize);
    let (mut data, mut write_csv, mut json) = (None::<PathBuf>, None::<PathBuf>, false);
    let mut options = Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--rows" => rows = value()?.parse()?,
            "--features" => features = value()?.parse()?,
            "--seed" => seed = value()?.parse()?,
            "--repeat" => repeat = value()?.parse::<usize>()?.max(1),
            "--data" => data = Some(value()?.into()),
            "--write-csv" => write_csv = Some(value()?.into()),
            "--max-iter" => options.max_iter = value()?.parse()?,
            "--no-tol" => options.tol = None,
            "--json" => json = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    options.random_state = seed;
    let (x, y) = match &data {
        Some(path) => {
            let csv = CsvData::read(path, "y", None)?;
            (csv.x, csv.y)
        }
        None => {
            let (x, y) = synthetic(rows, features, seed);
            (x, y.into_iter().map(usize::from).collect())
        }
    };
    if let Some(path) = write_csv {
        let mut text = String::with_capacity(x.nrows() * x.ncols() * 21);
        let header: Vec<String> = (0..x.ncols()).map(|j| format!("x{j}")).collect();
        writeln!(text, "{},y", header.join(","))?;
        for (row, &label) in x.row_iter().zip(&y) {
            row.iter().try_for_each(|v| write!(text, "{v:?},"))?;
            writeln!(text, "{label}")?;
        }
        std::fs::write(&path, text)?;
    }

    let mut clf = Perceptron::new(options);
    let mut times = Vec::with_capacity(repeat);
    let mut report = None;
    for _ in 0..repeat {
        let start = Instant::now();
        report = Some(clf.fit(&x, &y)?);
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let report = report.ok_or("no fit")?;
    let accuracy = clf.score(&x, &y)?;
    let (fastest, median) = (times[0], times[times.len() / 2]);
    if json {
        let out = serde_json::json!({
            "rows": x.nrows(), "features": x.ncols(), "epochs": report.n_iter(),
            "updates": report.updates(), "training_accuracy": accuracy,
            "fit_seconds_min": fastest, "fit_seconds_median": median, "repeat": times.len(),
        });
        println!("{out}");
    } else {
        println!(
            "{} × {}: {} epochs ({:?}), {} updates, training accuracy {accuracy:.4}",
            x.nrows(),
            x.ncols(),
            report.n_iter(),
            report.stop,
            report.updates()
        );
        println!("fit: {fastest:.4} s fastest, {median:.4} s median of {}", times.len());
    }
    Ok(())
}
