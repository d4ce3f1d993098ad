//! The one error type every call returns.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use crate::{ApiErrorBody, ErrorCode, IdempotencyKey};

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Longest body excerpt an error keeps.
pub const MAX_EXCERPT_LEN: usize = 512;

/// Everything a SenjaroPay call can end in.
///
/// Every variant that comes out of a create carries the idempotency key
/// ([`idempotency_key`](Self::idempotency_key)), so the caller can always retry the same
/// logical payment or look it up. Nothing here ever prints an API key or secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// SenjaroPay answered with a non-2xx status.
    Api(Box<ApiError>),
    /// A 2xx answer whose body is not what the endpoint returns.
    Decode(Box<DecodeError>),
    /// The request failed at the network level (connection refused, DNS, TLS, a dropped
    /// connection). Out of a create it means nothing reached SenjaroPay: when a create may
    /// have reached it, the error is [`Error::OutcomeUnknown`] instead. Out of a read (which
    /// changes nothing) it may also mean the connection dropped after the request was sent.
    Transport(TransportError),
    /// A time limit ran out before the request could have reached SenjaroPay, or while reading
    /// a payment's status.
    Timeout(TimeoutError),
    /// A create may have reached SenjaroPay, but no answer settled it and no attempt is left:
    /// the connection dropped or timed out after sending, a gateway answered 502 or 504, or a
    /// later attempt got an answer (such as 409 or 503) that does not say whether the lost
    /// one succeeded. The payment may exist.
    ///
    /// What to do: call create again with the same idempotency key (SenjaroPay will not create
    /// it twice), or find the payment through the status endpoint once you have a reference.
    /// Never retry with a new key: that can charge the customer twice.
    OutcomeUnknown(OutcomeUnknown),
    /// The request was rejected before anything was sent.
    InvalidRequest(InvalidRequest),
    /// The client settings are invalid.
    Config(ConfigError),
}

impl Error {
    /// An [`Error::InvalidRequest`] naming `field`.
    #[must_use]
    pub fn invalid_request(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidRequest(InvalidRequest {
            field: field.into(),
            reason: reason.into(),
            idempotency_key: None,
        })
    }

    /// An [`Error::Config`].
    #[must_use]
    pub fn config(reason: impl Into<String>) -> Self {
        Error::Config(ConfigError { reason: reason.into() })
    }

    /// An [`Error::Transport`] caused by `source`.
    #[must_use]
    pub fn transport(source: impl Into<BoxError>, idempotency_key: Option<IdempotencyKey>) -> Self {
        Error::Transport(TransportError {
            source: source.into(),
            idempotency_key,
        })
    }

    /// An [`Error::Timeout`] after `limit`.
    #[must_use]
    pub fn timeout(limit: Duration, idempotency_key: Option<IdempotencyKey>) -> Self {
        Error::Timeout(TimeoutError {
            limit,
            idempotency_key,
            waiting_for_final: false,
        })
    }

    /// An [`Error::Timeout`] of a wait for a payment's final state after `limit`.
    #[must_use]
    pub fn wait_timeout(limit: Duration) -> Self {
        Error::Timeout(TimeoutError {
            limit,
            idempotency_key: None,
            waiting_for_final: true,
        })
    }

    /// An [`Error::OutcomeUnknown`] for the create sent with `idempotency_key`.
    #[must_use]
    pub fn outcome_unknown(idempotency_key: IdempotencyKey, attempts: u32, source: impl Into<BoxError>) -> Self {
        Error::OutcomeUnknown(OutcomeUnknown {
            idempotency_key,
            attempts,
            source: source.into(),
        })
    }

