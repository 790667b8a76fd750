//! The computation graph of a small network, as the tape records it: the
//! book's figure and its one-line-per-operation listing.
//!
//! [`small_network_graph`] records the forward pass of a 2-3-1 network
//! (tanh hidden layer, sigmoid output, binary cross-entropy) on XOR, names
//! its nodes, runs the backward pass and returns the tape's DOT text (from
//! [`Tape::to_dot`], laid out for a page) with its `Display` listing. The
//! `plotting` crate draws the DOT text (`plotting::graph::dot_figure`, with
//! the pure-Rust `layout-rs`: no Graphviz needed); this crate draws nothing.
//! Both texts depend on nothing but the code, so `cargo figures` writes the
//! same bytes every time.

use mlp::{Activation, Dense, Loss, Mlp, Targets};
use nalgebra::{DMatrix, DVector, dmatrix, dvector};

use crate::{Tape, TapeError, Var};

/// What can go wrong while recording the graph.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// Recording the network failed.
    #[error(transparent)]
    Tape(#[from] TapeError),
    /// Stage 3's backward pass failed.
    #[error(transparent)]
    Mlp(#[from] mlp::MlpError),
}

/// The network: 2 inputs, 3 tanh units, 1 sigmoid output, with fixed
/// weights (stage 3's `Mlp`, so that its hand-derived gradients can be
/// compared with the tape's), and the four XOR instances with their targets.
pub fn small_network() -> (Mlp, DMatrix<f64>, DMatrix<f64>) {
    let hidden = Dense {
        w: dmatrix![0.5, -0.4, 0.3; -0.2, 0.6, 0.1],
        b: dvector![0.0, 0.1, -0.1],
        activation: Activation::Tanh,
    };
    let output = Dense { w: dmatrix![0.7; -0.5; 0.4], b: dvector![0.05], activation: Activation::Sigmoid };
    let x = dmatrix![0.0, 0.0; 0.0, 1.0; 1.0, 0.0; 1.0, 1.0];
    let y = dmatrix![0.0; 1.0; 1.0; 0.0];
    (Mlp { layers: vec![hidden, output] }, x, y)
}

/// A bias vector as the 1×n row the tape adds to every row.
fn row(b: &DVector<f64>) -> DMatrix<f64> {
    DMatrix::from_row_slice(1, b.len(), b.as_slice())
}

/// The tape of the small network's forward pass, its loss node and its
/// parameters `[W1, b1, W2, b2]`.
pub fn record_small_network() -> Result<(Tape<f64>, Var, [Var; 4]), TapeError> {
    let (mlp, x, y) = small_network();
    let (l1, l2) = (&mlp.layers[0], &mlp.layers[1]);
    // ANCHOR: record_network
    let mut tape = Tape::new();
    let w1 = tape.parameter(l1.w.clone())?;
    let b1 = tape.parameter(row(&l1.b))?;
    let w2 = tape.parameter(l2.w.clone())?;
    let b2 = tape.parameter(row(&l2.b))?;
    let x = tape.constant(&x);
    let xw1 = tape.matmul(x, w1)?;
    let z1 = tape.add_bias(xw1, b1)?;
    let a1 = tape.activation(z1, Activation::Tanh)?;
    let a1w2 = tape.matmul(a1, w2)?;
    let z2 = tape.add_bias(a1w2, b2)?;
    let loss = tape.loss(z2, Activation::Sigmoid, Loss::BinaryCrossEntropy, Targets::Dense(&y))?;
    // ANCHOR_END: record_network
    let names = ["W1", "b1", "W2", "b2", "X", "XW1", "Z1", "A1", "A1W2", "Z2", "J"];
    for (v, name) in [w1, b1, w2, b2, x, xw1, z1, a1, a1w2, z2, loss].into_iter().zip(names) {
        tape.set_name(v, name);
    }
    Ok((tape, loss, [w1, b1, w2, b2]))
}

/// The tape's loss and gradients for the small network beside stage 3's
/// hand-derived ones (`Mlp::loss_and_gradients`), as a short table.
pub fn compare_with_stage3() -> Result<String, GraphError> {
    let (mlp, x, y) = small_network();
    let (hand_loss, hand) = mlp.loss_and_gradients(&x, Targets::Dense(&y), Loss::BinaryCrossEntropy, 0.0)?;
    let (mut tape, loss, [w1, b1, w2, b2]) = record_small_network()?;
    tape.backward(loss)?;
    let mut out = format!(
        "loss J: tape {:.12}, stage 3 {hand_loss:.12}\n\nparameter  shape  largest |tape − stage 3| of its gradient\n",
        tape.value(loss)[(0, 0)]
    );
    let pairs = [
        ("W1", w1, hand.w[0].clone()),
        ("b1", b1, row(&hand.b[0])),
        ("W2", w2, hand.w[1].clone()),
        ("b2", b2, row(&hand.b[1])),
    ];
    for (name, v, by_hand) in pairs {
        let g = tape.grad(v);
        let largest = (g - by_hand).abs().max();
        // Bit-for-bit equal here; a last-bit difference would show as a
        // bound, so that the text does not depend on the CPU's rounding.
        let shown = match largest {
            0.0 => "0".to_string(),
            d if d < 1e-12 => "< 1e-12".to_string(),
            d => format!("{d:e}"),
        };
        out += &format!("{name:<10} {:<6} {shown}\n", format!("{}×{}", g.nrows(), g.ncols()));
    }
    Ok(out)
}

/// The tape's DOT text, adapted for a page: top to bottom rather than left
/// to right (a narrow figure keeps its text legible at the page's width),
/// and the loss's long description on two lines.
pub fn page_dot(tape: &Tape<f64>) -> String {
    tape.to_dot().replacen("rankdir=LR", "rankdir=TB", 1).replace(" loss (", " loss\\n(")
}

/// The small network's graph: what the book shows of its tape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmallNetworkGraph {
    /// The DOT text of the figure ([`page_dot`] of the tape).
    pub dot: String,
    /// The tape's listing: one line per operation, with its shape.
    pub listing: String,
}

