//! Figures for the book.
//!
//! Every figure of the book is drawn through this crate, on top of
//! [`plotters`]. Two things make the figures reproducible on any machine:
//!
//! * **A bundled font.** Text is laid out and rasterised with the DejaVu Sans
//!   font shipped inside the [`dejavu`] crate, registered once for the family
//!   name `"sans-serif"` (see [`ensure_fonts`]). No system font and no
//!   fontconfig are needed.
//! * **Atomic writes.** A figure is first rendered to a temporary file in its
//!   destination folder and then renamed onto its final path, so a failed
//!   drawing never leaves a half-written figure behind.
//!
//! The output format follows the extension of the destination path: `.png`
//! for a bitmap, `.svg` for a vector drawing (see [`Format`]).
//!
//! These drawing functions cover the chapter's figures:
//!
//! * [`image_grid`] shows grayscale images in a grid, each with a title above
//!   it (the grid of Fashion-MNIST samples with their class names);
//! * [`line_chart`] draws several named series of points as lines, with a
//!   title, axis labels and a legend (activation functions, learning curves);
//! * [`line_panels`] draws several such charts side by side in one figure
//!   (the activation functions beside their derivatives);
//! * [`decision_regions`] shades the regions a classifier predicts;
//! * [`graph::dot_to_svg`] lays out Graphviz DOT text and draws it as SVG
//!   (the autodiff tape's computation graph), without Graphviz.
//!
//! The stages' commands write their figures under the build folder,
//! [`target_figures_dir`] (`target/figures/<command>/`); only `cargo
//! figures` writes into the book.
//!
//! ```no_run
//! use std::path::Path;
//! use plotting::{ChartOptions, line_chart};
//!
//! let relu: Vec<(f64, f64)> = (-50..=50)
//!     .map(|i| {
//!         let z = f64::from(i) / 10.0;
//!         (z, z.max(0.0))
//!     })
//!     .collect();
//! let options = ChartOptions {
//!     title: "ReLU".into(),
//!     x_label: "z".into(),
//!     y_label: "ReLU(z)".into(),
//!     ..ChartOptions::default()
//! };
//! line_chart(Path::new("relu.svg"), &options, &[("ReLU".into(), relu)])?;
//! # Ok::<(), plotting::PlotError>(())
//! ```

mod chart;
mod command_output;
mod error;
mod fonts;
pub mod graph;
mod grid;
mod output;
mod panels;
mod regions;