    /// The HTTP status of the answer, when there was one.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The idempotency key the failed call used, if it had one.
    #[must_use]
    pub fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        match self {
            Error::Api(e) => e.idempotency_key.as_ref(),
            Error::Decode(e) => e.idempotency_key.as_ref(),
            Error::Transport(e) => e.idempotency_key.as_ref(),
            Error::Timeout(e) => e.idempotency_key.as_ref(),
            Error::OutcomeUnknown(e) => Some(&e.idempotency_key),
            Error::InvalidRequest(e) => e.idempotency_key.as_ref(),
            Error::Config(_) => None,
        }
    }

    /// Attaches the key of the call this error came out of (kept if one is already set).
    #[must_use]
    pub fn with_idempotency_key(mut self, key: &IdempotencyKey) -> Self {
        let slot = match &mut self {
            Error::Api(e) => &mut e.idempotency_key,
            Error::Decode(e) => &mut e.idempotency_key,
            Error::Transport(e) => &mut e.idempotency_key,
            Error::Timeout(e) => &mut e.idempotency_key,
            Error::InvalidRequest(e) => &mut e.idempotency_key,
            Error::OutcomeUnknown(_) | Error::Config(_) => return self,
        };
        slot.get_or_insert_with(|| key.clone());
        self
    }

    /// Whether the same call may succeed if tried again later: 408, 429, 500, 502, 503, 504,
    /// transport failures, timeouts and unknown outcomes (the latter only with the same
    /// idempotency key).
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            Error::Transport(_) | Error::Timeout(_) | Error::OutcomeUnknown(_) => true,
            Error::Decode(_) | Error::InvalidRequest(_) | Error::Config(_) => false,
        }
    }

    /// Whether this is an [`Error::OutcomeUnknown`]: the payment may exist.
    #[must_use]
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Error::OutcomeUnknown(_))
    }

    /// Whether this is an [`Error::Timeout`].
    #[must_use]
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// The API error, if SenjaroPay answered with an error status.
    #[must_use]
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// For an invalid request, the reason without the field name.
    #[must_use]
    pub fn reason_text(&self) -> String {
        match self {
            Error::InvalidRequest(e) => e.reason.clone(),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => fmt::Display::fmt(e, f),
            Error::Decode(e) => fmt::Display::fmt(e, f),
            Error::Transport(e) => fmt::Display::fmt(e, f),
            Error::Timeout(e) => fmt::Display::fmt(e, f),
            Error::OutcomeUnknown(e) => fmt::Display::fmt(e, f),
            Error::InvalidRequest(e) => fmt::Display::fmt(e, f),
            Error::Config(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::Decode(e) => Some(&*e.source),
            Error::Transport(e) => Some(&*e.source),
            Error::OutcomeUnknown(e) => Some(&*e.source),
            _ => None,
        }
    }
}

/// Cuts `body` to at most [`MAX_EXCERPT_LEN`] bytes at a character boundary, replacing
/// invalid UTF-8.
#[must_use]
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX_EXCERPT_LEN * 2)]);
    if text.len() <= MAX_EXCERPT_LEN {
        return text.into_owned();
    }
    let mut end = MAX_EXCERPT_LEN;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Decodes one JSON document as `T`; on failure gives the JSON path where it failed
/// (`.` for the whole body) and serde's error.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, (String, serde_json::Error)> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let mut track = serde_path_to_error::Track::new();
    T::deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
        .and_then(|value| de.end().map(|()| value))
        .map_err(|e| {
            let mut path = track.path().to_string();
            // A missing field is reported at its parent object; name the field itself.
            if let Some(field) = missing_field(&e) {
                path = if path == "." { field } else { format!("{path}.{field}") };
            }
            (path, e)
        })
}

fn missing_field(e: &serde_json::Error) -> Option<String> {
    let message = e.to_string();
    let rest = message.strip_prefix("missing field `")?;
    Some(rest[..rest.find('`')?].to_owned())
}

/// SenjaroPay answered with a non-2xx status.
#[derive(Debug)]
pub struct ApiError {
    status: u16,
    code: Option<ErrorCode>,
    body: Option<ApiErrorBody>,
    excerpt: String,
    retry_after: Option<Duration>,
    idempotency_key: Option<IdempotencyKey>,
}

impl ApiError {
    /// Reads an error answer. The body is parsed as the documented `ApiError` shape when it
    /// is one; an HTML page, plain text or an empty body is kept as an excerpt only.
    #[must_use]
    pub fn new(status: u16, body: &[u8]) -> Self {
        let parsed = serde_json::from_slice::<ApiErrorBody>(body).ok();
        let code = parsed
            .as_ref()
            .and_then(|b| b.error_code.as_deref())
            .map(|c| c.parse().unwrap_or_else(|never| match never {}))
            .or(match status {
                400 => Some(ErrorCode::ValidationError),
                401 => Some(ErrorCode::Unauthorized),
                403 => Some(ErrorCode::Forbidden),
                _ => None,
            });
        ApiError {
            status,
            code,
            body: parsed,
            excerpt: excerpt(body),
            retry_after: None,
            idempotency_key: None,
        }
    }

