//! A small protocol-buffer encoder for the messages of an event file:
//! `Event`, `Summary`, `Summary.Value`, `SummaryMetadata` and
//! `TensorProto`, with the field numbers of TensorFlow's `event.proto`,
//! `summary.proto` and `tensor.proto`. Only what TensorBoard reads is
//! written; no protobuf compiler is involved.
//!
//! ```
//! use keras::tensorboard::proto::{Event, Summary, Tensor, Value, What};
//! let value = Value::scalar("loss", 0.5);
//! let event = Event { wall_time: 0.0, step: 3, what: What::Summary(Summary { values: vec![value] }) };
//! let bytes = event.encode();
//! // field 2 (step) as a varint: key 0x10, then 3.
//! assert_eq!(&bytes[9..11], &[0x10, 3]);
//! assert_eq!(Tensor::float_scalar(1.0).shape, Vec::<i64>::new());
//! ```

/// How TensorBoard's data layer sees a series (`SummaryMetadata.data_class`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataClass {
    /// Not said; TensorBoard guesses from the plugin (old writers).
    Unknown = 0,
    /// One number per step (scalars).
    Scalar = 1,
    /// A tensor per step (histograms, text).
    Tensor = 2,
    /// A list of binary blobs per step (images, audio).
    BlobSequence = 3,
}

/// Element types of a tensor (TensorFlow's `DataType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DType {
    /// `DT_FLOAT`, 32-bit.
    Float = 1,
    /// `DT_DOUBLE`, 64-bit.
    Double = 2,
    /// `DT_STRING`, byte strings.
    String = 7,
}

/// The elements of a tensor, in row-major order.
#[derive(Clone, Debug, PartialEq)]
pub enum TensorData {
    /// `float_val`.
    Float(Vec<f32>),
    /// `double_val`.
    Double(Vec<f64>),
    /// `string_val`.
    Strings(Vec<Vec<u8>>),
}

/// A `TensorProto`: element type, shape and values.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    /// The element type (must match `data`).
    pub dtype: DType,
    /// Sizes of the dimensions (empty for a scalar).
    pub shape: Vec<i64>,
    /// The values.
    pub data: TensorData,
}

impl Tensor {
    /// A 32-bit float scalar.
    pub fn float_scalar(value: f32) -> Tensor {
        Tensor { dtype: DType::Float, shape: Vec::new(), data: TensorData::Float(vec![value]) }
    }

    /// A tensor of 64-bit floats.
    pub fn doubles(shape: Vec<i64>, values: Vec<f64>) -> Tensor {
        Tensor { dtype: DType::Double, shape, data: TensorData::Double(values) }
    }

    /// A tensor of byte strings.
    pub fn strings(shape: Vec<i64>, values: Vec<Vec<u8>>) -> Tensor {
        Tensor { dtype: DType::String, shape, data: TensorData::Strings(values) }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        put_varint_field(out, 1, self.dtype as u64);
        let mut shape = Vec::new();
        for &size in &self.shape {
            let mut dim = Vec::new();
            put_varint_field(&mut dim, 1, size as u64);
            put_bytes_field(&mut shape, 2, &dim);
        }
        put_bytes_field(out, 2, &shape);
        match &self.data {
            TensorData::Float(values) => {
                let packed: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
                put_bytes_field(out, 5, &packed);
            }
            TensorData::Double(values) => {
                let packed: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
                put_bytes_field(out, 6, &packed);
            }
            TensorData::Strings(values) => values.iter().for_each(|v| put_bytes_field(out, 8, v)),
        }
    }
}

/// `SummaryMetadata`: which plugin shows a series, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Metadata {
    /// `plugin_data.plugin_name`: `scalars`, `histograms`, `images`, `text`, `audio`.
    pub plugin_name: &'static str,
    /// `plugin_data.content`: the plugin's own serialized settings.
    pub content: Vec<u8>,
    /// `data_class`.
    pub data_class: DataClass,
}

