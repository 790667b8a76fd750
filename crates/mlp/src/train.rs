//! Mini-batch training, epoch after epoch, as scikit-learn's MLPs do it:
//! shuffle the rows (seeded), cut them into batches of `batch_size`
//! (`min(200, n)` by default), and for each batch run the forward pass, the
//! backward pass and one optimizer step. The epoch's loss is the mean of
//! the batch losses weighted by batch size. Training stops after `max_iter`
//! epochs, or when the loss has not dropped by more than `tol` below the
//! best loss so far for more than `n_iter_no_change` epochs in a row.
//!
//! Nothing is allocated per batch: the batch buffers and the forward and
//! backward buffers exist once for the full batch size and once for the
//! smaller last batch.

use nalgebra::DMatrix;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use datasets::numpy_random::RandomState;

use crate::backprop::{Gradients, Mlp, Workspace};
use crate::error::{MlpError, Result};
use crate::loss::{Loss, Targets};
use crate::optimizer::{Optimizer, OptimizerState};

/// Training hyperparameters, with scikit-learn's defaults.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Adam with learning rate 1e-3 by default.
    pub optimizer: Optimizer,
    /// ℓ2 penalty (1e-4).
    pub alpha: f64,
    /// Instances per batch; `None`: min(200, n).
    pub batch_size: Option<usize>,
    /// Most epochs (200).
    pub max_iter: usize,
    /// Smallest improvement of the loss that counts (1e-4).
    pub tol: f64,
    /// Epochs without improvement before stopping (10).
    pub n_iter_no_change: usize,
    /// Reshuffle the rows every epoch (true).
    pub shuffle: bool,
    /// Seed of the shuffle.
    pub random_state: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            optimizer: Optimizer::adam(1e-3),
            alpha: 1e-4,
            batch_size: None,
            max_iter: 200,
            tol: 1e-4,
            n_iter_no_change: 10,
            shuffle: true,
            random_state: 0,
        }
    }
}

/// Why training ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stop {
    /// The loss stopped improving by `tol`.
    NoImprovement,
    /// `max_iter` epochs ran.
    MaxIter,
    /// The per-epoch callback asked to stop.
    Callback,
}

/// The course of training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// The training loss of each epoch.
    pub loss_curve: Vec<f64>,
    /// Why training ended.
    pub stop: Stop,
}

impl History {
    /// Epochs run.
    pub fn n_iter(&self) -> usize {
        self.loss_curve.len()
    }
}

/// The buffers for batches of one size.
struct Batch {
    x: DMatrix<f64>,
    y: DMatrix<f64>,
    labels: Vec<usize>,
    ws: Workspace,
}

impl Batch {
    fn new(rows: usize, x: &DMatrix<f64>, y: Targets<'_, f64>) -> Batch {
        let y_cols = match y {
            Targets::Dense(y) => y.ncols(),
            Targets::Sparse(_) => 0,
        };
        Batch {
            x: DMatrix::zeros(rows, x.ncols()),
            y: DMatrix::zeros(rows, y_cols),
            labels: vec![0; rows],
            ws: Workspace::default(),
        }
    }

    /// Copies the rows `idx` of `x` and `y` into the buffers.
    fn gather(&mut self, idx: &[usize], x: &DMatrix<f64>, y: Targets<'_, f64>) {
        for (mut dst, src) in self.x.column_iter_mut().zip(x.column_iter()) {
            for (d, &i) in dst.iter_mut().zip(idx) {
                *d = src[i];
            }
        }
        match y {
            Targets::Dense(y) => {
                for (mut dst, src) in self.y.column_iter_mut().zip(y.column_iter()) {
                    for (d, &i) in dst.iter_mut().zip(idx) {
                        *d = src[i];
                    }
                }
            }
            Targets::Sparse(labels) => {
                for (d, &i) in self.labels.iter_mut().zip(idx) {
                    *d = labels[i];
                }
            }
        }
    }
}

/// How the rows are reordered before each epoch.
pub trait Shuffle {
    /// Reorders `order` (a permutation of the row indices) for the next epoch.
    fn shuffle_epoch(&mut self, order: &mut [usize]);
}

impl Shuffle for rand_chacha::ChaCha8Rng {
    fn shuffle_epoch(&mut self, order: &mut [usize]) {
        order.shuffle(self);
    }
}

/// scikit-learn's epoch shuffle, `sample_idx = shuffle(sample_idx,
/// random_state=rs)`: the previous order, permuted by NumPy's
/// `rs.permutation(n)`. With [`Mlp::sklearn`] on the same generator, the
/// batches are scikit-learn's own.
pub struct SklearnShuffle<'a> {
    /// The generator, shared with the weight initialization.
    pub rs: &'a mut RandomState,
    scratch: Vec<usize>,
}

