//! The chapter's datasets, loaded the way the chapter loads them.
//!
//! - [`iris`]: embedded, 150 × 4, three species;
//! - [`california`]: California housing, converted as scikit-learn's
//!   `fetch_california_housing` does;
//! - [`images`]: Fashion-MNIST and MNIST from IDX files, gzip or not;
//! - [`split`]: Keras-style hold-out and scikit-learn's `train_test_split`
//!   (same rows for the same seed);
//! - [`table`]: CSV files with named columns, for users' own data;
//! - [`verify`] and `fetch`: checksums and a safe downloader (`fetch` with
//!   the `fetch` feature, on by default; the libraries of the stages leave
//!   it off, so that they do not carry an HTTPS client).
//!
//! Files are looked up in a [`DataDir`]: `NEURONS_DATA_DIR`, else the
//! workspace's `datasets/` folder. Every failure is an [`Error`] that names
//! the file, and for CSV the line. Tests and benches that need a dataset
//! get their directory from [`DataDir::for_test`]: it skips them, saying
//! why, when the data is absent, and fails them under CI.
//!
//! ```no_run
//! use datasets::{DataDir, california, split};
//! let housing = california::load_california_housing(&DataDir::from_env())?;
//! let s = split::train_test_split(housing.x.nrows(), 0.25, 42)?;
//! let x_train = housing.x.select_rows(&s.train);
//! assert_eq!(x_train.shape(), (15_480, 8));
//! # Ok::<(), datasets::Error>(())
//! ```

pub mod california;
pub mod catalog;
mod data_dir;
mod error;
#[cfg(feature = "fetch")]
pub mod fetch;
pub mod idx;
pub mod images;
pub mod iris;
pub mod numpy_random;
pub mod read;
pub mod split;
pub mod table;
pub mod verify;

pub use catalog::Dataset;
pub use data_dir::{CI_ENV, DATA_DIR_ENV, DataDir, Origin, TestData, is_ci};
pub use error::{Error, Result};
