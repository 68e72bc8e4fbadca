//! The blocked R-operator wiring of the `Network` implementation: the
//! stack storage type for a block's tangents, `backward_keep` (backward
//! that keeps every layer's output gradient), `r_forward_block` and
//! `r_backward_block`. Each is one library call per layer; the library's
//! `BlockPass` decides what each layer sees.

use proc_macro2::TokenStream;
use quote::quote;

use super::NetTokens;
use super::passes::{input_of, matrix};

/// The blocked R-operator wiring: the stack storage type, `backward_keep`,
/// `r_forward_block` and `r_backward_block`, one library call per layer.
pub fn blocked(net: &NetTokens<'_>) -> TokenStream {
    let (cache, params) = (&net.cache, &net.params);
    let y_ty = matrix(&net.output);
    let outputs = net.layers.iter().map(|l| &l.output);
    let last = net.layers.last().map(|l| l.name.clone());
    let forward = net.layers.iter().enumerate().map(|(k, l)| {
        let (config, p, start) = (&l.config, l.param_range(), l.param_start.tokens());
        let (x, y, c) = (input_of(net, k), &l.name, &l.cache_field);
        quote!(__cn_pass.forward(&#config, &__cn_p[#p], #start, &__cn_cache.#x, &__cn_cache.#y, &__cn_cache.#c);)
    });
    let backward = net.layers.iter().enumerate().rev().map(|(k, l)| {
        let (config, p, start) = (&l.config, l.param_range(), l.param_start.tokens());
        let (x, y, c) = (input_of(net, k), &l.name, &l.cache_field);
        quote! {
            __cn_pass.backward(
                &#config, &__cn_p[#p], #start, &__cn_cache.#x, &__cn_cache.#y,
                &__cn_forward_cache.#c, &__cn_cache.#c, &__cn_output_grads.#y,
            );
        }
    });
    let keep = net.layers.iter().enumerate().rev().map(|(k, l)| {
        let (layer, config, p) = (l.layer(), &l.config, l.param_range());
        let (x, y, c) = (input_of(net, k), &l.name, &l.cache_field);
        let dx = if k == 0 {
            let x_ty = matrix(&net.input);
            quote!(::constnet::__private::None::<&mut #x_ty>)
        } else {
            let prev = &net.layers[k - 1].name;
            quote!(::constnet::__private::Some(&mut __cn_output_grads.#prev))
        };
        quote! {
            #layer::backward::<{ B }>(
                &#config, &__cn_p[#p], &__cn_cache.#x, &__cn_cache.#y, &mut __cn_cache.#c,
                &__cn_output_grads.#y, #dx, &mut __cn_grad[#p],
            );
        }
    });
    quote! {
        type BlockStorage<const B: ::constnet::__private::usize, const K: ::constnet::__private::usize> =
            [[[T; ::constnet::__private::block_width(&[#(#outputs),*])]; B]; K];

        #[inline]
        fn backward_keep<const B: ::constnet::__private::usize>(
            &self,
            __cn_cache: &mut #cache<T, { B }>,
            __cn_d_output: &#y_ty,
            __cn_output_grads: &mut #cache<T, { B }>,
            __cn_grad: &mut [T; #params],
        ) {
            let __cn_p = &self.parameters;
            __cn_output_grads.#last = *__cn_d_output;
            #(#keep)*
        }

        #[inline]
        fn r_forward_block<const B: ::constnet::__private::usize>(
            &self,
            __cn_cache: &#cache<T, { B }>,
            __cn_pass: &mut ::constnet::__private::BlockPass<'_, T>,
        ) {
            let __cn_p = &self.parameters;
            #(#forward)*
        }

        #[inline]
        fn r_backward_block<const B: ::constnet::__private::usize>(
            &self,
            __cn_forward_cache: &#cache<T, { B }>,
            __cn_cache: &#cache<T, { B }>,
            __cn_output_grads: &#cache<T, { B }>,
            __cn_pass: &mut ::constnet::__private::BlockPass<'_, T>,
        ) {
            let __cn_p = &self.parameters;
            #(#backward)*
        }
    }
}
