//! The built-in layer kinds, one syntax row each ([`ROWS`]): the name, the
//! names of the sizes written in `<...>`, and the named arguments with
//! where each goes (a `const` builder call, or a generic argument of the
//! type). Everything else about a kind (widths, tensors, value rules) is in
//! its file in the library and reaches the generated code through the
//! compiler. The "did you mean" hints for names that are close to a kind or
//! that other frameworks use are here too.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Error, Ident};

use super::spelling::closest;

/// What a built-in kind accepts; see the module documentation.
pub struct Row {
    /// The kind's name, also the type's name in `constnet::layer`.
    pub name: &'static str,
    /// Names of the sizes, for messages; empty for width-preserving kinds.
    pub sizes: &'static [&'static str],
    /// Its named arguments; the first may also be written positionally.
    pub args: &'static [ArgRow],
}

/// One named argument of a built-in kind.
#[derive(Clone, Copy)]
pub struct ArgRow {
    pub key: &'static str,
    /// The literals it accepts, for early messages about a wrong type.
    pub value: Value,
    pub place: Place,
    /// A valid value, shown in those messages: `0.2`.
    pub example: &'static str,
}

/// The literals an argument accepts (its range is checked by the library).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// A number (or an expression the compiler evaluates).
    Number,
    /// A number, or `None`, which calls the named builder without a value.
    NumberOrNone(&'static str),
    /// `true` or `false`, written as a literal.
    Bool,
    /// A count (an integer literal, or an expression the compiler
    /// evaluates) that goes into a generic argument: a stride, a padding.
    Count,
    /// An expression the compiler evaluates (an `Init`).
    Expression,
}

/// Where an argument goes in the generated code.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A builder call on the configuration: `.key(value)`.
    Builder,
    /// The generic argument after the sizes at this position (counted
    /// from 0 after the last size). It changes the type, so its width. When
    /// not written it keeps the type's own default, which is also what the
    /// second field writes when a later generic argument is given.
    Generic(usize, Unwritten),
}

/// What an unwritten generic argument stands for when a later one is
/// written (Rust's generic arguments are positional).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Unwritten {
    /// This literal: `false`, `0`.
    Literal(&'static str),
    /// The size at this index, as written (a pooling stride defaults to
    /// the kernel size).
    Size(usize),
}

const fn generic(
    key: &'static str,
    value: Value,
    position: usize,
    unwritten: Unwritten,
    example: &'static str,
) -> ArgRow {
    ArgRow {
        key,
        value,
        place: Place::Generic(position, unwritten),
        example,
    }
}

/// `stride` (default: the kernel, size `kernel`) and `padding` (default 0):
/// the generic arguments of a pooling layer.
const fn pool_args(kernel: usize) -> [ArgRow; 2] {
    [
        generic("stride", Value::Count, 0, Unwritten::Size(kernel), "2"),
        generic("padding", Value::Count, 1, Unwritten::Literal("0"), "1"),
    ]
}

const POOL_1D: [ArgRow; 2] = pool_args(2);
const POOL_2D: [ArgRow; 2] = pool_args(3);

const fn builder(key: &'static str, value: Value, example: &'static str) -> ArgRow {
    ArgRow {
        key,
        value,
        place: Place::Builder,
        example,
    }
}

const INITS: [ArgRow; 2] = [
    builder(
        "weight_init",
        Value::Expression,
        "Init::xavier_uniform(1.0)",
    ),
    builder("bias_init", Value::Expression, "Init::Zeros"),
];

/// The arguments of a convolution: `stride`, `padding`, `dilation`,
/// `groups` and `bias` are its generic arguments after the sizes (PyTorch's
/// defaults 1, 0, 1, 1, `true`), the initializers builder calls.
const CONV: [ArgRow; 7] = [
    generic("stride", Value::Count, 0, Unwritten::Literal("1"), "2"),
    generic("padding", Value::Count, 1, Unwritten::Literal("0"), "1"),
    generic("dilation", Value::Count, 2, Unwritten::Literal("1"), "2"),
    generic("groups", Value::Count, 3, Unwritten::Literal("1"), "2"),
    generic("bias", Value::Bool, 4, Unwritten::Literal("true"), "false"),
    INITS[0],
    INITS[1],
];

/// The kinds that int8 quantization folds into the layer before them (a
/// normalization after an affine layer): the generated layer chain pairs
/// them with it as one `Folded` stage, which the library quantizes when
/// the pair has an int8 form.
pub const FOLDED_INTO_PREVIOUS: &[&str] = &["BatchNorm"];

