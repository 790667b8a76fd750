//! Saving and loading models in Keras 3's own format.
//!
//! [`Model::save`] writes a `.keras` file: a zip archive holding
//! `config.json` (the architecture and the compile settings),
//! `metadata.json`, and `model.weights.h5` (every weight and the
//! optimizer's state, in HDF5). Keras 3 loads it with
//! `keras.models.load_model`, and [`load_model`] loads the files Keras
//! writes. [`Model::save_weights`] and [`Model::load_weights`] read and
//! write the weights alone (`.weights.h5`), for checkpoints and for
//! models whose architecture is code (the Subclassing API);
//! [`Model::export_safetensors`] writes them for candle, burn or PyTorch.
//!
//! Every file is written under a temporary name in the same folder and
//! then renamed, so a save that fails half-way leaves the old file as it
//! was. Loading checks everything before it changes anything, and a bad
//! file gives an error naming the file and what is wrong in it.
//!
//! ```
//! use keras::layers::{Dense, Input};
//! use keras::{Sequential, Tensor};
//! keras::clear_session();
//! let mut model = Sequential::new(vec![Input::new(&[3]).into(), Dense::new(2).activation("relu").into()])?;
//! model.compile("mse", "adam", &[])?;
//! let dir = std::env::temp_dir().join(format!("keras-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("my_model.keras");
//! model.save(&path)?;
//! let loaded = keras::load_model(&path)?;
//! assert_eq!(loaded.get_weights()?, model.get_weights()?);
//! let x = Tensor::new(vec![0.5, -1.0, 2.0], &[1, 3])?;
//! assert_eq!(loaded.predict(&x)?, model.predict(&x)?);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), keras::KerasError>(())
//! ```

mod archive;
mod config;
mod fields;
mod safetensors_export;
mod weights;

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

pub(crate) use config::model_inner_config;
pub(crate) use fields::Fields;
pub use safetensors_export::KernelLayout;

use crate::error::{KerasError, Result};
use crate::model::{Kind, Model};

/// The Keras version whose format these files follow.
pub const KERAS_FORMAT_VERSION: &str = "3.15.1";

fn file_error(path: &Path, detail: impl Into<String>) -> KerasError {
    KerasError::File { path: path.display().to_string(), detail: detail.into() }
}

/// Prefixes an error with the file it came from.
fn in_file(path: &Path) -> impl Fn(KerasError) -> KerasError + '_ {
    move |e| match e {
        KerasError::File { .. } => e,
        other => file_error(path, other.to_string()),
    }
}

/// Writes a file safely: `write` fills a temporary file in the same
/// folder, which is flushed to disk and then renamed over `path`. If
/// `write` fails, or anything else does, the temporary file is removed
/// and `path` is left as it was.
///
/// ```
/// use std::io::Write;
/// let path = std::env::temp_dir().join(format!("atomic-doc-{}.txt", std::process::id()));
/// keras::saving::write_atomically(&path, |w| w.write_all(b"first"))?;
/// let failed = keras::saving::write_atomically(&path, |w| {
///     w.write_all(b"half")?;
///     Err(std::io::Error::other("the disk is full"))
/// });
/// assert!(failed.is_err());
/// assert_eq!(std::fs::read(&path).unwrap(), b"first");
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), keras::KerasError>(())
/// ```
pub fn write_atomically(
    path: impl AsRef<Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let path = path.as_ref();
    let name = path.file_name().ok_or_else(|| file_error(path, "not a file name"))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(file_error(path, format!("the folder {} does not exist", dir.display())));
    }
    let tmp = dir.join(format!(
        ".{}.{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| -> std::io::Result<()> {
        let file = std::fs::File::create(&tmp)?;
        let mut out = std::io::BufWriter::new(file);
        write(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        file_error(path, format!("cannot write: {e}"))
    })
}

fn check_suffix(path: &Path, suffix: &str, what: &str) -> Result<()> {
    if path.to_string_lossy().ends_with(suffix) {
        Ok(())
    } else {
        Err(file_error(path, format!("{what} must end in \"{suffix}\" (as Keras requires)")))
    }
}

/// The model's generator, as three numbers that restore it exactly.
fn rng_state(rng: &ChaCha8Rng) -> Value {
    let seed: String = rng.get_seed().iter().map(|b| format!("{b:02x}")).collect();
    json!({ "seed": seed, "stream": rng.get_stream(), "word_pos": rng.get_word_pos().to_string() })
}

