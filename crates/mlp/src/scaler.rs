//! Standardization, as scikit-learn's `StandardScaler`: each feature minus
//! its mean, divided by its standard deviation (population, ddof = 0),
//! both measured on the training set only. A constant feature is only
//! centred. Gradient descent converges much faster when features share a
//! scale.
//!
//! ```
//! use mlp::StandardScaler;
//! use nalgebra::dmatrix;
//! let x = dmatrix![1.0, 10.0; 3.0, 10.0];
//! let scaler = StandardScaler::fit(&x)?;
//! assert_eq!(scaler.transform(&x)?, dmatrix![-1.0, 0.0; 1.0, 0.0]);
//! # Ok::<(), mlp::MlpError>(())
//! ```

use mcculloch_pitts::ShapeError;
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use crate::error::{MlpError, Result};

/// Per-feature mean and scale, learned by [`StandardScaler::fit`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StandardScaler {
    /// The mean of each feature.
    pub mean: DVector<f64>,
    /// The standard deviation of each feature (1 where it is 0).
    pub scale: DVector<f64>,
}

impl StandardScaler {
    /// Learns the mean and standard deviation of every column.
    pub fn fit(x: &DMatrix<f64>) -> Result<StandardScaler> {
        if x.nrows() == 0 {
            return Err(MlpError::Data("cannot fit a StandardScaler on 0 rows".into()));
        }
        let n = x.nrows() as f64;
        let mean = DVector::from_iterator(x.ncols(), x.column_iter().map(|c| c.sum() / n));
        let scale = DVector::from_iterator(
            x.ncols(),
            x.column_iter().zip(mean.iter()).map(|(c, &m)| {
                let sd = (c.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n).sqrt();
                if sd > 0.0 { sd } else { 1.0 }
            }),
        );
        Ok(StandardScaler { mean, scale })
    }

    fn check(&self, x: &DMatrix<f64>) -> Result<()> {
        if x.ncols() == self.mean.len() {
            return Ok(());
        }
        Err(ShapeError {
            operation: "StandardScaler",
            detail: format!("fitted on {} features, given {}", self.mean.len(), x.ncols()),
        }
        .into())
    }

    /// `(x − mean) / scale`, column by column.
    pub fn transform(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>> {
        self.check(x)?;
        let mut out = x.clone();
        for ((mut c, &m), &s) in out.column_iter_mut().zip(self.mean.iter()).zip(self.scale.iter()) {
            c.apply(|v| *v = (*v - m) / s);
        }
        Ok(out)
    }

    /// Fits on `x` and transforms it.
    pub fn fit_transform(x: &DMatrix<f64>) -> Result<(StandardScaler, DMatrix<f64>)> {
        let scaler = StandardScaler::fit(x)?;
        let out = scaler.transform(x)?;
        Ok((scaler, out))
    }

    /// Undoes [`StandardScaler::transform`].
    pub fn inverse_transform(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>> {
        self.check(x)?;
        let mut out = x.clone();
        for ((mut c, &m), &s) in out.column_iter_mut().zip(self.mean.iter()).zip(self.scale.iter()) {
            c.apply(|v| *v = *v * s + m);
        }
        Ok(out)
    }
}
