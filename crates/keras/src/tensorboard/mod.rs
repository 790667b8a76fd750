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
    let t = crate::clock::DateTime::from_unix(secs as i64);
    root.as_ref().join(format!(
        "run_{:04}_{:02}_{:02}_{:02}_{:02}_{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_folder_names() {
        let dir = run_logdir_at("r", 951_868_799); // 2000-02-29 23:59:59
        assert_eq!(dir, Path::new("r/run_2000_02_29_23_59_59"));
    }
}
