//! TensorBoard's HPARAMS tab: each trial's hyperparameters and status,
//! logged as Keras Tuner logs them.
//!
//! Keras Tuner (`Tuner._configure_tensorboard_dir`) gives each execution
//! of a trial its own folder, `log_dir/<trial_id>/execution<k>`, points
//! the `TensorBoard` callback of `search` there (the learning curves go
//! to its `train` and `validation` subfolders) and adds TensorBoard's
//! `hparams.api.KerasCallback(writer=<that folder>, hparams,
//! trial_id=<trial_id>)`. That callback writes two summaries to one event
//! file in the folder, both at step 0:
//!
//! - when training begins, `_hparams_/session_start_info`: the trial's
//!   hyperparameter values, its group name (the trial id, so that the
//!   executions of one trial form one group) and the start time;
//! - when training ends, `_hparams_/session_end_info`: status success and
//!   the end time.
//!
//! [`HParamsCallback`] is that callback. TensorBoard takes every folder
//! holding a session start as a session, groups the sessions by group
//! name, and finds their metrics in the scalar tags of the folders below
//! (`epoch_loss` of `train`, `epoch_accuracy` of `validation`, …, their
//! last values). Keras Tuner writes no `_hparams_/experiment` summary
//! (it never calls `hparams_config`), and neither does this module:
//! TensorBoard then derives the experiment from the session starts (each
//! hyperparameter's type and values) and the scalar tags.
//!
//! # The format
//!
//! Each summary is one `Summary.Value` (TensorBoard's
//! `plugins/hparams/summary_v2.py`, `summary.py` and `metadata.py`):
//!
//! - tag: [`SESSION_START_INFO_TAG`] or [`SESSION_END_INFO_TAG`];
//! - tensor: an empty float tensor of shape `[0]` (`metadata.NULL_TENSOR`);
//! - metadata: plugin `hparams`, data class tensor (2), and as content a
//!   serialized `HParamsPluginData` (`plugin_data.proto`): `version` (1) = 0,
//!   then one of `experiment` (2), `session_start_info` (3),
//!   `session_end_info` (4);
//! - `SessionStartInfo`: `hparams` (1), a map from name to
//!   `google.protobuf.Value`, `group_name` (4), `start_time_secs` (5,
//!   double); `model_uri` (2) and `monitor_url` (3) stay empty;
//! - `SessionEndInfo`: `status` (1, [`Status`]), `end_time_secs` (2,
//!   double);
//! - `google.protobuf.Value`: `number_value` (2, double) for [`Value::Int`]
//!   and [`Value::Float`] (TensorBoard has no integer type), `string_value`
//!   (3) for [`Value::Str`], `bool_value` (4) for [`Value::Bool`].
//!
//! The hyperparameters are written sorted by name, as `summary_v2.hparams`
//! does, and a name given twice is an error, as there. TensorBoard's
//! Python writers leave the data class unset and TensorBoard sets it to
//! tensor when it loads the file (`dataclass_compat.py`); as the keras
//! crate's writers, this module writes the result of that step directly.
//!
//! ```
//! use keras::layers::{Dense, Input};
//! use keras::tensorboard::TensorBoard;
//! use keras::{FitOptions, Labels, Sequential, Tensor, Verbosity};
//! use tuning::Value;
//! use tuning::hparams::HParamsCallback;
//!
//! let root = tempfile::tempdir()?;
//! // Trial "0", first execution, as Keras Tuner names the folder.
//! let trial_dir = root.path().join("0").join("execution0");
//! let hparams = vec![
//!     ("n_hidden".to_string(), Value::Int(1)),
//!     ("learning_rate".to_string(), Value::Float(0.01)),
//!     ("optimizer".to_string(), Value::Str("sgd".into())),
//!     ("normalize".to_string(), Value::Bool(false)),
//! ];
//! let mut hparams_callback = HParamsCallback::new(&trial_dir, "0", &hparams)?;
//! let mut tensorboard = TensorBoard::new(&trial_dir);
//!
//! let x = Tensor::new((0..32).map(|i| i as f32 / 32.0).collect(), &[16, 2])?;
//! let y = Labels::Classes((0..16).map(|i| i % 2).collect());
//! let mut model = Sequential::new(vec![
//!     Input::new(&[2]).into(),
//!     Dense::new(4).activation("relu").into(),
//!     Dense::new(2).activation("softmax").into(),
//! ])?;
//! model.compile("sparse_categorical_crossentropy", "sgd", &["accuracy".into()])?;
//! model.fit(&x, &y, FitOptions {
//!     epochs: 2,
//!     validation_data: Some((&x, &y).into()),
//!     verbose: Verbosity::Silent,
//!     callbacks: vec![&mut tensorboard, &mut hparams_callback],
//!     ..Default::default()
//! })?;
//! tensorboard.result()?;
//!
//! // One event file in the trial's folder: file_version, session start, session end.
//! let file = hparams_callback.path().expect("a session was written");
//! assert_eq!(file.parent(), Some(trial_dir.as_path()));
//! assert_eq!(keras::tensorboard::events::read_records(file)?.len(), 3);
//! assert!(trial_dir.join("train").is_dir() && trial_dir.join("validation").is_dir());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use keras::callbacks::{Callback, Logs};
use keras::tensorboard::events::{EventFileWriter, wall_time};
use keras::tensorboard::proto::{
    self, DType, DataClass, Event, Metadata, Summary, Tensor, TensorData, What, put_bytes_field, put_varint,
    put_varint_field,
};
use keras::{KerasError, Model};

