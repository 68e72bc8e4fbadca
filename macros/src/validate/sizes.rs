//! The sizes of a layer (`<2, 8>`): how many a kind takes, which forms are
//! accepted, and how sizes are shown in messages and documentation.

use proc_macro2::{Punct, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::Error;

use super::kinds::Row;
use crate::ast::{LayerDecl, SizeExpr};

/// A size as written: a literal the macro reads (for messages and early
/// checks only: widths and counts are computed by the compiler), or an
/// expression the compiler evaluates.
#[derive(Clone)]
pub enum Size {
    Lit(u64),
    Expr(TokenStream),
}

impl Size {
    /// The size as the user wrote it: `8`, `HIDDEN`, `{ 2 * N }`.
    pub fn text(&self) -> String {
        match self {
            Self::Lit(v) => v.to_string(),
            Self::Expr(tokens) => tidy(&tokens.to_string()),
        }
    }
}

/// Token text as written: `sizes :: N` becomes `sizes::N`.
pub fn tidy(text: &str) -> String {
    text.replace(" :: ", "::").replace(":: ", "::")
}

/// An error underlining everything from `start` to `end` (`Span::join` is
/// not available to proc macros on stable Rust; syn spans the first and
/// last token instead).
pub fn error_between(start: Span, end: Span, message: impl core::fmt::Display) -> Error {
    let mut first = Punct::new('<', Spacing::Alone);
    first.set_span(start);
    let mut last = Punct::new('>', Spacing::Alone);
    last.set_span(end);
    let tokens: TokenStream = [TokenTree::Punct(first), TokenTree::Punct(last)]
        .into_iter()
        .collect();
    Error::new_spanned(tokens, message)
}

/// Checks the number (for a built-in kind) and form of a layer's sizes;
/// `None` when they are unusable (the errors are pushed).
pub fn check_sizes(
    layer: &LayerDecl,
    row: Option<&Row>,
    kind: &str,
    errors: &mut Vec<Error>,
) -> Option<Vec<(Size, Span)>> {
    let given = layer.sizes.as_ref().map_or(0, |s| s.items.len());
    if let Some(row) = row.filter(|row| row.sizes.len() != given) {
        let message = if row.sizes.is_empty() {
            format!(
                "`{0}` takes no sizes: its width follows the previous layer; write `{0}`",
                row.name
            )
        } else if given == 0 {
            format!(
                "`{0}` needs its sizes: write `{0}<{1}>`",
                row.name,
                row.sizes.join(", ")
            )
        } else {
            format!(
                "`{0}` takes {1}, `{0}<{2}>`; found {given}",
                row.name,
                count(row.sizes.len(), "size"),
                row.sizes.join(", ")
            )
        };
        errors.push(match &layer.sizes {
            Some(sizes) => error_between(sizes.open, sizes.close, message),
            None => Error::new(layer.kind_span(), message),
        });
        return None;
    }
    let names = row.map_or(&[][..], |row| row.sizes);
    let mut out = Vec::new();
    let mut ok = true;
    for (k, item) in layer.sizes.iter().flat_map(|s| &s.items).enumerate() {
        let span = item.span();
        let what = names.get(k).map_or_else(
            || format!("size {k} of `{kind}`"),
            |name| format!("`{name}` of `{kind}`"),
        );
        match item {
            SizeExpr::Literal(lit) => match lit.base10_parse::<u64>() {
                // A built-in kind's sizes are counts; a layer type of your
                // own may take 0 for a generic argument of its own.
                Ok(0) if row.is_some() => {
                    errors.push(Error::new(
                        span,
                        format!("a layer size must be at least 1, found 0 ({what})"),
                    ));
                    ok = false;
                }
                Ok(v) => out.push((Size::Lit(v), span)),
                Err(_) => {
                    errors.push(Error::new_spanned(
                        lit,
                        format!("a layer size must be a positive integer, found `{lit}` ({what})"),
                    ));
                    ok = false;
                }
            },
            SizeExpr::Path(path) => out.push((Size::Expr(path.to_token_stream()), span)),
            SizeExpr::Block(expr) => out.push((Size::Expr(expr.to_token_stream()), span)),
            SizeExpr::Invalid(expr) => {
                errors.push(Error::new_spanned(
                    expr,
                    format!(
                        "a layer size must be a positive integer, a `const` name or a braced `{{ expression }}`, found `{}`",
                        tidy(&expr.to_token_stream().to_string()).replace("- ", "-")
                    ),
                ));
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// `1 size`, `2 sizes`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
