//! Every check the macro can make from the tokens alone, each error spanned
//! on the offending token and all of them reported together, in
//! declaration order: names, attributes, the kind of each layer (a built-in
//! kind of [`kinds::ROWS`], or the path of a layer type), the number and
//! form of its sizes ([`sizes`]) and its arguments ([`args`]).
//!
//! Widths are not computed here: they are the library's `const`s, and
//! `expand` makes the compiler check that they chain, with a message that
//! names both widths and the fix, spanned on the same tokens.

mod args;
mod kinds;
mod sizes;
mod spelling;

pub use args::Setting;
pub use kinds::{FOLDED_INTO_PREVIOUS, Place, Row, Unwritten};
pub use sizes::Size;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote_spanned};
use syn::{Attribute, Error, Ident, Visibility};

use crate::ast::{LayerDecl, NetworkDecl};
pub use kinds::kind_table;
use kinds::{ROWS, misspelled_kind};

/// Items the macro generates on the network type, which a layer's hidden
/// configuration constant (named after the layer) must not clash with.
const RESERVED: &[&str] = &[
    "input",
    "new",
    "seeded",
    "from_parameters",
    "from_parts",
    "quantize",
    "INPUT",
    "OUTPUT",
    "PARAMS",
    "BUFFERS",
    "TRACKED",
];

/// A checked layer.
pub struct PlannedLayer {
    pub name: Ident,
    /// The built-in kind's row, `None` for a layer type of your own.
    pub row: Option<&'static Row>,
    /// The kind as written, without sizes: `Dense`, `my_layers::Scaled`.
    pub kind_text: String,
    /// The span of the kind's path.
    pub kind_span: Span,
    /// The type's path: `::constnet::layer::Dense`, or the user's path.
    pub path: TokenStream,
    /// The sizes as written, with their spans.
    pub sizes: Vec<(Size, Span)>,
    /// The layer as written, for messages and documentation:
    /// `Rnn<2, 8, 4>(sequence = true)`.
    pub shown: String,
    /// The arguments that go into the type, as written: `(sequence = true)`.
    pub type_args: String,
    pub settings: Vec<Setting>,
    pub docs: Vec<Attribute>,
}

/// A checked network, ready for code generation.
pub struct Plan {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub layers: Vec<PlannedLayer>,
}

/// Checks a declaration; on failure returns every error found, combined.
pub fn validate(decl: NetworkDecl) -> Result<Plan, Error> {
    let mut errors: Vec<Error> = Vec::new();
    let example = format!(
        "write `{0}` (f32) or `{0}<f64>` where you use it",
        decl.name
    );
    if !decl.generics.params.is_empty() {
        errors.push(Error::new_spanned(
            &decl.generics,
            format!("generics are not supported: a network is generic over its scalar automatically; remove them and {example}"),
        ));
    }
    if let Some(clause) = &decl.where_clause {
        errors.push(Error::new_spanned(
            clause,
            format!("`where` clauses are not supported: a network is generic over its scalar automatically; remove it and {example}"),
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
    for (layer, name_errors) in decl.layers.into_iter().zip(name_errors) {
        errors.extend(name_errors);
        if let Some(planned) = plan_layer(layer, &mut errors) {
            layers.push(planned);
        }
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
        }),
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
    } else if RESERVED.contains(&name.as_str()) {
        errors.push(Error::new(
            layer.name.span(),
            format!(
                "`{name}` is an item the macro generates on the network; choose another layer name"
            ),
        ));
    }
    if name.contains("__") {
        errors.push(Error::new(
            layer.name.span(),
            format!("`{name}`: layer names with `__` are reserved for the constants the macro generates; choose another name"),
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

/// Only doc comments may sit on a layer: a `#[cfg]` would remove the layer
/// and change the widths after it, and other attributes have nothing to
/// apply to. Never dropped silently.
fn check_attrs(attrs: Vec<Attribute>, errors: &mut Vec<Error>) -> Vec<Attribute> {
    let (docs, others): (Vec<_>, Vec<_>) =
        attrs.into_iter().partition(|a| a.path().is_ident("doc"));
    for attr in others {
        let message = if attr.path().is_ident("cfg") || attr.path().is_ident("cfg_attr") {
            "`#[cfg]` on a layer is not supported: removing a layer changes the widths of the layers after it; declare one network per configuration and choose between them with `#[cfg]` on the network"
        } else {
            "only doc comments are allowed on a layer: a layer is not an item, so this attribute has nothing to apply to; remove it"
        };
        errors.push(Error::new_spanned(&attr, message));
    }
    docs
}

fn plan_layer(layer: LayerDecl, errors: &mut Vec<Error>) -> Option<PlannedLayer> {
    let builtin = layer
        .kind_ident()
        .and_then(|ident| ROWS.iter().find(|row| ident == row.name));
    if builtin.is_none()
        && let Some(error) = layer.kind_ident().and_then(misspelled_kind)
    {
        errors.push(error);
        return None;
    }
    let kind_text = sizes::tidy(&layer.kind.to_token_stream().to_string());
    let kind_span = layer.kind_span();
    let sizes = sizes::check_sizes(&layer, builtin, &kind_text, errors);
    let settings = args::check_args(&layer, builtin, errors);
    let sizes = sizes?;
    let path = match builtin {
        Some(row) => {
            let ident = Ident::new(row.name, kind_span);
            quote_spanned!(kind_span=> ::constnet::layer::#ident)
        }
        None => layer.kind.to_token_stream(),
    };
    let type_args = type_args_text(&settings);
    let shown = if sizes.is_empty() {
        format!("{kind_text}{type_args}")
    } else {
        let written: Vec<String> = sizes.iter().map(|(s, _)| s.text()).collect();
        format!("{kind_text}<{}>{type_args}", written.join(", "))
    };
    let docs = check_attrs(layer.attrs, errors);
    Some(PlannedLayer {
        name: layer.name,
        row: builtin,
        kind_text,
        kind_span,
        path,
        sizes,
        shown,
        type_args,
        settings,
        docs,
    })
}

/// `(sequence = true)`: the arguments that select the type, as written.
fn type_args_text(settings: &[Setting]) -> String {
    let written: Vec<String> = settings
        .iter()
        .filter(|s| matches!(s.place, Place::Generic(..)))
        .map(|s| {
            let value = s
                .value
                .as_ref()
                .map(|v| sizes::tidy(&v.to_token_stream().to_string()))
                .unwrap_or_default();
            format!("{} = {value}", s.method)
        })
        .collect();
    if written.is_empty() {
        String::new()
    } else {
        format!("({})", written.join(", "))
    }
}
