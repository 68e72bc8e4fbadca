//! The sizes of a layer (`<2, 8>`): how many a kind takes, which forms are
//! accepted, and how sizes are shown in messages and documentation.

use proc_macro2::{Punct, Spacing, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::Error;

use super::kinds::Spec;
use crate::ast::{LayerDecl, SizeExpr};

/// A width, size or count: a literal the macro knows, or an expression the
/// compiler evaluates.
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

    pub fn product(&self, other: &Self) -> Self {
        if let (Self::Lit(a), Self::Lit(b)) = (self, other) {
            Self::Lit(a * b)
        } else {
            let (a, b) = (self.tokens(), other.tokens());
            Self::Expr(quote!(#a * #b))
        }
    }

    /// The sum, folded when both are literals (`0 + x` is `x`).
    pub fn plus(&self, other: &Self) -> Self {
        match (self, other) {
            (Self::Lit(a), Self::Lit(b)) => Self::Lit(a + b),
            (Self::Lit(0), x) | (x, Self::Lit(0)) => x.clone(),
            _ => {
                let (a, b) = (self.tokens(), other.tokens());
                Self::Expr(quote!(#a + #b))
            }
        }
    }

    /// The size as the user wrote it: `8`, `HIDDEN`, `{ 2 * N }`.
    pub fn text(&self) -> String {
        match self {
            Self::Lit(v) => v.to_string(),
            Self::Expr(tokens) => tidy(&tokens.to_string()),
        }
    }

    /// The size in a message: a number, or the expression in backticks.
    pub fn quoted(&self) -> String {
        match self {
            Self::Lit(v) => v.to_string(),
            Self::Expr(_) => format!("`{}`", self.text()),
        }
    }

    /// A parameter count in the generated documentation: the number, or
    /// "(from constants)" when the library computes it from sizes given as
    /// constants.
    pub fn describe(&self) -> String {
        match self {
            Self::Lit(v) => v.to_string(),
            Self::Expr(_) => "(from constants)".to_owned(),
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

/// Checks the number and form of a layer's sizes; `None` when they are
/// unusable (the errors are pushed).
pub fn check_sizes(
    layer: &LayerDecl,
    spec: &Spec,
    errors: &mut Vec<Error>,
) -> Option<Vec<(Size, Span)>> {
    let given = layer.sizes.as_ref().map_or(0, |s| s.items.len());
    if given != spec.sizes.len() {
        let message = if spec.sizes.is_empty() {
            format!(
                "`{0}` takes no sizes: its width follows the previous layer; write `{0}`",
                spec.name
            )
        } else if given == 0 {
            format!(
                "`{0}` needs its sizes: write `{0}<{1}>`",
                spec.name,
                spec.sizes.join(", ")
            )
        } else {
            format!(
                "`{0}` takes {1}, `{0}<{2}>`; found {given}",
                spec.name,
                count(spec.sizes.len(), "size"),
                spec.sizes.join(", ")
            )
        };
        errors.push(match &layer.sizes {
            Some(sizes) => error_between(sizes.open, sizes.close, message),
            None => Error::new(layer.kind.span(), message),
        });
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for (item, what) in layer.sizes.iter().flat_map(|s| &s.items).zip(spec.sizes) {
        let span = item.span();
        match item {
            SizeExpr::Literal(lit) => match lit.base10_parse::<u64>() {
                Ok(0) => {
                    errors.push(Error::new(
                        span,
                        format!(
                            "a layer size must be at least 1, found 0 (`{what}` of `{}`)",
                            spec.name
                        ),
                    ));
                    ok = false;
                }
                Ok(v) => out.push((Size::Lit(v), span)),
                Err(_) => {
                    errors.push(Error::new_spanned(
                        lit,
                        format!(
                            "a layer size must be a positive integer, found `{lit}` (`{what}` of `{}`)",
                            spec.name
                        ),
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