/// Records the small network and runs the backward pass; returns the DOT
/// text of its figure and the tape's listing.
pub fn small_network_graph() -> Result<SmallNetworkGraph, GraphError> {
    let (mut tape, loss, _) = record_small_network()?;
    tape.backward(loss)?;
    Ok(SmallNetworkGraph { dot: page_dot(&tape), listing: tape.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listing_names_every_node_with_its_shape() {
        let (tape, ..) = record_small_network().unwrap();
        let listing = tape.to_string();
        for line in ["W1 = parameter() : 2×3", "A1 = tanh(%6) : 4×3", "Z2 = add_bias(%8, %3) : 4×1"] {
            assert!(listing.contains(line), "{line} missing from\n{listing}");
        }
        assert_eq!(listing.lines().count(), tape.len());
    }

    #[test]
    fn the_tape_matches_stage_3() {
        let table = compare_with_stage3().unwrap();
        let rows: Vec<&str> = table.lines().skip(3).collect();
        assert_eq!(rows.len(), 4, "{table}");
        for row in rows {
            assert!(row.ends_with(" 0") || row.ends_with("< 1e-12"), "{table}");
        }
    }

    #[test]
    fn the_dot_text_is_laid_out_for_a_page_and_the_same_every_time() {
        let graph = small_network_graph().unwrap();
        let dot = &graph.dot;
        assert!(dot.starts_with("digraph tape {") && dot.contains("rankdir=TB"), "{dot}");
        assert!(!dot.contains("rankdir=LR") && dot.contains(" loss\\n("), "{dot}");
        assert!(dot.contains("W1\\nparameter\\n2×3"), "{dot}");
        assert_eq!(graph, small_network_graph().unwrap());
        assert_eq!(graph.listing, record_small_network().unwrap().0.to_string());
    }
}
