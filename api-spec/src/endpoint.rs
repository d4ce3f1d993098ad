//! What the generated code builds on: endpoint metadata, the transport a client plugs in,
//! and the helpers server-side dispatch uses.

use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, IdempotencyKey, Result};

/// How an endpoint may be retried, declared per endpoint in the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryClass {
    /// A read: retried on transport errors, 429 and 5xx.
    Safe,
    /// A write retried only with the same idempotency key and a byte-identical body.
    Keyed,
    /// Never retried.
    Never,
}

impl RetryClass {
    /// The spec's spelling: `safe`, `keyed` or `never`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RetryClass::Safe => "safe",
            RetryClass::Keyed => "keyed",
            RetryClass::Never => "never",
        }
    }
}

/// Everything the spec says about one endpoint, readable by any tool (sandbox, CLI, docs).
#[derive(Clone, Copy, Debug)]
pub struct EndpointMeta {
    parts: EndpointMetaParts,
}

/// The fields of an [`EndpointMeta`]; written by the `api!` macro only.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct EndpointMetaParts {
    pub name: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub request_type: &'static str,
    pub response_type: &'static str,
    pub retry: RetryClass,
    pub idempotency_header: Option<&'static str>,
    pub sensitive_fields: &'static [&'static str],
    pub deprecated: Option<&'static str>,
    pub doc: &'static str,
    pub request_schema: fn() -> serde_json::Value,
    pub response_schema: fn() -> serde_json::Value,
}

impl EndpointMeta {
    #[doc(hidden)]
    #[must_use]
    pub const fn __new(parts: EndpointMetaParts) -> Self {
        EndpointMeta { parts }
    }

    /// The method name on `SenjaroApi`, such as `create_payment`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.parts.name
    }

    /// Always `POST`: every merchant endpoint is a POST, reads included.
    #[must_use]
    pub fn method(&self) -> &'static str {
        self.parts.method
    }

    /// The path under the base URL, such as `/senjaropay/merchant/payments/create`.
    #[must_use]
    pub fn path(&self) -> &'static str {
        self.parts.path
    }

    /// The request type as written in the spec.
    #[must_use]
    pub fn request_type(&self) -> &'static str {
        self.parts.request_type
    }

    /// The response type as written in the spec.
    #[must_use]
    pub fn response_type(&self) -> &'static str {
        self.parts.response_type
    }

    /// How the endpoint may be retried.
    #[must_use]
    pub fn retry(&self) -> RetryClass {
        self.parts.retry
    }

    /// The idempotency header the endpoint requires, if any.
    #[must_use]
    pub fn idempotency_header(&self) -> Option<&'static str> {
        self.parts.idempotency_header
    }

    /// Request fields whose values must never be logged.
    #[must_use]
    pub fn sensitive_fields(&self) -> &'static [&'static str] {
        self.parts.sensitive_fields
    }

    /// The deprecation note, if the endpoint is deprecated (empty when no note was given).
    #[must_use]
    pub fn deprecated(&self) -> Option<&'static str> {
        self.parts.deprecated
    }

    /// The endpoint's doc comment.
    #[must_use]
    pub fn doc(&self) -> &'static str {
        self.parts.doc
    }

    /// The JSON Schema of the request body.
    #[must_use]
    pub fn request_schema(&self) -> serde_json::Value {
        (self.parts.request_schema)()
    }

    /// The JSON Schema of a successful answer's body.
    #[must_use]
    pub fn response_schema(&self) -> serde_json::Value {
        (self.parts.response_schema)()
    }
}

/// Checks a request before anything is sent, so bad input never reaches the network. Every
/// request type of the spec implements it (an empty `impl` accepts everything).
pub trait Validate {
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] naming the offending field.
    fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// A request type of the spec, tying it to its endpoint. Implemented by the `api!` macro.
pub trait Endpoint: Serialize + DeserializeOwned + Validate + crate::Schema + Send + Sync + 'static {
    /// What a successful call returns.
    type Response: Serialize + DeserializeOwned + crate::Schema + Send + Sync + 'static;
    /// The endpoint's metadata.
    const META: &'static EndpointMeta;
    /// How to read and set the request's idempotency key: through [`Idempotent`] for an
    /// endpoint with an idempotency header, [`KeyAccess::NONE`] otherwise. Set by the macro.
    #[doc(hidden)]
    const KEY_ACCESS: KeyAccess<Self>;
}

/// Reads and sets a request's idempotency key; written by the `api!` macro.
#[doc(hidden)]
pub struct KeyAccess<T: ?Sized> {
    /// The caller's key, if any.
    pub get: fn(&T) -> Option<&IdempotencyKey>,
    /// Stores a key (server side, from the header).
    pub set: fn(&mut T, IdempotencyKey),
}

impl<T: ?Sized> KeyAccess<T> {
    /// For endpoints without an idempotency header: no key, and setting one does nothing.
    pub const NONE: KeyAccess<T> = KeyAccess {
        get: |_| None,
        set: |_, _| {},
    };
}

/// The key access of an [`Idempotent`] request type. The one place the macro requires the
/// trait, so a keyed request type without it gives exactly one error, at the type.
#[must_use]
pub const fn key_access<T: Idempotent>() -> KeyAccess<T> {
    KeyAccess {
        get: T::idempotency_key,
        set: T::set_idempotency_key,
    }
}

