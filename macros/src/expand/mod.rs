//! Code generation: the network struct, its hidden constants, its
//! training cache, the compile-time checks, and the `Network`
//! implementation.
//!
//! The generated code is wiring only. Every width, parameter count and
//! offset is a `const` the compiler computes from the layers' own
//! constants (`LayerConfig`, `LayerShape`); the macro does no arithmetic.
//! Those constants are associated constants of `Net<f32>`, named after
//! each layer (`Net::hidden` is the configuration of layer `hidden`,
//! `Net::hidden__width_out` its output width), so a compile error names
//! the network and the layer, and two networks never share a name. Every
//! computation is a call to a layer's `Layer` method on its slice of the
//! flat parameter vector.

mod backward;
mod blocked;
mod checks;
mod config;
mod docs;
mod passes;
mod quant;
mod state;
mod tokens;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::validate::{Plan, Size};

/// What the generated code needs to know about one layer.
pub struct LayerTokens {
    pub name: Ident,
    /// `::constnet::layer::Dense<2, 8>`, spanned on the kind.
    pub ty: TokenStream,
    /// The hidden constant holding the layer's configuration: `Net::<f32>::hidden`.
    pub config: TokenStream,
    /// Its input and output widths, as const arguments: `{ Net::<f32>::hidden__width_in }`.
    pub input: TokenStream,
    pub output: TokenStream,
    /// Where its parameters and buffers start and end in the flat vectors.
    pub params: (TokenStream, TokenStream),
    pub buffers: (TokenStream, TokenStream),
    /// Where its counts of tracked batches start and end (none, or one for
    /// batch normalization).
    pub tracked: (TokenStream, TokenStream),
    pub cache_field: Ident,
    /// The span of the kind, where the checks about the layer point.
    pub span: Span,
}

