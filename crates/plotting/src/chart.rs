//! Line charts of several named series, and the pieces every chart of the
//! crate is drawn with: axes, legend, tick labels and clipping.

use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::data::float::FloatPrettyPrinter;
use plotters::prelude::{
    BLACK, Cartesian2d, ChartBuilder, ChartContext, Circle, DrawingArea, DrawingBackend, PathElement,
    RGBColor, SeriesLabelPosition, WHITE,
};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, ShapeStyle};

use crate::output::{Figure, draw_error, format_of, invalid, write_atomically};
use crate::{FONT_FAMILY, PlotError, ensure_fonts};

/// A named series of `(x, y)` points, drawn as one line through the points
/// in their order. The name appears in the legend (an empty name does not).
pub type Series = (String, Vec<(f64, f64)>);

/// Where the legend of a [`line_chart`] goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Legend {
    /// No legend.
    Hidden,
    /// Inside the plotting area, upper left corner.
    UpperLeft,
    /// Inside the plotting area, upper right corner.
    #[default]
    UpperRight,
    /// Inside the plotting area, lower left corner.
    LowerLeft,
    /// Inside the plotting area, lower right corner.
    LowerRight,
}

/// The options of a [`line_chart`].
///
/// Build one from [`ChartOptions::default`] and change the fields you need:
///
/// ```
/// use plotting::{ChartOptions, Legend};
///
/// let options = ChartOptions {
///     title: "Learning curves".into(),
///     x_label: "Epoch".into(),
///     y_range: Some((0.0, 1.0)),
///     legend: Legend::LowerLeft,
///     ..ChartOptions::default()
/// };
/// assert_eq!((options.width, options.height), (800, 500));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ChartOptions {
    /// The title above the chart; empty for none.
    pub title: String,
    /// The label of the horizontal axis; empty for none.
    pub x_label: String,
    /// The label of the vertical axis; empty for none.
    pub y_label: String,
    /// The range of the horizontal axis, or `None` to span the data exactly.
    pub x_range: Option<(f64, f64)>,
    /// The range of the vertical axis, or `None` to span the data with a
    /// 5% margin above and below. Lines leaving a given range are clipped.
    pub y_range: Option<(f64, f64)>,
    /// Where the legend goes.
    pub legend: Legend,
    /// The width of the figure, in pixels (SVG: user units).
    pub width: u32,
    /// The height of the figure, in pixels (SVG: user units).
    pub height: u32,
    /// The x values are base-10 logarithms (of a learning rate, say): the
    /// ticks are labelled with the quantity itself (`-4` reads `1e-4`), so
    /// that the horizontal axis is a logarithmic one.
    pub x_log10: bool,
}

impl Default for ChartOptions {
    /// No title or labels, automatic ranges, legend upper right, 800×500.
    fn default() -> Self {
        Self {
            title: String::new(),
            x_label: String::new(),
            y_label: String::new(),
            x_range: None,
            y_range: None,
            legend: Legend::default(),
            width: 800,
            height: 500,
            x_log10: false,
        }
    }
}

/// The line colours, in order (the ten "tab10" colours of matplotlib).
pub(crate) const PALETTE: [RGBColor; 10] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

/// Draws each series as a line, with a title, axis labels, a grid and a
/// legend, to a PNG or SVG file chosen by the extension of `path`.
///
/// Series are drawn in order, each in the next colour of a fixed palette of
/// ten colours. A series of a single point is drawn as a dot. Parts of lines
/// outside the axis ranges are clipped.
///
/// The figure is written atomically (see the crate documentation); the
/// parent folder is created if missing.
///
/// # Errors
///
/// * [`PlotError::UnsupportedFormat`] if the extension is not `.png` or `.svg`;
/// * [`PlotError::Empty`] if `series` is empty or a series has no point;
/// * [`PlotError::NonFinite`] if a coordinate is NaN or infinite;
/// * [`PlotError::InvalidArgument`] if a range is not finite or not
///   increasing, or if the size is zero or above 20,000 pixels per side;
/// * [`PlotError::Io`], [`PlotError::Draw`], [`PlotError::Font`] if writing
///   or drawing fails.
///
/// In every error case no file is left at `path` or next to it.
pub fn line_chart(path: &Path, options: &ChartOptions, series: &[Series]) -> Result<(), PlotError> {
    format_of(path)?;
    if series.is_empty() {
        return Err(PlotError::Empty { path: path.to_path_buf(), what: "no series to draw".into() });
    }
    let chart = Chart::new(path, options, series)?;
    ensure_fonts()?;
    write_atomically(path, (options.width, options.height), &chart)
}

