//! Data for the models: [`Tensor`], a batch of samples of any shape stored
//! row-major like a NumPy array, and [`Labels`], class indices or target
//! values; [`to_categorical`] and [`argmax`] convert between the two forms
//! of class labels.
//!
//! ```
//! use keras::{Tensor, argmax, to_categorical};
//! let x = Tensor::new(vec![0.0; 2 * 28 * 28], &[2, 28, 28])?;
//! assert_eq!(x.shape(), &[2, 28, 28]);
//! assert_eq!(x.sample_shape(), &[28, 28]);
//! let one_hot = to_categorical(&[2, 0], 3)?;
//! assert_eq!(argmax(&one_hot), vec![2, 0]);
//! # Ok::<(), keras::KerasError>(())
//! ```

use std::fmt;

use nalgebra::{DMatrix, DVector};

use crate::error::{KerasError, Result};

/// Samples stacked along the first axis, any shape per sample, `f32`,
/// stored row-major (each sample's values are contiguous, as in NumPy).
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    values: Vec<f32>,
    shape: Vec<usize>,
}

/// A shape as Keras prints it, with `None` for the batch dimension.
pub(crate) fn shape_string(batch: Option<usize>, sample: &[usize]) -> String {
    let mut parts = vec![batch.map_or("None".to_string(), |n| n.to_string())];
    parts.extend(sample.iter().map(usize::to_string));
    if parts.len() == 1 { format!("({},)", parts[0]) } else { format!("({})", parts.join(", ")) }
}

impl Tensor {
    /// A tensor of this shape (first axis: samples) from row-major values.
    pub fn new(values: Vec<f32>, shape: &[usize]) -> Result<Tensor> {
        let size: usize = shape.iter().product();
        if shape.is_empty() || size != values.len() {
            return Err(KerasError::Argument(format!(
                "a tensor of shape {shape:?} needs {size} values, got {}",
                values.len()
            )));
        }
        Ok(Tensor { values, shape: shape.to_vec() })
    }

    /// Images as a tensor of this shape (n, rows, cols), pixels scaled
    /// from 0–255 to [0, 1] (the chapter divides by 255).
    pub fn from_pixels(pixels: &[u8], shape: &[usize]) -> Result<Tensor> {
        Tensor::new(pixels.iter().map(|&p| f32::from(p) / 255.0).collect(), shape)
    }

    /// Shape (first axis: samples).
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The shape of one sample.
    pub fn sample_shape(&self) -> &[usize] {
        &self.shape[1..]
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.shape[0]
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.shape[0] == 0
    }

    /// Values per sample.
    pub fn sample_size(&self) -> usize {
        self.shape[1..].iter().product()
    }

    /// All values, row-major.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// Sample `i`'s values.
    ///
    /// # Panics
    /// If `i` is out of range.
    pub fn sample(&self, i: usize) -> &[f32] {
        let d = self.sample_size();
        &self.values[i * d..(i + 1) * d]
    }

    /// Samples `start..end` as a new tensor (like `x[start:end]`).
    pub fn slice(&self, start: usize, end: usize) -> Result<Tensor> {
        if start > end || end > self.len() {
            return Err(KerasError::Argument(format!(
                "cannot take samples {start}..{end} of a tensor of {}",
                self.len()
            )));
        }
        let d = self.sample_size();
        let mut shape = self.shape.clone();
        shape[0] = end - start;
        Ok(Tensor { values: self.values[start * d..end * d].to_vec(), shape })
    }

    /// Features `range` of every sample of a tensor of shape (n, d)
    /// (`X[:, 2:8]` in NumPy).
    pub fn columns(&self, range: std::ops::Range<usize>) -> Result<Tensor> {
        let d = match self.shape.as_slice() {
            &[_, d] if range.start < range.end && range.end <= d => d,
            _ => {
                return Err(KerasError::Argument(format!(
                    "cannot take columns {}..{} of a tensor of shape {:?}",
                    range.start, range.end, self.shape
                )));
            }
        };
        let values = (0..self.len())
            .flat_map(|i| self.values[i * d + range.start..i * d + range.end].iter().copied())
            .collect();
        Ok(Tensor { values, shape: vec![self.len(), range.len()] })
    }

    /// The samples as the rows of a matrix (n × values per sample).
    pub fn to_matrix(&self) -> DMatrix<f32> {
        DMatrix::from_row_slice(self.len(), self.sample_size(), &self.values)
    }

    /// Copies the samples `indices` into the rows of `batch`, resizing it
    /// only if its shape differs (no allocation in a training loop).
    pub(crate) fn gather_rows(&self, indices: &[usize], batch: &mut DMatrix<f32>) {
        let d = self.sample_size();
        if batch.shape() != (indices.len(), d) {
            *batch = DMatrix::zeros(indices.len(), d);
        }
        let m = indices.len();
        // Column by column, so the writes run in order (the batch is
        // column-major) and each sample's row is read in order across
        // the columns (its cache lines stay in L1 meanwhile).
        for (c, column) in batch.as_mut_slice().chunks_exact_mut(m.max(1)).enumerate() {
            for (out, &i) in column.iter_mut().zip(indices) {
                *out = self.values[i * d + c];
            }
        }
    }
}

