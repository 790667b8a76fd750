//! Losses, and their gradients with respect to the output layer's weighted
//! sums `z`.
//!
//! | loss | per instance | for |
//! |---|---|---|
//! | MSE | mean of (ŷ − y)² over the outputs | regression (Table 10-1) |
//! | half MSE | half of that | scikit-learn's `MLPRegressor` |
//! | MAE | mean of abs(ŷ − y) | regression with many outliers |
//! | Huber(δ) | ½r² if abs(r) ≤ δ, else δ(abs(r) − ½δ) | outliers, quadratic near 0 |
//! | binary cross-entropy | −[y ln p + (1 − y) ln(1 − p)], mean over outputs | binary and multilabel (sigmoid outputs) |
//! | categorical cross-entropy | −Σ_k y_k ln p_k | multiclass (softmax outputs) |
//!
//! The value of a batch is the mean over its instances. Cross-entropy is
//! never computed from probabilities, which round to 0 or 1 for large
//! logits: with a softmax output it is `logsumexp(z) − z_true`, with a
//! sigmoid output `max(z, 0) − zy + ln(1 + e^(−abs(z)))`, both finite for
//! any finite `z`. Their gradients with respect to `z` simplify to
//! `(p − y) / m`, which is what the backward pass starts from.
//!
//! ```
//! use nalgebra::dmatrix;
//! use mlp::{Activation, Loss, Targets};
//! let z = dmatrix![1e4, -1e4]; // one instance, two classes, huge logits
//! let mut a = z.clone();
//! Activation::Softmax.forward_mut(&mut a);
//! let loss = Loss::CategoricalCrossEntropy.value(Activation::Softmax, &z, &a, Targets::Sparse(&[1]))?;
//! assert_eq!(loss, 2e4); // finite, and exact
//! # Ok::<(), mlp::MlpError>(())
//! ```

use nalgebra::{DMatrix, RealField};
use serde::{Deserialize, Serialize};

use crate::activation::{Activation, log_sum_exp, sigmoid, softplus};
use crate::error::{MlpError, Result};

/// The losses of the chapter.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Mean squared error.
    Mse,
    /// Half the mean squared error: what scikit-learn's `MLPRegressor`
    /// minimises (its `squared_error`), whose gradient is `(ŷ − y)/m`.
    HalfMse,
    /// Mean absolute error.
    Mae,
    /// Quadratic below `delta`, linear above (typically δ = 1).
    Huber {
        /// Where the quadratic part meets the linear part.
        delta: f64,
    },
    /// Log loss of independent binary outputs.
    BinaryCrossEntropy,
    /// Log loss of exclusive classes (one-hot or sparse targets).
    CategoricalCrossEntropy,
}

