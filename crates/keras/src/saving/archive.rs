//! The `.keras` zip archive: `metadata.json`, `config.json` and
//! `model.weights.h5`, stored uncompressed in that order, as Keras 3
//! writes them.

use std::io::{Cursor, Read, Write};

use serde_json::Value;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::error::{KerasError, Result};

/// The largest entry read (a model of 16 GiB is out of this crate's reach).
const MAX_ENTRY: u64 = 1 << 34;

fn error(detail: impl Into<String>) -> KerasError {
    KerasError::Argument(detail.into())
}

/// The archive's bytes.
pub(crate) fn write(metadata: &Value, config: &Value, weights: &[u8]) -> Result<Vec<u8>> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(weights.len() as u64 >= u32::MAX as u64);
    let entries: [(&str, Vec<u8>); 3] = [
        ("metadata.json", serde_json::to_vec(metadata).map_err(|e| error(e.to_string()))?),
        ("config.json", serde_json::to_vec(config).map_err(|e| error(e.to_string()))?),
        ("model.weights.h5", weights.to_vec()),
    ];
    for (name, bytes) in entries {
        zip.start_file(name, options).map_err(|e| error(format!("zip: {e}")))?;
        zip.write_all(&bytes).map_err(|e| error(format!("zip: {e}")))?;
    }
    Ok(zip.finish().map_err(|e| error(format!("zip: {e}")))?.into_inner())
}

/// What a `.keras` archive holds.
pub(crate) struct Archive {
    pub config: Value,
    pub metadata: Value,
    pub weights: Vec<u8>,
}

fn entry(zip: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<Vec<u8>>> {
    let mut file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(error(format!("entry {name} cannot be read: {e}"))),
    };
    let mut bytes = Vec::with_capacity(file.size().min(1 << 30) as usize);
    (&mut file)
        .take(MAX_ENTRY)
        .read_to_end(&mut bytes)
        .map_err(|e| error(format!("entry {name} cannot be read: {e}")))?;
    Ok(Some(bytes))
}

fn json_entry(name: &str, bytes: &[u8]) -> Result<Value> {
    serde_json::from_slice(bytes).map_err(|e| {
        error(format!("{name} is not valid JSON (line {}, column {}): {e}", e.line(), e.column()))
    })
}

/// Reads and checks an archive's entries.
pub(crate) fn read(bytes: &[u8]) -> Result<Archive> {
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| error(format!("not a .keras file (a zip archive): {e}")))?;
    let config = entry(&mut zip, "config.json")?
        .ok_or_else(|| error("the archive has no config.json: it is not a Keras 3 model file"))?;
    let config = json_entry("config.json", &config)?;
    let metadata = match entry(&mut zip, "metadata.json")? {
        Some(m) => json_entry("metadata.json", &m)?,
        None => Value::Object(Default::default()),
    };
    let weights = match entry(&mut zip, "model.weights.h5")? {
        Some(w) => w,
        None if zip.file_names().any(|n| n == "model.weights.npz") => {
            return Err(error(
                "the weights are in model.weights.npz, a format this crate does not read (save with the default h5 format)",
            ));
        }
        None => return Err(error("the archive has no model.weights.h5")),
    };
    Ok(Archive { config, metadata, weights })
}
