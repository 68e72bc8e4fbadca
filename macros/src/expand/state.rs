//! The generated code that sets a network's state from outside or converts
//! it: `from_parts` (checked at compile time in a `const`), `try_from_parts`
//! and `cast`.

use proc_macro2::TokenStream;
use quote::quote;

use super::NetTokens;

/// In the generic inherent impl: `try_from_parts` (checked at run time)
/// and `cast` (to another scalar).
pub fn generic(net: &NetTokens<'_>) -> TokenStream {
    let (name, consts) = (&net.plan.name, &net.consts);
    let network = network(net, &quote!(T));
    quote! {
        /// A network from its flat parameters, buffers and counts of
        /// tracked batches (one per layer that counts batches, each
        /// `BatchNorm`, in declaration order), its buffers checked against
        /// their domains (a running variance finite and `>= 0`): the
        /// run-time form of `from_parts`.
        ///
        /// # Errors
        /// `Error::InvalidBuffer` naming the layer, tensor, index and value.
        pub fn try_from_parts(
            __cn_parameters: [T; #consts::PARAMS],
            __cn_buffers: [T; #consts::BUFFERS],
            __cn_batches_tracked: [::constnet::__private::u64; #consts::TRACKED],
        ) -> ::core::result::Result<Self, ::constnet::__private::Error> {
            ::constnet::__private::check_buffers(<Self as #network>::LAYERS, &__cn_buffers)?;
            ::core::result::Result::Ok(Self {
                parameters: __cn_parameters,
                buffers: __cn_buffers,
                batches_tracked: __cn_batches_tracked,
            })
        }

        /// The same network in the scalar `U` (`f32` to `f64` and back):
        /// parameters, buffers and the counts of tracked batches, each
        /// value converted through `f64` (exact from `f32` to `f64`, rounded
        /// to nearest the other way).
        ///
        /// # Errors
        /// `Error::NotRepresentable` for a value `U` cannot hold (`1e39` in
        /// `f32`), naming it.
        pub fn cast<U: ::constnet::__private::Float>(
            &self,
        ) -> ::core::result::Result<#name<U>, ::constnet::__private::Error> {
            ::core::result::Result::Ok(#name {
                parameters: ::constnet::__private::cast_values(&self.parameters, "parameter")?,
                buffers: ::constnet::__private::cast_values(&self.buffers, "buffer")?,
                batches_tracked: self.batches_tracked,
            })
        }
    }
}

/// `from_parts`, once per scalar so that its check can run in a `const`
/// (a `const fn` cannot compare a generic `T`): a bad running variance in
/// a `static` is a compile error.
pub fn from_parts(net: &NetTokens<'_>) -> TokenStream {
    let (name, consts) = (&net.plan.name, &net.consts);
    let impls =
        [("f32", "buffer_problem_f32"), ("f64", "buffer_problem_f64")].map(|(scalar, check)| {
            let scalar = proc_macro2::Ident::new(scalar, proc_macro2::Span::call_site());
            let check = proc_macro2::Ident::new(check, proc_macro2::Span::call_site());
            let scalar = quote!(::core::primitive::#scalar);
            let network = network(net, &scalar);
            quote! {
                #[automatically_derived]
                impl #name<#scalar> {
                    /// A network from its flat parameters, buffers and counts
                    /// of tracked batches (one per layer that counts batches,
                    /// each `BatchNorm`, in declaration order): all state, as
                    /// saved. `const`, so a trained network can live in flash.
                    ///
                    /// # Panics
                    /// When a buffer value is outside its domain (NaN,
                    /// infinite, a negative running variance): in a `const` or
                    /// `static` that is a compile error. At run time use
                    /// `try_from_parts`, which returns the error instead.
                    #[must_use]
                    pub const fn from_parts(
                        __cn_parameters: [#scalar; #consts::PARAMS],
                        __cn_buffers: [#scalar; #consts::BUFFERS],
                        __cn_batches_tracked: [::constnet::__private::u64; #consts::TRACKED],
                    ) -> Self {
                        if let ::constnet::__private::Some(__cn_problem) =
                            ::constnet::__private::#check(<Self as #network>::LAYERS, &__cn_buffers)
                        {
                            ::core::panic!("{}", __cn_problem);
                        }
                        Self {
                            parameters: __cn_parameters,
                            buffers: __cn_buffers,
                            batches_tracked: __cn_batches_tracked,
                        }
                    }
                }
            }
        });
    quote!(#(#impls)*)
}

/// `Network<scalar, INPUT, OUTPUT, PARAMS>`.
fn network(net: &NetTokens<'_>, scalar: &TokenStream) -> TokenStream {
    let (input, output, params) = (&net.input, &net.output, &net.params);
    quote!(::constnet::__private::Network<#scalar, #input, #output, #params>)
}
