//! The grammar of `network!`:
//!
//! ```text
//! input   := network+
//! network := attr* vis "struct" IDENT generics? "{" (layer ("," layer)* ","?)? "}"
//! layer   := attr* vis IDENT ":" kind ("<" size ("," size)* ">")? ("(" arg ("," arg)* ","? ")")?
//! kind    := IDENT | path          (a built-in kind, or the path of a layer type)
//! size    := INT | path | "{" expr "}"
//! arg     := (IDENT "=")? expr
//! ```
//!
//! Parsing is permissive where validation can give a better message (sizes
//! of any form, visibility on layers, generics on the struct).

use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Expr, Token, braced, parenthesized};

use crate::ast::{Arg, Args, Input, LayerDecl, NetworkDecl, SizeExpr, Sizes};

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut networks = Vec::new();
        while !input.is_empty() {
            networks.push(input.parse()?);
        }
        if networks.is_empty() {
            return Err(input.error(
                "expected a network declaration: `pub struct Name { layer: Kind<...>, ... }`",
            ));
        }
        Ok(Self { networks })
    }
}

impl Parse for NetworkDecl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let lookahead = input.lookahead1();
        if !lookahead.peek(Token![struct]) {
            return Err(lookahead.error());
        }
        input.parse::<Token![struct]>()?;
        let name: syn::Ident = input.parse()?;
        let generics = input.parse()?;
        let where_clause = if input.peek(Token![where]) {
            Some(input.parse()?)
        } else {
            None
        };
        let example =
            format!("write `struct {name} {{ hidden: Dense<2, 8>, act: Tanh, out: Dense<8, 1> }}`");
        if input.peek(syn::token::Paren) {
            return Err(input.error(format!(
                "a network is not a tuple struct: its layers are named; {example}"
            )));
        }
        if input.peek(Token![;]) {
            return Err(input.error(format!("a network needs its layers in braces; {example}")));
        }
        if !input.peek(syn::token::Brace) {
            return Err(input.error(format!(
                "expected the network's layers in braces; {example}"
            )));
        }
        let content;
        let brace = braced!(content in input);
        let layers = content
            .parse_terminated(LayerDecl::parse, Token![,])?
            .into_iter()
            .collect();
        Ok(Self {
            attrs,
            vis,
            name,
            generics,
            where_clause,
            layers,
            body_span: brace.span.join(),
        })
    }
}

impl Parse for LayerDecl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let name = input.parse()?;
        input.parse::<Token![:]>()?;
        let kind = input.call(syn::Path::parse_mod_style)?;
        let sizes = if input.peek(Token![<]) {
            Some(parse_sizes(input)?)
        } else {
            None
        };
        let args = if input.peek(syn::token::Paren) {
            Some(parse_args(input)?)
        } else {
            None
        };
        Ok(Self {
            attrs,
            vis,
            name,
            kind,
            sizes,
            args,
        })
    }
}

fn parse_sizes(input: ParseStream) -> syn::Result<Sizes> {
    let open = input.parse::<Token![<]>()?;
    let mut items = Vec::new();
    loop {
        if input.peek(Token![>]) {
            break;
        }
        items.push(parse_size(input)?);
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        } else {
            break;
        }
    }
    let close = input.parse::<Token![>]>()?;
    Ok(Sizes {
        open: open.span,
        close: close.span,
        items,
    })
}

fn parse_size(input: ParseStream) -> syn::Result<SizeExpr> {
    // syn reads `-1` as one negative integer literal; keep it an expression
    // so the message underlines both tokens.
    if input.peek(syn::LitInt) && !input.peek(Token![-]) {
        return Ok(SizeExpr::Literal(input.parse()?));
    }
    if input.peek(syn::token::Brace) {
        let block: syn::ExprBlock = input.parse()?;
        return Ok(SizeExpr::Block(Expr::Block(block)));
    }
    if input.peek(syn::Ident)
        || input.peek(Token![::])
        || input.peek(Token![crate])
        || input.peek(Token![self])
        || input.peek(Token![super])
    {
        return Ok(SizeExpr::Path(input.call(syn::Path::parse_mod_style)?));
    }
    // Anything else (a float, a string, a negative number): keep it for a
    // precise message from validation. A unary expression stops before `,`/`>`.
    let expr = if input.peek(Token![-]) {
        Expr::Unary(input.parse()?)
    } else {
        Expr::Lit(input.parse()?)
    };
    Ok(SizeExpr::Invalid(expr))
}

fn parse_args(input: ParseStream) -> syn::Result<Args> {
    let content;
    let paren = parenthesized!(content in input);
    let mut items = Vec::new();
    while !content.is_empty() {
        let key =
            if content.peek(syn::Ident) && content.peek2(Token![=]) && !content.peek2(Token![==]) {
                let key = content.parse()?;
                content.parse::<Token![=]>()?;
                Some(key)
            } else {
                None
            };
        let value: Expr = content.parse()?;
        items.push(Arg { key, value });
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(Args {
        span: paren.span.join(),
        items,
    })
}
