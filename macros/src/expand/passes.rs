//! The training cache struct and the `Network` implementation: forward,
//! training forward, buffer update, backward, and the R-operator.
//!
//! Each pass is a straight line of layer calls. Layer `k` reads the output
//! of layer `k - 1` (the input for the first layer) and writes its own; the
//! backward passes walk the layers in reverse, handing `dL/dx` of one layer
//! to the next as its `dL/dy`. A layer's input is its predecessor's output
//! through `wire`, the identity on matrices whose widths the declaration's
//! checks made equal.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use super::NetTokens;
use super::backward::{backward_body, backward_with_input};
use super::checks::described;
use super::tokens::{input_of, matrix, wired};

pub fn cache_struct(net: &NetTokens<'_>) -> TokenStream {
    let (cache, name, vis) = (&net.cache, &net.plan.name, &net.plan.vis);
    let input_ty = matrix(&net.input);
    let fields = net.layers.iter().map(|l| {
        let (field, cache_field) = (&l.name, &l.cache_field);
        let ty = matrix(&l.output);
        let layer = l.layer();
        let doc_out = format!("Output of layer `{field}`.");
        let doc_cache = format!("What layer `{field}` keeps for its backward pass.");
        quote! {
            #[doc = #doc_out]
            pub #field: #ty,
            #[doc = #doc_cache]
            pub #cache_field: #layer::Cache<{ B }>,
        }
    });
    let zeroed = net.layers.iter().map(|l| {
        let (field, cache_field) = (&l.name, &l.cache_field);
        quote! {
            #field: ::constnet::__private::Zeroed::zeroed(),
            #cache_field: ::constnet::__private::Zeroed::zeroed(),
        }
    });
    let network = name.to_string();
    let batch_checks = net.layers.iter().zip(&net.plan.layers).map(|(t, l)| {
        let (field, config_trait) = (&t.name, t.config_trait());
        let this = described(t, l);
        quote_spanned! {t.span=>
            const #field: () = if let ::constnet::__private::Some(__cn_message) =
                ::constnet::__private::batch_too_small(
                    #network,
                    &#this,
                    #config_trait::PROPERTIES.min_train_batch,
                    B,
                )
            {
                ::core::panic!("{}", __cn_message.as_str())
            };
        }
    });
    let reads: Vec<TokenStream> = net
        .layers
        .iter()
        .map(|t| {
            let field = &t.name;
            super::respan(quote!(let () = Self::#field;), t.span)
        })
        .collect();
    let doc = format!(
        "The training cache of [`{name}`] for a batch of `B` samples: every layer's output and what its backward pass needs. Create it with `Zeroed::zeroed()`; it lives on the stack."
    );
    quote! {
        #[doc = #doc]
        #[derive(::core::clone::Clone, ::core::fmt::Debug)]
        #vis struct #cache<T: ::constnet::__private::Float, const B: ::constnet::__private::usize> {
            /// The batch's input.
            pub input: #input_ty,
            #(#fields)*
        }

        #[automatically_derived]
        impl<T: ::constnet::__private::Float, const B: ::constnet::__private::usize> ::constnet::__private::Zeroed for #cache<T, { B }> {
            #[inline]
            fn zeroed() -> Self {
                Self {
                    input: ::constnet::__private::Zeroed::zeroed(),
                    #(#zeroed)*
                }
            }
        }

        // A training step of `B` samples is refused at compile time when a
        // layer needs more (batch normalization: 2), naming the layer.
        #[doc(hidden)]
        #[automatically_derived]
        #[allow(non_upper_case_globals)]
        impl<T: ::constnet::__private::Float, const B: ::constnet::__private::usize> #cache<T, { B }> {
            #(#batch_checks)*

            /// Refuses, at compile time, a training step of `B` samples
            /// that a layer cannot train on.
            #[inline(always)]
            fn assert_batch_size() {
                #(#reads)*
            }
        }
    }
}

