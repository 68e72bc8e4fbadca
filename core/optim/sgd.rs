//! Stochastic gradient descent with momentum, dampening, Nesterov momentum
//! and weight decay, exactly PyTorch's `torch.optim.SGD`:
//!
//! ```text
//! g  = grad + weight_decay * p
//! if momentum != 0:
//!     buf = g                                  on the first step
//!     buf = momentum * buf + (1 - dampening) * g   afterwards
//!     g   = g + momentum * buf   if nesterov, else buf
//! p  = p - lr * g
//! ```
//!
//! Momentum is Polyak's heavy ball (B. T. Polyak, "Some methods of speeding
//! up the convergence of iteration methods", 1964) in PyTorch's form, which
//! scales the whole buffer by `lr` (Sutskever, Martens, Dahl and Hinton, "On
//! the importance of initialization and momentum in deep learning", ICML
//! 2013, give the Nesterov variant used here). On a quadratic with Hessian
//! eigenvalue `lambda`, plain SGD converges for `lr < 2 / lambda` and heavy
//! ball for `lr < 2 (1 + momentum) / lambda`.

use super::Optimizer;
use crate::error::{Error, Incompatible, Result, check_fraction, check_non_negative, check_param};
use crate::scalar::{Float, check_fraction_in, check_in_scalar};

/// Hyper-parameters of [`Sgd`]; `SgdConfig::default()` is plain SGD with
/// learning rate 0.01.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SgdConfig {
    /// Learning rate, >= 0. Default: 0.01.
    pub lr: f64,
    /// Momentum factor, in [0, 1). Default: 0.
    pub momentum: f64,
    /// Dampening of the momentum's gradient term, in [0, 1]. Default: 0.
    pub dampening: f64,
    /// L2 penalty added to the gradient, >= 0. Default: 0.
    pub weight_decay: f64,
    /// Nesterov momentum; requires momentum > 0 and dampening = 0. Default: false.
    pub nesterov: bool,
}

impl Default for SgdConfig {
    fn default() -> Self {
        Self {
            lr: 0.01,
            momentum: 0.0,
            dampening: 0.0,
            weight_decay: 0.0,
            nesterov: false,
        }
    }
}

impl SgdConfig {
    /// Checks every hyper-parameter and their combination.
    pub fn validate(&self) -> Result<()> {
        check_non_negative("lr", self.lr)?;
        check_fraction("momentum", self.momentum)?;
        check_param(
            "dampening",
            self.dampening,
            (0.0..=1.0).contains(&self.dampening),
            "must be in [0, 1]",
        )?;
        check_non_negative("weight_decay", self.weight_decay)?;
        if self.nesterov && (self.momentum <= 0.0 || self.dampening != 0.0) {
            return Err(Error::IncompatibleOptions(
                Incompatible::NesterovWithoutMomentum,
            ));
        }
        Ok(())
    }

    /// [`SgdConfig::validate`], then every value in the scalar `T` the
    /// optimizer computes in: representable, and the momentum still below
    /// 1 once rounded.
    pub fn validate_for<T: Float>(&self) -> Result<()> {
        self.validate()?;
        check_in_scalar::<T>("lr", self.lr)?;
        check_fraction_in::<T>("momentum", self.momentum)?;
        check_in_scalar::<T>("dampening", self.dampening)?;
        check_in_scalar::<T>("weight_decay", self.weight_decay)
    }
}

/// Stochastic gradient descent over `P` parameters, PyTorch semantics.
///
/// ```
/// use constnet::optim::{Optimizer, Sgd, SgdConfig};
/// let mut sgd = Sgd::<f64, 2>::new(SgdConfig { lr: 0.1, momentum: 0.9, ..SgdConfig::default() })?;
/// let mut p = [1.0, -1.0];
/// sgd.step(&mut p, &[0.5, 0.5]); // first step: buffer = gradient
/// assert_eq!(p, [0.95, -1.05]);
/// sgd.step(&mut p, &[0.5, 0.5]); // buffer = 0.9 * 0.5 + 0.5 = 0.95
/// assert!((p[0] - 0.855).abs() < 1e-12);
/// # Ok::<(), constnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Sgd<T, const P: usize> {
    pub(super) config: SgdConfig,
    pub(super) momentum_buffer: [T; P],
    pub(super) has_buffer: bool,
}

impl<T: Float, const P: usize> Sgd<T, P> {
    /// SGD with the given hyper-parameters, checked
    /// ([`SgdConfig::validate_for`]).
    pub fn new(config: SgdConfig) -> Result<Self> {
        config.validate_for::<T>()?;
        Ok(Self::before_first_step(config))
    }

    /// The state before the first step (no momentum buffer yet).
    fn before_first_step(config: SgdConfig) -> Self {
        Self {
            config,
            momentum_buffer: [T::zero(); P],
            has_buffer: false,
        }
    }

    /// Plain SGD with learning rate `lr`.
    pub fn with_lr(lr: f64) -> Result<Self> {
        Self::new(SgdConfig {
            lr,
            ..SgdConfig::default()
        })
    }

    /// The hyper-parameters.
    #[must_use]
    pub const fn config(&self) -> &SgdConfig {
        &self.config
    }

    /// The momentum buffer (all zero before the first step).
    #[must_use]
    pub const fn momentum_buffer(&self) -> &[T; P] {
        &self.momentum_buffer
    }
}

impl<T: Float, const P: usize> Optimizer<T, P> for Sgd<T, P> {
    #[inline]
    fn step(&mut self, params: &mut [T; P], grad: &[T; P]) {
        let lr = T::of_f64(self.config.lr);
        let weight_decay = T::of_f64(self.config.weight_decay);
        let momentum = T::of_f64(self.config.momentum);
        let keep = T::of_f64(1.0 - self.config.dampening);
        let decay = self.config.weight_decay != 0.0;
        if self.config.momentum == 0.0 {
            for (p, &g) in params.iter_mut().zip(grad) {
                let g = if decay { g + weight_decay * *p } else { g };
                *p -= lr * g;
            }
            return;
        }
        let first = !self.has_buffer;
        self.has_buffer = true;
        let nesterov = self.config.nesterov;
        for ((p, &g), buf) in params
            .iter_mut()
            .zip(grad)
            .zip(self.momentum_buffer.iter_mut())
        {
            let g = if decay { g + weight_decay * *p } else { g };
            *buf = if first { g } else { momentum * *buf + keep * g };
            let direction = if nesterov { g + momentum * *buf } else { *buf };
            *p -= lr * direction;
        }
    }

    learning_rate_in_config!();

    fn reset(&mut self) {
        *self = Self::before_first_step(self.config);
    }
}