/// The built-in kinds.
pub const ROWS: &[Row] = &[
    Row {
        name: "Dense",
        sizes: &["IN", "OUT"],
        args: &INITS,
    },
    Row {
        name: "BatchNorm",
        sizes: &["N"],
        args: &[
            builder("eps", Value::Number, "1e-5"),
            builder("momentum", Value::NumberOrNone("cumulative_average"), "0.1"),
        ],
    },
    Row {
        name: "LayerNorm",
        sizes: &["N"],
        args: &[
            builder("eps", Value::Number, "1e-5"),
            generic(
                "elementwise_affine",
                Value::Bool,
                0,
                Unwritten::Literal("true"),
                "false",
            ),
        ],
    },
    Row {
        name: "Rnn",
        sizes: &["IN", "HIDDEN", "STEPS"],
        args: &[
            generic(
                "sequence",
                Value::Bool,
                0,
                Unwritten::Literal("false"),
                "true",
            ),
            INITS[0],
            INITS[1],
        ],
    },
    Row {
        name: "Dropout",
        sizes: &[],
        args: &[builder("p", Value::Number, "0.5")],
    },
    Row {
        name: "Lstm",
        sizes: &["IN", "HIDDEN", "STEPS"],
        args: &[
            generic(
                "sequence",
                Value::Bool,
                0,
                Unwritten::Literal("false"),
                "true",
            ),
            INITS[0],
            INITS[1],
        ],
    },
    Row {
        name: "Gru",
        sizes: &["IN", "HIDDEN", "STEPS"],
        args: &[
            generic(
                "sequence",
                Value::Bool,
                0,
                Unwritten::Literal("false"),
                "true",
            ),
            INITS[0],
            INITS[1],
        ],
    },
    Row {
        name: "Conv1d",
        sizes: &["C_IN", "C_OUT", "KERNEL", "L"],
        args: &CONV,
    },
    Row {
        name: "Conv2d",
        sizes: &["C_IN", "C_OUT", "KH", "KW", "H", "W"],
        args: &CONV,
    },
    Row {
        name: "MaxPool1d",
        sizes: &["C", "L", "KERNEL"],
        args: &POOL_1D,
    },
    Row {
        name: "MaxPool2d",
        sizes: &["C", "H", "W", "KERNEL"],
        args: &POOL_2D,
    },
    Row {
        name: "AvgPool1d",
        sizes: &["C", "L", "KERNEL"],
        args: &POOL_1D,
    },
    Row {
        name: "AvgPool2d",
        sizes: &["C", "H", "W", "KERNEL"],
        args: &POOL_2D,
    },
    Row {
        name: "GlobalAvgPool",
        sizes: &["C", "N"],
        args: &[],
    },
    Row {
        name: "Flatten",
        sizes: &[],
        args: &[],
    },
    Row {
        name: "ReLU",
        sizes: &[],
        args: &[],
    },
    Row {
        name: "LeakyReLU",
        sizes: &[],
        args: &[builder("negative_slope", Value::Number, "0.2")],
    },
    Row {
        name: "Tanh",
        sizes: &[],
        args: &[],
    },
    Row {
        name: "Sigmoid",
        sizes: &[],
        args: &[],
    },
    Row {
        name: "Identity",
        sizes: &[],
        args: &[],
    },
    Row {
        name: "Softmax",
        sizes: &[],
        args: &[],
    },
];

impl Row {
    /// The accepted keys, for messages.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.args.iter().map(|a| a.key)
    }
}

/// The rows as code the library's tests compile (see `__built_in_kinds`):
/// `(name, type's NAME, sizes)` for each row, after applying every builder
/// argument to the type's default configuration and naming the type with
/// every generic argument.
pub fn kind_table() -> TokenStream {
    let entries = ROWS.iter().map(|row| {
        let ident = format_ident!("{}", row.name);
        let ones = row.sizes.iter().map(|_| quote!(1));
        let generics: Vec<TokenStream> = ones
            .chain(
                row.args
                    .iter()
                    .filter(|a| matches!(a.place, Place::Generic(..)))
                    .map(|a| {
                        if a.value == Value::Bool {
                            quote!(true)
                        } else {
                            quote!(1)
                        }
                    }),
            )
            .collect();
        let ty = if generics.is_empty() {
            quote!(::constnet::layer::#ident)
        } else {
            quote!(::constnet::layer::#ident<#(#generics),*>)
        };
        let calls = row
            .args
            .iter()
            .filter(|a| a.place == Place::Builder)
            .map(|arg| {
                let method = format_ident!("{}", arg.key);
                match arg.value {
                    Value::Number | Value::Bool | Value::Count => quote!(.#method(0.5)),
                    Value::Expression => quote!(.#method(::constnet::init::Init::Zeros)),
                    Value::NumberOrNone(none) => {
                        let none = format_ident!("{none}");
                        quote!(.#method(0.5).#none())
                    }
                }
            });
        let (name, sizes) = (row.name, row.sizes.len());
        quote! {
            (
                #name,
                <#ty as ::constnet::layer::LayerConfig>::NAME,
                {
                    let _ = <#ty as ::constnet::layer::LayerConfig>::DEFAULT #(#calls)*;
                    #sizes
                },
            )
        }
    });
    quote!(&[#(#entries),*])
}

/// Names users bring from other frameworks, with what to write instead.
const ALIASES: &[(&str, &str)] = &[
    ("Linear", "Dense"),
    ("Relu", "ReLU"),
    ("LeakyRelu", "LeakyReLU"),
    ("BatchNorm1d", "BatchNorm"),
    ("RNN", "Rnn"),
    ("LSTM", "Lstm"),
    ("GRU", "Gru"),
    ("Conv", "Conv2d"),
    ("MaxPool", "MaxPool2d"),
    ("AvgPool", "AvgPool2d"),
    ("AdaptiveAvgPool2d", "GlobalAvgPool"),
    ("AdaptiveAvgPool1d", "GlobalAvgPool"),
    ("GlobalAveragePooling2D", "GlobalAvgPool"),
    ("MaxPooling2D", "MaxPool2d"),
    ("AveragePooling2D", "AvgPool2d"),
    ("TanH", "Tanh"),
    ("SoftMax", "Softmax"),
    ("Logistic", "Sigmoid"),
];

/// The error for a one-word kind that is another framework's name or a
/// small typo of a built-in kind (`Relu`, `Linear`, `Dnse`); `None` when the
/// name is not close to any, so it is taken as a layer type in scope.
pub fn misspelled_kind(kind: &Ident) -> Option<Error> {
    let name = kind.to_string();
    let known: Vec<&str> = ROWS.iter().map(|s| s.name).collect();
    let hint = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map(|(_, ours)| *ours)
        .or_else(|| closest(&name, &known))?;
    Some(Error::new(
        kind.span(),
        format!(
            "unknown layer kind `{name}`; did you mean `{hint}`? (a layer type of your own is written by its path, e.g. `my_layers::{name}`)"
        ),
    ))
}
