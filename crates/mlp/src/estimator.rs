//! Estimators like scikit-learn's `MLPRegressor` and `MLPClassifier`, with
//! the same hyperparameters, defaults and training procedure: the same
//! initialization, the same shuffles (NumPy's generator), Adam or SGD with
//! momentum, an ℓ2 penalty `alpha`, and the stopping rule on `tol` and
//! `n_iter_no_change`. With the same `random_state` they start from the
//! same weights and see the same batches as scikit-learn, so they reach the
//! same results up to rounding.
//!
//! The output layer and loss follow Tables 10-1 and 10-2: no activation and
//! half the squared error for regression (ReLU, softplus, sigmoid or tanh
//! on request); one sigmoid unit and binary cross-entropy for two classes;
//! one sigmoid unit per label for multilabel targets; softmax and
//! categorical cross-entropy for more than two exclusive classes.
//!
//! ```
//! use mlp::{MlpClassifier, MlpOptions};
//! let iris = datasets::iris::load_iris()?;
//! let mut clf = MlpClassifier::new(MlpOptions { hidden_layer_sizes: vec![10], max_iter: 1000, random_state: 42, ..MlpOptions::default() });
//! let x = mlp::StandardScaler::fit_transform(&iris.x)?.1;
//! clf.fit(&x, &iris.y)?;
//! assert!(clf.score(&x, &iris.y)? > 0.95);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use datasets::numpy_random::RandomState;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use crate::activation::Activation;
use crate::backprop::Mlp;
use crate::error::{MlpError, Result};
use crate::loss::{Loss, Targets};
use crate::optimizer::Optimizer;
use crate::train::{History, SklearnShuffle, TrainOptions, train_with};

/// The gradient-descent variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Solver {
    /// Adam (the default).
    Adam,
    /// Mini-batch SGD with (Nesterov) momentum.
    Sgd,
}

/// The hyperparameters of both estimators, named and defaulted as in
/// scikit-learn (except `random_state`, which scikit-learn leaves unset).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MlpOptions {
    /// Units of each hidden layer (`[100]`).
    pub hidden_layer_sizes: Vec<usize>,
    /// Hidden activation (ReLU).
    pub activation: Activation,
    /// Adam or SGD (Adam).
    pub solver: Solver,
    /// ℓ2 penalty (1e-4).
    pub alpha: f64,
    /// Batch size; `None`: min(200, n).
    pub batch_size: Option<usize>,
    /// Learning rate (1e-3).
    pub learning_rate_init: f64,
    /// Most epochs (200).
    pub max_iter: usize,
    /// Smallest improvement of the training loss that counts (1e-4).
    pub tol: f64,
    /// Epochs without improvement before stopping (10).
    pub n_iter_no_change: usize,
    /// Reshuffle every epoch (true).
    pub shuffle: bool,
    /// Seed of NumPy's generator for initialization and shuffles (0).
    pub random_state: u32,
    /// SGD momentum (0.9).
    pub momentum: f64,
    /// Nesterov's momentum for SGD (true).
    pub nesterovs_momentum: bool,
}

impl Default for MlpOptions {
    fn default() -> Self {
        MlpOptions {
            hidden_layer_sizes: vec![100],
            activation: Activation::Relu,
            solver: Solver::Adam,
            alpha: 1e-4,
            batch_size: None,
            learning_rate_init: 1e-3,
            max_iter: 200,
            tol: 1e-4,
            n_iter_no_change: 10,
            shuffle: true,
            random_state: 0,
            momentum: 0.9,
            nesterovs_momentum: true,
        }
    }
}

impl MlpOptions {
    fn train_options(&self) -> TrainOptions {
        let optimizer = match self.solver {
            Solver::Adam => Optimizer::adam(self.learning_rate_init),
            Solver::Sgd => Optimizer::Sgd {
                learning_rate: self.learning_rate_init,
                momentum: self.momentum,
                nesterov: self.nesterovs_momentum,
            },
        };
        TrainOptions {
            optimizer,
            alpha: self.alpha,
            batch_size: self.batch_size,
            max_iter: self.max_iter,
            tol: self.tol,
            n_iter_no_change: self.n_iter_no_change,
            shuffle: self.shuffle,
            random_state: u64::from(self.random_state),
        }
    }

