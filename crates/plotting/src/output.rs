//! Output formats and atomic writes.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::{BitMapBackend, DrawingArea, DrawingAreaErrorKind, IntoDrawingArea, SVGBackend};

use crate::PlotError;

/// The format of a figure, chosen by the extension of its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A PNG bitmap (`.png`).
    Png,
    /// An SVG vector drawing (`.svg`).
    Svg,
}

impl Format {
    /// The format named by the extension of `path` (case-insensitive), or
    /// `None` for any other extension.
    pub fn from_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "png" => Some(Self::Png),
            "svg" => Some(Self::Svg),
            _ => None,
        }
    }

    /// The file name extension of the format, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Svg => "svg",
        }
    }
}

/// The format of `path`, or [`PlotError::UnsupportedFormat`].
pub(crate) fn format_of(path: &Path) -> Result<Format, PlotError> {
    Format::from_path(path).ok_or_else(|| PlotError::UnsupportedFormat { path: path.to_path_buf() })
}

/// Converts a `plotters` drawing error into a [`PlotError::Draw`] naming
/// `path`.
pub(crate) fn draw_error<E>(path: &Path, error: DrawingAreaErrorKind<E>) -> PlotError
where
    E: std::error::Error + Send + Sync,
{
    PlotError::Draw { path: path.to_path_buf(), message: error.to_string() }
}

/// An [`PlotError::InvalidArgument`] naming `path`.
pub(crate) fn invalid(path: &Path, message: impl Into<String>) -> PlotError {
    PlotError::InvalidArgument { path: path.to_path_buf(), message: message.into() }
}

/// The largest width or height of a figure, in pixels.
pub(crate) const MAX_SIDE: u32 = 20_000;

/// Something that draws a figure on a drawing area of any backend.
///
/// A trait rather than a closure because the drawing code must be generic
/// over the backend (bitmap or SVG).
pub(crate) trait Figure {
    /// Draws the figure on `root`, which covers the whole canvas.
    /// `path` is the final destination, for error messages only.
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>, path: &Path) -> Result<(), PlotError>
    where
        DB: plotters::prelude::DrawingBackend,
        DB::ErrorType: 'static;
}

/// Renders `figure` on a `size` canvas into a temporary file next to `path`,
/// then renames it onto `path`.
///
/// The parent folder is created if it is missing. On any error the temporary
/// file is removed and `path` is left as it was.
pub(crate) fn write_atomically(path: &Path, size: (u32, u32), figure: &impl Figure) -> Result<(), PlotError> {
    let format = format_of(path)?;
    let (width, height) = size;
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(invalid(
            path,
            format!("figure size {width}×{height} is not within 1..={MAX_SIDE} pixels per side"),
        ));
    }
    let temporary = temporary_beside(path, format)?;

    // The backend lives only inside `render`: it is dropped (and has written
    // its file) before the temporary file is persisted or removed.
    render(temporary.path(), format, size, figure, path)?;

    persist(temporary, path)
}

/// Writes `text` (an SVG drawn without `plotters`) to a temporary file next
/// to `path`, then renames it onto `path`, like [`write_atomically`].
pub(crate) fn write_text_atomically(path: &Path, text: &str) -> Result<(), PlotError> {
    let format = format_of(path)?;
    let mut temporary = temporary_beside(path, format)?;
    temporary
        .write_all(text.as_bytes())
        .map_err(|source| PlotError::Io { path: path.to_path_buf(), source })?;
    persist(temporary, path)
}

/// An empty temporary file in the folder of `path` (created if missing),
/// removed when dropped unless persisted.
fn temporary_beside(path: &Path, format: Format) -> Result<tempfile::NamedTempFile, PlotError> {
    let io_error = |source| PlotError::Io { path: path.to_path_buf(), source };
    let folder: PathBuf = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&folder).map_err(io_error)?;

    let suffix = format!(".{}", format.extension());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".plotting-").suffix(&suffix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Figures are ordinary files: readable by everyone, like `fs::write`.
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    builder.tempfile_in(&folder).map_err(io_error)
}

/// Renames the finished temporary file onto `path`.
fn persist(temporary: tempfile::NamedTempFile, path: &Path) -> Result<(), PlotError> {
    temporary
        .persist(path)
        .map_err(|error| PlotError::Io { path: path.to_path_buf(), source: error.error })?;
    Ok(())
}

/// Draws `figure` with the backend for `format`, writing to `target`.
fn render(
    target: &Path,
    format: Format,
    size: (u32, u32),
    figure: &impl Figure,
    path: &Path,
) -> Result<(), PlotError> {
    match format {
        Format::Png => {
            let root = BitMapBackend::new(target, size).into_drawing_area();
            figure.draw(&root, path)?;
            root.present().map_err(|e| draw_error(path, e))
        }
        Format::Svg => {
            let root = SVGBackend::new(target, size).into_drawing_area();
            figure.draw(&root, path)?;
            root.present().map_err(|e| draw_error(path, e))
        }
    }
}