pub fn network_impl(net: &NetTokens<'_>) -> TokenStream {
    let (name, cache) = (&net.plan.name, &net.cache);
    let (input, output, params) = (&net.input, &net.output, &net.params);
    let consts = &net.consts;
    let x_ty = matrix(input);
    let y_ty = matrix(output);
    let last = net.layers.last().map(|l| l.name.clone());
    let layer_infos = net.layers.iter().map(|l| layer_info(net, l));
    let batch_check = super::respan(
        quote!(#cache::<T, { B }>::assert_batch_size();),
        net.plan.name.span(),
    );
    let forward = forward_body(net);
    let (forward_train, update, r_forward) = (
        forward_train_calls(net),
        update_calls(net),
        r_forward_calls(net),
    );
    let backward = backward_body(net, false, false);
    let backward_input = backward_with_input(net);
    let r_backward = backward_body(net, true, false);
    let accessors = accessors(params);
    let initialized = initialized(net);
    quote! {
        #[automatically_derived]
        impl<T: ::constnet::__private::Float> ::constnet::__private::Network<T, #input, #output, #params> for #name<T> {
            const BUFFERS: ::constnet::__private::usize = #consts::BUFFERS;
            const LAYERS: &'static [::constnet::__private::LayerInfo] = &[#(#layer_infos),*];
            type Cache<const B: ::constnet::__private::usize> = #cache<T, { B }>;

            #initialized

            #accessors

            #[inline]
            fn forward<const B: ::constnet::__private::usize>(&self, __cn_x: &#x_ty) -> #y_ty {
                #forward
            }

            #[inline]
            fn forward_train_with<const B: ::constnet::__private::usize>(
                &self,
                __cn_x: &#x_ty,
                __cn_cache: &mut #cache<T, { B }>,
                __cn_context: &::constnet::__private::TrainContext,
            ) -> #y_ty {
                #batch_check
                let __cn_p = &self.parameters;
                let __cn_s = &self.buffers;
                __cn_cache.input = *__cn_x;
                #(#forward_train)*
                __cn_cache.#last
            }

            #[inline(always)]
            fn cached_input<const B: ::constnet::__private::usize>(
                __cn_cache: &#cache<T, { B }>,
            ) -> ::core::option::Option<&#x_ty> {
                ::core::option::Option::Some(&__cn_cache.input)
            }

            #[inline]
            fn update_buffers<const B: ::constnet::__private::usize>(&mut self, __cn_cache: &#cache<T, { B }>) {
                #batch_check
                #(#update)*
                ::constnet::__private::count_batch(&mut self.batches_tracked);
            }

            #[inline]
            fn backward<const B: ::constnet::__private::usize>(
                &self,
                __cn_cache: &mut #cache<T, { B }>,
                __cn_d_output: &#y_ty,
                __cn_grad: &mut [T; #params],
            ) {
                let __cn_p = &self.parameters;
                #backward
            }

            #backward_input

            #[inline]
            fn r_forward<const B: ::constnet::__private::usize>(
                &self,
                __cn_v: &[T; #params],
                __cn_cache: &#cache<T, { B }>,
                __cn_r_cache: &mut #cache<T, { B }>,
            ) -> #y_ty {
                let __cn_p = &self.parameters;
                __cn_r_cache.input = ::constnet::__private::Zeroed::zeroed();
                #(#r_forward)*
                __cn_r_cache.#last
            }

            #[inline]
            fn r_backward<const B: ::constnet::__private::usize>(
                &self,
                __cn_v: &[T; #params],
                __cn_cache: &mut #cache<T, { B }>,
                __cn_r_cache: &#cache<T, { B }>,
                __cn_d_output: &#y_ty,
                __cn_r_d_output: &#y_ty,
                __cn_grad: &mut [T; #params],
                __cn_r_grad: &mut [T; #params],
            ) {
                let __cn_p = &self.parameters;
                #r_backward
            }
        }
    }
}

/// The training forward's layer calls, each with its own stream of the
/// step's randomness.
fn forward_train_calls(net: &NetTokens<'_>) -> Vec<TokenStream> {
    net.layers
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let (layer, config, p, b) = (l.layer(), &l.config, l.param_range(), l.buffer_range());
            let (x, y, c) = (input_of(net, k), &l.name, &l.cache_field);
            let x = wired(&quote!(&__cn_cache.#x));
            quote! {
                #layer::forward_train::<{ B }>(
                    &#config, &__cn_p[#p], &__cn_s[#b], #x, &mut __cn_cache.#y, &mut __cn_cache.#c,
                    &__cn_context.for_layer(#k),
                );
            }
        })
        .collect()
}

/// The buffer updates after a training step, each layer reading its own
/// count of tracked batches (0 for a layer that keeps none).
fn update_calls(net: &NetTokens<'_>) -> Vec<TokenStream> {
    net.layers
        .iter()
        .map(|l| {
            let (layer, config, b, c) = (l.layer(), &l.config, l.buffer_range(), &l.cache_field);
            let t = l.tracked_range();
            quote! {
                #layer::update_buffers::<{ B }>(
                    &#config, &mut self.buffers[#b], &__cn_cache.#c,
                    ::constnet::__private::own_count(&self.batches_tracked[#t]),
                );
            }
        })
        .collect()
}

/// The R-operator forward's layer calls.
fn r_forward_calls(net: &NetTokens<'_>) -> Vec<TokenStream> {
    net.layers
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let (layer, config, p) = (l.layer(), &l.config, l.param_range());
            let (x, y, c) = (input_of(net, k), &l.name, &l.cache_field);
            let (x, rx) = (
                wired(&quote!(&__cn_cache.#x)),
                wired(&quote!(&__cn_r_cache.#x)),
            );
            quote! {
                #layer::r_forward::<{ B }>(
                    &#config, &__cn_p[#p], &__cn_v[#p], #x, &__cn_cache.#y, &__cn_cache.#c,
                    #rx, &mut __cn_r_cache.#y, &mut __cn_r_cache.#c,
                );
            }
        })
        .collect()
}

/// `Network::initialized`: every layer's `init` in declaration order.
fn initialized(net: &NetTokens<'_>) -> TokenStream {
    let consts = &net.consts;
    let inits = net.layers.iter().map(|l| {
        let (layer, config, p, b) = (l.layer(), &l.config, l.param_range(), l.buffer_range());
        quote!(#layer::init(&#config, &mut __cn_net.parameters[#p], &mut __cn_net.buffers[#b], __cn_rng);)
    });
    quote! {
        fn initialized(__cn_rng: &mut ::constnet::__private::Rng) -> Self {
            let mut __cn_net = Self {
                parameters: [T::zero(); #consts::PARAMS],
                buffers: [T::zero(); #consts::BUFFERS],
                batches_tracked: [0; #consts::TRACKED],
            };
            #(#inits)*
            __cn_net
        }
    }
}

/// The plain accessors of the `Network` implementation.
fn accessors(params: &TokenStream) -> TokenStream {
    quote! {
        #[inline]
        fn parameters(&self) -> &[T; #params] {
            &self.parameters
        }

        #[inline]
        fn parameters_mut(&mut self) -> &mut [T; #params] {
            &mut self.parameters
        }

        #[inline]
        fn buffers(&self) -> &[T] {
            &self.buffers
        }

        #[inline]
        fn buffers_mut(&mut self) -> &mut [T] {
            &mut self.buffers
        }

        #[inline]
        fn batches_tracked(&self) -> &[::constnet::__private::u64] {
            &self.batches_tracked
        }

        #[inline]
        fn batches_tracked_mut(&mut self) -> &mut [::constnet::__private::u64] {
            &mut self.batches_tracked
        }
    }
}

fn layer_info(net: &NetTokens<'_>, l: &super::LayerTokens) -> TokenStream {
    let _ = net;
    let name = l.name.to_string();
    let (shape, config_trait) = (l.shape(), l.config_trait());
    let (input, output) = (&l.input, &l.output);
    let (po, bo, to) = (&l.params.0, &l.buffers.0, &l.tracked.0);
    quote! {
        ::constnet::__private::LayerInfo {
            name: #name,
            kind: #config_trait::NAME,
            properties: #config_trait::PROPERTIES,
            inputs: #input,
            outputs: #output,
            param_offset: #po,
            params: #shape::PARAMS,
            buffer_offset: #bo,
            buffers: #shape::BUFFERS,
            tensors: #shape::TENSORS,
            buffer_tensors: #shape::BUFFER_TENSORS,
            counter: if #config_trait::PROPERTIES.counts_batches {
                ::constnet::__private::Some(#to)
            } else {
                ::constnet::__private::None
            },
        }
    }
}

fn forward_body(net: &NetTokens<'_>) -> TokenStream {
    let steps = net.layers.iter().enumerate().map(|(k, l)| {
        let (layer, config, p, b) = (l.layer(), &l.config, l.param_range(), l.buffer_range());
        let out = format_ident!("__cn_a{}", k);
        let x = if k == 0 {
            wired(&quote!(__cn_x))
        } else {
            let prev = format_ident!("__cn_a{}", k - 1);
            wired(&quote!(&#prev))
        };
        let ty = matrix(&l.output);
        quote! {
            let mut #out = <#ty as ::constnet::__private::Zeroed>::zeroed();
            #layer::forward::<{ B }>(&#config, &__cn_p[#p], &__cn_s[#b], #x, &mut #out);
        }
    });
    let last = format_ident!("__cn_a{}", net.layers.len().saturating_sub(1));
    quote! {
        let __cn_p = &self.parameters;
        let __cn_s = &self.buffers;
        #(#steps)*
        #last
    }
}
