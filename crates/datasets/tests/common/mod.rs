//! Helpers shared by the integration tests: small files written on the fly.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use datasets::DataDir;

/// gzip-compresses bytes.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// Writes `bytes` to `dir/relative`, creating folders.
pub fn write(dir: &Path, relative: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Every entry under `dir`, recursively, as relative paths.
pub fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            if p.is_dir() {
                out.extend(tree(&p).into_iter().map(|r| format!("{rel}/{r}")));
            }
            out.push(rel);
        }
    }
    out.sort();
    out
}

/// The real data directory, when it holds the files a test needs.
/// Under CI (`CI` set) missing data is a failure, not a skip: `.ci/run`
/// points `NEURONS_DATA_DIR` at the shared copy.
pub fn real_data(relative: &str) -> Option<DataDir> {
    let dir = DataDir::from_env();
    if dir.find(relative, "test").is_ok() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must provide {relative} in the data directory {} (set NEURONS_DATA_DIR)",
        dir.root().display()
    );
    eprintln!("skipped: {relative} is not in {}", dir.root().display());
    None
}