pub use chart::{ChartOptions, Legend, Series, line_chart};
pub use command_output::target_figures_dir;
pub use error::PlotError;
pub use fonts::{FONT_FAMILY, ensure_fonts};
pub use grid::image_grid;
pub use output::Format;
pub use panels::{Panel, line_panels};
pub use regions::{Line, RegionOptions, decision_regions};

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    use super::*;

    pub(crate) const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

    /// The names of the entries of `dir`, sorted.
    pub(crate) fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read temp dir")
            .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn tiny_images() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        // Three 3×4 images: a gradient, a full black image and an empty one.
        let gradient: Vec<u8> = (0..12).map(|i| (i * 20) as u8).collect();
        (gradient, vec![255; 12], vec![0; 12])
    }

    fn sine_series() -> Vec<Series> {
        let sine: Vec<(f64, f64)> = (0..=40)
            .map(|i| {
                let x = f64::from(i) / 5.0;
                (x, x.sin())
            })
            .collect();
        let line: Vec<(f64, f64)> = vec![(0.0, -2.0), (8.0, 2.0)];
        vec![("sin".into(), sine), ("line".into(), line)]
    }

    #[test]
    fn fonts_register_once_and_lay_out_text() {
        ensure_fonts().expect("fonts");
        ensure_fonts().expect("fonts, second call");
        let font = plotters::style::FontDesc::new(
            plotters::style::FontFamily::Name(FONT_FAMILY),
            16.0,
            plotters::style::FontStyle::Bold,
        );
        let (w, h) = font.box_size("Ankle boot").expect("layout");
        assert!(w > 0 && h > 0, "text box {w}x{h}");
    }

    #[test]
    fn image_grid_writes_png_and_svg() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (a, b, c) = tiny_images();
        let images: Vec<&[u8]> = vec![&a, &b, &c];
        let titles: Vec<String> = vec!["Ankle boot".into(), "T-shirt/top".into(), "Bag".into()];

        let png = dir.path().join("sub/grid.png");
        image_grid(&png, &images, 3, 4, &titles, 2, 3).expect("png grid");
        let bytes = fs::read(&png).expect("read png");
        assert!(bytes.starts_with(PNG_SIGNATURE), "not a PNG");

        let svg = dir.path().join("grid.svg");
        image_grid(&svg, &images, 3, 4, &[], 5, 1).expect("svg grid");
        let text = fs::read_to_string(&svg).expect("read svg");
        assert!(text.contains("<svg"), "not an SVG");
        assert!(text.contains("<rect"), "no pixel drawn");

        // Only the two figures (and the folder created for one): no leftovers.
        assert_eq!(entries(dir.path()), ["grid.svg", "sub"]);
        assert_eq!(entries(&dir.path().join("sub")), ["grid.png"]);
    }

    #[test]
    fn image_grid_overwrites_an_existing_figure() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("grid.png");
        fs::write(&path, b"old").expect("write");
        let (a, _, _) = tiny_images();
        image_grid(&path, &[&a], 3, 4, &["x".into()], 1, 2).expect("grid");
        assert!(fs::read(&path).expect("read").starts_with(PNG_SIGNATURE));
        assert_eq!(entries(dir.path()), ["grid.png"]);
    }

    #[test]
    fn image_grid_rejects_bad_input_and_writes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("grid.png");
        let (a, _, _) = tiny_images();
        let short = vec![0_u8; 11];

        let err = image_grid(&path, &[&a, &short], 3, 4, &[], 2, 1).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, PlotError::ImageSize { index: 1, expected: 12, actual: 11, .. }));
        assert!(message.contains("image 1"), "{message}");
        assert!(message.contains("grid.png"), "{message}");

        let err = image_grid(&path, &[], 3, 4, &[], 2, 1).unwrap_err();
        assert!(matches!(err, PlotError::Empty { .. }), "{err}");

        let err = image_grid(&path, &[&a], 3, 4, &["a".into(), "b".into()], 2, 1).unwrap_err();
        assert!(matches!(err, PlotError::TitleCount { titles: 2, images: 1, .. }), "{err}");

        for (height, width, columns, scale) in [(0, 4, 1, 1), (3, 4, 0, 1), (3, 4, 1, 0)] {
            let err = image_grid(&path, &[&a], height, width, &[], columns, scale).unwrap_err();
            assert!(matches!(err, PlotError::InvalidArgument { .. }), "{err}");
        }

        let err = image_grid(&dir.path().join("grid.gif"), &[&a], 3, 4, &[], 1, 1).unwrap_err();
        assert!(matches!(err, PlotError::UnsupportedFormat { .. }), "{err}");

        assert!(entries(dir.path()).is_empty(), "left {:?}", entries(dir.path()));
    }

    #[test]
    fn line_chart_writes_svg_and_png() {
        let dir = tempfile::tempdir().expect("temp dir");
        let series = sine_series();
        let options = ChartOptions {
            title: "Tiny chart".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            y_range: Some((-1.2, 1.2)),
            width: 320,
            height: 240,
            ..ChartOptions::default()
        };

        let svg = dir.path().join("chart.svg");
        line_chart(&svg, &options, &series).expect("svg chart");
        let text = fs::read_to_string(&svg).expect("read svg");
        assert!(text.contains("<svg"), "not an SVG");
        assert!(text.contains("Tiny chart"), "no title");
        assert!(text.contains("<polyline"), "no line");
        let has_line = |wanted: &str| text.lines().any(|line| line.trim() == wanted);
        assert!(has_line("sin") && has_line("line"), "no legend entry");

        let png = dir.path().join("chart.png");
        let options = ChartOptions { legend: Legend::Hidden, y_range: None, ..options };
        line_chart(&png, &options, &series).expect("png chart");
        assert!(fs::read(&png).expect("read png").starts_with(PNG_SIGNATURE));

        assert_eq!(entries(dir.path()), ["chart.png", "chart.svg"]);
    }

    #[test]
    fn line_chart_handles_single_points_and_flat_series() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("flat.svg");
        let series =
            vec![("point".to_string(), vec![(1.0, 1.0)]), ("flat".to_string(), vec![(1.0, 1.0), (1.0, 1.0)])];
        line_chart(&path, &ChartOptions::default(), &series).expect("chart");
        assert!(fs::read_to_string(&path).expect("read").contains("<svg"));
    }

    #[test]
    fn line_chart_rejects_bad_input_and_writes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("chart.svg");
        let options = ChartOptions::default();

        let err = line_chart(&path, &options, &[]).unwrap_err();
        assert!(matches!(err, PlotError::Empty { .. }), "{err}");
        assert!(err.to_string().contains("chart.svg"), "{err}");

        let err = line_chart(&path, &options, &[("a".into(), vec![])]).unwrap_err();
        assert!(matches!(err, PlotError::Empty { .. }), "{err}");
        assert!(err.to_string().contains("\"a\""), "{err}");

        let nan = vec![("loss".to_string(), vec![(0.0, 1.0), (1.0, f64::NAN)])];
        let err = line_chart(&path, &options, &nan).unwrap_err();
        assert!(matches!(err, PlotError::NonFinite { index: 1, .. }), "{err}");

        let bad_range = ChartOptions { y_range: Some((1.0, 1.0)), ..ChartOptions::default() };
        let err = line_chart(&path, &bad_range, &sine_series()).unwrap_err();
        assert!(matches!(err, PlotError::InvalidArgument { .. }), "{err}");

        let tiny = ChartOptions { width: 0, ..ChartOptions::default() };
        let err = line_chart(&path, &tiny, &sine_series()).unwrap_err();
        assert!(matches!(err, PlotError::InvalidArgument { .. }), "{err}");

        let err = line_chart(&dir.path().join("chart"), &options, &sine_series()).unwrap_err();
        assert!(matches!(err, PlotError::UnsupportedFormat { .. }), "{err}");

        assert!(entries(dir.path()).is_empty(), "left {:?}", entries(dir.path()));
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("temp dir");
        // The destination is an existing folder: the final rename fails.
        let path = dir.path().join("taken.svg");
        fs::create_dir(&path).expect("mkdir");
        fs::write(path.join("keep"), b"x").expect("write");
        let err = line_chart(&path, &ChartOptions::default(), &sine_series()).unwrap_err();
        assert!(matches!(err, PlotError::Io { .. }), "{err}");
        assert!(err.to_string().contains("taken.svg"), "{err}");
        assert_eq!(entries(dir.path()), ["taken.svg"]);
    }
}
