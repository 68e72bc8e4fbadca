//! Shape inference and every check the macro can make, each error spanned
//! on the offending token and all of them reported together.
//!
//! Widths flow from layer to layer: `Dense<I, O>` and `Rnn<I, H, S>` fix
//! them, `BatchNorm<N>` checks them, activations pass them through. Sizes
//! the macro can read (integer literals) are checked here; sizes given as
//! constants are checked by the compiler through `const` assertions that
//! `expand` emits, spanned on the same tokens.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::{Attribute, Error, Expr, Ident, Visibility};

use crate::ast::{LayerDecl, LitValue, NetworkDecl, SizeExpr, lit_value};

/// The layer kinds the DSL knows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Dense,
    BatchNorm,
    Rnn,
    ReLU,
    LeakyReLU,
    Tanh,
    Sigmoid,
    Identity,
    Softmax,
}

/// What the DSL accepts for one kind.
struct Spec {
    kind: Kind,
    name: &'static str,
    /// Names of the sizes, for messages; empty for width-preserving layers.
    sizes: &'static [&'static str],
    /// Accepted argument keys; the first is also the positional one.
    keys: &'static [&'static str],
}

const SPECS: &[Spec] = &[
    Spec {
        kind: Kind::Dense,
        name: "Dense",
        sizes: &["IN", "OUT"],
        keys: &["weight_init", "bias_init"],
    },
    Spec {
        kind: Kind::BatchNorm,
        name: "BatchNorm",
        sizes: &["N"],
        keys: &["eps", "momentum"],
    },
    Spec {
        kind: Kind::Rnn,
        name: "Rnn",
        sizes: &["IN", "HIDDEN", "STEPS"],
        keys: &["sequence", "weight_init", "bias_init"],
    },
    Spec {
        kind: Kind::ReLU,
        name: "ReLU",
        sizes: &[],
        keys: &[],
    },
    Spec {
        kind: Kind::LeakyReLU,
        name: "LeakyReLU",
        sizes: &[],
        keys: &["negative_slope"],
    },
    Spec {
        kind: Kind::Tanh,
        name: "Tanh",
        sizes: &[],
        keys: &[],
    },
    Spec {
        kind: Kind::Sigmoid,
        name: "Sigmoid",
        sizes: &[],
        keys: &[],
    },
    Spec {
        kind: Kind::Identity,
        name: "Identity",
        sizes: &[],
        keys: &[],
    },
    Spec {
        kind: Kind::Softmax,
        name: "Softmax",
        sizes: &[],
        keys: &[],
    },
];

/// Names users bring from other frameworks, with what to write instead.
const ALIASES: &[(&str, &str)] = &[
    ("Linear", "Dense"),
    ("Relu", "ReLU"),
    ("LeakyRelu", "LeakyReLU"),
    ("BatchNorm1d", "BatchNorm"),
    ("RNN", "Rnn"),
    ("TanH", "Tanh"),
    ("SoftMax", "Softmax"),
];

/// A width or size: a literal the macro knows, or an expression the compiler evaluates.
#[derive(Clone)]
pub enum Size {
    Lit(u64),
    Expr(TokenStream),
}

