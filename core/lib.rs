//! # constnet
//!
//! Small neural networks whose shapes are checked by the compiler. Declare a
//! network with [`network!`]; the macro generates a struct that owns its
//! parameters as one flat array in PyTorch order, and straight-line forward,
//! backward and second-order code that calls the tested layer functions of
//! [`layer`]. No runtime tape, no heap, no dynamic dispatch: the same model
//! trains on a PC and runs on a `no_std` microcontroller.
//!
//! ```
//! use constnet::prelude::*;
//!
//! network! {
//!     /// A 2-8-1 classifier for XOR (outputs a logit).
//!     pub struct Xor {
//!         hidden: Dense<2, 8>,
//!         act: Tanh,
//!         out: Dense<8, 1>,
//!     }
//! }
//!
//! let net = Xor::<f32>::seeded(7);
//! assert_eq!(<Xor>::PARAMS, 33);
//! let x = SMatrix::<f32, 2, 4>::from_column_slice(&[0., 0., 0., 1., 1., 0., 1., 1.]);
//! let logits: SMatrix<f32, 1, 4> = net.forward(&x);
//! assert!(logits.iter().all(|v| v.is_finite()));
//! ```
//!
//! Modules, in the order data flows: [`data`] (data sets and minibatches),
//! [`network`](mod@network) and [`layer`] (forward and backward), [`loss`], [`optim`]
//! (optimizers), [`train`] (the training loop and its observers),
//! [`init`] and [`rng`] (seeded initialization), [`metrics`], [`budget`]
//! (the RAM a network needs, as constants), and
//! [`diagnostics`] (what goes wrong in optimization, measured). Second
//! order: [`hessian`] (Hessian-vector products and full Hessians),
//! [`risk`] (the same for the empirical risk of a whole data set,
//! accumulated over minibatches), [`spectrum`] (eigenvalues and what they
//! say), [`matrix_free`] (Lanczos, power iteration, Hutchinson, spectral
//! density, with or without `std`), `newton` (Newton and saddle-free Newton,
//! `std`).
#![no_std]
#![forbid(unsafe_code)]

#[cfg(any(feature = "std", test))]
extern crate std;

// Lets generated code name this crate as `::constnet` from inside it too.
extern crate self as constnet;

pub mod budget;
mod checks;
pub mod data;
pub mod diagnostics;
pub mod error;
pub mod hessian;
pub mod info;
pub mod init;
#[cfg(feature = "std")]
pub mod interop;
mod kernel;
pub mod layer;
pub mod loss;
pub mod math;
pub mod matrix_free;
pub mod metrics;
pub mod network;
#[cfg(feature = "std")]
pub mod newton;
pub mod optim;
pub mod quant;
pub mod risk;
pub mod rng;
pub mod scalar;
#[cfg(feature = "serde")]
pub mod serialize;
pub mod spectrum;
pub mod state;
#[cfg(feature = "std")]
pub mod testing;
pub mod train;

#[doc = include_str!("network_macro.md")]
pub use constnet_macros::network;
pub use error::{Error, Result};
pub use nalgebra;

/// Everything a typical program needs: `use constnet::prelude::*;`.
pub mod prelude {
    pub use crate::data::{Dataset, LastBatch, shuffle_together, shuffled_order};
    pub use crate::diagnostics::{ConditioningMonitor, MonitorConfig, Records, Ring};
    pub use crate::error::{Error, Result};
    pub use crate::hessian::{EvalMode, SecondOrder};
    #[cfg(feature = "std")]
    pub use crate::hessian::{Hessian, HessianOptions};
    pub use crate::init::{FanMode, Init, Nonlinearity};
    pub use crate::layer::{
        AvgPool1d, AvgPool2d, BatchNorm, Conv1d, Conv2d, Dense, Dropout, Flatten, GlobalAvgPool,
        Gru, GruCache, Identity, LayerNorm, LeakyReLU, Lstm, LstmCache, MaxPool1d, MaxPool2d, ReLU,
        Rnn, RnnCache, Sigmoid, Softmax, Tanh, Zeroed,
    };
    // What a user-written layer implements and the types in its signatures.
    pub use crate::layer::{
        BlockContext, Directions, Domain, Fill, ForwardMode, GradRows, InputFrom, Layer,
        LayerConfig, LayerShape, Properties, Role, TensorShape, TrainContext,
    };
    pub use crate::loss::{Bce, BceWithLogits, CrossEntropy, CrossEntropyOneHot, Loss, Mse};
    pub use crate::matrix_free::LinearOperator;
    pub use crate::metrics::{accuracy, binary_accuracy};
    pub use crate::network::Network;
    pub use crate::optim::{
        Adam, AdamConfig, AdamW, AdamWConfig, CosineAnnealingLr, ExponentialLr, LinearLr,
        Optimizer, RmsProp, RmsPropConfig, Schedule, Scheduled, Sgd, SgdConfig, StepLr,
    };
    pub use crate::quant::{Calibration, Int8Layer, RangeMethod};
    pub use crate::rng::Rng;
    pub use crate::scalar::Float;
    #[cfg(feature = "std")]
    pub use crate::spectrum::Spectrum;
    pub use crate::spectrum::{Curvature, PointKind};
    #[cfg(feature = "std")]
    pub use crate::train::History;
    pub use crate::train::{
        Control, EachEpoch, EpochReport, Observer, StepView, StopReason, TrainConfig, TrainReport,
        Trainer,
    };
    pub use constnet_macros::network;
    pub use nalgebra::{SMatrix, SVector};
}

/// What generated code names, by absolute path (`::constnet::__private::...`),
/// so that shadowing `Option`, `f32` or `SMatrix` in user code cannot break it.
/// Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::checks::{
        Described, Written, batch_too_small, count_mismatch, input_mismatch, wire, wire_mut,
    };
    pub use crate::error::Error;
    pub use crate::hessian::blocks::NetworkBlocks;
    pub use crate::hessian::pass::{BlockPass, block_width};
    pub use crate::layer::{
        Layer, LayerConfig, LayerShape, TrainContext, Zeroed, fill_buffers, total_len,
    };
    pub use crate::network::{LayerInfo, Network};
    pub use crate::quant::{
        Calibration, FloatChain, Folded, Int8Network, LayerChain, QuantError, Then,
        quantize_network,
    };
    pub use crate::rng::Rng;
    pub use crate::scalar::Float;
    #[cfg(feature = "serde")]
    pub use crate::serialize::{deserialize_network, serialize_network};
    pub use crate::state::{
        buffer_problem_f32, buffer_problem_f64, cast_values, check_buffers, count_batch, own_count,
    };
    pub use constnet_macros::__built_in_kinds;
    pub use core::option::Option::{None, Some};
    pub use core::primitive::{u64, usize};
    pub use nalgebra::SMatrix;
    #[cfg(feature = "serde")]
    pub use serde;
}

/// Without the `serde` feature, what `network!` emits for serde is nothing
/// (with it, the `serialize` module defines this macro to expand to the impls).
#[cfg(not(feature = "serde"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __serde_impls {
    ($name:ident) => {};
}

/// The README's code blocks, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
