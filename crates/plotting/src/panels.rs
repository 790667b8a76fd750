//! Several line charts side by side in one figure, such as a set of
//! functions in one panel and their derivatives in the next.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend, WHITE};

use crate::chart::Chart;
use crate::output::{Figure, draw_error, format_of, invalid, write_atomically};
use crate::{ChartOptions, PlotError, Series, ensure_fonts};

/// One panel of a [`line_panels`] figure: the options and series of one
/// chart, with the same meaning as for [`crate::line_chart`]. The panel's
/// `width` and `height` are not used: the figure's size is given to
/// [`line_panels`], and every panel gets an equal share of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Title, axis labels, ranges and legend of the panel.
    pub options: ChartOptions,
    /// The lines of the panel, coloured in order as in [`crate::line_chart`].
    pub series: Vec<Series>,
}

/// Draws `panels` as line charts in a grid of `columns` columns (row after
/// row, as many rows as needed), on a `width × height` figure written to a
/// PNG or SVG file chosen by the extension of `path`.
///
/// Each panel is drawn as [`crate::line_chart`] draws a chart: its own
/// title, axis labels, ranges, grid and legend; series in the colours of
/// the same palette, restarting in every panel; lines clipped to the axis
/// ranges. The figure is written atomically, and the parent folder is
/// created if missing.
///
/// ```no_run
/// use std::path::Path;
/// use plotting::{ChartOptions, Panel, line_panels};
///
/// let z: Vec<f64> = (-20..=20).map(|i| f64::from(i) / 4.0).collect();
/// let panel = |title: &str, f: fn(f64) -> f64| Panel {
///     options: ChartOptions { title: title.into(), x_label: "z".into(), ..ChartOptions::default() },
///     series: vec![(title.into(), z.iter().map(|&z| (z, f(z))).collect())],
/// };
/// let panels = [panel("tanh", f64::tanh), panel("tanh′", |z| 1.0 - z.tanh().powi(2))];
/// line_panels(Path::new("tanh.svg"), 2, 1000, 400, &panels)?;
/// # Ok::<(), plotting::PlotError>(())
/// ```
///
/// # Errors
///
/// As [`crate::line_chart`], for each panel, and also
/// [`PlotError::Empty`] if `panels` is empty and
/// [`PlotError::InvalidArgument`] if `columns` is 0. In every error case no
/// file is left at `path` or next to it.
pub fn line_panels(
    path: &Path,
    columns: usize,
    width: u32,
    height: u32,
    panels: &[Panel],
) -> Result<(), PlotError> {
    format_of(path)?;
    if panels.is_empty() {
        return Err(PlotError::Empty { path: path.to_path_buf(), what: "no panel to draw".into() });
    }
    if columns == 0 {
        return Err(invalid(path, "a figure of panels needs at least one column"));
    }
    let charts = panels
        .iter()
        .map(|Panel { options, series }| {
            if series.is_empty() {
                let what = format!("the panel {:?} has no series to draw", options.title);
                return Err(PlotError::Empty { path: path.to_path_buf(), what });
            }
            Chart::new(path, options, series)
        })
        .collect::<Result<Vec<_>, _>>()?;
    ensure_fonts()?;
    let rows = panels.len().div_ceil(columns);
    let figure = Panels { charts, grid: (rows, columns.min(panels.len())) };
    write_atomically(path, (width, height), &figure)
}

/// Validated panels and their grid (rows, columns).
struct Panels<'a> {
    charts: Vec<Chart<'a>>,
    grid: (usize, usize),
}