    /// Builds and trains a network with `outputs` units, `output`
    /// activation and `loss`, as scikit-learn does.
    fn fit(
        &self,
        x: &DMatrix<f64>,
        y: Targets<'_, f64>,
        outputs: usize,
        output: Activation,
        loss: Loss,
    ) -> Result<(Mlp, History)> {
        if self.activation == Activation::Softmax {
            return Err(MlpError::InvalidOption {
                name: "activation",
                value: "softmax".into(),
                expected: "an elementwise hidden activation (relu, tanh, logistic, identity, …)",
            });
        }
        let mut sizes = vec![x.ncols()];
        sizes.extend(&self.hidden_layer_sizes);
        sizes.push(outputs);
        let mut rs = RandomState::new(self.random_state);
        let mut mlp = Mlp::sklearn(&sizes, self.activation, output, &mut rs)?;
        let mut shuffle = SklearnShuffle::new(&mut rs);
        let history = train_with(&mut mlp, x, y, loss, &self.train_options(), &mut shuffle, |_, _, _| true)?;
        Ok((mlp, history))
    }
}

fn check_rows(x: &DMatrix<f64>, rows: usize) -> Result<()> {
    if x.nrows() == 0 || x.ncols() == 0 {
        return Err(MlpError::Data(format!("X is {}×{}: nothing to train on", x.nrows(), x.ncols())));
    }
    if rows != x.nrows() {
        return Err(MlpError::Data(format!("X has {} rows but there are {rows} targets", x.nrows())));
    }
    Ok(())
}

/// scikit-learn's `MLPRegressor`.
#[derive(Clone, Debug)]
pub struct MlpRegressor {
    /// Hyperparameters.
    pub options: MlpOptions,
    /// The output activation: identity (default), or ReLU/softplus for
    /// positive targets, sigmoid/tanh for bounded ones (Table 10-1).
    pub out_activation: Activation,
    model: Option<(Mlp, History)>,
}

impl MlpRegressor {
    /// An unfitted regressor.
    pub fn new(options: MlpOptions) -> Self {
        MlpRegressor { options, out_activation: Activation::Identity, model: None }
    }

    /// Trains on `x` (one row per instance) and `y` (one row per instance,
    /// one column per predicted value).
    pub fn fit(&mut self, x: &DMatrix<f64>, y: &DMatrix<f64>) -> Result<&History> {
        check_rows(x, y.nrows())?;
        let (mlp, history) =
            self.options.fit(x, Targets::Dense(y), y.ncols(), self.out_activation, Loss::HalfMse)?;
        Ok(&self.model.insert((mlp, history)).1)
    }

    /// The predictions, one row per instance.
    pub fn predict(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>> {
        self.model.as_ref().ok_or(MlpError::NotFitted)?.0.predict(x)
    }

    /// The coefficient of determination R² of the predictions (scikit-learn's
    /// `score`), averaged over the outputs.
    pub fn score(&self, x: &DMatrix<f64>, y: &DMatrix<f64>) -> Result<f64> {
        let p = self.predict(x)?;
        check_rows(x, y.nrows())?;
        let r2: f64 = (0..y.ncols())
            .map(|j| {
                let (yj, pj) = (y.column(j), p.column(j));
                let mean = yj.mean();
                let ss_res: f64 = yj.iter().zip(pj.iter()).map(|(a, b)| (a - b).powi(2)).sum();
                let ss_tot: f64 = yj.iter().map(|a| (a - mean).powi(2)).sum();
                1.0 - ss_res / ss_tot
            })
            .sum();
        Ok(r2 / y.ncols() as f64)
    }

    /// The trained network.
    pub fn model(&self) -> Option<&Mlp> {
        self.model.as_ref().map(|m| &m.0)
    }

    /// The training history (`loss_curve_`, `n_iter_`).
    pub fn history(&self) -> Option<&History> {
        self.model.as_ref().map(|m| &m.1)
    }
}

/// scikit-learn's `MLPClassifier`.
#[derive(Clone, Debug)]
pub struct MlpClassifier {
    /// Hyperparameters.
    pub options: MlpOptions,
    classes: Vec<usize>,
    multilabel: bool,
    model: Option<(Mlp, History)>,
}

impl MlpClassifier {
    /// An unfitted classifier.
    pub fn new(options: MlpOptions) -> Self {
        MlpClassifier { options, classes: Vec::new(), multilabel: false, model: None }
    }