/// The smallest and largest of `values` (which is not empty).
pub(crate) fn span(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// Widens `[lo, hi]` by `margin` times its width on each side; a range of
/// zero width is widened to a unit-sized one around its value.
pub(crate) fn widen(lo: f64, hi: f64, margin: f64) -> (f64, f64) {
    let width = hi - lo;
    if width > 0.0 {
        (lo - margin * width, hi + margin * width)
    } else {
        let half = 0.5 * lo.abs().max(1.0);
        (lo - half, hi + half)
    }
}

/// `range` if it is finite and increasing, else an error naming the axis.
pub(crate) fn checked_range(path: &Path, axis: &str, range: (f64, f64)) -> Result<(f64, f64), PlotError> {
    let (lo, hi) = range;
    if lo.is_finite() && hi.is_finite() && lo < hi {
        Ok(range)
    } else {
        Err(invalid(path, format!("the {axis} range ({lo}, {hi}) is not a finite increasing range")))
    }
}

/// A validated line chart: a whole [`line_chart`] figure, or one panel of a
/// [`crate::line_panels`] figure.
pub(crate) struct Chart<'a> {
    options: &'a ChartOptions,
    series: &'a [Series],
    bounds: Bounds,
}

impl<'a> Chart<'a> {
    /// Checks the points of `series` (the caller rejects an empty list) and
    /// fixes the axis ranges: those of `options`, or the span of the data.
    pub(crate) fn new(
        path: &Path,
        options: &'a ChartOptions,
        series: &'a [Series],
    ) -> Result<Self, PlotError> {
        for (name, points) in series {
            if points.is_empty() {
                return Err(PlotError::Empty {
                    path: path.to_path_buf(),
                    what: format!("series {name:?} has no point"),
                });
            }
            if let Some((index, &(x, y))) =
                points.iter().enumerate().find(|(_, (x, y))| !x.is_finite() || !y.is_finite())
            {
                return Err(PlotError::NonFinite {
                    path: path.to_path_buf(),
                    series: name.clone(),
                    index,
                    x,
                    y,
                });
            }
        }
        let all = || series.iter().flat_map(|(_, points)| points.iter().copied());
        let range = |axis, given: Option<(f64, f64)>, coordinate: fn((f64, f64)) -> f64, margin| match given {
            Some(range) => checked_range(path, axis, range),
            None => {
                let (lo, hi) = span(all().map(coordinate));
                checked_range(path, axis, widen(lo, hi, margin))
            }
        };
        let bounds = Bounds {
            x: range("x", options.x_range, |p| p.0, 0.0)?,
            y: range("y", options.y_range, |p| p.1, 0.05)?,
        };
        Ok(Self { options, series, bounds })
    }

    /// Draws the chart on `area`: title, axes, grid, lines and legend. With
    /// `tidy_ticks`, no tick label reads `-0.0` (see [`tick`]).
    pub(crate) fn draw_on<DB>(
        &self,
        area: &DrawingArea<DB, Shift>,
        tidy_ticks: bool,
        path: &Path,
    ) -> Result<(), PlotError>
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        let fail = |e| draw_error(path, e);
        let options = self.options;
        let labels = [&options.title, &options.x_label, &options.y_label];
        let ticks = Ticks { tidy: tidy_ticks, x_log10: options.x_log10 };
        let mut chart = axes(area, labels.map(String::as_str), self.bounds, true, ticks, path)?;

        let mut labelled = false;
        for (index, (name, points)) in self.series.iter().enumerate() {
            let color = PALETTE[index % PALETTE.len()];
            let line: ShapeStyle = color.stroke_width(2);
            let (lines, dots): (Vec<_>, Vec<_>) =
                clip_polyline(points, self.bounds).into_iter().partition(|p| p.len() > 1);
            let drawn = chart
                .draw_series(lines.into_iter().map(|piece| PathElement::new(piece, line)))
                .map_err(fail)?;
            if !name.is_empty() {
                labelled = true;
                drawn
                    .label(name.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], line));
            }
            chart
                .draw_series(dots.into_iter().map(|dot| Circle::new(dot[0], 3, color.filled())))
                .map_err(fail)?;
        }
        if labelled {
            draw_legend(&mut chart, options.legend, path)?;
        }
        Ok(())
    }
}

impl Figure for Chart<'_> {
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>, path: &Path) -> Result<(), PlotError>
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(|e| draw_error(path, e))?;
        // plotters' own tick labels, as `line_chart` has always drawn them.
        self.draw_on(root, false, path)
    }
}

