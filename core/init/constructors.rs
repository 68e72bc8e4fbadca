//! The `const fn` constructors of [`Init`]: PyTorch's argument order and
//! defaults, each argument checked at compile time in a declaration.

use super::{FanMode, Init, Nonlinearity};
use crate::error::Result;

impl Init {
    /// Every value equal to `value` (PyTorch's `constant_`).
    ///
    /// # Panics
    /// If `value` is not finite or beyond `f32`'s range, `|value| > 3.4e38`
    /// (a compile error in a declaration).
    /// At run time use [`Init::try_constant`], which returns the error instead.
    #[must_use]
    pub const fn constant(value: f64) -> Self {
        Self::Constant(value).checked()
    }

    /// Uniform in `[low, high)` (PyTorch's `uniform_(a, b)`, default
    /// `(0, 1)`).
    ///
    /// # Panics
    /// If a bound is not finite or beyond `f32`'s range, or `low > high` (a
    /// compile error in a declaration).
    /// At run time use [`Init::try_uniform`], which returns the error instead.
    #[must_use]
    pub const fn uniform(low: f64, high: f64) -> Self {
        Self::Uniform { low, high }.checked()
    }

    /// Normal `N(mean, std^2)` (PyTorch's `normal_`, default `(0, 1)`).
    ///
    /// # Panics
    /// If `mean` is not finite, `std` is negative or not finite, or a draw
    /// could overflow `f32` (`|mean| + 8.6 std > 3.4e38`; a compile error in
    /// a declaration).
    /// At run time use [`Init::try_normal`], which returns the error instead.
    #[must_use]
    pub const fn normal(mean: f64, std: f64) -> Self {
        Self::Normal { mean, std }.checked()
    }

    /// The normal `N(mean, std^2)` truncated to `[a, b]` (PyTorch's
    /// `trunc_normal_(mean, std, a, b)`, defaults `0, 1, -2, 2`). `a` and
    /// `b` are absolute cutoffs, not multiples of `std`. With the
    /// standardized cutoffs `alpha = (a - mean) / std`, `beta = (b - mean) / std`:
    ///
    /// - when the interval reaches within 3 standard deviations of the mean
    ///   (`alpha < 3` and `beta > -3`), exactly as PyTorch draws it, by the
    ///   inverse-CDF method (one uniform draw per value):
    ///
    ///   ```text
    ///   l = Phi(alpha),  u = Phi(beta)                      (Phi = normal CDF)
    ///   x = mean + std * sqrt(2) * erfinv(U(2l - 1, 2u - 1)),  clamped to [a, b]
    ///   ```
    ///
    /// - farther out in a tail, where `2 Phi - 1` rounds to `+-1` and the
    ///   inverse CDF would pile every value up at a cutoff, by exact
    ///   rejection from an exponential proposal (C. P. Robert, "Simulation
    ///   of truncated normal variables", Statistics and Computing 5, 1995;
    ///   see [`truncated`](super::truncated)): right for any interval, for
    ///   example `[10, 11]` or `[-40, -30]` standard deviations away.
    ///
    /// # Panics
    /// If an argument is not finite, a cutoff is beyond `f32`'s range,
    /// `std <= 0` or `a > b` (a compile error in a declaration).
    /// At run time use [`Init::try_trunc_normal`], which returns the error instead.
    #[must_use]
    pub const fn trunc_normal(mean: f64, std: f64, a: f64, b: f64) -> Self {
        Self::TruncatedNormal { mean, std, a, b }.checked()
    }

    /// Xavier/Glorot uniform (PyTorch's `xavier_uniform_(gain)`, default
    /// gain 1): `U(-t, t)` with `t = gain * sqrt(6 / (fan_in + fan_out))`,
    /// computed as PyTorch does, `sqrt(3) * gain * sqrt(2 / (fan_in + fan_out))`.
    ///
    /// # Panics
    /// If `gain` is negative, not finite or so large that the bound
    /// overflows `f32` (a compile error in a declaration).
    /// At run time use [`Init::try_xavier_uniform`], which returns the error instead.
    #[must_use]
    pub const fn xavier_uniform(gain: f64) -> Self {
        Self::XavierUniform { gain }.checked()
    }

