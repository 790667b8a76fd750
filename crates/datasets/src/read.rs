//! Reading a file whole, gunzipping it when it starts with the gzip magic
//! bytes (so `x.gz` and an uncompressed `x` read the same), and hashing
//! content the same way.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Opens `path` and returns a reader of its content: decompressed when the
/// file is gzip, as is otherwise.
fn content_reader(path: &Path) -> Result<(Box<dyn Read>, bool)> {
    let mut file = BufReader::new(File::open(path).map_err(|e| Error::io(path, e))?);
    let mut magic = [0u8; 2];
    let n = read_up_to(&mut file, &mut magic).map_err(|e| Error::io(path, e))?;
    let head = std::io::Cursor::new(magic[..n].to_vec());
    let stream = head.chain(file);
    if n == 2 && magic == GZIP_MAGIC {
        Ok((Box::new(MultiGzDecoder::new(stream)), true))
    } else {
        Ok((Box::new(stream), false))
    }
}

/// Reads as many bytes as are available, up to `buf.len()`.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// The whole content of `path`, gunzipped if it is gzip.
pub fn read_content(path: &Path) -> Result<Vec<u8>> {
    let (mut reader, gzip) = content_reader(path)?;
    let mut out = Vec::new();
    reader.read_to_end(&mut out).map_err(|e| wrap(path, gzip, e))?;
    Ok(out)
}

/// The lowercase hex SHA-256 of the content of `path` (gunzipped if gzip),
/// computed while streaming.
pub fn content_sha256(path: &Path) -> Result<String> {
    let (mut reader, gzip) = content_reader(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut reader, &mut hasher).map_err(|e| wrap(path, gzip, e))?;
    Ok(hex::encode(hasher.finalize()))
}

/// The lowercase hex SHA-256 of bytes in memory.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn wrap(path: &Path, gzip: bool, source: std::io::Error) -> Error {
    if gzip { Error::Gzip { path: path.to_path_buf(), source } } else { Error::io(path, source) }
}
