//! Downloading a dataset into the data directory, safely: each file goes to
//! a temporary file inside the data directory, its content's SHA-256 is
//! checked, and only then is it renamed into place. A failed or corrupted
//! download leaves nothing behind.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use tempfile::NamedTempFile;

use crate::catalog::{Dataset, FileSpec, Packaging};
use crate::data_dir::DataDir;
use crate::error::{Error, Result};
use crate::read::{content_sha256, sha256_hex};
use crate::verify::check_file;

/// What [`fetch_file`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The file was there already, with the right content.
    AlreadyPresent,
    /// Downloaded from this URL and verified.
    Downloaded(String),
    /// Written from the copy embedded in this crate.
    WrittenFromEmbedded,
}

/// Fetches every file of `dataset` into `dir`, skipping files that are
/// present and verify. Returns each file's final path and what was done.
pub fn fetch(dataset: Dataset, dir: &DataDir, progress: bool) -> Result<Vec<(PathBuf, Action)>> {
    dataset.files().iter().map(|spec| fetch_file(spec, dir.root(), progress)).collect()
}

/// Fetches one file into the data directory `root`, trying its URLs in
/// order until one gives content with the expected digest.
pub fn fetch_file(spec: &FileSpec<'_>, root: &Path, progress: bool) -> Result<(PathBuf, Action)> {
    let target = root.join(spec.stored_name());
    let plain = root.join(spec.relative);
    for present in [&target, &plain] {
        if present.is_file() && check_file(present, spec).is_ok() {
            return Ok((present.clone(), Action::AlreadyPresent));
        }
    }
    std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
    if let Packaging::Embedded(bytes) = spec.packaging {
        let actual = sha256_hex(bytes);
        if actual != spec.sha256 {
            return Err(Error::Checksum {
                path: "<embedded copy>".into(),
                expected: spec.sha256.into(),
                actual,
            });
        }
        let mut temp = temp_in(root)?;
        temp.write_all(bytes).map_err(|e| Error::io(temp.path(), e))?;
        install(temp, &target)?;
        return Ok((target, Action::WrittenFromEmbedded));
    }
    let mut failures = Vec::new();
    for url in spec.urls {
        match download_verified(url, spec, root, progress) {
            Ok(temp) => {
                install(temp, &target)?;
                return Ok((target, Action::Downloaded(url.to_string())));
            }
            Err(e) => failures.push(e),
        }
    }
    match failures.len() {
        0 => Err(Error::Download { url: spec.relative.into(), message: "no source URL is known".into() }),
        1 => Err(failures.remove(0)),
        _ => Err(Error::Download {
            url: format!("every source of {}", spec.relative),
            message: failures.iter().map(|e| format!("\n  - {e}")).collect(),
        }),
    }
}

/// Downloads `url` into a temporary file in `root` and checks the content;
/// for an archive, extracts the member into a second temporary file.
fn download_verified(url: &str, spec: &FileSpec<'_>, root: &Path, progress: bool) -> Result<NamedTempFile> {
    let download = download(url, root, progress)?;
    let verified = match spec.packaging {
        Packaging::TarGzMember(member) => {
            let bytes = extract_member(download.path(), member, url)?;
            let text = normalize_line_endings(&bytes);
            let mut temp = temp_in(root)?;
            temp.write_all(&text).map_err(|e| Error::io(temp.path(), e))?;
            temp
        }
        _ => download,
    };
    let actual = content_sha256(verified.path()).map_err(|e| match e {
        Error::Gzip { source, .. } => Error::Gzip { path: url.into(), source },
        other => other,
    })?;
    if actual != spec.sha256 {
        return Err(Error::Checksum { path: url.into(), expected: spec.sha256.into(), actual });
    }
    Ok(verified)
}

fn download(url: &str, root: &Path, progress: bool) -> Result<NamedTempFile> {
    let failed = |message: String| Error::Download { url: url.to_string(), message };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_per_read(Some(Duration::from_secs(60)))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| failed(e.to_string()))?;
    let length = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let bar = if progress { ProgressBar::new(length.unwrap_or(0)) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(url.rsplit('/').next().unwrap_or(url).to_string());
    let mut temp = temp_in(root)?;
    let mut reader = response.body_mut().as_reader();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).map_err(|e| failed(format!("{e} after {} bytes", bar.position())))?;
        if n == 0 {
            break;
        }
        temp.write_all(&buf[..n]).map_err(|e| Error::io(temp.path(), e))?;
        bar.inc(n as u64);
    }
    bar.finish_and_clear();
    if let Some(expected) = length.filter(|&l| l != bar.position()) {
        return Err(failed(format!("received {} of {expected} bytes", bar.position())));
    }
    Ok(temp)
}

fn extract_member(archive: &Path, member: &str, url: &str) -> Result<Vec<u8>> {
    let file = std::fs::File::open(archive).map_err(|e| Error::io(archive, e))?;
    let gzip = |source: std::io::Error| Error::Gzip { path: url.into(), source };
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in tar.entries().map_err(gzip)? {
        let mut entry = entry.map_err(gzip)?;
        if entry.path().map_err(gzip)?.as_ref() == Path::new(member) {
            let mut out = Vec::new();
            entry.read_to_end(&mut out).map_err(gzip)?;
            return Ok(out);
        }
    }
    Err(Error::Download { url: url.to_string(), message: format!("the archive has no member `{member}`") })
}

/// CRLF → LF, and a final newline, so that copies with Windows line endings
/// hash the same.
fn normalize_line_endings(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 1);
    for (i, &b) in bytes.iter().enumerate() {
        if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
            out.push(b);
        }
    }
    if out.last().is_some_and(|&b| b != b'\n') {
        out.push(b'\n');
    }
    out
}

fn temp_in(root: &Path) -> Result<NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".fetch-")
        .suffix(".partial")
        .tempfile_in(root)
        .map_err(|e| Error::io(root, e))
}

/// Moves a verified temporary file to `target`, creating its folder.
fn install(temp: NamedTempFile, target: &Path) -> Result<()> {
    temp.as_file().sync_all().map_err(|e| Error::io(temp.path(), e))?;
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    temp.persist(target).map_err(|e| Error::io(target, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::normalize_line_endings;

    #[test]
    fn line_endings_are_normalized() {
        assert_eq!(normalize_line_endings(b"a,b\r\nc,d"), b"a,b\nc,d\n");
        assert_eq!(normalize_line_endings(b"a\n"), b"a\n");
        assert_eq!(normalize_line_endings(b"a\rb\n"), b"a\rb\n");
    }
}
