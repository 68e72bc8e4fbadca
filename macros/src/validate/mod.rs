//! Shape inference and every check the macro can make, each error spanned
//! on the offending token and all of them reported together, in
//! declaration order.
//!
//! Widths flow from layer to layer: `Dense<I, O>` and `Rnn<I, H, S>` fix
//! them, `BatchNorm<N>` checks them, activations pass them through. Sizes
//! the macro can read (integer literals) are checked here; sizes given as
//! constants are checked by the compiler through `const` assertions that
//! `expand` emits, spanned on the same tokens. The kinds and their sizes
//! and arguments are in [`kinds`], the checks of sizes in [`sizes`] and of
//! arguments in [`args`].

mod args;
mod kinds;
mod sizes;

pub use args::Setting;
pub use kinds::{Kind, kind_name};
pub use sizes::Size;

use proc_macro2::Span;
use syn::{Attribute, Error, Expr, Ident, Visibility};

use crate::ast::{LayerDecl, LitValue, NetworkDecl, lit_value};
use kinds::{InputWidth, SPECS, Spec, unknown_kind, width_fixing_kinds};

/// A checked layer.
pub struct PlannedLayer {
    pub name: Ident,
    pub kind: Kind,
    pub kind_ident: Ident,
    /// The sizes used in the generated types. They are the written sizes,
    /// except that an input size left to a compiler check is replaced by
    /// the width it must equal: the wiring then type-checks either way, and
    /// a mismatch is reported once, by the assertion, on the written token.
    pub sizes: Vec<(Size, Span)>,
    /// The layer as written, for messages and documentation: `Dense<2, N>`.
    pub shown: String,
    pub settings: Vec<Setting>,
    pub docs: Vec<Attribute>,
    pub input: Size,
    pub output: Size,
    /// `Rnn(sequence = true)`: selects the layer type that outputs every
    /// hidden state (`Rnn<I, H, S, true>`), so its width is part of the type.
    pub sequence: bool,
}

/// What the compiler must check about sizes given as constants.
pub enum Condition {
    /// Two widths are equal.
    Equal(Size, Size),
    /// A size is at least 1.
    Positive(Size),
}

/// A `const` assertion for the generated code, spanned on the size it is about.
pub struct CompileCheck {
    pub condition: Condition,
    pub span: Span,
    pub message: String,
}

/// A checked network, ready for code generation.
pub struct Plan {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub layers: Vec<PlannedLayer>,
    pub checks: Vec<CompileCheck>,
}

/// The width flowing out of the layers planned so far.
struct Flow {
    width: Size,
    /// The last layer, described: "`act` (Tanh)".
    last: String,
    /// The layer that set the width, when activations passed it on since.
    source: Option<String>,
}

impl Flow {
    /// "the previous layer `hidden` (Dense<2, 8>) outputs 8", or "the
    /// previous layer `act` (Tanh) passes on the 8 outputs of `hidden` (...)".
    fn describe(&self) -> String {
        let width = self.width.quoted();
        match &self.source {
            None => format!("the previous layer {} outputs {width}", self.last),
            Some(source) => format!(
                "the previous layer {} passes on the {width} outputs of {source}",
                self.last
            ),
        }
    }
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
    let name_errors: Vec<Vec<Error>> = (0..decl.layers.len())
        .map(|index| check_name(&decl.layers, index))
        .collect();

