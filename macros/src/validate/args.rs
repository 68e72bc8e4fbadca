//! A layer's arguments (`(key = value, ...)`): known keys, the positional
//! first argument, duplicates, and the literal values the macro can check
//! itself. Values it cannot read are left to the compiler, which evaluates
//! them in the layer's configuration `const`.

use quote::ToTokens;
use syn::{Error, Expr, Ident};

use super::kinds::{Kind, Spec, closest};
use super::sizes::tidy;
use crate::ast::{LayerDecl, LitValue, lit_value};

/// A layer argument after validation: a builder call on the layer's
/// configuration (`.weight_init(expr)`), spanned on its key.
pub struct Setting {
    pub method: Ident,
    pub value: Option<Expr>,
}

/// Checks every argument of a layer, pushing one error per bad argument.
pub fn check_args(layer: &LayerDecl, spec: &Spec, errors: &mut Vec<Error>) -> Vec<Setting> {
    let Some(args) = &layer.args else {
        return Vec::new();
    };
    if spec.keys.is_empty() {
        errors.push(Error::new(
            args.span,
            if spec.sizes.is_empty() {
                format!("`{0}` takes no arguments: write `{0}`", spec.name)
            } else {
                format!(
                    "`{0}` takes no arguments: write `{0}<{1}>`",
                    spec.name,
                    spec.sizes.join(", ")
                )
            },
        ));
        return Vec::new();
    }
    let mut settings: Vec<(Setting, bool)> = Vec::new();
    for (position, arg) in args.items.iter().enumerate() {
        let (key, positional) = match &arg.key {
            Some(key) if spec.keys.iter().any(|k| key == k) => (key.clone(), false),
            Some(key) => {
                errors.push(unknown_key(key, spec));
                continue;
            }
            None if position == 0 => (Ident::new(spec.keys[0], span_of(&arg.value)), true),
            None => {
                errors.push(misplaced_positional(&arg.value, position, spec));
                continue;
            }
        };
        if let Some((_, first_positional)) = settings.iter().find(|(s, _)| s.method == key) {
            let message = if *first_positional {
                format!(
                    "argument `{key}` is given twice: the positional first argument of `{}` is its `{key}`; remove one",
                    spec.name
                )
            } else {
                format!("argument `{key}` is given twice; remove one")
            };
            errors.push(Error::new(key.span(), message));
            continue;
        }
        match check_value(spec.kind, &key.to_string(), &arg.value) {
            Ok(method) => settings.push((
                Setting {
                    method: Ident::new(method, key.span()),
                    value: (method != "cumulative_average").then(|| arg.value.clone()),
                },
                positional,
            )),
            Err(message) => errors.push(Error::new_spanned(&arg.value, message)),
        }
    }
    settings.into_iter().map(|(setting, _)| setting).collect()
}

fn span_of(expr: &Expr) -> proc_macro2::Span {
    syn::spanned::Spanned::span(expr)
}

fn unknown_key(key: &Ident, spec: &Spec) -> Error {
    let given = key.to_string();
    let containing: Vec<&str> = spec
        .keys
        .iter()
        .copied()
        .filter(|k| k.contains(given.as_str()))
        .collect();
    let hint = match containing.as_slice() {
        [one] => Some(*one),
        _ => closest(&given, spec.keys),
    };
    let accepted = spec
        .keys
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let message = match hint {
        Some(ours) => format!(
            "`{}` has no argument `{given}`; did you mean `{ours}`?",
            spec.name
        ),
        None => format!(
            "`{}` has no argument `{given}`; it accepts {accepted}",
            spec.name
        ),
    };
    Error::new(key.span(), message)
}

fn misplaced_positional(value: &Expr, position: usize, spec: &Spec) -> Error {
    let message = match spec.keys.get(position) {
        Some(key) => format!(
            "only the first argument of `{}` may be positional; name this one: `{key} = {}`",
            spec.name,
            tidy(&value.to_token_stream().to_string())
        ),
        None => format!(
            "`{}` takes at most {} argument{}: {}",
            spec.name,
            spec.keys.len(),
            if spec.keys.len() == 1 { "" } else { "s" },
            spec.keys
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Error::new_spanned(value, message)
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
        (Kind::LeakyReLU, "negative_slope") => {
            number("a number, the slope for negative inputs (e.g. `negative_slope = 0.2`)")
                .map(|_| "negative_slope")
        }
        (Kind::BatchNorm, "eps") => match number("a positive number (e.g. `eps = 1e-5`)")? {
            Some(v) if v <= 0.0 => Err(format!(
                "`eps` must be positive, found {v}: it keeps the division by `sqrt(var + eps)` finite (e.g. `eps = 1e-5`, the default)"
            )),
            _ => Ok("eps"),
        },
        (Kind::BatchNorm, "momentum") => {
            if matches!(lit, LitValue::NoneValue) {
                return Ok("cumulative_average");
            }
            match number("a number in [0, 1] (e.g. `momentum = 0.1`), or `None` for a cumulative average")? {
                Some(v) if !(0.0..=1.0).contains(&v) => Err(format!(
                    "`momentum` must be in [0, 1], found {v}: it is the weight of the newest batch in the running statistics (e.g. `momentum = 0.1`, the default; `None` for a cumulative average)"
                )),
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
