//! The multilayer perceptron's forward pass, and its backward pass derived
//! by hand: backpropagation.
//!
//! For layer `l` (1 … L) with weights `W_l`, biases `b_l` and activation
//! `φ_l`, on a batch `X = A_0` of `m` instances:
//!
//! ```text
//! forward:   Z_l = A_(l−1) W_l + b_l          A_l = φ_l(Z_l)
//! output:    Δ_L = ∂J/∂Z_L                     (from the loss: (Ŷ − Y)/m for the
//!                                              matched cross-entropies)
//! backward:  ∂J/∂W_l = A_(l−1)ᵀ Δ_l            ∂J/∂b_l = column sums of Δ_l
//!            Δ_(l−1) = (Δ_l W_lᵀ) ⊙ φ′_(l−1)(Z_(l−1))
//! ```
//!
//! Each line is the chain rule applied once: `Δ_l` is how much the loss
//! changes with each weighted sum of layer `l`; it flows back through the
//! weights (`W_lᵀ`) and through the derivative of the activation. The
//! forward pass keeps every `Z_l` and `A_l` for this.
//!
//! With an ℓ2 penalty `alpha`, as in scikit-learn, the loss of a batch gains
//! `alpha/(2m) · Σ‖W_l‖²` and each `∂J/∂W_l` gains `(alpha/m) · W_l` (biases
//! are not penalised).
//!
//! ```
//! use mlp::{Activation, Init, Loss, Mlp, Targets};
//! use nalgebra::dmatrix;
//! let mlp = Mlp::new(&[2, 3, 1], Activation::Tanh, Activation::Sigmoid, 42)?;
//! let x = dmatrix![0.0, 1.0; 1.0, 0.0];
//! let y = dmatrix![1.0; 1.0];
//! let (loss, grads) = mlp.loss_and_gradients(&x, Targets::Dense(&y), Loss::BinaryCrossEntropy, 0.0)?;
//! assert!(loss > 0.0);
//! assert_eq!(grads.w[0].shape(), (2, 3));
//! # Ok::<(), mlp::MlpError>(())
//! ```

use datasets::numpy_random::RandomState;
use mcculloch_pitts::{ShapeError, affine_into};
use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::activation::Activation;
use crate::dense::Dense;
use crate::error::{MlpError, Result};
use crate::init::Init;
use crate::loss::{Loss, Targets};
use crate::matmul::{column_sums, gemm};

/// A multilayer perceptron: dense layers, each feeding the next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mlp {
    /// The layers, from the first hidden layer to the output layer.
    pub layers: Vec<Dense>,
}

/// The buffers of one forward and backward pass, for one batch size: the
/// weighted sums `Z_l`, the outputs `A_l` and the deltas `Δ_l` of every
/// layer. Reused from batch to batch, so training allocates nothing per
/// batch.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    z: Vec<DMatrix<f64>>,
    a: Vec<DMatrix<f64>>,
    delta: Vec<DMatrix<f64>>,
}

impl Workspace {
    /// The outputs of the last forward pass (empty before any).
    pub fn output(&self) -> Option<&DMatrix<f64>> {
        self.a.last()
    }

    /// The outputs `A_l` of every layer in the last forward pass.
    pub fn activations(&self) -> &[DMatrix<f64>] {
        &self.a
    }

    // ANCHOR: workspace_fit
    fn fit(&mut self, mlp: &Mlp, rows: usize) {
        let n = mlp.layers.len();
        let ok =
            self.z.len() == n && self.z.iter().zip(&mlp.layers).all(|(z, l)| z.shape() == (rows, l.units()));
        if !ok {
            let buffers = || mlp.layers.iter().map(|l| DMatrix::zeros(rows, l.units())).collect::<Vec<_>>();
            (self.z, self.a, self.delta) = (buffers(), buffers(), buffers());
        }
    }
    // ANCHOR_END: workspace_fit
}

fn check_sizes(sizes: &[usize]) -> Result<()> {
    if sizes.len() < 2 || sizes.contains(&0) {
        return Err(MlpError::InvalidOption {
            name: "layer sizes",
            value: format!("{sizes:?}"),
            expected: "at least an input and an output size, none of them 0",
        });
    }
    Ok(())
}

