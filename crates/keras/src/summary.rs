//! `model.summary()`, as Keras 3 prints it when its output is not a
//! terminal (76 characters wide): three columns for a Sequential or
//! subclassed model, or for a Functional model that is a plain chain; four,
//! with "Connected to", for any other Functional model. Cells wrap at
//! spaces; a word too long for its cell is cut with `…`, as Keras's table
//! printer does.

use std::fmt::Write;

use crate::error::Result;
use crate::layers::Layer;
use crate::model::{Kind, Model};
use crate::tensor::shape_string;

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

/// Content widths of the columns at Keras's default 76-character width.
const SEQUENTIAL: [usize; 3] = [31, 22, 13];
const FUNCTIONAL: [usize; 4] = [19, 17, 10, 17];

/// `text` in lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word: String = if word.chars().count() > width {
            word.chars().take(width.saturating_sub(1)).chain(['…']).collect()
        } else {
            word.to_string()
        };
        if line.is_empty() {
            line = word;
        } else if line.chars().count() + 1 + word.chars().count() <= width {
            line.push(' ');
            line.push_str(&word);
        } else {
            lines.push(std::mem::take(&mut line));
            line = word;
        }
    }
    lines.push(line);
    lines
}

fn rule(widths: &[usize], left: &str, mid: &str, right: &str, fill: &str) -> String {
    let cells: Vec<String> = widths.iter().map(|&w| fill.repeat(w + 2)).collect();
    format!("{left}{}{right}\n", cells.join(mid))
}

fn row(widths: &[usize], aligns: &[Align], cells: &[String], edge: &str) -> String {
    let wrapped: Vec<Vec<String>> = cells.iter().zip(widths).map(|(c, &w)| wrap(c, w)).collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    let mut out = String::new();
    for i in 0..height {
        out += edge;
        for ((lines, &w), &align) in wrapped.iter().zip(widths).zip(aligns) {
            let text = lines.get(i).map_or("", String::as_str);
            let pad = w.saturating_sub(text.chars().count());
            match align {
                Align::Left => write!(out, " {text}{} {edge}", " ".repeat(pad)),
                Align::Right => write!(out, " {}{text} {edge}", " ".repeat(pad)),
            }
            .unwrap_or_default();
        }
        out += "\n";
    }
    out
}

/// A count with a comma every three digits, as Keras's summaries print
/// parameter counts.
///
/// ```
/// assert_eq!(keras::thousands(266_610), "266,610");
/// assert_eq!(keras::thousands(42), "42");
/// ```
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A size as Keras prints it: 1066440 → "1.02 MB".
fn bytes(n: usize) -> String {
    let units = ["B", "KB", "MB", "GB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.2} {}", units[unit])
}

fn params(layer: &dyn Layer) -> String {
    if layer.is_built() {
        thousands(layer.weights().iter().map(|w| w.len()).sum())
    } else {
        "0 (unbuilt)".to_string()
    }
}

impl Model {
    /// Whether a Functional model is a plain chain (Keras then prints it
    /// with three columns): one input, one output, every call reading one
    /// value, every value read at most once, no layer called twice.
    fn is_chain(&self) -> bool {
        let Some(g) = &self.graph else { return false };
        let mut reads = vec![0usize; g.slot_shapes.len()];
        g.nodes.iter().flat_map(|n| &n.inputs).for_each(|&s| reads[s] += 1);
        let mut layers: Vec<usize> = g.nodes.iter().map(|n| n.layer).collect();
        layers.sort_unstable();
        layers.dedup();
        g.inputs.len() == 1
            && g.outputs.len() == 1
            && g.nodes.iter().all(|n| n.inputs.len() == 1 && n.outputs == 1)
            && reads.iter().all(|&r| r <= 1)
            && layers.len() == g.nodes.len()
    }

