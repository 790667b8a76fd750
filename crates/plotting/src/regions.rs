//! Decision regions of a classifier over a plane of two features.
//!
//! The plane is cut into a grid of cells; the classifier predicts the class
//! at the centre of every cell and the cell is shaded in a light colour of
//! that class. The data points are drawn on top, one marker and colour per
//! class, and so are optional straight lines (a linear classifier's
//! boundary, a hidden unit's line).

use std::path::Path;

use plotters::coord::Shift;
use plotters::element::EmptyElement;
use plotters::prelude::{
    BLACK, Circle, DrawingArea, DrawingBackend, PathElement, RGBColor, Rectangle, TriangleMarker, WHITE,
};
use plotters::style::{Color, ShapeStyle};

use crate::chart::{Bounds, PALETTE, Segment, axes, checked_range, clip_segment, draw_legend, span, widen};
use crate::output::{Figure, draw_error, format_of, invalid, write_atomically};
use crate::{Legend, PlotError, ensure_fonts};

/// A straight line `a·x + b·y + c = 0`, drawn across the plot in black.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The coefficient of `x`.
    pub a: f64,
    /// The coefficient of `y`.
    pub b: f64,
    /// The constant term.
    pub c: f64,
    /// The legend entry; empty for none.
    pub label: String,
}

/// The options of [`decision_regions`].
///
/// ```
/// use plotting::{Line, RegionOptions};
/// let options = RegionOptions {
///     x_label: "Petal length (cm)".into(),
///     x_range: Some((0.0, 5.0)),
///     lines: vec![Line { a: 1.0, b: 1.0, c: -3.0, label: "x + y = 3".into() }],
///     ..RegionOptions::default()
/// };
/// assert_eq!(options.resolution, (400, 200));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RegionOptions {
    /// The title above the plot; empty for none.
    pub title: String,
    /// The label of the horizontal axis; empty for none.
    pub x_label: String,
    /// The label of the vertical axis; empty for none.
    pub y_label: String,
    /// The range of the horizontal axis, or `None` to span the points with
    /// a 5% margin.
    pub x_range: Option<(f64, f64)>,
    /// The range of the vertical axis, or `None` to span the points with a
    /// 5% margin.
    pub y_range: Option<(f64, f64)>,
    /// The number of grid cells along x and along y.
    pub resolution: (usize, usize),
    /// Straight lines drawn over the regions.
    pub lines: Vec<Line>,
    /// Where the legend goes.
    pub legend: Legend,
    /// The width of the figure, in pixels (SVG: user units).
    pub width: u32,
    /// The height of the figure, in pixels (SVG: user units).
    pub height: u32,
}

impl Default for RegionOptions {
    /// No title or labels, ranges from the points, a 400×200 grid, no line,
    /// legend lower right, 800×400.
    fn default() -> Self {
        Self {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            x_range: None,
            y_range: None,
            resolution: (400, 200),
            lines: Vec::new(),
            legend: Legend::LowerRight,
            width: 800,
            height: 400,
        }
    }
}

impl RegionOptions {
    /// The XOR figures' frame: the unit square with a margin of 0.5, axes
    /// x₁ and x₂, a 520 × 520 figure and this title.
    pub fn xor_square(title: String) -> RegionOptions {
        RegionOptions {
            title,
            x_label: "x₁".into(),
            y_label: "x₂".into(),
            x_range: Some((-0.5, 1.5)),
            y_range: Some((-0.5, 1.5)),
            resolution: (300, 300),
            legend: Legend::UpperRight,
            width: 520,
            height: 520,
            ..RegionOptions::default()
        }
    }
}

/// The largest number of grid cells.
const MAX_CELLS: usize = 4_000_000;

/// The colours of the first classes: blue squares on a lilac region, olive
/// circles on a pale yellow one, green triangles on a pale green one (the
/// chapter's notebook uses the first two). Later classes take the line
/// palette.
const CLASS_COLORS: [(RGBColor, RGBColor); 3] = [
    (RGBColor(0, 0, 255), RGBColor(0x98, 0x98, 0xff)),
    (RGBColor(0xbf, 0xbf, 0), RGBColor(0xfa, 0xfa, 0xb0)),
    (RGBColor(0, 0x80, 0), RGBColor(0xa8, 0xe0, 0xa8)),
];

