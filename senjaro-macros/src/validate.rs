//! The rules: turns the raw syntax into checked [`Endpoint`]s, collecting every mistake.
//!
//! Invalid endpoints are dropped from the output (their errors are reported) so that the valid
//! part of the spec still expands and users see only the real mistakes.

use std::collections::{HashMap, HashSet};

use quote::ToTokens as _;

use proc_macro2::Span;
use syn::{Attribute, Expr, ExprLit, Ident, Lit, LitStr, Meta, Type};

use crate::ctxt::Errors;
use crate::parse::{RawEndpoint, RawField, RawValue, Spec};

/// Prefix reserved for names the macro generates.
pub(crate) const RESERVED_PREFIX: &str = "__senjaro";

const ACCEPTED_KEYS: &str = "`method`, `path`, `retry`, `idempotency_header`, `sensitive`";

/// How an endpoint may be retried.
#[derive(Clone, Copy)]
pub(crate) enum Retry {
    /// A read: retried on transport errors, 429 and 5xx.
    Safe,
    /// A write retried only with the same idempotency key.
    Keyed,
    /// Never retried.
    Never,
}

pub(crate) struct Endpoint {
    pub(crate) docs: Vec<Attribute>,
    pub(crate) doc_text: String,
    pub(crate) deprecated: Option<Attribute>,
    pub(crate) deprecated_note: Option<String>,
    /// The method name, raw (`r#type`) when the spec used a keyword.
    pub(crate) name: Ident,
    pub(crate) name_str: String,
    pub(crate) path: LitStr,
    pub(crate) request: Type,
    pub(crate) response: Type,
    pub(crate) retry: Retry,
    pub(crate) idempotency_header: Option<LitStr>,
    /// Sensitive request fields, as written (their spans point compile errors at typos).
    pub(crate) sensitive: Vec<Ident>,
}

/// Spec-level settings.
#[derive(Default)]
pub(crate) struct Options {
    /// Generate `MockSenjaroApi` with mockall when this cargo feature is on.
    pub(crate) mock_feature: Option<LitStr>,
}

pub(crate) fn validate(spec: Spec) -> (Options, Vec<Endpoint>, Errors) {
    let mut errors = Errors::default();
    for error in spec.syntax_errors {
        errors.push(error);
    }
    let options = check_options(&spec.options, &mut errors);
    let mut names = HashSet::new();
    let mut paths = HashSet::new();
    let mut requests: HashMap<String, String> = HashMap::new();
    let mut endpoints = Vec::new();

    for raw in spec.endpoints {
        let before = errors.count();
        let name_str = raw.name.unraw_string();
        if !names.insert(name_str.clone()) {
            errors.at(
                &raw.name,
                format_args!("duplicate endpoint name `{name_str}`, rename one of them"),
            );
        }
        let endpoint = check_endpoint(raw, name_str, &mut errors);
        if let Some(endpoint) = &endpoint {
            let request = endpoint.request.to_token_stream().to_string();
            if let Some(first) = requests.get(&request) {
                errors.at(
                    &endpoint.request,
                    format_args!(
                        "`{}` is already the request of `{first}`, each endpoint needs its own request type",
                        request.replace(' ', "")
                    ),
                );
            } else {
                requests.insert(request, endpoint.name_str.clone());
            }
        }
        if let Some(endpoint) = &endpoint
            && !paths.insert(endpoint.path.value())
        {
            errors.at(
                &endpoint.path,
                format_args!(
                    "duplicate path \"{}\", each endpoint needs its own path",
                    endpoint.path.value()
                ),
            );
        }
        if errors.count() == before {
            endpoints.extend(endpoint);
        }
    }
    (options, endpoints, errors)
}

fn check_options(attrs: &[Attribute], errors: &mut Errors) -> Options {
    let mut options = Options::default();
    for attr in attrs {
        if !attr.path().is_ident("mock") {
            errors.at(
                attr,
                "unknown spec option, the accepted one is `#![mock(feature = \"...\")]`",
            );
            continue;
        }
        if options.mock_feature.is_some() {
            errors.at(attr, "duplicate `#![mock]`, remove one");
            continue;
        }
        let expected = "expected `#![mock(feature = \"...\")]`, naming the cargo feature that turns the mock on";
        let mut feature = None;
        let parsed = match &attr.meta {
            Meta::List(_) => attr.parse_nested_meta(|meta| {
                if !meta.path.is_ident("feature") {
                    return Err(meta.error(expected));
                }
                let value = meta.value()?;
                let lit = value
                    .parse::<LitStr>()
                    .map_err(|e| syn::Error::new(e.span(), "expected the feature's name as a string"))?;
                if feature.replace(lit).is_some() {
                    return Err(meta.error("`feature` is given twice, keep one"));
                }
                Ok(())
            }),
            _ => Err(syn::Error::new_spanned(attr, expected)),
        };
        match (parsed, feature) {
            (Err(e), _) => errors.push(e),
            (Ok(()), None) => errors.at(attr, expected),
            (Ok(()), Some(lit)) => options.mock_feature = Some(lit),
        }
    }
    options
}

