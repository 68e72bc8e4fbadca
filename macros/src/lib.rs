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
#[cfg(test)]
mod snapshot;
mod validate;

use proc_macro::TokenStream;

/// Declares a network. Use it as `constnet::network!`, whose documentation
/// is the reference: grammar, built-in kinds and what a declaration
/// generates.
#[proc_macro]
pub fn network(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as ast::Input);
    let mut out = proc_macro2::TokenStream::new();
    let mut seen: Vec<syn::Ident> = Vec::new();
    for decl in input.networks {
        // A second network of the same name would define every item twice:
        // one error at the second name, and nothing generated for it.
        if let Some(first) = seen.iter().find(|name| **name == decl.name) {
            let mut error = syn::Error::new(
                decl.name.span(),
                format!(
                    "a network named `{}` is already declared in this `network!`; choose another name",
                    decl.name
                ),
            );
            error.combine(syn::Error::new(first.span(), "the first one is here"));
            out.extend(error.to_compile_error());
            continue;
        }
        seen.push(decl.name.clone());
        let (name, vis) = fallback::identity(&decl);
        match validate::validate(decl) {
            Ok(plan) => out.extend(expand::expand(&plan)),
            Err(error) => out.extend(fallback::fallback(&name, &vis, &error)),
        }
    }
    out.into()
}

/// The built-in kinds' syntax rows as code that the library's tests
/// compile: for each row, its name, the type it names, and a call of every
/// builder argument, so a row and the library's kind cannot disagree
/// without a failing test. Not a public API.
#[doc(hidden)]
#[proc_macro]
pub fn __built_in_kinds(_input: TokenStream) -> TokenStream {
    validate::kind_table().into()
}
