//! The compile-time checks of a declaration, and the one piece of glue
//! between its layers: what the code `network!` generates calls through
//! `__private`, not a public API.
//!
//! Widths, parameter counts and offsets are `const` items of the generated
//! network, computed by the compiler from each layer's [`LayerConfig`] and
//! [`LayerShape`] constants. The functions here write the message of a
//! failed check (naming the layers, both widths and the fix); the generated
//! `const` items panic with it, spanned on the layer in the user's code, so
//! a declaration whose widths do not chain fails to compile there. `const`
//! evaluation cannot format numbers, so [`Message`] writes them itself.
//!
//! [`LayerConfig`]: crate::layer::LayerConfig
//! [`LayerShape`]: crate::layer::LayerShape

// A message is built by value through `const fn`s (a `const` cannot hold a
// `&mut` for long), and only at compile time, so its size does not matter.
#![allow(clippy::large_types_passed_by_value)]

use core::any::Any;

use nalgebra::SMatrix;

use crate::info::InputFrom;

/// Capacity of a [`Message`]; a longer message ends in `...`.
const CAPACITY: usize = 640;

/// A message assembled in `const` evaluation.
#[derive(Clone, Copy, Debug)]
pub struct Message {
    bytes: [u8; CAPACITY],
    len: usize,
}

impl Message {
    /// An empty message.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            bytes: [0; CAPACITY],
            len: 0,
        }
    }

    /// The message followed by `text`.
    #[must_use]
    pub const fn text(mut self, text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() && self.len < CAPACITY - 3 {
            self.bytes[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
        if i < bytes.len() {
            self.bytes[self.len] = b'.';
            self.bytes[self.len + 1] = b'.';
            self.bytes[self.len + 2] = b'.';
            self.len = CAPACITY;
        }
        self
    }

    /// The message followed by `value` in decimal.
    #[must_use]
    pub const fn number(self, value: usize) -> Self {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut rest = value;
        loop {
            start -= 1;
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        let (_, used) = digits.split_at(start);
        match core::str::from_utf8(used) {
            Ok(text) => self.text(text),
            Err(_) => self,
        }
    }

    /// The message so far.
    #[must_use]
    pub const fn as_str(&self) -> &str {
        let (used, _) = self.bytes.split_at(self.len);
        match core::str::from_utf8(used) {
            Ok(text) => text,
            // Only whole `&str`s are copied in, except where a long message
            // is cut: then the cut may split a character.
            Err(error) => {
                let (valid, _) = used.split_at(error.valid_up_to());
                match core::str::from_utf8(valid) {
                    Ok(text) => text,
                    Err(_) => "",
                }
            }
        }
    }
}

impl Default for Message {
    fn default() -> Self {
        Self::new()
    }
}

/// A layer of a declaration, as messages describe it: its name, its kind as
/// written (`Dense<2, HIDDEN>`), and whether it passes on the width it
/// receives (so a message can name the layer the width comes from).
#[derive(Clone, Copy, Debug)]
pub struct Described<'a> {
    /// The layer's name.
    pub name: &'a str,
    /// Its kind as written.
    pub shown: &'a str,
    /// `true` when it requires no input width and keeps the one it gets.
    pub passes: bool,
}

/// The sizes of a layer as written, for the fix a message suggests:
/// `Dense` with sizes `["16", "1"]` can be told to write `Dense<8, 1>`.
#[derive(Clone, Copy, Debug)]
pub struct Written<'a> {
    /// The kind as written, without sizes: `Dense`, `my_layers::Scaled`.
    pub kind: &'a str,
    /// Each size as written.
    pub sizes: &'a [&'a str],
    /// The names of the sizes (`IN`, `OUT`), when the kind is built in.
    pub names: &'a [&'a str],
    /// The value of each size, when the kind is built in (empty otherwise).
    pub values: &'a [usize],
    /// The arguments as written, with their parentheses, or "".
    pub args: &'a str,
}

