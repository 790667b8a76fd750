//! What the tape costs: one epoch of training stage 3's 784-300-100-10
//! network (ReLU, softmax, categorical cross-entropy, Adam, batch 32) with
//! the hand-derived backward pass, then the same epoch from the same
//! weights with gradients from the tape. Both see the same batches in the
//! same order and take the same Adam steps, so they end with the same
//! weights (the largest difference is printed).
//!
//! ```text
//! cargo run --release -p autodiff --example overhead -- [--rows N] [--repeat K] [--json]
//! ```
//!
//! The two epochs alternate `K` times (3 by default), each from the same
//! initial weights, and the fastest time of each is compared, so that a
//! passing load on the machine does not decide the ratio.
//!
//! The rows are synthetic (uniform pixels in 0..1, labels from a fixed
//! random linear rule), 55,000 by default: a Fashion-MNIST epoch.

use std::time::Instant;

use autodiff::{Tape, Var};
use mlp::{Activation, Gradients, Loss, Mlp, Optimizer, OptimizerState, Targets, Workspace};
use nalgebra::DMatrix;

const SIZES: [usize; 4] = [784, 300, 100, 10];
const BATCH: usize = 32;

/// `n` rows of 784 features in 0..1 and labels in 0..10, from a simple
/// deterministic generator (a 64-bit LCG), so the example needs no data.
fn synthetic(n: usize) -> (DMatrix<f64>, Vec<usize>) {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let x = DMatrix::from_fn(n, SIZES[0], |_, _| next());
    let w: Vec<f64> = (0..SIZES[0] * 10).map(|_| next() - 0.5).collect();
    let y = (0..n)
        .map(|r| {
            let score = |k: usize| (0..SIZES[0]).map(|c| x[(r, c)] * w[c * 10 + k]).sum::<f64>();
            (0..10).fold(0, |best, k| if score(k) > score(best) { k } else { best })
        })
        .collect();
    (x, y)
}

/// Copies rows `start..start + BATCH` into `xb` and `yb`.
fn gather(x: &DMatrix<f64>, y: &[usize], start: usize, xb: &mut DMatrix<f64>, yb: &mut [usize]) {
    xb.copy_from(&x.rows(start, BATCH));
    yb.copy_from_slice(&y[start..start + BATCH]);
}

fn lengths(mlp: &Mlp) -> Vec<usize> {
    mlp.layers.iter().flat_map(|l| [l.w.len(), l.b.len()]).collect()
}

/// One epoch with the hand-derived backward pass of stage 3.
fn hand_epoch(mlp: &mut Mlp, x: &DMatrix<f64>, y: &[usize]) -> Result<f64, mlp::MlpError> {
    let mut state = OptimizerState::for_lengths(Optimizer::adam(1e-3), &lengths(mlp));
    let (mut ws, mut grads) = (Workspace::default(), Gradients::zeros(mlp));
    let (mut xb, mut yb) = (DMatrix::zeros(BATCH, SIZES[0]), vec![0; BATCH]);
    let start = Instant::now();
    for batch in 0..x.nrows() / BATCH {
        gather(x, y, batch * BATCH, &mut xb, &mut yb);
        mlp.forward(&xb, &mut ws)?;
        mlp.backward(&xb, Targets::Sparse(&yb), Loss::CategoricalCrossEntropy, 0.0, &mut ws, &mut grads)?;
        state.step(mlp, &grads);
    }
    Ok(start.elapsed().as_secs_f64())
}

// ANCHOR: tape_step
/// Records the forward pass of the network on the tape and returns the loss.
fn forward(
    tape: &mut Tape<f64>,
    params: &[(Var, Var)],
    xb: &DMatrix<f64>,
    yb: &[usize],
) -> autodiff::tape::Result<Var> {
    let mut a = tape.constant(xb);
    for (l, &(w, b)) in params.iter().enumerate() {
        let xw = tape.matmul(a, w)?;
        let z = tape.add_bias(xw, b)?;
        if l + 1 == params.len() {
            return tape.loss(z, Activation::Softmax, Loss::CategoricalCrossEntropy, Targets::Sparse(yb));
        }
        a = tape.activation(z, Activation::Relu)?;
    }
    unreachable!("the network has layers")
}
// ANCHOR_END: tape_step

