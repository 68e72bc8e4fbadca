//! [`BatchNorm`] and its configuration: `eps` and the running average, with
//! PyTorch's defaults, checked in `const` builders (a compile error in a
//! declaration) and in [`BatchNorm::try_new`] (an error at run time).

use crate::error::{Result, check_param};

/// Batch normalization of `N` features (PyTorch `nn.BatchNorm1d(N)`).
///
/// Parameters: `weight` (gamma, `N`, init 1) then `bias` (beta, `N`,
/// init 0). Buffers: `running_mean` (`N`, init 0) then `running_var` (`N`,
/// init 1). PyTorch's `num_batches_tracked` is the layer's own entry of
/// the network's
/// [`batches_tracked`](crate::network::Network::batches_tracked) (one count
/// per batch-norm layer, in declaration order): the layer's
/// [`Properties`](crate::layer::Properties) count batches.
///
/// `forward` is inference (running statistics), `forward_train` is training
/// (batch mean, biased batch variance); see the [module
/// documentation](super) for every formula. In a declaration:
/// `BatchNorm<16>`, `BatchNorm<16>(eps = 1e-3, momentum = 0.05)`,
/// `BatchNorm<16>(momentum = None)` (cumulative average).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchNorm<const N: usize> {
    eps: f64,
    running_average: RunningAverage,
}

/// How the running statistics follow the batch statistics.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RunningAverage {
    /// `running = (1 - momentum) running + momentum batch_stat`
    /// (PyTorch's `momentum = 0.1`, the default).
    Exponential {
        /// Weight of the newest batch, in `[0, 1]`.
        momentum: f64,
    },
    /// The plain mean of the statistics of every batch tracked so far: the
    /// factor is `1 / (t + 1)` after `t` tracked batches (PyTorch's
    /// `momentum = None`).
    Cumulative,
}

/// `eps` must be positive and finite, also once rounded to `f32` (the
/// configuration serves `f32` and `f64` networks alike: an `eps` of `1e-50`
/// would be 0 in `f32`, and a constant feature would divide by zero). NaN
/// fails.
pub(crate) const fn valid_eps(eps: f64) -> bool {
    let narrow = eps as f32;
    eps > 0.0 && eps.is_finite() && narrow > 0.0 && narrow.is_finite()
}

/// `momentum` must be in `[0, 1]` (NaN fails).
const fn valid_momentum(momentum: f64) -> bool {
    momentum >= 0.0 && momentum <= 1.0
}

impl<const N: usize> BatchNorm<N> {
    /// PyTorch's default `eps`, 1e-5.
    pub const DEFAULT_EPS: f64 = 1e-5;
    /// PyTorch's default momentum, 0.1.
    pub const DEFAULT_MOMENTUM: f64 = 0.1;

    /// Batch normalization with PyTorch's defaults: `eps` 1e-5, exponential
    /// running average with momentum 0.1.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            eps: Self::DEFAULT_EPS,
            running_average: RunningAverage::Exponential {
                momentum: Self::DEFAULT_MOMENTUM,
            },
        }
    }

    /// The same layer with another `eps`, the constant added to the variance
    /// before the square root (`BatchNorm<N>(eps = ...)`). Default: 1e-5.
    ///
    /// # Panics
    /// When `eps` is not positive and finite in `f32`; in a `const` (as a declaration
    /// evaluates it) that is a compile error. At run time prefer
    /// [`BatchNorm::try_new`].
    #[must_use]
    pub const fn eps(self, eps: f64) -> Self {
        assert!(
            valid_eps(eps),
            "BatchNorm: eps must be positive and finite in f32 (between 1.4e-45 and 3.4e38)"
        );
        Self { eps, ..self }
    }

    /// The same layer with an exponential running average of weight
    /// `momentum` for the newest batch (`BatchNorm<N>(momentum = ...)`).
    /// Default: 0.1.
    ///
    /// # Panics
    /// When `momentum` is not in `[0, 1]`; in a `const` (as a declaration
    /// evaluates it) that is a compile error. At run time prefer
    /// [`BatchNorm::try_new`].
    #[must_use]
    pub const fn momentum(self, momentum: f64) -> Self {
        assert!(
            valid_momentum(momentum),
            "BatchNorm: momentum must be in [0, 1] (or `None` for a cumulative average)"
        );
        Self {
            running_average: RunningAverage::Exponential { momentum },
            ..self
        }
    }

    /// The same layer with a cumulative running average, the plain mean of
    /// every tracked batch's statistics (`BatchNorm<N>(momentum = None)`).
    #[must_use]
    pub const fn cumulative_average(self) -> Self {
        Self {
            running_average: RunningAverage::Cumulative,
            ..self
        }
    }

    /// A layer from values known only at run time: `momentum = None` is the
    /// cumulative average. Fails with
    /// [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// when `eps` is not positive and finite or `momentum` not in `[0, 1]`.
    pub fn try_new(eps: f64, momentum: Option<f64>) -> Result<Self> {
        check_param(
            "eps",
            eps,
            valid_eps(eps),
            "must be positive and finite, also in f32 (1.4e-45 to 3.4e38)",
        )?;
        if let Some(m) = momentum {
            check_param("momentum", m, valid_momentum(m), "must be in [0, 1]")?;
        }
        let running_average = momentum.map_or(RunningAverage::Cumulative, |momentum| {
            RunningAverage::Exponential { momentum }
        });
        Ok(Self {
            eps,
            running_average,
        })
    }

    /// The constant added to the variance. Default: 1e-5.
    #[must_use]
    pub const fn epsilon(&self) -> f64 {
        self.eps
    }

    /// How the running statistics are averaged. Default: exponential with
    /// momentum 0.1.
    #[must_use]
    pub const fn running_average(&self) -> RunningAverage {
        self.running_average
    }

    /// The weight of the newest batch in the running statistics after
    /// `batches_tracked` earlier updates.
    #[must_use]
    pub fn update_factor(&self, batches_tracked: u64) -> f64 {
        match self.running_average {
            RunningAverage::Exponential { momentum } => momentum,
            RunningAverage::Cumulative => 1.0 / (batches_tracked as f64 + 1.0),
        }
    }
}

impl<const N: usize> Default for BatchNorm<N> {
    fn default() -> Self {
        Self::new()
    }
}
