//! An int8 network as Rust source (`std`): a `static` of integer arrays
//! that a firmware `include!`s, so the weights and tables stay in flash
//! and the firmware links the integer kernels only.
//!
//! [`int8_rust_source`] writes
//!
//! ```text
//! #[rustfmt::skip]
//! pub type Model = Then<Int8Dense<1, 16>, ...>;
//! pub static MODEL: Model = Then { first: Int8Dense { weights: ..., }, ... };
//! pub const INPUT: ActivationParams = ActivationParams::fixed(f32::from_bits(...), -128);
//! pub const OUTPUT: ActivationParams = ...;
//! ```
//!
//! with every path absolute (`::constnet::quant::...`), so it needs no `use`.
//! `INPUT` and `OUTPUT` are for the host side (quantizing a real input,
//! reading a real output); inference never touches them.

use std::fmt::Write;
use std::format;
use std::string::String;

use super::chain::Then;
use super::layers::{Int8Clamp, Int8Dense, Int8Identity, Int8Softmax, Int8Table, TableFunction};
use super::params::ActivationParams;
use super::quantize::Quantized;

/// An int8 layer (or chain) that can write itself as Rust source.
pub trait Int8Source {
    /// Its type.
    fn rust_type() -> String;
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
    fn rust_type() -> String {
        format!("{PATH}::Int8Dense<{I}, {O}>")
    }

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
    fn rust_type() -> String {
        format!("{PATH}::Int8Clamp<{N}>")
    }

    fn rust_value(&self, out: &mut String) {
        let _ = write!(
            out,
            "{PATH}::Int8Clamp {{ min: {}, max: {} }}",
            self.min, self.max
        );
    }
}

impl<const N: usize> Int8Source for Int8Identity<N> {
    fn rust_type() -> String {
        format!("{PATH}::Int8Identity<{N}>")
    }

    fn rust_value(&self, out: &mut String) {
        let _ = write!(out, "{PATH}::Int8Identity");
    }
}

impl<const N: usize> Int8Source for Int8Table<N> {
    fn rust_type() -> String {
        format!("{PATH}::Int8Table<{N}>")
    }

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
    fn rust_type() -> String {
        format!("{PATH}::Int8Softmax<{N}>")
    }

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
    fn rust_type() -> String {
        format!("{PATH}::Then<{}, {}, {M}>", A::rust_type(), B::rust_type())
    }

    fn rust_value(&self, out: &mut String) {
        let _ = write!(out, "{PATH}::Then {{\nfirst: ");
        self.first.rust_value(out);
        out.push_str(",\nrest: ");
        self.rest.rust_value(out);
        out.push_str(",\n}");
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

/// `quantized` as Rust source: `pub type Model`, `pub static MODEL`, `pub const INPUT` and
/// `pub const OUTPUT` (see the [module documentation](self)), with
/// `description` as the doc comment of `MODEL`.
#[must_use]
pub fn int8_rust_source<Q: Int8Source>(description: &str, quantized: &Quantized<Q>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// The int8 network's type: its layers, nested `Then<first, rest, width>`.\n#[allow(clippy::type_complexity)]\npub type Model = {};\n",
        Q::rust_type()
    );
    for line in description.lines() {
        let _ = writeln!(out, "/// {line}");
    }
    out.push_str(
        "/// Written by constnet's `quant::source`; regenerate it, do not edit it.\n#[rustfmt::skip]\n#[allow(clippy::unreadable_literal)]\n",
    );
    let _ = write!(out, "pub static MODEL: Model = ");
    quantized.network.rust_value(&mut out);
    out.push_str(";\n\n/// The input's quantization: `real = scale * (q - zero_point)`.\n");
    let _ = writeln!(
        out,
        "#[rustfmt::skip]\n#[allow(clippy::unreadable_literal)]\npub const INPUT: {PATH}::ActivationParams = {};",
        params_source(quantized.input())
    );
    out.push_str("\n/// The output's quantization.\n");
    let _ = writeln!(
        out,
        "#[rustfmt::skip]\n#[allow(clippy::unreadable_literal)]\npub const OUTPUT: {PATH}::ActivationParams = {};",
        params_source(quantized.output())
    );
    out
}
