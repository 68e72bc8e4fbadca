//! A reader for CSV files of numbers, such as the Iris and digits data sets
//! shipped in `data/` (`std` only: it reads files and returns vectors).
//!
//! The format is the plain subset of RFC 4180 that numeric data sets use:
//! one record per line, fields separated by commas, no quoting. Spaces
//! around a field and a `\r` before the line end are ignored, and so are
//! blank lines. An optional first line is a header whose fields are kept as
//! text. Every other field must parse as a finite number (Rust's `f64`
//! syntax: `5.1`, `-2`, `1e-3`), and all records must have the same number
//! of fields. Every error names the 1-based line (and column) at fault.
//!
//! ```
//! use constnet::data::csv::{Header, Table};
//! let text = "3,2,no,yes\n0.5,1.5,0\n2.0,-1.0,1\n1e-1,4,1\n";
//! let table = Table::parse(text, Header::Present)?;
//! assert_eq!(table.header().unwrap()[2], "no");
//! let samples = table.features_and_classes::<f32, 2>(2)?;
//! assert_eq!(samples.inputs[2], [0.1, 4.0]);
//! assert_eq!(samples.targets, [0, 1, 1]);
//! let data = samples.dataset()?;
//! assert_eq!(data.len(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;
use std::path::{Path, PathBuf};
use std::string::{String, ToString};
use std::vec::Vec;

use crate::scalar::Float;

/// Whether the first line is a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Header {
    /// Every line is a record of numbers.
    Absent,
    /// The first line holds names (or other text) and is not a record.
    Present,
}

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
            } => write!(f, "line {line}, column {column}: `{field}` is not a number"),
            Self::NonFinite { line, column } => {
                write!(f, "line {line}, column {column}: NaN or infinite value")
            }
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

/// Input rows and their targets, owned (as read from a file); borrow them
/// as a [`Dataset`](super::Dataset) with [`Samples::dataset`].
#[derive(Clone, Debug, PartialEq)]
pub struct Samples<T, const I: usize, Y> {
    /// One row of `I` features per sample.
    pub inputs: Vec<[T; I]>,
    /// One target per sample: a class index or a target vector.
    pub targets: Vec<Y>,
}

impl<T: Float, const I: usize, Y: Copy> Samples<T, I, Y> {
    /// The samples as a data set (checked as [`Dataset::new`](super::Dataset::new) checks).
    pub fn dataset(&self) -> crate::Result<super::Dataset<'_, T, I, Y>> {
        super::Dataset::new(&self.inputs, &self.targets)
    }
}

/// A table of numbers read from CSV: an optional header, then records of
/// equal width, each remembering the line it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    header: Option<Vec<String>>,
    width: usize,
    values: Vec<f64>,
    lines: Vec<usize>,
}

/// Splits a line into trimmed fields.
fn fields(line: &str) -> impl Iterator<Item = &str> {
    line.split(',').map(str::trim)
}