/// The point colour and region colour of class `k`.
fn class_colors(k: usize) -> (RGBColor, RGBColor) {
    CLASS_COLORS.get(k).copied().unwrap_or_else(|| {
        let RGBColor(r, g, b) = PALETTE[k % PALETTE.len()];
        let light = |v: u8| ((u16::from(v) + 2 * 255) / 3) as u8;
        (RGBColor(r, g, b), RGBColor(light(r), light(g), light(b)))
    })
}

/// Shades the plane by the class `predict` gives each grid cell, then
/// draws `points` (`(x, y, class)`) by class and the straight lines of the
/// options, with axis labels and a legend naming every class and labelled
/// line, to a PNG or SVG file chosen by the extension of `path`. Points
/// outside the axis ranges are not drawn.
///
/// `predict` is called once, with the centres of all the grid cells (row
/// after row, from the bottom left), and must return one class per centre:
/// an index into `class_names`. A batch call suits classifiers that compute
/// on matrices.
///
/// The figure is written atomically (see the crate documentation); the
/// parent folder is created if missing.
///
/// # Errors
///
/// * [`PlotError::UnsupportedFormat`] if the extension is not `.png` or `.svg`;
/// * [`PlotError::Empty`] if there is no class name, or neither points nor
///   both ranges to frame the plot;
/// * [`PlotError::NonFinite`] if a point has a NaN or infinite coordinate;
/// * [`PlotError::InvalidArgument`] if a point's class or a predicted class
///   has no name, `predict` does not return one class per cell, a range is
///   not finite and increasing, the resolution is zero or above 4,000,000
///   cells, a line is not finite or has `a = b = 0`, or the size is zero or
///   above 20,000 pixels per side;
/// * [`PlotError::Io`], [`PlotError::Draw`], [`PlotError::Font`] if writing
///   or drawing fails.
///
/// In every error case no file is left at `path` or next to it.
///
/// ```no_run
/// use std::path::Path;
/// use plotting::{RegionOptions, decision_regions};
/// // XOR's four points, and the regions of a unit that computes OR.
/// let points = [(0.0, 0.0, 0), (0.0, 1.0, 1), (1.0, 0.0, 1), (1.0, 1.0, 0)];
/// let or = |cells: &[(f64, f64)]| cells.iter().map(|&(x, y)| usize::from(x + y >= 0.5)).collect();
/// let names = ["0".to_string(), "1".to_string()];
/// let options = RegionOptions { x_range: Some((-0.5, 1.5)), y_range: Some((-0.5, 1.5)), ..Default::default() };
/// decision_regions(Path::new("or.svg"), &options, or, &points, &names)?;
/// # Ok::<(), plotting::PlotError>(())
/// ```
pub fn decision_regions(
    path: &Path,
    options: &RegionOptions,
    predict: impl FnOnce(&[(f64, f64)]) -> Vec<usize>,
    points: &[(f64, f64, usize)],
    class_names: &[String],
) -> Result<(), PlotError> {
    format_of(path)?;
    if class_names.is_empty() {
        return Err(PlotError::Empty { path: path.to_path_buf(), what: "no class names".into() });
    }
    for (index, &(x, y, class)) in points.iter().enumerate() {
        if !x.is_finite() || !y.is_finite() {
            return Err(PlotError::NonFinite {
                path: path.to_path_buf(),
                series: "points".into(),
                index,
                x,
                y,
            });
        }
        if class >= class_names.len() {
            let message =
                format!("point {index} has class {class}, but there are {} names", class_names.len());
            return Err(invalid(path, message));
        }
    }
    let range = |given: Option<(f64, f64)>, axis: &str, coordinate: fn(&(f64, f64, usize)) -> f64| match given
    {
        Some(range) => checked_range(path, axis, range),
        None if points.is_empty() => Err(PlotError::Empty {
            path: path.to_path_buf(),
            what: format!("no points to span the {axis} axis, and no {axis} range"),
        }),
        None => {
            let (lo, hi) = span(points.iter().map(coordinate));
            checked_range(path, axis, widen(lo, hi, 0.05))
        }
    };
    let bounds =
        Bounds { x: range(options.x_range, "x", |p| p.0)?, y: range(options.y_range, "y", |p| p.1)? };
    let (columns, rows) = options.resolution;
    if columns == 0 || rows == 0 || columns.saturating_mul(rows) > MAX_CELLS {
        return Err(invalid(
            path,
            format!("resolution {columns}×{rows} is not within 1..={MAX_CELLS} cells"),
        ));
    }
    let mut segments = Vec::new();
    for (k, line) in options.lines.iter().enumerate() {
        let Line { a, b, c, .. } = *line;
        if !(a.is_finite() && b.is_finite() && c.is_finite()) || (a == 0.0 && b == 0.0) {
            return Err(invalid(path, format!("line {k} ({a}·x + {b}·y + {c} = 0) is not a straight line")));
        }
        segments.push(line_segment(line, bounds));
    }

    let cell = ((bounds.x.1 - bounds.x.0) / columns as f64, (bounds.y.1 - bounds.y.0) / rows as f64);
    let centres: Vec<(f64, f64)> = (0..rows)
        .flat_map(|r| {
            (0..columns).map(move |c| {
                (bounds.x.0 + (c as f64 + 0.5) * cell.0, bounds.y.0 + (r as f64 + 0.5) * cell.1)
            })
        })
        .collect();
    let classes = predict(&centres);
    if classes.len() != centres.len() {
        let message = format!("predict returned {} classes for {} grid cells", classes.len(), centres.len());
        return Err(invalid(path, message));
    }
    if let Some(&class) = classes.iter().find(|&&k| k >= class_names.len()) {
        let message = format!("predict returned class {class}, but there are {} names", class_names.len());
        return Err(invalid(path, message));
    }
    ensure_fonts()?;

    let figure = Regions { options, bounds, cell, classes, points, class_names, segments };
    write_atomically(path, (options.width, options.height), &figure)
}

