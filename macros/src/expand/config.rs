//! A declared layer's type and configuration as tokens: the type with its
//! sizes and type-selecting arguments (`Rnn<3, 8, 10, true>`), the builder
//! calls of its configuration (`.weight_init(..)`), and one constant per
//! builder argument so each bad value is its own compile error.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};

use crate::validate::{Place, PlannedLayer, Size, Unwritten};

/// The layer's type: its path and sizes (a built-in kind's sizes given as
/// expressions refer to their hoisted constants), then the arguments that
/// select the type (`Rnn<3, 8, 10, true>`).
pub(super) fn layer_type(layer: &PlannedLayer, consts: &TokenStream) -> TokenStream {
    let span = layer.kind_span;
    let base = layer.name.to_string();
    let mut generics: Vec<TokenStream> = layer
        .sizes
        .iter()
        .enumerate()
        .map(|(k, (size, size_span))| match (layer.row, size) {
            (_, Size::Lit(v)) => {
                let mut lit = proc_macro2::Literal::usize_unsuffixed(*v as usize);
                lit.set_span(*size_span);
                quote!(#lit)
            }
            (Some(_), Size::Expr(_)) => {
                let ident = Ident::new(&format!("{base}__size_{k}"), Span::call_site());
                quote_spanned!(*size_span=> { #consts::#ident })
            }
            (None, Size::Expr(expr)) => expr.clone(),
        })
        .collect();
    let written: Vec<(usize, TokenStream)> = layer
        .settings
        .iter()
        .filter_map(|s| match s.place {
            Place::Generic(position, _) => s.value.as_ref().map(|v| (position, generic_value(v))),
            Place::Builder => None,
        })
        .collect();
    // Generic arguments are positional: up to the last one written, an
    // unwritten one is spelled out as the type's default.
    if let (Some(row), Some(last)) = (layer.row, written.iter().map(|(p, _)| *p).max()) {
        let mut selectors: Vec<TokenStream> = Vec::new();
        for position in 0..=last {
            if let Some((_, value)) = written.iter().find(|(p, _)| *p == position) {
                selectors.push(value.clone());
                continue;
            }
            let unwritten = row.args.iter().find_map(|a| match a.place {
                Place::Generic(p, unwritten) if p == position => Some(unwritten),
                _ => None,
            });
            selectors.push(match unwritten {
                Some(Unwritten::Size(k)) => generics[k].clone(),
                Some(Unwritten::Literal(text)) => text.parse().unwrap_or_default(),
                None => TokenStream::new(),
            });
        }
        generics.extend(selectors);
    }
    let path = &layer.path;
    if generics.is_empty() {
        quote_spanned!(span=> #path)
    } else {
        quote_spanned!(span=> #path<#(#generics),*>)
    }
}

/// A written generic argument: a literal as it is, an expression in braces
/// (`stride = 2 * S` is `{ 2 * S }`), as const generic arguments need.
fn generic_value(value: &syn::Expr) -> TokenStream {
    if let syn::Expr::Lit(_) = value {
        quote!(#value)
    } else {
        quote_spanned!(syn::spanned::Spanned::span(value)=> { #value })
    }
}

/// `.weight_init(...)`, `.cumulative_average()`: the builder calls of a
/// layer's configuration, each spanned on its argument.
pub(super) fn builder_calls(layer: &PlannedLayer) -> Vec<TokenStream> {
    layer
        .settings
        .iter()
        .filter(|s| s.place == Place::Builder)
        .map(|setting| {
            let method = &setting.method;
            setting.value.as_ref().map_or_else(
                || quote_spanned!(method.span()=> .#method()),
                |value| quote_spanned!(method.span()=> .#method(#value)),
            )
        })
        .collect()
}

/// With more than one builder argument, one constant per argument that
/// applies it alone (`Net::bn__arg_momentum`), so each bad value is its own
/// error; the configuration refers to them, so a bad value is not reported
/// twice.
pub(super) fn argument_checks(
    layer: &PlannedLayer,
    config_trait: &TokenStream,
    ty: &TokenStream,
    base: &str,
) -> Vec<(Ident, TokenStream)> {
    let builders: Vec<_> = layer
        .settings
        .iter()
        .filter(|s| s.place == Place::Builder)
        .collect();
    if builders.len() < 2 {
        return Vec::new();
    }
    builders
        .into_iter()
        .map(|setting| {
            let method = &setting.method;
            let ident = Ident::new(&format!("{base}__arg_{method}"), Span::call_site());
            let call = setting.value.as_ref().map_or_else(
                || quote_spanned!(method.span()=> .#method()),
                |value| quote_spanned!(method.span()=> .#method(#value)),
            );
            let item = quote_spanned! {method.span()=>
                const #ident: #ty = #config_trait::DEFAULT #call;
            };
            (ident, item)
        })
        .collect()
}