/// ∂J/∂W_l and ∂J/∂b_l for every layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    /// Shaped like each layer's `w`.
    pub w: Vec<DMatrix<f64>>,
    /// Shaped like each layer's `b`.
    pub b: Vec<DVector<f64>>,
}

impl Gradients {
    /// Zero gradients shaped like `mlp`'s parameters.
    pub fn zeros(mlp: &Mlp) -> Gradients {
        Gradients {
            w: mlp.layers.iter().map(|l| DMatrix::zeros(l.inputs(), l.units())).collect(),
            b: mlp.layers.iter().map(|l| DVector::zeros(l.units())).collect(),
        }
    }
}

impl Mlp {
    /// An MLP with layer sizes `sizes` (inputs, hidden…, outputs), the
    /// `hidden` activation in every hidden layer and `output` in the last,
    /// initialised as scikit-learn does: weights and biases uniform in
    /// ±√(6 / (fan_in + fan_out)) (±√(2 / …) for sigmoid layers), drawn from
    /// a ChaCha8 generator seeded with `seed`.
    pub fn new(sizes: &[usize], hidden: Activation, output: Activation, seed: u64) -> Result<Mlp> {
        check_sizes(sizes)?;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(l, io)| {
                let act = if l + 2 == sizes.len() { output } else { hidden };
                let init =
                    if act == Activation::Sigmoid { Init::GlorotUniformSigmoid } else { Init::GlorotUniform };
                // scikit-learn draws the biases from the same range as the weights.
                let r = (if act == Activation::Sigmoid { 2.0 } else { 6.0 } / (io[0] + io[1]) as f64).sqrt();
                Dense::new(io[0], io[1], act, init, Init::Uniform { low: -r, high: r }, &mut rng)
            })
            .collect();
        Ok(Mlp { layers })
    }

    /// Exactly scikit-learn's initialization for `MLPRegressor` and
    /// `MLPClassifier(random_state=…)`, drawn from NumPy's generator `rs`:
    /// for each layer, the weights (row by row) then the biases, uniform in
    /// ±√(f / (fan_in + fan_out)), with f = 2 when the *hidden* activation
    /// is the sigmoid and 6 otherwise. With the same seed, the same
    /// starting weights as scikit-learn.
    pub fn sklearn(
        sizes: &[usize],
        hidden: Activation,
        output: Activation,
        rs: &mut RandomState,
    ) -> Result<Mlp> {
        check_sizes(sizes)?;
        let factor = if hidden == Activation::Sigmoid { 2.0 } else { 6.0 };
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(l, io)| {
                let r = (factor / (io[0] + io[1]) as f64).sqrt();
                let w =
                    DMatrix::from_row_iterator(io[0], io[1], (0..io[0] * io[1]).map(|_| rs.uniform(-r, r)));
                let b = DVector::from_iterator(io[1], (0..io[1]).map(|_| rs.uniform(-r, r)));
                let activation = if l + 2 == sizes.len() { output } else { hidden };
                Dense { w, b, activation }
            })
            .collect();
        Ok(Mlp { layers })
    }

    /// An MLP from layers whose sizes chain (each layer's inputs are the
    /// previous layer's units).
    pub fn from_layers(layers: Vec<Dense>) -> Result<Mlp> {
        if layers.is_empty() {
            return Err(MlpError::Data("an MLP needs at least one layer".into()));
        }
        for (l, pair) in layers.windows(2).enumerate() {
            if pair[0].units() != pair[1].inputs() || pair[1].b.len() != pair[1].units() {
                return Err(ShapeError {
                    operation: "MLP layers",
                    detail: format!(
                        "layer {l} has {} units but layer {} expects {} inputs",
                        pair[0].units(),
                        l + 1,
                        pair[1].inputs()
                    ),
                }
                .into());
            }
        }
        Ok(Mlp { layers })
    }

    /// Number of inputs.
    pub fn inputs(&self) -> usize {
        self.layers[0].inputs()
    }

    /// Number of outputs.
    pub fn outputs(&self) -> usize {
        self.layers[self.layers.len() - 1].units()
    }

    /// The forward pass: fills `ws` with every layer's `Z_l` and `A_l` for
    /// the batch `x`.
    pub fn forward(&self, x: &DMatrix<f64>, ws: &mut Workspace) -> Result<()> {
        ws.fit(self, x.nrows());
        // ANCHOR: forward
        for (l, layer) in self.layers.iter().enumerate() {
            let input = if l == 0 { x } else { &ws.a[l - 1] };
            affine_into(&mut ws.z[l], input, &layer.w, &layer.b)?;
            ws.a[l].copy_from(&ws.z[l]);
            layer.activation.forward_mut(&mut ws.a[l]);
        }
        // ANCHOR_END: forward
        Ok(())
    }

    /// The outputs for `x` (a fresh forward pass).
    pub fn predict(&self, x: &DMatrix<f64>) -> Result<DMatrix<f64>> {
        let mut ws = Workspace::default();
        self.forward(x, &mut ws)?;
        Ok(ws.a.pop().unwrap_or_default())
    }

    /// The backward pass, after [`Mlp::forward`] on the same `x`: writes
    /// ∂J/∂W_l and ∂J/∂b_l into `grads` and returns the batch's loss `J`
    /// (with the penalty).
    pub fn backward(
        &self,
        x: &DMatrix<f64>,
        y: Targets<'_, f64>,
        loss: Loss,
        alpha: f64,
        ws: &mut Workspace,
        grads: &mut Gradients,
    ) -> Result<f64> {
        let last = self.layers.len() - 1;
        if ws.z.len() != self.layers.len() || ws.z[last].nrows() != x.nrows() {
            return Err(MlpError::Data("backward needs a forward pass on the same batch first".into()));
        }
        let m = x.nrows() as f64;
        let act = self.layers[last].activation;
        // ANCHOR: output_delta
        let mut value = loss.value(act, &ws.z[last], &ws.a[last], y)?;
        loss.gradient(act, &ws.z[last], &ws.a[last], y, &mut ws.delta[last])?;
        // ANCHOR_END: output_delta
        for l in (0..=last).rev() {
            let layer = &self.layers[l];
            let input = if l == 0 { x } else { &ws.a[l - 1] };
            // ANCHOR: weight_gradients
            // ∂J/∂W_l = A_(l−1)ᵀ Δ_l, ∂J/∂b_l = column sums of Δ_l
            gemm(&mut grads.w[l], 1.0, input, true, &ws.delta[l], false, 0.0);
            column_sums(&ws.delta[l], grads.b[l].as_mut_slice());
            // ANCHOR_END: weight_gradients
            // ANCHOR: l2_penalty
            if alpha > 0.0 {
                let k = alpha / m;
                grads.w[l].zip_apply(&layer.w, |g, w| *g += k * w);
                value += 0.5 * alpha / m * layer.w.norm_squared();
            }
            // ANCHOR_END: l2_penalty
            // ANCHOR: delta_back
            if l > 0 {
                // Δ_(l−1) = (Δ_l W_lᵀ) ⊙ φ′(Z_(l−1))
                let (before, from) = ws.delta.split_at_mut(l);
                gemm(&mut before[l - 1], 1.0, &from[0], false, &layer.w, true, 0.0);
                self.layers[l - 1].activation.backward_mut(&ws.z[l - 1], &ws.a[l - 1], &mut before[l - 1]);
            }
            // ANCHOR_END: delta_back
        }
        Ok(value)
    }

    /// Forward and backward in one call, with fresh buffers: convenient
    /// for tests and small examples.
    pub fn loss_and_gradients(
        &self,
        x: &DMatrix<f64>,
        y: Targets<'_, f64>,
        loss: Loss,
        alpha: f64,
    ) -> Result<(f64, Gradients)> {
        let mut ws = Workspace::default();
        let mut grads = Gradients::zeros(self);
        self.forward(x, &mut ws)?;
        let value = self.backward(x, y, loss, alpha, &mut ws, &mut grads)?;
        Ok((value, grads))
    }

    /// The loss of the batch (with the penalty), without gradients.
    pub fn loss(&self, x: &DMatrix<f64>, y: Targets<'_, f64>, loss: Loss, alpha: f64) -> Result<f64> {
        let mut ws = Workspace::default();
        self.forward(x, &mut ws)?;
        let last = self.layers.len() - 1;
        let value = loss.value(self.layers[last].activation, &ws.z[last], &ws.a[last], y)?;
        let penalty: f64 = self.layers.iter().map(|l| l.w.norm_squared()).sum();
        Ok(value + 0.5 * alpha / x.nrows() as f64 * penalty)
    }
}
