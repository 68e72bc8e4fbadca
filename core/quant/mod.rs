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
//! 3. [`layers`], [`conv`] and [`pool`]: the int8 layers, integer arrays
//!    that live in a `static`.
//!
//! A declared network is quantized in one call, `Net::quantize(&net,
//! &Calibration::new(&samples))`, which returns the int8 network type the
//! `network!` macro generated beside it (`NetQ8`, an [`Int8Network`]): no
//! heap. The macro lists the declaration's layers as a [`chain`]
//! ([`LayerChain`]: `Then<first, rest, width>`, and [`Folded`] for a
//! `Dense` followed by a `BatchNorm`); a layer kind joins by implementing
//! [`Quantize`]. With `std`, `quantize_with_tensors` also keeps every
//! tensor's quantization for the per-layer diagnostics (`Quantized::report`),
//! and `source` writes the int8 network as Rust source for a firmware.
//!
//! ```
//! use constnet::prelude::*;
//!
//! network! {
//!     /// SINE: 1-16-16-1, ReLU.
//!     pub struct Sine {
//!         fc1: Dense<1, 16>,
//!         act1: ReLU,
//!         fc2: Dense<16, 16>,
//!         act2: ReLU,
//!         out: Dense<16, 1>,
//!     }
//! }
//!
//! let net = Sine::<f32>::seeded(1); // trained in f32 in a real program
//! let xs: Vec<[f32; 1]> = (0..=100).map(|i| [-3.0 + 0.06 * i as f32]).collect();
//! // `SineQ8` and `Sine::quantize` come with the declaration.
//! let q8: SineQ8 = Sine::quantize(&net, &Calibration::new(&xs)).unwrap();
//!
//! // x = 1 in the input's quantization, through the int8 layers, and back.
//! let mut y = [0_i8; 1];
//! q8.forward(&[q8.input.quantize(1.0)], &mut y);
//! let float = net.forward(&SMatrix::<f32, 1, 1>::new(1.0))[0];
//! assert!((q8.output.dequantize(y[0]) - float).abs() < 4.0 * q8.output.scale);
//! ```
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
pub mod conv;
pub mod convert;
pub mod diagnostics;
mod error;
pub mod fixed_point;
pub mod fold;
pub mod layers;
pub mod network;
pub mod params;
pub mod pool;
pub mod quantize;
#[cfg(feature = "std")]
pub mod report;
pub mod softmax;
#[cfg(feature = "std")]
pub mod source;
mod table;

pub use calibrate::{Calibration, RangeMethod, TensorObserver};
pub use chain::{FloatChain, Stage, Then};
pub use conv::{Int8Conv1d, Int8Conv2d};
pub use convert::{
    OutputQuantization, Quantize, assign_params, assign_params_with, quantize_dense,
};
pub use diagnostics::{TensorErrors, TensorReport};
pub use error::QuantError;
pub use fixed_point::{
    QuantizedMultiplier, multiply_by_quantized_multiplier,
    multiply_by_quantized_multiplier_double_rounding, quantize_multiplier,
};
pub use fold::Folded;
pub use layers::{
    Int8Clamp, Int8Dense, Int8Identity, Int8Layer, Int8Softmax, Int8Table, TableFunction,
};
pub use network::{Int8Network, LayerChain, quantize_network};
pub use params::ActivationParams;
pub use pool::{Int8AvgPool, Int8MaxPool, PoolWindow};
pub use quantize::{compare, quantize_input, quantize_into};
#[cfg(feature = "std")]
pub use report::{Quantized, quantize_with_tensors};
pub use softmax::SoftmaxParams;