impl Table {
    /// Parses CSV text.
    pub fn parse(text: &str, header: Header) -> Result<Self, CsvError> {
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(index, line)| (index + 1, line.trim_end_matches('\r')))
            .filter(|(_, line)| !line.trim().is_empty());
        let header = match header {
            Header::Absent => None,
            Header::Present => {
                let (_, line) = lines.next().ok_or(CsvError::NoRecords)?;
                Some(fields(line).map(ToString::to_string).collect())
            }
        };
        let mut table = Self {
            header,
            width: 0,
            values: Vec::new(),
            lines: Vec::new(),
        };
        for (line, text) in lines {
            let start = table.values.len();
            for (index, field) in fields(text).enumerate() {
                let column = index + 1;
                let value: f64 = field.parse().map_err(|_| CsvError::NotANumber {
                    line,
                    column,
                    field: field.to_string(),
                })?;
                if !value.is_finite() {
                    return Err(CsvError::NonFinite { line, column });
                }
                table.values.push(value);
            }
            let found = table.values.len() - start;
            if table.lines.is_empty() {
                table.width = found;
            } else if found != table.width {
                return Err(CsvError::RaggedRecord {
                    line,
                    found,
                    expected: table.width,
                });
            }
            table.lines.push(line);
        }
        if table.lines.is_empty() {
            return Err(CsvError::NoRecords);
        }
        Ok(table)
    }

    /// Reads and parses a CSV file.
    pub fn read(path: impl AsRef<Path>, header: Header) -> Result<Self, CsvError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| CsvError::Io {
            path: path.to_path_buf(),
            kind: e.kind(),
            message: e.to_string(),
        })?;
        Self::parse(&text, header)
    }

    /// The header's fields, if the table has a header.
    #[must_use]
    pub fn header(&self) -> Option<&[String]> {
        self.header.as_deref()
    }

    /// Number of records.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Always `false`: a table has at least one record.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Fields per record.
    #[must_use]
    pub const fn width(&self) -> usize {
        self.width
    }

    /// The records in order, each a slice of `width()` numbers.
    pub fn records(&self) -> impl Iterator<Item = &[f64]> {
        self.values.chunks_exact(self.width.max(1))
    }

    /// The 1-based line each record came from.
    #[must_use]
    pub fn lines(&self) -> &[usize] {
        &self.lines
    }

    fn expect_width(&self, expected: usize) -> Result<(), CsvError> {
        if self.width == expected {
            Ok(())
        } else {
            Err(CsvError::Width {
                expected,
                found: self.width,
            })
        }
    }

    /// Records laid out as `I` features then one class label in
    /// `0..classes` (as the Iris and digits files are): the feature rows
    /// converted to `T`, and the labels.
    pub fn features_and_classes<T: Float, const I: usize>(
        &self,
        classes: usize,
    ) -> Result<Samples<T, I, usize>, CsvError> {
        self.expect_width(I + 1)?;
        let mut inputs = Vec::with_capacity(self.len());
        let mut labels = Vec::with_capacity(self.len());
        for (record, &line) in self.records().zip(&self.lines) {
            inputs.push(core::array::from_fn(|k| T::of_f64(record[k])));
            let value = record[I];
            let is_class = value >= 0.0 && value < classes as f64 && value.fract() == 0.0;
            if !is_class {
                return Err(CsvError::NotAClass {
                    line,
                    value,
                    classes,
                });
            }
            labels.push(value as usize);
        }
        Ok(Samples {
            inputs,
            targets: labels,
        })
    }

    /// Records laid out as `I` inputs then `O` targets (regression data).
    pub fn features_and_targets<T: Float, const I: usize, const O: usize>(
        &self,
    ) -> Result<Samples<T, I, [T; O]>, CsvError> {
        self.expect_width(I + O)?;
        let (inputs, targets) = self
            .records()
            .map(|r| {
                let input = core::array::from_fn(|k| T::of_f64(r[k]));
                let target = core::array::from_fn(|k| T::of_f64(r[I + k]));
                (input, target)
            })
            .unzip();
        Ok(Samples { inputs, targets })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    #[test]
    fn parses_records_with_header_blank_lines_and_crlf() {
        let text = "2, 1, a ,b\r\n\r\n 1.5 ,2,0\r\n-3e2,0.25,1\r\n\n";
        let table = Table::parse(text, Header::Present).unwrap();
        assert_eq!(table.header().unwrap(), ["2", "1", "a", "b"]);
        assert_eq!((table.len(), table.width()), (2, 3));
        assert_eq!(table.lines(), [3, 4]);
        let records: Vec<&[f64]> = table.records().collect();
        assert_eq!(
            records,
            vec![&[1.5, 2.0, 0.0][..], &[-300.0, 0.25, 1.0][..]]
        );
        let samples = table.features_and_targets::<f64, 1, 2>().unwrap();
        assert_eq!(samples.inputs, [[1.5], [-300.0]]);
        assert_eq!(samples.targets, [[2.0, 0.0], [0.25, 1.0]]);
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let bad_field = Table::parse("1,2\n3,x4\n", Header::Absent).unwrap_err();
        assert_eq!(
            bad_field,
            CsvError::NotANumber {
                line: 2,
                column: 2,
                field: "x4".into()
            }
        );
        assert_eq!(
            bad_field.to_string(),
            "line 2, column 2: `x4` is not a number"
        );
        assert_eq!(
            Table::parse("h\n1,2\n\n1,2,3\n", Header::Present).unwrap_err(),
            CsvError::RaggedRecord {
                line: 4,
                found: 3,
                expected: 2
            }
        );
        assert_eq!(
            Table::parse("1,inf\n", Header::Absent).unwrap_err(),
            CsvError::NonFinite { line: 1, column: 2 }
        );
        assert_eq!(
            Table::parse("1,,2\n", Header::Absent).unwrap_err(),
            CsvError::NotANumber {
                line: 1,
                column: 2,
                field: String::new()
            }
        );
        assert_eq!(
            Table::parse("only a header\n", Header::Present).unwrap_err(),
            CsvError::NoRecords
        );
        assert_eq!(
            Table::parse("", Header::Absent).unwrap_err(),
            CsvError::NoRecords
        );
    }

    #[test]
    fn class_labels_are_checked() {
        let table = Table::parse("0.5,0\n0.7,2\n0.1,1.5\n", Header::Absent).unwrap();
        assert_eq!(
            table.features_and_classes::<f32, 1>(3).unwrap_err(),
            CsvError::NotAClass {
                line: 3,
                value: 1.5,
                classes: 3
            }
        );
        assert_eq!(
            table.features_and_classes::<f32, 1>(2).unwrap_err(),
            CsvError::NotAClass {
                line: 2,
                value: 2.0,
                classes: 2
            }
        );
        assert_eq!(
            table.features_and_classes::<f32, 2>(3).unwrap_err(),
            CsvError::Width {
                expected: 3,
                found: 2
            }
        );
        let table = Table::parse("0.5,0\n-1,-1\n", Header::Absent).unwrap();
        assert!(matches!(
            table.features_and_classes::<f64, 1>(2),
            Err(CsvError::NotAClass { line: 2, .. })
        ));
    }

    #[test]
    fn missing_file_is_an_io_error() {
        let err = Table::read("no/such/file.csv", Header::Absent).unwrap_err();
        assert!(
            matches!(&err, CsvError::Io { kind, .. } if *kind == std::io::ErrorKind::NotFound),
            "{err}"
        );
        assert!(err.to_string().starts_with("cannot read no/such/file.csv"));
    }
}
