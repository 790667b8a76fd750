//! The perceptron as an estimator, like scikit-learn's `Perceptron`.
//!
//! scikit-learn's `Perceptron()` is `SGDClassifier(loss="perceptron",
//! learning_rate="constant", eta0=1, penalty=None)`: all weights start at
//! zero, and each epoch visits the training instances once, in a new random
//! order, applying the learning rule (Equation 10-3) to each. Training stops
//!
//! - when an epoch makes no update: every unit puts every instance on the
//!   right side of its boundary, so the weights can no longer change (the
//!   convergence the perceptron convergence theorem promises on linearly
//!   separable data);
//! - or when, for `n_iter_no_change` epochs in a row, the epoch's loss
//!   (`Σ max(0, −t·z)` over the instances, divided by their number) has not
//!   improved by more than `tol` on the best one seen: the rule of
//!   scikit-learn, which also ends training on data that is not separable;
//! - or after `max_iter` epochs.
//!
//! With two classes the perceptron is one TLU that fires for the larger
//! class. With more, it is a layer of one TLU per class, each trained to
//! tell its class from the rest (one-vs-rest), and the prediction is the
//! class whose unit has the largest weighted sum.
//!
//! ```
//! use nalgebra::dmatrix;
//! use perceptron::{Options, Perceptron};
//! let x = dmatrix![1.0, 1.0;  2.0, 1.0;  4.0, 5.0;  5.0, 4.0];
//! let y = [false, false, true, true];
//! let mut clf = Perceptron::new(Options { random_state: 42, ..Options::default() });
//! let report = clf.fit(&x, &y)?;
//! assert_eq!(report.epochs.last().unwrap().errors, 0);
//! assert_eq!(clf.predict(&dmatrix![0.0, 0.0;  6.0, 6.0])?, [false, true]);
//! assert_eq!(clf.score(&x, &y)?, 1.0);
//! # Ok::<(), perceptron::PerceptronError>(())
//! ```

use std::fmt::Debug;

use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::learning_rule::correct;
use crate::{Layer, PerceptronError, Result, Step};

// ANCHOR: options
/// The hyperparameters, named and defaulted as in scikit-learn.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Options {
    /// The learning rate `η` (1.0).
    pub eta0: f64,
    /// The largest number of epochs (1000).
    pub max_iter: usize,
    /// The smallest improvement of the epoch loss that counts, or `None`
    /// to train until an epoch makes no update or `max_iter` (`Some(1e-3)`).
    pub tol: Option<f64>,
    /// How many epochs in a row may fail to improve by `tol` (5).
    pub n_iter_no_change: usize,
    /// Whether to visit the instances in a new random order every epoch
    /// (true).
    pub shuffle: bool,
    /// The seed of the shuffle (0). The same seed gives the same weights on
    /// every platform (ChaCha8 generator).
    pub random_state: u64,
    /// Whether to learn the biases; if false they stay 0 (true).
    pub fit_intercept: bool,
}
// ANCHOR_END: options

impl Default for Options {
    fn default() -> Self {
        Options {
            eta0: 1.0,
            max_iter: 1000,
            tol: Some(1e-3),
            n_iter_no_change: 5,
            shuffle: true,
            random_state: 0,
            fit_intercept: true,
        }
    }
}

impl Options {
    fn check(&self) -> Result<()> {
        let invalid =
            |name, value: String, reason| Err(PerceptronError::InvalidOption { name, value, reason });
        if !(self.eta0.is_finite() && self.eta0 > 0.0) {
            return invalid(
                "eta0",
                self.eta0.to_string(),
                "the learning rate must be a positive finite number",
            );
        }
        if self.max_iter == 0 {
            return invalid("max_iter", "0".into(), "at least one epoch is needed");
        }
        if let Some(tol) = self.tol.filter(|t| !(t.is_finite() && *t >= 0.0)) {
            return invalid("tol", tol.to_string(), "must be a finite number ≥ 0, or None");
        }
        if self.n_iter_no_change == 0 {
            return invalid("n_iter_no_change", "0".into(), "must be at least 1");
        }
        Ok(())
    }
}

/// What happened during one epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Epoch {
    /// Instances the perceptron misclassified when it met them.
    pub errors: usize,
    /// Units corrected by the learning rule (one per wrong unit and
    /// instance).
    pub updates: usize,
    /// The perceptron loss `Σ max(0, −t·z)` summed over the epoch.
    pub loss: f64,
}

