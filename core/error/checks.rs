//! The checks of hyper-parameter values that every module shares, each
//! returning [`Error::InvalidHyperParameter`] with what was expected.

use super::{Error, Result};

/// Checks `value` against a predicate and returns an
/// [`Error::InvalidHyperParameter`] when it fails. NaN always fails.
pub(crate) fn check_param(
    name: &'static str,
    value: f64,
    valid: bool,
    expected: &'static str,
) -> Result<()> {
    if valid && !value.is_nan() {
        Ok(())
    } else {
        Err(Error::InvalidHyperParameter {
            name,
            value,
            expected,
        })
    }
}

/// Checks a count that must be at least 1 (a block size, a number of
/// epochs, steps or samples).
pub(crate) fn check_count(name: &'static str, count: usize) -> Result<()> {
    check_param(name, count as f64, count >= 1, "must be at least 1")
}

/// Checks a value that must be finite and >= 0 (a learning rate, a
/// penalty, a threshold).
pub(crate) fn check_non_negative(name: &'static str, value: f64) -> Result<()> {
    check_param(
        name,
        value,
        value.is_finite() && value >= 0.0,
        "must be finite and >= 0",
    )
}

/// Checks a value that must be finite and > 0 (a stabilizing epsilon).
pub(crate) fn check_positive(name: &'static str, value: f64) -> Result<()> {
    check_param(
        name,
        value,
        value.is_finite() && value > 0.0,
        "must be finite and > 0",
    )
}

/// Checks a decay or momentum factor: in [0, 1).
pub(crate) fn check_fraction(name: &'static str, value: f64) -> Result<()> {
    check_param(
        name,
        value,
        (0.0..1.0).contains(&value),
        "must be in [0, 1)",
    )
}
