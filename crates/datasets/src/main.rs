//! `cargo run -p datasets -- verify | info NAME | fetch NAME`
//!
//! Checks, describes and downloads the chapter's datasets in the data
//! directory (`--data-dir`, else `NEURONS_DATA_DIR`, else `datasets/`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use datasets::verify::Status;
use datasets::{DataDir, Dataset, Error, california, images, iris, split};

#[derive(Parser)]
#[command(version, about = "Check, describe and download the chapter's datasets")]
struct Cli {
    /// The data directory (default: $NEURONS_DATA_DIR, else the workspace's datasets/).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every present file against the SHA-256 of its content.
    Verify,
    /// Print sizes, shapes and class counts of a dataset.
    Info {
        /// iris, california-housing, fashion-mnist or mnist.
        name: Dataset,
    },
    /// Download a dataset (or `all`), verify it, then move it into place.
    Fetch {
        /// iris, california-housing, fashion-mnist, mnist or all.
        name: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = cli.data_dir.map_or_else(DataDir::from_env, DataDir::at);
    let result = match cli.command {
        Command::Verify => verify(&dir),
        Command::Info { name } => info(name, &dir),
        Command::Fetch { name } => fetch(&name, &dir),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn verify(dir: &DataDir) -> Result<bool, Error> {
    println!("data directory: {} ({})", dir.root().display(), dir.origin());
    let checks = datasets::verify::verify(dir);
    let (mut ok, mut bad, mut missing) = (0, 0, 0);
    for check in &checks {
        let name = check.spec.relative;
        match &check.status {
            Status::Verified => {
                ok += 1;
                println!("  ok       {name}");
            }
            Status::Missing => {
                missing += 1;
                println!("  missing  {name}");
            }
            Status::Mismatch(e) | Status::Unreadable(e) => {
                bad += 1;
                println!("  FAILED   {name}: {e}");
            }
        }
    }
    println!("{ok} verified, {bad} failed, {missing} missing");
    if missing > 0 {
        println!(
            "(missing files: `cargo run -p datasets -- fetch NAME`; iris is embedded and needs no file)"
        );
    }
    Ok(bad == 0)
}

fn fetch(name: &str, dir: &DataDir) -> Result<bool, Error> {
    let wanted: Vec<Dataset> = if name == "all" { Dataset::ALL.to_vec() } else { vec![name.parse()?] };
    for dataset in wanted {
        for (path, action) in datasets::fetch::fetch(dataset, dir, true)? {
            let what = match action {
                datasets::fetch::Action::AlreadyPresent => "already present, verified".to_string(),
                datasets::fetch::Action::Downloaded(url) => format!("downloaded from {url}, verified"),
                datasets::fetch::Action::WrittenFromEmbedded => "written from the embedded copy".to_string(),
            };
            println!("{}: {what}", path.display());
        }
    }
    Ok(true)
}

fn info(dataset: Dataset, dir: &DataDir) -> Result<bool, Error> {
    println!("{dataset}: {}", dataset.credit());
    match dataset {
        Dataset::Iris => {
            let data = iris::load_iris()?;
            println!("  embedded: {} rows × {} features", data.x.nrows(), data.x.ncols());
            print_columns(&data.x, &data.feature_names);
            for (c, name) in data.target_names.iter().enumerate() {
                println!("  class {c} {name:<12} {:>5} rows", data.y.iter().filter(|&&y| y == c).count());
            }
        }
        Dataset::CaliforniaHousing => {
            let data = california::load_california_housing(dir)?;
            let n = data.x.nrows();
            println!("  {n} rows × {} features; target: median house value / 100,000", data.x.ncols());
            print_columns(&data.x, &data.feature_names);
            let y = &data.y;
            println!(
                "  {:<12} min {:>10.4}  mean {:>10.4}  max {:>10.4}",
                "target",
                y.min(),
                y.mean(),
                y.max()
            );
            let first = split::train_test_split(n, split::DEFAULT_TEST_SIZE, 42)?;
            let second = split::train_test_split(first.train.len(), split::DEFAULT_TEST_SIZE, 42)?;
            println!(
                "  chapter's splits (random_state=42): {} train, {} validation, {} test",
                second.train.len(),
                second.test.len(),
                first.test.len()
            );
        }
        Dataset::FashionMnist | Dataset::Mnist => {
            let data = if dataset == Dataset::Mnist {
                images::load_mnist(dir)?
            } else {
                images::load_fashion_mnist(dir)?
            };
            for (part, set) in [("train", &data.train), ("test", &data.test)] {
                let [n, r, c] = set.images.shape();
                println!("  {part:<5}: images u8 [{n}, {r}, {c}], labels u8 [{}]", set.labels.len());
            }
            println!("  {:<3} {:<12} {:>6} {:>6}", "", "class", "train", "test");
            let (train, test) = (data.train.class_counts(10), data.test.class_counts(10));
            for (c, name) in data.class_names.iter().enumerate() {
                println!("  {c:<3} {name:<12} {:>6} {:>6}", train[c], test[c]);
            }
            let (fit, valid) = data.train.split_off_last(5_000)?;
            println!(
                "  Keras-style validation: last 5000 training images → {} train, {} valid",
                fit.len(),
                valid.len()
            );
        }
    }
    Ok(true)
}

fn print_columns(x: &nalgebra::DMatrix<f64>, names: &[&str]) {
    for (j, name) in names.iter().enumerate() {
        let col = x.column(j);
        println!("  {name:<12} min {:>10.4}  mean {:>10.4}  max {:>10.4}", col.min(), col.mean(), col.max());
    }
}