/// Why training stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Stop {
    /// An epoch made no update: the perceptron separates the training set.
    Converged,
    /// The loss stopped improving by more than `tol`.
    NoImprovement,
    /// `max_iter` epochs ran.
    MaxIter,
}

/// The record of a training run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FitReport {
    /// One entry per epoch, in order.
    pub epochs: Vec<Epoch>,
    /// Why training stopped.
    pub stop: Stop,
}

impl FitReport {
    /// The number of epochs run.
    pub fn n_iter(&self) -> usize {
        self.epochs.len()
    }

    /// The total number of units corrected.
    pub fn updates(&self) -> usize {
        self.epochs.iter().map(|e| e.updates).sum()
    }
}

/// A perceptron classifier with labels of type `L` (`bool`, class indices,
/// names, ...).
#[derive(Clone, Debug)]
pub struct Perceptron<L = usize> {
    options: Options,
    classes: Vec<L>,
    layer: Option<Layer>,
    n_iter: usize,
    updates: usize,
    n_samples: usize,
}

impl<L> Default for Perceptron<L> {
    fn default() -> Self {
        Perceptron::new(Options::default())
    }
}

impl<L> Perceptron<L> {
    /// An untrained perceptron with these hyperparameters.
    pub fn new(options: Options) -> Self {
        Perceptron { options, classes: Vec::new(), layer: None, n_iter: 0, updates: 0, n_samples: 0 }
    }

    /// The hyperparameters.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The classes seen by [`Perceptron::fit`], sorted (scikit-learn's
    /// `classes_`); with two, the unit fires for the second.
    pub fn classes(&self) -> &[L] {
        &self.classes
    }

    /// The trained layer: one TLU for two classes, one per class otherwise.
    pub fn layer(&self) -> Option<&Layer> {
        self.layer.as_ref()
    }

    /// The weights, one row per unit and one column per feature
    /// (scikit-learn's `coef_`).
    pub fn coef(&self) -> Option<DMatrix<f64>> {
        self.layer.as_ref().map(|l| l.weights.transpose())
    }

    /// The biases, one per unit (scikit-learn's `intercept_`).
    pub fn intercept(&self) -> Option<&DVector<f64>> {
        self.layer.as_ref().map(|l| &l.bias)
    }

    /// The number of epochs of the last fit (`n_iter_`).
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// The number of units corrected during the last fit.
    pub fn updates(&self) -> usize {
        self.updates
    }

    /// scikit-learn's `t_`: the number of learning steps, one per instance
    /// visited, plus one (`n_iter × n_samples + 1`), whether or not the
    /// step changed a weight. See [`Perceptron::updates`] for those that did.
    pub fn t(&self) -> usize {
        self.n_iter * self.n_samples + 1
    }
}

impl<L: Clone + Ord + Debug> Perceptron<L> {
    /// Trains on `x` (one row per instance) and its labels `y`, starting
    /// from zero weights, and reports every epoch.
    ///
    /// # Errors
    /// [`PerceptronError`] if an option is invalid, `x` is empty or holds a
    /// value that is not finite, `y` does not have one label per row, or
    /// all labels are equal. The perceptron is left as it was.
    pub fn fit(&mut self, x: &DMatrix<f64>, y: &[L]) -> Result<FitReport> {
        self.options.check()?;
        let (n, d) = x.shape();
        if n == 0 || d == 0 {
            return Err(PerceptronError::Empty { rows: n, columns: d });
        }
        if y.len() != n {
            return Err(PerceptronError::LabelCount { rows: n, labels: y.len() });
        }
        if let Some(k) = x.iter().position(|v| !v.is_finite()) {
            return Err(PerceptronError::NonFinite { row: k % n, column: k / n, value: x[k] });
        }
        let mut classes = y.to_vec();
        classes.sort();
        classes.dedup();
        if classes.len() < 2 {
            return Err(PerceptronError::OneClass { label: format!("{:?}", y[0]) });
        }

        // One unit for two classes, else one per class. Targets: +1 for a
        // unit that should fire on the instance, −1 otherwise, row-major.
        let units = if classes.len() == 2 { 1 } else { classes.len() };
        let mut targets = vec![-1.0; n * units];
        for (t, label) in targets.chunks_exact_mut(units).zip(y) {
            let class = classes.binary_search(label).unwrap_or_default();
            match t {
                [t] => *t = if class == 1 { 1.0 } else { -1.0 },
                _ => t[class] = 1.0,
            }
        }
        // nalgebra is column-major: its transpose's storage is X row by row,
        // so each instance is contiguous.
        let rows = x.transpose();
        let mut layer = Layer::zeros(d, units, Step::Heaviside);
        let report = train(&self.options, rows.as_slice(), &targets, &mut layer);
        self.layer = Some(layer);
        self.classes = classes;
        self.n_iter = report.n_iter();
        self.updates = report.updates();
        self.n_samples = n;
        Ok(report)
    }

