//! California housing (Pace and Barry, 1997): 20,640 block groups of the
//! 1990 census, converted from StatLib's `cal_housing.data` exactly as
//! scikit-learn's `fetch_california_housing` does:
//!
//! | feature | from the raw columns |
//! |---|---|
//! | `MedInc` | median income (tens of thousands of dollars) |
//! | `HouseAge` | median house age |
//! | `AveRooms` | total rooms / households |
//! | `AveBedrms` | total bedrooms / households |
//! | `Population` | population |
//! | `AveOccup` | population / households |
//! | `Latitude`, `Longitude` | as is |
//!
//! and the target is the median house value in units of $100,000.
//!
//! ```
//! let raw = "-122.23,37.88,41,880,129,322,126,8.3252,452600\n";
//! let data = datasets::california::parse("one.data".as_ref(), raw.as_bytes())?;
//! assert_eq!(data.x[(0, 2)], 880.0 / 126.0); // AveRooms
//! assert_eq!(data.y[0], 4.526);
//! # Ok::<(), datasets::Error>(())
//! ```

use std::path::Path;

use nalgebra::{DMatrix, DVector};

use crate::data_dir::DataDir;
use crate::error::{Error, Result};
use crate::read::read_content;
use crate::table::LineCounter;

/// The file inside the data directory.
pub const RELATIVE_PATH: &str = "california-housing/cal_housing.data";

/// The eight features, in scikit-learn's order.
pub const FEATURE_NAMES: [&str; 8] =
    ["MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude", "Longitude"];

/// The raw file's nine columns, in file order.
pub const RAW_COLUMNS: [&str; 9] = [
    "longitude",
    "latitude",
    "housingMedianAge",
    "totalRooms",
    "totalBedrooms",
    "population",
    "households",
    "medianIncome",
    "medianHouseValue",
];

/// The dataset: features and target.
#[derive(Clone, Debug)]
pub struct CaliforniaHousing {
    /// One row per block group, columns as [`FEATURE_NAMES`].
    pub x: DMatrix<f64>,
    /// Median house value / 100,000.
    pub y: DVector<f64>,
    /// Names of `x`'s columns.
    pub feature_names: [&'static str; 8],
}

/// Loads `california-housing/cal_housing.data` from the data directory.
pub fn load_california_housing(dir: &DataDir) -> Result<CaliforniaHousing> {
    let path = dir.find(RELATIVE_PATH, "california-housing")?;
    parse(&path, &read_content(&path)?)
}

/// Converts the raw comma-separated rows (no header; a header line, as some
/// copies have, is skipped) into scikit-learn's features and target.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<CaliforniaHousing> {
    let bad = |line: u64, message: String| Error::Csv { path: path.to_path_buf(), line, message };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(bytes);
    let mut rows: Vec<[f64; 8]> = Vec::new();
    let mut target = Vec::new();
    let mut counter = LineCounter::new(bytes);
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(counter.line(e.position()), e.to_string()))?;
        let line = counter.line(record.position());
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        if index == 0 && record.iter().all(|f| f.parse::<f64>().is_err()) {
            continue; // a header line
        }
        if record.len() != RAW_COLUMNS.len() {
            return Err(bad(
                line,
                format!("{} fields, expected {} numbers", record.len(), RAW_COLUMNS.len()),
            ));
        }
        let mut raw = [0.0; 9];
        for (j, field) in record.iter().enumerate() {
            raw[j] = match field.parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                _ => return Err(bad(line, format!("{} = `{field}` is not a finite number", RAW_COLUMNS[j]))),
            };
        }
        let [longitude, latitude, age, rooms, bedrooms, population, households, income, value] = raw;
        if households <= 0.0 {
            return Err(bad(
                line,
                format!("households = {households}: must be positive to compute averages"),
            ));
        }
        rows.push([
            income,
            age,
            rooms / households,
            bedrooms / households,
            population,
            population / households,
            latitude,
            longitude,
        ]);
        target.push(value / 100_000.0);
    }
    if rows.is_empty() {
        return Err(bad(1, "no data rows".into()));
    }
    Ok(CaliforniaHousing {
        x: DMatrix::from_fn(rows.len(), 8, |i, j| rows[i][j]),
        y: DVector::from_vec(target),
        feature_names: FEATURE_NAMES,
    })
}