    /// Replaces every occurrence of each of `secrets` in the parsed body and the excerpt with
    /// `[redacted]`. Bytes can be scrubbed before parsing, but a JSON escape (`\u005f`) can
    /// spell a secret that only appears once the body is decoded.
    #[must_use]
    pub fn redacted(mut self, secrets: &[&str]) -> Self {
        let clean = |text: &mut String| {
            // Placeholders shorter than 8 characters protect nothing and would shred the text.
            for secret in secrets.iter().filter(|s| s.len() >= 8) {
                if text.contains(secret) {
                    *text = text.replace(secret, "[redacted]");
                }
            }
        };
        clean(&mut self.excerpt);
        if let Some(body) = &mut self.body {
            for text in [&mut body.status, &mut body.error_code, &mut body.message]
                .into_iter()
                .flatten()
            {
                clean(text);
            }
            for value in body.extra.values_mut() {
                redact_json(value, &clean);
            }
        }
        self
    }

    /// Records the server's `Retry-After` delay.
    #[must_use]
    pub fn with_retry_after(mut self, delay: Option<Duration>) -> Self {
        self.retry_after = delay;
        self
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `error_code`: from the body, or for 400, 401 and 403 without one, from the status.
    #[must_use]
    pub fn code(&self) -> Option<&ErrorCode> {
        self.code.as_ref()
    }

    /// The human-readable `message`, if the body had one.
    #[must_use]
    pub fn message(&self) -> Option<&str> {
        self.body.as_ref().and_then(|b| b.message.as_deref())
    }

    /// The parsed error body, if the body was JSON.
    #[must_use]
    pub fn body(&self) -> Option<&ApiErrorBody> {
        self.body.as_ref()
    }

    /// The start of the raw body (at most [`MAX_EXCERPT_LEN`] bytes).
    #[must_use]
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }

    /// Whether the status says "try again later": 408, 429, 500, 502, 503 or 504. Other
    /// statuses (such as 501 or any other 4xx) will not change on a retry.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(self.status, 408 | 429 | 500 | 502 | 503 | 504)
    }

    /// How long the server asked to wait before trying again.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "senjaropay answered {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        match self.message() {
            Some(message) => write!(f, ": {message}"),
            None if self.body.is_none() && !self.excerpt.is_empty() => {
                write!(f, ": {}", self.excerpt.chars().take(120).collect::<String>())
            }
            None => Ok(()),
        }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

fn redact_json(value: &mut serde_json::Value, clean: &impl Fn(&mut String)) {
    match value {
        serde_json::Value::String(text) => clean(text),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| redact_json(v, clean)),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(|v| redact_json(v, clean)),
        _ => {}
    }
}

/// A 2xx answer whose body could not be decoded.
#[derive(Debug)]
pub struct DecodeError {
    status: u16,
    path: String,
    excerpt: String,
    source: BoxError,
    idempotency_key: Option<IdempotencyKey>,
}

impl DecodeError {
    /// A 2xx answer whose body exceeds `limit` bytes; only its start was read.
    #[must_use]
    pub fn too_large(status: u16, limit: usize, start: &[u8]) -> Error {
        DecodeError::unreadable(status, start, format!("the body is larger than {limit} bytes"))
    }

    /// A 2xx answer whose body could not be read whole (for example, the connection broke
    /// in the middle of it); `start` is what arrived.
    #[must_use]
    pub fn unreadable(status: u16, start: &[u8], reason: impl Into<BoxError>) -> Error {
        Error::Decode(Box::new(DecodeError {
            status,
            path: ".".to_owned(),
            excerpt: excerpt(start),
            source: reason.into(),
            idempotency_key: None,
        }))
    }

