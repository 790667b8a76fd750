//! Graphs drawn from Graphviz DOT text, without Graphviz: the pure-Rust
//! `layout-rs` crate parses the text and places the nodes and edges (in
//! layers, as Graphviz's `dot` does), and a small SVG writer of this module
//! draws them in the book's font.
//!
//! The output depends on nothing but the DOT text, so the same text gives
//! the same bytes on every machine (the autodiff tape's figure is drawn
//! this way from `Tape::to_dot`).
//!
//! ```
//! let svg = plotting::graph::dot_to_svg("digraph g { a -> b; }")?;
//! assert!(svg.starts_with("<svg") && svg.contains(">a</text>"));
//! # Ok::<(), plotting::PlotError>(())
//! ```

use std::path::Path;

use layout::core::color::Color;
use layout::core::format::RenderBackend;
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;
use layout::gv::{DotParser, GraphBuilder};

use crate::PlotError;
use crate::output::write_text_atomically;

/// Renders DOT text to SVG text.
///
/// # Errors
/// [`PlotError::Dot`] if `layout-rs` cannot parse the text.
pub fn dot_to_svg(dot: &str) -> Result<String, PlotError> {
    let mut parser = DotParser::new(dot);
    let ast = parser.process().map_err(PlotError::Dot)?;
    let mut builder = GraphBuilder::new();
    builder.visit_graph(&ast);
    let mut graph = builder.get();
    let mut svg = Svg::default();
    graph.do_it(false, false, false, &mut svg);
    Ok(svg.finish())
}

/// Renders DOT text to SVG ([`dot_to_svg`]) and writes it to `path`
/// atomically (a temporary file beside it, then a rename), creating the
/// folder if needed.
///
/// # Errors
/// [`PlotError::UnsupportedFormat`] unless `path` ends in `.svg`;
/// [`PlotError::Dot`] if the text cannot be parsed; [`PlotError::Io`] if the
/// file cannot be written.
pub fn dot_figure(path: &Path, dot: &str) -> Result<(), PlotError> {
    if crate::Format::from_path(path) != Some(crate::Format::Svg) {
        return Err(PlotError::UnsupportedFormat { path: path.to_path_buf() });
    }
    write_text_atomically(path, &dot_to_svg(dot)?)
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

#[cfg(test)]
mod tests {
    use super::*;

    const DOT: &str = "digraph g {\n  rankdir=TB;\n  node [shape=box];\n  \
                       a [label=\"A\\nparameter()\\n2×3\", style=filled, fillcolor=\"#fde9a9\"];\n  \
                       b [label=\"x < y & z\"];\n  a -> b;\n}\n";

    #[test]
    fn the_svg_is_the_same_every_time_and_escapes_text() {
        let first = dot_to_svg(DOT).unwrap();
        assert!(first.starts_with("<svg") && first.ends_with("</svg>\n"), "{first}");
        assert!(first.contains("font-weight=\"bold\">A</text>"), "{first}");
        assert!(first.contains(">x &lt; y &amp; z</text>"), "{first}");
        assert!(first.contains("fill=\"#fde9a9\"") && first.contains("marker-end"), "{first}");
        assert_eq!(first, dot_to_svg(DOT).unwrap());
    }

    #[test]
    fn bad_dot_text_is_an_error() {
        let err = dot_to_svg("digraph {").unwrap_err();
        assert!(matches!(err, PlotError::Dot(_)), "{err}");
    }

    #[test]
    fn dot_figure_writes_the_svg_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/graph.svg");
        dot_figure(&path, DOT).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), dot_to_svg(DOT).unwrap());
        assert_eq!(crate::tests::entries(&dir.path().join("sub")), ["graph.svg"]);
        let err = dot_figure(&dir.path().join("graph.png"), DOT).unwrap_err();
        assert!(matches!(err, PlotError::UnsupportedFormat { .. }), "{err}");
        assert!(dot_figure(&dir.path().join("bad.svg"), "digraph {").is_err());
        assert_eq!(crate::tests::entries(dir.path()), ["sub"]);
    }
}
