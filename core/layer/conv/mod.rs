//! Convolution layers, `Conv1d` and `Conv2d`: PyTorch's `nn.Conv1d` and
//! `nn.Conv2d` with zero padding. A sample is one column in PyTorch's
//! `(C, L)` or `(C, H, W)` row-major layout (as for the pooling layers), so
//! a declaration states the channels, the kernel and the input size as
//! sizes; the stride, padding, dilation, groups and bias are named
//! arguments that select the type (they change its widths):
//! `Conv2d<1, 8, 3, 3, 8, 8>(padding = 1)`.
//!
//! The layer is bilinear in its weight and input, as `Dense` is, so its
//! derivatives are three products (`kernels.rs`), with `*` the convolution
//! (PyTorch's cross-correlation):
//!
//! | quantity | formula |
//! |---|---|
//! | forward | `y = W * x + b` |
//! | backward | `dx = W^T dy` (the transposed convolution), `dW = dy x^T` (the correlation of `dy` with `x`), `db = sum_{batch, positions} dy` |
//! | R-forward | `R{y} = V * x + W * R{x} + v_b` |
//! | R-backward | `R{dx} = V^T dy + W^T R{dy}`, `R{dW} = R{dy} x^T + dy R{x}^T`, `R{db} = sum R{dy}` |
//!
//! where `(V, v_b)` is the direction's share of the weight and bias. The
//! block methods of full Hessians are the exact defaults (one direction at
//! a time). The weight has [`Role::Filter`](crate::layer::Role::Filter),
//! so the permutation-symmetry tools do not take a convolution for a layer
//! of units: they report it as a layer that does not compute hidden units
//! (`SymmetryError::NotComputing`), or, after a hidden layer, as one that
//! blocks its units (`SymmetryError::Blocked`). The int8 form is
//! [`Int8Conv1d`](crate::quant::Int8Conv1d) /
//! [`Int8Conv2d`](crate::quant::Int8Conv2d) (`quant::conv`).
//!
//! The geometry (PyTorch's output-size formula and checks) is in
//! `geometry.rs`, the products in `kernels.rs`, the two layer types in
//! `layer.rs`.

mod geometry;
mod kernels;
mod layer;

pub use geometry::ConvGeometry;
pub use kernels::{conv_bias_grad, conv_forward, conv_input_grad, conv_weight_grad};
pub use layer::{Conv1d, Conv2d};
