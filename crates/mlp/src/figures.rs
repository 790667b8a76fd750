//! The figures of stage 3, drawn from this crate's own functions (run by
//! `cargo figures`).

use std::path::{Path, PathBuf};

use plotting::{ChartOptions, Legend, Panel, PlotError, Series, line_panels};

use crate::activation::Activation;

/// The activations of Figure 10-8 with their legend names.
const FIGURE_10_8: [(Activation, &str); 4] = [
    (Activation::Heaviside, "Heaviside"),
    (Activation::Sigmoid, "Sigmoid"),
    (Activation::Tanh, "Tanh"),
    (Activation::Relu, "ReLU"),
];

/// `f(z)` for `z` from −5 to 5 in steps of 1/40. The grid contains 0
/// exactly, so the jumps of the step and of ReLU′ happen within one step of
/// 0.025 and are drawn as near-vertical lines.
fn sampled(f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    (-200..=200)
        .map(|i| {
            let z = f64::from(i) / 40.0;
            (z, f(z))
        })
        .collect()
}

/// The chapter's Figure 10-8, as `activation_functions.svg` in `out_dir`:
/// on the left the step (Heaviside), sigmoid, tanh and ReLU for z from −5
/// to 5, on the right their derivatives, all computed by
/// [`Activation::value`] and [`Activation::derivative`] (the step's
/// derivative is 0 wherever it exists, and ReLU's is itself a step).
/// Returns the path written.
pub fn activation_functions(out_dir: &Path) -> Result<Vec<PathBuf>, PlotError> {
    let curves = |f: fn(Activation, f64) -> f64| -> Vec<Series> {
        FIGURE_10_8.iter().map(|&(a, name)| (name.to_string(), sampled(|z| f(a, z)))).collect()
    };
    let panel = |title: &str, y_range, series| Panel {
        options: ChartOptions {
            title: title.into(),
            x_label: "z".into(),
            x_range: Some((-5.0, 5.0)),
            y_range: Some(y_range),
            legend: Legend::UpperLeft,
            ..ChartOptions::default()
        },
        series,
    };
    let panels = [
        panel("Activation functions", (-1.2, 2.2), curves(|a, z| a.value(z))),
        panel("Derivatives", (-0.2, 1.2), curves(|a, z| a.derivative(z))),
    ];
    let path = out_dir.join("activation_functions.svg");
    line_panels(&path, 2, 1100, 460, &panels)?;
    Ok(vec![path])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_10_8_is_written_and_reproducible() {
        let dir = std::env::temp_dir().join(format!("mlp-figures-{}", std::process::id()));
        let first = activation_functions(&dir).expect("figure");
        let bytes = std::fs::read(&first[0]).expect("read");
        let text = String::from_utf8(bytes.clone()).expect("utf-8");
        for name in ["Heaviside", "Sigmoid", "Tanh", "ReLU", "Derivatives"] {
            assert!(text.contains(name), "no {name}");
        }
        activation_functions(&dir).expect("again");
        assert_eq!(std::fs::read(&first[0]).expect("read"), bytes);
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn the_grid_holds_zero_and_both_ends() {
        let points = sampled(|z| z);
        assert_eq!((points[0].0, points[200].0, points[400].0), (-5.0, 0.0, 5.0));
    }
}