/// The message when `layer` (index `index`) requires an input width other
/// than the `incoming` one, or, as the first layer, does not fix the input
/// width; `before` are the layers before it, in order, and `first_fixes`
/// tells whether the first layer fixes the input width (when it does not,
/// only it is reported). The generated code panics with the message, at
/// compile time, spanned on the layer.
#[must_use]
pub const fn input_mismatch(
    index: usize,
    before: &[Described<'_>],
    layer: &Described<'_>,
    written: &Written<'_>,
    requires: Option<usize>,
    input_from: InputFrom,
    incoming: usize,
    first_fixes: bool,
) -> Option<Message> {
    let Some(expects) = requires else {
        if index == 0 {
            return Some(
                Message::new()
                    .text("layer `")
                    .text(layer.name)
                    .text("` (")
                    .text(layer.shown)
                    .text(") cannot be the first layer: its width follows the layer before it; start with a layer that fixes the input width, such as `Dense<IN, OUT>`"),
            );
        }
        return None;
    };
    if index == 0 || expects == incoming || !first_fixes {
        return None;
    }
    let message = Message::new()
        .text("layer `")
        .text(layer.name)
        .text("` expects ")
        .number(expects)
        .text(" inputs");
    let message = explain_product(message, written, input_from);
    let message = describe_source(message.text(", but "), before, incoming);
    Some(suggest(message, written, input_from, incoming))
}

/// "(IN x STEPS = 2 x 4)" after the expected width, for a product of sizes.
const fn explain_product(message: Message, written: &Written<'_>, from: InputFrom) -> Message {
    let InputFrom::Product(a, b) = from else {
        return message;
    };
    if a >= written.names.len() || b >= written.names.len() || b >= written.sizes.len() {
        return message;
    }
    message
        .text(" (")
        .text(written.names[a])
        .text(" x ")
        .text(written.names[b])
        .text(" = ")
        .text(written.sizes[a])
        .text(" x ")
        .text(written.sizes[b])
        .text(")")
}

/// "the previous layer `hidden` (Dense<2, 8>) outputs 8", or "the previous
/// layer `act` (Tanh) passes on the 8 outputs of `hidden` (Dense<2, 8>)".
const fn describe_source(message: Message, before: &[Described<'_>], width: usize) -> Message {
    let Some((last, _)) = before.split_last() else {
        return message.text("the network's input has ").number(width);
    };
    let message = message
        .text("the previous layer `")
        .text(last.name)
        .text("` (")
        .text(last.shown)
        .text(")");
    let mut source = before.len() - 1;
    while source > 0 && before[source].passes {
        source -= 1;
    }
    if source == before.len() - 1 {
        return message.text(" outputs ").number(width);
    }
    message
        .text(" passes on the ")
        .number(width)
        .text(" outputs of `")
        .text(before[source].name)
        .text("` (")
        .text(before[source].shown)
        .text(")")
}

/// "; write `Dense<8, 1>`", when the kind says which size is its input.
const fn suggest(
    message: Message,
    written: &Written<'_>,
    from: InputFrom,
    width: usize,
) -> Message {
    let (replaced, value) = match from {
        InputFrom::Unknown => return message.text("; they must be equal"),
        InputFrom::Size(k) => (k, width),
        InputFrom::Product(a, b) => {
            if b >= written.values.len() || written.values[b] == 0 {
                return message.text("; they must be equal");
            }
            let steps = written.values[b];
            if !width.is_multiple_of(steps) {
                return message
                    .text(", which is not a multiple of ")
                    .text(written.names[b])
                    .text(" = ")
                    .number(steps);
            }
            (a, width / steps)
        }
    };
    if replaced >= written.sizes.len() {
        return message.text("; they must be equal");
    }
    let mut message = message.text("; write `").text(written.kind).text("<");
    let mut k = 0;
    while k < written.sizes.len() {
        if k > 0 {
            message = message.text(", ");
        }
        message = if k == replaced {
            message.number(value)
        } else {
            message.text(written.sizes[k])
        };
        k += 1;
    }
    message.text(">").text(written.args).text("`")
}

/// The message when a layer's parameter or buffer count differs from the
/// total length of its tensors (a `LayerShape` that overrides `PARAMS` or
/// `BUFFERS`).
#[must_use]
pub const fn count_mismatch(
    layer: &str,
    counts: [usize; 2],
    tensors: [usize; 2],
) -> Option<Message> {
    if counts[0] == tensors[0] && counts[1] == tensors[1] {
        return None;
    }
    let message = Message::new()
        .text("layer `")
        .text(layer)
        .text("`: its `LayerShape` counts ")
        .number(counts[0])
        .text(" parameters and ")
        .number(counts[1])
        .text(" buffer values, but its tensors hold ")
        .number(tensors[0])
        .text(" and ")
        .number(tensors[1])
        .text("; do not override `PARAMS` or `BUFFERS`");
    Some(message)
}

/// The message when a training step of `batch` samples is smaller than
/// `layer` needs (batch normalization: 2).
#[must_use]
pub const fn batch_too_small(
    network: &str,
    layer: &Described<'_>,
    needs: usize,
    batch: usize,
) -> Option<Message> {
    if batch >= needs {
        return None;
    }
    let message = Message::new()
        .text("network `")
        .text(network)
        .text("`: layer `")
        .text(layer.name)
        .text("` (")
        .text(layer.shown)
        .text(") needs a training batch of at least ")
        .number(needs)
        .text(" samples, but this training step has B = ")
        .number(batch)
        .text("; train with B >= ")
        .number(needs)
        .text(" (inference with `forward` takes any B)");
    Some(message)
}

/// Layer `k`'s output as layer `k + 1`'s input: the same matrix. The
/// declaration's `const` checks make the two widths equal; when they
/// differ, compilation has already failed there, and this keeps the wiring
/// from adding type errors to that message. After monomorphization the
/// type test is a constant and the call is free.
#[inline]
#[must_use]
pub fn wire<T: 'static, const A: usize, const C: usize, const B: usize>(
    m: &SMatrix<T, A, B>,
) -> &SMatrix<T, C, B> {
    const { assert!(A == C, "constnet: layers wired with different widths") };
    match (m as &dyn Any).downcast_ref() {
        Some(same) => same,
        None => unreachable!(),
    }
}

/// [`wire`] for a matrix a layer writes (`dL/dx` into the layer before it).
#[inline]
#[must_use]
pub fn wire_mut<T: 'static, const A: usize, const C: usize, const B: usize>(
    m: &mut SMatrix<T, A, B>,
) -> &mut SMatrix<T, C, B> {
    const { assert!(A == C, "constnet: layers wired with different widths") };
    match (m as &mut dyn Any).downcast_mut() {
        Some(same) => same,
        None => unreachable!(),
    }
}
