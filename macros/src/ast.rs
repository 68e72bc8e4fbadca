//! The typed form of a `network!` declaration. Every node keeps the tokens
//! it came from, so validation can point its errors at the exact token.

use proc_macro2::Span;
use syn::{Attribute, Expr, Generics, Ident, LitFloat, LitInt, Path, Visibility, WhereClause};

/// The whole macro input: one or more network declarations.
pub struct Input {
    pub networks: Vec<NetworkDecl>,
}

/// `#[attrs] vis struct Name { layers }`.
pub struct NetworkDecl {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    /// Generics written by the user; always an error (the scalar is added by
    /// the macro), kept to point at them.
    pub generics: Generics,
    /// A `where` clause written by the user; always an error.
    pub where_clause: Option<WhereClause>,
    pub layers: Vec<LayerDecl>,
    /// The span of the braces, for errors about the whole body.
    pub body_span: Span,
}

/// `#[attrs] name: Kind<sizes>(args)`, or `name: path::to::Kind<sizes>(args)`
/// for a layer type defined outside constnet.
pub struct LayerDecl {
    pub attrs: Vec<Attribute>,
    /// Visibility written on a layer; always an error, kept to point at it.
    pub vis: Visibility,
    pub name: Ident,
    /// The kind's path, without its sizes: one identifier for a built-in
    /// kind, or the path of a layer type.
    pub kind: Path,
    /// `<...>` after the kind, if written.
    pub sizes: Option<Sizes>,
    /// `(...)` after the kind and sizes, if written.
    pub args: Option<Args>,
}

/// The `<a, b, c>` of a layer.
pub struct Sizes {
    /// The span of `<`.
    pub open: Span,
    /// The span of `>`.
    pub close: Span,
    pub items: Vec<SizeExpr>,
}

/// One size: an integer literal, a constant's path, or a braced expression.
pub enum SizeExpr {
    Literal(LitInt),
    Path(Path),
    Block(Expr),
    /// Something else; kept so validation can say what was wrong.
    Invalid(Expr),
}

/// The `(k = v, ...)` of a layer.
pub struct Args {
    pub span: Span,
    pub items: Vec<Arg>,
}

/// One argument: `key = value`, or a positional `value`.
pub struct Arg {
    pub key: Option<Ident>,
    pub value: Expr,
}

/// A literal argument value, classified for validation.
pub enum LitValue {
    /// An integer or float literal, possibly negated, and its value.
    Number(f64),
    Bool,
    /// `None` (used for batch norm's cumulative average).
    NoneValue,
    /// Any other literal (string, char, ...); the name of its kind.
    Other(&'static str),
    /// Not a literal: an expression the compiler evaluates.
    Expression,
}

impl LayerDecl {
    /// The kind's name when it is written as one identifier (a built-in
    /// kind, or a type in scope).
    pub fn kind_ident(&self) -> Option<&Ident> {
        self.kind.get_ident()
    }

    /// The span of the kind's path, for messages about the kind.
    pub fn kind_span(&self) -> Span {
        syn::spanned::Spanned::span(&self.kind)
    }
}

impl SizeExpr {
    pub fn span(&self) -> Span {
        use syn::spanned::Spanned;
        match self {
            Self::Literal(lit) => lit.span(),
            Self::Path(path) => path.span(),
            Self::Block(expr) | Self::Invalid(expr) => expr.span(),
        }
    }
}

/// Classifies an argument expression.
pub fn lit_value(expr: &Expr) -> LitValue {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Int(int) => {
                int_value(int).map_or(LitValue::Other("integer"), LitValue::Number)
            }
            syn::Lit::Float(float) => {
                float_value(float).map_or(LitValue::Other("float"), LitValue::Number)
            }
            syn::Lit::Bool(_) => LitValue::Bool,
            syn::Lit::Str(_) => LitValue::Other("string"),
            syn::Lit::Char(_) => LitValue::Other("character"),
            syn::Lit::ByteStr(_) | syn::Lit::CStr(_) => LitValue::Other("byte string"),
            syn::Lit::Byte(_) => LitValue::Other("byte"),
            _ => LitValue::Other("literal"),
        },
        Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Neg(_)) => match lit_value(&unary.expr)
        {
            LitValue::Number(v) => LitValue::Number(-v),
            other => other,
        },
        Expr::Group(group) => lit_value(&group.expr),
        Expr::Paren(paren) => lit_value(&paren.expr),
        Expr::Path(path) if path.path.is_ident("None") => LitValue::NoneValue,
        _ => LitValue::Expression,
    }
}

fn int_value(int: &LitInt) -> Option<f64> {
    int.base10_parse::<i64>().ok().map(|v| v as f64)
}

fn float_value(float: &LitFloat) -> Option<f64> {
    float.base10_parse::<f64>().ok()
}