trait UnrawString {
    fn unraw_string(&self) -> String;
}

impl UnrawString for Ident {
    fn unraw_string(&self) -> String {
        let text = self.to_string();
        text.strip_prefix("r#").map_or(text.clone(), str::to_owned)
    }
}

#[allow(clippy::too_many_lines)]
fn check_endpoint(raw: RawEndpoint, name_str: String, errors: &mut Errors) -> Option<Endpoint> {
    let name = check_name(&raw.name, &name_str, errors);
    let (docs, doc_text, deprecated, deprecated_note) = check_attrs(raw.attrs, errors);

    let request = raw.request.or_else(|| {
        errors.push(syn::Error::new(
            raw.paren_span,
            "missing request type, write `fn name(RequestType) -> ResponseType`",
        ));
        None
    });
    let response = raw.response.or_else(|| {
        errors.at(
            &raw.name,
            "missing response type, add `-> ResponseType` after the request",
        );
        None
    });

    let mut seen = HashSet::new();
    let mut path = None;
    let mut retry = None;
    let mut idempotency_header = None;
    let mut sensitive = Vec::new();

    for RawField { key, value } in raw.fields {
        let key_str = key.unraw_string();
        if !seen.insert(key_str.clone()) {
            errors.at(&key, format_args!("duplicate key `{key_str}`, remove one"));
            continue;
        }
        match key_str.as_str() {
            "method" => match &value {
                RawValue::Ident(method) if method == "POST" => {}
                other => errors.at(
                    other,
                    "unsupported method, the SenjaroPay merchant API is POST only: write `method: POST` or leave it out",
                ),
            },
            "path" => match value {
                RawValue::Str(lit) => {
                    if check_path(&lit, errors) {
                        path = Some(lit);
                    }
                }
                other => errors.at(&other, "expected the path as a string, like `path: \"/senjaropay/merchant/...\"`"),
            },
            "retry" => match &value {
                RawValue::Ident(class) if class == "safe" => retry = Some((Retry::Safe, class.span())),
                RawValue::Ident(class) if class == "keyed" => retry = Some((Retry::Keyed, class.span())),
                RawValue::Ident(class) if class == "never" => retry = Some((Retry::Never, class.span())),
                other => errors.at(
                    other,
                    "unknown retry class, expected `safe` (a read), `keyed` (a write retried with the same idempotency key) or `never`",
                ),
            },
            "idempotency_header" => match value {
                RawValue::Str(lit) => {
                    if check_header_name(&lit, errors) {
                        idempotency_header = Some(lit);
                    }
                }
                other => errors.at(&other, "expected the header name as a string, like `idempotency_header: \"x-idempotency-key\"`"),
            },
            "sensitive" => match value {
                RawValue::List(fields) => {
                    for field in fields {
                        let field_str = field.unraw_string();
                        if sensitive.iter().any(|f: &Ident| f.unraw_string() == field_str) {
                            errors.at(&field, format_args!("`{field_str}` is listed twice, remove one"));
                        } else {
                            sensitive.push(field);
                        }
                    }
                }
                other => errors.at(&other, "expected a list of field names, like `sensitive: [phone_number]`"),
            },
            _ => errors.at(
                &key,
                format_args!("unknown key `{key_str}`, expected one of {ACCEPTED_KEYS}"),
            ),
        }
    }

    if path.is_none() && !seen.contains("path") {
        errors.at(&raw.name, "missing `path`, add `path: \"/senjaropay/merchant/...\"`");
    }
    if retry.is_none() && !seen.contains("retry") {
        errors.at(
            &raw.name,
            "missing `retry`, add `retry: safe`, `retry: keyed` or `retry: never`",
        );
    }
    if let (Some((Retry::Keyed, span)), false) = (retry, seen.contains("idempotency_header")) {
        errors.push(syn::Error::new(
            span,
            "a `keyed` endpoint retries a write, so it needs `idempotency_header: \"...\"` or `retry: never`",
        ));
    }

    Some(Endpoint {
        docs,
        doc_text,
        deprecated,
        deprecated_note,
        name: name?,
        name_str,
        path: path?,
        request: request?,
        response: response?,
        retry: retry?.0,
        idempotency_header,
        sensitive,
    })
}

