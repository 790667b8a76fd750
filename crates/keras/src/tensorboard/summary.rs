//! The low-level writer, the chapter's `tf.summary.create_file_writer`:
//! scalars, histograms, images, text and audio, each in the tensor form
//! that TensorBoard 2.x's own `summary_v2` writers produce, with the
//! plugin metadata and data class that TensorBoard's data layer expects.
//!
//! | method | plugin | tensor | data class |
//! |---|---|---|---|
//! | [`SummaryWriter::scalar`] | `scalars` | float32, shape `[]` | scalar (1) |
//! | [`SummaryWriter::histogram`] | `histograms` | float64 `[k, 3]`: left edge, right edge, count | tensor (2) |
//! | [`SummaryWriter::image`] | `images` | strings `[2 + n]`: width, height, then one PNG per image | blob sequence (3) |
//! | [`SummaryWriter::text`] | `text` | strings, shape `[]` (or `[n]`) | tensor (2) |
//! | [`SummaryWriter::audio`] | `audio` | strings `[1]`: one WAV file (16-bit PCM) | blob sequence (3) |
//!
//! TensorBoard's Python writers leave `data_class` unset and TensorBoard
//! fills it in when it loads the file (`dataclass_compat.py`); this writer
//! writes the result of that step directly. For audio that step also keeps
//! only the clips of the `[k, 2]` (clip, label) tensor, so the clips alone
//! are written.
//!
//! ```
//! use keras::tensorboard::SummaryWriter;
//! let dir = std::env::temp_dir().join(format!("tb-summary-doc-{}", std::process::id()));
//! let mut writer = SummaryWriter::new(&dir)?;
//! for step in 1..=3 {
//!     writer.scalar("my_scalar", (step as f64 / 10.0).sin(), step)?;
//!     writer.histogram("my_hist", &[0.5, 1.0, step as f64], step, Some(5))?;
//!     writer.image("my_images", &[0.5f32; 2 * 4 * 4 * 3][..], [2, 4, 4, 3], step)?;
//!     writer.text("my_text", &format!("The step is {step}"), step)?;
//!     writer.audio("my_audio", &[0.0, 0.5, -0.5, 0.0], 16_000, step)?;
//! }
//! writer.flush()?;
//! assert!(writer.path().file_name().unwrap().to_string_lossy().starts_with("events.out.tfevents."));
//! // A NaN in a histogram is an error, not a panic.
//! assert!(writer.histogram("bad", &[f64::NAN], 4, None).is_err());
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), keras::KerasError>(())
//! ```

use std::io::Cursor;
use std::path::{Path, PathBuf};

use crate::error::{KerasError, Result};
use crate::tensorboard::events::{EventFileWriter, wall_time};
use crate::tensorboard::proto::{DataClass, Event, Metadata, Summary, Tensor, Value, What};

/// TensorBoard's default number of histogram buckets.
pub const DEFAULT_BUCKETS: usize = 30;

/// Pixels of a batch of images: bytes (0–255) or floats in `[0, 1]`.
#[derive(Clone, Copy, Debug)]
pub enum Pixels<'a> {
    /// 0–255.
    U8(&'a [u8]),
    /// 0.0–1.0; values outside are clipped, NaN is black (as
    /// `tf.image.convert_image_dtype(…, saturate=True)`).
    F32(&'a [f32]),
}

impl<'a> From<&'a [u8]> for Pixels<'a> {
    fn from(p: &'a [u8]) -> Self {
        Pixels::U8(p)
    }
}

impl<'a> From<&'a [f32]> for Pixels<'a> {
    fn from(p: &'a [f32]) -> Self {
        Pixels::F32(p)
    }
}

impl<'a> From<&'a Vec<u8>> for Pixels<'a> {
    fn from(p: &'a Vec<u8>) -> Self {
        Pixels::U8(p)
    }
}

impl<'a> From<&'a Vec<f32>> for Pixels<'a> {
    fn from(p: &'a Vec<f32>) -> Self {
        Pixels::F32(p)
    }
}

impl Pixels<'_> {
    fn len(&self) -> usize {
        match self {
            Pixels::U8(p) => p.len(),
            Pixels::F32(p) => p.len(),
        }
    }

    fn bytes(&self, range: std::ops::Range<usize>) -> Vec<u8> {
        match self {
            Pixels::U8(p) => p[range].to_vec(),
            // TensorFlow's float → uint8 conversion: scale by 255.5, truncate.
            Pixels::F32(p) => p[range].iter().map(|&v| (v.clamp(0.0, 1.0) * 255.5) as u8).collect(),
        }
    }
}