use crate::error::{Result, TuningError};
use crate::hyperparameters::Value;

/// The plugin that shows these summaries (`plugin_data.plugin_name`).
pub const PLUGIN_NAME: &str = "hparams";

/// The version of `HParamsPluginData` that TensorBoard reads.
pub const PLUGIN_DATA_VERSION: u64 = 0;

/// The tag of an experiment summary (which Keras Tuner does not write).
pub const EXPERIMENT_TAG: &str = "_hparams_/experiment";

/// The tag of a session start: hyperparameters, group name, start time.
pub const SESSION_START_INFO_TAG: &str = "_hparams_/session_start_info";

/// The tag of a session end: status and end time.
pub const SESSION_END_INFO_TAG: &str = "_hparams_/session_end_info";

/// How a session ended (`tensorboard.hparams.Status` of `api.proto`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// `STATUS_UNKNOWN`.
    Unknown = 0,
    /// `STATUS_SUCCESS`: what Keras's hparams callback writes when training
    /// ends.
    Success = 1,
    /// `STATUS_FAILURE`.
    Failure = 2,
    /// `STATUS_RUNNING`.
    Running = 3,
}

/// Appends a double field (wire type 1, little-endian), unless it is 0.0,
/// the proto3 default, which protobuf leaves out.
fn put_double_field(out: &mut Vec<u8>, field: u32, value: f64) {
    if value.to_bits() != 0 {
        put_varint(out, (u64::from(field) << 3) | 1);
        out.extend_from_slice(&value.to_le_bytes());
    }
}

/// A `google.protobuf.Value`. The field of a `oneof` is written even when
/// it holds its default (0, false, "").
fn encode_value(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let number = |out: &mut Vec<u8>, x: f64| {
        put_varint(out, (2 << 3) | 1);
        out.extend_from_slice(&x.to_le_bytes());
    };
    match value {
        Value::Int(i) => number(&mut out, *i as f64),
        Value::Float(x) => number(&mut out, *x),
        Value::Str(s) => put_bytes_field(&mut out, 3, s.as_bytes()),
        Value::Bool(b) => put_varint_field(&mut out, 4, u64::from(*b)),
    }
    out
}

/// The hyperparameters sorted by name; a name given twice is an error
/// (`summary_v2._normalize_hparams`).
fn sorted_hparams(hparams: &[(String, Value)]) -> Result<Vec<(String, Value)>> {
    let mut sorted = hparams.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(pair) = sorted.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(TuningError::hp(&pair[0].0, "is given twice to the hparams summary"));
    }
    Ok(sorted)
}

/// `HParamsPluginData` holding `field` (3: session start, 4: session end).
fn plugin_data(field: u32, message: &[u8]) -> Vec<u8> {
    // version = PLUGIN_DATA_VERSION = 0, the proto3 default: not written.
    let mut out = Vec::new();
    put_bytes_field(&mut out, field, message);
    out
}