impl Figure for Panels<'_> {
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>, path: &Path) -> Result<(), PlotError>
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(|e| draw_error(path, e))?;
        for (chart, area) in self.charts.iter().zip(&root.split_evenly(self.grid)) {
            chart.draw_on(area, true, path)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::tests::{PNG_SIGNATURE, entries};

    /// A panel titled `title` with one line per name, each a few points.
    fn panel(title: &str, names: &[&str]) -> Panel {
        let series = names
            .iter()
            .enumerate()
            .map(|(k, name)| {
                let points = (0..=20).map(|i| f64::from(i) / 10.0).map(|x| (x, x * k as f64 - 1.0)).collect();
                (name.to_string(), points)
            })
            .collect();
        Panel {
            options: ChartOptions { title: title.into(), x_label: "z".into(), ..ChartOptions::default() },
            series,
        }
    }

    #[test]
    fn two_panels_share_one_svg_and_png() {
        let dir = tempfile::tempdir().expect("temp dir");
        let panels = [panel("Functions", &["f", "g"]), panel("Derivatives", &["f′", "g′", "h′"])];
        let svg = dir.path().join("panels.svg");
        line_panels(&svg, 2, 900, 400, &panels).expect("svg panels");
        let text = fs::read_to_string(&svg).expect("read svg");
        assert!(text.contains("Functions") && text.contains("Derivatives"), "a title is missing");
        assert!(text.matches("<polyline").count() >= 5, "fewer lines than series");
        for name in ["f", "g", "f′", "g′", "h′"] {
            assert!(text.lines().any(|line| line.trim() == name), "no legend entry {name}");
        }
        assert!(!text.contains(">-0.0<"), "a tick reads -0.0");

        let png = dir.path().join("panels.png");
        line_panels(&png, 1, 400, 600, &panels).expect("png panels");
        assert!(fs::read(&png).expect("read png").starts_with(PNG_SIGNATURE));
        assert_eq!(entries(dir.path()), ["panels.png", "panels.svg"]);
    }

    #[test]
    fn the_same_panels_give_the_same_bytes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let panels = [panel("a", &["x"]), panel("b", &["y"]), panel("c", &["z"])];
        let (first, second) = (dir.path().join("1.svg"), dir.path().join("2.svg"));
        line_panels(&first, 2, 800, 600, &panels).expect("first");
        line_panels(&second, 2, 800, 600, &panels).expect("second");
        assert_eq!(fs::read(first).expect("read"), fs::read(second).expect("read"));
    }

    #[test]
    fn bad_input_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("panels.svg");
        let good = panel("good", &["a"]);

        let err = line_panels(&path, 2, 800, 400, &[]).unwrap_err();
        assert!(matches!(err, PlotError::Empty { .. }), "{err}");

        let err = line_panels(&path, 0, 800, 400, std::slice::from_ref(&good)).unwrap_err();
        assert!(matches!(err, PlotError::InvalidArgument { .. }), "{err}");

        let no_series = Panel { series: Vec::new(), ..panel("empty", &[]) };
        let err = line_panels(&path, 2, 800, 400, &[good.clone(), no_series]).unwrap_err();
        assert!(matches!(err, PlotError::Empty { .. }) && err.to_string().contains("\"empty\""), "{err}");

        let mut nan = good.clone();
        nan.series[0].1[3].1 = f64::NAN;
        let err = line_panels(&path, 2, 800, 400, &[good.clone(), nan]).unwrap_err();
        assert!(matches!(err, PlotError::NonFinite { index: 3, .. }), "{err}");

        let mut flat = good.clone();
        flat.options.x_range = Some((1.0, 1.0));
        let err = line_panels(&path, 2, 800, 400, &[flat]).unwrap_err();
        assert!(matches!(err, PlotError::InvalidArgument { .. }), "{err}");

        let err = line_panels(&path, 2, 0, 400, std::slice::from_ref(&good)).unwrap_err();
        assert!(matches!(err, PlotError::InvalidArgument { .. }), "{err}");

        let err = line_panels(&dir.path().join("panels.pdf"), 2, 800, 400, &[good]).unwrap_err();
        assert!(matches!(err, PlotError::UnsupportedFormat { .. }), "{err}");

        assert!(entries(dir.path()).is_empty(), "left {:?}", entries(dir.path()));
    }
}
