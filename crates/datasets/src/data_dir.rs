//! Where the data lives: `NEURONS_DATA_DIR` if it is set, else the
//! workspace's `datasets/` folder. Both hold the same layout as the
//! project's shared copy:
//!
//! ```text
//! fashion-mnist/train-images-idx3-ubyte.gz   (or without .gz)
//! mnist/…
//! california-housing/cal_housing.data
//! iris.csv                                   (optional: iris is embedded)
//! ```

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::catalog::{Dataset, Packaging};
use crate::error::{Error, Result};

/// The environment variable that points at the data directory.
pub const DATA_DIR_ENV: &str = "NEURONS_DATA_DIR";

/// The environment variable that says a run is continuous integration
/// (`.ci/run` sets it, as CI services do): there, a test that lacks its
/// data fails instead of skipping.
pub const CI_ENV: &str = "CI";

/// How a [`DataDir`] was chosen; error messages say it, so that a learner
/// who set the variable (or forgot to) sees which folder was searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// From the `NEURONS_DATA_DIR` environment variable.
    Env,
    /// The workspace's `datasets/` folder, the default.
    Workspace,
    /// Given explicitly (a command-line flag or a test).
    Explicit,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::Env => "data directory from NEURONS_DATA_DIR",
            Origin::Workspace => "default data directory; NEURONS_DATA_DIR is not set",
            Origin::Explicit => "data directory given explicitly",
        })
    }
}

/// A folder that holds (some of) the datasets.
#[derive(Clone, Debug)]
pub struct DataDir {
    root: PathBuf,
    origin: Origin,
}

impl DataDir {
    /// `NEURONS_DATA_DIR` if set and not empty, else the workspace's `datasets/`.
    pub fn from_env() -> Self {
        match std::env::var_os(DATA_DIR_ENV) {
            Some(dir) if !dir.is_empty() => DataDir { root: PathBuf::from(dir), origin: Origin::Env },
            _ => DataDir { root: workspace_datasets(), origin: Origin::Workspace },
        }
    }

    /// A data directory at an explicit path.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into(), origin: Origin::Explicit }
    }

    /// The folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How the folder was chosen.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The path of `relative` if it exists, plain or gzip-compressed
    /// (`relative` + `.gz`); otherwise an [`Error::Missing`] that says how to
    /// fetch it.
    pub fn find(&self, relative: &str, dataset: &str) -> Result<PathBuf> {
        let plain = self.root.join(relative);
        let gz = self.root.join(format!("{relative}.gz"));
        [&gz, &plain].into_iter().find(|p| p.is_file()).cloned().ok_or_else(|| Error::Missing {
            path: plain.clone(),
            relative: relative.to_string(),
            dataset: dataset.to_string(),
            origin: format!("{} = {}", self.origin, self.root.display()),
        })
    }
}

/// What a test or bench that needs a dataset does, given the data directory
/// and whether it runs under CI ([`DataDir::test_data`]).
#[derive(Clone, Debug)]
pub enum TestData {
    /// Every file of the dataset is there: run.
    Present(DataDir),
    /// A file is missing, outside CI: skip, saying why.
    Skip(String),
    /// A file is missing under CI, which provides the data: fail, saying why.
    Fail(String),
}

impl DataDir {
    /// The data directory ([`DataDir::from_env`]) for a test or bench that
    /// needs `dataset`, if it holds every file of it. If it does not: under
    /// CI (`CI` set, see [`is_ci`]) this panics with a message that names
    /// the missing file and how to fetch it; otherwise it prints
    /// `skipped: …` to stderr and returns `None`, and the caller returns.
    ///
    /// ```no_run
    /// use datasets::{DataDir, Dataset, california};
    /// let Some(dir) = DataDir::for_test(Dataset::CaliforniaHousing) else { return };
    /// let housing = california::load_california_housing(&dir).unwrap();
    /// assert_eq!(housing.x.nrows(), 20_640);
    /// ```
    ///
    /// # Panics
    /// Under CI, when the dataset is missing.
    #[track_caller]
    pub fn for_test(dataset: Dataset) -> Option<DataDir> {
        let ci = is_ci(std::env::var_os(CI_ENV).as_deref());
        match DataDir::from_env().test_data(dataset, ci) {
            TestData::Present(dir) => Some(dir),
            TestData::Skip(why) => {
                eprintln!("skipped: {why}");
                None
            }
            TestData::Fail(why) => panic!("{why}"),
        }
    }

