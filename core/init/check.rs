//! Argument checks of [`Init`], shared by the `const fn` constructors (a
//! failed check panics, which is a compile error in a declaration), their
//! `try_` twins and [`Init::validate`] (a typed error at run time).
//!
//! An initializer belongs to a layer's configuration, which is the same for
//! an `f32` and an `f64` network, so its arguments are checked against the
//! narrower scalar: besides being finite (and in their ranges), the largest
//! value an initializer can produce must be finite in `f32`
//! ([`LARGEST_VALUE`]). `Init::constant(1e39)` or `Init::orthogonal(1e300)`
//! would be infinite parameters in an `f32` network, so they are refused
//! for both scalars.

use super::Init;
use crate::error::{Error, Result};

/// The largest magnitude an initializer may produce: `f32::MAX`, so every
/// value it draws is finite in every scalar a network computes in.
pub const LARGEST_VALUE: f64 = f32::MAX as f64;

/// The largest magnitude of a standard normal draw of
/// [`Rng::standard_normal`](crate::rng::Rng::standard_normal) (Box-Muller
/// with `1 - u >= 2^-53`): `sqrt(-2 ln 2^-53) = 8.5717...`, rounded up.
pub const NORMAL_DRAW_BOUND: f64 = 8.6;

/// `sqrt(6)`, rounded up: the Xavier uniform bound `gain sqrt(6 / fans)`
/// is at most `gain sqrt(6)` for any non-empty fans.
const SQRT_6: f64 = 2.449_489_742_783_178_5;

/// The Xavier normal standard deviation `gain sqrt(2 / fans)` is at most
/// `gain sqrt(2)`.
const SQRT_2: f64 = core::f64::consts::SQRT_2;

/// Why an initializer's arguments are invalid.
struct Invalid {
    name: &'static str,
    value: f64,
    expected: &'static str,
    message: &'static str,
}

/// `Some(Invalid)` unless `ok`.
const fn require(
    ok: bool,
    name: &'static str,
    value: f64,
    expected: &'static str,
    message: &'static str,
) -> Option<Invalid> {
    if ok {
        None
    } else {
        Some(Invalid {
            name,
            value,
            expected,
            message,
        })
    }
}

/// The first of two checks that fails.
const fn first(a: Option<Invalid>, b: Option<Invalid>) -> Option<Invalid> {
    if a.is_some() { a } else { b }
}

/// `|value| <= LARGEST_VALUE` (NaN fails).
const fn within_f32(value: f64) -> bool {
    value.abs() <= LARGEST_VALUE
}

/// `value` must be finite and within `f32`'s range.
const fn value_in_range(name: &'static str, value: f64, message: &'static str) -> Option<Invalid> {
    require(
        within_f32(value),
        name,
        value,
        "must be finite with |value| <= f32::MAX (3.4e38)",
        message,
    )
}

/// `value` must be finite.
const fn finite(name: &'static str, value: f64, message: &'static str) -> Option<Invalid> {
    require(value.is_finite(), name, value, "must be finite", message)
}

/// `value` must be finite and `>= 0`.
const fn finite_non_negative(
    name: &'static str,
    value: f64,
    message: &'static str,
) -> Option<Invalid> {
    let ok = value.is_finite() && value >= 0.0;
    require(ok, name, value, "must be finite and >= 0", message)
}

/// A scale `s >= 0` whose draws reach `reach * s` must keep them within
/// `f32`'s range.
const fn scale_in_range(
    name: &'static str,
    value: f64,
    reach: f64,
    message: &'static str,
) -> Option<Invalid> {
    require(
        value.is_finite() && value >= 0.0 && within_f32(value * reach),
        name,
        value,
        "must be finite, >= 0, and small enough that every draw is finite in f32",
        message,
    )
}

/// The first invalid argument of `Init::Normal`.
const fn normal_problem(mean: f64, std: f64) -> Option<Invalid> {
    first(
        value_in_range(
            "mean",
            mean,
            "Init::normal: `mean` must be finite and within f32's range",
        ),
        first(
            finite_non_negative("std", std, "Init::normal: `std` must be finite and >= 0"),
            require(
                within_f32(mean.abs() + NORMAL_DRAW_BOUND * std),
                "std",
                std,
                "must keep every draw finite in f32: |mean| + 8.6 std <= 3.4e38",
                "Init::normal: `std` is so large that draws overflow f32 (|mean| + 8.6 std must be <= 3.4e38)",
            ),
        ),
    )
}

