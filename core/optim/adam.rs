//! Adam (Kingma and Ba, "Adam: A method for stochastic optimization", ICLR
//! 2015), with the AMSGrad variant (Reddi, Kale and Kumar, "On the
//! convergence of Adam and beyond", ICLR 2018), exactly PyTorch's
//! `torch.optim.Adam`:
//!
//! ```text
//! t  = t + 1
//! g  = grad + weight_decay * p                 (L2 penalty in the gradient)
//! m  = m + (1 - beta1) * (g - m)               (= beta1 m + (1 - beta1) g)
//! v  = beta2 * v + (1 - beta2) * g^2
//! v_max = max(v_max, v)                         (amsgrad only; v_max replaces v below)
//! p  = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
//! ```
//!
//! `eps` is added after the square root and after the bias correction of
//! `v`, as PyTorch does; the bias corrections are computed in `f64`.
//! [`AdamW`](super::AdamW) shares the moment update and decouples the weight
//! decay instead.

use super::Optimizer;
use crate::error::{Result, check_fraction, check_non_negative, check_positive};
use crate::math;
use crate::scalar::{Float, check_fraction_in, check_in_scalar};

/// Hyper-parameters of [`Adam`]; `AdamConfig::default()` is PyTorch's default.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct AdamConfig {
    /// Learning rate, finite and >= 0. Default: 1e-3.
    pub lr: f64,
    /// Decay rates `(beta1, beta2)` of the first and second moment
    /// estimates, each in [0, 1). Default: (0.9, 0.999).
    pub betas: (f64, f64),
    /// Added to the denominator for numerical stability, finite and > 0.
    /// Default: 1e-8.
    pub eps: f64,
    /// L2 penalty added to the gradient, finite and >= 0. Default: 0.
    pub weight_decay: f64,
    /// Use AMSGrad (the running maximum of the second moment). Default: false.
    pub amsgrad: bool,
}

impl Default for AdamConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
        }
    }
}

impl AdamConfig {
    /// Checks every hyper-parameter.
    pub fn validate(&self) -> Result<()> {
        check_moment_params(self.lr, self.betas, self.eps, self.weight_decay)
    }

    /// [`AdamConfig::validate`], then every value in the scalar `T` the
    /// optimizer computes in: representable (an `eps` of `1e-50` is 0 in
    /// `f32`), and the betas still below 1 once rounded.
    pub fn validate_for<T: Float>(&self) -> Result<()> {
        check_moment_params_in::<T>(self.lr, self.betas, self.eps, self.weight_decay)
    }
}

/// The checks Adam and AdamW share.
pub(super) fn check_moment_params(
    lr: f64,
    betas: (f64, f64),
    eps: f64,
    weight_decay: f64,
) -> Result<()> {
    check_non_negative("lr", lr)?;
    check_fraction("beta1", betas.0)?;
    check_fraction("beta2", betas.1)?;
    check_positive("eps", eps)?;
    check_non_negative("weight_decay", weight_decay)
}

/// The checks Adam and AdamW share, in the scalar `T` they compute in.
pub(super) fn check_moment_params_in<T: Float>(
    lr: f64,
    betas: (f64, f64),
    eps: f64,
    weight_decay: f64,
) -> Result<()> {
    check_moment_params(lr, betas, eps, weight_decay)?;
    check_in_scalar::<T>("lr", lr)?;
    check_fraction_in::<T>("beta1", betas.0)?;
    check_fraction_in::<T>("beta2", betas.1)?;
    check_in_scalar::<T>("eps", eps)?;
    check_in_scalar::<T>("weight_decay", weight_decay)
}

/// `start + weight (end - start)`, evaluated as PyTorch's `lerp` does (from
/// the nearer end), so moment estimates round as PyTorch's do.
#[inline]
pub(super) fn lerp<T: Float>(start: T, end: T, weight: T) -> T {
    if weight < T::of_f64(0.5) {
        start + weight * (end - start)
    } else {
        end - (end - start) * (T::one() - weight)
    }
}

/// The state of Adam and AdamW: moment estimates and the step count.
#[derive(Clone, Debug)]
pub(super) struct Moments<T, const P: usize> {
    /// First moment estimate `m` (PyTorch's `exp_avg`).
    pub(super) m: [T; P],
    /// Second moment estimate `v` (`exp_avg_sq`).
    pub(super) v: [T; P],
    /// Running maximum of `v` (`max_exp_avg_sq`), used with AMSGrad.
    pub(super) v_max: [T; P],
    /// Steps taken.
    pub(super) t: u64,
}