impl<'a> SklearnShuffle<'a> {
    /// Shuffles with `rs`.
    pub fn new(rs: &'a mut RandomState) -> Self {
        SklearnShuffle { rs, scratch: Vec::new() }
    }
}

impl Shuffle for SklearnShuffle<'_> {
    fn shuffle_epoch(&mut self, order: &mut [usize]) {
        let perm = self.rs.permutation(order.len());
        self.scratch.clear();
        self.scratch.extend(perm.iter().map(|&i| order[i]));
        order.copy_from_slice(&self.scratch);
    }
}

/// Trains `mlp` on `x` and `y` (see the module documentation), shuffling
/// with a ChaCha8 generator seeded with `options.random_state`.
pub fn train(
    mlp: &mut Mlp,
    x: &DMatrix<f64>,
    y: Targets<'_, f64>,
    loss: Loss,
    options: &TrainOptions,
) -> Result<History> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(options.random_state);
    train_with(mlp, x, y, loss, options, &mut rng, |_, _, _| true)
}

/// As [`train`], with the given shuffle, calling `on_epoch(epoch, loss,
/// mlp)` after every epoch; training stops when it returns false.
pub fn train_with(
    mlp: &mut Mlp,
    x: &DMatrix<f64>,
    y: Targets<'_, f64>,
    loss: Loss,
    options: &TrainOptions,
    shuffler: &mut dyn Shuffle,
    mut on_epoch: impl FnMut(usize, f64, &Mlp) -> bool,
) -> Result<History> {
    let n = x.nrows();
    if n == 0 {
        return Err(MlpError::Data("cannot train on 0 rows".into()));
    }
    if let Some(k) = x.iter().position(|v| !v.is_finite()) {
        return Err(MlpError::Data(format!("X[{}, {}] = {} is not finite", k % n, k / n, x[k])));
    }
    let bad = |name, value: String, expected| Err(MlpError::InvalidOption { name, value, expected });
    let rate = options.optimizer.learning_rate();
    if !(rate > 0.0 && rate.is_finite()) {
        return bad("learning_rate", rate.to_string(), "a positive finite number");
    }
    if !(options.alpha >= 0.0 && options.alpha.is_finite()) {
        return bad("alpha", options.alpha.to_string(), "a non-negative finite number");
    }
    let batch_size = options.batch_size.unwrap_or(200).clamp(1, n);
    if options.batch_size == Some(0) {
        return bad("batch_size", "0".into(), "at least 1");
    }
    let sparse = matches!(y, Targets::Sparse(_));
    let mut full = Batch::new(batch_size, x, y);
    let mut tail = Batch::new(n % batch_size, x, y);
    let mut grads = Gradients::zeros(mlp);
    let mut state = OptimizerState::new(options.optimizer, mlp);
    let mut order: Vec<usize> = (0..n).collect();
    let (mut best, mut no_improvement) = (f64::INFINITY, 0);
    let mut curve = Vec::new();
    let mut stop = Stop::MaxIter;
    for epoch in 0..options.max_iter {
        // ANCHOR: batch_loop
        if options.shuffle {
            shuffler.shuffle_epoch(&mut order);
        }
        let mut total = 0.0;
        for idx in order.chunks(batch_size) {
            let batch = if idx.len() == batch_size { &mut full } else { &mut tail };
            batch.gather(idx, x, y);
            mlp.forward(&batch.x, &mut batch.ws)?;
            let Batch { x: bx, y: by, labels, ws } = batch;
            let targets = if sparse { Targets::Sparse(labels) } else { Targets::Dense(by) };
            let value = mlp.backward(bx, targets, loss, options.alpha, ws, &mut grads)?;
            state.step(mlp, &grads);
            total += value * idx.len() as f64;
        }
        // ANCHOR_END: batch_loop
        let epoch_loss = total / n as f64;
        if !epoch_loss.is_finite() {
            return Err(MlpError::Data(format!(
                "the training loss became {epoch_loss} in epoch {}: lower the learning rate",
                epoch + 1
            )));
        }
        curve.push(epoch_loss);
        no_improvement = if epoch_loss > best - options.tol { no_improvement + 1 } else { 0 };
        best = best.min(epoch_loss);
        if !on_epoch(epoch, epoch_loss, mlp) {
            stop = Stop::Callback;
            break;
        }
        if no_improvement > options.n_iter_no_change {
            stop = Stop::NoImprovement;
            break;
        }
    }
    Ok(History { loss_curve: curve, stop })
}
