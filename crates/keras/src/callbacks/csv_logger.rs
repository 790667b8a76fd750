//! `CSVLogger`: one row of a CSV file per epoch.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use super::{Callback, Control, Logs};
use crate::error::KerasError;
use crate::model::Model;

/// Writes each epoch's logs to a CSV file, as Keras 3's `CSVLogger`: a
/// header `epoch,<keys sorted>` taken from the first epoch's logs, then
/// one row per epoch, the epoch 0-based, values as Python writes floats
/// (`0.5`, `1e-05`), `NA` for a key an epoch lacks. Lines end in `\r\n`
/// (Python's `csv` module's default, which Keras keeps); a field holding
/// the separator, a quote or a line break is quoted.
///
/// The file is opened at `on_train_begin` (emptied, or with
/// [`CSVLogger::append`] added to, and then without a second header if
/// it already has a line), each row is written whole and flushed at the
/// end of its epoch, and the file is closed at `on_train_end`. A file
/// that cannot be written stops training, and `fit` returns the error.
///
/// ```
/// use keras::callbacks::{CSVLogger, Callback, Logs};
/// let path = std::env::temp_dir().join(format!("csv_logger_doc_{}.csv", std::process::id()));
/// let mut model = keras::Sequential::empty();
/// let mut csv = CSVLogger::new(&path);
/// csv.on_train_begin(&Default::default(), &mut model);
/// let mut logs = Logs::new();
/// logs.set("loss", 0.5);
/// logs.set("accuracy", 0.75);
/// csv.on_epoch_end(0, &logs, &mut model);
/// csv.on_train_end(&logs, &mut model);
/// assert_eq!(std::fs::read_to_string(&path)?, "epoch,accuracy,loss\r\n0,0.75,0.5\r\n");
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct CSVLogger {
    filename: PathBuf,
    separator: String,
    append: bool,
    file: Option<File>,
    keys: Option<Vec<String>>,
    append_header: bool,
    error: Option<KerasError>,
}

impl CSVLogger {
    /// A logger to `filename`, with Keras's defaults: separator `,`, the
    /// file emptied first.
    pub fn new(filename: impl AsRef<Path>) -> CSVLogger {
        CSVLogger {
            filename: filename.as_ref().to_path_buf(),
            separator: ",".to_string(),
            append: false,
            file: None,
            keys: None,
            append_header: true,
            error: None,
        }
    }

    /// The string between fields.
    pub fn separator(mut self, separator: &str) -> Self {
        self.separator = separator.to_string();
        self
    }

    /// Whether to add to the file if it exists (to continue a training)
    /// instead of emptying it.
    pub fn append(mut self, append: bool) -> Self {
        self.append = append;
        self
    }

    fn file_error(&self, what: &str, e: std::io::Error) -> KerasError {
        KerasError::File {
            path: self.filename.display().to_string(),
            detail: format!("CSVLogger {what}: {e}"),
        }
    }

    fn open(&mut self) -> Result<(), KerasError> {
        self.file = None;
        self.keys = None;
        self.append_header = true;
        if self.append && self.filename.exists() {
            let f = File::open(&self.filename).map_err(|e| self.file_error("cannot read the file", e))?;
            let mut first = String::new();
            BufReader::new(f)
                .read_line(&mut first)
                .map_err(|e| self.file_error("cannot read the file", e))?;
            self.append_header = first.is_empty();
        }
        let mut options = OpenOptions::new();
        if self.append {
            options.append(true).create(true);
        } else {
            options.write(true).create(true).truncate(true);
        }
        self.file =
            Some(options.open(&self.filename).map_err(|e| self.file_error("cannot open the file", e))?);
        Ok(())
    }

    /// A field, quoted as Python's `csv` module quotes it (minimal quoting).
    fn field(&self, text: &str) -> String {
        if text.contains(self.separator.as_str()) || text.contains(['"', '\r', '\n']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_string()
        }
    }

    fn write_epoch(&mut self, epoch: usize, logs: &Logs) -> Result<(), KerasError> {
        let keys = self.keys.get_or_insert_with(|| {
            let mut keys: Vec<String> = logs.names().map(str::to_string).collect();
            keys.sort();
            keys
        });
        let keys = keys.clone();
        let mut text = String::new();
        if self.append_header {
            let header: Vec<String> = std::iter::once("epoch")
                .chain(keys.iter().map(String::as_str))
                .map(|k| self.field(k))
                .collect();
            text += &header.join(&self.separator);
            text += "\r\n";
        }
        let mut row = vec![epoch.to_string()];
        row.extend(keys.iter().map(|k| logs.get(k).map_or("NA".to_string(), super::python_float)));
        let row: Vec<String> = row.iter().map(|f| self.field(f)).collect();
        text += &row.join(&self.separator);
        text += "\r\n";
        let Some(file) = &mut self.file else {
            return Err(KerasError::File {
                path: self.filename.display().to_string(),
                detail: "CSVLogger: the file is not open (on_train_begin was not called)".into(),
            });
        };
        // One write per epoch, header included: a row is never left half-written by this code.
        let written = file.write_all(text.as_bytes()).and_then(|()| file.flush());
        written.map_err(|e| self.file_error("cannot write the file", e))?;
        self.append_header = false;
        Ok(())
    }
}

impl Callback for CSVLogger {
    fn on_train_begin(&mut self, _: &BTreeMap<String, usize>, _: &mut Model) {
        if let Err(e) = self.open() {
            self.error = Some(e);
        }
    }

    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, _: &mut Model) -> Control {
        match self.write_epoch(epoch, logs) {
            Ok(()) => Control::Continue,
            Err(e) => {
                self.error = Some(e);
                Control::Stop
            }
        }
    }

    fn on_train_end(&mut self, _: &Logs, _: &mut Model) {
        self.file = None;
    }

    fn inference_batch_hooks(&self) -> bool {
        false
    }

    fn take_error(&mut self) -> Option<KerasError> {
        self.error.take()
    }
}
