//! An int8 network as Rust source (`std`): a `static` of integer arrays
//! that a firmware `include!`s, so the weights and tables stay in flash
//! and the firmware links the integer kernels only.
//!
//! [`int8_rust_source`] writes, for the int8 type `SineQ8` that the
//! declaration of `Sine` generated,
//!
//! ```text
//! #[rustfmt::skip]
//! pub static MODEL: SineQ8 = SineQ8::from_parts(
//! ::constnet::quant::Then {
//! first: ::constnet::quant::Int8Dense { weights: ..., },
//! ...
//! },
//! ::constnet::quant::ActivationParams::fixed(f32::from_bits(...), -128), // input
//! ::constnet::quant::ActivationParams::fixed(f32::from_bits(...), 3),    // output
//! );
//! ```
//!
//! with every path absolute (`::constnet::quant::...`), so it needs no `use`
//! beyond the type. The layers' types come from the declaration: a file
//! that no longer matches it fails to compile. Scales are written as their
//! bit patterns (exact).

use std::fmt::Write;
use std::format;
use std::string::String;

use super::chain::Then;
use super::conv::{Int8Conv1d, Int8Conv2d};
use super::layers::{Int8Clamp, Int8Dense, Int8Identity, Int8Softmax, Int8Table, TableFunction};
use super::network::Int8Network;
use super::params::ActivationParams;
use super::pool::{Int8AvgPool, Int8MaxPool, PoolWindow};
use crate::interop::rust_source::{RustSource, RustSourceError, check_naming};
use crate::layer::LayerConfig;

/// An int8 layer (or chain) that can write itself as Rust source.
pub trait Int8Source {
    /// Its value, a struct expression.
    fn rust_value(&self, out: &mut String);
}

const PATH: &str = "::constnet::quant";

/// `[a, b, c]`.
fn list<T: core::fmt::Display>(out: &mut String, values: &[T]) {
    out.push('[');
    for (k, v) in values.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{v}");
    }
    out.push(']');
}

impl<const I: usize, const O: usize> Int8Source for Int8Dense<I, O> {
    fn rust_value(&self, out: &mut String) {
        let _ = write!(out, "{PATH}::Int8Dense {{\n    weights: [\n");
        for row in &self.weights {
            out.push_str("        ");
            list(out, row);
            out.push_str(",\n");
        }
        out.push_str("    ],\n    bias: ");
        list(out, &self.bias);
        out.push_str(",\n    multipliers: ");
        list(out, &self.multipliers);
        out.push_str(",\n    shifts: ");
        list(out, &self.shifts);
        let _ = write!(
            out,
            ",\n    input_zero_point: {},\n    output_zero_point: {},\n}}",
            self.input_zero_point, self.output_zero_point
        );
    }
}

impl<const N: usize> Int8Source for Int8Clamp<N> {
    fn rust_value(&self, out: &mut String) {
        let _ = write!(
            out,
            "{PATH}::Int8Clamp {{ min: {}, max: {} }}",
            self.min, self.max
        );
    }
}

impl<const N: usize> Int8Source for Int8Identity<N> {
    fn rust_value(&self, out: &mut String) {
        let _ = write!(out, "{PATH}::Int8Identity");
    }
}

impl<const N: usize> Int8Source for Int8Table<N> {
    fn rust_value(&self, out: &mut String) {
        let function = match self.function {
            TableFunction::Logistic => "Logistic",
            TableFunction::Tanh => "Tanh",
        };
        let _ = write!(
            out,
            "{PATH}::Int8Table {{\n    function: {PATH}::TableFunction::{function},\n    table: "
        );
        list(out, &self.table);
        out.push_str(",\n}");
    }
}

impl<const N: usize> Int8Source for Int8Softmax<N> {
    fn rust_value(&self, out: &mut String) {
        let p = self.params;
        let _ = write!(
            out,
            "{PATH}::Int8Softmax {{ params: {PATH}::SoftmaxParams {{ multiplier: {}, left_shift: {}, diff_min: {} }} }}",
            p.multiplier, p.left_shift, p.diff_min
        );
    }
}

impl<A: Int8Source, B: Int8Source, const M: usize> Int8Source for Then<A, B, M> {
    fn rust_value(&self, out: &mut String) {
        let _ = write!(out, "{PATH}::Then {{\nfirst: ");
        self.first.rust_value(out);
        out.push_str(",\nrest: ");
        self.rest.rust_value(out);
        out.push_str(",\n}");
    }
}