    /// Xavier/Glorot normal (PyTorch's `xavier_normal_(gain)`): `N(0, s^2)`
    /// with `s = gain * sqrt(2 / (fan_in + fan_out))`.
    ///
    /// # Panics
    /// If `gain` is negative, not finite or so large that a draw could
    /// overflow `f32` (a compile error in a declaration).
    /// At run time use [`Init::try_xavier_normal`], which returns the error instead.
    #[must_use]
    pub const fn xavier_normal(gain: f64) -> Self {
        Self::XavierNormal { gain }.checked()
    }

    /// Kaiming/He uniform (PyTorch's `kaiming_uniform_(a, mode,
    /// nonlinearity)`, defaults `0, FanIn, LeakyReLU`): `U(-t, t)` with
    /// `t = sqrt(3) * gain / sqrt(fan)`, `gain = calculate_gain(nonlinearity, a)`
    /// and `fan` the fan-in or fan-out per `mode`.
    ///
    /// ```
    /// use constnet::init::{FanMode, Init, Nonlinearity};
    /// // He initialization for a ReLU network.
    /// const HE: Init = Init::kaiming_uniform(0.0, FanMode::FanIn, Nonlinearity::ReLU);
    /// # let _ = HE;
    /// ```
    ///
    /// # Panics
    /// If `a` is not finite (a compile error in a declaration).
    /// At run time use [`Init::try_kaiming_uniform`], which returns the error instead.
    #[must_use]
    pub const fn kaiming_uniform(a: f64, mode: FanMode, nonlinearity: Nonlinearity) -> Self {
        Self::KaimingUniform {
            a,
            mode,
            nonlinearity,
        }
        .checked()
    }

    /// Kaiming/He normal (PyTorch's `kaiming_normal_(a, mode,
    /// nonlinearity)`): `N(0, s^2)` with `s = gain / sqrt(fan)`.
    ///
    /// # Panics
    /// If `a` is not finite (a compile error in a declaration).
    /// At run time use [`Init::try_kaiming_normal`], which returns the error instead.
    #[must_use]
    pub const fn kaiming_normal(a: f64, mode: FanMode, nonlinearity: Nonlinearity) -> Self {
        Self::KaimingNormal {
            a,
            mode,
            nonlinearity,
        }
        .checked()
    }

    /// LeCun uniform: `U(-sqrt(3 / fan_in), sqrt(3 / fan_in))`, variance
    /// `1 / fan_in` (LeCun et al., "Efficient BackProp"). PyTorch has no
    /// function of this name; it is `kaiming_uniform_` with
    /// `mode='fan_in'`, `nonlinearity='linear'`.
    #[must_use]
    pub const fn lecun_uniform() -> Self {
        Self::LecunUniform
    }

    /// LeCun normal: `N(0, 1 / fan_in)`, PyTorch's `kaiming_normal_` with
    /// `mode='fan_in'`, `nonlinearity='linear'` (the initialization PyTorch
    /// recommends for SELU networks). Keras and JAX draw their `lecun_normal`
    /// from a normal truncated at two standard deviations instead.
    #[must_use]
    pub const fn lecun_normal() -> Self {
        Self::LecunNormal
    }

    /// A (semi-)orthogonal matrix times `gain` (PyTorch's
    /// `orthogonal_(gain)`, default gain 1): a standard normal matrix is
    /// orthonormalized, its columns when `rows >= cols` (`W^T W = gain^2 I`),
    /// its rows otherwise (`W W^T = gain^2 I`), giving the `Q` of its QR
    /// decomposition with `diag(R) > 0`, as PyTorch's sign correction does.
    /// See [`orthonormalize`](super::orthogonal::orthonormalize).
    ///
    /// # Panics
    /// If `gain` is negative, not finite or beyond `f32`'s range (a compile
    /// error in a declaration).
    /// At run time use [`Init::try_orthogonal`], which returns the error instead.
    #[must_use]
    pub const fn orthogonal(gain: f64) -> Self {
        Self::Orthogonal { gain }.checked()
    }