impl LayerTokens {
    /// `<Dense<2, 8> as LayerShape<2>>`
    pub fn shape(&self) -> TokenStream {
        let (ty, input) = (&self.ty, &self.input);
        quote!(<#ty as ::constnet::__private::LayerShape<#input>>)
    }

    /// `<Dense<2, 8> as LayerConfig>`, spanned on the layer's kind (so a
    /// failing builder call is reported there).
    pub fn config_trait(&self) -> TokenStream {
        let ty = &self.ty;
        respan(
            quote!(<#ty as ::constnet::__private::LayerConfig>),
            self.span,
        )
    }

    /// The configuration constant's path, spanned on the layer's kind.
    pub fn config_at_kind(&self) -> TokenStream {
        respan(self.config.clone(), self.span)
    }

    /// `<Dense<2, 8> as Layer<T, 2, 8>>`
    pub fn layer(&self) -> TokenStream {
        let (ty, input, output) = (&self.ty, &self.input, &self.output);
        quote!(<#ty as ::constnet::__private::Layer<T, #input, #output>>)
    }

    /// The range of the layer's parameters: `a..b`.
    pub fn param_range(&self) -> TokenStream {
        let (start, end) = &self.params;
        quote!(#start..#end)
    }

    /// The range of the layer's buffers: `a..b`.
    pub fn buffer_range(&self) -> TokenStream {
        let (start, end) = &self.buffers;
        quote!(#start..#end)
    }

    /// The range of the layer's counts of tracked batches: `a..b`.
    pub fn tracked_range(&self) -> TokenStream {
        let (start, end) = &self.tracked;
        quote!(#start..#end)
    }
}

/// Everything computed once for a network and shared by the generators.
pub struct NetTokens<'a> {
    pub plan: &'a Plan,
    pub layers: Vec<LayerTokens>,
    /// `Net::<f32>`: the type whose associated constants hold the facts.
    pub consts: TokenStream,
    pub input: TokenStream,
    pub output: TokenStream,
    pub params: TokenStream,
    pub cache: Ident,
}

pub fn expand(plan: &Plan) -> TokenStream {
    let net = NetTokens::new(plan);
    let definition = net.definition();
    let constants = net.constants();
    let checks = checks::checks(&net);
    let inherent = net.inherent();
    let cache = passes::cache_struct(&net);
    let network = passes::network_impl(&net);
    let blocked = blocked::blocked(&net);
    let quant = quant::quant(&net);
    quote! {
        #definition
        #constants
        #checks
        #inherent
        #cache
        #network
        #blocked
        #quant
    }
}

impl<'a> NetTokens<'a> {
    fn new(plan: &'a Plan) -> Self {
        let name = &plan.name;
        let consts = quote!(#name::<::core::primitive::f32>);
        let at = |suffix: String| {
            let ident = Ident::new(&suffix, Span::call_site());
            quote!(#consts::#ident)
        };
        let layers: Vec<LayerTokens> = plan
            .layers
            .iter()
            .map(|layer| {
                let base = layer.name.to_string();
                let ty = config::layer_type(layer, &consts);
                let width = |end: &str| {
                    let path = at(format!("{base}__width_{end}"));
                    quote!({ #path })
                };
                LayerTokens {
                    name: layer.name.clone(),
                    config: at(base.clone()),
                    input: width("in"),
                    output: width("out"),
                    params: (
                        at(format!("{base}__params_at")),
                        at(format!("{base}__params_end")),
                    ),
                    buffers: (
                        at(format!("{base}__buffers_at")),
                        at(format!("{base}__buffers_end")),
                    ),
                    tracked: (
                        at(format!("{base}__tracked_at")),
                        at(format!("{base}__tracked_end")),
                    ),
                    cache_field: format_ident!("{}_cache", layer.name),
                    span: layer.kind_span,
                    ty,
                }
            })
            .collect();
        Self {
            plan,
            input: quote!({ #consts::INPUT }),
            output: quote!({ #consts::OUTPUT }),
            params: quote!({ #consts::PARAMS }),
            cache: format_ident!("{}Cache", plan.name),
            consts,
            layers,
        }
    }

    fn definition(&self) -> TokenStream {
        let Plan {
            attrs, vis, name, ..
        } = self.plan;
        let consts = &self.consts;
        let table = docs::layer_table(self);
        quote! {
            #(#attrs)*
            #table
            #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
            #vis struct #name<T = ::core::primitive::f32> {
                parameters: [T; #consts::PARAMS],
                buffers: [T; #consts::BUFFERS],
                batches_tracked: [::core::primitive::u64; #consts::TRACKED],
            }
            // Serialize and Deserialize when constnet's `serde` feature is
            // on: the macro is constnet's, so is the feature.
            ::constnet::__serde_impls! { #name }
        }
    }

    /// The hidden associated constants of `Net<f32>`: per layer its hoisted
    /// sizes, its configuration, its widths and its offsets.
    fn constants(&self) -> TokenStream {
        let name = &self.plan.name;
        let consts = &self.consts;
        let mut items = Vec::new();
        let mut previous: Option<&LayerTokens> = None;
        for (layer, tokens) in self.plan.layers.iter().zip(&self.layers) {
            let base = layer.name.to_string();
            let ident = |suffix: &str| Ident::new(&format!("{base}{suffix}"), Span::call_site());
            for (k, (size, span)) in layer.sizes.iter().enumerate() {
                if let (Some(_), Size::Expr(expr)) = (layer.row, size) {
                    let hoisted = ident(&format!("__size_{k}"));
                    items.push(quote_spanned! {*span=>
                        const #hoisted: ::constnet::__private::usize = #expr;
                    });
                }
            }
            let (ty, config, span) = (&tokens.ty, &layer.name, tokens.span);
            let config_trait = tokens.config_trait();
            let calls = config::builder_calls(layer);
            let argument_checks = config::argument_checks(layer, &config_trait, ty, &base);
            let checked: Vec<TokenStream> = argument_checks
                .iter()
                .map(|(check, _)| respan(quote!(let _ = #consts::#check;), span))
                .collect();
            items.extend(argument_checks.into_iter().map(|(_, item)| item));
            items.push(quote_spanned! {span=>
                const #config: #ty = {
                    #(#checked)*
                    #config_trait::DEFAULT #(#calls)*
                };
            });
            let incoming = previous.map_or_else(
                || quote!(1),
                |p| {
                    let out = &p.output;
                    quote!(#out)
                },
            );
            let (width_in, width_out) = (ident("__width_in"), ident("__width_out"));
            let shape = tokens.shape();
            items.push(quote! {
                const #width_in: ::constnet::__private::usize = match #config_trait::INPUT {
                    ::constnet::__private::Some(__cn_width) => __cn_width,
                    ::constnet::__private::None => #incoming,
                };
                const #width_out: ::constnet::__private::usize = #shape::OUTPUT;
            });
            let (params_at, params_end) = (ident("__params_at"), ident("__params_end"));
            let (buffers_at, buffers_end) = (ident("__buffers_at"), ident("__buffers_end"));
            let (tracked_at, tracked_end) = (ident("__tracked_at"), ident("__tracked_end"));
            let (p0, b0, t0) = previous.map_or_else(
                || (quote!(0), quote!(0), quote!(0)),
                |p| (p.params.1.clone(), p.buffers.1.clone(), p.tracked.1.clone()),
            );
            items.push(quote! {
                const #params_at: ::constnet::__private::usize = #p0;
                const #params_end: ::constnet::__private::usize = #consts::#params_at + #shape::PARAMS;
                const #buffers_at: ::constnet::__private::usize = #b0;
                const #buffers_end: ::constnet::__private::usize = #consts::#buffers_at + #shape::BUFFERS;
                const #tracked_at: ::constnet::__private::usize = #t0;
                const #tracked_end: ::constnet::__private::usize =
                    #consts::#tracked_at + #config_trait::PROPERTIES.batch_counters();
            });
            previous = Some(tokens);
        }
        quote! {
            #[doc(hidden)]
            #[automatically_derived]
            #[allow(non_upper_case_globals)]
            impl #name<::core::primitive::f32> {
                #(#items)*
            }
        }
    }

    fn inherent(&self) -> TokenStream {
        let name = &self.plan.name;
        let consts = &self.consts;
        let (Some(first), Some(last)) = (self.layers.first(), self.layers.last()) else {
            return quote!();
        };
        let (input, output) = (&first.input, &last.output);
        let (params_end, buffers_end, tracked_end) =
            (&last.params.1, &last.buffers.1, &last.tracked.1);
        let network = quote!(::constnet::__private::Network<T, { #consts::INPUT }, { #consts::OUTPUT }, { #consts::PARAMS }>);
        let (state, from_parts) = (state::generic(self), state::from_parts(self));
        let fills = self.layers.iter().map(|l| {
            let (shape, start) = (l.shape(), &l.buffers.0);
            quote!(::constnet::__private::fill_buffers(&mut __cn_buffers, #start, #shape::BUFFER_TENSORS);)
        });
        quote! {
            #[automatically_derived]
            impl<T: ::constnet::__private::Float> #name<T> {
                /// Input width: features per sample.
                pub const INPUT: ::constnet::__private::usize = #input;
                /// Output width.
                pub const OUTPUT: ::constnet::__private::usize = #output;
                /// Number of trainable parameters (length of the flat vector).
                pub const PARAMS: ::constnet::__private::usize = #params_end;
                /// Number of buffer values (running statistics).
                pub const BUFFERS: ::constnet::__private::usize = #buffers_end;
                /// Number of counts of tracked batches (PyTorch's
                /// `num_batches_tracked`): one per layer that counts batches
                /// (each `BatchNorm`), in declaration order.
                pub const TRACKED: ::constnet::__private::usize = #tracked_end;

                /// A network initialized by each layer's declared initializer,
                /// drawing from the given generator in declaration order.
                #[must_use]
                pub fn new(__cn_rng: &mut ::constnet::__private::Rng) -> Self {
                    <Self as #network>::initialized(__cn_rng)
                }

                /// A network initialized from a seeded generator: the same seed
                /// gives the same parameters on every platform.
                #[must_use]
                pub fn seeded(__cn_seed: ::constnet::__private::u64) -> Self {
                    Self::new(&mut ::constnet::__private::Rng::seed_from(__cn_seed))
                }

                /// A network with the given flat parameters (PyTorch order),
                /// each layer's initial buffers (batch normalization:
                /// running mean 0, running variance 1) and no tracked
                /// batches. `const`, so weights
                /// can live in flash: `static NET: Net = Net::from_parameters([...]);`
                #[must_use]
                pub const fn from_parameters(__cn_parameters: [T; #consts::PARAMS]) -> Self {
                    let mut __cn_buffers = [<T as ::constnet::__private::Float>::ZERO; #consts::BUFFERS];
                    #(#fills)*
                    Self {
                        parameters: __cn_parameters,
                        buffers: __cn_buffers,
                        batches_tracked: [0; #consts::TRACKED],
                    }
                }

                #state
            }

            #from_parts
        }
    }
}

/// The same tokens, every one spanned at `span`: a compile error in code
/// that refers to a layer's constants then points at the layer.
pub fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let proc_macro2::TokenTree::Group(group) = &tree {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                tree = proc_macro2::TokenTree::Group(inner);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}
