//! Training data from a CSV file: one target column, numeric features.
//!
//! The target's distinct values are the classes, whether they are numbers
//! or words. They are sorted (numerically if they are all numbers), so with
//! two classes the perceptron's unit fires for the second: `1` rather than
//! `0`, `yes` rather than `no`. Every error names the file, and the column
//! or the line at fault.
//!
//! ```
//! use perceptron::data::CsvData;
//! let csv = "length,width,kind\n1.4,0.2,setosa\n4.7,1.4,other\n";
//! let data = CsvData::parse("flowers.csv".as_ref(), csv.as_bytes(), "kind", None)?;
//! assert_eq!(data.feature_names, ["length", "width"]);
//! assert_eq!(data.class_names, ["other", "setosa"]);
//! assert_eq!(data.y, [1, 0]);
//! # Ok::<(), perceptron::PerceptronError>(())
//! ```

use std::path::Path;

use datasets::table::Table;
use nalgebra::DMatrix;

use crate::{PerceptronError, Result};

/// A classification data set read from a CSV file.
#[derive(Clone, Debug)]
pub struct CsvData {
    /// The features, one row per data row.
    pub x: DMatrix<f64>,
    /// The class of each row: an index into `class_names`.
    pub y: Vec<usize>,
    /// The names of `x`'s columns.
    pub feature_names: Vec<String>,
    /// The distinct target values, sorted.
    pub class_names: Vec<String>,
}

impl CsvData {
    /// Reads `path`, with `target` as the class column and `features` as
    /// the inputs (all the other columns if `None`).
    ///
    /// # Errors
    /// A missing, empty or malformed file, a missing column, a feature cell
    /// that is not a finite number (naming its line and column), a target
    /// that is also a feature, no feature at all, or a target with fewer
    /// than two distinct values.
    pub fn read(path: &Path, target: &str, features: Option<&[String]>) -> Result<CsvData> {
        CsvData::from_table(&Table::read(path)?, target, features)
    }

    /// As [`CsvData::read`], from CSV bytes that `path` names in errors.
    ///
    /// # Errors
    /// As [`CsvData::read`].
    pub fn parse(path: &Path, bytes: &[u8], target: &str, features: Option<&[String]>) -> Result<CsvData> {
        CsvData::from_table(&Table::parse(path, bytes)?, target, features)
    }

    fn from_table(table: &Table, target: &str, features: Option<&[String]>) -> Result<CsvData> {
        let labels = table.strings(target)?;
        let fail = |message: String| PerceptronError::Target {
            path: table.path().display().to_string(),
            column: target.to_string(),
            message,
        };
        let feature_names: Vec<String> = match features {
            Some(names) => names.to_vec(),
            None => table.columns().iter().filter(|c| *c != target).cloned().collect(),
        };
        if feature_names.iter().any(|f| f == target) {
            return Err(fail("it is also listed as a feature".into()));
        }
        if feature_names.is_empty() {
            return Err(fail("no feature column is left to learn from".into()));
        }
        let names: Vec<&str> = feature_names.iter().map(String::as_str).collect();
        let x = table.matrix(&names)?;

        let mut class_names: Vec<&str> = labels.clone();
        let numbers: Option<Vec<f64>> = class_names.iter().map(|s| s.parse().ok()).collect();
        if numbers.is_some_and(|v| v.iter().all(|n| n.is_finite())) {
            class_names.sort_by(|a, b| a.parse::<f64>().unwrap_or(0.0).total_cmp(&b.parse().unwrap_or(0.0)));
        } else {
            class_names.sort();
        }
        class_names.dedup();
        if let [only] = class_names[..] {
            return Err(fail(format!("every row has the value `{only}`: need two classes at least")));
        }
        let y = labels.iter().map(|l| class_names.iter().position(|c| c == l).unwrap_or_default()).collect();
        let class_names = class_names.into_iter().map(str::to_string).collect();
        Ok(CsvData { x, y, feature_names, class_names })
    }
}

/// `n` rows of `d` standard-normal features, labelled by whether
/// `w*·x + b* + ε > 0` for a random unit vector `w*`, a random bias `b*` and
/// a noise `ε` of standard deviation 0.1: nearly, but not quite, linearly
/// separable. The same seed gives the same rows on every machine (ChaCha8).
/// Used by the benchmarks.
pub fn synthetic(n: usize, d: usize, seed: u64) -> (DMatrix<f64>, Vec<bool>) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    // A standard normal number (Box–Muller).
    let mut normal = move || {
        let u: f64 = 1.0 - rng.random::<f64>(); // in (0, 1]
        let v: f64 = rng.random();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    };
    let mut w: Vec<f64> = (0..d).map(|_| normal()).collect();
    let norm = w.iter().map(|v| v * v).sum::<f64>().sqrt().max(f64::MIN_POSITIVE);
    w.iter_mut().for_each(|v| *v /= norm);
    let b = 0.5 * normal();
    let x = DMatrix::from_fn(n, d, |_, _| normal());
    let y = x
        .row_iter()
        .map(|row| row.iter().zip(&w).map(|(x, w)| x * w).sum::<f64>() + b + 0.1 * normal() > 0.0)
        .collect();
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(csv: &str, target: &str) -> Result<CsvData> {
        CsvData::parse(Path::new("t.csv"), csv.as_bytes(), target, None)
    }

    #[test]
    fn numeric_classes_sort_as_numbers() {
        let data = parse("a,c\n1,10\n2,9\n3,-1\n4,9\n", "c").unwrap();
        assert_eq!(data.class_names, ["-1", "9", "10"]);
        assert_eq!(data.y, [2, 1, 0, 1]);
    }

    #[test]
    fn bad_targets_are_named() {
        let err = parse("a,c\n1,x\n2,x\n", "c").unwrap_err().to_string();
        assert!(err.contains("`c`") && err.contains("`x`"), "{err}");
        let err = parse("a,c\n1,x\n2,y\n", "d").unwrap_err().to_string();
        assert!(err.contains("`d`") && err.contains("a, c"), "{err}");
        let err = CsvData::parse(Path::new("t.csv"), b"a,c\n1,x\n", "c", Some(&["c".into()])).unwrap_err();
        assert!(err.to_string().contains("also listed"), "{err}");
        let err = parse("c\nx\ny\n", "c").unwrap_err().to_string();
        assert!(err.contains("no feature"), "{err}");
    }
}
