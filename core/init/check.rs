//! Argument checks of [`Init`], shared by the `const fn` constructors (a
//! failed check panics, which is a compile error in a declaration) and
//! [`Init::validate`] (a typed error at run time).

use super::Init;
use crate::error::{Error, Result};

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
            Self::Constant(value) => {
                finite("value", value, "Init::constant: the value must be finite")
            }
            Self::Uniform { low, high } => first(
                first(
                    finite("low", low, "Init::uniform: `low` must be finite"),
                    finite("high", high, "Init::uniform: `high` must be finite"),
                ),
                require(
                    low <= high,
                    "high",
                    high,
                    "must be >= low",
                    "Init::uniform: `low` must not exceed `high`",
                ),
            ),
            Self::Normal { mean, std } => first(
                finite("mean", mean, "Init::normal: `mean` must be finite"),
                finite_non_negative("std", std, "Init::normal: `std` must be finite and >= 0"),
            ),
            Self::TruncatedNormal { mean, std, a, b } => {
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
                            finite("a", a, "Init::trunc_normal: the cutoff `a` must be finite"),
                            finite("b", b, "Init::trunc_normal: the cutoff `b` must be finite"),
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
            Self::XavierUniform { gain } | Self::XavierNormal { gain } => finite_non_negative(
                "gain",
                gain,
                "Init::xavier_*: `gain` must be finite and >= 0",
            ),
            Self::Orthogonal { gain } => finite_non_negative(
                "gain",
                gain,
                "Init::orthogonal: `gain` must be finite and >= 0",
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
                    finite_non_negative("std", std, "Init::sparse: `std` must be finite and >= 0"),
                )
            }
        }
    }

    /// `self` if its arguments are valid; otherwise a panic, which is a
    /// compile error when evaluated in a `const` (as in a declaration).
    pub(super) const fn checked(self) -> Self {
        if let Some(invalid) = self.problem() {
            panic!("{}", invalid.message);
        }
        self
    }

    /// Checks the arguments of an initializer built at run time (for
    /// example a variant written out from a configuration file).
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
}
