//! Sizes, widths, parameter counts and offsets as tokens.
//!
//! Integer literals stay literals, so rustdoc and error messages show
//! `Network<T, 2, 1, 33>`. Sizes given as expressions are hoisted into
//! hidden `const` items next to the struct, outside every generic scope,
//! so a user's constant can never be captured by a generic parameter of the
//! generated code; counts that depend on them come from the library's
//! `LayerShape` constants, never from arithmetic in the macro.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::validate::{Kind, PlannedLayer, Size};

/// Hoists expressions into `const` items and hands out tokens for them.
pub struct Hoister {
    prefix: String,
    consts: Vec<(String, Ident, TokenStream)>,
}

impl Hoister {
    pub fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_owned(),
            consts: Vec::new(),
        }
    }

    /// Tokens for a size: a literal, or a reference to its hoisted constant.
    pub fn size(&mut self, size: &Size) -> TokenStream {
        match size {
            Size::Lit(_) => size.tokens(),
            Size::Expr(expr) => {
                let ident = self.hoist_usize(expr.to_string(), expr);
                quote!({ #ident })
            }
        }
    }

    /// Hoists an arbitrary `usize` expression under a name derived from `key`
    /// (expressions with the same key share one constant).
    pub fn hoist_usize(&mut self, key: String, expr: &TokenStream) -> Ident {
        if let Some((_, ident, _)) = self.consts.iter().find(|(k, _, _)| *k == key) {
            return ident.clone();
        }
        let ident = format_ident!("{}_S{}", self.prefix, self.consts.len());
        self.consts.push((key, ident.clone(), expr.clone()));
        ident
    }

    /// The hoisted `const` items.
    pub fn items(&self) -> TokenStream {
        let items = self.consts.iter().map(|(_, ident, expr)| {
            quote! {
                #[doc(hidden)]
                #[allow(non_upper_case_globals, unused_braces, clippy::all, clippy::pedantic)]
                const #ident: ::constnet::__private::usize = #expr;
            }
        });
        quote!(#(#items)*)
    }
}

/// What the generated code needs to know about one layer.
pub struct LayerTokens {
    pub name: Ident,
    /// `::constnet::__private::Dense<2, 8>`
    pub ty: TokenStream,
    pub input: TokenStream,
    pub output: TokenStream,
    /// The hidden `const` holding the layer's configuration.
    pub config: Ident,
    pub cache_field: Ident,
    pub params: Size,
    pub buffers: Size,
    pub param_start: Size,
    pub buffer_start: Size,
}

impl LayerTokens {
    /// `<Dense<2, 8> as LayerShape<2, 8>>`
    pub fn shape(&self) -> TokenStream {
        let (ty, input, output) = (&self.ty, &self.input, &self.output);
        quote!(<#ty as ::constnet::__private::LayerShape<#input, #output>>)
    }

    /// `<Dense<2, 8> as Layer<T, 2, 8>>`
    pub fn layer(&self) -> TokenStream {
        let (ty, input, output) = (&self.ty, &self.input, &self.output);
        quote!(<#ty as ::constnet::__private::Layer<T, #input, #output>>)
    }

    /// The range of the layer's parameters: `a..b`.
    pub fn param_range(&self) -> TokenStream {
        range(&self.param_start, &self.params)
    }

    /// The range of the layer's buffers: `a..b`.
    pub fn buffer_range(&self) -> TokenStream {
        range(&self.buffer_start, &self.buffers)
    }
}

fn range(start: &Size, len: &Size) -> TokenStream {
    let end = start.plus(len);
    let (start, end) = (start.tokens(), end.tokens());
    quote!(#start..#end)
}

/// Parameter and buffer counts of a layer whose sizes are all literals, by
/// the same formulas the library's `LayerShape` uses (a `const` assertion
/// in the generated code checks that they agree).
pub fn literal_counts(layer: &PlannedLayer) -> Option<(u64, u64)> {
    let sizes: Option<Vec<u64>> = layer
        .sizes
        .iter()
        .map(|(s, _)| match s {
            Size::Lit(v) => Some(*v),
            Size::Expr(_) => None,
        })
        .collect();
    let sizes = sizes?;
    Some(match layer.kind {
        Kind::Dense => (sizes[1] * sizes[0] + sizes[1], 0),
        Kind::BatchNorm => (2 * sizes[0], 2 * sizes[0]),
        Kind::Rnn => (sizes[1] * sizes[0] + sizes[1] * sizes[1] + sizes[1], 0),
        Kind::ReLU
        | Kind::LeakyReLU
        | Kind::Tanh
        | Kind::Sigmoid
        | Kind::Identity
        | Kind::Softmax => (0, 0),
    })
}