impl From<&DMatrix<f32>> for Tensor {
    /// One sample per row.
    fn from(m: &DMatrix<f32>) -> Tensor {
        let values = m.transpose().as_slice().to_vec();
        Tensor { values, shape: vec![m.nrows(), m.ncols()] }
    }
}

impl From<&DMatrix<f64>> for Tensor {
    /// One sample per row, rounded to `f32`.
    fn from(m: &DMatrix<f64>) -> Tensor {
        let values = m.transpose().as_slice().iter().map(|&v| v as f32).collect();
        Tensor { values, shape: vec![m.nrows(), m.ncols()] }
    }
}

impl fmt::Display for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tensor{}", shape_string(Some(self.len()), self.sample_shape()))
    }
}

/// What a model learns to predict: one class index per sample (sparse
/// labels, as Fashion-MNIST's `y_train`) or a row of values per sample
/// (regression targets, one-hot rows, binary labels).
#[derive(Clone, Debug, PartialEq)]
pub enum Labels {
    /// One class index per sample.
    Classes(Vec<usize>),
    /// One row per sample.
    Values(DMatrix<f32>),
}

impl Labels {
    /// Number of samples labelled.
    pub fn len(&self) -> usize {
        match self {
            Labels::Classes(c) => c.len(),
            Labels::Values(v) => v.nrows(),
        }
    }

    /// True when there are no labels.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The shape, as Keras prints a NumPy array's: `(n,)` or `(n, k)`.
    pub fn shape_string(&self) -> String {
        match self {
            Labels::Classes(c) => format!("({},)", c.len()),
            Labels::Values(v) => format!("({}, {})", v.nrows(), v.ncols()),
        }
    }

    /// Labels `start..end`.
    pub fn slice(&self, start: usize, end: usize) -> Result<Labels> {
        if start > end || end > self.len() {
            return Err(KerasError::Argument(format!("cannot take labels {start}..{end} of {}", self.len())));
        }
        Ok(match self {
            Labels::Classes(c) => Labels::Classes(c[start..end].to_vec()),
            Labels::Values(v) => Labels::Values(v.rows(start, end - start).into_owned()),
        })
    }
}

impl From<&[u8]> for Labels {
    fn from(labels: &[u8]) -> Labels {
        Labels::Classes(labels.iter().map(|&l| usize::from(l)).collect())
    }
}

impl From<Vec<u8>> for Labels {
    fn from(labels: Vec<u8>) -> Labels {
        Labels::from(labels.as_slice())
    }
}

impl From<&[usize]> for Labels {
    fn from(labels: &[usize]) -> Labels {
        Labels::Classes(labels.to_vec())
    }
}

impl From<Vec<usize>> for Labels {
    fn from(labels: Vec<usize>) -> Labels {
        Labels::Classes(labels)
    }
}

impl From<DMatrix<f32>> for Labels {
    fn from(values: DMatrix<f32>) -> Labels {
        Labels::Values(values)
    }
}

impl From<&DVector<f64>> for Labels {
    /// One target value per sample (an n × 1 column), rounded to `f32`.
    fn from(values: &DVector<f64>) -> Labels {
        Labels::Values(DMatrix::from_iterator(values.len(), 1, values.iter().map(|&v| v as f32)))
    }
}

impl From<&[f32]> for Labels {
    /// One target value per sample (an n × 1 column).
    fn from(values: &[f32]) -> Labels {
        Labels::Values(DMatrix::from_column_slice(values.len(), 1, values))
    }
}

/// One-hot rows for class indices (Keras's `to_categorical`).
pub fn to_categorical(labels: &[usize], num_classes: usize) -> Result<DMatrix<f32>> {
    if let Some(i) = labels.iter().position(|&l| l >= num_classes) {
        return Err(KerasError::Argument(format!(
            "to_categorical: label {} (sample {i}) is not below num_classes = {num_classes}",
            labels[i]
        )));
    }
    let mut out = DMatrix::zeros(labels.len(), num_classes);
    for (r, &l) in labels.iter().enumerate() {
        out[(r, l)] = 1.0;
    }
    Ok(out)
}

/// The index of the largest entry of each row (`np.argmax(p, axis=-1)`);
/// the first one on ties.
pub fn argmax(rows: &DMatrix<f32>) -> Vec<usize> {
    (0..rows.nrows()).map(|r| argmax_row(rows, r)).collect()
}

/// The column of the largest entry of row `r` (the first one on ties).
pub(crate) fn argmax_row(m: &DMatrix<f32>, r: usize) -> usize {
    (1..m.ncols()).fold(0, |best, c| if m[(r, c)] > m[(r, best)] { c } else { best })
}
