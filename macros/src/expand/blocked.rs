//! The blocked R-operator wiring of the `Network` implementation: the
//! stack storage type for a block's tangents, `backward_keep` (backward
//! that keeps every layer's output gradient), `r_forward_block` and
//! `r_backward_block`. Each is one library call per layer; the library's
//! `BlockPass` decides what each layer sees.

use proc_macro2::TokenStream;
use quote::quote;

use super::Network;
use super::passes::{input_of, matrix};

/// The blocked R-operator wiring: the stack storage type, `backward_keep`,
/// `r_forward_block` and `r_backward_block`, one library call per layer.
pub fn blocked(net: &Network<'_>) -> TokenStream {
    let (cache, params) = (&net.cache, &net.params);
    let y_ty = matrix(&net.output);
    let outputs = net.layers.iter().map(|l| &l.output);
    let last = net.layers.last().map(|l| l.name.clone());
    let forward = net.layers.iter().enumerate().map(|(k, l)| {
        let (config, p, start) = (&l.config, l.param_range(), l.param_start.tokens());
        let (x, y, c) = (input_of(net, k), &l.name, &l.cache_field);
        quote!(pass.forward(&#config, &p[#p], #start, &cache.#x, &cache.#y, &cache.#c);)
    });
    let backward = net.layers.iter().enumerate().rev().map(|(k, l)| {
        let (config, p, start) = (&l.config, l.param_range(), l.param_start.tokens());
        let (x, y, c) = (input_of(net, k), &l.name, &l.cache_field);
        quote! {
            pass.backward(
                &#config, &p[#p], #start, &cache.#x, &cache.#y,
                &forward_cache.#c, &cache.#c, &output_grads.#y,
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
            quote!(::constnet::__private::Some(&mut output_grads.#prev))
        };
        quote! {
            #layer::backward::<{ B }>(
                &#config, &p[#p], &cache.#x, &cache.#y, &mut cache.#c,
                &output_grads.#y, #dx, &mut grad[#p],
            );
        }
    });
    quote! {
        type BlockStorage<const B: ::constnet::__private::usize, const K: ::constnet::__private::usize> =
            [[[T; ::constnet::__private::block_width(&[#(#outputs),*])]; B]; K];

        #[inline]
        fn backward_keep<const B: ::constnet::__private::usize>(
            &self,
            cache: &mut #cache<T, { B }>,
            d_output: &#y_ty,
            output_grads: &mut #cache<T, { B }>,
            grad: &mut [T; #params],
        ) {
            let p = &self.parameters;
            output_grads.#last = *d_output;
            #(#keep)*
        }

        #[inline]
        fn r_forward_block<const B: ::constnet::__private::usize>(
            &self,
            cache: &#cache<T, { B }>,
            pass: &mut ::constnet::__private::BlockPass<'_, T>,
        ) {
            let p = &self.parameters;
            #(#forward)*
        }

        #[inline]
        fn r_backward_block<const B: ::constnet::__private::usize>(
            &self,
            forward_cache: &#cache<T, { B }>,
            cache: &#cache<T, { B }>,
            output_grads: &#cache<T, { B }>,
            pass: &mut ::constnet::__private::BlockPass<'_, T>,
        ) {
            let p = &self.parameters;
            #(#backward)*
        }
    }
}
