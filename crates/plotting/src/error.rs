//! The error type of the crate.

use std::path::PathBuf;

use thiserror::Error;

/// Why a figure could not be drawn.
///
/// Every variant that concerns one figure names its destination path, so a
/// message read in a log says which figure failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PlotError {
    /// The bundled font could not be registered with `plotters`.
    #[error("cannot register the bundled DejaVu Sans font: {0}")]
    Font(String),

    /// The extension of the destination path names no supported format.
    #[error("cannot draw {}: unsupported figure format (use a .png or .svg extension)", path.display())]
    UnsupportedFormat {
        /// The destination path.
        path: PathBuf,
    },

    /// Creating the folder, the temporary file or the final file failed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The destination path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// `plotters` reported an error while drawing.
    #[error("cannot draw {}: {message}", path.display())]
    Draw {
        /// The destination path.
        path: PathBuf,
        /// The error reported by `plotters`.
        message: String,
    },

    /// There is nothing to draw.
    #[error("cannot draw {}: {what}", path.display())]
    Empty {
        /// The destination path.
        path: PathBuf,
        /// What is empty.
        what: String,
    },

    /// An image of a grid does not have `height × width` pixels.
    #[error(
        "cannot draw {}: image {index} has {actual} pixels, expected {height}×{width} = {expected}",
        path.display()
    )]
    ImageSize {
        /// The destination path.
        path: PathBuf,
        /// The index of the faulty image.
        index: usize,
        /// The expected image height, in pixels.
        height: usize,
        /// The expected image width, in pixels.
        width: usize,
        /// The expected pixel count, `height × width`.
        expected: usize,
        /// The pixel count of the image.
        actual: usize,
    },

    /// An image grid was given titles, but not one per image.
    #[error("cannot draw {}: {titles} titles for {images} images", path.display())]
    TitleCount {
        /// The destination path.
        path: PathBuf,
        /// The number of titles.
        titles: usize,
        /// The number of images.
        images: usize,
    },

    /// A point of a series has a coordinate that is NaN or infinite.
    #[error("cannot draw {}: point {index} of series {series:?} is not finite ({x}, {y})", path.display())]
    NonFinite {
        /// The destination path.
        path: PathBuf,
        /// The name of the series.
        series: String,
        /// The index of the point in its series.
        index: usize,
        /// The x coordinate of the point.
        x: f64,
        /// The y coordinate of the point.
        y: f64,
    },

    /// An argument is out of its valid range (a zero size, an empty axis
    /// range, a figure too large, ...).
    #[error("cannot draw {}: {message}", path.display())]
    InvalidArgument {
        /// The destination path.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },

    /// `layout-rs` could not parse a graph's DOT text.
    #[error("cannot parse the DOT text of a graph: {0}")]
    Dot(String),
}
