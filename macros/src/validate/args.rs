//! A layer's arguments (`(key = value, ...)`): known keys, the positional
//! first argument, duplicates, and the kind of literal each takes. Their
//! values are checked by the library, in the layer's configuration `const`
//! that the compiler evaluates; for a layer type of your own every argument
//! is named and calls the `const` builder method of that name.

use quote::ToTokens;
use syn::{Error, Expr, Ident};

use super::kinds::{ArgRow, Place, Row, Value};
use super::sizes::tidy;
use super::spelling::closest;
use crate::ast::{LayerDecl, LitValue, lit_value};

/// A checked argument.
pub struct Setting {
    /// The builder method called with the value (`.weight_init(expr)`) or,
    /// without a value, the method `None` stands for; spanned on the key.
    pub method: Ident,
    pub value: Option<Expr>,
    /// Where it goes: a builder call, or a generic argument of the type.
    pub place: Place,
}

/// Checks every argument of a layer, pushing one error per bad argument.
/// `row` is the built-in kind's, `None` for a layer type of your own.
pub fn check_args(
    layer: &LayerDecl,
    row: Option<&'static Row>,
    errors: &mut Vec<Error>,
) -> Vec<Setting> {
    let Some(args) = &layer.args else {
        return Vec::new();
    };
    if let Some(row) = row.filter(|row| row.args.is_empty()) {
        let written = if row.sizes.is_empty() {
            row.name.to_owned()
        } else {
            format!("{}<{}>", row.name, row.sizes.join(", "))
        };
        errors.push(Error::new(
            args.span,
            format!("`{}` takes no arguments: write `{written}`", row.name),
        ));
        return Vec::new();
    }
    let mut settings: Vec<(Setting, bool)> = Vec::new();
    for (position, arg) in args.items.iter().enumerate() {
        let (key, spec, positional) = match (&arg.key, row) {
            (Some(key), Some(row)) => {
                let Some(spec) = row.args.iter().find(|a| key == a.key) else {
                    errors.push(unknown_key(key, row));
                    continue;
                };
                (key.clone(), Some(spec), false)
            }
            (Some(key), None) => (key.clone(), None, false),
            (None, Some(row)) if position == 0 => {
                let spec = &row.args[0];
                (Ident::new(spec.key, span_of(&arg.value)), Some(spec), true)
            }
            (None, Some(row)) => {
                errors.push(misplaced_positional(&arg.value, position, row));
                continue;
            }
            (None, None) => {
                errors.push(Error::new_spanned(
                    &arg.value,
                    format!(
                        "name this argument: `name = {}` calls the `const` builder method `name` of the layer type",
                        tidy(&arg.value.to_token_stream().to_string())
                    ),
                ));
                continue;
            }
        };
        if let Some((_, first_positional)) = settings.iter().find(|(s, _)| s.method == key) {
            let message = match row {
                Some(row) if *first_positional => format!(
                    "argument `{key}` is given twice: the positional first argument of `{}` is its `{key}`; remove one",
                    row.name
                ),
                _ => format!("argument `{key}` is given twice; remove one"),
            };
            errors.push(Error::new(key.span(), message));
            continue;
        }
        let Some(spec) = spec else {
            settings.push((
                Setting {
                    method: key,
                    value: Some(arg.value.clone()),
                    place: Place::Builder,
                },
                false,
            ));
            continue;
        };
        match check_value(spec, &arg.value) {
            Ok(setting) => settings.push((setting.at(key.span()), positional)),
            Err(message) => errors.push(Error::new_spanned(&arg.value, message)),
        }
    }
    settings.into_iter().map(|(setting, _)| setting).collect()
}

impl Setting {
    /// The same setting with its method spanned on the key.
    fn at(mut self, span: proc_macro2::Span) -> Self {
        self.method.set_span(span);
        self
    }
}

fn span_of(expr: &Expr) -> proc_macro2::Span {
    syn::spanned::Spanned::span(expr)
}

