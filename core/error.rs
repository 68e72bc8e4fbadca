//! The error type of every fallible operation in constnet.
//!
//! Library code never panics on user input: bad hyper-parameters, mismatched
//! data and numerical breakdown come back as an [`Error`] value that says
//! what was wrong and where.

use core::fmt;

/// What went wrong. Every variant carries enough context to act on.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A hyper-parameter is outside its valid range.
    InvalidHyperParameter {
        /// The parameter's name, as in the constructor (`"lr"`, `"momentum"`).
        name: &'static str,
        /// The value given, widened to `f64`.
        value: f64,
        /// The valid range or the rule broken, e.g. `"must be in [0, 1)"`.
        expected: &'static str,
    },
    /// Two options that cannot be combined.
    IncompatibleOptions {
        /// Which rule was broken, e.g. `"nesterov requires momentum > 0 and dampening = 0"`.
        reason: &'static str,
    },
    /// Inputs and targets of a data set have different lengths.
    LengthMismatch {
        /// Number of input rows.
        inputs: usize,
        /// Number of targets.
        targets: usize,
    },
    /// A data set has fewer samples than an operation needs.
    NotEnoughSamples {
        /// Samples available.
        available: usize,
        /// Samples needed (for example one batch).
        needed: usize,
    },
    /// A value in the data is NaN or infinite.
    NonFiniteData {
        /// Index of the offending sample.
        sample: usize,
    },
    /// A class index is not below the number of classes.
    ClassOutOfRange {
        /// The class given.
        class: usize,
        /// The number of classes (the network's output width).
        classes: usize,
    },
    /// A buffer passed in has the wrong length.
    BufferLength {
        /// What the buffer is for.
        what: &'static str,
        /// Length given.
        given: usize,
        /// Length required.
        required: usize,
    },
    /// Training produced a NaN or infinite loss, gradient or parameter. The
    /// network keeps the parameters it had before the failing step.
    NonFinite {
        /// What became non-finite: `"loss"`, `"gradient"`, `"parameters"`,
        /// or `"validation loss"` (the held-out loss at the end of an epoch).
        what: &'static str,
        /// Epoch of the failing step (0-based); for an end-of-epoch loss,
        /// the epoch just finished.
        epoch: usize,
        /// Global optimizer step that failed (0-based, counted over all
        /// epochs); for an end-of-epoch loss, the step that would come next.
        step: usize,
        /// The loss of that step, as computed (NaN or infinite if the loss failed).
        loss: f64,
    },
    /// A numerical routine did not converge or met a singular case.
    Numerical {
        /// What failed and why.
        reason: &'static str,
    },
    /// A value does not fit in a fixed-capacity container (no heap).
    CapacityExceeded {
        /// What was being stored, e.g. `"symmetry count"`.
        what: &'static str,
        /// The container's capacity, in its own units (limbs, records).
        capacity: usize,
    },
    /// A permutation or sign flip of hidden units was refused: the layer is
    /// not a hidden layer whose units can be exchanged, or the permutation
    /// is malformed.
    Symmetry(crate::diagnostics::symmetry::SymmetryError),
    /// A tool asked a layer of a network for something it does not have (no
    /// layer of that name, or no weight of the requested shape).
    UnsuitableLayer {
        /// What was missing.
        reason: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidHyperParameter {
                name,
                value,
                expected,
            } => {
                write!(f, "invalid hyper-parameter `{name}` = {value}: {expected}")
            }
            Self::IncompatibleOptions { reason } => write!(f, "incompatible options: {reason}"),
            Self::LengthMismatch { inputs, targets } => write!(
                f,
                "data set has {inputs} input rows but {targets} targets; they must be equal"
            ),
            Self::NotEnoughSamples { available, needed } => write!(
                f,
                "not enough samples: {available} available, at least {needed} needed"
            ),
            Self::NonFiniteData { sample } => {
                write!(f, "sample {sample} contains a NaN or infinite value")
            }
            Self::ClassOutOfRange { class, classes } => write!(
                f,
                "class index {class} is out of range for {classes} classes (valid: 0..{classes})"
            ),
            Self::BufferLength {
                what,
                given,
                required,
            } => write!(
                f,
                "{what} buffer has length {given}, but {required} is required"
            ),
            Self::NonFinite {
                what,
                epoch,
                step,
                loss,
            } => write!(
                f,
                "training stopped: the {what} became non-finite at step {step} (epoch {epoch}, loss {loss}); \
                 the parameters are those before that step"
            ),
            Self::Numerical { reason } => write!(f, "numerical failure: {reason}"),
            Self::CapacityExceeded { what, capacity } => write!(
                f,
                "{what} does not fit in its fixed capacity of {capacity}; raise the capacity"
            ),
            Self::Symmetry(error) => write!(f, "{error}"),
            Self::UnsuitableLayer { reason } => write!(f, "unsuitable layer: {reason}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

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