    let mut layers = Vec::new();
    let mut checks = Vec::new();
    let mut flow: Option<Flow> = None;
    let mut chain_broken = false;
    for (layer, name_errors) in decl.layers.into_iter().zip(name_errors) {
        errors.extend(name_errors);
        let Some(planned) =
            plan_layer(layer, flow.as_ref(), chain_broken, &mut checks, &mut errors)
        else {
            // The width after a rejected layer is unknown: stop checking the
            // chain so one mistake does not cascade into width errors.
            flow = None;
            chain_broken = true;
            continue;
        };
        let passes_through = SPECS
            .iter()
            .any(|s| s.kind == planned.kind && s.input == InputWidth::Previous);
        flow = Some(Flow {
            width: planned.output.clone(),
            last: describe(&planned),
            source: match flow {
                Some(previous) if passes_through => previous.source.or(Some(previous.last)),
                _ => None,
            },
        });
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
    format!("`{}` ({})", layer.name, layer.shown)
}

/// `Dense<2, HIDDEN>`, `Rnn<2, 8, 4>(sequence = true)`, or `Tanh`.
fn shown(spec: &Spec, sizes: &[(Size, Span)], sequence: bool) -> String {
    let mode = if sequence { "(sequence = true)" } else { "" };
    if sizes.is_empty() {
        spec.name.to_owned()
    } else {
        let sizes: Vec<String> = sizes.iter().map(|(s, _)| s.text()).collect();
        format!("{}<{}>{mode}", spec.name, sizes.join(", "))
    }
}

/// The name checks of layer `index`: visibility, duplicates, reserved names.
fn check_name(layers: &[LayerDecl], index: usize) -> Vec<Error> {
    let mut errors = Vec::new();
    let layer = &layers[index];
    if !matches!(layer.vis, Visibility::Inherited) {
        errors.push(Error::new_spanned(
            &layer.vis,
            "layers are not fields: remove the visibility; the network's parameters are reached through `parameters()`",
        ));
    }
    let name = layer.name.to_string();
    if let Some(first) = layers[..index].iter().find(|l| l.name == layer.name) {
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
        errors.push(Error::new(
            layer.name.span(),
            "`input` is reserved for the network's input in its training cache; choose another layer name",
        ));
    }
    if let Some(base) = name.strip_suffix("_cache")
        && layers.iter().any(|l| l.name == base)
    {
        errors.push(Error::new(
            layer.name.span(),
            format!("`{name}` clashes with the cache field of layer `{base}`; choose another name"),
        ));
    }
    errors
}

fn plan_layer(
    layer: LayerDecl,
    flow: Option<&Flow>,
    chain_broken: bool,
    checks: &mut Vec<CompileCheck>,
    errors: &mut Vec<Error>,
) -> Option<PlannedLayer> {
    let kind_str = layer.kind.to_string();
    let Some(spec) = SPECS.iter().find(|s| s.name == kind_str) else {
        errors.push(unknown_kind(&layer.kind));
        return None;
    };
    let sizes = sizes::check_sizes(&layer, spec, errors);
    let mut settings = args::check_args(&layer, spec, errors);
    let mut sizes = sizes?;
    let sequence = settings
        .iter()
        .any(|s| s.method == "sequence" && s.value.as_ref().is_some_and(is_true));
    // `sequence` picks the type (its output width), not a builder call.
    settings.retain(|s| s.method != "sequence");
    let shown = shown(spec, &sizes, sequence);
    for ((size, span), what) in sizes.iter().zip(spec.sizes) {
        if let Size::Expr(_) = size {
            checks.push(CompileCheck {
                condition: Condition::Positive(size.clone()),
                span: *span,
                message: format!(
                    "layer `{}`: a layer size must be at least 1, but `{}` (`{what}` of `{}`) is 0",
                    layer.name,
                    size.text(),
                    spec.name
                ),
            });
        }
    }
    let declared = match spec.input {
        InputWidth::FirstSize => Some(sizes[0].0.clone()),
        InputWidth::FirstTimesLast => Some(sizes[0].0.product(&sizes[sizes.len() - 1].0)),
        InputWidth::Previous => None,
    };
    let input = match (declared, flow) {
        (None, Some(flow)) => flow.width.clone(),
        (None, None) => {
            if !chain_broken {
                errors.push(Error::new(
                    layer.kind.span(),
                    format!(
                        "`{kind_str}` cannot be the first layer: its width follows the previous layer; start with a layer that fixes the input width: {}",
                        width_fixing_kinds()
                    ),
                ));
            }
            return None;
        }
        (Some(declared), None) => declared,
        (Some(declared), Some(flow)) => {
            let span = sizes[0].1;
            if let (Size::Lit(expects), Size::Lit(width)) = (&declared, &flow.width) {
                if expects != width {
                    errors.push(Error::new(
                        span,
                        mismatch(&layer.name, spec, &sizes, &declared, flow, true),
                    ));
                }
                declared
            } else {
                checks.push(CompileCheck {
                    message: format!(
                        "{}; they must be equal",
                        mismatch(&layer.name, spec, &sizes, &declared, flow, false)
                    ),
                    condition: Condition::Equal(declared.clone(), flow.width.clone()),
                    span,
                });
                // The wiring takes the width it receives. A `Dense` or
                // `BatchNorm` type takes it too; an `Rnn` is generic over
                // its input width and checks it itself.
                if spec.input == InputWidth::FirstSize {
                    sizes[0].0 = flow.width.clone();
                }
                flow.width.clone()
            }
        }
    };
    let output = match spec.kind {
        Kind::Rnn if sequence => sizes[1].0.product(&sizes[2].0),
        Kind::Dense | Kind::Rnn => sizes[1].0.clone(),
        Kind::BatchNorm => sizes[0].0.clone(),
        _ => input.clone(),
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
        shown,
        settings,
        docs,
        input,
        output,
        sequence,
    })
}

/// "layer `out` expects 16 inputs, but the previous layer `hidden`
/// (Dense<2, 8>) outputs 8; write `Dense<8, 1>`": both widths, where the
/// width comes from, and, with `suggest`, what to write instead.
fn mismatch(
    name: &Ident,
    spec: &Spec,
    sizes: &[(Size, Span)],
    declared: &Size,
    flow: &Flow,
    suggest: bool,
) -> String {
    let last = spec.sizes.len() - 1;
    let expects = match (spec.input, declared) {
        (InputWidth::FirstTimesLast, Size::Lit(product)) => format!(
            "{product} inputs ({} x {} = {} x {})",
            spec.sizes[0],
            spec.sizes[last],
            sizes[0].0.text(),
            sizes[last].0.text()
        ),
        (InputWidth::FirstTimesLast, Size::Expr(_)) => format!(
            "`{} x {}` inputs ({} x {})",
            sizes[0].0.text(),
            sizes[last].0.text(),
            spec.sizes[0],
            spec.sizes[last]
        ),
        _ => format!("{} inputs", declared.quoted()),
    };
    let message = format!("layer `{name}` expects {expects}, but {}", flow.describe());
    let (true, Size::Lit(width)) = (suggest, &flow.width) else {
        return message;
    };
    let first = match (spec.input, &sizes[last].0) {
        (InputWidth::FirstSize, _) => *width,
        (InputWidth::FirstTimesLast, Size::Lit(steps)) if width % steps == 0 => width / steps,
        (InputWidth::FirstTimesLast, Size::Lit(steps)) => {
            return format!(
                "{message}, which is not a multiple of {} = {steps}",
                spec.sizes[last]
            );
        }
        _ => return message,
    };
    let written =
        core::iter::once(first.to_string()).chain(sizes[1..].iter().map(|(s, _)| s.text()));
    format!(
        "{message}; write `{}<{}>`",
        spec.name,
        written.collect::<Vec<_>>().join(", ")
    )
}

fn is_true(expr: &Expr) -> bool {
    matches!(lit_value(expr), LitValue::Bool(true))
}
