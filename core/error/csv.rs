//! [`CsvError`]: what went wrong reading a CSV file
//! ([`data::csv`](crate::data::csv)).

use core::fmt;
use std::path::PathBuf;
use std::string::String;

/// What went wrong reading a CSV file. Lines and columns count from 1.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum CsvError {
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The kind of failure.
        kind: std::io::ErrorKind,
        /// The operating system's message.
        message: String,
    },
    /// There is no record (after the header, if any).
    NoRecords,
    /// A field is not a number.
    NotANumber {
        /// Line of the record.
        line: usize,
        /// Column of the field.
        column: usize,
        /// The field as written.
        field: String,
    },
    /// A field is NaN or infinite.
    NonFinite {
        /// Line of the record.
        line: usize,
        /// Column of the field.
        column: usize,
    },
    /// A [`Header::Present`](crate::data::csv::Header::Present) line has a different number of fields than
    /// the records.
    HeaderWidth {
        /// Fields in the header.
        found: usize,
        /// Fields of every record.
        expected: usize,
    },
    /// A number is finite in `f64` but not in the scalar the samples are
    /// converted to.
    OutOfRange {
        /// Line of the record.
        line: usize,
        /// Column of the field.
        column: usize,
        /// The value read.
        value: f64,
        /// The scalar, `"f32"` or `"f64"`.
        scalar: &'static str,
    },
    /// A record has a different number of fields than the first one.
    RaggedRecord {
        /// Line of the record.
        line: usize,
        /// Fields found on it.
        found: usize,
        /// Fields of the first record.
        expected: usize,
    },
    /// The records do not have the number of fields the caller asked for.
    Width {
        /// Fields the caller's layout needs.
        expected: usize,
        /// Fields each record has.
        found: usize,
    },
    /// A class label is not an integer in `0..classes`.
    NotAClass {
        /// Line of the record.
        line: usize,
        /// The label found.
        value: f64,
        /// The number of classes.
        classes: usize,
    },
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io {
                path,
                kind,
                message,
            } => write!(f, "cannot read {}: {message} ({kind:?})", path.display()),
            Self::NoRecords => write!(f, "the CSV text has no records"),
            Self::NotANumber {
                line,
                column,
                field,
            } => write!(
                f,
                "line {line}, column {column}: `{}` is not a number",
                field.escape_debug()
            ),
            Self::NonFinite { line, column } => {
                write!(f, "line {line}, column {column}: NaN or infinite value")
            }
            Self::HeaderWidth { found, expected } => write!(
                f,
                "the header has {found} fields, but the records have {expected}; \
                 read it as Header::Metadata if it is not one name per column"
            ),
            Self::OutOfRange {
                line,
                column,
                value,
                scalar,
            } => write!(
                f,
                "line {line}, column {column}: {value:e} is outside the range of {scalar}"
            ),
            Self::RaggedRecord {
                line,
                found,
                expected,
            } => write!(
                f,
                "line {line}: {found} fields, but the first record has {expected}"
            ),
            Self::Width { expected, found } => write!(
                f,
                "records have {found} fields, but {expected} are expected"
            ),
            Self::NotAClass {
                line,
                value,
                classes,
            } => write!(
                f,
                "line {line}: class label {value} is not an integer in 0..{classes}"
            ),
        }
    }
}

impl std::error::Error for CsvError {}