/// The targets of a batch: a matrix shaped like the outputs (values,
/// 0/1 labels or one-hot rows), or one class index per instance
/// (sparse labels, for categorical cross-entropy only).
#[derive(Clone, Copy, Debug)]
pub enum Targets<'a, T> {
    /// One row per instance, one column per output.
    Dense(&'a DMatrix<T>),
    /// One class index per instance.
    Sparse(&'a [usize]),
}

impl Loss {
    /// The name Keras uses.
    pub fn name(self) -> &'static str {
        match self {
            Loss::Mse => "mse",
            Loss::HalfMse => "half_mse",
            Loss::Mae => "mae",
            Loss::Huber { .. } => "huber",
            Loss::BinaryCrossEntropy => "binary_crossentropy",
            Loss::CategoricalCrossEntropy => "categorical_crossentropy",
        }
    }

    fn check<T: RealField + Copy>(self, z: &DMatrix<T>, y: Targets<'_, T>) -> Result<()> {
        let err = |detail: String| Err(MlpError::Targets { loss: self.name(), detail });
        let (m, k) = z.shape();
        match y {
            Targets::Dense(y) if y.shape() != (m, k) => err(format!(
                "the outputs are {m}×{k} but the targets are {}×{}{}",
                y.nrows(),
                y.ncols(),
                if y.nrows() != m { " (a different number of instances)" } else { "" }
            )),
            Targets::Sparse(labels) if self != Loss::CategoricalCrossEntropy => err(format!(
                "got {} class indices; this loss needs targets shaped like the {m}×{k} outputs",
                labels.len()
            )),
            Targets::Sparse(labels) if labels.len() != m => {
                err(format!("the outputs have {m} rows but there are {} labels", labels.len()))
            }
            Targets::Sparse(labels) => match labels.iter().position(|&c| c >= k) {
                Some(i) => err(format!("label {} of instance {i} is not a class index below {k}", labels[i])),
                None => Ok(()),
            },
            Targets::Dense(_) => Ok(()),
        }
    }

    /// The target of instance `r`, output `c`.
    fn target<T: RealField + Copy>(y: Targets<'_, T>, r: usize, c: usize) -> T {
        match y {
            Targets::Dense(y) => y[(r, c)],
            Targets::Sparse(labels) => {
                if labels[r] == c {
                    T::one()
                } else {
                    T::zero()
                }
            }
        }
    }

    /// The mean loss of a batch whose output layer has weighted sums `z`,
    /// activation `act` and outputs `a = act(z)`.
    pub fn value<T: RealField + Copy>(
        self,
        act: Activation,
        z: &DMatrix<T>,
        a: &DMatrix<T>,
        y: Targets<'_, T>,
    ) -> Result<T> {
        self.weighted_value(act, z, a, y, None)
    }

    /// [`Loss::value`] with instance `r`'s loss multiplied by `weights[r]`,
    /// still divided by the number of instances (Keras's
    /// `sum_over_batch_size`): class and sample weights.
    pub fn weighted_value<T: RealField + Copy>(
        self,
        act: Activation,
        z: &DMatrix<T>,
        a: &DMatrix<T>,
        y: Targets<'_, T>,
        weights: Option<&[T]>,
    ) -> Result<T> {
        self.check(z, y)?;
        self.check_weights(z, weights)?;
        let (m, k) = z.shape();
        let tiny = T::from_f64(1e-7).unwrap_or_else(T::zero);
        let mut total = T::zero();
        for r in 0..m {
            let row = match (self, act) {
                (Loss::CategoricalCrossEntropy, Activation::Softmax) => {
                    let lse = log_sum_exp(z.row(r).iter().copied());
                    (0..k).fold(T::zero(), |s, c| s + Self::target(y, r, c) * (lse - z[(r, c)]))
                }
                (Loss::CategoricalCrossEntropy, _) => {
                    (0..k).fold(T::zero(), |s, c| s - Self::target(y, r, c) * a[(r, c)].max(tiny).ln())
                }
                _ => (0..k).fold(T::zero(), |s, c| {
                    s + self.element(act, z[(r, c)], a[(r, c)], Self::target(y, r, c))
                }),
            };
            total += weights.map_or(row, |w| w[r] * row);
        }
        let per_output = match self {
            Loss::CategoricalCrossEntropy => T::one(),
            _ => T::from_usize(k).unwrap_or_else(T::one),
        };
        Ok(total / (T::from_usize(m).unwrap_or_else(T::one) * per_output))
    }

    /// One output's loss, for the elementwise losses.
    fn element<T: RealField + Copy>(self, act: Activation, z: T, a: T, y: T) -> T {
        let r = a - y;
        match self {
            Loss::Mse => r * r,
            Loss::HalfMse => r * r / (T::one() + T::one()),
            Loss::Mae => r.abs(),
            Loss::Huber { delta } => {
                let delta = T::from_f64(delta).unwrap_or_else(T::one);
                let half = T::from_f64(0.5).unwrap_or_else(T::one);
                if r.abs() <= delta { half * r * r } else { delta * (r.abs() - half * delta) }
            }
            Loss::BinaryCrossEntropy if act == Activation::Sigmoid => softplus(z) - z * y,
            Loss::BinaryCrossEntropy => {
                let tiny = T::from_f64(1e-7).unwrap_or_else(T::zero);
                let p = a.max(tiny).min(T::one() - tiny);
                -(y * p.ln() + (T::one() - y) * (T::one() - p).ln())
            }
            Loss::CategoricalCrossEntropy => T::zero(),
        }
    }

    /// ∂L/∂z of the mean loss, written into `dz` (resized if needed): the
    /// start of the backward pass.
    pub fn gradient<T: RealField + Copy>(
        self,
        act: Activation,
        z: &DMatrix<T>,
        a: &DMatrix<T>,
        y: Targets<'_, T>,
        dz: &mut DMatrix<T>,
    ) -> Result<()> {
        self.weighted_gradient(act, z, a, y, None, dz)
    }

    /// The gradient of [`Loss::weighted_value`]: each instance's row of
    /// [`Loss::gradient`] times its weight.
    pub fn weighted_gradient<T: RealField + Copy>(
        self,
        act: Activation,
        z: &DMatrix<T>,
        a: &DMatrix<T>,
        y: Targets<'_, T>,
        weights: Option<&[T]>,
        dz: &mut DMatrix<T>,
    ) -> Result<()> {
        self.check(z, y)?;
        self.check_weights(z, weights)?;
        let (m, k) = z.shape();
        if dz.shape() != (m, k) {
            *dz = DMatrix::zeros(m, k);
        }
        let scale = T::one()
            / (T::from_usize(m).unwrap_or_else(T::one)
                * match self {
                    Loss::CategoricalCrossEntropy => T::one(),
                    _ => T::from_usize(k).unwrap_or_else(T::one),
                });
        let fused = matches!(
            (self, act),
            (Loss::CategoricalCrossEntropy, Activation::Softmax)
                | (Loss::BinaryCrossEntropy, Activation::Sigmoid)
        );
        for c in 0..k {
            for r in 0..m {
                let (zv, av, yv) = (z[(r, c)], a[(r, c)], Self::target(y, r, c));
                // ANCHOR: fused_gradient
                dz[(r, c)] = scale
                    * if fused {
                        // σ(z) − y or softmax(z) − y, from z for accuracy.
                        if act == Activation::Sigmoid { sigmoid(zv) - yv } else { av - yv }
                    } else {
                        self.element_gradient(av, yv)
                    };
                // ANCHOR_END: fused_gradient
            }
        }
        if !fused {
            act.backward_mut(z, a, dz);
        }
        if let Some(w) = weights {
            for mut column in dz.column_iter_mut() {
                column.iter_mut().zip(w).for_each(|(d, &w)| *d *= w);
            }
        }
        Ok(())
    }

    fn check_weights<T>(self, z: &DMatrix<T>, weights: Option<&[T]>) -> Result<()> {
        match weights {
            Some(w) if w.len() != z.nrows() => Err(MlpError::Targets {
                loss: self.name(),
                detail: format!("{} instance weights for {} instances", w.len(), z.nrows()),
            }),
            _ => Ok(()),
        }
    }

    /// ∂ℓ/∂a of one output (unfused case).
    fn element_gradient<T: RealField + Copy>(self, a: T, y: T) -> T {
        let r = a - y;
        let two = T::one() + T::one();
        let sign = |v: T| {
            if v > T::zero() {
                T::one()
            } else if v < T::zero() {
                -T::one()
            } else {
                T::zero()
            }
        };
        let tiny = T::from_f64(1e-7).unwrap_or_else(T::zero);
        match self {
            Loss::Mse => two * r,
            Loss::HalfMse => r,
            Loss::Mae => sign(r),
            Loss::Huber { delta } => {
                let delta = T::from_f64(delta).unwrap_or_else(T::one);
                if r.abs() <= delta { r } else { delta * sign(r) }
            }
            Loss::BinaryCrossEntropy => {
                let p = a.max(tiny).min(T::one() - tiny);
                (p - y) / (p * (T::one() - p))
            }
            Loss::CategoricalCrossEntropy => -y / a.max(tiny),
        }
    }
}