    /// The weighted sums `XW + b`, one row per instance and one column per
    /// unit (scikit-learn's `decision_function`, which for two classes is
    /// the one column).
    ///
    /// # Errors
    /// [`PerceptronError::NotFitted`], or a shape error if `x` does not have
    /// the training set's number of features.
    pub fn decision_function(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>> {
        self.layer.as_ref().ok_or(PerceptronError::NotFitted)?.z(x)
    }

    /// The predicted label of every row of `x`. With two classes: the
    /// second class where the unit fires (`heaviside(z) = 1`, so `z ≥ 0`),
    /// else the first. With more: the class whose unit has the largest `z`
    /// (the first one on a tie).
    ///
    /// # Errors
    /// As [`Perceptron::decision_function`].
    pub fn predict(&self, x: &DMatrix<f64>) -> Result<Vec<L>> {
        let layer = self.layer.as_ref().ok_or(PerceptronError::NotFitted)?;
        if layer.units() == 1 {
            let fires = layer.predict(x)?;
            return Ok(fires.iter().map(|&h| self.classes[usize::from(h > 0.0)].clone()).collect());
        }
        let z = layer.z(x)?;
        Ok(z.row_iter()
            .map(|row| {
                let best =
                    row.iter().enumerate().fold(0, |best, (j, &z)| if z > row[best] { j } else { best });
                self.classes[best].clone()
            })
            .collect())
    }

    /// The accuracy on `x` and its labels `y`: the fraction predicted right.
    ///
    /// # Errors
    /// As [`Perceptron::predict`], or [`PerceptronError::LabelCount`].
    pub fn score(&self, x: &DMatrix<f64>, y: &[L]) -> Result<f64> {
        if y.len() != x.nrows() {
            return Err(PerceptronError::LabelCount { rows: x.nrows(), labels: y.len() });
        }
        let predictions = self.predict(x)?;
        let right = predictions.iter().zip(y).filter(|(p, y)| p == y).count();
        Ok(right as f64 / y.len().max(1) as f64)
    }
}

/// The training loop, from the current parameters of `layer`, on the
/// instances stored row by row in `rows`, with one target per unit and
/// instance in `targets` (also row by row). Everything is allocated before
/// the first epoch.
fn train(options: &Options, rows: &[f64], targets: &[f64], layer: &mut Layer) -> FitReport {
    let (d, units) = (layer.inputs(), layer.units());
    let n = rows.len() / d;
    let (weights, bias) = (layer.weights.as_mut_slice(), layer.bias.as_mut_slice());
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(options.random_state);
    let mut epochs = Vec::with_capacity(options.max_iter.min(1024));
    let (mut best_loss, mut no_improvement) = (f64::INFINITY, 0);
    let mut stop = Stop::MaxIter;
    for _ in 0..options.max_iter {
        if options.shuffle {
            order.shuffle(&mut rng);
        }
        let mut epoch = Epoch::default();
        for &i in &order {
            let (x, t) = (&rows[i * d..(i + 1) * d], &targets[i * units..(i + 1) * units]);
            let c = correct(weights, bias, options.fit_intercept, x, t, options.eta0);
            epoch.updates += c.updates;
            epoch.loss += c.loss;
            epoch.errors += usize::from(c.misclassified);
        }
        epochs.push(epoch);
        // ANCHOR: stopping
        if epoch.updates == 0 {
            stop = Stop::Converged;
            break;
        }
        // scikit-learn's rule, on the loss summed over the epoch.
        if let Some(tol) = options.tol {
            if epoch.loss > best_loss - tol * n as f64 {
                no_improvement += 1;
            } else {
                no_improvement = 0;
            }
        }
        best_loss = best_loss.min(epoch.loss);
        if no_improvement >= options.n_iter_no_change {
            stop = Stop::NoImprovement;
            break;
        }
        // ANCHOR_END: stopping
    }
    FitReport { epochs, stop }
}