    /// Trains on exclusive classes: `y[i]` is the class of row `i`. Two
    /// classes give one sigmoid output, more give a softmax layer.
    pub fn fit(&mut self, x: &DMatrix<f64>, y: &[usize]) -> Result<&History> {
        check_rows(x, y.len())?;
        let mut classes = y.to_vec();
        classes.sort_unstable();
        classes.dedup();
        if classes.len() < 2 {
            return Err(MlpError::Data(format!("every target is {}: a classifier needs two classes", y[0])));
        }
        let index: Vec<usize> = y.iter().map(|c| classes.binary_search(c).unwrap_or(0)).collect();
        // ANCHOR: output_layer
        let (mlp, history) = if classes.len() == 2 {
            let t = DMatrix::from_iterator(y.len(), 1, index.iter().map(|&i| i as f64));
            self.options.fit(x, Targets::Dense(&t), 1, Activation::Sigmoid, Loss::BinaryCrossEntropy)?
        } else {
            self.options.fit(
                x,
                Targets::Sparse(&index),
                classes.len(),
                Activation::Softmax,
                Loss::CategoricalCrossEntropy,
            )?
        };
        // ANCHOR_END: output_layer
        self.classes = classes;
        self.multilabel = false;
        Ok(&self.model.insert((mlp, history)).1)
    }

    /// Trains on several independent binary labels: `y` has one 0/1 column
    /// per label, and the network one sigmoid output per label.
    pub fn fit_multilabel(&mut self, x: &DMatrix<f64>, y: &DMatrix<f64>) -> Result<&History> {
        check_rows(x, y.nrows())?;
        if let Some(v) = y.iter().find(|&&v| v != 0.0 && v != 1.0) {
            return Err(MlpError::Data(format!("multilabel targets must be 0 or 1, found {v}")));
        }
        let (mlp, history) = self.options.fit(
            x,
            Targets::Dense(y),
            y.ncols(),
            Activation::Sigmoid,
            Loss::BinaryCrossEntropy,
        )?;
        self.classes = (0..y.ncols()).collect();
        self.multilabel = true;
        Ok(&self.model.insert((mlp, history)).1)
    }

    /// The class values seen in training, sorted (the labels for multilabel).
    pub fn classes(&self) -> &[usize] {
        &self.classes
    }

    /// Estimated probabilities, one column per class (for two classes:
    /// `[1 − p, p]`; for multilabel: one independent probability per label).
    pub fn predict_proba(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>> {
        let out = self.model.as_ref().ok_or(MlpError::NotFitted)?.0.predict(x)?;
        if self.classes.len() == 2 && out.ncols() == 1 && !self.multilabel {
            return Ok(DMatrix::from_fn(out.nrows(), 2, |r, c| {
                if c == 1 { out[(r, 0)] } else { 1.0 - out[(r, 0)] }
            }));
        }
        Ok(out)
    }

    /// The most probable class of each row (exclusive classes).
    pub fn predict(&self, x: &DMatrix<f64>) -> Result<Vec<usize>> {
        let p = self.predict_proba(x)?;
        Ok(p.row_iter()
            .map(|row| {
                let best = (0..row.len()).fold(0, |b, j| if row[j] > row[b] { j } else { b });
                self.classes[best]
            })
            .collect())
    }

    /// The fraction of rows whose predicted class is `y`'s.
    pub fn score(&self, x: &DMatrix<f64>, y: &[usize]) -> Result<f64> {
        check_rows(x, y.len())?;
        let p = self.predict(x)?;
        Ok(p.iter().zip(y).filter(|(a, b)| a == b).count() as f64 / y.len() as f64)
    }

    /// The trained network.
    pub fn model(&self) -> Option<&Mlp> {
        self.model.as_ref().map(|m| &m.0)
    }

    /// The training history.
    pub fn history(&self) -> Option<&History> {
        self.model.as_ref().map(|m| &m.1)
    }
}
