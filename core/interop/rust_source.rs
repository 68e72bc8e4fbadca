//! A trained network as Rust source, for weights in flash.
//!
//! [`rust_source`] writes a network's parameters, buffers and counts of
//! tracked batches (one per batch-norm layer) as one `static` item that
//! rebuilds it bit for bit with the network's `const fn from_parts`:
//!
//! ```text
//! /// A trained `Sine<f32>`: 321 parameters, 0 buffer values and 0 counts of ...
//! #[rustfmt::skip]
//! pub static MODEL: Sine<f32> = Sine::<f32>::from_parts(
//!     [
//!         // fc1.weight [16, 1]
//!         f32::from_bits(0xbf0f_6a7c), // [0, 0] -0.5602186
//!         ...
//!     ],
//!     [],
//!     [],
//! );
//! ```
//!
//! Every value is written as its IEEE bit pattern (`f32::from_bits`, a
//! `const fn`), so the firmware that `include!`s the file gets exactly the
//! trained numbers (signed zeros, subnormals and NaN payloads included),
//! independent of how a decimal literal would round; the comment beside
//! each value gives its tensor index and shortest decimal form for a reader.
//! The firmware links the network's inference code only: nothing in the
//! item refers to training.

use core::fmt::Write as _;
use std::string::String;

use crate::network::{LayerInfo, Network, ParamTensor};
use crate::scalar::Float;

/// How the written item is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RustSource<'a> {
    /// The network's type as the including code names it: a path of
    /// identifiers (`Sine`, `crate::models::Sine`).
    pub type_path: &'a str,
    /// The name of the `static`. Default: `"MODEL"`.
    pub item_name: &'a str,
    /// Its visibility: `""`, `"pub"`, `"pub(crate)"` or `"pub(super)"`.
    /// Default: `"pub"`.
    pub visibility: &'a str,
}

impl<'a> RustSource<'a> {
    /// `pub static MODEL: {type_path}<T> = ...`.
    #[must_use]
    pub const fn new(type_path: &'a str) -> Self {
        Self {
            type_path,
            item_name: "MODEL",
            visibility: "pub",
        }
    }
}

pub use crate::error::RustSourceError;

/// The Rust source of a `static` that rebuilds `net` bit for bit (see the
/// [module documentation](self)).
///
/// # Errors
///
/// [`RustSourceError`] when a name in `naming` cannot appear in Rust source.
pub fn rust_source<T, N, const I: usize, const O: usize, const P: usize>(
    net: &N,
    naming: &RustSource<'_>,
) -> Result<String, RustSourceError>
where
    T: Float,
    N: Network<T, I, O, P>,
{
    check_naming(naming)?;
    let RustSource {
        type_path,
        item_name,
        visibility,
    } = *naming;
    let scalar = T::NAME;
    let space = if visibility.is_empty() { "" } else { " " };
    let mut source = String::new();
    let buffers = net.buffers();
    let counts = net.batches_tracked().len();
    let plural = if counts == 1 { "" } else { "s" };
    // Writing to a String cannot fail: the `fmt::Result`s are infallible.
    let _ = writeln!(
        source,
        "/// A trained `{type_path}<{scalar}>`: {P} parameters, {} buffer values and {counts} \
         count{plural} of\n\
         /// tracked batches, every value as its exact IEEE bit pattern.\n\
         /// Written by constnet's `interop::rust_source`; regenerate it, do not edit it.\n\
         #[rustfmt::skip]\n\
         {visibility}{space}static {item_name}: {type_path}<{scalar}> = {type_path}::<{scalar}>::from_parts(",
        buffers.len()
    );
    write_array(&mut source, N::parameter_tensors(), net.parameters());
    write_array(&mut source, N::buffer_tensors(), buffers);
    write_counts(&mut source, N::LAYERS, net.batches_tracked());
    source.push_str(");\n");
    Ok(source)
}

/// Writes [`rust_source`] to a file.
///
/// # Errors
///
/// The naming error, or the I/O error of writing the file (as
/// [`std::io::Error`]).
pub fn write_rust_source<T, N, const I: usize, const O: usize, const P: usize>(
    path: impl AsRef<std::path::Path>,
    net: &N,
    naming: &RustSource<'_>,
) -> std::io::Result<()>
where
    T: Float,
    N: Network<T, I, O, P>,
{
    let source = rust_source(net, naming).map_err(std::io::Error::other)?;
    std::fs::write(path, source)
}

/// One `[ ... ],` array: a comment naming each tensor, then one value per
/// line with its index and decimal value.
fn write_array<T: Float>(
    source: &mut String,
    tensors: impl Iterator<Item = ParamTensor>,
    values: &[T],
) {
    let mut tensors = tensors.peekable();
    if tensors.peek().is_none() {
        source.push_str("    [],\n");
        return;
    }
    source.push_str("    [\n");
    for tensor in tensors {
        let shape = tensor.shape;
        if shape.is_vector {
            let _ = writeln!(source, "        // {tensor} [{}]", shape.rows);
        } else {
            let _ = writeln!(
                source,
                "        // {tensor} [{}, {}]",
                shape.rows, shape.cols
            );
        }
        for (k, value) in values[tensor.range()].iter().enumerate() {
            let _ = write!(source, "        {}::from_bits(", T::NAME);
            write_hex(
                source,
                value.to_bit_pattern(),
                2 * core::mem::size_of::<T>(),
            );
            if shape.is_vector {
                let _ = writeln!(source, "), // [{k}] {value:?}");
            } else {
                let (row, col) = (k / shape.cols, k % shape.cols);
                let _ = writeln!(source, "), // [{row}, {col}] {value:?}");
            }
        }
    }
    source.push_str("    ],\n");
}

/// The counts of tracked batches, `[ ... ],`: one per line, named by its
/// layer's PyTorch tensor (`[],` for a network without batch norm).
fn write_counts(source: &mut String, layers: &[LayerInfo], counts: &[u64]) {
    if counts.is_empty() {
        source.push_str("    [],\n");
        return;
    }
    source.push_str("    [\n");
    for (k, count) in counts.iter().enumerate() {
        let layer = layers.iter().find(|l| l.counter == Some(k));
        let _ = write!(source, "        {count},");
        if let Some(layer) = layer {
            let _ = write!(source, " // {}.num_batches_tracked", layer.name);
        }
        source.push('\n');
    }
    source.push_str("    ],\n");
}

/// `0x3f80_0000`: `digits` hex digits in groups of four (clippy's
/// `unreadable_literal` asks for the separators).
fn write_hex(source: &mut String, bits: u64, digits: usize) {
    source.push_str("0x");
    for group in (0..digits / 4).rev() {
        let _ = write!(source, "{:04x}", (bits >> (16 * group)) & 0xffff);
        if group > 0 {
            source.push('_');
        }
    }
}

pub(crate) fn check_naming(naming: &RustSource<'_>) -> Result<(), RustSourceError> {
    let path = naming.type_path;
    let segments = path.strip_prefix("::").unwrap_or(path);
    if !segments.split("::").all(is_identifier) {
        return Err(RustSourceError::InvalidTypePath(path.into()));
    }
    if !is_identifier(naming.item_name) {
        return Err(RustSourceError::InvalidItemName(naming.item_name.into()));
    }
    if !matches!(naming.visibility, "" | "pub" | "pub(crate)" | "pub(super)") {
        return Err(RustSourceError::InvalidVisibility(naming.visibility.into()));
    }
    Ok(())
}

/// An ASCII Rust identifier: a letter or `_` then letters, digits or `_`,
/// not `_` alone.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}