fn unknown_key(key: &Ident, row: &Row) -> Error {
    let given = key.to_string();
    let keys: Vec<&str> = row.keys().collect();
    let containing: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| k.contains(given.as_str()))
        .collect();
    let hint = match containing.as_slice() {
        [one] => Some(*one),
        _ => closest(&given, &keys),
    };
    let message = match hint {
        Some(ours) => format!(
            "`{}` has no argument `{given}`; did you mean `{ours}`?",
            row.name
        ),
        None => format!(
            "`{}` has no argument `{given}`; it accepts {}",
            row.name,
            quoted_list(&keys)
        ),
    };
    Error::new(key.span(), message)
}

fn quoted_list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn misplaced_positional(value: &Expr, position: usize, row: &Row) -> Error {
    let keys: Vec<&str> = row.keys().collect();
    let message = match keys.get(position) {
        Some(key) => format!(
            "only the first argument of `{}` may be positional; name this one: `{key} = {}`",
            row.name,
            tidy(&value.to_token_stream().to_string())
        ),
        None => format!(
            "`{}` takes at most {} argument{}: {}",
            row.name,
            keys.len(),
            if keys.len() == 1 { "" } else { "s" },
            quoted_list(&keys)
        ),
    };
    Error::new_spanned(value, message)
}

/// The setting a value gives, or why its literal is of the wrong kind. The
/// range of a number is the library's to check.
fn check_value(spec: &ArgRow, value: &Expr) -> Result<Setting, String> {
    let key = spec.key;
    let lit = lit_value(value);
    let setting = |value: Option<Expr>| Setting {
        method: Ident::new(key, span_of(&spec_value(value.as_ref()))),
        value,
        place: spec.place,
    };
    let example = format!("(e.g. `{key} = {}`)", spec.example);
    let wrong = |what: &str| match &lit {
        LitValue::Bool => Err(format!("`{key}` must be {what} {example}, found a boolean")),
        LitValue::NoneValue => Err(format!("`{key}` must be {what} {example}, found `None`")),
        LitValue::Other(found) => Err(format!("`{key}` must be {what} {example}, found a {found}")),
        LitValue::Number(_) => Err(format!("`{key}` must be {what} {example}, found a number")),
        LitValue::Expression => Err(format!("`{key}` must be {what} {example}")),
    };
    match (spec.value, &lit) {
        (Value::Expression, _)
        | (Value::Number | Value::NumberOrNone(_), LitValue::Number(_) | LitValue::Expression) => {
            Ok(setting(Some(value.clone())))
        }
        (Value::NumberOrNone(method), LitValue::NoneValue) => Ok(Setting {
            method: Ident::new(method, span_of(value)),
            value: None,
            place: Place::Builder,
        }),
        (Value::Bool, LitValue::Bool) => Ok(setting(Some(value.clone()))),
        (Value::Count, LitValue::Number(_) | LitValue::Expression) if is_count(value) => {
            Ok(setting(Some(value.clone())))
        }
        (Value::Count, LitValue::Number(_)) => Err(format!(
            "`{key}` must be a whole number {example}: it is a generic argument of the layer's type"
        )),
        (Value::Count, _) => wrong("a whole number"),
        (Value::Bool, _) => Err(format!(
            "`{key}` must be `true` or `false`, written as a literal: it changes the layer's type (its output width)"
        )),
        (Value::Number, _) => wrong("a number"),
        (Value::NumberOrNone(_), _) => wrong("a number, or `None`"),
    }
}

/// `true` unless the value is a literal that is not an unsuffixed or
/// `usize` integer (`1.5`, `2u8`); expressions are the compiler's to check.
fn is_count(value: &Expr) -> bool {
    match value {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        }) => matches!(int.suffix(), "" | "usize"),
        Expr::Lit(_) => false,
        _ => true,
    }
}

/// The expression a setting's method is first spanned on (its key's span
/// replaces it); a placeholder for a call without a value.
fn spec_value(value: Option<&Expr>) -> Expr {
    value.cloned().unwrap_or_else(|| syn::parse_quote!(()))
}
