//! The int8 form of a declaration: its layers as a chain type
//! (`LayerChain`), the int8 network type `NetQ8`, and `Net::quantize`.
//!
//! Only types and one forwarding call: a declaration that never quantizes
//! pays for an impl with an associated type and constant, and an alias.
//! Whether the network can be quantized is the compiler's question (does
//! the chain implement `FloatChain`?), asked only where `quantize` is
//! called; so a declaration with a recurrent layer compiles as
//! before, and calling its `quantize` is an error there.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{LayerTokens, NetTokens};
use crate::validate::FOLDED_INTO_PREVIOUS;

/// One stage of the chain: its type, its value (from the layers' hidden
/// configuration constants) and its output width.
struct StageTokens {
    ty: TokenStream,
    value: TokenStream,
    output: TokenStream,
}

impl StageTokens {
    fn single(layer: &LayerTokens) -> Self {
        let (ty, config) = (&layer.ty, &layer.config);
        Self {
            ty: quote!(#ty),
            value: quote!(#config),
            output: layer.output.clone(),
        }
    }

    /// `layer` folded into the stage before it, which is one layer.
    fn folded(previous: &LayerTokens, layer: &LayerTokens) -> Self {
        let (first_ty, first) = (&previous.ty, &previous.config);
        let (ty, config) = (&layer.ty, &layer.config);
        Self {
            ty: quote!(::constnet::__private::Folded<#first_ty, #ty>),
            value: quote!(::constnet::__private::Folded { layer: #first, norm: #config }),
            output: layer.output.clone(),
        }
    }
}

/// The stages in declaration order: a layer whose kind quantization folds
/// into the layer before it (a `BatchNorm`) pairs with that layer.
fn stages(net: &NetTokens<'_>) -> Vec<StageTokens> {
    let mut stages: Vec<StageTokens> = Vec::new();
    let mut alone: Option<&LayerTokens> = None;
    for (planned, layer) in net.plan.layers.iter().zip(&net.layers) {
        let folds = planned
            .row
            .is_some_and(|row| FOLDED_INTO_PREVIOUS.contains(&row.name));
        match alone {
            Some(previous) if folds => {
                stages.pop();
                stages.push(StageTokens::folded(previous, layer));
                alone = None;
            }
            _ => {
                stages.push(StageTokens::single(layer));
                alone = Some(layer);
            }
        }
    }
    stages
}

pub fn quant(net: &NetTokens<'_>) -> TokenStream {
    let mut stages = stages(net);
    let Some(last) = stages.pop() else {
        return quote!();
    };
    let (mut ty, mut value) = (last.ty, last.value);
    for stage in stages.into_iter().rev() {
        let (first_ty, first, width) = (stage.ty, stage.value, stage.output);
        ty = quote!(::constnet::__private::Then<#first_ty, #ty, #width>);
        value = quote!(::constnet::__private::Then { first: #first, rest: #value });
    }
    let (vis, name) = (&net.plan.vis, &net.plan.name);
    let (input, output) = (&net.input, &net.output);
    let int8 = format_ident!("{}Q8", name);
    let net_f32 = quote!(#name<::core::primitive::f32>);
    let float_chain = quote!(::constnet::__private::FloatChain<#input, #output>);
    let alias_doc = format!(
        "`{name}` in int8: the network `{name}::quantize` returns, integer layers and the \
         quantization of the input and output. `const`-constructible \
         (`static MODEL: {int8} = {int8}::from_parts(...)`, as \
         `constnet::quant::source::int8_rust_source` writes it), so the weights stay in flash."
    );
    let quantize_doc = "Post-training int8 quantization (TensorFlow Lite's scheme) of the network, \
         calibrated on `calibration`: weights int8 per output channel, activations int8 per \
         tensor, biases int32 at `s_in * s_w[c]`, a `BatchNorm` folded into the layer before \
         it. No heap. A compile error when a layer has no int8 form.\n\n\
         # Errors\n`QuantError` for an empty or non-finite calibration set, a non-finite \
         parameter, or a value that does not fit its integer type.";
    quote! {
        #[automatically_derived]
        impl<T: ::constnet::__private::Float> ::constnet::__private::LayerChain for #name<T> {
            type Chain = #ty;
            #[inline]
            fn chain() -> Self::Chain {
                #value
            }
        }

        #[doc = #alias_doc]
        #vis type #int8 = ::constnet::__private::Int8Network<
            <<#net_f32 as ::constnet::__private::LayerChain>::Chain as #float_chain>::Int8,
            #input,
            #output,
        >;

        #[automatically_derived]
        impl #net_f32 {
            #[doc = #quantize_doc]
            pub fn quantize<__CnChain>(
                &self,
                __cn_calibration: &::constnet::__private::Calibration<'_, #input>,
            ) -> ::core::result::Result<
                ::constnet::__private::Int8Network<<__CnChain as #float_chain>::Int8, #input, #output>,
                ::constnet::__private::QuantError,
            >
            where
                Self: ::constnet::__private::LayerChain<Chain = __CnChain>,
                __CnChain: #float_chain,
            {
                ::constnet::__private::quantize_network(self, __cn_calibration)
            }
        }
    }
}