impl Metadata {
    fn encode(&self, out: &mut Vec<u8>) {
        let mut plugin = Vec::new();
        put_bytes_field(&mut plugin, 1, self.plugin_name.as_bytes());
        if !self.content.is_empty() {
            put_bytes_field(&mut plugin, 2, &self.content);
        }
        put_bytes_field(out, 1, &plugin);
        put_varint_field(out, 4, self.data_class as u64);
    }
}

/// `Summary.Value`: a tag, its metadata and a tensor.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// The series' name.
    pub tag: String,
    /// The plugin metadata (TensorBoard reads the first of each series).
    pub metadata: Metadata,
    /// The step's data.
    pub tensor: Tensor,
}

impl Value {
    /// A scalar in the form `tf.summary.scalar` writes: a float32 scalar
    /// tensor for the `scalars` plugin, data class scalar.
    pub fn scalar(tag: &str, value: f64) -> Value {
        Value {
            tag: tag.to_string(),
            metadata: Metadata { plugin_name: "scalars", content: Vec::new(), data_class: DataClass::Scalar },
            tensor: Tensor::float_scalar(value as f32),
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        put_bytes_field(out, 1, self.tag.as_bytes());
        let mut tensor = Vec::new();
        self.tensor.encode(&mut tensor);
        put_bytes_field(out, 8, &tensor);
        let mut metadata = Vec::new();
        self.metadata.encode(&mut metadata);
        put_bytes_field(out, 9, &metadata);
    }
}

/// `Summary`: the values of one step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// The values.
    pub values: Vec<Value>,
}

/// What an event carries.
#[derive(Clone, Debug, PartialEq)]
pub enum What {
    /// `file_version` (the first event of a file).
    FileVersion(String),
    /// `summary`.
    Summary(Summary),
}

/// An `Event`: when, at which step, and what.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Seconds since the UNIX epoch.
    pub wall_time: f64,
    /// The step (epoch, batch, …).
    pub step: i64,
    /// The content.
    pub what: What,
}

impl Event {
    /// The serialized message.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_key(&mut out, 1, 1);
        out.extend_from_slice(&self.wall_time.to_le_bytes());
        put_varint_field(&mut out, 2, self.step as u64);
        match &self.what {
            What::FileVersion(version) => put_bytes_field(&mut out, 3, version.as_bytes()),
            What::Summary(summary) => {
                let mut body = Vec::new();
                for value in &summary.values {
                    let mut v = Vec::new();
                    value.encode(&mut v);
                    put_bytes_field(&mut body, 1, &v);
                }
                put_bytes_field(&mut out, 5, &body);
            }
        }
        out
    }
}

/// Appends `value` as a base-128 varint.
pub fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_key(out: &mut Vec<u8>, field: u32, wire_type: u8) {
    put_varint(out, (u64::from(field) << 3) | u64::from(wire_type));
}

/// Appends a varint field (wire type 0).
pub fn put_varint_field(out: &mut Vec<u8>, field: u32, value: u64) {
    put_key(out, field, 0);
    put_varint(out, value);
}

/// Appends a length-delimited field (wire type 2): bytes, a string, an
/// embedded message or a packed list.
pub fn put_bytes_field(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_key(out, field, 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints() {
        let mut out = Vec::new();
        put_varint(&mut out, 300);
        assert_eq!(out, [0xac, 0x02]);
        out.clear();
        put_varint(&mut out, (-1i64) as u64);
        assert_eq!(out.len(), 10);
    }

    #[test]
    fn file_version_event() {
        let event = Event { wall_time: 1.5, step: 0, what: What::FileVersion("brain.Event:2".into()) };
        let bytes = event.encode();
        assert_eq!(bytes[0], 0x09);
        assert_eq!(f64::from_le_bytes(bytes[1..9].try_into().unwrap()), 1.5);
        assert_eq!(&bytes[9..11], &[0x10, 0]);
        assert_eq!(&bytes[11..13], &[0x1a, 13]);
        assert_eq!(&bytes[13..], b"brain.Event:2");
    }
}
