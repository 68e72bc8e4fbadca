//! Diagnosing optimization: tools that measure, on a real network, the
//! difficulties of training deep models that the literature describes
//! (I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press
//! 2016, chapter 8, "Optimization for training deep models"). Each reads a
//! network and its derivatives from outside and reaches into training only
//! through an [`Observer`](crate::train::Observer).
//!
//! - [`conditioning`] and [`monitor`]: ill-conditioning of the gradient
//!   step, `1/2 eps^2 g^T H g - eps g^T g`, watched during training.
//! - [`symmetry`]: non-identifiability; permuting (and sign-flipping) the
//!   hidden units of a network leaves its function unchanged; counting and
//!   factoring out these equivalent parameterizations.
//! - [`gradient_flow`]: vanishing and exploding gradients.
//! - [`sharpness`], [`layer_blocks`], [`gauss_newton`], [`per_sample`]
//!   (with `std`): curvature analyses; the largest Hessian eigenvalue
//!   tracked during training against `2 / lr`, per-layer Hessian blocks,
//!   the Gauss-Newton matrix and the Fisher with the decomposition
//!   `H = GGN + residual`, per-sample gradients and the gradient-noise
//!   scale.
//! - [`bignum`]: the exact big numbers the symmetry counts need;
//!   [`records`]: where monitors keep what they measure, with or without a
//!   heap.

pub mod bignum;
pub mod conditioning;
#[cfg(feature = "std")]
pub mod gauss_newton;
pub mod gradient_flow;
#[cfg(feature = "std")]
pub mod layer_blocks;
pub mod monitor;
#[cfg(feature = "std")]
pub mod per_sample;
pub mod records;
#[cfg(feature = "std")]
pub mod sharpness;
pub mod symmetry;

pub use bignum::{BigNat, SymmetryCount};
pub use conditioning::{CurvatureGrowth, GradientCurvature, GrowthWarning, quadratic_model_change};
pub use monitor::{AutoLr, ConditioningMonitor, MonitorConfig, MonitorSummary, StepRecord};
pub use records::{Records, Ring};
