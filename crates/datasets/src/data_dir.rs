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

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The environment variable that points at the data directory.
pub const DATA_DIR_ENV: &str = "NEURONS_DATA_DIR";

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

/// `<workspace>/datasets`, found from this crate's manifest directory.
fn workspace_datasets() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .parent()
        .and_then(Path::parent)
        .map(|ws| ws.join("datasets"))
        .unwrap_or_else(|| PathBuf::from("datasets"))
}
