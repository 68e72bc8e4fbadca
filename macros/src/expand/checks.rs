//! The compile-time checks of a declaration, one `const` item each, spanned
//! on the layer they are about: widths chain (with the library's message,
//! which names both widths and the fix), sizes given as constants are at
//! least 1, a layer type's counts match its tensors, and every layer's
//! configuration is evaluated (so `cargo check` reports a bad argument).
//! The check of the training batch size is in the cache struct: it depends
//! on `B`, so it runs when a training method is instantiated.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::{LayerTokens, NetTokens};
use crate::validate::{PlannedLayer, Size};

pub fn checks(net: &NetTokens<'_>) -> TokenStream {
    let mut items = Vec::new();
    let described: Vec<TokenStream> = net
        .layers
        .iter()
        .zip(&net.plan.layers)
        .map(|(t, l)| described(t, l))
        .collect();
    for (k, (tokens, layer)) in net.layers.iter().zip(&net.plan.layers).enumerate() {
        let span = layer.sizes.first().map_or(tokens.span, |(_, span)| *span);
        let config_trait = tokens.config_trait();
        let (before, this) = (&described[..k], &described[k]);
        let written = written(layer, &net.consts);
        let incoming = k.checked_sub(1).map_or_else(
            || quote!(0),
            |p| {
                let out = &net.layers[p].output;
                quote!(#out)
            },
        );
        let first_fixes = &net.layers[0].config_trait();
        items.push(quote_spanned! {span=>
            const _: () = if let ::constnet::__private::Some(__cn_message) =
                ::constnet::__private::input_mismatch(
                    #k,
                    &[#(#before),*],
                    &#this,
                    &#written,
                    #config_trait::INPUT,
                    #config_trait::INPUT_FROM,
                    #incoming,
                    #first_fixes::INPUT.is_some(),
                )
            {
                ::core::panic!("{}", __cn_message.as_str())
            };
        });
        let config = tokens.config_at_kind();
        items.push(quote_spanned! {tokens.span=>
            const _: () = {
                let _ = &#config;
            };
        });
        if layer.row.is_none() {
            let shape = tokens.shape();
            let name = layer.name.to_string();
            items.push(quote_spanned! {tokens.span=>
                const _: () = if let ::constnet::__private::Some(__cn_message) =
                    ::constnet::__private::count_mismatch(
                        #name,
                        [#shape::PARAMS, #shape::BUFFERS],
                        [
                            ::constnet::__private::total_len(#shape::TENSORS),
                            ::constnet::__private::total_len(#shape::BUFFER_TENSORS),
                        ],
                    )
                {
                    ::core::panic!("{}", __cn_message.as_str())
                };
            });
        }
        items.extend(positive_sizes(net, layer));
    }
    quote!(#(#items)*)
}

/// `Described { name: "hidden", shown: "Dense<2, 8>", passes: ... }`.
pub fn described(tokens: &LayerTokens, layer: &PlannedLayer) -> TokenStream {
    let (name, shown) = (layer.name.to_string(), &layer.shown);
    let (config_trait, input, output) = (tokens.config_trait(), &tokens.input, &tokens.output);
    quote! {
        ::constnet::__private::Described {
            name: #name,
            shown: #shown,
            passes: #config_trait::INPUT.is_none() && #input == #output,
        }
    }
}

/// The sizes as written, and for a built-in kind their names and values.
fn written(layer: &PlannedLayer, consts: &TokenStream) -> TokenStream {
    let kind = &layer.kind_text;
    let sizes: Vec<String> = layer.sizes.iter().map(|(s, _)| s.text()).collect();
    let args = &layer.type_args;
    let (names, values): (Vec<&str>, Vec<TokenStream>) = match layer.row {
        Some(row) => {
            let base = layer.name.to_string();
            let values = layer
                .sizes
                .iter()
                .enumerate()
                .map(|(k, (size, _))| match size {
                    Size::Lit(v) => {
                        let lit = proc_macro2::Literal::usize_unsuffixed(*v as usize);
                        quote!(#lit)
                    }
                    Size::Expr(_) => {
                        let ident = proc_macro2::Ident::new(
                            &format!("{base}__size_{k}"),
                            proc_macro2::Span::call_site(),
                        );
                        quote!(#consts::#ident)
                    }
                })
                .collect();
            (row.sizes.to_vec(), values)
        }
        None => (Vec::new(), Vec::new()),
    };
    quote! {
        ::constnet::__private::Written {
            kind: #kind,
            sizes: &[#(#sizes),*],
            names: &[#(#names),*],
            values: &[#(#values),*],
            args: #args,
        }
    }
}

/// `const _: () = assert!(N >= 1, ...)` for each size of a built-in kind
/// given as a constant.
fn positive_sizes(net: &NetTokens<'_>, layer: &PlannedLayer) -> Vec<TokenStream> {
    let Some(row) = layer.row else {
        return Vec::new();
    };
    let consts = &net.consts;
    let base = layer.name.to_string();
    layer
        .sizes
        .iter()
        .zip(row.sizes)
        .enumerate()
        .filter_map(|(k, ((size, span), what))| {
            let Size::Expr(_) = size else { return None };
            let ident = proc_macro2::Ident::new(
                &format!("{base}__size_{k}"),
                proc_macro2::Span::call_site(),
            );
            let message = format!(
                "layer `{}`: a layer size must be at least 1, but `{}` (`{what}` of `{}`) is 0",
                layer.name,
                size.text(),
                row.name
            )
            .replace('{', "{{")
            .replace('}', "}}");
            Some(quote_spanned! {*span=>
                const _: () = ::core::assert!(#consts::#ident >= 1, #message);
            })
        })
        .collect()
}
