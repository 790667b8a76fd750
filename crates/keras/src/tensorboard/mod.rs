//! TensorBoard: event files that TensorBoard itself reads.
//!
//! The chapter logs its training runs for TensorBoard in two ways, and so
//! does this module:
//!
//! - the [`TensorBoard`] callback (`keras.callbacks.TensorBoard`), given
//!   to `fit`, writes the learning curves of a run: `epoch_loss`,
//!   `epoch_accuracy`, `epoch_learning_rate`, … in `run/train` and
//!   `run/validation`;
//! - the [`SummaryWriter`] (`tf.summary.create_file_writer`) writes any
//!   scalar, histogram, image, text or audio at any step.
//!
//! [`run_logdir`] names a run's folder after the time it starts, as the
//! chapter's `get_run_logdir()`. Point `tensorboard --logdir` at the root
//! folder to compare the runs.
//!
//! The files follow TensorBoard's formats: [`events`] frames the records
//! (TFRecord, masked CRC-32C), [`proto`] encodes the protocol buffers,
//! [`summary`] lays out each plugin's tensors.
//!
//! ```
//! use keras::tensorboard::{run_logdir_at, SummaryWriter};
//! let run = run_logdir_at("my_logs", 1_700_000_000);
//! assert_eq!(run, std::path::Path::new("my_logs/run_2023_11_14_22_13_20"));
//! let dir = std::env::temp_dir().join(format!("tb-mod-doc-{}", std::process::id()));
//! let mut writer = SummaryWriter::new(&dir)?;
//! writer.scalar("my_scalar", 0.5, 1)?;
//! writer.flush()?;
//! let records = keras::tensorboard::events::read_records(writer.path())?;
//! assert_eq!(records.len(), 2);
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), keras::KerasError>(())
//! ```

pub mod callback;
pub mod events;
pub mod proto;
pub mod summary;

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub use callback::{TensorBoard, UpdateFreq};
pub use summary::{Pixels, SummaryWriter};

/// `root/run_%Y_%m_%d_%H_%M_%S` for the current time, in UTC (the
/// chapter's `get_run_logdir`).
pub fn run_logdir(root: impl AsRef<Path>) -> PathBuf {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    run_logdir_at(root, secs)
}

/// `root/run_%Y_%m_%d_%H_%M_%S` for `secs` seconds after the UNIX epoch,
/// in UTC.
pub fn run_logdir_at(root: impl AsRef<Path>, secs: u64) -> PathBuf {
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let rest = secs % 86_400;
    let (hour, minute, second) = (rest / 3600, rest % 3600 / 60, rest % 60);
    root.as_ref().join(format!("run_{year:04}_{month:02}_{day:02}_{hour:02}_{minute:02}_{second:02}"))
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March first
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(59), (1970, 3, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        let dir = run_logdir_at("r", 951_868_799); // 2000-02-29 23:59:59
        assert_eq!(dir, Path::new("r/run_2000_02_29_23_59_59"));
    }
}
