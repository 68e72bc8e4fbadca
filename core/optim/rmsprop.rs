//! RMSprop (Tieleman and Hinton, "Lecture 6.5 - rmsprop", COURSERA: Neural
//! Networks for Machine Learning, 2012; the centered variant from Graves,
//! "Generating sequences with recurrent neural networks", 2013), exactly
//! PyTorch's `torch.optim.RMSprop`, in its order:
//!
//! ```text
//! g   = grad + weight_decay * p
//! s   = alpha * s + (1 - alpha) * g^2              (square_avg)
//! if centered:
//!     a   = a + (1 - alpha) * (g - a)              (grad_avg)
//!     avg = sqrt(s - a^2) + eps
//! else:
//!     avg = sqrt(s) + eps
//! if momentum > 0:
//!     buf = momentum * buf + g / avg               (buf starts at zero)
//!     p   = p - lr * buf
//! else:
//!     p   = p - lr * g / avg
//! ```
//!
//! There is no bias correction: the first steps are large (`s` starts at
//! zero, so the first step is about `lr / sqrt(1 - alpha)` per coordinate).
//! One deviation from PyTorch, where PyTorch returns NaN: in the centered
//! variant, rounding can make `s - a^2` slightly negative; it is clamped at
//! zero before the square root.

use super::Optimizer;
use super::adam::lerp;
use crate::error::{Result, check_fraction, check_non_negative, check_positive};
use crate::math;
use crate::scalar::{Float, check_fraction_in, check_in_scalar};

/// Hyper-parameters of [`RmsProp`]; `RmsPropConfig::default()` is PyTorch's
/// default.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct RmsPropConfig {
    /// Learning rate, finite and >= 0. Default: 1e-2.
    pub lr: f64,
    /// Smoothing constant of the squared-gradient average, in [0, 1).
    /// Default: 0.99.
    pub alpha: f64,
    /// Added to the denominator for numerical stability, finite and > 0.
    /// Default: 1e-8.
    pub eps: f64,
    /// L2 penalty added to the gradient, finite and >= 0. Default: 0.
    pub weight_decay: f64,
    /// Momentum factor, in [0, 1). Default: 0.
    pub momentum: f64,
    /// Normalize by the estimated variance of the gradient rather than its
    /// second moment. With an `alpha` near 0 that estimate is near 0 (one
    /// sample has no spread), and steps grow to `lr |g| / eps`. Default:
    /// false.
    pub centered: bool,
}

impl Default for RmsPropConfig {
    fn default() -> Self {
        Self {
            lr: 1e-2,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum: 0.0,
            centered: false,
        }
    }
}

impl RmsPropConfig {
    /// Checks every hyper-parameter.
    pub fn validate(&self) -> Result<()> {
        check_non_negative("lr", self.lr)?;
        check_fraction("alpha", self.alpha)?;
        check_positive("eps", self.eps)?;
        check_non_negative("weight_decay", self.weight_decay)?;
        check_fraction("momentum", self.momentum)
    }

    /// [`RmsPropConfig::validate`], then every value in the scalar `T` the
    /// optimizer computes in: representable, and `alpha` and the momentum
    /// still below 1 once rounded.
    pub fn validate_for<T: Float>(&self) -> Result<()> {
        self.validate()?;
        check_in_scalar::<T>("lr", self.lr)?;
        check_fraction_in::<T>("alpha", self.alpha)?;
        check_in_scalar::<T>("eps", self.eps)?;
        check_in_scalar::<T>("weight_decay", self.weight_decay)?;
        check_fraction_in::<T>("momentum", self.momentum)
    }
}

/// RMSprop over `P` parameters, PyTorch semantics (see the module docs).
///
/// ```
/// use constnet::optim::{Optimizer, RmsProp, RmsPropConfig};
/// let config = RmsPropConfig { lr: 0.01, alpha: 0.75, ..RmsPropConfig::default() };
/// let mut rms = RmsProp::<f64, 1>::new(config)?;
/// let mut p = [1.0];
/// rms.step(&mut p, &[3.0]);
/// // s = 0.25 * 9, so the step is 0.01 * 3 / (1.5 + 1e-8).
/// assert!((p[0] - (1.0 - 0.02)).abs() < 1e-9);
/// # Ok::<(), constnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RmsProp<T, const P: usize> {
    pub(super) config: RmsPropConfig,
    pub(super) square_avg: [T; P],
    pub(super) grad_avg: [T; P],
    pub(super) momentum_buffer: [T; P],
}

impl<T: Float, const P: usize> RmsProp<T, P> {
    /// RMSprop with the given hyper-parameters, checked.
    pub fn new(config: RmsPropConfig) -> Result<Self> {
        config.validate_for::<T>()?;
        Ok(Self::before_first_step(config))
    }

    /// The state before the first step: every average and buffer zero.
    fn before_first_step(config: RmsPropConfig) -> Self {
        Self {
            config,
            square_avg: [T::zero(); P],
            grad_avg: [T::zero(); P],
            momentum_buffer: [T::zero(); P],
        }
    }

    /// RMSprop with PyTorch's defaults and learning rate `lr`.
    pub fn with_lr(lr: f64) -> Result<Self> {
        Self::new(RmsPropConfig {
            lr,
            ..RmsPropConfig::default()
        })
    }

    /// The hyper-parameters.
    #[must_use]
    pub const fn config(&self) -> &RmsPropConfig {
        &self.config
    }

    /// The running average of the squared gradient (PyTorch's `square_avg`).
    #[must_use]
    pub const fn square_average(&self) -> &[T; P] {
        &self.square_avg
    }

    /// The running average of the gradient (PyTorch's `grad_avg`; zero unless
    /// centered).
    #[must_use]
    pub const fn gradient_average(&self) -> &[T; P] {
        &self.grad_avg
    }

    /// The momentum buffer (zero unless momentum > 0).
    #[must_use]
    pub const fn momentum_buffer(&self) -> &[T; P] {
        &self.momentum_buffer
    }
}

impl<T: Float, const P: usize> Optimizer<T, P> for RmsProp<T, P> {
    #[inline]
    fn step(&mut self, params: &mut [T; P], grad: &[T; P]) {
        let c = self.config;
        let lr = T::of_f64(c.lr);
        let (alpha, one_minus_alpha) = (T::of_f64(c.alpha), T::of_f64(1.0 - c.alpha));
        let (eps, weight_decay) = (T::of_f64(c.eps), T::of_f64(c.weight_decay));
        let momentum = T::of_f64(c.momentum);
        for i in 0..P {
            let g = if c.weight_decay == 0.0 {
                grad[i]
            } else {
                grad[i] + weight_decay * params[i]
            };
            self.square_avg[i] = alpha * self.square_avg[i] + one_minus_alpha * g * g;
            let second = if c.centered {
                self.grad_avg[i] = lerp(self.grad_avg[i], g, one_minus_alpha);
                let variance = self.square_avg[i] - self.grad_avg[i] * self.grad_avg[i];
                // Rounding can push the variance estimate below zero.
                if variance > T::zero() {
                    variance
                } else {
                    T::zero()
                }
            } else {
                self.square_avg[i]
            };
            let avg = math::sqrt(second) + eps;
            if c.momentum > 0.0 {
                self.momentum_buffer[i] = momentum * self.momentum_buffer[i] + g / avg;
                params[i] -= lr * self.momentum_buffer[i];
            } else {
                params[i] -= lr * (g / avg);
            }
        }
    }

    learning_rate_in_config!();

    fn reset(&mut self) {
        *self = Self::before_first_step(self.config);
    }
}