/// The content of a session start from hyperparameters already sorted and
/// checked.
fn start_content(group_name: &str, sorted: &[(String, Value)], start_time_secs: f64) -> Vec<u8> {
    let mut info = Vec::new();
    for (name, value) in sorted {
        let mut entry = Vec::new();
        put_bytes_field(&mut entry, 1, name.as_bytes());
        put_bytes_field(&mut entry, 2, &encode_value(value));
        put_bytes_field(&mut info, 1, &entry);
    }
    if !group_name.is_empty() {
        put_bytes_field(&mut info, 4, group_name.as_bytes());
    }
    put_double_field(&mut info, 5, start_time_secs);
    plugin_data(3, &info)
}

/// The serialized `HParamsPluginData { session_start_info }` of a session
/// (`SummaryMetadata.plugin_data.content`): the hyperparameters sorted by
/// name, the group name and the start time in seconds since the UNIX
/// epoch. A name given twice is an error.
pub fn session_start_content(
    group_name: &str,
    hparams: &[(String, Value)],
    start_time_secs: f64,
) -> Result<Vec<u8>> {
    Ok(start_content(group_name, &sorted_hparams(hparams)?, start_time_secs))
}

/// The serialized `HParamsPluginData { session_end_info }`: the status and
/// the end time in seconds since the UNIX epoch.
pub fn session_end_content(status: Status, end_time_secs: f64) -> Vec<u8> {
    let mut info = Vec::new();
    if status != Status::Unknown {
        put_varint_field(&mut info, 1, status as u64);
    }
    put_double_field(&mut info, 2, end_time_secs);
    plugin_data(4, &info)
}

/// The tensor of every hparams summary: float, shape `[0]`, no values
/// (`metadata.NULL_TENSOR`).
pub fn null_tensor() -> Tensor {
    Tensor { dtype: DType::Float, shape: vec![0], data: TensorData::Float(Vec::new()) }
}

fn summary_value(tag: &str, content: Vec<u8>) -> proto::Value {
    proto::Value {
        tag: tag.to_string(),
        metadata: Metadata { plugin_name: PLUGIN_NAME, content, data_class: DataClass::Tensor },
        tensor: null_tensor(),
    }
}

/// The `Summary.Value` of a session start (`summary_v2.hparams_pb`):
/// tag [`SESSION_START_INFO_TAG`], the [`session_start_content`] as plugin
/// content, the [`null_tensor`].
pub fn session_start_value(
    group_name: &str,
    hparams: &[(String, Value)],
    start_time_secs: f64,
) -> Result<proto::Value> {
    Ok(summary_value(SESSION_START_INFO_TAG, session_start_content(group_name, hparams, start_time_secs)?))
}

/// The `Summary.Value` of a session end (`summary.session_end_pb`): tag
/// [`SESSION_END_INFO_TAG`], the [`session_end_content`] as plugin
/// content, the [`null_tensor`].
pub fn session_end_value(status: Status, end_time_secs: f64) -> proto::Value {
    summary_value(SESSION_END_INFO_TAG, session_end_content(status, end_time_secs))
}

/// Appends `value` as an event at step 0 (as `write_raw_pb(…, step=0)`),
/// then flushes.
fn write_step0(writer: &mut EventFileWriter, value: proto::Value) -> keras::Result<()> {
    let event =
        Event { wall_time: wall_time(), step: 0, what: What::Summary(Summary { values: vec![value] }) };
    writer.write_record(&event.encode())?;
    writer.flush()
}

/// Writes a session start to an open event file, at step 0, and flushes
/// it. The end of the session is best written to the same file
/// ([`write_session_end`]), as Keras's callback does.
pub fn write_session_start(
    writer: &mut EventFileWriter,
    group_name: &str,
    hparams: &[(String, Value)],
    start_time_secs: f64,
) -> Result<()> {
    let value = session_start_value(group_name, hparams, start_time_secs)?;
    Ok(write_step0(writer, value)?)
}

/// Writes a session end to an open event file, at step 0, and flushes it.
pub fn write_session_end(writer: &mut EventFileWriter, status: Status, end_time_secs: f64) -> Result<()> {
    Ok(write_step0(writer, session_end_value(status, end_time_secs))?)
}