/// The visible part of `line` within `bounds`, if any: the line is drawn
/// from edge to edge along the axis it is least steep against, then clipped.
fn line_segment(line: &Line, bounds: Bounds) -> Option<Segment> {
    let Line { a, b, c, .. } = *line;
    let (p, q) = if b.abs() >= a.abs() {
        let y = |x: f64| -(a * x + c) / b;
        ((bounds.x.0, y(bounds.x.0)), (bounds.x.1, y(bounds.x.1)))
    } else {
        let x = |y: f64| -(b * y + c) / a;
        ((x(bounds.y.0), bounds.y.0), (x(bounds.y.1), bounds.y.1))
    };
    clip_segment(p, q, bounds)
}

/// A validated region plot.
struct Regions<'a> {
    options: &'a RegionOptions,
    bounds: Bounds,
    /// The width and height of a grid cell.
    cell: (f64, f64),
    /// The class of every cell, row after row from the bottom.
    classes: Vec<usize>,
    points: &'a [(f64, f64, usize)],
    class_names: &'a [String],
    segments: Vec<Option<Segment>>,
}

impl Figure for Regions<'_> {
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>, path: &Path) -> Result<(), PlotError>
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        let fail = |e| draw_error(path, e);
        let options = self.options;
        root.fill(&WHITE).map_err(fail)?;
        let labels = [&options.title, &options.x_label, &options.y_label];
        let mut chart = axes(
            root,
            labels.map(String::as_str),
            self.bounds,
            false,
            crate::chart::Ticks { tidy: true, x_log10: false },
            path,
        )?;
        let Bounds { x: (x0, _), y: (y0, _) } = self.bounds;

        // Each row of cells as runs of one class: one rectangle per run.
        let columns = options.resolution.0;
        let mut runs = Vec::new();
        for (r, row) in self.classes.chunks_exact(columns).enumerate() {
            let (bottom, top) = (y0 + r as f64 * self.cell.1, y0 + (r + 1) as f64 * self.cell.1);
            let mut start = 0;
            for c in 1..=columns {
                if c == columns || row[c] != row[start] {
                    let (left, right) = (x0 + start as f64 * self.cell.0, x0 + c as f64 * self.cell.0);
                    runs.push(([(left, top), (right, bottom)], row[start]));
                    start = c;
                }
            }
        }
        chart
            .draw_series(
                runs.into_iter().map(|(corners, k)| Rectangle::new(corners, class_colors(k).1.filled())),
            )
            .map_err(fail)?;

        for (line, segment) in self.options.lines.iter().zip(&self.segments) {
            let style: ShapeStyle = BLACK.stroke_width(3);
            let drawn = chart
                .draw_series(segment.iter().map(|&(p, q)| PathElement::new(vec![p, q], style)))
                .map_err(fail)?;
            if !line.label.is_empty() {
                drawn
                    .label(line.label.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
            }
        }

        // Markers by class: squares, circles, triangles, in turn.
        for (k, name) in self.class_names.iter().enumerate() {
            let style: ShapeStyle = class_colors(k).0.filled();
            // Points outside the axes are left out (plotters would pin them
            // to the edge).
            let mine = self.points.iter().map(|&(x, y, class)| ((x, y), class));
            let mine = mine.filter(|&(p, class)| class == k && self.bounds.contains(p)).map(|(p, _)| p);
            let square = move || Rectangle::new([(-4, -4), (4, 4)], style);
            let drawn = match k % 3 {
                0 => chart.draw_series(mine.map(|p| EmptyElement::at(p) + square())),
                1 => chart.draw_series(mine.map(|p| Circle::new(p, 5, style))),
                _ => chart.draw_series(mine.map(|p| TriangleMarker::new(p, 6, style))),
            }
            .map_err(fail)?;
            if name.is_empty() {
                continue;
            }
            drawn.label(name.as_str());
            match k % 3 {
                0 => drawn.legend(move |(x, y)| EmptyElement::at((x + 12, y)) + square()),
                1 => drawn.legend(move |(x, y)| Circle::new((x + 12, y), 5, style)),
                _ => drawn.legend(move |(x, y)| TriangleMarker::new((x + 12, y), 6, style)),
            };
        }

        draw_legend(&mut chart, options.legend, path)
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::tests::{PNG_SIGNATURE, entries};

    fn names() -> Vec<String> {
        vec!["Not Iris setosa".into(), "Iris setosa".into()]
    }

    fn points() -> Vec<(f64, f64, usize)> {
        vec![(1.4, 0.2, 1), (1.3, 0.3, 1), (4.5, 1.5, 0), (5.0, 1.9, 0)]
    }

    /// Class 1 below the line x + y = 3.
    fn below(cells: &[(f64, f64)]) -> Vec<usize> {
        cells.iter().map(|&(x, y)| usize::from(x + y < 3.0)).collect()
    }

    fn options() -> RegionOptions {
        RegionOptions {
            x_label: "Petal length (cm)".into(),
            y_label: "Petal width (cm)".into(),
            x_range: Some((0.0, 5.0)),
            y_range: Some((0.0, 2.0)),
            resolution: (50, 20),
            lines: vec![Line { a: 1.0, b: 1.0, c: -3.0, label: "Decision boundary".into() }],
            width: 400,
            height: 240,
            ..RegionOptions::default()
        }
    }

    #[test]
    fn writes_svg_and_png_with_regions_points_lines_and_legend() {
        let dir = tempfile::tempdir().unwrap();
        let svg = dir.path().join("regions.svg");
        decision_regions(&svg, &options(), below, &points(), &names()).unwrap();
        let text = fs::read_to_string(&svg).unwrap();
        assert!(text.contains("Petal length (cm)") && text.contains("Petal width (cm)"), "no axis labels");
        let has_line = |wanted: &str| text.lines().any(|line| line.trim() == wanted);
        for entry in ["Not Iris setosa", "Iris setosa", "Decision boundary"] {
            assert!(has_line(entry), "no legend entry {entry}");
        }
        // Both region colours are used, and rows are merged into runs: a
        // 50×20 grid cut by one line needs at most two runs per row.
        assert!(text.contains("#9898FF") && text.contains("#FAFAB0"), "regions not shaded");
        let rects = text.matches("<rect").count();
        assert!(rects < 20 * 2 + 20, "{rects} rectangles: runs not merged");
        assert!(text.contains("<polyline"), "no boundary line");
        // Two class-1 points and the legend's marker; none for a point
        // outside the axes.
        let mut outside = points();
        outside.push((9.0, 9.0, 1));
        decision_regions(&svg, &options(), below, &outside, &names()).unwrap();
        assert_eq!(fs::read_to_string(&svg).unwrap().matches("<circle").count(), 3);

        let png = dir.path().join("regions.png");
        let no_axes = RegionOptions { x_range: None, y_range: None, lines: vec![], ..options() };
        decision_regions(&png, &no_axes, below, &points(), &names()).unwrap();
        assert!(fs::read(&png).unwrap().starts_with(PNG_SIGNATURE));
        assert_eq!(entries(dir.path()), ["regions.png", "regions.svg"]);
    }

    #[test]
    fn predict_sees_every_cell_centre_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grid.svg");
        let opts = RegionOptions { resolution: (4, 2), lines: vec![], ..options() };
        let mut seen = Vec::new();
        let record = |cells: &[(f64, f64)]| {
            seen = cells.to_vec();
            vec![0; cells.len()]
        };
        decision_regions(&path, &opts, record, &[], &names()).unwrap();
        assert_eq!(seen.len(), 8);
        assert_eq!((seen[0], seen[7]), ((0.625, 0.5), (4.375, 1.5)));
    }

    #[test]
    fn lines_are_cut_to_the_plot() {
        let bounds = Bounds { x: (0.0, 5.0), y: (0.0, 2.0) };
        let line = |a, b, c| Line { a, b, c, label: String::new() };
        assert_eq!(line_segment(&line(1.0, 1.0, -3.0), bounds), Some(((1.0, 2.0), (3.0, 0.0))));
        assert_eq!(line_segment(&line(1.0, 0.0, -2.5), bounds), Some(((2.5, 0.0), (2.5, 2.0))));
        assert_eq!(line_segment(&line(0.0, 1.0, 5.0), bounds), None);
    }

    #[test]
    fn bad_input_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("regions.svg");
        let check = |result: Result<(), PlotError>, wanted: &str| {
            let err = result.unwrap_err().to_string();
            assert!(err.contains(wanted) && err.contains("regions"), "{err} lacks {wanted}");
        };
        check(decision_regions(&path, &options(), below, &points(), &[]), "no class names");
        check(decision_regions(&path, &options(), below, &[(0.0, 0.0, 2)], &names()), "class 2");
        check(decision_regions(&path, &options(), below, &[(f64::NAN, 0.0, 0)], &names()), "NaN");
        let unframed = RegionOptions { x_range: None, ..options() };
        check(decision_regions(&path, &unframed, below, &[], &names()), "no points");
        check(decision_regions(&path, &options(), |_| vec![0], &points(), &names()), "returned 1 classes");
        check(decision_regions(&path, &options(), |c| vec![5; c.len()], &points(), &names()), "class 5");
        let flat = RegionOptions { y_range: Some((1.0, 1.0)), ..options() };
        check(decision_regions(&path, &flat, below, &points(), &names()), "y range");
        let coarse = RegionOptions { resolution: (0, 10), ..options() };
        check(decision_regions(&path, &coarse, below, &points(), &names()), "resolution");
        let degenerate = Line { a: 0.0, b: 0.0, c: 1.0, label: String::new() };
        let no_line = RegionOptions { lines: vec![degenerate], ..options() };
        check(decision_regions(&path, &no_line, below, &points(), &names()), "not a straight line");
        let gif = dir.path().join("regions.gif");
        check(decision_regions(&gif, &options(), below, &points(), &names()), "unsupported");
        assert!(entries(dir.path()).is_empty(), "left {:?}", entries(dir.path()));
    }
}
