//! A trained perceptron in words: its options, weights, bias and the course
//! of training, as `cargo run -p perceptron` prints them.

use std::fmt::Debug;
use std::fmt::Write;

use crate::{FitReport, Perceptron, Stop};

/// The options, one `w = […], b = …` line per unit (named by `unit` when
/// there are several), the epochs and why training stopped, the updates and
/// the training accuracy.
pub fn describe<L: Clone + Ord + Debug>(
    clf: &Perceptron<L>,
    report: &FitReport,
    accuracy: f64,
    unit: impl Fn(usize) -> String,
) -> String {
    // Writing to a String cannot fail, hence the ignored results.
    let mut text = String::new();
    let o = clf.options();
    let tol = o.tol.map_or("None".into(), |t| t.to_string());
    let _ = writeln!(
        text,
        "Perceptron(eta0={}, max_iter={}, tol={tol}, random_state={})",
        o.eta0, o.max_iter, o.random_state
    );
    if let (Some(w), Some(b)) = (clf.coef(), clf.intercept()) {
        for (j, row) in w.row_iter().enumerate() {
            let weights: Vec<String> = row.iter().map(|&v| short(v)).collect();
            let name = if w.nrows() > 1 { format!("{}: ", unit(j)) } else { String::new() };
            let _ = writeln!(text, "{name}w = [{}], b = {}", weights.join(", "), short(b[j]));
        }
    }
    let why = match report.stop {
        Stop::Converged => "converged: the last epoch made no update",
        Stop::NoImprovement => "stopped: the loss no longer improved by tol",
        Stop::MaxIter => "stopped at max_iter without converging",
    };
    let _ = writeln!(text, "epochs: {} ({why})", report.n_iter());
    let _ = writeln!(text, "updates: {}", report.updates());
    let _ = writeln!(text, "training accuracy: {accuracy:.4}");
    text
}

/// A number with at most four decimals, without trailing zeros.
fn short(v: f64) -> String {
    let text = format!("{v:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".into() } else { text.into() }
}
