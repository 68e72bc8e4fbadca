//! int8 inference: TensorFlow Lite's post-training quantization and its
//! integer-only kernels, bit for bit.
//!
//! A trained float network becomes an int8 one in three steps, all at
//! conversion time on the host:
//!
//! 1. [`calibrate`]: run the float network over a calibration set and
//!    observe each activation tensor's range ([`RangeMethod`]: min/max, a
//!    percentile, or the range of least squared error);
//! 2. [`params`] and [`convert`]: choose each tensor's scale and zero point,
//!    quantize each layer's weights per output channel, its biases to
//!    `i32`, and its requantization multipliers ([`fixed_point`]);
//! 3. [`layers`]: the int8 layers, integer arrays that live in a `static`.
//!
//! A whole network is quantized in one call ([`quantize_into`], no heap;
//! with `std`, `quantize`, which returns a `Quantized` network with a
//! per-tensor report): it walks the network's layers listed as a
//! [`chain`] (`Then<first, rest, width>`, and `Folded` for a `Dense`
//! followed by a `BatchNorm`). A layer kind joins by implementing
//! [`Quantize`]. With `std`, `source` writes the int8 network as Rust
//! source for a firmware.
//!
//! Inference ([`Int8Layer::forward`]) uses integers only: no floating-point
//! operation, no soft-float call, no heap, no `std`. [`diagnostics`]
//! compare the int8 network with the float one tensor by tensor.
//!
//! The arithmetic is TensorFlow Lite's (its int8 quantization specification
//! and reference kernels; Jacob et al., CVPR 2018): a network written as a
//! `.tflite` file computes the same int8 outputs in the LiteRT interpreter,
//! except softmax, whose int8 kernel there uses a float table (the
//! difference is bounded in the tests).

pub mod calibrate;
pub mod chain;
pub mod convert;
pub mod diagnostics;
mod error;
pub mod fixed_point;
pub mod layers;
pub mod params;
pub mod quantize;
pub mod softmax;
#[cfg(feature = "std")]
pub mod source;
mod table;

pub use calibrate::{RangeMethod, TensorObserver};
pub use chain::{FloatChain, Folded, Then};
pub use convert::{OutputQuantization, Quantize, assign_params, quantize_dense};
pub use diagnostics::{TensorErrors, TensorReport};
pub use error::QuantError;
pub use fixed_point::{
    QuantizedMultiplier, multiply_by_quantized_multiplier,
    multiply_by_quantized_multiplier_double_rounding, quantize_multiplier,
};
pub use layers::{
    Int8Clamp, Int8Dense, Int8Identity, Int8Layer, Int8Softmax, Int8Table, TableFunction,
};
pub use params::ActivationParams;
#[cfg(feature = "std")]
pub use quantize::{Quantized, quantize};
pub use quantize::{compare, quantize_input, quantize_into};
pub use softmax::SoftmaxParams;
