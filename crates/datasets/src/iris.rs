//! Fisher's iris: 150 flowers, 4 measurements in centimetres, 3 species
//! (50 each). Embedded in the crate, so it needs no download.
//!
//! ```
//! let iris = datasets::iris::load_iris()?;
//! assert_eq!(iris.x.shape(), (150, 4));
//! assert_eq!(iris.target_names[iris.y[0]], "setosa");
//! # Ok::<(), datasets::Error>(())
//! ```

use std::path::Path;

use nalgebra::DMatrix;

use crate::error::{Error, Result};
use crate::table::Table;

/// The 150 rows as shipped with scikit-learn (`sklearn/datasets/data/iris.csv`).
pub const IRIS_CSV: &str = include_str!("../data/iris.csv");

/// Column names of the measurements, as in the CSV header.
pub const FEATURE_NAMES: [&str; 4] = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

/// The species, indexed by class.
pub const TARGET_NAMES: [&str; 3] = ["setosa", "versicolor", "virginica"];

/// The iris dataset.
#[derive(Clone, Debug)]
pub struct Iris {
    /// One row per flower, one column per feature of [`FEATURE_NAMES`].
    pub x: DMatrix<f64>,
    /// Species index into [`TARGET_NAMES`].
    pub y: Vec<usize>,
    /// Names of `x`'s columns.
    pub feature_names: [&'static str; 4],
    /// Names of the classes.
    pub target_names: [&'static str; 3],
}

/// The embedded iris dataset.
pub fn load_iris() -> Result<Iris> {
    from_table(&Table::parse(Path::new("<embedded iris.csv>"), IRIS_CSV.as_bytes())?)
}

/// Iris from a CSV file with the same columns (`sepal_length`, …, `species`).
pub fn read_iris(path: &Path) -> Result<Iris> {
    from_table(&Table::read(path)?)
}

fn from_table(table: &Table) -> Result<Iris> {
    let x = table.matrix(&FEATURE_NAMES)?;
    let y = table
        .strings("species")?
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let name = s.strip_prefix("Iris-").unwrap_or(s);
            TARGET_NAMES.iter().position(|&t| t == name).ok_or_else(|| Error::Csv {
                path: table.path().to_path_buf(),
                line: table.line(i),
                message: format!("unknown species `{s}` (expected one of {})", TARGET_NAMES.join(", ")),
            })
        })
        .collect::<Result<_>>()?;
    Ok(Iris { x, y, feature_names: FEATURE_NAMES, target_names: TARGET_NAMES })
}
