//! The IDX format of MNIST and Fashion-MNIST: a big-endian header (a magic
//! number whose last byte is the number of dimensions, then one `u32` per
//! dimension) followed by the values, here unsigned bytes.
//!
//! ```
//! # use datasets::idx;
//! // A file of two 1×2 images, written by hand.
//! let bytes = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40];
//! let images = idx::parse_images("two.idx".as_ref(), &bytes).unwrap();
//! assert_eq!(images.shape(), [2, 1, 2]);
//! assert_eq!(images.image(1), &[30, 40]);
//! ```

use std::path::Path;

use nalgebra::DMatrix;

use crate::error::{Error, Result};

/// Magic number of an IDX file of unsigned bytes with 3 dimensions (images).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of unsigned bytes with 1 dimension (labels).
pub const LABELS_MAGIC: u32 = 0x0000_0801;

/// Grayscale images stored contiguously, row-major, shape `[n, rows, cols]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Images {
    rows: usize,
    cols: usize,
    pixels: Vec<u8>,
}

impl Images {
    /// Images of `rows × cols` pixels from contiguous row-major bytes; an
    /// error if the byte count is not a multiple of the image size.
    pub fn new(rows: usize, cols: usize, pixels: Vec<u8>) -> Result<Self> {
        let size = rows * cols;
        if size == 0 || !pixels.len().is_multiple_of(size) {
            return Err(Error::Invalid(format!(
                "{} bytes do not make whole {rows}×{cols} images",
                pixels.len()
            )));
        }
        Ok(Images { rows, cols, pixels })
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.pixels.len() / (self.rows * self.cols)
    }

    /// True when there are no images.
    pub fn is_empty(&self) -> bool {
        self.pixels.is_empty()
    }

    /// `[n, rows, cols]`.
    pub fn shape(&self) -> [usize; 3] {
        [self.len(), self.rows, self.cols]
    }

    /// Pixels of one image (`rows × cols` bytes, row-major).
    ///
    /// # Panics
    /// If `i` is out of range, like slice indexing.
    pub fn image(&self, i: usize) -> &[u8] {
        let size = self.rows * self.cols;
        &self.pixels[i * size..(i + 1) * size]
    }

    /// All pixels, image after image.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The images at `indices`, in that order.
    ///
    /// # Panics
    /// If an index is out of range.
    pub fn select(&self, indices: &[usize]) -> Images {
        let mut pixels = Vec::with_capacity(indices.len() * self.rows * self.cols);
        for &i in indices {
            pixels.extend_from_slice(self.image(i));
        }
        Images { rows: self.rows, cols: self.cols, pixels }
    }

    /// One row per image, one column per pixel, scaled from 0–255 to 0–1
    /// (the chapter's `X_train / 255.`).
    pub fn to_matrix_f32(&self) -> DMatrix<f32> {
        // nalgebra stores columns contiguously, the file stores images
        // (rows): copy in blocks of 64 images so that reads and writes both
        // stay in cache.
        let (n, size) = (self.len(), self.rows * self.cols);
        let mut data = vec![0.0f32; n * size];
        for start in (0..n).step_by(64) {
            let end = (start + 64).min(n);
            for j in 0..size {
                let column = &mut data[j * n + start..j * n + end];
                for (value, i) in column.iter_mut().zip(start..end) {
                    *value = f32::from(self.pixels[i * size + j]) / 255.0;
                }
            }
        }
        DMatrix::from_vec(n, size, data)
    }
}

fn header(path: &Path, bytes: &[u8], magic: u32, dims: usize, what: &str) -> Result<Vec<usize>> {
    let need = 4 + 4 * dims;
    let bad = |message: String| Error::Idx { path: path.to_path_buf(), message };
    let word =
        |i: usize| u32::from_be_bytes([bytes[4 * i], bytes[4 * i + 1], bytes[4 * i + 2], bytes[4 * i + 3]]);
    if bytes.len() >= 4 && word(0) != magic {
        let found = word(0);
        let hint = match found {
            IMAGES_MAGIC => " (that is an image file)",
            LABELS_MAGIC => " (that is a label file)",
            _ => "",
        };
        return Err(bad(format!("magic number {found:#010x}{hint}, expected {magic:#010x} for {what}")));
    }
    if bytes.len() < need {
        return Err(bad(format!(
            "{} bytes, shorter than the {need}-byte header of an IDX {what} file",
            bytes.len()
        )));
    }
    let shape: Vec<usize> = (1..=dims).map(|i| word(i) as usize).collect();
    let count = shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    match count {
        Some(count) if bytes.len() - need == count => Ok(shape),
        Some(count) => Err(bad(format!(
            "the header announces shape {shape:?} = {count} values, but {} bytes follow it{}",
            bytes.len() - need,
            if bytes.len() - need < count { " (truncated?)" } else { "" }
        ))),
        None => Err(bad(format!("the header's shape {shape:?} overflows"))),
    }
}

/// Parses an IDX file of images (`u8`, 3 dimensions). `path` only names the
/// file in error messages.
pub fn parse_images(path: &Path, bytes: &[u8]) -> Result<Images> {
    let shape = header(path, bytes, IMAGES_MAGIC, 3, "images")?;
    if shape[1] == 0 || shape[2] == 0 {
        return Err(Error::Idx {
            path: path.to_path_buf(),
            message: format!("images of {}×{} pixels", shape[1], shape[2]),
        });
    }
    Ok(Images { rows: shape[1], cols: shape[2], pixels: bytes[16..].to_vec() })
}

/// Parses an IDX file of labels (`u8`, 1 dimension).
pub fn parse_labels(path: &Path, bytes: &[u8]) -> Result<Vec<u8>> {
    header(path, bytes, LABELS_MAGIC, 1, "labels")?;
    Ok(bytes[8..].to_vec())
}

/// Writes images as an IDX file's bytes (the inverse of [`parse_images`]).
pub fn encode_images(images: &Images) -> Vec<u8> {
    let [n, rows, cols] = images.shape();
    let mut out = Vec::with_capacity(16 + images.pixels.len());
    for word in [IMAGES_MAGIC, n as u32, rows as u32, cols as u32] {
        out.extend_from_slice(&word.to_be_bytes());
    }
    out.extend_from_slice(&images.pixels);
    out
}

/// Writes labels as an IDX file's bytes (the inverse of [`parse_labels`]).
pub fn encode_labels(labels: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + labels.len());
    out.extend_from_slice(&LABELS_MAGIC.to_be_bytes());
    out.extend_from_slice(&(labels.len() as u32).to_be_bytes());
    out.extend_from_slice(labels);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_matrix_puts_image_i_pixel_j_at_row_i_column_j() {
        // 130 images cross two block boundaries of the blocked copy.
        let (n, rows, cols) = (130, 3, 5);
        let pixels: Vec<u8> = (0..n * rows * cols).map(|k| (k * 7 % 256) as u8).collect();
        let images = Images::new(rows, cols, pixels.clone()).unwrap();
        let x = images.to_matrix_f32();
        assert_eq!(x.shape(), (n, rows * cols));
        for i in 0..n {
            for j in 0..rows * cols {
                assert_eq!(x[(i, j)], f32::from(pixels[i * rows * cols + j]) / 255.0);
            }
        }
    }
}
