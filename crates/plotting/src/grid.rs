//! A grid of grayscale images with titles.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::{BLACK, DrawingArea, DrawingBackend, RGBColor, Rectangle, Text, WHITE};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, TextStyle};

use crate::output::{Figure, MAX_SIDE, draw_error, format_of, invalid, write_atomically};
use crate::{FONT_FAMILY, PlotError, ensure_fonts};

/// Blank space around each cell's content, in pixels.
const PAD: u32 = 6;
/// Space between a title and its image, in pixels.
const TITLE_GAP: u32 = 4;

/// Draws grayscale images in a grid, with a title above each image, to a
/// PNG or SVG file chosen by the extension of `path`.
///
/// * `images`: one slice per image, each of `height × width` pixels in
///   row-major order (row 0 at the top). Pixels are shown with the "binary"
///   colormap: 0 is white, 255 is black, values in between are grays.
/// * `titles`: one title per image, drawn centred above it, or an empty
///   slice for no titles.
/// * `columns`: the number of images per row (fewer if there are fewer
///   images); rows are added as needed.
/// * `scale`: each pixel is drawn as a `scale × scale` square.
///
/// A cell is wide enough for its image and for the longest title. The
/// figure is written atomically (see the crate documentation); the parent
/// folder is created if missing.
///
/// # Errors
///
/// * [`PlotError::UnsupportedFormat`] if the extension is not `.png` or `.svg`;
/// * [`PlotError::Empty`] if `images` is empty;
/// * [`PlotError::ImageSize`] if an image does not have `height × width`
///   pixels (the message names the image index and both sizes);
/// * [`PlotError::TitleCount`] if `titles` is neither empty nor one per image;
/// * [`PlotError::InvalidArgument`] if `height`, `width`, `columns` or
///   `scale` is zero, or if the figure would exceed 20,000 pixels per side;
/// * [`PlotError::Io`], [`PlotError::Draw`], [`PlotError::Font`] if writing
///   or drawing fails.
///
/// In every error case no file is left at `path` or next to it.
pub fn image_grid(
    path: &Path,
    images: &[&[u8]],
    height: usize,
    width: usize,
    titles: &[String],
    columns: usize,
    scale: u32,
) -> Result<(), PlotError> {
    format_of(path)?;
    if images.is_empty() {
        return Err(PlotError::Empty { path: path.to_path_buf(), what: "no image to show".into() });
    }
    if height == 0 || width == 0 {
        return Err(invalid(path, format!("image size {height}×{width} has no pixel")));
    }
    if columns == 0 {
        return Err(invalid(path, "zero columns"));
    }
    if scale == 0 {
        return Err(invalid(path, "zero scale"));
    }
    let expected = height
        .checked_mul(width)
        .ok_or_else(|| invalid(path, format!("image size {height}×{width} is too large")))?;
    if let Some((index, image)) = images.iter().enumerate().find(|(_, im)| im.len() != expected) {
        return Err(PlotError::ImageSize {
            path: path.to_path_buf(),
            index,
            height,
            width,
            expected,
            actual: image.len(),
        });
    }
    if !titles.is_empty() && titles.len() != images.len() {
        return Err(PlotError::TitleCount {
            path: path.to_path_buf(),
            titles: titles.len(),
            images: images.len(),
        });
    }
    ensure_fonts()?;

    let too_large = || invalid(path, format!("the figure would exceed {MAX_SIDE} pixels per side"));
    let side = |pixels: usize| -> Result<u32, PlotError> {
        u32::try_from(pixels)
            .ok()
            .and_then(|p| p.checked_mul(scale))
            .filter(|&p| p <= MAX_SIDE)
            .ok_or_else(too_large)
    };
    let image_width = side(width)?;
    let image_height = side(height)?;

    let font_size = 11.0 + f64::from(scale.min(10));
    let font = FontDesc::new(FontFamily::Name(FONT_FAMILY), font_size, FontStyle::Normal);
    let mut title_width = 0_u32;
    let mut title_height = 0_u32;
    for title in titles {
        let (w, h) = font.box_size(title).map_err(|e| PlotError::Draw {
            path: path.to_path_buf(),
            message: format!("cannot lay out title {title:?}: {e}"),
        })?;
        title_width = title_width.max(w);
        title_height = title_height.max(h);
    }
    let title_band = if titles.is_empty() {
        0
    } else {
        // Room for descenders below the measured box.
        title_height + title_height / 3 + TITLE_GAP
    };

    let columns = columns.min(images.len());
    let rows = images.len().div_ceil(columns);
    let cell_width = u64::from(image_width.max(title_width)) + 2 * u64::from(PAD);
    let cell_height = u64::from(image_height) + u64::from(title_band) + 2 * u64::from(PAD);
    let canvas = |count: usize, cell: u64| -> Result<u32, PlotError> {
        u64::try_from(count)
            .ok()
            .and_then(|c| c.checked_mul(cell))
            .and_then(|p| u32::try_from(p).ok())
            .filter(|&p| p <= MAX_SIDE)
            .ok_or_else(too_large)
    };
    let size = (canvas(columns, cell_width)?, canvas(rows, cell_height)?);

    let grid = Grid {
        images,
        height,
        width,
        titles,
        columns,
        scale: scale as i32,
        // All of these are at most MAX_SIDE, which fits an i32.
        cell_width: cell_width as i32,
        cell_height: cell_height as i32,
        image_width: image_width as i32,
        title_band: title_band as i32,
        font,
    };
    write_atomically(path, size, &grid)
}

