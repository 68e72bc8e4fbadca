//! The messages of [`Error`]: one arm per variant, each saying what was
//! wrong, where, and what to change.

use core::fmt;

use super::Error;

impl fmt::Display for Error {
    #[allow(clippy::too_many_lines, reason = "one arm per variant")]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidHyperParameter {
                name,
                value,
                expected,
            } => {
                write!(f, "invalid hyper-parameter `{name}` = {value}: {expected}")
            }
            Self::IncompatibleOptions(which) => write!(f, "incompatible options: {which}"),
            Self::LengthMismatch { inputs, targets } => write!(
                f,
                "data set has {inputs} input rows but {targets} targets; they must be equal"
            ),
            Self::NotEnoughSamples { available, needed } => write!(
                f,
                "not enough samples: {available} available, at least {needed} needed"
            ),
            Self::ZeroWidth { what } => {
                write!(f, "{what} has no elements; at least one is needed")
            }
            Self::NonFiniteData { sample } => {
                write!(f, "sample {sample} contains a NaN or infinite value")
            }
            Self::ClassOutOfRange {
                sample,
                class,
                classes,
            } => write!(
                f,
                "sample {sample}: class index {class} is out of range for {classes} classes (valid: 0..{classes})"
            ),
            Self::InvalidTarget {
                sample,
                element,
                value,
                expected,
            } => write!(
                f,
                "sample {sample}: target element {element} is {value}, but the loss needs values {expected}"
            ),
            Self::BufferLength {
                what,
                given,
                required,
            } => write!(
                f,
                "{what} buffer has length {given}, but {required} is required"
            ),
            Self::NotMultiple {
                what,
                given,
                multiple_of,
            } => write!(
                f,
                "{what} buffer has length {given}, which is not a whole number of vectors of length {multiple_of}"
            ),
            Self::NonFinite {
                what,
                epoch,
                step,
                loss,
                kept_step,
            } => {
                write!(
                    f,
                    "training stopped: the {what} became non-finite at step {step} (epoch {epoch}, loss {loss}); "
                )?;
                match kept_step {
                    Some(kept) => write!(
                        f,
                        "the network keeps the parameters step {kept} started from, the last whose loss was finite"
                    ),
                    None => write!(
                        f,
                        "no step had a finite loss: the network keeps its initial parameters"
                    ),
                }
            }
            Self::NotSquare { rows, cols } => {
                write!(f, "the matrix is {rows} x {cols}, but it must be square")
            }
            Self::NotOrthonormal {
                what,
                first,
                second,
                product,
            } => {
                if first == second {
                    write!(
                        f,
                        "{what} {first} has squared norm {product}, but it must be a unit vector"
                    )
                } else {
                    write!(
                        f,
                        "{what}s {first} and {second} have inner product {product}, but they must be orthogonal"
                    )
                }
            }
            Self::NonFiniteResult { what } => {
                write!(f, "{what} has a NaN or infinite value")
            }
            Self::NotConverged { what, iterations } => {
                write!(f, "{what} did not converge in {iterations} iterations")
            }
            Self::TooLarge { what, requested } => {
                if *requested == usize::MAX {
                    write!(f, "{what}: the size overflows usize")
                } else {
                    write!(f, "{what}: {requested} values cannot be allocated")
                }
            }
            Self::InvalidState {
                owner,
                tensor,
                index,
                value,
                expected,
            } => write!(
                f,
                "saved state `{owner}.{tensor}`[{index}] is {value}; its values must be {expected}"
            ),
            Self::InvalidBuffer {
                layer,
                tensor,
                index,
                value,
                expected,
            } => write!(
                f,
                "buffer `{layer}.{tensor}`[{index}] is {value}; its values must be {expected}"
            ),
            Self::NotRepresentable {
                what,
                index,
                value,
                scalar,
            } => write!(f, "{what} {index} is {value}, which {scalar} cannot hold"),
            Self::NonFiniteInput { what } => write!(f, "a {what} is NaN or infinite"),
            Self::DegenerateStart { what } => write!(
                f,
                "{what}: the start vector lies in the deflated space; choose another seed"
            ),
            Self::CapacityExceeded { what, capacity } => write!(
                f,
                "{what} does not fit in its fixed capacity of {capacity}; raise the capacity"
            ),
            Self::Symmetry(error) => write!(f, "{error}"),
            Self::UnsuitableLayer(problem) => write!(f, "unsuitable layer: {problem}"),
            #[cfg(feature = "std")]
            Self::Csv(error) => write!(f, "{error}"),
            #[cfg(feature = "std")]
            Self::RustSource(error) => write!(f, "{error}"),
            #[cfg(feature = "safetensors")]
            Self::Safetensors(error) => write!(f, "{error}"),
        }
    }
}
