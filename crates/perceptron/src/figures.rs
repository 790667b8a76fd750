//! The figures of this stage: the decision boundary of the iris
//! perceptron, and the best line the learning rule reaches on XOR (Figure
//! 10-6, left). Both shade the two regions of the plane the unit predicts
//! and draw its boundary `w₁x₁ + w₂x₂ + b = 0`.
//!
//! ```no_run
//! let written = perceptron::figures(std::path::Path::new("book/src/figures"))?;
//! assert_eq!(written.len(), 2);
//! # Ok::<(), perceptron::PerceptronError>(())
//! ```

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use mcculloch_pitts::ShapeError;
use nalgebra::DMatrix;
use plotting::{Line, RegionOptions, decision_regions};

use crate::iris::{IrisExample, iris_example};
use crate::xor::{best_line, xor_data};
use crate::{Perceptron, Result, Tlu};

/// The file name of the iris figure.
pub const IRIS_FIGURE: &str = "perceptron_iris.svg";
/// The file name of the XOR figure.
pub const XOR_FIGURE: &str = "perceptron_xor.svg";
/// The seed of the shuffle for the XOR figure's [`best_line`].
pub const XOR_SEED: u64 = 42;
/// The epochs of the XOR figure's [`best_line`].
pub const XOR_EPOCHS: usize = 100;

/// Draws both figures into `out_dir` and returns their paths.
///
/// # Errors
/// If training fails (it does not, on this fixed data) or a figure cannot
/// be written.
pub fn figures(out_dir: &Path) -> Result<Vec<PathBuf>> {
    let iris = out_dir.join(IRIS_FIGURE);
    iris_figure(&iris, &iris_example()?)?;
    let xor = out_dir.join(XOR_FIGURE);
    xor_figure(&xor, &best_line(XOR_SEED, XOR_EPOCHS)?.0)?;
    Ok(vec![iris, xor])
}

/// The iris perceptron's decision boundary, as in the chapter's notebook:
/// the flowers by class, the boundary line, the two regions shaded.
///
/// # Errors
/// If the figure cannot be written.
pub fn iris_figure(path: &Path, example: &IrisExample) -> Result<()> {
    let options = RegionOptions {
        x_label: "Petal length (cm)".into(),
        y_label: "Petal width (cm)".into(),
        x_range: Some((0.0, 5.0)),
        y_range: Some((0.0, 2.0)),
        width: 800,
        height: 360,
        ..RegionOptions::default()
    };
    let names = ["Not Iris setosa".to_string(), "Iris setosa".to_string()];
    regions_figure(path, options, &example.classifier, &example.x, &example.y, &names)
}

/// The four XOR cases and a unit's line (from [`best_line`]): whichever
/// line, one case at least is on the wrong side.
///
/// # Errors
/// If the unit does not have two inputs, or the figure cannot be written.
pub fn xor_figure(path: &Path, unit: &Tlu) -> Result<()> {
    let (x, y) = xor_data();
    let fires = unit.predict(&x)?;
    let right = fires.iter().zip(&y).filter(|&(&h, &y)| (h > 0.0) == y).count();
    let mut options = RegionOptions::xor_square(format!("XOR: the best line gets {right} of 4 right"));
    if let [a, b] = unit.weights[..]
        && (a != 0.0 || b != 0.0)
    {
        options.lines.push(Line { a, b, c: unit.bias, label: "Perceptron's line".into() });
    }
    let points: Vec<(f64, f64, usize)> =
        x.row_iter().zip(&y).map(|(row, &y)| (row[0], row[1], usize::from(y))).collect();
    let predict = |cells: &[(f64, f64)]| {
        let grid = DMatrix::from_fn(cells.len(), 2, |i, j| if j == 0 { cells[i].0 } else { cells[i].1 });
        unit.predict(&grid).map(|h| h.iter().map(|&h| usize::from(h > 0.0)).collect()).unwrap_or_default()
    };
    let names = ["XOR = 0".to_string(), "XOR = 1".to_string()];
    Ok(decision_regions(path, &options, predict, &points, &names)?)
}

/// The regions of a two-feature classifier, its points (`x`, labelled by
/// their position in the classifier's classes), and, for a single unit, its
/// boundary line, with the options given.
///
/// # Errors
/// If `x` does not have two columns, or the figure cannot be written.
pub fn regions_figure<L: Clone + Ord + Debug>(
    path: &Path,
    mut options: RegionOptions,
    classifier: &Perceptron<L>,
    x: &DMatrix<f64>,
    y: &[L],
    class_names: &[String],
) -> Result<()> {
    if x.ncols() != 2 {
        let detail = format!("a figure of the plane needs 2 features, the data has {}", x.ncols());
        return Err(ShapeError { operation: "decision regions", detail }.into());
    }
    let classes = classifier.classes();
    let index = |label: &L| classes.binary_search(label).unwrap_or_default();
    let points: Vec<(f64, f64, usize)> =
        x.row_iter().zip(y).map(|(row, label)| (row[0], row[1], index(label))).collect();
    if let (Some(w), Some(b)) = (classifier.coef(), classifier.intercept())
        && w.shape() == (1, 2)
        && (w[0] != 0.0 || w[1] != 0.0)
    {
        options.lines.push(Line { a: w[0], b: w[1], c: b[0], label: "Decision boundary".into() });
    }
    // A batch prediction over the grid; on error (not fitted, not two
    // features) no class comes back and the plotting call reports it.
    let predict = |cells: &[(f64, f64)]| {
        let grid = DMatrix::from_fn(cells.len(), 2, |i, j| if j == 0 { cells[i].0 } else { cells[i].1 });
        classifier.predict(&grid).map(|labels| labels.iter().map(index).collect()).unwrap_or_default()
    };
    Ok(decision_regions(path, &options, predict, &points, class_names)?)
}