/// TensorBoard's histogram buckets (`histogram/summary_v2.py`): `buckets`
/// rows of `[left edge, right edge, count]` spanning min..max; all zeros
/// for no data; every edge at the value, and every count in the last
/// bucket, when all values are equal.
pub fn histogram_buckets(values: &[f64], buckets: usize) -> Vec<[f64; 3]> {
    if buckets == 0 {
        return Vec::new();
    }
    if values.is_empty() {
        return vec![[0.0; 3]; buckets];
    }
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let range = max - min;
    if range == 0.0 {
        let mut rows = vec![[max, max, 0.0]; buckets];
        rows[buckets - 1][2] = values.len() as f64;
        return rows;
    }
    let width = range / buckets as f64;
    let mut counts = vec![0.0; buckets];
    for &v in values {
        let index = ((v - min) / width).floor() as usize; // ≥ 0; NaN is excluded by the caller
        counts[index.min(buckets - 1)] += 1.0;
    }
    let edge = |i: usize| if i == buckets { max } else { min + i as f64 * width };
    (0..buckets).map(|i| [edge(i), edge(i + 1), counts[i]]).collect()
}

/// Writes summaries to one new event file in `logdir`.
#[derive(Debug)]
pub struct SummaryWriter {
    logdir: PathBuf,
    file: EventFileWriter,
}

impl SummaryWriter {
    /// Creates `logdir` if needed and a new event file in it
    /// (`tf.summary.create_file_writer(logdir)`).
    pub fn new(logdir: impl AsRef<Path>) -> Result<SummaryWriter> {
        let logdir = logdir.as_ref().to_path_buf();
        let file = EventFileWriter::new(&logdir)?;
        Ok(SummaryWriter { logdir, file })
    }

    /// The folder given to [`SummaryWriter::new`].
    pub fn logdir(&self) -> &Path {
        &self.logdir
    }

    /// The event file.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// Writes the buffered events to the file.
    pub fn flush(&mut self) -> Result<()> {
        self.file.flush()
    }

    /// Appends one event holding `value` at `step`.
    pub fn write_value(&mut self, value: Value, step: i64) -> Result<()> {
        let event =
            Event { wall_time: wall_time(), step, what: What::Summary(Summary { values: vec![value] }) };
        self.file.write_record(&event.encode())
    }

    fn error(&self, tag: &str, detail: impl std::fmt::Display) -> KerasError {
        KerasError::File {
            path: self.path().display().to_string(),
            detail: format!("summary \"{tag}\": {detail}"),
        }
    }

    /// A scalar (`tf.summary.scalar`), stored as float32.
    pub fn scalar(&mut self, tag: &str, value: f64, step: i64) -> Result<()> {
        self.write_value(Value::scalar(tag, value), step)
    }

