//! The errors of interop (`std`): [`RustSourceError`] for
//! [`interop::rust_source`](crate::interop::rust_source) and, with the
//! `safetensors` feature, [`SafetensorsError`] for
//! [`interop::safetensors`](crate::interop::safetensors).

use std::string::String;

/// A name given to [`rust_source`](crate::interop::rust_source::rust_source)
/// that Rust source cannot use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RustSourceError {
    /// The type path is not a `::`-separated path of identifiers.
    InvalidTypePath(String),
    /// The item name is not an identifier.
    InvalidItemName(String),
    /// The visibility is not one of `""`, `pub`, `pub(crate)`, `pub(super)`.
    InvalidVisibility(String),
}

impl core::fmt::Display for RustSourceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::InvalidTypePath(path) => {
                write!(
                    f,
                    "`{path}` is not a Rust type path (`Sine`, `crate::models::Sine`)"
                )
            }
            Self::InvalidItemName(name) => write!(f, "`{name}` is not a Rust identifier"),
            Self::InvalidVisibility(vis) => write!(
                f,
                "`{vis}` is not a visibility: write \"\", \"pub\", \"pub(crate)\" or \"pub(super)\""
            ),
        }
    }
}

impl std::error::Error for RustSourceError {}

#[cfg(feature = "safetensors")]
pub use safetensors::SafetensorsError;

/// What can be wrong with a safetensors file, or with its fit to a network.
/// Every error about one tensor names it (as written in the file).
#[cfg(feature = "safetensors")]
mod safetensors {
    use std::string::String;
    use std::vec::Vec;

    /// Why a safetensors file was refused. Loading validates the whole file and
    /// its fit to the network before it writes anything, so after any of these
    /// the network is unchanged.
    #[derive(Clone, Debug, PartialEq)]
    #[non_exhaustive]
    pub enum SafetensorsError {
        /// The file is shorter than the 8-byte header length.
        TooShort {
            /// The file's length in bytes.
            len: usize,
        },
        /// The header length exceeds the 100 MB the format allows.
        HeaderTooLarge {
            /// The header length the file states.
            header: u64,
        },
        /// The header length runs past the end of the file.
        HeaderBeyondFile {
            /// The header length the file states.
            header: u64,
            /// The file's length.
            file: usize,
        },
        /// The header is not UTF-8.
        HeaderNotUtf8 {
            /// Bytes of the header that are valid UTF-8.
            valid_up_to: usize,
        },
        /// The header is not a JSON object of the format's shape.
        InvalidJson {
            /// `serde_json`'s message, with line and column.
            message: String,
        },
        /// `__metadata__` is not an object of strings.
        InvalidMetadata {
            /// What is wrong.
            message: String,
        },
        /// A tensor's header entry lacks a field, has a field twice, has an
        /// unknown field, or a field of the wrong type.
        InvalidEntry {
            /// The tensor.
            tensor: String,
            /// `serde_json`'s message.
            message: String,
        },
        /// Two header entries have the same name.
        DuplicateTensor {
            /// The repeated name.
            tensor: String,
        },
        /// A dtype the safetensors format does not define (or one of less than
        /// a byte, which constnet does not read).
        UnknownDtype {
            /// The tensor.
            tensor: String,
            /// The dtype as written.
            dtype: String,
        },
        /// The number of bytes of a shape overflows 64 bits.
        ShapeOverflow {
            /// The tensor.
            tensor: String,
            /// Its shape.
            shape: Vec<u64>,
        },
        /// `data_offsets` starts after it ends.
        ReversedOffsets {
            /// The tensor.
            tensor: String,
            /// Its `[begin, end]`.
            offsets: [u64; 2],
        },
        /// `data_offsets` ends past the data: the file is truncated, or the
        /// offsets are wrong.
        OffsetsBeyondData {
            /// The tensor.
            tensor: String,
            /// Its `[begin, end]`.
            offsets: [u64; 2],
            /// Bytes of data after the header.
            data_len: usize,
        },
        /// `data_offsets` spans another number of bytes than dtype and shape need.
        SizeMismatch {
            /// The tensor.
            tensor: String,
            /// Bytes its dtype and shape need.
            needed: u64,
            /// Bytes its offsets span.
            spanned: u64,
        },
        /// Two tensors' data overlap.
        OverlappingTensors {
            /// The tensor that starts later.
            tensor: String,
            /// The tensor whose data it overlaps.
            other: String,
        },
        /// Bytes of the data belong to no tensor (the format allows no holes
        /// and no trailing bytes).
        UncoveredBytes {
            /// First uncovered byte, relative to the start of the data.
            start: usize,
            /// One past the last.
            end: usize,
        },
        /// The network needs a tensor the file does not have.
        MissingTensor {
            /// The name it looked for.
            tensor: String,
        },
        /// The file has a tensor the network has no place for.
        UnexpectedTensor {
            /// The tensor.
            tensor: String,
        },
        /// A tensor's shape is not the network's.
        WrongShape {
            /// The tensor.
            tensor: String,
            /// The network's shape (PyTorch's convention: `[out, in]`, `[n]`, `[]`).
            expected: Vec<usize>,
            /// The file's.
            found: Vec<u64>,
        },
        /// A tensor's dtype cannot be read into the network.
        WrongDtype {
            /// The tensor.
            tensor: String,
            /// What the network reads there.
            expected: &'static str,
            /// The file's dtype.
            found: &'static str,
        },
        /// A `num_batches_tracked` is negative.
        NegativeCount {
            /// The tensor.
            tensor: String,
            /// Its value.
            value: i64,
        },
        /// A value the network cannot hold: NaN, infinite, beyond the range
        /// of the network's scalar (`1e39` for an `f32` network), or a
        /// negative running variance (whose square root inference takes).
        InvalidValue {
            /// The tensor.
            tensor: String,
            /// The index of the value in the tensor (flat, row-major).
            index: usize,
            /// The value, widened to `f64`.
            value: f64,
            /// What the tensor's values must be.
            expected: &'static str,
        },
        /// A name map names a layer twice, or a layer the network does not have.
        InvalidNameMap {
            /// What is wrong.
            reason: String,
        },
        /// Reading or writing the file failed.
        Io {
            /// The file.
            path: String,
            /// The operating system's message.
            message: String,
        },
    }

