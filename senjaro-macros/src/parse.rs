//! Syntax only: turns the macro input into [`Spec`], keeping every token for error spans.
//!
//! ```text
//! #![mock(feature = "mock")]   // optional: mockall's automock behind that cargo feature
//!
//! /// Doc comment, carried onto the trait method.
//! #[deprecated = "use other_endpoint"]
//! fn create_payment(CreatePaymentRequest) -> CreatePaymentResponse {
//!     path: "/senjaropay/merchant/payments/create",
//!     retry: keyed,
//!     idempotency_header: "x-idempotency-key",
//!     sensitive: [phone_number, customer],
//! }
//! ```

use proc_macro2::{Delimiter, Span, TokenTree};
use syn::ext::IdentExt as _;
use syn::parse::discouraged::Speculative as _;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, LitStr, Token, Type, braced, bracketed, parenthesized};

pub(crate) struct Spec {
    /// Spec-level options, written as inner attributes: `#![mock(feature = "mock")]`.
    pub(crate) options: Vec<Attribute>,
    pub(crate) endpoints: Vec<RawEndpoint>,
    /// Endpoints that did not parse: each one's error, the others still parsed.
    pub(crate) syntax_errors: Vec<syn::Error>,
}

pub(crate) struct RawEndpoint {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) name: Ident,
    /// The span of the parentheses, for "missing request" errors.
    pub(crate) paren_span: Span,
    pub(crate) request: Option<Type>,
    pub(crate) response: Option<Type>,
    pub(crate) fields: Vec<RawField>,
}

pub(crate) struct RawField {
    pub(crate) key: Ident,
    pub(crate) value: RawValue,
}

pub(crate) enum RawValue {
    Str(LitStr),
    Ident(Ident),
    List(Vec<Ident>),
}

impl Parse for Spec {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let options = input.call(Attribute::parse_inner)?;
        let mut endpoints = Vec::new();
        let mut syntax_errors = Vec::new();
        while !input.is_empty() {
            let attempt = input.fork();
            match attempt.parse::<RawEndpoint>() {
                Ok(endpoint) => {
                    input.advance_to(&attempt);
                    endpoints.push(endpoint);
                }
                Err(error) => {
                    syntax_errors.push(error);
                    skip_endpoint(input)?;
                }
            }
        }
        Ok(Spec {
            options,
            endpoints,
            syntax_errors,
        })
    }
}

/// Skips a broken endpoint: everything up to and including the next `{ ... }` block, so the
/// endpoints after it are still parsed and checked.
fn skip_endpoint(input: ParseStream<'_>) -> syn::Result<()> {
    while !input.is_empty() {
        if let TokenTree::Group(group) = input.parse::<TokenTree>()?
            && group.delimiter() == Delimiter::Brace
        {
            break;
        }
    }
    Ok(())
}

impl Parse for RawEndpoint {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        input.parse::<Token![fn]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `fn`: each endpoint reads `fn name(Request) -> Response { ... }`",
            )
        })?;
        let name = input.call(Ident::parse_any)?;

        let args;
        let paren = parenthesized!(args in input);
        if args.peek(Ident::peek_any) && args.peek2(Token![:]) && !args.peek2(Token![::]) {
            return Err(args.error("write the request type alone, like `fn name(RequestType) -> ResponseType`"));
        }
        let request = if args.is_empty() {
            None
        } else {
            Some(args.parse::<Type>()?)
        };
        if !args.is_empty() {
            return Err(args.error("an endpoint takes exactly one request type"));
        }

        let response = if input.peek(Token![->]) {
            input.parse::<Token![->]>()?;
            Some(input.parse::<Type>()?)
        } else {
            None
        };

        let body;
        braced!(body in input);
        let fields = Punctuated::<RawField, Token![,]>::parse_terminated(&body)?
            .into_iter()
            .collect();

        Ok(RawEndpoint {
            attrs,
            name,
            paren_span: paren.span.join(),
            request,
            response,
            fields,
        })
    }
}

impl Parse for RawField {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key = input.call(Ident::parse_any).map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected a key such as `path`, `retry` or `idempotency_header`",
            )
        })?;
        input
            .parse::<Token![:]>()
            .map_err(|e| syn::Error::new(e.span(), format!("expected `:` after `{key}`")))?;
        let value = if input.peek(LitStr) {
            RawValue::Str(input.parse()?)
        } else if input.peek(syn::token::Bracket) {
            let items;
            bracketed!(items in input);
            let list = Punctuated::<Ident, Token![,]>::parse_terminated_with(&items, |item| {
                item.call(Ident::parse_any)
                    .map_err(|e| syn::Error::new(e.span(), "expected a field name, like `[phone_number, customer]`"))
            })?;
            RawValue::List(list.into_iter().collect())
        } else if input.peek(Ident::peek_any) {
            RawValue::Ident(input.call(Ident::parse_any)?)
        } else {
            return Err(input.error("expected a string, an identifier or a `[...]` list"));
        };
        Ok(RawField { key, value })
    }
}
