//! One call, from validated request to decoded answer: attempts, deadlines, retries and the
//! mapping of every failure to a typed [`Error`].

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{StatusCode, Url};
use senjaro_spec::{ApiError, DecodeError, Endpoint, IdempotencyKey, Keyed, RetryClass, Transport};
use tracing::Instrument as _;

use crate::client::Client;
use crate::retry::retry_after;
use crate::secret::{scrub, scrub_cut};
use crate::{Error, Result};

const API_KEY: HeaderName = HeaderName::from_static("x-api-key");
const API_SECRET: HeaderName = HeaderName::from_static("x-api-secret");
const JSON: HeaderValue = HeaderValue::from_static("application/json");
/// The least time worth starting a retry with.
const MIN_USEFUL_ATTEMPT: Duration = Duration::from_millis(100);

/// How one attempt ended, when it did not succeed.
enum Failure {
    /// The connection could not be opened: the server saw nothing.
    NotSent(reqwest::Error),
    /// The request may have reached the server, but no complete answer came back.
    MaybeSent(reqwest::Error),
    /// The attempt's time ran out; the request may have reached the server.
    TimedOut(Duration),
    /// The server answered with an error status.
    Answer(Box<ApiError>),
    /// The server's answer broke off mid-body: this is the error it amounts to (status kept).
    Cut(Box<Error>),
}

impl Failure {
    fn retryable(&self, class: RetryClass) -> bool {
        match (self, class) {
            (Failure::NotSent(_), _) => true,
            (_, RetryClass::Never) => false,
            (Failure::Answer(e), _) => e.is_retryable(),
            (Failure::MaybeSent(_) | Failure::TimedOut(_) | Failure::Cut(_), _) => true,
        }
    }

    /// Whether the request may have reached the server with no answer telling what happened.
    /// A gateway's 502 or 504 counts: the gateway lost the origin's answer, not the request.
    fn ambiguous(&self) -> bool {
        match self {
            Failure::MaybeSent(_) | Failure::TimedOut(_) | Failure::Cut(_) => true,
            Failure::Answer(e) => matches!(e.status(), 502 | 504),
            Failure::NotSent(_) => false,
        }
    }

    /// Whether this answer settles a create whose earlier attempt was lost: only a refusal that
    /// a replay with the same key would repeat (400, 401, 403, 404, 422) says nothing exists.
    fn settles(&self) -> bool {
        matches!(self, Failure::Answer(e) if matches!(e.status(), 400 | 401 | 403 | 404 | 422))
    }
}

#[async_trait::async_trait]
impl Transport for Client {
    async fn call<E: Endpoint>(&self, request: E) -> Result<E::Response> {
        // An endpoint with an idempotency header never goes out without its key.
        if E::META.idempotency_header().is_some() {
            return self.call_keyed(request).await.map(Keyed::into_inner);
        }
        self.execute(&request, None).await
    }

    async fn call_keyed<E: Endpoint>(&self, request: E) -> Result<Keyed<E::Response>> {
        if E::META.idempotency_header().is_none() {
            return Err(Error::invalid_request(
                "idempotency_key",
                format!("`{}` takes no idempotency key: use `Transport::call`", E::META.name()),
            ));
        }
        let key = (E::KEY_ACCESS.get)(&request)
            .cloned()
            .unwrap_or_else(IdempotencyKey::generate);
        match self.execute(&request, Some(&key)).await {
            Ok(response) => Ok(Keyed::new(key, response)),
            Err(e) => Err(e.with_idempotency_key(&key)),
        }
    }
}

