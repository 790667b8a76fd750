//! Line charts of several named series.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::{
    BLACK, ChartBuilder, Circle, DrawingArea, DrawingBackend, PathElement, RGBColor, SeriesLabelPosition,
    WHITE,
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
            return Err(PlotError::NonFinite { path: path.to_path_buf(), series: name.clone(), index, x, y });
        }
    }
    let all = || series.iter().flat_map(|(_, points)| points.iter().copied());
    let x_range = match options.x_range {
        Some(range) => checked_range(path, "x", range)?,
        None => {
            let (lo, hi) = span(all().map(|(x, _)| x));
            checked_range(path, "x", widen(lo, hi, 0.0))?
        }
    };
    let y_range = match options.y_range {
        Some(range) => checked_range(path, "y", range)?,
        None => {
            let (lo, hi) = span(all().map(|(_, y)| y));
            checked_range(path, "y", widen(lo, hi, 0.05))?
        }
    };
    ensure_fonts()?;

    let chart = Chart { options, series, x_range, y_range };
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

/// A validated chart.
struct Chart<'a> {
    options: &'a ChartOptions,
    series: &'a [Series],
    x_range: (f64, f64),
    y_range: (f64, f64),
}

impl Figure for Chart<'_> {
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>, path: &Path) -> Result<(), PlotError>
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        let fail = |e| draw_error(path, e);
        let options = self.options;
        let font = |size: f64| FontDesc::new(FontFamily::Name(FONT_FAMILY), size, FontStyle::Normal);
        root.fill(&WHITE).map_err(fail)?;

        let mut builder = ChartBuilder::on(root);
        builder
            .margin(16)
            .x_label_area_size(if options.x_label.is_empty() { 32 } else { 52 })
            .y_label_area_size(if options.y_label.is_empty() { 56 } else { 76 });
        if !options.title.is_empty() {
            builder.caption(&options.title, font(22.0).style(FontStyle::Bold));
        }
        let (x0, x1) = self.x_range;
        let (y0, y1) = self.y_range;
        let mut chart = builder.build_cartesian_2d(x0..x1, y0..y1).map_err(fail)?;

        chart
            .configure_mesh()
            .x_desc(options.x_label.as_str())
            .y_desc(options.y_label.as_str())
            .label_style(font(14.0))
            .axis_desc_style(font(16.0))
            .bold_line_style(RGBColor(215, 215, 215))
            .light_line_style(RGBColor(242, 242, 242))
            .draw()
            .map_err(fail)?;

        let bounds = Bounds { x: self.x_range, y: self.y_range };
        let mut labelled = false;
        for (index, (name, points)) in self.series.iter().enumerate() {
            let color = PALETTE[index % PALETTE.len()];
            let line: ShapeStyle = color.stroke_width(2);
            let pieces = clip_polyline(points, bounds);
            let (lines, dots): (Vec<_>, Vec<_>) = pieces.into_iter().partition(|p| p.len() > 1);
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

        let position = match options.legend {
            Legend::Hidden => None,
            Legend::UpperLeft => Some(SeriesLabelPosition::UpperLeft),
            Legend::UpperRight => Some(SeriesLabelPosition::UpperRight),
            Legend::LowerLeft => Some(SeriesLabelPosition::LowerLeft),
            Legend::LowerRight => Some(SeriesLabelPosition::LowerRight),
        };
        if let (Some(position), true) = (position, labelled) {
            chart
                .configure_series_labels()
                .position(position)
                .label_font(font(14.0))
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK.mix(0.3))
                .draw()
                .map_err(fail)?;
        }
        Ok(())
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

/// A segment clipped to the bounds: its visible part, and whether its start
/// and its end were moved (the line leaves the chart there).
pub(crate) struct Clipped {
    pub(crate) start: (f64, f64),
    pub(crate) end: (f64, f64),
    start_moved: bool,
    end_moved: bool,
}

/// Clips the segment `p`–`q` to `bounds` (Liang–Barsky), or `None` if no
/// part of it is visible.
pub(crate) fn clip_segment(p: (f64, f64), q: (f64, f64), bounds: Bounds) -> Option<Clipped> {
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
    Some(Clipped {
        start: if t0 > 0.0 { at(t0) } else { p },
        end: if t1 < 1.0 { at(t1) } else { q },
        start_moved: t0 > 0.0,
        end_moved: t1 < 1.0,
    })
}

/// Splits the polyline through `points` into its visible pieces. A piece of
/// one point is an isolated visible point (a series of one point).
fn clip_polyline(points: &[(f64, f64)], bounds: Bounds) -> Vec<Vec<(f64, f64)>> {
    if let [point] = points {
        return if bounds.contains(*point) { vec![vec![*point]] } else { Vec::new() };
    }
    let mut pieces = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for pair in points.windows(2) {
        match clip_segment(pair[0], pair[1], bounds) {
            None => {
                if current.len() > 1 {
                    pieces.push(std::mem::take(&mut current));
                }
                current.clear();
            }
            Some(clipped) => {
                if clipped.start_moved || current.is_empty() {
                    if current.len() > 1 {
                        pieces.push(std::mem::take(&mut current));
                    }
                    current = vec![clipped.start, clipped.end];
                } else {
                    current.push(clipped.end);
                }
                if clipped.end_moved {
                    pieces.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if current.len() > 1 {
        pieces.push(current);
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
}