/// A chart with two axes of `f64`, as every chart of the crate has.
pub(crate) type Plane<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The bundled font at `size`.
fn font(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT_FAMILY), size, FontStyle::Normal)
}

/// Lays out a chart of `bounds` on `area` and draws its frame: the title
/// above it and the two axes with their labels (`[title, x, y]`, each
/// left out if empty) and ticks, over a light grid if `grid`. With
/// `ticks.tidy`, no tick label reads `-0.0` (see [`tick`]); with
/// `ticks.x_log10`, the x ticks read `10^x` (see [`power_of_ten`]).
pub(crate) fn axes<'a, DB>(
    area: &'a DrawingArea<DB, Shift>,
    [title, x_label, y_label]: [&str; 3],
    bounds: Bounds,
    grid: bool,
    ticks: Ticks,
    path: &Path,
) -> Result<Plane<'a, DB>, PlotError>
where
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let fail = |e| draw_error(path, e);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(16)
        .x_label_area_size(if x_label.is_empty() { 32 } else { 52 })
        .y_label_area_size(if y_label.is_empty() { 56 } else { 76 });
    if !title.is_empty() {
        builder.caption(title, font(22.0).style(FontStyle::Bold));
    }
    let Bounds { x: (x0, x1), y: (y0, y1) } = bounds;
    let mut chart = builder.build_cartesian_2d(x0..x1, y0..y1).map_err(fail)?;
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x_label).y_desc(y_label).label_style(font(14.0)).axis_desc_style(font(16.0));
    if grid {
        mesh.bold_line_style(RGBColor(215, 215, 215)).light_line_style(RGBColor(242, 242, 242));
    } else {
        mesh.disable_mesh();
    }
    if ticks.tidy {
        mesh.x_label_formatter(&tick).y_label_formatter(&tick);
    }
    if ticks.x_log10 {
        mesh.x_label_formatter(&power_of_ten);
    }
    mesh.draw().map_err(fail)?;
    Ok(chart)
}

/// How the ticks of [`axes`] are labelled.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ticks {
    /// No label reads `-0.0`.
    pub(crate) tidy: bool,
    /// The x values are logarithms: label them with `10^x`.
    pub(crate) x_log10: bool,
}

/// The label of a tick at `x` on a logarithmic axis: `10^x` with one
/// significant digit (`-4` → `1e-4`, `-3.5` → `3e-4`, `0` → `1`).
fn power_of_ten(x: &f64) -> String {
    let value = 10f64.powf(*x);
    if (-0.01..=3.01).contains(x) && (value - value.round()).abs() < 0.05 {
        return format!("{}", value.round());
    }
    let text = format!("{value:.0e}");
    text.replace("e-0", "e-").replace("e0", "")
}

/// Draws the legend of `chart` in the corner `legend` names (none for
/// [`Legend::Hidden`]).
pub(crate) fn draw_legend<'a, DB>(
    chart: &mut Plane<'a, DB>,
    legend: Legend,
    path: &Path,
) -> Result<(), PlotError>
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
{
    let position = match legend {
        Legend::Hidden => return Ok(()),
        Legend::UpperLeft => SeriesLabelPosition::UpperLeft,
        Legend::UpperRight => SeriesLabelPosition::UpperRight,
        Legend::LowerLeft => SeriesLabelPosition::LowerLeft,
        Legend::LowerRight => SeriesLabelPosition::LowerRight,
    };
    chart
        .configure_series_labels()
        .position(position)
        .label_font(font(14.0))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(|e| draw_error(path, e))
}

/// A tick label as plotters writes it, but never `-0.0`: a tick computed
/// as a tiny negative number is written as zero.
fn tick(value: &f64) -> String {
    let text = FloatPrettyPrinter { allow_scientific: false, min_decimal: 1, max_decimal: 5 }.print(*value);
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => text,
    }
}

/// The axis ranges of a chart.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    pub(crate) x: (f64, f64),
    pub(crate) y: (f64, f64),
}

impl Bounds {
    pub(crate) fn contains(self, (x, y): (f64, f64)) -> bool {
        (self.x.0..=self.x.1).contains(&x) && (self.y.0..=self.y.1).contains(&y)
    }
}

/// A segment between two points.
pub(crate) type Segment = ((f64, f64), (f64, f64));