/// The first invalid argument of `Init::TruncatedNormal`.
const fn truncated_problem(mean: f64, std: f64, a: f64, b: f64) -> Option<Invalid> {
    let std_ok = std.is_finite() && std > 0.0;
    first(
        first(
            finite("mean", mean, "Init::trunc_normal: `mean` must be finite"),
            require(
                std_ok,
                "std",
                std,
                "must be finite and > 0",
                "Init::trunc_normal: `std` must be finite and > 0",
            ),
        ),
        first(
            first(
                value_in_range(
                    "a",
                    a,
                    "Init::trunc_normal: the cutoff `a` must be finite and within f32's range",
                ),
                value_in_range(
                    "b",
                    b,
                    "Init::trunc_normal: the cutoff `b` must be finite and within f32's range",
                ),
            ),
            require(
                a <= b,
                "b",
                b,
                "must be >= a",
                "Init::trunc_normal: the cutoff `a` must not exceed `b`",
            ),
        ),
    )
}

impl Init {
    /// The first invalid argument, if any.
    const fn problem(&self) -> Option<Invalid> {
        match *self {
            Self::TorchDefault
            | Self::Zeros
            | Self::Ones
            | Self::Eye
            | Self::LecunUniform
            | Self::LecunNormal => None,
            Self::Constant(value) => value_in_range(
                "value",
                value,
                "Init::constant: the value must be finite and within f32's range (|value| <= 3.4e38)",
            ),
            Self::Uniform { low, high } => first(
                first(
                    value_in_range(
                        "low",
                        low,
                        "Init::uniform: `low` must be finite and within f32's range (|low| <= 3.4e38)",
                    ),
                    value_in_range(
                        "high",
                        high,
                        "Init::uniform: `high` must be finite and within f32's range (|high| <= 3.4e38)",
                    ),
                ),
                require(
                    low <= high,
                    "high",
                    high,
                    "must be >= low",
                    "Init::uniform: `low` must not exceed `high`",
                ),
            ),
            Self::Normal { mean, std } => normal_problem(mean, std),
            Self::TruncatedNormal { mean, std, a, b } => truncated_problem(mean, std, a, b),
            Self::XavierUniform { gain } => scale_in_range(
                "gain",
                gain,
                SQRT_6,
                "Init::xavier_uniform: `gain` must be finite, >= 0 and at most 1.3e38 (f32's range)",
            ),
            Self::XavierNormal { gain } => scale_in_range(
                "gain",
                gain,
                NORMAL_DRAW_BOUND * SQRT_2,
                "Init::xavier_normal: `gain` must be finite, >= 0 and at most 2.7e37 (f32's range)",
            ),
            Self::Orthogonal { gain } => scale_in_range(
                "gain",
                gain,
                1.0,
                "Init::orthogonal: `gain` must be finite, >= 0 and within f32's range (<= 3.4e38)",
            ),
            Self::KaimingUniform { a, .. } | Self::KaimingNormal { a, .. } => finite(
                "a",
                a,
                "Init::kaiming_*: the negative slope `a` must be finite",
            ),
            Self::Sparse { sparsity, std } => {
                let in_range = sparsity >= 0.0 && sparsity <= 1.0;
                first(
                    require(
                        in_range,
                        "sparsity",
                        sparsity,
                        "must be in [0, 1]",
                        "Init::sparse: `sparsity` must be in [0, 1]",
                    ),
                    scale_in_range(
                        "std",
                        std,
                        NORMAL_DRAW_BOUND,
                        "Init::sparse: `std` must be finite, >= 0 and at most 3.9e37 (f32's range)",
                    ),
                )
            }
        }
    }

    /// `self` if its arguments are valid; otherwise a panic, which is a
    /// compile error when evaluated in a `const` (as in a declaration).
    ///
    /// # Panics
    /// When an argument is invalid (see [`Init::validate`]).
    #[must_use]
    pub const fn checked(self) -> Self {
        if let Some(invalid) = self.problem() {
            panic!("{}", invalid.message);
        }
        self
    }

    /// Checks the arguments of an initializer built at run time (for
    /// example a variant written out from a configuration file): finite, in
    /// range, and every value it can draw finite in `f32` (the narrower
    /// scalar: a layer's configuration serves both), that is within
    /// [`LARGEST_VALUE`].
    pub fn validate(&self) -> Result<()> {
        match self.problem() {
            None => Ok(()),
            Some(invalid) => Err(Error::InvalidHyperParameter {
                name: invalid.name,
                value: invalid.value,
                expected: invalid.expected,
            }),
        }
    }

    /// `self`, checked as [`Init::validate`] checks it: the run-time twin
    /// of [`Init::checked`].
    pub fn validated(self) -> Result<Self> {
        self.validate().map(|()| self)
    }
}
