//! What the macro emits when a declaration has errors: the errors, plus an
//! empty struct of the declared name, so code that names the network does
//! not produce a second wave of "cannot find type" errors.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::NetworkDecl;

pub fn fallback(decl_name: &syn::Ident, vis: &syn::Visibility, error: &syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    quote! {
        #errors
        #vis struct #decl_name<T = ::core::primitive::f32>(::core::marker::PhantomData<T>);
    }
}

/// The name and visibility of a declaration, for its fallback.
pub fn identity(decl: &NetworkDecl) -> (syn::Ident, syn::Visibility) {
    (decl.name.clone(), decl.vis.clone())
}