    impl core::fmt::Display for SafetensorsError {
        #[allow(clippy::too_many_lines, reason = "one message per variant")]
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            match self {
                Self::TooShort { len } => write!(
                    f,
                    "a safetensors file starts with an 8-byte header length; this one has {len} bytes"
                ),
                Self::HeaderTooLarge { header } => write!(
                    f,
                    "header length {header} exceeds the format's limit of 100 MB"
                ),
                Self::HeaderBeyondFile { header, file } => write!(
                    f,
                    "header length {header} runs past the end of the {file}-byte file"
                ),
                Self::HeaderNotUtf8 { valid_up_to } => write!(
                    f,
                    "the header is not UTF-8 (valid up to byte {valid_up_to})"
                ),
                Self::InvalidJson { message } => {
                    write!(f, "the header is not a JSON object of tensors: {message}")
                }
                Self::InvalidMetadata { message } => {
                    write!(f, "`__metadata__` must map strings to strings: {message}")
                }
                Self::InvalidEntry { tensor, message } => write!(f, "tensor `{tensor}`: {message}"),
                Self::DuplicateTensor { tensor } => {
                    write!(f, "tensor `{tensor}` appears twice in the header")
                }
                Self::UnknownDtype { tensor, dtype } => write!(
                    f,
                    "tensor `{tensor}` has dtype `{dtype}`, which is not a safetensors dtype constnet reads"
                ),
                Self::ShapeOverflow { tensor, shape } => write!(
                    f,
                    "tensor `{tensor}` has shape {shape:?}, whose size overflows"
                ),
                Self::ReversedOffsets { tensor, offsets } => write!(
                    f,
                    "tensor `{tensor}` has data_offsets {offsets:?}: the start is after the end"
                ),
                Self::OffsetsBeyondData {
                    tensor,
                    offsets,
                    data_len,
                } => write!(
                    f,
                    "tensor `{tensor}` has data_offsets {offsets:?}, past the {data_len} bytes of data: the file is truncated or the offsets are wrong"
                ),
                Self::SizeMismatch {
                    tensor,
                    needed,
                    spanned,
                } => write!(
                    f,
                    "tensor `{tensor}` needs {needed} bytes for its dtype and shape, but its data_offsets span {spanned}"
                ),
                Self::OverlappingTensors { tensor, other } => write!(
                    f,
                    "the data of tensor `{tensor}` overlaps that of `{other}`"
                ),
                Self::UncoveredBytes { start, end } => {
                    write!(f, "bytes {start}..{end} of the data belong to no tensor")
                }
                Self::MissingTensor { tensor } => write!(f, "the file has no tensor `{tensor}`"),
                Self::UnexpectedTensor { tensor } => write!(
                    f,
                    "the network has no place for tensor `{tensor}` (map its name, or remove it)"
                ),
                Self::WrongShape {
                    tensor,
                    expected,
                    found,
                } => write!(
                    f,
                    "tensor `{tensor}` has shape {found:?}, but the network's is {expected:?}"
                ),
                Self::WrongDtype {
                    tensor,
                    expected,
                    found,
                } => write!(
                    f,
                    "tensor `{tensor}` has dtype {found}, but the network reads {expected}"
                ),
                Self::NegativeCount { tensor, value } => write!(
                    f,
                    "tensor `{tensor}` counts {value} batches; a count cannot be negative"
                ),
                Self::InvalidValue {
                    tensor,
                    index,
                    value,
                    expected,
                } => write!(
                    f,
                    "tensor `{tensor}` holds {value} at index {index}; its values must be {expected}"
                ),
                Self::InvalidNameMap { reason } => write!(f, "invalid name map: {reason}"),
                Self::Io { path, message } => write!(f, "{path}: {message}"),
            }
        }
    }

    impl std::error::Error for SafetensorsError {}
}