    /// Decodes `body` as `T`, or describes where it failed.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] with the status, the JSON path of the failure and an excerpt.
    pub fn decode<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> crate::Result<T> {
        decode_json(body).map_err(|(path, source)| {
            Error::Decode(Box::new(DecodeError {
                status,
                path,
                excerpt: excerpt(body),
                source: Box::new(source),
                idempotency_key: None,
            }))
        })
    }

    /// The HTTP status of the answer.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Where in the JSON decoding failed, such as `data.reference` (`.` for the whole body).
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The start of the raw body.
    #[must_use]
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "senjaropay answered {} with a body this client cannot read (at `{}`): {}",
            self.status, self.path, self.source
        )
    }
}

/// The request failed before SenjaroPay could have acted on it.
#[derive(Debug)]
pub struct TransportError {
    source: BoxError,
    idempotency_key: Option<IdempotencyKey>,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not reach senjaropay: {}", self.source)?;
        // The innermost causes say what actually failed (connection refused, TLS, DNS).
        let mut cause = self.source.source();
        while let Some(inner) = cause {
            write!(f, ": {inner}")?;
            cause = inner.source();
        }
        Ok(())
    }
}

/// A time limit ran out.
#[derive(Debug)]
pub struct TimeoutError {
    limit: Duration,
    idempotency_key: Option<IdempotencyKey>,
    waiting_for_final: bool,
}

impl TimeoutError {
    /// The limit that ran out.
    #[must_use]
    pub fn limit(&self) -> Duration {
        self.limit
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.waiting_for_final {
            write!(f, "the payment did not reach a final state within {:?}", self.limit)
        } else {
            write!(f, "senjaropay did not answer within {:?}", self.limit)
        }
    }
}

/// The request may have reached SenjaroPay but its answer was lost. See
/// [`Error::OutcomeUnknown`] for what to do.
#[derive(Debug)]
pub struct OutcomeUnknown {
    idempotency_key: IdempotencyKey,
    attempts: u32,
    source: BoxError,
}

impl OutcomeUnknown {
    /// The key to retry with.
    #[must_use]
    pub fn idempotency_key(&self) -> &IdempotencyKey {
        &self.idempotency_key
    }

    /// How many attempts were made.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for OutcomeUnknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "outcome unknown after {} attempt(s): the payment may exist; retry with idempotency key {} or check its status ({})",
            self.attempts, self.idempotency_key, self.source
        )
    }
}

/// The request was rejected before anything was sent.
#[derive(Debug)]
pub struct InvalidRequest {
    field: String,
    reason: String,
    idempotency_key: Option<IdempotencyKey>,
}

impl InvalidRequest {
    /// The offending field, such as `phone_number` or `details.amount`.
    #[must_use]
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    #[must_use]
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid `{}`: {}", self.field, self.reason)
    }
}

/// The client settings are invalid.
#[derive(Debug)]
pub struct ConfigError {
    reason: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid client configuration: {}", self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::{ApiError, Error, excerpt};
    use crate::ErrorCode;

    #[test]
    fn error_is_send_sync_static() {
        fn assert<T: Send + Sync + 'static + std::error::Error>() {}
        assert::<Error>();
    }

    #[test]
    fn api_error_reads_documented_and_hostile_bodies() {
        let e = ApiError::new(
            401,
            br#"{"status":"error","code":401,"error_code":"unauthorized","message":"bad key"}"#,
        );
        assert_eq!(e.code(), Some(&ErrorCode::Unauthorized));
        assert_eq!(e.message(), Some("bad key"));

        let e = ApiError::new(403, b"<html>Forbidden</html>");
        assert_eq!(e.code(), Some(&ErrorCode::Forbidden));
        assert!(e.body().is_none());
        assert!(e.to_string().contains("<html>"));

        let e = ApiError::new(422, br#"{"error_code":"amount_too_small","extra":1}"#);
        assert_eq!(e.code(), Some(&ErrorCode::Unknown("amount_too_small".into())));

        assert_eq!(ApiError::new(502, b"").code(), None);
    }

    #[test]
    fn excerpt_is_bounded_at_a_char_boundary() {
        let body = "é".repeat(10_000);
        let cut = excerpt(body.as_bytes());
        assert!(cut.len() <= super::MAX_EXCERPT_LEN + '…'.len_utf8());
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt(b"\xff\xfeok"), "\u{fffd}\u{fffd}ok");
    }
}
