//! The generated backward passes: backward (with the R-backward interleaved
//! for Hessian-vector products) and `Network::backward_with_input`, whose
//! first layer also writes `dL/dx`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::NetTokens;
use super::tokens::{input_of, matrix, wired};

/// The backward pass, last layer first (`__cn_d{k}` is `dL/dy` of layer
/// `k`); with `with_r` the R-backward interleaved with it (`__cn_rd{k}`
/// the R-derivative), with `with_input` the first layer writes `dL/dx`
/// into `__cn_d_input`.
pub(super) fn backward_body(net: &NetTokens<'_>, with_r: bool, with_input: bool) -> TokenStream {
    let n = net.layers.len();
    let steps = net.layers.iter().enumerate().rev().map(|(k, l)| {
        let (layer, config, p) = (l.layer(), &l.config, l.param_range());
        let (x, y, c) = (input_of(net, k), &l.name, &l.cache_field);
        let (x, rx) = (wired(&quote!(&__cn_cache.#x)), wired(&quote!(&__cn_r_cache.#x)));
        let dy = if k + 1 == n { quote!(__cn_d_output) } else { let d = format_ident!("__cn_d{}", k); quote!(&#d) };
        let rdy = if k + 1 == n { quote!(__cn_r_d_output) } else { let d = format_ident!("__cn_rd{}", k); quote!(&#d) };
        let (dx_decl, dx_arg, rdx_decl, rdx_arg) = if k == 0 {
            let x_ty = matrix(&l.input);
            let dx = if with_input {
                quote!(::constnet::__private::Some(::constnet::__private::wire_mut(__cn_d_input)))
            } else {
                quote!(::constnet::__private::None::<&mut #x_ty>)
            };
            (
                quote!(),
                dx,
                quote!(),
                quote!(::constnet::__private::None::<&mut #x_ty>),
            )
        } else {
            let (d, rd) = (format_ident!("__cn_d{}", k - 1), format_ident!("__cn_rd{}", k - 1));
            let ty = matrix(&net.layers[k - 1].output);
            (
                quote!(let mut #d = <#ty as ::constnet::__private::Zeroed>::zeroed();),
                quote!(::constnet::__private::Some(::constnet::__private::wire_mut(&mut #d))),
                quote!(let mut #rd = <#ty as ::constnet::__private::Zeroed>::zeroed();),
                quote!(::constnet::__private::Some(::constnet::__private::wire_mut(&mut #rd))),
            )
        };
        let backward = quote! {
            #dx_decl
            #layer::backward::<{ B }>(&#config, &__cn_p[#p], #x, &__cn_cache.#y, &mut __cn_cache.#c, #dy, #dx_arg, &mut __cn_grad[#p]);
        };
        if !with_r {
            return backward;
        }
        quote! {
            #backward
            #rdx_decl
            #layer::r_backward::<{ B }>(
                &#config, &__cn_p[#p], &__cn_v[#p], #x, &__cn_cache.#y, &__cn_cache.#c,
                #rx, &__cn_r_cache.#c, #dy, #rdy, #rdx_arg, &mut __cn_r_grad[#p],
            );
        }
    });
    quote!(#(#steps)*)
}

/// `Network::backward_with_input`: the backward pass, the first layer
/// writing `dL/dx`.
pub(super) fn backward_with_input(net: &NetTokens<'_>) -> TokenStream {
    let (cache, params) = (&net.cache, &net.params);
    let (x_ty, y_ty) = (matrix(&net.input), matrix(&net.output));
    let body = backward_body(net, false, true);
    quote! {
        #[inline]
        fn backward_with_input<const B: ::constnet::__private::usize>(
            &self,
            __cn_cache: &mut #cache<T, { B }>,
            __cn_d_output: &#y_ty,
            __cn_grad: &mut [T; #params],
            __cn_d_input: &mut #x_ty,
        ) {
            let __cn_p = &self.parameters;
            *__cn_d_input = <#x_ty as ::constnet::__private::Zeroed>::zeroed();
            #body
        }
    }
}
