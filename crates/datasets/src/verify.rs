//! Checking the files present in a data directory against the published
//! SHA-256 of their content.

use std::path::PathBuf;

use crate::catalog::{Dataset, FileSpec};
use crate::data_dir::DataDir;
use crate::error::{Error, Result};
use crate::read::content_sha256;

/// What [`verify`] found for one file.
#[derive(Debug)]
pub enum Status {
    /// Present, and its content has the expected digest.
    Verified,
    /// Present, with another digest.
    Mismatch(Error),
    /// Present but unreadable (truncated gzip, permissions, …).
    Unreadable(Error),
    /// Not in the data directory.
    Missing,
}

/// One file's verdict.
#[derive(Debug)]
pub struct Check {
    /// The dataset the file belongs to.
    pub dataset: Dataset,
    /// The file's description.
    pub spec: FileSpec<'static>,
    /// Where it was found, if anywhere.
    pub path: Option<PathBuf>,
    /// The verdict.
    pub status: Status,
}

/// Checks every known file of every dataset that is present in `dir`.
pub fn verify(dir: &DataDir) -> Vec<Check> {
    let mut checks = Vec::new();
    for dataset in Dataset::ALL {
        for spec in dataset.files() {
            let path = dir.find(spec.relative, dataset.name()).ok();
            let status = match &path {
                None => Status::Missing,
                Some(p) => match check_file(p, spec) {
                    Ok(()) => Status::Verified,
                    Err(e @ Error::Checksum { .. }) => Status::Mismatch(e),
                    Err(e) => Status::Unreadable(e),
                },
            };
            checks.push(Check { dataset, spec: *spec, path, status });
        }
    }
    checks
}

/// `Ok` if the content of `path` (gunzipped if gzip) has `spec`'s digest.
pub fn check_file(path: &std::path::Path, spec: &FileSpec<'_>) -> Result<()> {
    let actual = content_sha256(path)?;
    if actual == spec.sha256 {
        Ok(())
    } else {
        Err(Error::Checksum { path: path.to_path_buf(), expected: spec.sha256.to_string(), actual })
    }
}
