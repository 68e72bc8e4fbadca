//! One look for every picture: sizes, fonts, colors, and the SVG canvas.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

/// Width and height of a one-panel picture, in pixels.
pub const SIZE: (u32, u32) = (900, 520);
/// Font family of every text.
pub const FONT: &str = "sans-serif";

/// The categorical palette (matplotlib's "tab10"), colorblind-safe in order.
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

/// A white SVG canvas of `size` written to `path`.
pub fn canvas(path: &Path, size: (u32, u32)) -> super::Outcome<DrawingArea<SVGBackend<'_>, Shift>> {
    let root = SVGBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE)?;
    Ok(root)
}

/// Caption style.
pub fn caption() -> TextStyle<'static> {
    (FONT, 22).into_font().into()
}

/// Axis description and label style.
pub fn label() -> TextStyle<'static> {
    (FONT, 16).into_font().into()
}

/// A series color as a line of `width` pixels.
pub fn line(color: RGBColor, width: u32) -> ShapeStyle {
    color.stroke_width(width)
}

/// A legend entry: a short line in `style`.
pub fn legend_line(style: ShapeStyle) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style)
}

/// The progress bar of long work: elapsed time, bar, position, message.
pub fn progress_style() -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} {msg}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// A tick label: plain decimals without float noise (`0.7`, not
/// `0.7000000001`), powers of ten for very small or large values (`1e-5`).
#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "plotters' label formatters take `&f64`"
)]
pub fn tick(value: &f64) -> String {
    let v = *value;
    let a = v.abs();
    // Below 1e-15: rounding noise of a zero (no axis here goes that low).
    if a < 1e-15 {
        "0".into()
    } else if !(1e-3..1e5).contains(&a) {
        format!("{v:.0e}")
    } else {
        let s = format!("{v:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.to_string() }
    }
}

/// A tick label of a log axis: only at 1, 2 and 5 times a power of ten,
/// so labels of neighbouring minor ticks do not collide.
#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "plotters' label formatters take `&f64`"
)]
pub fn log_tick(value: &f64) -> String {
    let v = value.abs();
    if v == 0.0 {
        return tick(value);
    }
    let mantissa = v / 10f64.powf(v.log10().floor());
    if [1.0, 2.0, 5.0, 10.0]
        .iter()
        .any(|m| (mantissa - m).abs() < 1e-6)
    {
        tick(value)
    } else {
        String::new()
    }
}