/// Logs a trial for TensorBoard's HPARAMS tab, as the
/// `hparams.api.KerasCallback(writer=log_dir, hparams, trial_id)` that
/// Keras Tuner adds to each execution of a trial: given to `fit`, it opens
/// a new event file in `log_dir` when training begins and writes the
/// session start there (the hyperparameters, the trial id as group name,
/// the current time), and writes the session end (status success, the
/// current time) to the same file when training ends.
///
/// If `fit` fails, `on_train_end` is not called and the session has no
/// end (TensorBoard shows no status), as with Keras; call
/// [`HParamsCallback::end_session`] to record a failure. The same hooks
/// can be called by hand ([`HParamsCallback::start_session`] /
/// [`HParamsCallback::end_session`]) for a trial trained outside `fit`.
/// A write error in a hook stops `fit`, which returns it.
///
/// Each start opens a new event file in the folder; TensorBoard reads the
/// first session start of a folder, so a folder is best given to one
/// session (Keras Tuner's `execution<k>` folders).
#[derive(Debug)]
pub struct HParamsCallback {
    log_dir: PathBuf,
    group_name: String,
    hparams: Vec<(String, Value)>,
    writer: Option<EventFileWriter>,
    path: Option<PathBuf>,
    error: Option<KerasError>,
}

impl HParamsCallback {
    /// A callback logging the session of trial `trial_id` (its group name)
    /// with `hparams` into `log_dir` (created when the session starts).
    /// A hyperparameter name given twice is an error, as Keras's callback
    /// checks when it is made.
    pub fn new(
        log_dir: impl AsRef<Path>,
        trial_id: &str,
        hparams: &[(String, Value)],
    ) -> Result<HParamsCallback> {
        Ok(HParamsCallback {
            log_dir: log_dir.as_ref().to_path_buf(),
            group_name: trial_id.to_string(),
            hparams: sorted_hparams(hparams)?,
            writer: None,
            path: None,
            error: None,
        })
    }

    /// The folder given to [`HParamsCallback::new`].
    pub fn log_dir(&self) -> &Path {
        &self.log_dir
    }

    /// The group name of the session: the trial id.
    pub fn group_name(&self) -> &str {
        &self.group_name
    }

    /// The hyperparameters, sorted by name.
    pub fn hparams(&self) -> &[(String, Value)] {
        &self.hparams
    }

    /// The event file of the last session started, if any (kept after the
    /// session ends).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether a session was started and has not ended.
    pub fn is_open(&self) -> bool {
        self.writer.is_some()
    }

    fn open(&mut self, start_time_secs: f64) -> keras::Result<()> {
        self.writer = None;
        let mut writer = EventFileWriter::new(&self.log_dir)?;
        self.path = Some(writer.path().to_path_buf());
        let content = start_content(&self.group_name, &self.hparams, start_time_secs);
        write_step0(&mut writer, summary_value(SESSION_START_INFO_TAG, content))?;
        self.writer = Some(writer);
        Ok(())
    }

    fn close(&mut self, status: Status, end_time_secs: f64) -> keras::Result<()> {
        match self.writer.take() {
            Some(mut writer) => write_step0(&mut writer, session_end_value(status, end_time_secs)),
            None => Ok(()),
        }
    }

    /// Starts a session: a new event file in the log folder, holding the
    /// session start with `start_time_secs` (seconds since the UNIX
    /// epoch). What `on_train_begin` does, with the current time.
    pub fn start_session(&mut self, start_time_secs: f64) -> Result<()> {
        Ok(self.open(start_time_secs)?)
    }

    /// Ends the session started last, writing its `status` and
    /// `end_time_secs` to its event file. What `on_train_end` does, with
    /// status success and the current time. An error if no session is
    /// open (none started, or it already ended).
    pub fn end_session(&mut self, status: Status, end_time_secs: f64) -> Result<()> {
        if self.writer.is_none() {
            return Err(TuningError::Config(format!(
                "hparams session of trial '{}' in {}: no session is open to end",
                self.group_name,
                self.log_dir.display()
            )));
        }
        Ok(self.close(status, end_time_secs)?)
    }
}

impl Callback for HParamsCallback {
    fn on_train_begin(&mut self, _params: &BTreeMap<String, usize>, _model: &mut Model) {
        if let Err(e) = self.open(wall_time()) {
            self.error.get_or_insert(e);
        }
    }

    fn on_train_end(&mut self, _logs: &Logs, _model: &mut Model) {
        if let Err(e) = self.close(Status::Success, wall_time()) {
            self.error.get_or_insert(e);
        }
    }

    fn inference_batch_hooks(&self) -> bool {
        false
    }

