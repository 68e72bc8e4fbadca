//! The token helpers every generated pass shares: a batch matrix type, the
//! cache field holding a layer's input, and the `wire` between layers; with
//! the two naming rules all generated code follows.

use proc_macro2::TokenStream;
use quote::quote;

use super::NetTokens;

const MATRIX: &str = "::constnet::__private::SMatrix";

// The batch size is passed on as `{ B }`, never `B`: a bare `B` in a generic
// argument is looked up as a type first, so a user's `struct B` in scope
// would capture it; in braces it is a value, the const parameter.
//
// Every local variable and function parameter the generated code binds is
// named `__cn_*` (`__cn_p` the parameters, `__cn_s` the buffers, `__cn_x`
// the input, `__cn_a{k}` layer `k`'s output, `__cn_cache`, `__cn_grad`,
// ...): an identifier in a pattern that names a constant or a unit struct
// in scope is a pattern against that item, not a new binding (and one that
// names a static or a tuple struct is an error), so a user's `const x: f32`
// would otherwise break `let x` or a parameter `x: &...`.
// `Span::mixed_site()` would not help: under it, constants and unit
// structs still resolve at the call site and capture the pattern.

pub(super) fn matrix(width: &TokenStream) -> TokenStream {
    let path: TokenStream = MATRIX.parse().unwrap_or_default();
    quote!(#path<T, #width, { B }>)
}

/// The field of the cache holding the input of layer `k`.
pub(super) fn input_of(net: &NetTokens<'_>, k: usize) -> TokenStream {
    if k == 0 {
        quote!(input)
    } else {
        let name = &net.layers[k - 1].name;
        quote!(#name)
    }
}

/// `wire(&m)`: a layer's input from the matrix before it.
pub(super) fn wired(m: &TokenStream) -> TokenStream {
    quote!(::constnet::__private::wire(#m))
}
