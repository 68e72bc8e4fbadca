//! The documentation the macro adds to a declared network: a table of its
//! layers as declared, rendered by rustdoc. Widths and parameter counts are
//! computed by the compiler; they are the network's `INPUT`, `OUTPUT`,
//! `PARAMS` and `BUFFERS`, and per layer `Network::LAYERS`.

use proc_macro2::TokenStream;
use quote::quote;

use super::NetTokens;

pub fn layer_table(net: &NetTokens<'_>) -> TokenStream {
    let mut lines = vec![
        String::new(),
        "# Layers".to_owned(),
        String::new(),
        "| layer | kind | description |".to_owned(),
        "|---|---|---|".to_owned(),
    ];
    for planned in &net.plan.layers {
        lines.push(format!(
            "| `{}` | `{}` | {} |",
            planned.name,
            planned.shown,
            first_doc_line(&planned.docs).replace('|', "\\|")
        ));
    }
    lines.push(String::new());
    lines.push(
        "Declared with `constnet::network!`: parameters are one flat array in PyTorch order \
         (`PARAMS` values; `Network::LAYERS` gives each layer's widths and tensors); \
         `Network::batches_tracked` holds one count of tracked batches per batch-norm layer \
         (`TRACKED` counts, in declaration order); the scalar `T` is `f32` unless given (`Net<f64>`)."
            .to_owned(),
    );
    quote!(#(#[doc = #lines])*)
}

/// The first line of a layer's doc comment, trimmed.
fn first_doc_line(docs: &[syn::Attribute]) -> String {
    docs.iter()
        .find_map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .unwrap_or_default()
}
