//! The `network!` macro of constnet.
//!
//! The pipeline, one stage per file: `parse` turns tokens into the typed
//! declaration of `ast`; `validate` infers widths and checks everything
//! it can, reporting all errors at once on the offending tokens; `expand`
//! writes the struct and the wiring that calls the library's layers;
//! `fallback` emits the errors plus a stub when validation fails. Use it
//! through `constnet::network!`, which documents the syntax.

mod ast;
mod expand;
mod fallback;
mod parse;
mod validate;

use proc_macro::TokenStream;

/// Declares a network. See the `constnet` crate for the syntax.
#[proc_macro]
pub fn network(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as ast::Input);
    let mut out = proc_macro2::TokenStream::new();
    for decl in input.networks {
        let (name, vis) = fallback::identity(&decl);
        match validate::validate(decl) {
            Ok(plan) => out.extend(expand::expand(&plan)),
            Err(error) => out.extend(fallback::fallback(&name, &vis, &error)),
        }
    }
    out.into()
}
