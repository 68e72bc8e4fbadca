//! Optimization diagnostics: one tool per challenge of training a neural
//! network (Goodfellow, Bengio and Courville, *Deep Learning*, 2016,
//! section 8.2), each reading a network and its derivatives from outside,
//! and reaching into training only through an [`Observer`](crate::train::Observer).
//!
//! - [`conditioning`] and [`monitor`]: ill-conditioning of the gradient
//!   step, `1/2 eps^2 g^T H g - eps g^T g`, watched during training.
//! - [`symmetry`]: non-identifiability; permuting (and sign-flipping) the
//!   hidden units of a network leaves its function unchanged; counting and
//!   factoring out these equivalent parameterizations.
//! - [`bignum`]: the exact big numbers those counts need; [`records`]: where
//!   monitors keep what they measure, with or without a heap.

pub mod bignum;
pub mod conditioning;
pub mod monitor;
pub mod records;
pub mod symmetry;

pub use bignum::{BigNat, SymmetryCount};
pub use conditioning::{Curvature, CurvatureGrowth, GrowthWarning, quadratic_model_change};
pub use monitor::{AutoLr, ConditioningMonitor, MonitorConfig, MonitorSummary, StepRecord};
pub use records::{Records, Ring};