/// A request sent with an idempotency header; it may carry the caller's key.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is the request of an endpoint with an `idempotency_header`, so it must implement `Idempotent`",
    label = "add `impl senjaro_spec::Idempotent for {Self}` (a `#[serde(skip)]` key field), or remove the header"
)]
pub trait Idempotent {
    /// The caller's key, if one was set.
    fn idempotency_key(&self) -> Option<&IdempotencyKey>;
    /// Sets the key (used on the server side, from the header).
    fn set_idempotency_key(&mut self, key: IdempotencyKey);
}

/// The answer to a call that carried an idempotency key, with the key that was used:
/// store it with your order to retry safely.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyed<T> {
    /// The key sent on every attempt of this call.
    pub idempotency_key: IdempotencyKey,
    /// The decoded answer.
    pub response: T,
}

impl<T> Keyed<T> {
    /// Pairs an answer with the key it was obtained with.
    #[must_use]
    pub fn new(idempotency_key: IdempotencyKey, response: T) -> Self {
        Keyed {
            idempotency_key,
            response,
        }
    }

    /// The answer without the key.
    #[must_use]
    pub fn into_inner(self) -> T {
        self.response
    }
}

impl<T> Deref for Keyed<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.response
    }
}

/// Sends endpoint requests somewhere: implement it and the spec's `SenjaroApi` trait follows,
/// one method per endpoint. `senjaro_api::Client` implements it over HTTP.
#[crate::__private::async_trait]
pub trait Transport: Send + Sync {
    /// Sends a request of an endpoint without an idempotency header.
    ///
    /// # Errors
    ///
    /// Any [`Error`] the call ends in.
    async fn call<E: Endpoint>(&self, request: E) -> Result<E::Response>;

    /// Sends a request of an endpoint with an idempotency header, returning the key used.
    ///
    /// # Errors
    ///
    /// Any [`Error`] the call ends in; errors carry the key whenever one was drawn or given.
    async fn call_keyed<E: Endpoint>(&self, request: E) -> Result<Keyed<E::Response>>;
}

/// A future that routes one request; see [`Router`].
pub type RouteFuture<'a> = Pin<Box<dyn Future<Output = Option<Result<Vec<u8>>>> + Send + 'a>>;

/// Server side of a spec: its endpoints, and routing of an incoming request to an
/// implementation of its trait. The `api!` macro generates `router(api)`, which wraps any
/// `SenjaroApi` implementation (a fake, a mock, the sandbox) in one.
pub trait Router: Send + Sync + 'static {
    /// The endpoints this router serves.
    fn endpoints(&self) -> &'static [&'static EndpointMeta];

    /// Routes `incoming` to its endpoint's method: `None` for an unknown path, otherwise the
    /// answer's JSON body or the error to turn into an HTTP error answer.
    fn route<'a>(&'a self, incoming: Incoming<'a>) -> RouteFuture<'a>;
}

/// One JSON `POST` received by a server, for the generated `dispatch`.
#[derive(Clone, Copy)]
pub struct Incoming<'a> {
    /// The request path, without query string.
    pub path: &'a str,
    /// The idempotency header's value, if the request had one.
    pub idempotency_key: Option<&'a str>,
    /// The raw body.
    pub body: &'a [u8],
}

impl fmt::Debug for Incoming<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Incoming")
            .field("path", &self.path)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Decodes a request body, naming the field that failed.
///
/// # Errors
///
/// [`Error::InvalidRequest`] naming the JSON path that failed.
pub fn decode_request<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    crate::error::decode_json(body).map_err(|(path, e)| {
        let field = if path == "." { "body".to_owned() } else { path };
        Error::invalid_request(field, e.to_string())
    })
}

/// The idempotency key of an incoming request, which must be present and valid.
///
/// # Errors
///
/// [`Error::InvalidRequest`] naming the header.
pub fn require_idempotency_key(value: Option<&str>, header: &str) -> Result<IdempotencyKey> {
    match value {
        None => Err(Error::invalid_request(header, "this header is required")),
        Some(key) => IdempotencyKey::new(key).map_err(|e| Error::invalid_request(header, e.reason_text())),
    }
}

/// Encodes an answer body.
///
/// # Errors
///
/// Only if serialization fails, which the spec's types never do.
pub fn encode_response<T: Serialize>(answer: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(answer).map_err(|e| Error::transport(e, None))
}

/// The error a `SenjaroApi` method answers when an implementation does not provide it:
/// 501 `not_implemented`.
#[must_use]
pub fn not_implemented(endpoint: &str) -> Error {
    let body = crate::ApiErrorBody::new(501, "not_implemented", format!("`{endpoint}` is not implemented here"));
    crate::ApiError::new(501, &serde_json::to_vec(&body).unwrap_or_default()).into()
}

/// `Debug` for a request type: its JSON fields, with the spec's sensitive fields replaced
/// by `[redacted]`. The `api!` macro implements `Debug` for every request type with it.
///
/// # Errors
///
/// Only the formatter's.
pub fn fmt_redacted<E: Endpoint>(request: &E, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    struct Json(serde_json::Value);
    impl fmt::Debug for Json {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            fmt::Display::fmt(&self.0, f)
        }
    }

    let name = E::META.request_type().rsplit("::").next().unwrap_or_default();
    let mut out = f.debug_struct(name);
    match serde_json::to_value(request) {
        Ok(serde_json::Value::Object(fields)) => {
            for (field, value) in fields {
                let sensitive = E::META
                    .sensitive_fields()
                    .iter()
                    .any(|rust| <E as crate::Schema>::__wire_name(rust).unwrap_or(rust) == field);
                if sensitive {
                    out.field(&field, &format_args!("[redacted]"));
                } else {
                    out.field(&field, &Json(value));
                }
            }
        }
        _ => {
            out.field("body", &format_args!("<not a JSON object>"));
        }
    }
    out.finish()
}