impl Client {
    async fn execute<E: Endpoint>(&self, request: &E, key: Option<&IdempotencyKey>) -> Result<E::Response> {
        let meta = E::META;
        let span = tracing::debug_span!(
            "senjaro.call",
            endpoint = meta.name(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        async move {
            request.validate()?;
            // Serialised once: every attempt sends the same bytes with the same key.
            let body =
                Bytes::from(serde_json::to_vec(request).map_err(|e| Error::invalid_request("body", e.to_string()))?);
            let url = match self.inner.endpoint_urls.get(meta.path()) {
                Some(url) => Target::Parsed(url),
                None => Target::Text(format!("{}{}", self.inner.base_url, meta.path())),
            };
            let idempotency = match (meta.idempotency_header(), key) {
                (Some(name), Some(key)) => Some((
                    HeaderName::from_static(name),
                    HeaderValue::from_str(key.as_str())
                        .map_err(|_| Error::invalid_request("idempotency_key", "not a valid header value"))?,
                )),
                _ => None,
            };

            let started = Instant::now();
            // Limits are bounded at build (see `Timeouts`), so this cannot overflow.
            let deadline = started + self.settings.timeouts.total_limit();
            let policy = self.settings.retry;
            let mut reached_server = false;
            let mut attempt = 0;
            loop {
                attempt += 1;
                let remaining = deadline.saturating_duration_since(Instant::now());
                let attempt_limit = self.settings.timeouts.attempt_limit();
                let limit = attempt_limit.min(remaining);
                let attempt_started = Instant::now();
                let outcome = tokio::time::timeout(limit, self.attempt(&url, idempotency.as_ref(), body.clone())).await;
                let failure = match outcome {
                    Ok(Ok((status, headers, answer))) => {
                        tracing::debug!(
                            attempt,
                            status = status.as_u16(),
                            latency_ms = elapsed_ms(attempt_started),
                            "answer"
                        );
                        tracing::Span::current()
                            .record("attempts", attempt)
                            .record("status", status.as_u16());
                        match self.read_answer::<E::Response>(status, &headers, answer) {
                            Ok(decoded) => return decoded,
                            Err(failure) => failure,
                        }
                    }
                    Ok(Err(e)) if e.is_connect() => Failure::NotSent(e),
                    Ok(Err(e)) => Failure::MaybeSent(e),
                    // Report the limit that ran out: the deadline when it cut this attempt short.
                    Err(_) if limit < attempt_limit => Failure::TimedOut(self.settings.timeouts.total_limit()),
                    Err(_) => Failure::TimedOut(limit),
                };
                reached_server |= failure.ambiguous();
                tracing::debug!(
                    attempt,
                    latency_ms = elapsed_ms(attempt_started),
                    reason = failure.describe(),
                    "attempt failed"
                );

                if failure.retryable(meta.retry()) && attempt < policy.attempts() {
                    let wait = match &failure {
                        Failure::Answer(e) => e.retry_after().unwrap_or_else(|| policy.backoff(attempt)),
                        _ => policy.backoff(attempt),
                    };
                    // Retry only if the next attempt would still have a useful slice of time;
                    // an attempt started just before the deadline can only time out, and for a
                    // create it would turn a clean failure into an unknown outcome.
                    let floor = attempt_limit.min(MIN_USEFUL_ATTEMPT);
                    let resume = Instant::now().checked_add(wait);
                    if resume.and_then(|r| r.checked_add(floor)).is_some_and(|r| r <= deadline) {
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                }
                tracing::Span::current().record("attempts", attempt);
                return Err(final_error(
                    failure,
                    key,
                    attempt,
                    reached_server,
                    self.inner.connect_timeout,
                ));
            }
        }
        .instrument(span)
        .await
    }

    /// A 2xx answer decoded (or its decode error), or the failure an error status is.
    fn read_answer<T: serde::de::DeserializeOwned>(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        answer: Body,
    ) -> std::result::Result<Result<T>, Failure> {
        let secrets = [self.inner.api_secret.as_bytes(), self.inner.api_key.as_bytes()];
        if status.is_success() {
            return Ok(match answer {
                // Decoded as received by plain serde_json: JSON-path tracking allocates per
                // key, so it is paid only on failure, where the body is decoded again with it
                // from a scrubbed copy (the excerpt and message quote the body).
                Body::Complete(bytes) => serde_json::from_slice(&bytes)
                    .or_else(|_| DecodeError::decode(status.as_u16(), &scrub(&bytes, secrets))),
                Body::TooLarge(start) => Err(DecodeError::too_large(
                    status.as_u16(),
                    self.inner.max_response_bytes,
                    &scrub_cut(&start, secrets),
                )),
                Body::Cut(start, e) => {
                    let error = DecodeError::unreadable(status.as_u16(), &scrub_cut(&start, secrets), e);
                    return Err(Failure::Cut(Box::new(error)));
                }
            });
        }
        let bytes = match &answer {
            Body::Complete(bytes) => scrub(bytes, secrets),
            Body::TooLarge(start) | Body::Cut(start, _) => scrub_cut(start, secrets),
        };
        if let Body::Cut(..) = answer {
            return Err(Failure::Cut(Box::new(self.api_error(status, &bytes).into())));
        }
        let retry_after = retry_after(headers, SystemTime::now());
        Err(Failure::Answer(Box::new(
            self.api_error(status, &bytes).with_retry_after(retry_after),
        )))
    }

    /// An error answer, with the credentials redacted wherever the parsed body spells them.
    fn api_error(&self, status: StatusCode, scrubbed: &[u8]) -> ApiError {
        let secret = self.inner.api_secret.header().to_str().unwrap_or_default();
        let key = self.inner.api_key.header().to_str().unwrap_or_default();
        ApiError::new(status.as_u16(), scrubbed).redacted(&[secret, key])
    }

    async fn attempt(
        &self,
        url: &Target<'_>,
        idempotency: Option<&(HeaderName, HeaderValue)>,
        body: Bytes,
    ) -> std::result::Result<(StatusCode, HeaderMap, Body), reqwest::Error> {
        let inner = &self.inner;
        let request = match url {
            Target::Parsed(url) => inner.http.post(Url::clone(url)),
            Target::Text(url) => inner.http.post(url.as_str()),
        };
        let mut request = request
            .header(CONTENT_TYPE, JSON)
            .header(API_KEY, inner.api_key.header().clone())
            .header(API_SECRET, inner.api_secret.header().clone());
        if let Some((name, value)) = idempotency {
            request = request.header(name.clone(), value.clone());
        }
        let mut response = request.body(body).send().await?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let limit = inner.max_response_bytes;
        let mut buf = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) if buf.len() + chunk.len() > limit => {
                    buf.extend_from_slice(&chunk[..limit - buf.len()]);
                    return Ok((status, headers, Body::TooLarge(buf)));
                }
                Ok(Some(chunk)) => buf.extend_from_slice(&chunk),
                Ok(None) => return Ok((status, headers, Body::Complete(buf))),
                Err(e) => return Ok((status, headers, Body::Cut(buf, e))),
            }
        }
    }
}