    fn take_error(&mut self) -> Option<KerasError> {
        self.error.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One field of a protobuf message.
    #[derive(Clone, Debug, PartialEq)]
    enum Field {
        Varint(u64),
        Fixed64([u8; 8]),
        Bytes(Vec<u8>),
    }

    fn varint(bytes: &[u8], at: &mut usize) -> u64 {
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let byte = bytes[*at];
            *at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return value;
            }
            shift += 7;
        }
    }

    /// The fields of a message, in order: (number, value).
    fn fields(bytes: &[u8]) -> Vec<(u64, Field)> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let key = varint(bytes, &mut at);
            let field = match key & 7 {
                0 => Field::Varint(varint(bytes, &mut at)),
                1 => {
                    at += 8;
                    Field::Fixed64(bytes[at - 8..at].try_into().unwrap())
                }
                2 => {
                    let len = varint(bytes, &mut at) as usize;
                    at += len;
                    Field::Bytes(bytes[at - len..at].to_vec())
                }
                t => panic!("unexpected wire type {t}"),
            };
            out.push((key >> 3, field));
        }
        out
    }

    fn only(bytes: &[u8], number: u64) -> Field {
        let found: Vec<Field> =
            fields(bytes).into_iter().filter(|(n, _)| *n == number).map(|(_, f)| f).collect();
        assert_eq!(found.len(), 1, "field {number} of {bytes:02x?}");
        found[0].clone()
    }

    fn bytes_of(bytes: &[u8], number: u64) -> Vec<u8> {
        match only(bytes, number) {
            Field::Bytes(b) => b,
            f => panic!("field {number} is {f:?}"),
        }
    }

    fn double_of(bytes: &[u8], number: u64) -> f64 {
        match only(bytes, number) {
            Field::Fixed64(b) => f64::from_le_bytes(b),
            f => panic!("field {number} is {f:?}"),
        }
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    fn hp(name: &str, value: Value) -> (String, Value) {
        (name.to_string(), value)
    }

    /// The bytes TensorBoard 2.21's own Python writer makes: the
    /// `plugin_data.content` of `summary_v2.hparams_pb({"h": value},
    /// trial_id="07", start_time_secs=1700000000.5)`, of
    /// `hparams_pb({"b": 1, "a": "x"}, trial_id="", start_time_secs=0.0)`,
    /// and of the `SessionEndInfo`s that `summary.session_end_pb` makes.
    #[test]
    fn content_bytes_equal_tensorboards() {
        let start = |value: Value| session_start_content("07", &[hp("h", value)], 1_700_000_000.5).unwrap();
        let cases = [
            (Value::Int(3), "1a1d0a0e0a01681209110000000000000840220230372900002040fc54d941"),
            (Value::Float(0.001), "1a1d0a0e0a0168120911fca9f1d24d62503f220230372900002040fc54d941"),
            (Value::Str("adam".into()), "1a1a0a0b0a016812061a046164616d220230372900002040fc54d941"),
            (Value::Bool(false), "1a160a070a016812022000220230372900002040fc54d941"),
            (Value::Bool(true), "1a160a070a016812022001220230372900002040fc54d941"),
            (Value::Int(0), "1a1d0a0e0a01681209110000000000000000220230372900002040fc54d941"),
            (Value::Float(0.0), "1a1d0a0e0a01681209110000000000000000220230372900002040fc54d941"),
            (Value::Str(String::new()), "1a160a070a016812021a00220230372900002040fc54d941"),
        ];
        for (value, want) in cases {
            assert_eq!(start(value.clone()), hex(want), "{value:?}");
        }
        let two = session_start_content("", &[hp("b", Value::Int(1)), hp("a", Value::Str("x".into()))], 0.0);
        assert_eq!(two.unwrap(), hex("1a1a0a080a016112031a01780a0e0a0162120911000000000000f03f"));
        assert_eq!(session_end_content(Status::Success, 1_700_000_001.25), hex("220b08011100005040fc54d941"));
        assert_eq!(session_end_content(Status::Failure, 0.0), hex("22020802"));
    }

    #[test]
    fn a_name_given_twice_is_an_error() {
        let twice = [hp("lr", Value::Float(0.1)), hp("n", Value::Int(1)), hp("lr", Value::Float(0.2))];
        let error = session_start_content("0", &twice, 1.0).unwrap_err();
        assert!(matches!(&error, TuningError::HyperParameter { name, .. } if name == "lr"), "{error}");
        assert!(HParamsCallback::new("unused", "0", &twice).is_err());
    }

    /// One summary of an event file, decoded.
    struct Found {
        step: u64,
        tag: String,
        plugin: String,
        data_class: u64,
        tensor: Vec<u8>,
        content: Vec<u8>,
    }

    /// Every summary of an event file, after its file_version event.
    fn summaries(path: &Path) -> Vec<Found> {
        let records = keras::tensorboard::events::read_records(path).unwrap();
        assert_eq!(bytes_of(&records[0], 3), b"brain.Event:2");
        let mut out = Vec::new();
        for record in &records[1..] {
            let step = match only(record, 2) {
                Field::Varint(step) => step,
                f => panic!("step is {f:?}"),
            };
            assert!(double_of(record, 1) > 0.0, "wall_time");
            let summary = bytes_of(record, 5);
            let value = bytes_of(&summary, 1);
            let metadata = bytes_of(&value, 9);
            let plugin = bytes_of(&metadata, 1);
            let data_class = match only(&metadata, 4) {
                Field::Varint(c) => c,
                f => panic!("data class is {f:?}"),
            };
            out.push(Found {
                step,
                tag: String::from_utf8(bytes_of(&value, 1)).unwrap(),
                plugin: String::from_utf8(bytes_of(&plugin, 1)).unwrap(),
                data_class,
                tensor: bytes_of(&value, 8),
                content: bytes_of(&plugin, 2),
            });
        }
        out
    }

    /// Step 0, `tag`, plugin hparams, data class tensor, the null tensor.
    fn assert_hparams_summary(found: &Found, tag: &str) {
        assert_eq!(
            (found.step, found.tag.as_str(), found.plugin.as_str(), found.data_class),
            (0, tag, "hparams", 2)
        );
        assert_null_tensor(&found.tensor);
    }

    /// The tensor is `NULL_TENSOR`: DT_FLOAT, one dimension of size 0, no
    /// values.
    fn assert_null_tensor(tensor: &[u8]) {
        assert_eq!(only(tensor, 1), Field::Varint(1), "dtype");
        let shape = bytes_of(tensor, 2);
        let dim = bytes_of(&shape, 2);
        assert!(fields(&dim).iter().all(|(n, f)| *n != 1 || *f == Field::Varint(0)), "size 0");
        assert!(fields(tensor).iter().all(|(n, f)| *n != 5 || *f == Field::Bytes(Vec::new())), "no values");
    }

    #[test]
    fn a_session_by_hand_decodes_field_by_field() {
        let dir = tempfile::tempdir().unwrap();
        let log_dir = dir.path().join("03").join("execution1");
        let hparams = [
            hp("optimizer", Value::Str("adam".into())),
            hp("n_hidden", Value::Int(3)),
            hp("normalize", Value::Bool(true)),
            hp("learning_rate", Value::Float(3e-4)),
        ];
        let mut callback = HParamsCallback::new(&log_dir, "03", &hparams).unwrap();
        assert!(callback.end_session(Status::Success, 1.0).is_err(), "nothing to end yet");
        callback.start_session(1_700_000_000.0).unwrap();
        assert!(callback.is_open());
        callback.end_session(Status::Failure, 1_700_000_100.5).unwrap();
        assert!(!callback.is_open() && callback.end_session(Status::Success, 2.0).is_err());
        let path = callback.path().unwrap();
        assert_eq!(path.parent(), Some(log_dir.as_path()));

        let found = summaries(path);
        assert_eq!(found.len(), 2);
        assert_hparams_summary(&found[0], SESSION_START_INFO_TAG);
        let content = &found[0].content;
        // HParamsPluginData: no version (0), session_start_info (3) only.
        assert_eq!(fields(content).len(), 1);
        let info = bytes_of(content, 3);
        assert_eq!(bytes_of(&info, 4), b"03");
        assert_eq!(double_of(&info, 5), 1_700_000_000.0);
        let entries: Vec<(String, Vec<(u64, Field)>)> = fields(&info)
            .into_iter()
            .filter(|(n, _)| *n == 1)
            .map(|(_, f)| match f {
                Field::Bytes(entry) => {
                    (String::from_utf8(bytes_of(&entry, 1)).unwrap(), fields(&bytes_of(&entry, 2)))
                }
                f => panic!("map entry is {f:?}"),
            })
            .collect();
        let number = |x: f64| vec![(2, Field::Fixed64(x.to_le_bytes()))];
        assert_eq!(
            entries,
            vec![
                ("learning_rate".to_string(), number(3e-4)),
                ("n_hidden".to_string(), number(3.0)),
                ("normalize".to_string(), vec![(4, Field::Varint(1))]),
                ("optimizer".to_string(), vec![(3, Field::Bytes(b"adam".to_vec()))]),
            ]
        );

        assert_hparams_summary(&found[1], SESSION_END_INFO_TAG);
        let info = bytes_of(&found[1].content, 4);
        assert_eq!(only(&info, 1), Field::Varint(Status::Failure as u64));
        assert_eq!(double_of(&info, 2), 1_700_000_100.5);
    }

    #[test]
    fn writer_functions_share_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = EventFileWriter::new(dir.path()).unwrap();
        write_session_start(&mut writer, "7", &[hp("units", Value::Int(30))], 10.0).unwrap();
        write_session_end(&mut writer, Status::Success, 20.0).unwrap();
        let found = summaries(writer.path());
        assert_eq!(found.len(), 2);
        assert_hparams_summary(&found[0], SESSION_START_INFO_TAG);
        assert_hparams_summary(&found[1], SESSION_END_INFO_TAG);
        assert_eq!(
            found[0].content,
            session_start_content("7", &[hp("units", Value::Int(30))], 10.0).unwrap()
        );
        assert_eq!(found[1].content, session_end_content(Status::Success, 20.0));
        assert!(
            write_session_start(&mut writer, "7", &[hp("a", Value::Int(1)), hp("a", Value::Int(2))], 1.0)
                .is_err()
        );
    }

    #[test]
    fn in_fit_the_session_starts_and_ends_with_success() {
        use keras::layers::{Dense, Input};
        use keras::{FitOptions, Labels, Sequential, Tensor as Data, Verbosity};
        let dir = tempfile::tempdir().unwrap();
        let x = Data::new((0..16).map(|i| i as f32 / 16.0).collect(), &[8, 2]).unwrap();
        let y = Labels::Classes((0..8).map(|i| i % 2).collect());
        let mut model =
            Sequential::new(vec![Input::new(&[2]).into(), Dense::new(2).activation("softmax").into()])
                .unwrap();
        model.compile("sparse_categorical_crossentropy", "sgd", &[]).unwrap();
        let mut callback = HParamsCallback::new(dir.path(), "1", &[hp("lr", Value::Float(0.01))]).unwrap();
        let options = FitOptions {
            epochs: 2,
            verbose: Verbosity::Silent,
            callbacks: vec![&mut callback],
            ..Default::default()
        };
        model.fit(&x, &y, options).unwrap();
        assert!(!callback.is_open());
        let found = summaries(callback.path().unwrap());
        assert_eq!(found.len(), 2);
        assert_hparams_summary(&found[0], SESSION_START_INFO_TAG);
        assert_hparams_summary(&found[1], SESSION_END_INFO_TAG);
        let info = bytes_of(&found[1].content, 4);
        assert_eq!(only(&info, 1), Field::Varint(1));
        let start = double_of(&bytes_of(&found[0].content, 3), 5);
        assert!(double_of(&info, 2) >= start && start > 0.0);
    }

    #[test]
    fn a_folder_that_cannot_be_made_is_an_error_from_fit() {
        use keras::layers::{Dense, Input};
        use keras::{FitOptions, Labels, Sequential, Tensor as Data, Verbosity};
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("a_file");
        std::fs::write(&blocker, b"not a folder").unwrap();
        let x = Data::new(vec![0.0, 1.0, 1.0, 0.0], &[2, 2]).unwrap();
        let y = Labels::Classes(vec![0, 1]);
        let mut model =
            Sequential::new(vec![Input::new(&[2]).into(), Dense::new(2).activation("softmax").into()])
                .unwrap();
        model.compile("sparse_categorical_crossentropy", "sgd", &[]).unwrap();
        let mut callback = HParamsCallback::new(blocker.join("run"), "0", &[]).unwrap();
        let options =
            FitOptions { verbose: Verbosity::Silent, callbacks: vec![&mut callback], ..Default::default() };
        assert!(model.fit(&x, &y, options).is_err());
        assert!(callback.start_session(1.0).is_err());
    }
}