impl<T: Float, const P: usize> Moments<T, P> {
    pub(super) fn new() -> Self {
        Self {
            m: [T::zero(); P],
            v: [T::zero(); P],
            v_max: [T::zero(); P],
            t: 0,
        }
    }

    /// One Adam update of `params` from the (already L2-penalized, when
    /// `l2` is non-zero) gradient.
    #[inline]
    pub(super) fn update(
        &mut self,
        params: &mut [T; P],
        grad: &[T; P],
        lr: f64,
        betas: (f64, f64),
        eps: f64,
        l2: f64,
        amsgrad: bool,
    ) {
        self.t = self.t.saturating_add(1);
        let t = self.t as f64;
        let bias_correction1 = 1.0 - math::pow(betas.0, t);
        let bias_correction2_sqrt = math::sqrt(1.0 - math::pow(betas.1, t));
        let step_size = T::of_f64(lr / bias_correction1);
        let bias_correction2_sqrt = T::of_f64(bias_correction2_sqrt);
        let (one_minus_beta1, beta2) = (T::of_f64(1.0 - betas.0), T::of_f64(betas.1));
        let one_minus_beta2 = T::of_f64(1.0 - betas.1);
        let (eps, l2_t) = (T::of_f64(eps), T::of_f64(l2));
        for i in 0..P {
            let g = if l2 == 0.0 {
                grad[i]
            } else {
                grad[i] + l2_t * params[i]
            };
            self.m[i] = lerp(self.m[i], g, one_minus_beta1);
            self.v[i] = beta2 * self.v[i] + one_minus_beta2 * g * g;
            let second = if amsgrad {
                if self.v[i] > self.v_max[i] {
                    self.v_max[i] = self.v[i];
                }
                self.v_max[i]
            } else {
                self.v[i]
            };
            let denominator = math::sqrt(second) / bias_correction2_sqrt + eps;
            params[i] -= step_size * (self.m[i] / denominator);
        }
    }
}

/// Adam over `P` parameters, PyTorch semantics (see the module docs for the
/// update).
///
/// ```
/// use constnet::optim::{Adam, AdamConfig, Optimizer};
/// let mut adam = Adam::<f64, 2>::new(AdamConfig { lr: 0.1, ..AdamConfig::default() })?;
/// let mut p = [1.0, -1.0];
/// adam.step(&mut p, &[0.5, -2.0]);
/// // The first step is lr * g / (|g| + eps'): almost exactly lr per coordinate.
/// assert!((p[0] - 0.9).abs() < 1e-7 && (p[1] + 0.9).abs() < 1e-7);
/// # Ok::<(), constnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Adam<T, const P: usize> {
    pub(super) config: AdamConfig,
    pub(super) moments: Moments<T, P>,
}

impl<T: Float, const P: usize> Adam<T, P> {
    /// Adam with the given hyper-parameters, checked
    /// ([`AdamConfig::validate_for`]).
    pub fn new(config: AdamConfig) -> Result<Self> {
        config.validate_for::<T>()?;
        Ok(Self {
            config,
            moments: Moments::new(),
        })
    }

    /// Adam with PyTorch's defaults and learning rate `lr`.
    pub fn with_lr(lr: f64) -> Result<Self> {
        Self::new(AdamConfig {
            lr,
            ..AdamConfig::default()
        })
    }

    /// The hyper-parameters.
    #[must_use]
    pub const fn config(&self) -> &AdamConfig {
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

    /// The running maximum of `v` (PyTorch's `max_exp_avg_sq`; zero unless
    /// AMSGrad is on).
    #[must_use]
    pub const fn max_second_moment(&self) -> &[T; P] {
        &self.moments.v_max
    }
}

impl<T: Float, const P: usize> Optimizer<T, P> for Adam<T, P> {
    #[inline]
    fn step(&mut self, params: &mut [T; P], grad: &[T; P]) {
        let c = self.config;
        self.moments.update(
            params,
            grad,
            c.lr,
            c.betas,
            c.eps,
            c.weight_decay,
            c.amsgrad,
        );
    }

    learning_rate_in_config!();

    fn reset(&mut self) {
        self.moments = Moments::new();
    }
}