    /// The model as Keras's `model.summary()` prints it.
    pub fn summary(&self) -> Result<String> {
        let subclassed = matches!(self.kind, Kind::Subclassed(_));
        if !subclassed {
            self.require_built()?;
        }
        let mut out = format!("Model: \"{}\"\n", self.name);
        let four = matches!(self.kind, Kind::Functional) && !self.is_chain();
        let rows: Vec<Vec<String>> = match (&self.kind, &self.graph) {
            (Kind::Subclassed(_), _) => self
                .all_layers()
                .into_iter()
                .map(|l| {
                    let shape = self
                        .subclass_shapes
                        .iter()
                        .find(|(n, _)| n == l.name())
                        .map_or("?".to_string(), |(_, s)| shape_string(None, s));
                    vec![format!("{} ({})", l.name(), l.class_name()), shape, params(l)]
                })
                .collect(),
            (_, Some(g)) => {
                // Each layer's calls: the slots they read and the first slot they write.
                let mut written = g.inputs.len();
                let mut calls: Vec<Vec<(Vec<usize>, usize)>> = vec![Vec::new(); self.layers.len()];
                for node in &g.nodes {
                    calls[node.layer].push((node.inputs.clone(), written));
                    written += node.outputs;
                }
                self.layers
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let input = g
                            .inputs
                            .iter()
                            .position(|inp| inp.name == l.name() && l.declared_input().is_some());
                        let (shape, connected) = match input {
                            Some(k) => (shape_string(None, &g.inputs[k].shape), "-".to_string()),
                            None => {
                                let last = calls[i].last().map_or(0, |c| c.1);
                                let sources: Vec<String> = calls[i]
                                    .iter()
                                    .flat_map(|(reads, _)| reads.iter())
                                    .map(|&s| {
                                        let src = &g.slot_sources[s];
                                        format!("{}[{}][{}]", src.layer, src.call, src.output)
                                    })
                                    .collect();
                                (shape_string(None, &g.slot_shapes[last]), sources.join(", "))
                            }
                        };
                        let mut cells =
                            vec![format!("{} ({})", l.name(), l.class_name()), shape, params(l.as_ref())];
                        if four {
                            cells.push(connected);
                        }
                        cells
                    })
                    .collect()
            }
            (_, None) => Vec::new(),
        };
        let (widths, aligns, header): (&[usize], Vec<Align>, Vec<String>) = if four {
            (
                &FUNCTIONAL,
                vec![Align::Left, Align::Left, Align::Right, Align::Left],
                ["Layer (type)", "Output Shape", "Param #", "Connected to"].map(String::from).to_vec(),
            )
        } else {
            (
                &SEQUENTIAL,
                vec![Align::Left, Align::Left, Align::Right],
                ["Layer (type)", "Output Shape", "Param #"].map(String::from).to_vec(),
            )
        };
        out += &rule(widths, "┏", "┳", "┓", "━");
        out += &row(widths, &aligns, &header, "┃");
        out += &rule(widths, "┡", "╇", "┩", "━");
        for (i, cells) in rows.iter().enumerate() {
            if i > 0 {
                out += &rule(widths, "├", "┼", "┤", "─");
            }
            out += &row(widths, &aligns, cells, "│");
        }
        out += &rule(widths, "└", "┴", "┘", "─");
        let (mut trainable, mut frozen) = (0, 0);
        for w in self.weights() {
            if w.trainable { trainable += w.len() } else { frozen += w.len() }
        }
        let optimizer = self.optimizer_params();
        let mut lines = vec![
            ("Total", trainable + frozen + optimizer),
            ("Trainable", trainable),
            ("Non-trainable", frozen),
        ];
        if optimizer > 0 {
            lines.push(("Optimizer", optimizer));
        }
        for (label, n) in lines {
            let _ = writeln!(out, " {label} params: {} ({})", thousands(n), bytes(n * 4));
        }
        Ok(out)
    }

    /// The optimizer's variables once it has taken a step, as Keras counts
    /// them: its iteration count and learning rate, and every slot.
    fn optimizer_params(&self) -> usize {
        let Some(c) = &self.compiled else { return 0 };
        if c.state.iterations() == 0 {
            return 0;
        }
        2 + self
            .weights()
            .iter()
            .filter_map(|w| c.state.slots(w.id()))
            .map(|[a, b]| a.len() + b.len())
            .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_keras_prints_them() {
        assert_eq!(thousands(266_610), "266,610");
        assert_eq!(thousands(1_010), "1,010");
        assert_eq!(thousands(17), "17");
        assert_eq!(thousands(0), "0");
        assert_eq!(bytes(266_610 * 4), "1.02 MB");
        assert_eq!(bytes(0), "0.00 B");
    }

    #[test]
    fn cells_wrap_at_spaces_and_cut_long_words_as_keras_does() {
        assert_eq!(wrap("input_layer (InputLayer)", 19), ["input_layer", "(InputLayer)"]);
        assert_eq!(wrap("normalization[0][0], dense_1[0][0]", 17), ["normalization[0]…", "dense_1[0][0]"]);
        assert_eq!(wrap("dense (Dense)", 19), ["dense (Dense)"]);
        assert_eq!(wrap("", 5), [""]);
    }
}
