//! The computation graph of a small network, as the tape records it: the
//! book's figure and its one-line-per-operation listing.
//!
//! [`small_network_graph`] records the forward pass of a 2-3-1 network
//! (tanh hidden layer, sigmoid output, binary cross-entropy) on XOR, names
//! its nodes, renders [`Tape::to_dot`] to SVG with the pure-Rust `layout-rs`
//! crate (no Graphviz needed) and returns the tape's `Display` listing.
//! The output depends on nothing but the code, so `cargo figures` writes
//! the same bytes every time.

use std::path::{Path, PathBuf};

use layout::core::color::Color;
use layout::core::format::RenderBackend;
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;
use layout::gv::{DotParser, GraphBuilder};
use mlp::{Activation, Dense, Loss, Mlp, Targets};
use nalgebra::{DMatrix, DVector, dmatrix, dvector};

use crate::{Tape, TapeError, Var};

/// What can go wrong while drawing the graph.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// Recording the network failed.
    #[error(transparent)]
    Tape(#[from] TapeError),
    /// Stage 3's backward pass failed.
    #[error(transparent)]
    Mlp(#[from] mlp::MlpError),
    /// `layout-rs` could not parse the tape's DOT text.
    #[error("cannot parse the tape's DOT text: {0}")]
    Dot(String),
    /// Writing the SVG file failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
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

/// Renders DOT text to SVG: `layout-rs` parses it and places the nodes
/// and edges (in layers, as Graphviz's `dot` does), and a small SVG writer
/// of this module draws them.
pub fn dot_to_svg(dot: &str) -> Result<String, GraphError> {
    let mut parser = DotParser::new(dot);
    let ast = parser.process().map_err(GraphError::Dot)?;
    let mut builder = GraphBuilder::new();
    builder.visit_graph(&ast);
    let mut graph = builder.get();
    let mut svg = Svg::default();
    graph.do_it(false, false, false, &mut svg);
    Ok(svg.finish())
}

/// The tape's DOT text, adapted for a page: top to bottom rather than left
/// to right (a narrow figure keeps its text legible at the page's width),
/// and the loss's long description on two lines.
fn dot_for_page(tape: &Tape<f64>) -> String {
    tape.to_dot().replacen("rankdir=LR", "rankdir=TB", 1).replace(" loss (", " loss\\n(")
}

/// An SVG [`RenderBackend`] for the figure. `layout-rs` ships one, but it
/// sizes the drawing from the length of each label (which leaves a wide
/// blank margin under a long one) and sets text in Times; this one fits the
/// drawing to what is drawn, uses the book's DejaVu Sans, and writes every
/// coordinate with one decimal, so the file is the same on every machine.
#[derive(Default)]
struct Svg {
    body: String,
    min: (f64, f64),
    max: (f64, f64),
    drawn: bool,
}

/// The text size, in pixels; `layout-rs` reserves `FONT_SLOT` pixels per
/// line (its default font size), a little more than the text needs.
const FONT_PX: f64 = 12.5;
const FONT_SLOT: f64 = 14.0;
const MARGIN: f64 = 8.0;

impl Svg {
    fn include(&mut self, p: Point) {
        if self.drawn {
            self.min = (self.min.0.min(p.x), self.min.1.min(p.y));
            self.max = (self.max.0.max(p.x), self.max.1.max(p.y));
        } else {
            (self.min, self.max, self.drawn) = ((p.x, p.y), (p.x, p.y), true);
        }
    }

    fn finish(&self) -> String {
        let (x0, y0) = (self.min.0 - MARGIN, self.min.1 - MARGIN);
        let (w, h) = (self.max.0 - self.min.0 + 2.0 * MARGIN, self.max.1 - self.min.1 + 2.0 * MARGIN);
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" \
             viewBox=\"{x0:.1} {y0:.1} {w:.1} {h:.1}\" font-family=\"DejaVu Sans, Verdana, sans-serif\" \
             font-size=\"{FONT_PX}\">\n\
             <defs><marker id=\"head\" markerWidth=\"10\" markerHeight=\"7\" refX=\"10\" refY=\"3.5\" \
             orient=\"auto\"><polygon points=\"0 0, 10 3.5, 0 7\" fill=\"#333333\"/></marker></defs>\n\
             <rect x=\"{x0:.1}\" y=\"{y0:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"white\"/>\n{}</svg>\n",
            self.body
        )
    }
}

/// `#rrggbb` of a `layout-rs` colour (which prints as `#rrggbbaa`).
fn web(color: Color) -> String {
    color.to_web_color()[..7].to_string()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

impl RenderBackend for Svg {
    fn draw_rect(&mut self, xy: Point, size: Point, look: &StyleAttr, _: Option<String>, _: Option<usize>) {
        self.include(xy);
        self.include(xy.add(size));
        let fill = look.fill_color.map_or("none".to_string(), web);
        self.body += &format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"4\" fill=\"{fill}\" \
             stroke=\"{}\"/>\n",
            xy.x,
            xy.y,
            size.x,
            size.y,
            web(look.line_color)
        );
    }

    fn draw_line(&mut self, start: Point, stop: Point, look: &StyleAttr, _: Option<String>) {
        self.include(start);
        self.include(stop);
        self.body += &format!(
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\"/>\n",
            start.x,
            start.y,
            stop.x,
            stop.y,
            web(look.line_color)
        );
    }

    fn draw_circle(&mut self, xy: Point, size: Point, look: &StyleAttr, _: Option<String>) {
        self.include(xy.sub(size.scale(0.5)));
        self.include(xy.add(size.scale(0.5)));
        let fill = look.fill_color.map_or("none".to_string(), web);
        self.body += &format!(
            "<ellipse cx=\"{:.1}\" cy=\"{:.1}\" rx=\"{:.1}\" ry=\"{:.1}\" fill=\"{fill}\" stroke=\"{}\"/>\n",
            xy.x,
            xy.y,
            size.x / 2.0,
            size.y / 2.0,
            web(look.line_color)
        );
    }

    /// Centred lines, `FONT_SLOT` apart, around `xy`.
    fn draw_text(&mut self, xy: Point, text: &str, _: &StyleAttr) {
        let lines: Vec<&str> = text.lines().collect();
        let first = xy.y - (lines.len() as f64 - 1.0) * FONT_SLOT / 2.0;
        for (i, line) in lines.iter().enumerate() {
            // The baseline sits about 0.35 em below the line's middle.
            let baseline = first + i as f64 * FONT_SLOT + 0.35 * FONT_PX;
            let weight = if i == 0 && lines.len() > 2 { " font-weight=\"bold\"" } else { "" };
            self.body += &format!(
                "<text x=\"{:.1}\" y=\"{baseline:.1}\" text-anchor=\"middle\"{weight}>{}</text>\n",
                xy.x,
                escape(line)
            );
        }
    }

    /// A cubic Bézier path through `layout-rs`'s control points, with a
    /// head at the end.
    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        _head: (bool, bool),
        _: &StyleAttr,
        _: Option<String>,
        _text: &str,
    ) {
        if path.len() < 2 {
            return;
        }
        for &(a, b) in path {
            self.include(a);
            self.include(b);
        }
        let p = |q: Point| format!("{:.1} {:.1}", q.x, q.y);
        let mut d = format!("M {} C {}, {}, {}", p(path[0].0), p(path[0].1), p(path[1].0), p(path[1].1));
        for &(a, b) in &path[2..] {
            d += &format!(" S {}, {}", p(a), p(b));
        }
        self.body +=
            &format!("<path d=\"{d}\" fill=\"none\" stroke=\"#333333\" marker-end=\"url(#head)\"/>\n");
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> usize {
        0
    }
}

/// Records the small network, runs the backward pass, writes
/// `autodiff_graph.svg` into `out_dir` and returns its path with the tape's
/// listing (one line per operation, with its shape).
pub fn small_network_graph(out_dir: &Path) -> Result<(PathBuf, String), GraphError> {
    let (mut tape, loss, _) = record_small_network()?;
    tape.backward(loss)?;
    let svg = dot_to_svg(&dot_for_page(&tape))?;
    let path = out_dir.join("autodiff_graph.svg");
    write_atomically(&path, &svg)?;
    Ok((path, tape.to_string()))
}

/// Writes `text` beside `path` first, then renames it onto `path`, so a
/// failure leaves no half-written figure.
fn write_atomically(path: &Path, text: &str) -> Result<(), GraphError> {
    let io = |source| GraphError::Io { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let temp = path.with_extension("svg.partial");
    std::fs::write(&temp, text).map_err(io)?;
    std::fs::rename(&temp, path).map_err(io)
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
    fn the_svg_is_the_same_every_time() {
        let (tape, ..) = record_small_network().unwrap();
        let first = dot_to_svg(&dot_for_page(&tape)).unwrap();
        assert!(first.contains("<svg") && first.contains(">W1</text>"));
        assert_eq!(first, dot_to_svg(&dot_for_page(&tape)).unwrap());
    }
}