/// Clips the segment `p`–`q` to `bounds` (Liang–Barsky): its visible part,
/// from start to end, or `None` if no part of it is visible.
pub(crate) fn clip_segment(p: (f64, f64), q: (f64, f64), bounds: Bounds) -> Option<Segment> {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    let edges =
        [(-dx, p.0 - bounds.x.0), (dx, bounds.x.1 - p.0), (-dy, p.1 - bounds.y.0), (dy, bounds.y.1 - p.1)];
    for (step, room) in edges {
        if step == 0.0 {
            if room < 0.0 {
                return None;
            }
        } else {
            let t = room / step;
            if step < 0.0 {
                if t > t1 {
                    return None;
                }
                t0 = t0.max(t);
            } else {
                if t < t0 {
                    return None;
                }
                t1 = t1.min(t);
            }
        }
    }
    let at = |t: f64| (p.0 + t * dx, p.1 + t * dy);
    Some((if t0 > 0.0 { at(t0) } else { p }, if t1 < 1.0 { at(t1) } else { q }))
}

/// The visible pieces of the polyline through `points`: runs of segments
/// clipped to `bounds`, split where the line leaves the chart. A single
/// visible point is a piece of one point.
fn clip_polyline(points: &[(f64, f64)], bounds: Bounds) -> Vec<Vec<(f64, f64)>> {
    if let [point] = points {
        return if bounds.contains(*point) { vec![vec![*point]] } else { Vec::new() };
    }
    let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
    // Whether the last piece ends at an original point, so that the next
    // segment continues it.
    let mut open = false;
    for pair in points.windows(2) {
        match clip_segment(pair[0], pair[1], bounds) {
            None => open = false,
            Some((start, end)) => {
                match pieces.last_mut() {
                    Some(piece) if open && start == pair[0] => piece.push(end),
                    _ => pieces.push(vec![start, end]),
                }
                open = end == pair[1];
            }
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT: Bounds = Bounds { x: (0.0, 1.0), y: (0.0, 1.0) };

    #[test]
    fn inside_polyline_is_one_piece() {
        let points = [(0.0, 0.0), (0.5, 0.5), (1.0, 0.2)];
        assert_eq!(clip_polyline(&points, UNIT), vec![points.to_vec()]);
    }

    #[test]
    fn a_line_leaving_and_returning_is_split() {
        let points = [(0.0, 0.5), (0.5, 1.5), (1.0, 0.5)];
        let pieces = clip_polyline(&points, UNIT);
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0], vec![(0.0, 0.5), (0.25, 1.0)]);
        assert_eq!(pieces[1], vec![(0.75, 1.0), (1.0, 0.5)]);
    }

    #[test]
    fn a_step_through_a_near_vertical_segment_stays_one_piece() {
        let step = [(0.0, 0.0), (0.4, 0.0), (0.41, 1.0), (1.0, 1.0)];
        assert_eq!(clip_polyline(&step, UNIT), vec![step.to_vec()]);
    }

    #[test]
    fn invisible_segments_and_points_vanish() {
        assert!(clip_polyline(&[(2.0, 2.0), (3.0, 3.0)], UNIT).is_empty());
        assert!(clip_polyline(&[(2.0, 0.5)], UNIT).is_empty());
        assert_eq!(clip_polyline(&[(0.5, 0.5)], UNIT), vec![vec![(0.5, 0.5)]]);
    }

    #[test]
    fn a_crossing_segment_is_cut_at_both_ends() {
        let pieces = clip_polyline(&[(-1.0, 0.5), (2.0, 0.5)], UNIT);
        assert_eq!(pieces, vec![vec![(0.0, 0.5), (1.0, 0.5)]]);
    }

    #[test]
    fn automatic_ranges_widen_flat_data() {
        assert_eq!(widen(2.0, 2.0, 0.05), (1.0, 3.0));
        assert_eq!(widen(0.0, 10.0, 0.05), (-0.5, 10.5));
        assert_eq!(widen(0.0, 10.0, 0.0), (0.0, 10.0));
    }

    #[test]
    fn ticks_never_read_minus_zero() {
        assert_eq!(tick(&-0.0), "0.0");
        assert_eq!(tick(&-1e-17), "0.0");
        assert_eq!(tick(&-2.5), "-2.5");
        assert_eq!([tick(&-1e-17), tick(&0.0), tick(&-0.5), tick(&1.0)], ["0.0", "0.0", "-0.5", "1.0"]);
    }

    #[test]
    fn log_ticks_read_the_quantity() {
        let labels: Vec<String> = [-5.0, -4.0, -3.5, -1.0, 0.0, 0.5, 1.0].iter().map(power_of_ten).collect();
        assert_eq!(labels, ["1e-5", "1e-4", "3e-4", "1e-1", "1", "3", "10"]);
    }
}
