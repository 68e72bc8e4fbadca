//! The blocked R-operator wiring of full Hessians, in the hidden trait
//! `NetworkBlocks` (a subtrait of `Network`): the stack storage type for a block's
//! tangents, `backward_keep` (backward that keeps every layer's output
//! gradient), `r_forward_block` and `r_backward_block`. Each is one library
//! call per layer; the library's `BlockPass` decides what each layer sees.

use proc_macro2::TokenStream;
use quote::quote;

use super::NetTokens;
use super::tokens::{input_of, matrix, wired};

pub fn blocked(net: &NetTokens<'_>) -> TokenStream {
    let (name, cache) = (&net.plan.name, &net.cache);
    let (input, output, params) = (&net.input, &net.output, &net.params);
    let y_ty = matrix(output);
    let cache_ty = quote!(#cache<T, { B }>);
    let outputs = net.layers.iter().map(|l| &l.output);
    let last = net.layers.last().map(|l| l.name.clone());
    let forward = net.layers.iter().enumerate().map(|(k, l)| {
        let (ty, config, p, start) = (&l.ty, &l.config, l.param_range(), &l.params.0);
        let (w_in, w_out) = (&l.input, &l.output);
        let (x, y, c) = (input_of(net, k), &l.name, &l.cache_field);
        let x = wired(&quote!(&__cn_cache.#x));
        quote! {
            __cn_pass.forward::<#ty, #w_in, #w_out, { B }>(
                &#config, &__cn_p[#p], #start, #x, &__cn_cache.#y, &__cn_cache.#c,
            );
        }
    });
    let backward = net.layers.iter().enumerate().rev().map(|(k, l)| {
        let (ty, config, p, start) = (&l.ty, &l.config, l.param_range(), &l.params.0);
        let (w_in, w_out) = (&l.input, &l.output);
        let (x, y, c) = (input_of(net, k), &l.name, &l.cache_field);
        let x = wired(&quote!(&__cn_cache.#x));
        quote! {
            __cn_pass.backward::<#ty, #w_in, #w_out, { B }>(
                &#config, &__cn_p[#p], #start, #x, &__cn_cache.#y,
                &__cn_forward_cache.#c, &__cn_cache.#c, &__cn_output_grads.#y,
            );
        }
    });
    let keep = net.layers.iter().enumerate().rev().map(|(k, l)| {
        let (layer, config, p) = (l.layer(), &l.config, l.param_range());
        let (x, y, c) = (input_of(net, k), &l.name, &l.cache_field);
        let x = wired(&quote!(&__cn_cache.#x));
        let dx = if k == 0 {
            let x_ty = matrix(&l.input);
            quote!(::constnet::__private::None::<&mut #x_ty>)
        } else {
            let prev = &net.layers[k - 1].name;
            quote!(::constnet::__private::Some(::constnet::__private::wire_mut(&mut __cn_output_grads.#prev)))
        };
        quote! {
            #layer::backward::<{ B }>(
                &#config, &__cn_p[#p], #x, &__cn_cache.#y, &mut __cn_cache.#c,
                &__cn_output_grads.#y, #dx, &mut __cn_grad[#p],
            );
        }
    });
    quote! {
        #[automatically_derived]
        impl<T: ::constnet::__private::Float> ::constnet::__private::NetworkBlocks<T, #input, #output, #params> for #name<T> {
            type BlockStorage<const B: ::constnet::__private::usize, const K: ::constnet::__private::usize> =
                [[[T; ::constnet::__private::block_width(&[#(#outputs),*])]; B]; K];

            #[inline]
            fn backward_keep<const B: ::constnet::__private::usize>(
                &self,
                __cn_cache: &mut #cache_ty,
                __cn_d_output: &#y_ty,
                __cn_output_grads: &mut #cache_ty,
                __cn_grad: &mut [T; #params],
            ) {
                let __cn_p = &self.parameters;
                __cn_output_grads.#last = *__cn_d_output;
                #(#keep)*
            }

            #[inline]
            fn r_forward_block<const B: ::constnet::__private::usize>(
                &self,
                __cn_cache: &#cache_ty,
                __cn_pass: &mut ::constnet::__private::BlockPass<'_, T>,
            ) {
                let __cn_p = &self.parameters;
                #(#forward)*
            }

            #[inline]
            fn r_backward_block<const B: ::constnet::__private::usize>(
                &self,
                __cn_forward_cache: &#cache_ty,
                __cn_cache: &#cache_ty,
                __cn_output_grads: &#cache_ty,
                __cn_pass: &mut ::constnet::__private::BlockPass<'_, T>,
            ) {
                let __cn_p = &self.parameters;
                #(#backward)*
            }
        }
    }
}