fn rng_from_state(state: &Value) -> Option<ChaCha8Rng> {
    let hex = state.get("seed")?.as_str()?;
    if hex.len() != 64 {
        return None;
    }
    let mut seed = [0u8; 32];
    for (i, b) in seed.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    let mut rng = ChaCha8Rng::from_seed(seed);
    rng.set_stream(state.get("stream")?.as_u64()?);
    rng.set_word_pos(state.get("word_pos")?.as_str()?.parse().ok()?);
    Some(rng)
}

fn metadata(model: &Model) -> Value {
    let now = crate::clock::DateTime::now();
    json!({
        "keras_version": KERAS_FORMAT_VERSION,
        "date_saved": format!(
            "{:04}-{:02}-{:02}@{:02}:{:02}:{:02}",
            now.year, now.month, now.day, now.hour, now.minute, now.second
        ),
        "neurons": {
            "version": env!("CARGO_PKG_VERSION"),
            // What an exact resume needs beyond Keras's state: the
            // generator that shuffles the next epochs.
            "rng": rng_state(&model.rng),
        },
    })
}

impl Model {
    /// Saves the model as a Keras 3 `.keras` file: architecture, weights
    /// (the Normalization statistics included), compile settings and the
    /// optimizer's state, so that training can go on after
    /// [`load_model`]. A subclassed model cannot be saved this way (its
    /// architecture is code): use [`Model::save_weights`].
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        check_suffix(path, ".keras", "a model file")?;
        if let Kind::Subclassed(_) = self.kind {
            // The message says what to do instead.
            config::model_inner_config(self).map_err(in_file(path))?;
        }
        self.require_built().map_err(in_file(path))?;
        let config = config::model_config(self).map_err(in_file(path))?;
        let weights = weights::write(self, true).map_err(in_file(path))?;
        let bytes = archive::write(&metadata(self), &config, &weights).map_err(in_file(path))?;
        write_atomically(path, |w| w.write_all(&bytes))
    }

    /// Saves the weights alone as a Keras 3 `.weights.h5` file (what
    /// `model.save_weights` writes; the optimizer's state too, as Keras 3
    /// does). Works for every kind of model.
    pub fn save_weights(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        check_suffix(path, ".weights.h5", "a weights file")?;
        self.require_built().map_err(in_file(path))?;
        let bytes = weights::write(self, true).map_err(in_file(path))?;
        write_atomically(path, |w| w.write_all(&bytes))
    }

    /// Loads weights saved by [`Model::save_weights`] (here or by Keras)
    /// into this model, which must have the same architecture, or the
    /// weights of a `.keras` file. Every weight is checked (presence,
    /// shape) before any is changed. The optimizer's state is loaded too
    /// if the file has it and the model is compiled.
    pub fn load_weights(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let bytes = read_file(path)?;
        let h5 = if path.to_string_lossy().ends_with(".keras") {
            archive::read(&bytes).map_err(in_file(path))?.weights
        } else {
            check_suffix(path, ".weights.h5", "a weights file")?;
            bytes
        };
        self.require_built().map_err(in_file(path))?;
        let loaded = weights::read(self, h5, true).map_err(in_file(path))?;
        weights::apply(self, loaded);
        Ok(())
    }

    /// Writes the weights as a safetensors file (for candle, burn,
    /// PyTorch), keyed by their paths (`dense/kernel`, `dense/bias`).
    /// `layout` chooses how Dense kernels are stored: as Keras has them,
    /// `[inputs, units]`, or transposed, `[units, inputs]`, as PyTorch's
    /// and candle's `Linear` expect.
    pub fn export_safetensors(&self, path: impl AsRef<Path>, layout: KernelLayout) -> Result<()> {
        let path = path.as_ref();
        self.require_built().map_err(in_file(path))?;
        let bytes = safetensors_export::serialize(self, layout).map_err(in_file(path))?;
        write_atomically(path, |w| w.write_all(&bytes))
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| file_error(path, format!("cannot read: {e}")))
}

/// Loads a model saved by [`Model::save`] or by Keras 3
/// (`keras.models.load_model`): it is rebuilt from its config, given its
/// weights, compiled as it was, with its optimizer's state, so `fit`
/// goes on where it stopped.
pub fn load_model(path: impl AsRef<Path>) -> Result<Model> {
    let path = path.as_ref();
    let bytes = read_file(path)?;
    load_model_bytes(&bytes).map_err(in_file(path))
}

/// [`load_model`] from the bytes of a `.keras` file.
pub fn load_model_bytes(bytes: &[u8]) -> Result<Model> {
    let archive = archive::read(bytes)?;
    let mut model = config::model_from_config(&archive.config)?;
    let loaded = weights::read(&model, archive.weights, true)?;
    weights::apply(&mut model, loaded);
    if let Some(rng) = archive.metadata.pointer("/neurons/rng").and_then(rng_from_state) {
        model.rng = rng;
    }
    Ok(model)
}
