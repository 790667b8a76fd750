//! Event files: TFRecord framing with masked CRC-32C checksums, and the
//! names TensorBoard looks for.
//!
//! An event file is a sequence of records, each
//!
//! ```text
//! u64 LE length | u32 LE masked_crc(length bytes) | data | u32 LE masked_crc(data)
//! ```
//!
//! where `masked_crc(x) = rotate_right(crc32c(x), 15) + 0xa282ead8`. The data
//! of each record is one serialized `Event`; the first says
//! `file_version = "brain.Event:2"`.
//!
//! ```
//! use keras::tensorboard::events::{masked_crc, read_records, EventFileWriter};
//! assert_eq!(masked_crc(b"\x1a\x11CRC test, one two"), 0x5794d08a);
//! let dir = std::env::temp_dir().join(format!("tb-events-doc-{}", std::process::id()));
//! let mut writer = EventFileWriter::new(&dir)?;
//! writer.write_record(b"hello")?;
//! writer.flush()?;
//! let records = read_records(writer.path())?;
//! assert_eq!(records.len(), 2); // the file_version event, then ours
//! assert_eq!(records[1], b"hello");
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), keras::KerasError>(())
//! ```

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{KerasError, Result};
use crate::tensorboard::proto;

/// What the first event of every file says.
pub const FILE_VERSION: &str = "brain.Event:2";

/// The CRC-32C of `data`, masked as TFRecord stores it: rotated right by
/// 15 bits, plus `0xa282ead8` (wrapping).
pub fn masked_crc(data: &[u8]) -> u32 {
    crc32c::crc32c(data).rotate_right(15).wrapping_add(0xa282_ead8)
}

/// One record's bytes: the length, its checksum, the data, its checksum.
pub fn frame_record(data: &[u8]) -> Vec<u8> {
    let length = (data.len() as u64).to_le_bytes();
    let mut out = Vec::with_capacity(data.len() + 16);
    out.extend_from_slice(&length);
    out.extend_from_slice(&masked_crc(&length).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&masked_crc(data).to_le_bytes());
    out
}

/// `events.out.tfevents.<secs>.<host>.<pid>.<n>`: the name TensorBoard
/// recognises (by its `tfevents` part), with the creation time in UNIX
/// seconds, the host name, the process id and a per-process counter so
/// that two writers opened in the same second get two files.
pub fn event_file_name(secs: u64, host: &str, pid: u32, n: u64) -> String {
    format!("events.out.tfevents.{secs}.{host}.{pid}.{n}")
}

/// Seconds since the UNIX epoch, as a float (an event's `wall_time`).
pub fn wall_time() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

fn file_error(path: &Path, detail: impl std::fmt::Display) -> KerasError {
    KerasError::File { path: path.display().to_string(), detail: detail.to_string() }
}

static FILES_OPENED: AtomicU64 = AtomicU64::new(0);

/// Writes records to a new event file in a folder, buffered. Records
/// reach the disk on [`EventFileWriter::flush`] and when the writer is
/// dropped.
#[derive(Debug)]
pub struct EventFileWriter {
    path: PathBuf,
    out: BufWriter<File>,
}

impl EventFileWriter {
    /// Creates `dir` (and its parents) if needed, then a new event file in
    /// it whose first record is the `file_version` event.
    pub fn new(dir: impl AsRef<Path>) -> Result<EventFileWriter> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)
            .map_err(|e| file_error(dir, format!("cannot create the folder: {e}")))?;
        let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let host = gethostname::gethostname().to_string_lossy().replace(['/', '\\'], "_");
        let n = FILES_OPENED.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(event_file_name(secs, &host, std::process::id(), n));
        let file = File::create_new(&path)
            .map_err(|e| file_error(&path, format!("cannot create the event file: {e}")))?;
        let mut writer = EventFileWriter { path, out: BufWriter::new(file) };
        let first = proto::Event {
            wall_time: wall_time(),
            step: 0,
            what: proto::What::FileVersion(FILE_VERSION.to_string()),
        };
        writer.write_record(&first.encode())?;
        writer.flush()?;
        Ok(writer)
    }

    /// The event file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record (framed and checksummed) to the buffer.
    pub fn write_record(&mut self, data: &[u8]) -> Result<()> {
        self.out
            .write_all(&frame_record(data))
            .map_err(|e| file_error(&self.path, format!("cannot write: {e}")))
    }

    /// Writes the buffered records to the file.
    pub fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(|e| file_error(&self.path, format!("cannot write: {e}")))
    }
}

impl Drop for EventFileWriter {
    fn drop(&mut self) {
        // A drop cannot report an error; call flush() first to see it.
        let _ = self.out.flush();
    }
}

/// Reads every record of an event file, checking both checksums of each.
/// Errors name the file and the byte offset of the bad record.
pub fn read_records(path: impl AsRef<Path>) -> Result<Vec<Vec<u8>>> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| file_error(path, format!("cannot read: {e}")))?;
    let mut records = Vec::new();
    let mut at = 0usize;
    let u32_at = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    while at < bytes.len() {
        if bytes.len() - at < 12 {
            return Err(file_error(path, format!("truncated record header at byte {at}")));
        }
        let length_bytes = &bytes[at..at + 8];
        if masked_crc(length_bytes) != u32_at(at + 8) {
            return Err(file_error(path, format!("bad length checksum at byte {at}")));
        }
        let length = u64::from_le_bytes(length_bytes.try_into().unwrap_or([0; 8]));
        let start = at + 12;
        let end = usize::try_from(length).ok().and_then(|l| start.checked_add(l));
        let end = match end {
            Some(end) if end.checked_add(4).is_some_and(|e| e <= bytes.len()) => end,
            _ => return Err(file_error(path, format!("truncated record of {length} bytes at byte {at}"))),
        };
        let data = &bytes[start..end];
        if masked_crc(data) != u32_at(end) {
            return Err(file_error(path, format!("bad data checksum in the record at byte {at}")));
        }
        records.push(data.to_vec());
        at = end + 4;
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_test_vector() {
        assert_eq!(masked_crc(b"\x1a\x11CRC test, one two"), 0x5794d08a);
    }

    #[test]
    fn frame_layout() {
        let framed = frame_record(b"abc");
        assert_eq!(framed.len(), 3 + 16);
        assert_eq!(&framed[..8], &3u64.to_le_bytes());
        assert_eq!(&framed[12..15], b"abc");
        assert_eq!(u32::from_le_bytes(framed[15..19].try_into().unwrap()), masked_crc(b"abc"));
    }

    #[test]
    fn file_name() {
        assert_eq!(event_file_name(17, "box", 42, 3), "events.out.tfevents.17.box.42.3");
    }

    #[test]
    fn corrupt_file_is_an_error_naming_it() {
        let dir = std::env::temp_dir().join(format!("tb-events-corrupt-{}", std::process::id()));
        let mut writer = EventFileWriter::new(&dir).unwrap();
        writer.write_record(b"payload").unwrap();
        writer.flush().unwrap();
        let path = writer.path().to_path_buf();
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 6;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let error = read_records(&path).unwrap_err().to_string();
        assert!(error.contains("bad data checksum") && error.contains("tfevents"), "{error}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
