//! AdamW: Adam with decoupled weight decay (Loshchilov and Hutter,
//! "Decoupled weight decay regularization", ICLR 2019), exactly PyTorch's
//! `torch.optim.AdamW`:
//!
//! ```text
//! p = p * (1 - lr * weight_decay)              (decay first, outside the moments)
//! then Adam's update with the raw gradient (no L2 term):
//! t = t + 1;  m = m + (1 - beta1)(g - m);  v = beta2 v + (1 - beta2) g^2
//! p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
//! ```
//!
//! The decay does not pass through the adaptive denominator, so every
//! weight shrinks by the same factor whatever its gradient history: this is
//! what distinguishes AdamW from Adam with `weight_decay` (an L2 penalty).

use super::Optimizer;
use super::adam::{Moments, check_moment_params, check_moment_params_in};
use crate::error::Result;
use crate::scalar::Float;

/// Hyper-parameters of [`AdamW`]; `AdamWConfig::default()` is PyTorch's
/// default.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct AdamWConfig {
    /// Learning rate, finite and >= 0. Default: 1e-3.
    pub lr: f64,
    /// Decay rates `(beta1, beta2)` of the moment estimates, each in [0, 1).
    /// Default: (0.9, 0.999).
    pub betas: (f64, f64),
    /// Added to the denominator for numerical stability, finite and > 0.
    /// Default: 1e-8.
    pub eps: f64,
    /// Decoupled weight decay: each step multiplies the parameters by
    /// `1 - lr * weight_decay`. Finite and >= 0. Default: 1e-2.
    pub weight_decay: f64,
    /// Use AMSGrad (the running maximum of the second moment). Default: false.
    pub amsgrad: bool,
}

impl Default for AdamWConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 1e-2,
            amsgrad: false,
        }
    }
}

impl AdamWConfig {
    /// Checks every hyper-parameter.
    pub fn validate(&self) -> Result<()> {
        check_moment_params(self.lr, self.betas, self.eps, self.weight_decay)
    }

    /// [`AdamWConfig::validate`], then every value in the scalar `T` the
    /// optimizer computes in (see [`AdamConfig::validate_for`](super::AdamConfig::validate_for)).
    pub fn validate_for<T: Float>(&self) -> Result<()> {
        check_moment_params_in::<T>(self.lr, self.betas, self.eps, self.weight_decay)
    }
}

/// AdamW over `P` parameters, PyTorch semantics (see the module docs).
///
/// ```
/// use constnet::optim::{AdamW, AdamWConfig, Optimizer};
/// let config = AdamWConfig { lr: 0.1, weight_decay: 0.5, ..AdamWConfig::default() };
/// let mut adamw = AdamW::<f64, 1>::new(config)?;
/// let mut p = [2.0];
/// adamw.step(&mut p, &[0.0]);
/// // Zero gradient: only the decay acts, p * (1 - 0.1 * 0.5).
/// assert_eq!(p, [1.9]);
/// # Ok::<(), constnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct AdamW<T, const P: usize> {
    pub(super) config: AdamWConfig,
    pub(super) moments: Moments<T, P>,
}

impl<T: Float, const P: usize> AdamW<T, P> {
    /// AdamW with the given hyper-parameters, checked
    /// ([`AdamWConfig::validate_for`]).
    pub fn new(config: AdamWConfig) -> Result<Self> {
        config.validate_for::<T>()?;
        Ok(Self {
            config,
            moments: Moments::new(),
        })
    }

    /// AdamW with PyTorch's defaults and learning rate `lr`.
    pub fn with_lr(lr: f64) -> Result<Self> {
        Self::new(AdamWConfig {
            lr,
            ..AdamWConfig::default()
        })
    }

    /// The hyper-parameters.
    #[must_use]
    pub const fn config(&self) -> &AdamWConfig {
        &self.config
    }

    /// Steps taken since creation or the last reset.
    #[must_use]
    pub const fn steps(&self) -> u64 {
        self.moments.t
    }

    /// The first moment estimate `m` (PyTorch's `exp_avg`).
    #[must_use]
    pub const fn first_moment(&self) -> &[T; P] {
        &self.moments.m
    }

    /// The second moment estimate `v` (PyTorch's `exp_avg_sq`).
    #[must_use]
    pub const fn second_moment(&self) -> &[T; P] {
        &self.moments.v
    }
}

impl<T: Float, const P: usize> Optimizer<T, P> for AdamW<T, P> {
    #[inline]
    fn step(&mut self, params: &mut [T; P], grad: &[T; P]) {
        let c = self.config;
        if c.weight_decay != 0.0 {
            let keep = T::of_f64(1.0 - c.lr * c.weight_decay);
            for p in params.iter_mut() {
                *p *= keep;
            }
        }
        self.moments
            .update(params, grad, c.lr, c.betas, c.eps, 0.0, c.amsgrad);
    }

    learning_rate_in_config!();

    fn reset(&mut self) {
        self.moments = Moments::new();
    }
}