/// The trained tape and its (weights, biases) parameters.
type Trained = (Tape<f64>, Vec<(Var, Var)>);

/// One epoch with gradients from the tape.
fn tape_epoch(
    initial: &Mlp,
    x: &DMatrix<f64>,
    y: &[usize],
) -> Result<(f64, Trained), Box<dyn std::error::Error>> {
    let mut tape = Tape::new();
    let mut params = Vec::new();
    for layer in &initial.layers {
        let w = tape.parameter(layer.w.clone())?;
        let b = tape.parameter(DMatrix::from_row_slice(1, layer.b.len(), layer.b.as_slice()))?;
        params.push((w, b));
    }
    let mut state = OptimizerState::for_lengths(Optimizer::adam(1e-3), &lengths(initial));
    let (mut xb, mut yb) = (DMatrix::zeros(BATCH, SIZES[0]), vec![0; BATCH]);
    let start = Instant::now();
    for batch in 0..x.nrows() / BATCH {
        gather(x, y, batch * BATCH, &mut xb, &mut yb);
        tape.reset();
        let loss = forward(&mut tape, &params, &xb, &yb)?;
        tape.backward(loss)?;
        state.step_pairs(tape.parameter_pairs());
    }
    Ok((start.elapsed().as_secs_f64(), (tape, params)))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut rows, mut repeat) = (55_000, 3);
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rows" => rows = args.next().ok_or("--rows needs a number")?.parse()?,
            "--repeat" => repeat = args.next().ok_or("--repeat needs a number")?.parse::<usize>()?.max(1),
            "--json" => json = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let (x, y) = synthetic(rows.max(BATCH));
    let initial = Mlp::new(&SIZES, Activation::Relu, Activation::Softmax, 42)?;
    let (mut hand_seconds, mut tape_seconds) = (f64::INFINITY, f64::INFINITY);
    let mut last = None;
    for _ in 0..repeat {
        let mut hand = initial.clone();
        hand_seconds = hand_seconds.min(hand_epoch(&mut hand, &x, &y)?);
        let (seconds, trained) = tape_epoch(&initial, &x, &y)?;
        tape_seconds = tape_seconds.min(seconds);
        last = Some((hand, trained));
    }
    let (hand, (tape, params)) = last.ok_or("no epoch ran")?;
    let difference = hand
        .layers
        .iter()
        .zip(&params)
        .map(|(l, &(w, b))| {
            let dw = (tape.value(w) - &l.w).abs().max();
            let db = (tape.value(b).transpose() - &l.b).abs().max();
            dw.max(db)
        })
        .fold(0.0, f64::max);
    let ratio = tape_seconds / hand_seconds;
    let steps = x.nrows() / BATCH;
    if json {
        let out = format!(
            "{{\"rows\":{},\"batch\":{BATCH},\"steps\":{steps},\"repeat\":{repeat},\"hand_seconds\":{hand_seconds},\"tape_seconds\":{tape_seconds},\"ratio\":{ratio},\"max_weight_difference\":{difference:e}}}",
            x.nrows()
        );
        println!("{out}");
    } else {
        println!("784-300-100-10, Adam, batch {BATCH}, {steps} steps on {} rows:", x.nrows());
        println!("  hand-derived backprop: {hand_seconds:.3} s (fastest of {repeat})");
        println!("  tape:                  {tape_seconds:.3} s  ({ratio:.3}× the hand-derived time)");
        println!("  largest difference between the final weights: {difference:e}");
    }
    Ok(())
}