impl Size {
    pub fn tokens(&self) -> TokenStream {
        match self {
            Self::Lit(v) => {
                let lit = proc_macro2::Literal::usize_unsuffixed(*v as usize);
                quote!(#lit)
            }
            Self::Expr(tokens) => quote!((#tokens)),
        }
    }

    fn product(&self, other: &Self) -> Self {
        if let (Self::Lit(a), Self::Lit(b)) = (self, other) {
            Self::Lit(a * b)
        } else {
            let (a, b) = (self.tokens(), other.tokens());
            Self::Expr(quote!(#a * #b))
        }
    }
}

/// A layer argument after validation: a builder call on the layer's
/// configuration (`.weight_init(expr)`), with the span of its key.
pub struct Setting {
    pub method: Ident,
    pub value: Option<Expr>,
}

/// A checked layer.
pub struct PlannedLayer {
    pub name: Ident,
    pub kind: Kind,
    pub kind_ident: Ident,
    pub sizes: Vec<(Size, Span)>,
    pub settings: Vec<Setting>,
    pub docs: Vec<Attribute>,
    pub input: Size,
    pub output: Size,
    /// `Rnn(sequence = true)`: selects the layer type that outputs every
    /// hidden state (`Rnn<I, H, S, true>`), so its width is part of the type.
    pub sequence: bool,
}

/// A width equality the compiler must check (sizes given as constants).
pub struct WidthCheck {
    pub expected: Size,
    pub actual: Size,
    pub span: Span,
    pub message: String,
}

/// A checked network, ready for code generation.
pub struct Plan {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub layers: Vec<PlannedLayer>,
    pub checks: Vec<WidthCheck>,
}

pub fn kind_name(kind: Kind) -> &'static str {
    SPECS
        .iter()
        .find(|s| s.kind == kind)
        .map_or("?", |s| s.name)
}

/// Checks a declaration; on failure returns every error found, combined.
pub fn validate(decl: NetworkDecl) -> Result<Plan, Error> {
    let mut errors: Vec<Error> = Vec::new();
    if !decl.generics.params.is_empty() || decl.generics.where_clause.is_some() {
        errors.push(Error::new_spanned(
            &decl.generics,
            format!(
                "a network is generic over its scalar automatically: remove the generics and write `{0}` (f32) or `{0}<f64>` where you use it",
                decl.name
            ),
        ));
    }
    if decl.layers.is_empty() {
        errors.push(Error::new(
            decl.body_span,
            format!(
                "network `{}` has no layers: declare at least one, e.g. `fc: Dense<2, 1>`",
                decl.name
            ),
        ));
    }
    check_names(&decl.layers, &mut errors);

    let mut layers = Vec::new();
    let mut checks = Vec::new();
    let mut previous: Option<(Size, String)> = None;
    let mut chain_broken = false;
    for layer in decl.layers {
        let Some(planned) = plan_layer(
            layer,
            previous.as_ref(),
            chain_broken,
            &mut checks,
            &mut errors,
        ) else {
            // The width after a rejected layer is unknown: stop checking the
            // chain so one mistake does not cascade into width errors.
            previous = None;
            chain_broken = true;
            continue;
        };
        previous = Some((planned.output.clone(), describe(&planned)));
        layers.push(planned);
    }
    match errors.into_iter().reduce(|mut a, b| {
        a.combine(b);
        a
    }) {
        Some(error) => Err(error),
        None => Ok(Plan {
            attrs: decl.attrs,
            vis: decl.vis,
            name: decl.name,
            layers,
            checks,
        }),
    }
}

fn describe(layer: &PlannedLayer) -> String {
    let mode = if layer.sequence {
        "(sequence = true)"
    } else {
        ""
    };
    let sizes: Vec<String> = layer
        .sizes
        .iter()
        .map(|(s, _)| match s {
            Size::Lit(v) => v.to_string(),
            Size::Expr(t) => t.to_string(),
        })
        .collect();
    if sizes.is_empty() {
        format!("`{}` ({})", layer.name, kind_name(layer.kind))
    } else {
        format!(
            "`{}` ({}<{}>{mode})",
            layer.name,
            kind_name(layer.kind),
            sizes.join(", ")
        )
    }
}

fn check_names(layers: &[LayerDecl], errors: &mut Vec<Error>) {
    for (i, layer) in layers.iter().enumerate() {
        if !matches!(layer.vis, Visibility::Inherited) {
            errors.push(Error::new_spanned(&layer.vis, "layers are not fields: remove the visibility; the network's parameters are reached through `parameters()`"));
        }
        let name = layer.name.to_string();
        if let Some(first) = layers[..i].iter().find(|l| l.name == layer.name) {
            let mut error = Error::new(
                layer.name.span(),
                format!("duplicate layer name `{name}`: every layer needs its own name"),
            );
            error.combine(Error::new(
                first.name.span(),
                format!("`{name}` is first declared here"),
            ));
            errors.push(error);
        }
        if name == "input" {
            errors.push(Error::new(layer.name.span(), "`input` is reserved for the network's input in its training cache; choose another layer name"));
        }
        if let Some(base) = name.strip_suffix("_cache")
            && layers.iter().any(|l| l.name == base)
        {
            {
                errors.push(Error::new(layer.name.span(), format!("`{name}` clashes with the cache field of layer `{base}`; choose another name")));
            }
        }
    }
}

fn plan_layer(
    layer: LayerDecl,
    previous: Option<&(Size, String)>,
    chain_broken: bool,
    checks: &mut Vec<WidthCheck>,
    errors: &mut Vec<Error>,
) -> Option<PlannedLayer> {
    let kind_str = layer.kind.to_string();
    let Some(spec) = SPECS.iter().find(|s| s.name == kind_str) else {
        errors.push(unknown_kind(&layer.kind));
        return None;
    };
    let sizes = check_sizes(&layer, spec, errors)?;
    let mut settings = check_args(&layer, spec, errors);
    let sequence = settings
        .iter()
        .any(|s| s.method == "sequence" && s.value.as_ref().is_some_and(is_true));
    // `sequence` picks the type (its output width), not a builder call.
    settings.retain(|s| s.method != "sequence");
    let (input, output) = match spec.kind {
        Kind::Dense => (Some(sizes[0].0.clone()), sizes[1].0.clone()),
        Kind::BatchNorm => (Some(sizes[0].0.clone()), sizes[0].0.clone()),
        Kind::Rnn => {
            let hidden = &sizes[1].0;
            let steps = &sizes[2].0;
            (
                Some(sizes[0].0.product(steps)),
                if sequence {
                    hidden.product(steps)
                } else {
                    hidden.clone()
                },
            )
        }
        _ => match previous {
            Some((width, _)) => (None, width.clone()),
            None if chain_broken => return None,
            None => {
                errors.push(Error::new(
                    layer.kind.span(),
                    format!("`{kind_str}` cannot be the first layer: its width follows the previous layer; start with a layer that fixes the input width (Dense, BatchNorm or Rnn)"),
                ));
                return None;
            }
        },
    };
    let span = sizes.first().map_or(layer.kind.span(), |s| s.1);
    let input = match (input, previous) {
        (Some(declared), Some((width, from))) => {
            let what = if spec.kind == Kind::Rnn {
                "inputs (IN x STEPS)"
            } else {
                "inputs"
            };
            match (&declared, width) {
                (Size::Lit(a), Size::Lit(b)) if a != b => {
                    errors.push(Error::new(
                        span,
                        format!("layer `{}` expects {a} {what}, but the previous layer {from} outputs {b}", layer.name),
                    ));
                }
                (Size::Lit(_), Size::Lit(_)) => {}
                _ => checks.push(WidthCheck {
                    expected: declared.clone(),
                    actual: width.clone(),
                    span,
                    message: format!("layer `{}`: its input width must equal the output width of the previous layer {from}", layer.name),
                }),
            }
            declared
        }
        (Some(declared), None) => declared,
        (None, _) => output.clone(),
    };
    let docs = layer
        .attrs
        .into_iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    Some(PlannedLayer {
        name: layer.name,
        kind: spec.kind,
        kind_ident: layer.kind,
        sizes,
        settings,
        docs,
        input,
        output,
        sequence,
    })
}

fn is_true(expr: &Expr) -> bool {
    matches!(lit_value(expr), LitValue::Bool(true))
}

fn unknown_kind(kind: &Ident) -> Error {
    let name = kind.to_string();
    let known: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
    let hint = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map(|(_, ours)| *ours)
        .or_else(|| {
            known
                .iter()
                .copied()
                .find(|k| k.eq_ignore_ascii_case(&name))
        })
        .map_or_else(String::new, |ours| format!("; did you mean `{ours}`?"));
    Error::new(
        kind.span(),
        format!(
            "unknown layer kind `{name}`{hint} (known: {})",
            known.join(", ")
        ),
    )
}

fn check_sizes(
    layer: &LayerDecl,
    spec: &Spec,
    errors: &mut Vec<Error>,
) -> Option<Vec<(Size, Span)>> {
    let given = layer.sizes.as_ref().map_or(0, |s| s.items.len());
    if given != spec.sizes.len() {
        let span = layer.sizes.as_ref().map_or(layer.kind.span(), |s| s.span);
        let message = if spec.sizes.is_empty() {
            format!(
                "`{}` takes no sizes: its width follows the previous layer",
                spec.name
            )
        } else {
            format!(
                "`{0}` takes {1} size{2}: `{0}<{3}>`, found {given}",
                spec.name,
                spec.sizes.len(),
                if spec.sizes.len() == 1 { "" } else { "s" },
                spec.sizes.join(", ")
            )
        };
        errors.push(Error::new(span, message));
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for item in layer.sizes.iter().flat_map(|s| &s.items) {
        let span = item.span();
        match item {
            SizeExpr::Literal(lit) => match lit.base10_parse::<u64>() {
                Ok(0) => {
                    errors.push(Error::new(span, "a layer size must be at least 1, found 0"));
                    ok = false;
                }
                Ok(v) => out.push((Size::Lit(v), span)),
                Err(_) => {
                    errors.push(Error::new(span, "expected a positive integer size"));
                    ok = false;
                }
            },
            SizeExpr::Path(path) => out.push((Size::Expr(path.to_token_stream()), span)),
            SizeExpr::Block(expr) => out.push((Size::Expr(expr.to_token_stream()), span)),
            SizeExpr::Invalid(expr) => {
                errors.push(Error::new_spanned(
                    expr,
                    "expected a size: a positive integer, a `const` name, or a `{ expression }`",
                ));
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

fn check_args(layer: &LayerDecl, spec: &Spec, errors: &mut Vec<Error>) -> Vec<Setting> {
    let Some(args) = &layer.args else {
        return Vec::new();
    };
    if spec.keys.is_empty() {
        errors.push(Error::new(
            args.span,
            format!("`{}` takes no arguments", spec.name),
        ));
        return Vec::new();
    }
    let mut settings: Vec<Setting> = Vec::new();
    for (position, arg) in args.items.iter().enumerate() {
        let key = match &arg.key {
            Some(key) => {
                if !spec.keys.iter().any(|k| key == k) {
                    errors.push(Error::new(
                        key.span(),
                        format!(
                            "`{}` has no argument `{key}`; it accepts: {}",
                            spec.name,
                            spec.keys.join(", ")
                        ),
                    ));
                    continue;
                }
                key.clone()
            }
            None if position == 0 => Ident::new(spec.keys[0], arg.value_span()),
            None => {
                errors.push(Error::new(
                    arg.value_span(),
                    format!("only the first argument of `{}` may be positional; name the others (`{} = ...`)", spec.name, spec.keys.join(" = ..., ")),
                ));
                continue;
            }
        };
        if settings.iter().any(|s| s.method == key) {
            errors.push(Error::new(
                key.span(),
                format!("argument `{key}` is given twice"),
            ));
            continue;
        }
        match check_value(spec.kind, &key.to_string(), &arg.value) {
            Ok(setting) => settings.push(Setting {
                method: Ident::new(setting, key.span()),
                value: keep_value(setting, &arg.value),
            }),
            Err(message) => errors.push(Error::new_spanned(&arg.value, message)),
        }
    }
    settings
}

/// The builder method a checked argument maps to, or why the value is wrong.
fn check_value(kind: Kind, key: &str, value: &Expr) -> Result<&'static str, String> {
    let lit = lit_value(value);
    let number = |what: &str| match &lit {
        LitValue::Number(v) if !v.is_finite() => Err(format!("`{key}` must be finite")),
        LitValue::Number(v) => Ok(Some(*v)),
        LitValue::Expression => Ok(None),
        LitValue::Bool(_) => Err(format!("`{key}` must be {what}, found a boolean")),
        LitValue::NoneValue => Err(format!("`{key}` must be {what}, found `None`")),
        LitValue::Other(found) => Err(format!("`{key}` must be {what}, found a {found}")),
    };
    match (kind, key) {
        (Kind::LeakyReLU, "negative_slope") => number("a number (the slope for negative inputs)").map(|_| "negative_slope"),
        (Kind::BatchNorm, "eps") => match number("a positive number")? {
            Some(v) if v <= 0.0 => Err(format!("`eps` must be positive, found {v}")),
            _ => Ok("eps"),
        },
        (Kind::BatchNorm, "momentum") => {
            if matches!(lit, LitValue::NoneValue) {
                return Ok("cumulative_average");
            }
            match number("a number in [0, 1], or `None` for a cumulative average")? {
                Some(v) if !(0.0..=1.0).contains(&v) => Err(format!("`momentum` must be in [0, 1], found {v}")),
                _ => Ok("momentum"),
            }
        }
        (Kind::Rnn, "sequence") => match lit {
            LitValue::Bool(_) => Ok("sequence"),
            _ => Err("`sequence` must be `true` (output every hidden state) or `false` (only the last); it changes the output width, so it must be a literal".into()),
        },
        (_, "weight_init") => Ok("weight_init"),
        (_, "bias_init") => Ok("bias_init"),
        _ => Err(format!("`{key}` is not supported here")),
    }
}

fn keep_value(method: &str, value: &Expr) -> Option<Expr> {
    (method != "cumulative_average").then(|| value.clone())
}

trait ValueSpan {
    fn value_span(&self) -> Span;
}

impl ValueSpan for crate::ast::Arg {
    fn value_span(&self) -> Span {
        use syn::spanned::Spanned;
        self.value.span()
    }
}