fn check_name(name: &Ident, name_str: &str, errors: &mut Errors) -> Option<Ident> {
    if name_str.starts_with(RESERVED_PREFIX) {
        errors.at(
            name,
            format_args!(
                "names starting with `{RESERVED_PREFIX}` are reserved for generated code, choose another name"
            ),
        );
        return None;
    }
    let snake = name_str.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name_str
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !snake {
        errors.at(
            name,
            format_args!("endpoint name `{name_str}` must be snake_case (lowercase letters, digits and `_`)"),
        );
        return None;
    }
    if matches!(name_str, "self" | "super" | "crate" | "Self") {
        errors.at(
            name,
            format_args!("`{name_str}` cannot name an endpoint, choose another name"),
        );
        return None;
    }
    if is_keyword(name_str) {
        Some(Ident::new_raw(name_str, name.span()))
    } else {
        Some(Ident::new(name_str, name.span()))
    }
}

fn is_keyword(word: &str) -> bool {
    syn::parse_str::<Ident>(word).is_err()
}

fn check_path(lit: &LitStr, errors: &mut Errors) -> bool {
    let path = lit.value();
    if let Some(bad) = path
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "/-_.~".contains(*c)))
    {
        errors.at(
            lit,
            format_args!(
                "path contains `{}`, use only letters, digits and `/-_.~` (no query string or placeholders)",
                bad.escape_default()
            ),
        );
        return false;
    }
    if !path.starts_with('/') {
        errors.at(lit, format_args!("path must start with `/`, write \"/{path}\""));
        return false;
    }
    let problem = if path.len() > 1 && path.ends_with('/') {
        Some("path must not end with `/`, remove the trailing slash")
    } else if path.contains("//") {
        Some("path must not contain an empty segment (`//`)")
    } else if path.split('/').any(|segment| segment == "." || segment == "..") {
        Some("path must not contain `.` or `..` segments")
    } else if path == "/" {
        Some("path must name an endpoint, not the root `/`")
    } else {
        None
    };
    if let Some(problem) = problem {
        errors.at(lit, problem);
        return false;
    }
    true
}

/// Headers the client sets itself; an idempotency header with one of these names would clash.
const RESERVED_HEADERS: &[&str] = &[
    "x-api-key",
    "x-api-secret",
    "content-type",
    "content-length",
    "host",
    "user-agent",
];

fn check_header_name(lit: &LitStr, errors: &mut Errors) -> bool {
    let name = lit.value();
    let token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !token {
        errors.at(
            lit,
            "header name must be non-empty lowercase letters, digits and `-`, like \"x-idempotency-key\"",
        );
        return false;
    }
    if RESERVED_HEADERS.contains(&name.as_str()) {
        errors.at(
            lit,
            format_args!("`{name}` is a header the client sets itself, choose another, like \"x-idempotency-key\""),
        );
        return false;
    }
    true
}

type CheckedAttrs = (Vec<Attribute>, String, Option<Attribute>, Option<String>);

fn check_attrs(attrs: Vec<Attribute>, errors: &mut Errors) -> CheckedAttrs {
    let mut docs = Vec::new();
    let mut doc_text = String::new();
    let mut deprecated = None;
    let mut note = None;
    for attr in attrs {
        if attr.path().is_ident("doc") {
            if let Meta::NameValue(nv) = &attr.meta
                && let Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) = &nv.value
            {
                if !doc_text.is_empty() {
                    doc_text.push('\n');
                }
                doc_text.push_str(s.value().trim());
            }
            docs.push(attr);
        } else if attr.path().is_ident("deprecated") {
            if deprecated.is_some() {
                errors.at(&attr, "duplicate `#[deprecated]`, remove one");
                continue;
            }
            note = deprecation_note(&attr, errors);
            deprecated = Some(attr);
        } else {
            errors.at(
                &attr,
                "unsupported attribute, an endpoint accepts only doc comments and `#[deprecated]`",
            );
        }
    }
    (docs, doc_text, deprecated, note)
}

fn deprecation_note(attr: &Attribute, errors: &mut Errors) -> Option<String> {
    match &attr.meta {
        Meta::Path(_) => Some(String::new()),
        Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => Some(s.value()),
            other => {
                errors.at(other, "expected `#[deprecated = \"note\"]`");
                None
            }
        },
        Meta::List(_) => {
            let mut note = String::new();
            let parsed = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("note") {
                    note = meta.value()?.parse::<LitStr>()?.value();
                    Ok(())
                } else if meta.path.is_ident("since") {
                    meta.value()?.parse::<LitStr>()?;
                    Ok(())
                } else {
                    Err(meta.error("expected `note = \"...\"` or `since = \"...\"`"))
                }
            });
            match parsed {
                Ok(()) => Some(note),
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        }
    }
}

impl quote::ToTokens for RawValue {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        match self {
            RawValue::Str(lit) => lit.to_tokens(tokens),
            RawValue::Ident(ident) => ident.to_tokens(tokens),
            RawValue::List(items) => {
                for item in items {
                    item.to_tokens(tokens);
                }
                if items.is_empty() {
                    Ident::new("sensitive", Span::call_site()).to_tokens(tokens);
                }
            }
        }
    }
}
