//! Code generation: the network struct, its training cache, the hidden
//! constants, and the `Network` implementation.
//!
//! The generated code is wiring only. Every computation is a call to a
//! layer's `Layer` method through `::constnet::__private`, on the layer's
//! constant-offset slice of the flat parameter vector.

mod blocked;
mod docs;
mod passes;
mod sizes;

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use crate::validate::{Condition, Kind, Plan, Size, kind_name};
use sizes::{Hoister, LayerTokens, literal_counts};

/// Everything computed once for a network and shared by the generators.
pub struct NetTokens<'a> {
    pub plan: &'a Plan,
    pub layers: Vec<LayerTokens>,
    pub input: TokenStream,
    pub output: TokenStream,
    pub params: TokenStream,
    pub buffers: TokenStream,
    pub cache: proc_macro2::Ident,
    hoisted: TokenStream,
    checks: TokenStream,
    buffer_total: Size,
}

pub fn expand(plan: &Plan) -> TokenStream {
    let net = NetTokens::new(plan);
    let definition = net.definition();
    let inherent = net.inherent();
    let cache = passes::cache_struct(&net);
    let network = passes::network_impl(&net);
    let (hoisted, checks) = (&net.hoisted, &net.checks);
    quote! {
        #hoisted
        #definition
        #checks
        #inherent
        #cache
        #network
    }
}

