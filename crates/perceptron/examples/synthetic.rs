//! Times `Perceptron::fit` on synthetic data, for the benchmark against
//! scikit-learn.
//!
//! ```text
//! cargo run --release -p perceptron --example synthetic -- [N] [D] [SEED] [--csv PATH] [--repeat K]
//!     [--max-iter E] [--no-tol]
//! ```
//!
//! N rows (100,000) of D features (20), each drawn from a standard normal
//! distribution; the label is whether `w*·x + b* + ε > 0` for a random unit
//! vector `w*`, a random `b*` and a noise `ε` of standard deviation 0.1, so
//! the classes overlap a little and training ends by the `tol` rule rather
//! than by convergence. `--csv PATH` also writes the data (features `x0`…,
//! then `y`) so that scikit-learn can be timed on the very same rows.
//! `--max-iter E --no-tol` runs exactly E epochs (scikit-learn:
//! `Perceptron(max_iter=E, tol=None)`), to compare the time per epoch.
//! Prints the epochs, the updates, the training accuracy and the fit time
//! (the fastest and the median of K fits, 5 by default).

use std::error::Error;
use std::fmt::Write as _;
use std::time::Instant;

use nalgebra::DMatrix;
use perceptron::{Options, Perceptron};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A standard normal number (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>(); // in (0, 1]
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// N × D features and their labels.
fn synthetic(n: usize, d: usize, seed: u64) -> (DMatrix<f64>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut w: Vec<f64> = (0..d).map(|_| normal(&mut rng)).collect();
    let norm = w.iter().map(|v| v * v).sum::<f64>().sqrt();
    w.iter_mut().for_each(|v| *v /= norm);
    let b = 0.5 * normal(&mut rng);
    let x = DMatrix::from_fn(n, d, |_, _| normal(&mut rng));
    let y = x
        .row_iter()
        .map(|row| row.iter().zip(&w).map(|(x, w)| x * w).sum::<f64>() + b + 0.1 * normal(&mut rng) > 0.0)
        .collect();
    (x, y)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut positional = Vec::new();
    let (mut csv, mut repeat) = (None, 5_usize);
    let mut options = Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--csv" => csv = Some(args.next().ok_or("--csv needs a path")?),
            "--repeat" => repeat = args.next().ok_or("--repeat needs a count")?.parse()?,
            "--max-iter" => options.max_iter = args.next().ok_or("--max-iter needs a count")?.parse()?,
            "--no-tol" => options.tol = None,
            "--no-shuffle" => options.shuffle = false,
            _ => positional.push(arg.parse::<u64>().map_err(|e| format!("{arg}: {e}"))?),
        }
    }
    let n = positional.first().map_or(100_000, |&v| v as usize);
    let d = positional.get(1).map_or(20, |&v| v as usize);
    let seed = positional.get(2).copied().unwrap_or(0);
    let (x, y) = synthetic(n, d, seed);

    if let Some(path) = csv {
        let mut text = String::with_capacity(n * d * 21);
        let header: Vec<String> = (0..d).map(|j| format!("x{j}")).collect();
        writeln!(text, "{},y", header.join(","))?;
        for (row, &label) in x.row_iter().zip(&y) {
            for v in row.iter() {
                write!(text, "{v:?},")?;
            }
            writeln!(text, "{}", u8::from(label))?;
        }
        std::fs::write(&path, text)?;
        println!("wrote {path}");
    }

    let mut times = Vec::new();
    let mut clf = Perceptron::new(options);
    let mut report = None;
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        report = Some(clf.fit(&x, &y)?);
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let report = report.ok_or("no fit")?;
    println!(
        "{n} × {d}, seed {seed}: {} epochs ({:?}), {} updates, training accuracy {:.4}",
        report.n_iter(),
        report.stop,
        report.updates(),
        clf.score(&x, &y)?
    );
    println!("fit: {:.4} s fastest, {:.4} s median of {}", times[0], times[times.len() / 2], times.len());
    Ok(())
}
