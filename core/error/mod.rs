//! The error type of every fallible operation in constnet.
//!
//! Library code never panics on user input: bad hyper-parameters, mismatched
//! data and numerical breakdown come back as an [`Error`] value that says
//! what was wrong and where. The error types of the `std` parts
//! ([`CsvError`], [`RustSourceError`], `SafetensorsError`) convert into
//! [`Error`] with `?`, so one `fn main() -> constnet::Result<()>` serves a
//! whole program.

mod checks;
mod display;
mod options;
mod symmetry;

pub(crate) use checks::{
    check_count, check_fraction, check_non_negative, check_param, check_positive,
};
pub use options::{Incompatible, LayerProblem};

pub use symmetry::SymmetryError;

#[cfg(feature = "std")]
mod csv;
#[cfg(feature = "std")]
mod interop;

#[cfg(feature = "std")]
pub use csv::CsvError;
#[cfg(feature = "std")]
pub use interop::RustSourceError;
#[cfg(feature = "safetensors")]
pub use interop::SafetensorsError;

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
    IncompatibleOptions(Incompatible),
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
    /// Something that must have at least one element has none (a sample
    /// with no features).
    ZeroWidth {
        /// What is empty.
        what: &'static str,
    },
    /// A value in the data is NaN or infinite.
    NonFiniteData {
        /// Index of the offending sample.
        sample: usize,
    },
    /// A class index is not below the number of classes.
    ClassOutOfRange {
        /// Index of the sample in its data set (0 when a target is checked
        /// alone, with [`Loss::check_target`](crate::loss::Loss::check_target)).
        sample: usize,
        /// The class given.
        class: usize,
        /// The number of classes (the network's output width).
        classes: usize,
    },
    /// A target value is not valid for the loss (NaN, or outside the range
    /// the loss is defined on).
    InvalidTarget {
        /// Index of the sample in its data set (0 when a target is checked
        /// alone, with [`Loss::check_target`](crate::loss::Loss::check_target)).
        sample: usize,
        /// Which element of the sample's target.
        element: usize,
        /// The value, widened to `f64`.
        value: f64,
        /// The values the loss accepts, e.g. `"finite and in [0, 1]"`.
        expected: &'static str,
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
    /// A buffer's length must be a multiple of a vector length, and is not.
    NotMultiple {
        /// What the buffer is for.
        what: &'static str,
        /// Length given.
        given: usize,
        /// The vector length it must be a multiple of.
        multiple_of: usize,
    },
    /// Training produced a NaN or infinite loss, gradient, parameter or
    /// running statistic. The network is left at the last parameters (and
    /// buffers) whose loss was finite: those step `kept_step` started from.
    NonFinite {
        /// What became non-finite: `"loss"`, `"gradient"`, `"parameters"`,
        /// `"running statistics"` (a buffer after the update), or
        /// `"validation loss"` (the held-out loss at the end of an epoch).
        what: &'static str,
        /// Epoch of the failing step (0-based); for an end-of-epoch loss,
        /// the epoch just finished.
        epoch: usize,
        /// Global optimizer step that failed (0-based, counted over all
        /// epochs); for an end-of-epoch loss, the step that would come next.
        step: usize,
        /// The loss of that step, as computed (NaN or infinite if the loss failed).
        loss: f64,
        /// The step whose starting parameters the network was left at (its
        /// loss was finite): `step - 1` when the loss failed, `step`
        /// otherwise; `None` when even the first step's loss was not finite
        /// (the network keeps its initial parameters).
        kept_step: Option<usize>,
    },
    /// A matrix that must be square is not.
    NotSquare {
        /// Its rows.
        rows: usize,
        /// Its columns.
        cols: usize,
    },
    /// Vectors that must be orthonormal (deflation vectors) are not, to
    /// within `sqrt(eps)` of the scalar.
    NotOrthonormal {
        /// What the vectors are for.
        what: &'static str,
        /// Index of the first vector of the failing pair.
        first: usize,
        /// Index of the second (equal to `first` when a vector's squared
        /// norm is not 1).
        second: usize,
        /// Their inner product as computed.
        product: f64,
    },
    /// A computed result has a NaN or infinite value: a linear operator's
    /// product, an estimate built from such products, a Hessian or its
    /// gradient (the point is too extreme for the scalar).
    NonFiniteResult {
        /// What was computed.
        what: &'static str,
    },
    /// An iterative method did not converge in its iteration limit.
    NotConverged {
        /// The method.
        what: &'static str,
        /// The limit reached.
        iterations: usize,
    },
    /// A size asked for cannot be allocated or overflows `usize`.
    TooLarge {
        /// What was being allocated.
        what: &'static str,
        /// Elements requested (`usize::MAX` when the count itself
        /// overflowed).
        requested: usize,
    },
    /// A buffer value (a running statistic) given from outside is not in
    /// its tensor's [`Domain`](crate::layer::Domain): NaN, infinite, or a
    /// negative running variance.
    InvalidBuffer {
        /// The layer's name in the declaration.
        layer: &'static str,
        /// The buffer tensor (`running_var`).
        tensor: &'static str,
        /// The index of the value in the tensor.
        index: usize,
        /// The value, widened to `f64`.
        value: f64,
        /// What its values must be (`"finite and >= 0"`).
        expected: &'static str,
    },
    /// A value of saved state read back (feature `serde`) is outside its
    /// domain: a NaN parameter, a negative second moment of Adam.
    InvalidState {
        /// Whose state: the network's or optimizer's type name (`"Adam"`).
        owner: &'static str,
        /// The tensor (`"parameters"`, `"exp_avg_sq"`).
        tensor: &'static str,
        /// The index of the value in the tensor.
        index: usize,
        /// The value, widened to `f64`.
        value: f64,
        /// What its values must be (`"finite and >= 0"`).
        expected: &'static str,
    },
    /// A value does not fit the scalar it is converted to (`1e39` from
    /// `f64` to `f32` is infinite).
    NotRepresentable {
        /// What is converted: `"parameter"` or `"buffer"`.
        what: &'static str,
        /// Its index in the flat vector.
        index: usize,
        /// The value, widened to `f64`.
        value: f64,
        /// The scalar converted to.
        scalar: &'static str,
    },
    /// A value given to a routine outside training (a matrix entry, an
    /// eigenvalue, the loss at the point of a Hessian) is NaN or infinite;
    /// in training, [`Error::NonFinite`] names the step.
    NonFiniteInput {
        /// What is not finite: `"matrix entry"`, `"eigenvalue"`, `"loss"`.
        what: &'static str,
    },
    /// The random start vector of an iterative method lies in the span of
    /// the vectors it deflates (so it cannot start); another seed starts it.
    DegenerateStart {
        /// The method.
        what: &'static str,
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
    Symmetry(SymmetryError),
    /// A tool asked a layer of a network for something it does not have.
    UnsuitableLayer(LayerProblem),
    /// Reading CSV failed ([`crate::data::csv`], `std`); `?` converts.
    #[cfg(feature = "std")]
    Csv(CsvError),
    /// Writing Rust source failed ([`crate::interop::rust_source`], `std`);
    /// `?` converts.
    #[cfg(feature = "std")]
    RustSource(RustSourceError),
    /// A safetensors file was refused ([`crate::interop::safetensors`],
    /// feature `safetensors`); `?` converts.
    #[cfg(feature = "safetensors")]
    Safetensors(SafetensorsError),
}

impl Error {
    /// The same error, naming sample `sample` if it is about a sample's
    /// target or data ([`Error::InvalidTarget`], [`Error::ClassOutOfRange`],
    /// [`Error::NonFiniteData`]); other errors are returned unchanged.
    #[must_use]
    pub fn for_sample(self, sample: usize) -> Self {
        match self {
            Self::InvalidTarget {
                element,
                value,
                expected,
                ..
            } => Self::InvalidTarget {
                sample,
                element,
                value,
                expected,
            },
            Self::ClassOutOfRange { class, classes, .. } => Self::ClassOutOfRange {
                sample,
                class,
                classes,
            },
            Self::NonFiniteData { .. } => Self::NonFiniteData { sample },
            other => other,
        }
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            #[cfg(feature = "std")]
            Self::Csv(error) => Some(error),
            #[cfg(feature = "std")]
            Self::RustSource(error) => Some(error),
            #[cfg(feature = "safetensors")]
            Self::Safetensors(error) => Some(error),
            _ => None,
        }
    }
}

#[cfg(feature = "std")]
impl From<CsvError> for Error {
    fn from(error: CsvError) -> Self {
        Self::Csv(error)
    }
}

#[cfg(feature = "std")]
impl From<RustSourceError> for Error {
    fn from(error: RustSourceError) -> Self {
        Self::RustSource(error)
    }
}

#[cfg(feature = "safetensors")]
impl From<SafetensorsError> for Error {
    fn from(error: SafetensorsError) -> Self {
        Self::Safetensors(error)
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
