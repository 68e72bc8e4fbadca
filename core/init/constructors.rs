//! The `const fn` constructors of [`Init`]: PyTorch's argument order and
//! defaults, each argument checked at compile time in a declaration.

use super::{FanMode, Init, Nonlinearity};

impl Init {
    /// Every value equal to `value` (PyTorch's `constant_`).
    ///
    /// # Panics
    /// If `value` is not finite (a compile error in a declaration).
    #[must_use]
    pub const fn constant(value: f64) -> Self {
        Self::Constant(value).checked()
    }

    /// Uniform in `[low, high)` (PyTorch's `uniform_(a, b)`, default
    /// `(0, 1)`).
    ///
    /// # Panics
    /// If a bound is not finite or `low > high` (a compile error in a
    /// declaration).
    #[must_use]
    pub const fn uniform(low: f64, high: f64) -> Self {
        Self::Uniform { low, high }.checked()
    }

    /// Normal `N(mean, std^2)` (PyTorch's `normal_`, default `(0, 1)`).
    ///
    /// # Panics
    /// If `mean` is not finite or `std` is negative or not finite (a compile
    /// error in a declaration).
    #[must_use]
    pub const fn normal(mean: f64, std: f64) -> Self {
        Self::Normal { mean, std }.checked()
    }

    /// The normal `N(mean, std^2)` truncated to `[a, b]`, exactly as
    /// PyTorch's `trunc_normal_(mean, std, a, b)` (defaults `0, 1, -2, 2`)
    /// draws it, by the inverse-CDF method:
    ///
    /// ```text
    /// l = Phi((a - mean) / std),  u = Phi((b - mean) / std)     (Phi = normal CDF)
    /// x = mean + std * sqrt(2) * erfinv(U(2l - 1, 2u - 1)),  clamped to [a, b]
    /// ```
    ///
    /// `a` and `b` are absolute cutoffs, not multiples of `std`. As in
    /// PyTorch, the method loses precision when `[a, b]` lies far in one
    /// tail (beyond about 8 standard deviations values pile up at a cutoff);
    /// the clamp keeps them inside.
    ///
    /// # Panics
    /// If an argument is not finite, `std <= 0` or `a > b` (a compile error
    /// in a declaration).
    #[must_use]
    pub const fn trunc_normal(mean: f64, std: f64, a: f64, b: f64) -> Self {
        Self::TruncatedNormal { mean, std, a, b }.checked()
    }

    /// Xavier/Glorot uniform (PyTorch's `xavier_uniform_(gain)`, default
    /// gain 1): `U(-t, t)` with `t = gain * sqrt(6 / (fan_in + fan_out))`,
    /// computed as PyTorch does, `sqrt(3) * gain * sqrt(2 / (fan_in + fan_out))`.
    ///
    /// # Panics
    /// If `gain` is negative or not finite (a compile error in a declaration).
    #[must_use]
    pub const fn xavier_uniform(gain: f64) -> Self {
        Self::XavierUniform { gain }.checked()
    }

    /// Xavier/Glorot normal (PyTorch's `xavier_normal_(gain)`): `N(0, s^2)`
    /// with `s = gain * sqrt(2 / (fan_in + fan_out))`.
    ///
    /// # Panics
    /// If `gain` is negative or not finite (a compile error in a declaration).
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
    /// If `gain` is negative or not finite (a compile error in a declaration).
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
    /// If `sparsity` is outside `[0, 1]` or `std` is negative or not finite
    /// (a compile error in a declaration).
    #[must_use]
    pub const fn sparse(sparsity: f64, std: f64) -> Self {
        Self::Sparse { sparsity, std }.checked()
    }
}
