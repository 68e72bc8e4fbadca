//! Pooling and reshaping layers: `MaxPool1d`, `MaxPool2d`, `AvgPool1d`,
//! `AvgPool2d`, `GlobalAvgPool` and `Flatten`. None has parameters. A
//! sample is one column in PyTorch's `(C, L)` or `(C, H, W)` row-major
//! layout, so a declaration states the channels and the length (or height
//! and width) as sizes and the kernel after them; the stride and padding
//! are named arguments that select the type (they change its output
//! width): `MaxPool2d<8, 6, 6, 2>(stride = 2)`.
//!
//! The shared window geometry, with PyTorch's output-size formula and
//! checks, is in `window.rs`; max pooling (the selected index kept for
//! backward and the R-operator) in `max.rs`; the linear average poolings in
//! `avg.rs`; `Flatten` in `flatten.rs`.

mod avg;
mod flatten;
mod max;
mod window;

pub use avg::{AvgPool1d, AvgPool2d, GlobalAvgPool};
pub use flatten::Flatten;
pub use max::{MaxPool1d, MaxPool2d, SelectedIndex};
pub use window::Window;