    /// A histogram of `values` (`tf.summary.histogram`) in `buckets`
    /// buckets (default 30). Every value must be finite.
    pub fn histogram<T: Copy + Into<f64>>(
        &mut self,
        tag: &str,
        values: &[T],
        step: i64,
        buckets: Option<usize>,
    ) -> Result<()> {
        let values: Vec<f64> = values.iter().map(|&v| v.into()).collect();
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(self.error(tag, format!("value {i} of the histogram is {}", values[i])));
        }
        let rows = histogram_buckets(&values, buckets.unwrap_or(DEFAULT_BUCKETS));
        let tensor = Tensor::doubles(vec![rows.len() as i64, 3], rows.into_iter().flatten().collect());
        let metadata =
            Metadata { plugin_name: "histograms", content: Vec::new(), data_class: DataClass::Tensor };
        self.write_value(Value { tag: tag.to_string(), metadata, tensor }, step)
    }

    /// Images (`tf.summary.image`), PNG-encoded: `pixels` holds `shape =
    /// [n, height, width, channels]` values in row-major order, with 1
    /// (grey), 3 (RGB) or 4 (RGBA) channels. Every image is written (no
    /// `max_outputs`).
    pub fn image<'a>(
        &mut self,
        tag: &str,
        pixels: impl Into<Pixels<'a>>,
        shape: [usize; 4],
        step: i64,
    ) -> Result<()> {
        let pixels = pixels.into();
        let [n, height, width, channels] = shape;
        let color = match channels {
            1 => png::ColorType::Grayscale,
            3 => png::ColorType::Rgb,
            4 => png::ColorType::Rgba,
            _ => return Err(self.error(tag, format!("images need 1, 3 or 4 channels, got {channels}"))),
        };
        let size = height.checked_mul(width).and_then(|s| s.checked_mul(channels));
        let total = size.and_then(|s| s.checked_mul(n));
        let (Some(size), Some(total)) = (size, total) else {
            return Err(self.error(tag, format!("image shape {shape:?} is too large")));
        };
        if total != pixels.len() || height == 0 || width == 0 {
            return Err(self.error(
                tag,
                format!(
                    "image shape {shape:?} needs {total} values, got {} (and no side may be 0)",
                    pixels.len()
                ),
            ));
        }
        let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
            return Err(self.error(tag, format!("image shape {shape:?} is too large for PNG")));
        };
        let mut blobs = vec![width.to_string().into_bytes(), height.to_string().into_bytes()];
        for i in 0..n {
            let mut png_bytes = Vec::new();
            let mut encoder = png::Encoder::new(&mut png_bytes, w, h);
            encoder.set_color(color);
            encoder.set_depth(png::BitDepth::Eight);
            encoder
                .write_header()
                .and_then(|mut writer| {
                    writer.write_image_data(&pixels.bytes(i * size..(i + 1) * size))?;
                    writer.finish()
                })
                .map_err(|e| self.error(tag, format!("cannot encode image {i} as PNG: {e}")))?;
            blobs.push(png_bytes);
        }
        let tensor = Tensor::strings(vec![blobs.len() as i64], blobs);
        let metadata =
            Metadata { plugin_name: "images", content: Vec::new(), data_class: DataClass::BlobSequence };
        self.write_value(Value { tag: tag.to_string(), metadata, tensor }, step)
    }

    /// A text (`tf.summary.text`), shown as Markdown.
    pub fn text(&mut self, tag: &str, text: &str, step: i64) -> Result<()> {
        self.write_text(tag, Vec::new(), vec![text.as_bytes().to_vec()], step)
    }

    /// Several texts at one step (`tf.summary.text(tag, ["…", "…"])`),
    /// shown as a table.
    pub fn texts<S: AsRef<str>>(&mut self, tag: &str, texts: &[S], step: i64) -> Result<()> {
        let values = texts.iter().map(|t| t.as_ref().as_bytes().to_vec()).collect();
        self.write_text(tag, vec![texts.len() as i64], values, step)
    }

    fn write_text(&mut self, tag: &str, shape: Vec<i64>, values: Vec<Vec<u8>>, step: i64) -> Result<()> {
        let metadata = Metadata { plugin_name: "text", content: Vec::new(), data_class: DataClass::Tensor };
        self.write_value(
            Value { tag: tag.to_string(), metadata, tensor: Tensor::strings(shape, values) },
            step,
        )
    }

    /// One mono audio clip (`tf.summary.audio`), samples in `[-1, 1]`
    /// (clipped), stored as a 16-bit PCM WAV file.
    pub fn audio(&mut self, tag: &str, samples: &[f32], sample_rate: u32, step: i64) -> Result<()> {
        if sample_rate == 0 {
            return Err(self.error(tag, "the sample rate must be positive"));
        }
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut wav = Cursor::new(Vec::new());
        let encoded = hound::WavWriter::new(&mut wav, spec).and_then(|mut writer| {
            for &s in samples {
                let s = if s.is_nan() { 0.0 } else { s.clamp(-1.0, 1.0) };
                writer.write_sample((s * 32767.0).round() as i16)?;
            }
            writer.finalize()
        });
        encoded.map_err(|e| self.error(tag, format!("cannot encode the audio as WAV: {e}")))?;
        // AudioPluginData { version: 0, encoding: WAV (11) }.
        let metadata =
            Metadata { plugin_name: "audio", content: vec![0x10, 11], data_class: DataClass::BlobSequence };
        let tensor = Tensor::strings(vec![1], vec![wav.into_inner()]);
        self.write_value(Value { tag: tag.to_string(), metadata, tensor }, step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_like_tensorboard() {
        let rows = histogram_buckets(&[0.0, 1.0, 2.0, 3.0], 3);
        assert_eq!(rows, vec![[0.0, 1.0, 1.0], [1.0, 2.0, 1.0], [2.0, 3.0, 2.0]]);
        assert_eq!(histogram_buckets(&[], 2), vec![[0.0; 3]; 2]);
        assert_eq!(histogram_buckets(&[5.0, 5.0], 2), vec![[5.0, 5.0, 0.0], [5.0, 5.0, 2.0]]);
        assert!(histogram_buckets(&[1.0], 0).is_empty());
    }

    #[test]
    fn float_pixels_convert_as_tensorflow() {
        let p = [0.0f32, 1.0, 0.5, 2.0, -1.0, f32::NAN];
        assert_eq!(Pixels::from(&p[..]).bytes(0..6), vec![0, 255, 127, 255, 0, 0]);
    }
}