    /// The identity (PyTorch's `eye_`): ones on the main diagonal, zeros
    /// elsewhere, for any shape.
    #[must_use]
    pub const fn eye() -> Self {
        Self::Eye
    }

    /// Sparse normal (PyTorch's `sparse_(sparsity, std)`, default std 0.01;
    /// Martens 2010): every value drawn from `N(0, std^2)`, then in each
    /// column `ceil(sparsity * rows)` rows, chosen uniformly without
    /// replacement, set to zero. The count is computed in `f64` exactly as
    /// PyTorch's `math.ceil(sparsity * rows)`, rounding included: `0.14 * 50`
    /// is `7.000000000000001` in `f64`, so 8 zeros.
    ///
    /// # Panics
    /// If `sparsity` is outside `[0, 1]`, or `std` is negative, not finite
    /// or so large that a draw could overflow `f32` (a compile error in a
    /// declaration).
    /// At run time use [`Init::try_sparse`], which returns the error instead.
    #[must_use]
    pub const fn sparse(sparsity: f64, std: f64) -> Self {
        Self::Sparse { sparsity, std }.checked()
    }

    // The run-time twins of the constructors above: the same checks, as a
    // typed error.

    /// [`Init::constant`] for values known only at run time: the same
    /// initializer, or [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// naming the argument at fault.
    pub fn try_constant(value: f64) -> Result<Self> {
        Self::Constant(value).validated()
    }

    /// [`Init::uniform`] for values known only at run time: the same
    /// initializer, or [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// naming the argument at fault.
    pub fn try_uniform(low: f64, high: f64) -> Result<Self> {
        Self::Uniform { low, high }.validated()
    }

    /// [`Init::normal`] for values known only at run time: the same
    /// initializer, or [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// naming the argument at fault.
    pub fn try_normal(mean: f64, std: f64) -> Result<Self> {
        Self::Normal { mean, std }.validated()
    }

    /// [`Init::trunc_normal`] for values known only at run time: the same
    /// initializer, or [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// naming the argument at fault.
    pub fn try_trunc_normal(mean: f64, std: f64, a: f64, b: f64) -> Result<Self> {
        Self::TruncatedNormal { mean, std, a, b }.validated()
    }

    /// [`Init::xavier_uniform`] for values known only at run time: the same
    /// initializer, or [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// naming the argument at fault.
    pub fn try_xavier_uniform(gain: f64) -> Result<Self> {
        Self::XavierUniform { gain }.validated()
    }

    /// [`Init::xavier_normal`] for values known only at run time: the same
    /// initializer, or [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// naming the argument at fault.
    pub fn try_xavier_normal(gain: f64) -> Result<Self> {
        Self::XavierNormal { gain }.validated()
    }

    /// [`Init::kaiming_uniform`] for values known only at run time: the same
    /// initializer, or [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// naming the argument at fault.
    pub fn try_kaiming_uniform(a: f64, mode: FanMode, nonlinearity: Nonlinearity) -> Result<Self> {
        Self::KaimingUniform {
            a,
            mode,
            nonlinearity,
        }
        .validated()
    }

    /// [`Init::kaiming_normal`] for values known only at run time: the same
    /// initializer, or [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// naming the argument at fault.
    pub fn try_kaiming_normal(a: f64, mode: FanMode, nonlinearity: Nonlinearity) -> Result<Self> {
        Self::KaimingNormal {
            a,
            mode,
            nonlinearity,
        }
        .validated()
    }

    /// [`Init::orthogonal`] for values known only at run time: the same
    /// initializer, or [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// naming the argument at fault.
    pub fn try_orthogonal(gain: f64) -> Result<Self> {
        Self::Orthogonal { gain }.validated()
    }

    /// [`Init::sparse`] for values known only at run time: the same
    /// initializer, or [`Error::InvalidHyperParameter`](crate::error::Error::InvalidHyperParameter)
    /// naming the argument at fault.
    pub fn try_sparse(sparsity: f64, std: f64) -> Result<Self> {
        Self::Sparse { sparsity, std }.validated()
    }
}
