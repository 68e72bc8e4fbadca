//! [`LayerNorm`]'s configuration: `eps` with PyTorch's default, checked in
//! a `const` builder (a compile error in a declaration) and in
//! [`LayerNorm::try_new`] (an error at run time).

use crate::error::{Result, check_param};
use crate::layer::batch_norm::valid_eps;

/// Layer normalization of `N` features (PyTorch `nn.LayerNorm(N)`):
/// every sample is normalized over its own features,
/// `y = weight (x - mean(x)) / sqrt(var(x) + eps) + bias`, with the biased
/// variance over the `N` features.
///
/// Parameters (with `AFFINE = true`, PyTorch's `elementwise_affine=True`,
/// the default): `weight` (`N`, init 1) then `bias` (`N`, init 0). With
/// `AFFINE = false` the layer has no parameters. No buffers: training and
/// inference compute the same function. See the [module
/// documentation](super) for every formula.
///
/// In a declaration: `LayerNorm<16>`, `LayerNorm<16>(eps = 1e-6)`,
/// `LayerNorm<16>(elementwise_affine = false)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerNorm<const N: usize, const AFFINE: bool = true> {
    eps: f64,
}

impl<const N: usize, const AFFINE: bool> LayerNorm<N, AFFINE> {
    /// PyTorch's default `eps`, 1e-5.
    pub const DEFAULT_EPS: f64 = 1e-5;
    /// `true` when the layer has a `weight` and a `bias` (PyTorch's
    /// `elementwise_affine`). Default: `true`.
    pub const ELEMENTWISE_AFFINE: bool = AFFINE;

    /// Layer normalization with PyTorch's default `eps`, 1e-5.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            eps: Self::DEFAULT_EPS,
        }
    }

    /// The same layer with another `eps`, the constant added to the
    /// variance before the square root (`LayerNorm<N>(eps = ...)`).
    /// Default: 1e-5.
    ///
    /// # Panics
    /// When `eps` is not positive and finite in `f32`; in a `const` (as a
    /// declaration evaluates it) that is a compile error. At run time
    /// prefer [`LayerNorm::try_new`].
    #[must_use]
    pub const fn eps(self, eps: f64) -> Self {
        assert!(
            valid_eps(eps),
            "LayerNorm: eps must be positive and finite in f32 (between 1.4e-45 and 3.4e38)"
        );
        Self { eps }
    }

    /// A layer from an `eps` known only at run time. Fails with
    /// [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// when `eps` is not positive and finite (also in `f32`).
    pub fn try_new(eps: f64) -> Result<Self> {
        check_param(
            "eps",
            eps,
            valid_eps(eps),
            "must be positive and finite, also in f32 (1.4e-45 to 3.4e38)",
        )?;
        Ok(Self { eps })
    }

    /// The constant added to the variance. Default: 1e-5.
    #[must_use]
    pub const fn epsilon(&self) -> f64 {
        self.eps
    }
}

impl<const N: usize, const AFFINE: bool> Default for LayerNorm<N, AFFINE> {
    fn default() -> Self {
        Self::new()
    }
}