/// Where a call's requests go.
enum Target<'a> {
    /// A spec endpoint's URL, parsed when the client was built.
    Parsed(&'a Url),
    /// An endpoint of another spec: the URL as text, which reqwest parses.
    Text(String),
}

/// An answer body, read up to the client's limit.
enum Body {
    Complete(Vec<u8>),
    TooLarge(Vec<u8>),
    /// The connection broke mid-body: what arrived, and why it stopped.
    Cut(Vec<u8>, reqwest::Error),
}

impl Failure {
    fn describe(&self) -> String {
        match self {
            Failure::NotSent(_) => "connect failed".to_owned(),
            Failure::MaybeSent(_) => "connection lost".to_owned(),
            Failure::TimedOut(limit) => format!("no answer within {limit:?}"),
            Failure::Answer(e) => format!("status {}", e.status()),
            Failure::Cut(e) => format!("answer cut off ({e})"),
        }
    }
}

fn final_error(
    failure: Failure,
    key: Option<&IdempotencyKey>,
    attempts: u32,
    reached_server: bool,
    connect: Duration,
) -> Error {
    // A keyed write one of whose attempts may have reached the server unanswered, and no later
    // answer settles it: the payment may exist. Say so.
    let reached_server = reached_server || failure.ambiguous();
    if let (Some(key), true, false) = (key, reached_server, failure.settles()) {
        let cause: Box<dyn std::error::Error + Send + Sync> = match failure {
            Failure::NotSent(e) | Failure::MaybeSent(e) => Box::new(e),
            Failure::Answer(e) => Box::new(Error::Api(e)),
            Failure::Cut(e) => e,
            Failure::TimedOut(_) => failure.describe().into(),
        };
        return Error::outcome_unknown(key.clone(), attempts, cause);
    }
    match failure {
        Failure::Answer(e) => Error::Api(e),
        Failure::Cut(e) => *e,
        Failure::NotSent(e) | Failure::MaybeSent(e) if !e.is_timeout() => Error::transport(e, key.cloned()),
        Failure::NotSent(_) | Failure::MaybeSent(_) => Error::timeout(connect, key.cloned()),
        Failure::TimedOut(limit) => Error::timeout(limit, key.cloned()),
    }
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}