    /// The decision of [`DataDir::for_test`], without the environment:
    /// [`TestData::Present`] if this directory holds every file of `dataset`
    /// (embedded files, iris's, count as present), else
    /// [`TestData::Fail`] under CI and [`TestData::Skip`] outside it, with
    /// the first missing file's [`Error::Missing`] message.
    pub fn test_data(self, dataset: Dataset, ci: bool) -> TestData {
        let missing = dataset
            .files()
            .iter()
            .filter(|file| !matches!(file.packaging, Packaging::Embedded(_)))
            .find_map(|file| self.find(file.relative, dataset.name()).err());
        match missing {
            None => TestData::Present(self),
            Some(e) if ci => {
                TestData::Fail(format!("CI is set, so the {dataset} data must be in the data directory: {e}"))
            }
            Some(e) => TestData::Skip(format!("no {dataset} data (set CI to make this a failure): {e}")),
        }
    }
}

/// Whether a value of the `CI` variable means "under CI": set, not empty,
/// and neither `false` nor `0` (any case).
pub fn is_ci(value: Option<&OsStr>) -> bool {
    value.map(OsStr::to_string_lossy).is_some_and(|v| {
        let v = v.trim();
        !v.is_empty() && !v.eq_ignore_ascii_case("false") && v != "0"
    })
}

/// `<workspace>/datasets`, found from this crate's manifest directory.
fn workspace_datasets() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .parent()
        .and_then(Path::parent)
        .map(|ws| ws.join("datasets"))
        .unwrap_or_else(|| PathBuf::from("datasets"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory that holds the California housing file (as gzip: `find`
    /// accepts both) and nothing else.
    fn with_california() -> (tempfile::TempDir, DataDir) {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("california-housing/cal_housing.data.gz");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"").unwrap();
        let dir = DataDir::at(temp.path());
        (temp, dir)
    }

    #[test]
    fn present_data_runs_with_or_without_ci() {
        let (temp, dir) = with_california();
        for ci in [false, true] {
            match dir.clone().test_data(Dataset::CaliforniaHousing, ci) {
                TestData::Present(found) => assert_eq!(found.root(), temp.path()),
                other => panic!("{other:?}"),
            }
        }
        // Iris is embedded: never missing.
        assert!(matches!(dir.test_data(Dataset::Iris, true), TestData::Present(_)));
    }

    #[test]
    fn missing_data_skips_outside_ci_and_fails_under_it() {
        let (_temp, dir) = with_california();
        match dir.clone().test_data(Dataset::FashionMnist, false) {
            TestData::Skip(why) => {
                assert!(why.starts_with("no fashion-mnist data"), "{why}");
                assert!(why.contains("train-images-idx3-ubyte"), "{why}");
                assert!(why.contains("cargo run -p datasets -- fetch fashion-mnist"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        match dir.test_data(Dataset::Mnist, true) {
            TestData::Fail(why) => {
                assert!(why.starts_with("CI is set, so the mnist data must be"), "{why}");
                assert!(why.contains("fetch mnist"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ci_is_any_value_but_empty_false_or_zero() {
        for (value, ci) in [
            (None, false),
            (Some(""), false),
            (Some("false"), false),
            (Some("FALSE"), false),
            (Some("0"), false),
        ] {
            assert_eq!(is_ci(value.map(OsStr::new)), ci, "{value:?}");
        }
        for value in ["true", "1", "yes", "github"] {
            assert!(is_ci(Some(OsStr::new(value))), "{value}");
        }
    }
}