/// The fields every int8 convolution writes, its nested weight arrays in
/// `Debug` form (a Rust array literal).
fn conv_source(
    out: &mut String,
    kind: &str,
    weights: &dyn core::fmt::Debug,
    per_channel: (&[i32], &[i32], &[i8]),
    zero_points: (i8, i8),
) {
    let _ = write!(
        out,
        "{PATH}::{kind} {{\n    weights: {weights:?},\n    bias: "
    );
    list(out, per_channel.0);
    out.push_str(",\n    multipliers: ");
    list(out, per_channel.1);
    out.push_str(",\n    shifts: ");
    list(out, per_channel.2);
    let _ = write!(
        out,
        ",\n    input_zero_point: {},\n    output_zero_point: {},\n}}",
        zero_points.0, zero_points.1
    );
}

macro_rules! conv_source {
    ($name:ident, [$($g:ident),*]) => {
        impl<$(const $g: usize),*> Int8Source for $name<$($g),*> {
            fn rust_value(&self, out: &mut String) {
                conv_source(
                    out,
                    stringify!($name),
                    &self.weights,
                    (&self.bias, &self.multipliers, &self.shifts),
                    (self.input_zero_point, self.output_zero_point),
                );
            }
        }
    };
}

conv_source!(
    Int8Conv1d,
    [C_IN, C_OUT, K, L, STRIDE, PADDING, DILATION, GROUPS]
);
conv_source!(
    Int8Conv2d,
    [C_IN, C_OUT, KH, KW, H, W, STRIDE, PADDING, DILATION, GROUPS]
);

impl<P: PoolWindow + LayerConfig> Int8Source for Int8MaxPool<P> {
    fn rust_value(&self, out: &mut String) {
        let _ = write!(
            out,
            // The layer's unit value; its generic arguments come from the type.
            "{PATH}::Int8MaxPool {{ pool: ::constnet::layer::{} }}",
            P::NAME
        );
    }
}

impl<P: PoolWindow + LayerConfig> Int8Source for Int8AvgPool<P> {
    fn rust_value(&self, out: &mut String) {
        let _ = write!(
            out,
            "{PATH}::Int8AvgPool {{ pool: ::constnet::layer::{}, input_zero_point: {} }}",
            P::NAME,
            self.input_zero_point
        );
    }
}

/// `ActivationParams::fixed(f32::from_bits(0x...), z)`, exact.
fn params_source(p: ActivationParams) -> String {
    format!(
        "{PATH}::ActivationParams::fixed(f32::from_bits({:#010x}), {}) /* scale {} */",
        p.scale.to_bits(),
        p.zero_point,
        p.scale
    )
}

/// `net` as the Rust source of a `static` (see the [module
/// documentation](self)), named by `naming` (`type_path` the int8 type the
/// declaration generated: `SineQ8`), with `description` as the first lines
/// of its doc comment.
///
/// # Errors
///
/// [`RustSourceError`] when a name in `naming` cannot appear in Rust source.
pub fn int8_rust_source<L: Int8Source, const I: usize, const O: usize>(
    net: &Int8Network<L, I, O>,
    naming: &RustSource<'_>,
    description: &str,
) -> Result<String, RustSourceError> {
    check_naming(naming)?;
    let RustSource {
        type_path,
        item_name,
        visibility,
    } = *naming;
    let space = if visibility.is_empty() { "" } else { " " };
    let mut out = String::new();
    for line in description.lines() {
        let _ = writeln!(out, "/// {line}");
    }
    let _ = writeln!(
        out,
        "/// Written by constnet's `quant::source`; regenerate it, do not edit it.\n\
         #[rustfmt::skip]\n\
         #[allow(clippy::unreadable_literal)]\n\
         {visibility}{space}static {item_name}: {type_path} = {type_path}::from_parts("
    );
    net.layers.rust_value(&mut out);
    let _ = write!(
        out,
        ",\n// The input's quantization: `real = scale * (q - zero_point)`.\n{},\n// The output's.\n{},\n);\n",
        params_source(net.input),
        params_source(net.output)
    );
    Ok(out)
}