impl<'a> NetTokens<'a> {
    fn new(plan: &'a Plan) -> Self {
        let prefix = format!("__CONSTNET_{}", plan.name.to_string().to_uppercase());
        let mut hoister = Hoister::new(&prefix);
        let mut layers = Vec::new();
        let mut param_start = Size::Lit(0);
        let mut buffer_start = Size::Lit(0);
        let mut config_items = Vec::new();
        let mut count_checks = Vec::new();
        for (index, layer) in plan.layers.iter().enumerate() {
            let span = layer.kind_ident.span();
            let kind = proc_macro2::Ident::new(kind_name(layer.kind), span);
            let mut sizes: Vec<TokenStream> =
                layer.sizes.iter().map(|(s, _)| hoister.size(s)).collect();
            if layer.sequence {
                sizes.push(quote_spanned!(span=> true));
            }
            let ty = if sizes.is_empty() {
                quote_spanned!(span=> ::constnet::__private::#kind)
            } else {
                quote_spanned!(span=> ::constnet::__private::#kind<#(#sizes),*>)
            };
            let input = hoister.size(&layer.input);
            let output = hoister.size(&layer.output);
            let config = format_ident!("{}_L{}", prefix, index);
            let mut tokens = LayerTokens {
                name: layer.name.clone(),
                ty: ty.clone(),
                input,
                output,
                config: config.clone(),
                cache_field: format_ident!("{}_cache", layer.name),
                params: Size::Lit(0),
                buffers: Size::Lit(0),
                param_start: param_start.clone(),
                buffer_start: buffer_start.clone(),
            };
            let shape = tokens.shape();
            if let Some((p, b)) = literal_counts(layer) {
                tokens.params = Size::Lit(p);
                tokens.buffers = Size::Lit(b);
                let (pl, bl) = (
                    proc_macro2::Literal::u64_unsuffixed(p),
                    proc_macro2::Literal::u64_unsuffixed(b),
                );
                count_checks.push(quote_spanned! {span=>
                    ::core::assert!(#shape::PARAMS == #pl && #shape::BUFFERS == #bl, "constnet-macros and constnet disagree on a layer's parameter count: use matching versions");
                });
            } else {
                tokens.params = Size::Expr(quote!(#shape::PARAMS));
                tokens.buffers = Size::Expr(quote!(#shape::BUFFERS));
            }
            param_start = param_start.plus(&tokens.params);
            buffer_start = buffer_start.plus(&tokens.buffers);
            config_items.push(config_item(&config, &ty, layer, span));
            layers.push(tokens);
        }
        let hoist_total = |hoister: &mut Hoister, name: &str, total: &Size| match total {
            Size::Lit(_) => total.tokens(),
            Size::Expr(expr) => {
                let ident = hoister.hoist_usize(format!("__{name}"), expr);
                quote!({ #ident })
            }
        };
        let params = hoist_total(&mut hoister, "params", &param_start);
        let buffers = hoist_total(&mut hoister, "buffers", &buffer_start);
        let input = layers.first().map(|l| l.input.clone()).unwrap_or_default();
        let output = layers.last().map(|l| l.output.clone()).unwrap_or_default();

        let compile_checks = compile_checks(plan, &mut hoister);
        let hoisted_consts = hoister.items();
        let checks = quote! {
            #(#config_items)*
            #[doc(hidden)]
            const _: () = {
                #(#count_checks)*
            };
            #(#compile_checks)*
        };
        Self {
            plan,
            layers,
            input,
            output,
            params,
            buffers,
            cache: format_ident!("{}Cache", plan.name),
            hoisted: hoisted_consts,
            checks,
            buffer_total: buffer_start,
        }
    }

    fn definition(&self) -> TokenStream {
        let Plan {
            attrs, vis, name, ..
        } = self.plan;
        let (params, buffers) = (&self.params, &self.buffers);
        let table = docs::layer_table(self);
        quote! {
            #(#attrs)*
            #table
            #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
            #vis struct #name<T = ::core::primitive::f32> {
                parameters: [T; #params],
                buffers: [T; #buffers],
                batches_tracked: ::core::primitive::u64,
            }
        }
    }

    fn inherent(&self) -> TokenStream {
        let name = &self.plan.name;
        let (input, output, params, buffers) =
            (&self.input, &self.output, &self.params, &self.buffers);
        let network = quote!(::constnet::__private::Network<T, #input, #output, #params>);
        let has_buffers = !matches!(self.buffer_total, Size::Lit(0));
        let from_parameters = if has_buffers {
            let inits = self.layers.iter().map(|l| {
                let (config, layer, range) = (&l.config, l.layer(), l.buffer_range());
                quote!(#layer::init_buffers(&#config, &mut __cn_net.buffers[#range]);)
            });
            quote! {
                /// A network with the given flat parameters (PyTorch order) and
                /// freshly initialized buffers (running mean 0, running variance 1).
                #[must_use]
                pub fn from_parameters(__cn_parameters: [T; #params]) -> Self {
                    let mut __cn_net = Self {
                        parameters: __cn_parameters,
                        buffers: [T::zero(); #buffers],
                        batches_tracked: 0,
                    };
                    #(#inits)*
                    __cn_net
                }
            }
        } else {
            quote! {
                /// A network with the given flat parameters, in PyTorch
                /// `parameters()` order. `const`, so weights can live in flash:
                /// `static NET: Net = Net::from_parameters([...]);`
                #[must_use]
                pub const fn from_parameters(__cn_parameters: [T; #params]) -> Self {
                    Self { parameters: __cn_parameters, buffers: [], batches_tracked: 0 }
                }
            }
        };
        quote! {
            #[allow(clippy::all, clippy::pedantic)]
            impl<T: ::constnet::__private::Float> #name<T> {
                /// Input width: features per sample.
                pub const INPUT: ::constnet::__private::usize = #input;
                /// Output width.
                pub const OUTPUT: ::constnet::__private::usize = #output;
                /// Number of trainable parameters (length of the flat vector).
                pub const PARAMS: ::constnet::__private::usize = #params;
                /// Number of buffer values (running statistics).
                pub const BUFFERS: ::constnet::__private::usize = #buffers;

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

                #from_parameters

                /// A network from its flat parameters, buffers and count of
                /// tracked batches (all state, as saved). `const`.
                #[must_use]
                pub const fn from_parts(
                    __cn_parameters: [T; #params],
                    __cn_buffers: [T; #buffers],
                    __cn_batches_tracked: ::constnet::__private::u64,
                ) -> Self {
                    Self {
                        parameters: __cn_parameters,
                        buffers: __cn_buffers,
                        batches_tracked: __cn_batches_tracked,
                    }
                }
            }
        }
    }
}

/// The `const` assertions of the checks left to the compiler, one item per
/// check so that every failing check is reported, each spanned on its size.
fn compile_checks(plan: &Plan, hoister: &mut Hoister) -> Vec<TokenStream> {
    plan.checks
        .iter()
        .map(|check| {
            let condition = match &check.condition {
                Condition::Equal(expected, actual) => {
                    let (expected, actual) = (hoister.size(expected), hoister.size(actual));
                    quote!(#expected == #actual)
                }
                Condition::Positive(size) => {
                    let size = hoister.size(size);
                    quote!(#size >= 1)
                }
            };
            // The message is a format string: keep braces of sizes such as
            // `{ 2 * N }` literal.
            let message = check.message.replace('{', "{{").replace('}', "}}");
            quote_spanned! {check.span=>
                #[doc(hidden)]
                const _: () = ::core::assert!(#condition, #message);
            }
        })
        .collect()
}

/// `const PREFIX_Lk: Dense<2, 8> = <Dense<2, 8>>::new().weight_init(...);`
fn config_item(
    config: &proc_macro2::Ident,
    ty: &TokenStream,
    layer: &crate::validate::PlannedLayer,
    span: proc_macro2::Span,
) -> TokenStream {
    let base = match layer.kind {
        Kind::Dense | Kind::BatchNorm | Kind::Rnn => quote_spanned!(span=> <#ty>::new()),
        Kind::LeakyReLU => quote_spanned!(span=> <#ty>::DEFAULT),
        _ => quote_spanned!(span=> #ty),
    };
    let calls = layer.settings.iter().map(|setting| {
        let method = &setting.method;
        setting.value.as_ref().map_or_else(
            || quote_spanned!(method.span()=> .#method()),
            |value| quote_spanned!(method.span()=> .#method(#value)),
        )
    });
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, clippy::all, clippy::pedantic)]
        const #config: #ty = #base #(#calls)*;
    }
}
