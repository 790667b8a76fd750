//! The bundled font.

use std::sync::OnceLock;

use plotters::style::{FontStyle, register_font};

use crate::PlotError;

/// The font family name under which DejaVu Sans is registered.
///
/// It is also the name of `plotters`' `FontFamily::SansSerif`, so text styles
/// written as `("sans-serif", 16)` use the bundled font.
pub const FONT_FAMILY: &str = "sans-serif";

/// The outcome of the one registration, shared by every later call.
static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();

/// Registers the bundled DejaVu Sans (regular and bold) for the family
/// [`FONT_FAMILY`], once per process.
///
/// Every drawing function of this crate calls it first; call it yourself
/// only when drawing with `plotters` directly. Later calls are cheap and
/// return the outcome of the first one.
///
/// # Errors
///
/// [`PlotError::Font`] if `plotters` rejects the font data (which would mean
/// the `dejavu` crate ships a broken font).
pub fn ensure_fonts() -> Result<(), PlotError> {
    REGISTERED
        .get_or_init(|| {
            let fonts = [
                (FontStyle::Normal, dejavu::sans::regular(), "regular"),
                (FontStyle::Bold, dejavu::sans::bold(), "bold"),
            ];
            for (style, bytes, name) in fonts {
                register_font(FONT_FAMILY, style, bytes)
                    .map_err(|_| format!("DejaVu Sans {name} is not a valid font"))?;
            }
            Ok(())
        })
        .clone()
        .map_err(PlotError::Font)
}
