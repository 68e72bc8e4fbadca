//! Optimizers on the flat parameter vector.
//!
//! | optimizer | PyTorch | defaults |
//! |---|---|---|
//! | [`Sgd`] | `SGD` | lr 0.01, momentum 0, dampening 0, `weight_decay` 0, nesterov false |
//! | [`Adam`] | `Adam` | lr 1e-3, betas (0.9, 0.999), eps 1e-8, `weight_decay` 0 (L2), amsgrad false |
//! | [`AdamW`] | `AdamW` | lr 1e-3, betas (0.9, 0.999), eps 1e-8, `weight_decay` 1e-2 (decoupled), amsgrad false |
//! | [`RmsProp`] | `RMSprop` | lr 1e-2, alpha 0.99, eps 1e-8, `weight_decay` 0, momentum 0, centered false |
//!
//! Every optimizer implements [`Optimizer`] for a fixed parameter count `P`,
//! so its state (momentum buffers, moment estimates) is an array sized at
//! compile time: no heap, and a training loop takes any optimizer.
//! Hyper-parameters are checked when the optimizer is built, in `f64` and
//! then in the scalar it computes in (an `eps` of `1e-50` is 0 in `f32`, a
//! learning rate of `1e39` infinite): a bad value is an
//! [`Error`](crate::error::Error), never a NaN later.
//!
//! Learning-rate schedules ([`schedule`]) compose with any optimizer through
//! [`Scheduled`], which is an optimizer too.

/// The [`Optimizer::learning_rate`] and [`Optimizer::set_learning_rate`] of
/// an optimizer whose rate is `self.config.lr`: the rate is checked
/// ([`check_learning_rate`]) before it is set.
macro_rules! learning_rate_in_config {
    () => {
        fn learning_rate(&self) -> f64 {
            self.config.lr
        }

        fn set_learning_rate(&mut self, lr: f64) -> $crate::error::Result<()> {
            $crate::optim::check_learning_rate::<T>(lr)?;
            self.config.lr = lr;
            Ok(())
        }
    };
}

mod adam;
mod adamw;
#[cfg(feature = "serde")]
mod persist;
mod rmsprop;
pub mod schedule;
mod sgd;

pub use adam::{Adam, AdamConfig};
pub use adamw::{AdamW, AdamWConfig};
pub use rmsprop::{RmsProp, RmsPropConfig};
pub use schedule::{
    CosineAnnealingLr, ExponentialLr, LinearLr, Schedule, Scheduled, Sequential, StepLr,
};
pub use sgd::{Sgd, SgdConfig};

use crate::error::{Result, check_non_negative, check_positive};
use crate::scalar::{Float, check_in_scalar};

/// An update rule for a flat vector of `P` parameters.
pub trait Optimizer<T: Float, const P: usize> {
    /// Updates `params` in place from the gradient `grad` of the loss.
    fn step(&mut self, params: &mut [T; P], grad: &[T; P]);

    /// The current learning rate.
    fn learning_rate(&self) -> f64;

    /// Sets the learning rate (schedules and curvature monitors use this).
    fn set_learning_rate(&mut self, lr: f64) -> Result<()>;

    /// Multiplies the learning rate by `factor` (finite and > 0) for the
    /// rest of training: curvature monitors lower the rate this way.
    /// Default: `set_learning_rate(learning_rate() * factor)`;
    /// [`Scheduled`] scales its base rate too, so its schedule keeps
    /// applying the factor in later epochs.
    fn scale_learning_rate(&mut self, factor: f64) -> Result<()> {
        check_positive("factor", factor)?;
        self.set_learning_rate(self.learning_rate() * factor)
    }

    /// Called by the training loop at the end of every epoch; schedules
    /// advance here, and an error (a schedule's rate the optimizer refuses)
    /// stops training. Default: nothing.
    fn end_epoch(&mut self) -> Result<()> {
        Ok(())
    }

    /// Clears the optimizer's state (momentum, moments, step count) as if no
    /// step had been taken.
    fn reset(&mut self);
}

/// Checks a learning rate for an optimizer computing in `T`: finite and
/// non-negative, and representable in `T` (not infinite, and not rounded
/// to 0 unless it is 0).
pub(crate) fn check_learning_rate<T: Float>(lr: f64) -> Result<()> {
    check_non_negative("lr", lr)?;
    check_in_scalar::<T>("lr", lr)
}
