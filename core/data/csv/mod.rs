//! A reader for CSV files of numbers, such as the Iris and digits data sets
//! shipped in `data/` (`std` only: it reads files and returns vectors).
//!
//! The format is the plain subset of RFC 4180 that numeric data sets use:
//! one record per line, fields separated by commas, no quoting. Lines end
//! with `\n`, `\r\n` or a lone `\r`; a UTF-8 byte order mark at the start
//! is skipped; spaces around a field are ignored, and so are blank lines.
//! An optional first line is a header whose fields are kept as text: column
//! names, one per field ([`Header::Present`], its field count must match the
//! records'), or free-form metadata such as scikit-learn's
//! `n_samples,n_features,class names...` ([`Header::Metadata`]). Every
//! other field must parse as a finite number (Rust's `f64` syntax: `5.1`,
//! `-2`, `1e-3`), and all records must have the same number of fields. A
//! value that is finite in `f64` but not in the scalar the samples are
//! converted to (`1e300` for `f32`) is an error too. Every error names the
//! 1-based line (and column) at fault; text quoted in a message has its
//! control characters escaped.
//!
//! ```
//! use constnet::data::csv::{Header, Table};
//! let text = "3,2,no,yes\n0.5,1.5,0\n2.0,-1.0,1\n1e-1,4,1\n";
//! let table = Table::parse(text, Header::Metadata)?;
//! assert_eq!(table.header().unwrap()[2], "no");
//! let samples = table.features_and_classes::<f32, 2>(2)?;
//! assert_eq!(samples.inputs[2], [0.1, 4.0]);
//! assert_eq!(samples.targets, [0, 1, 1]);
//! let data = samples.dataset()?;
//! assert_eq!(data.len(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;
use std::string::{String, ToString};
use std::vec::Vec;

use crate::scalar::Float;

/// Whether the first line is a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Header {
    /// Every line is a record of numbers.
    Absent,
    /// The first line holds the column names, one per field: it must have
    /// as many fields as every record.
    Present,
    /// The first line is text of any shape, kept but not checked (for
    /// example scikit-learn's `150,4,setosa,versicolor,virginica`).
    Metadata,
}

pub use crate::error::CsvError;

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
    pub fn dataset(&self) -> crate::error::Result<super::Dataset<'_, T, I, Y>> {
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

/// The lines of `text` with their 1-based numbers, ending at `\n`, `\r\n`
/// or a lone `\r`.
fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = Some(text);
    let mut number = 0;
    core::iter::from_fn(move || {
        let current = rest?;
        number += 1;
        match current.find(['\n', '\r']) {
            None => {
                rest = None;
                // A text that ends with a line break has no line after it.
                (!current.is_empty()).then_some((number, current))
            }
            Some(end) => {
                let after = if current[end..].starts_with("\r\n") {
                    end + 2
                } else {
                    end + 1
                };
                rest = Some(&current[after..]);
                Some((number, &current[..end]))
            }
        }
    })
}

/// `value` in the scalar `T`, or the error naming where it was read.
fn convert<T: Float>(value: f64, line: usize, column: usize) -> Result<T, CsvError> {
    let converted = T::of_f64(value);
    if converted.finite() {
        Ok(converted)
    } else {
        Err(CsvError::OutOfRange {
            line,
            column,
            value,
            scalar: T::NAME,
        })
    }
}

impl Table {
    /// Parses CSV text.
    pub fn parse(text: &str, header: Header) -> Result<Self, CsvError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = numbered_lines(text).filter(|(_, line)| !line.trim().is_empty());
        let header_fields: Option<Vec<String>> = match header {
            Header::Absent => None,
            Header::Present | Header::Metadata => {
                let (_, line) = lines.next().ok_or(CsvError::NoRecords)?;
                Some(fields(line).map(ToString::to_string).collect())
            }
        };
        let named_columns =
            (header == Header::Present).then(|| header_fields.as_ref().map_or(0, Vec::len));
        let header = header_fields;
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
        if let Some(found) = named_columns.filter(|&found| found != table.width) {
            return Err(CsvError::HeaderWidth {
                found,
                expected: table.width,
            });
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
            let mut row = [T::zero(); I];
            for (k, slot) in row.iter_mut().enumerate() {
                *slot = convert(record[k], line, k + 1)?;
            }
            inputs.push(row);
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
        let mut inputs = Vec::with_capacity(self.len());
        let mut targets = Vec::with_capacity(self.len());
        for (record, &line) in self.records().zip(&self.lines) {
            let mut input = [T::zero(); I];
            for (k, slot) in input.iter_mut().enumerate() {
                *slot = convert(record[k], line, k + 1)?;
            }
            let mut target = [T::zero(); O];
            for (k, slot) in target.iter_mut().enumerate() {
                *slot = convert(record[I + k], line, I + k + 1)?;
            }
            inputs.push(input);
            targets.push(target);
        }
        Ok(Samples { inputs, targets })
    }
}

#[cfg(test)]
mod tests;