/// A validated grid, with its layout in pixels.
struct Grid<'a> {
    images: &'a [&'a [u8]],
    height: usize,
    width: usize,
    titles: &'a [String],
    columns: usize,
    scale: i32,
    cell_width: i32,
    cell_height: i32,
    image_width: i32,
    title_band: i32,
    font: FontDesc<'static>,
}

impl Figure for Grid<'_> {
    fn draw<DB>(&self, root: &DrawingArea<DB, Shift>, path: &Path) -> Result<(), PlotError>
    where
        DB: DrawingBackend,
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE).map_err(|e| draw_error(path, e))?;
        let title_style =
            TextStyle::from(self.font.clone()).color(&BLACK).pos(Pos::new(HPos::Center, VPos::Top));
        let pad = PAD as i32;

        for (index, image) in self.images.iter().enumerate() {
            // Indices are bounded by the canvas size checked earlier.
            let x0 = (index % self.columns) as i32 * self.cell_width;
            let y0 = (index / self.columns) as i32 * self.cell_height;
            if let Some(title) = self.titles.get(index) {
                let anchor = (x0 + self.cell_width / 2, y0 + pad);
                root.draw(&Text::new(title.as_str(), anchor, title_style.clone()))
                    .map_err(|e| draw_error(path, e))?;
            }
            let left = x0 + (self.cell_width - self.image_width) / 2;
            let top = y0 + pad + self.title_band;
            for (row, pixels) in image.chunks_exact(self.width).enumerate().take(self.height) {
                let y = top + row as i32 * self.scale;
                // One rectangle per run of equal pixels; white runs are skipped.
                let mut start = 0;
                while start < pixels.len() {
                    let value = pixels[start];
                    let end =
                        pixels[start..].iter().position(|&p| p != value).map_or(pixels.len(), |n| start + n);
                    if value != 0 {
                        let shade = 255 - value;
                        let corners = [
                            (left + start as i32 * self.scale, y),
                            (left + end as i32 * self.scale, y + self.scale),
                        ];
                        let color = RGBColor(shade, shade, shade);
                        root.draw(&Rectangle::new(corners, color.filled()))
                            .map_err(|e| draw_error(path, e))?;
                    }
                    start = end;
                }
            }
        }
        Ok(())
    }
}
