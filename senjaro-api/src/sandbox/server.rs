//! Serves any `SenjaroApi` over HTTP/1.1 on a local listener, speaking SenjaroPay's wire
//! format: the generated `dispatch` routes each JSON `POST` to the matching trait method.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming as HyperBody;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use super::auth::Authorize;
use super::faults::{Fault, Faults};
use crate::{ApiErrorBody, Error, Incoming, Router};

/// How long a client may take to send a request's headers, and then its body.
const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// Largest request body the server reads.
const MAX_REQUEST_BYTES: usize = 64 * 1024;
/// Most requests the log keeps; older ones are dropped first.
const MAX_LOGGED: usize = 100_000;

/// One request the server answered, for tests to inspect. Credentials are not recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// The request path.
    pub path: String,
    /// The idempotency header's value, if the endpoint has one and it was sent.
    pub idempotency_key: Option<String>,
    /// The status the server answered with, or 0 when an injected fault dropped the
    /// connection instead.
    pub status: u16,
}

#[derive(Debug, Default)]
struct RequestLog(Mutex<VecDeque<LoggedRequest>>);

impl RequestLog {
    fn snapshot(&self) -> Vec<LoggedRequest> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    fn push(&self, entry: LoggedRequest) {
        let mut log = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if log.len() == MAX_LOGGED {
            log.pop_front();
        }
        log.push_back(entry);
    }
}

struct Served {
    router: Arc<dyn Router>,
    auth: Arc<dyn Authorize>,
    log: RequestLog,
    faults: Faults,
}

/// Returned by the service to make hyper close the connection without an answer.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

/// Serves a [`Router`] (any `SenjaroApi` implementation wrapped by the spec's `router`) over
/// HTTP/1.1 on `127.0.0.1`, speaking SenjaroPay's wire format: `POST` only, JSON bodies,
/// the auth check you choose, the idempotency header required where the spec declares one,
/// error answers in the documented `ApiError` shape. Stops when dropped.
///
/// This is how the sandbox is served, and how a test puts its own fake behind the real
/// [`Client`](crate::Client).
pub struct Server {
    addr: SocketAddr,
    served: Arc<Served>,
    task: JoinHandle<()>,
}

impl Server {
    /// Starts serving `router` on an ephemeral port of `127.0.0.1`.
    ///
    /// # Errors
    ///
    /// The I/O error if the port cannot be bound.
    pub async fn start(router: Arc<dyn Router>, auth: Arc<dyn Authorize>) -> std::io::Result<Server> {
        Server::start_on(0, router, auth).await
    }

    /// Starts serving `router` on `port` of `127.0.0.1` (0 picks a free port).
    ///
    /// # Errors
    ///
    /// The I/O error if the port cannot be bound.
    pub async fn start_on(port: u16, router: Arc<dyn Router>, auth: Arc<dyn Authorize>) -> std::io::Result<Server> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
        let addr = listener.local_addr()?;
        let served = Arc::new(Served {
            router,
            auth,
            log: RequestLog::default(),
            faults: Faults::default(),
        });
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&served)));
        Ok(Server { addr, served, task })
    }

    /// The address the server listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to give a client, such as `http://127.0.0.1:40123`.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, oldest first (at most the last 100,000).
    #[must_use]
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.served.log.snapshot()
    }

    /// Makes the next `times` requests suffer `fault` (after any faults already queued).
    pub fn inject(&self, fault: &Fault, times: usize) {
        self.served.faults.inject(fault, times);
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Accepts connections until the task is aborted; aborting also ends every open connection.
async fn accept_loop(listener: TcpListener, served: Arc<Served>) {
    let mut connections = JoinSet::new();
    loop {
        let (stream, _peer): (_, SocketAddr) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::warn!(error = %e, "sandbox accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        let served = Arc::clone(&served);
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let served = Arc::clone(&served);
                async move { handle(&served, request).await }
            });
            if let Err(e) = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(error = %e, "sandbox connection ended with an error");
            }
        });
    }
}

async fn handle(served: &Served, request: Request<HyperBody>) -> Result<Response<Full<Bytes>>, DropConnection> {
    let path = request.uri().path().to_owned();
    let meta = served.router.endpoints().iter().find(|meta| meta.path() == path);
    let key = meta
        .and_then(|meta| meta.idempotency_header())
        .and_then(|header| request.headers().get(header))
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let fault = served.faults.next();
    let log = |status: u16| {
        served.log.push(LoggedRequest {
            path: path.clone(),
            idempotency_key: key.clone(),
            status,
        });
    };
    let response = match fault {
        Some(Fault::Status(status)) => injected_status(status),
        Some(Fault::Html(status)) => injected_html(status),
        Some(Fault::Drop) => {
            log(0);
            return Err(DropConnection);
        }
        Some(Fault::DropAnswer) => {
            let _ = answer(served, request, meta.is_some(), key.as_deref()).await;
            log(0);
            return Err(DropConnection);
        }
        Some(Fault::Delay(pause)) => {
            tokio::time::sleep(pause).await;
            answer(served, request, meta.is_some(), key.as_deref()).await
        }
        None => answer(served, request, meta.is_some(), key.as_deref()).await,
    };
    log(response.status().as_u16());
    Ok(response)
}

fn injected_status(status: u16) -> Response<Full<Bytes>> {
    let code = error_status(status);
    let mut response = error(code, "injected_fault", "fault injected by the sandbox");
    if code == StatusCode::TOO_MANY_REQUESTS {
        response
            .headers_mut()
            .insert(hyper::header::RETRY_AFTER, HeaderValue::from_static("0"));
    }
    response
}

/// An injected fault's status as given (a 200 with an HTML page is a useful fault too), or
/// 503 when it is not an HTTP status (100..=999).
fn error_status(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
}

fn injected_html(status: u16) -> Response<Full<Bytes>> {
    let code = error_status(status);
    let page = format!(
        "<html><head><title>{code}</title></head><body><h1>{code}</h1><p>upstream unavailable</p></body></html>"
    );
    let mut response = Response::new(Full::new(Bytes::from(page)));
    *response.status_mut() = code;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

async fn answer(
    served: &Served,
    request: Request<HyperBody>,
    known_path: bool,
    key: Option<&str>,
) -> Response<Full<Bytes>> {
    if !known_path {
        return error(StatusCode::NOT_FOUND, "not_found", "no endpoint at this path");
    }
    if request.method() != Method::POST {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "every SenjaroPay endpoint is a POST",
        );
    }
    if !served.auth.authorize(request.headers()) {
        return error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or invalid x-api-key / x-api-secret",
        );
    }
    let json = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        });
    if !json {
        return error(
            StatusCode::BAD_REQUEST,
            "validation_error",
            "Content-Type must be application/json",
        );
    }
    let path = request.uri().path().to_owned();
    let reading = Limited::new(request.into_body(), MAX_REQUEST_BYTES).collect();
    let body = match tokio::time::timeout(READ_TIMEOUT, reading).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(_)) | Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "validation_error",
                "the request body is too large, was cut off or took too long",
            );
        }
    };
    let incoming = Incoming {
        path: &path,
        idempotency_key: key,
        body: &body,
    };
    match served.router.route(incoming).await {
        None => error(StatusCode::NOT_FOUND, "not_found", "no endpoint at this path"),
        Some(Ok(answer)) => json_response(StatusCode::OK, answer),
        Some(Err(e)) => error_response(&e),
    }
}

fn error_response(e: &Error) -> Response<Full<Bytes>> {
    match e {
        Error::InvalidRequest(_) => error(StatusCode::BAD_REQUEST, "validation_error", &e.to_string()),
        Error::Api(api) => {
            let status = StatusCode::from_u16(api.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = match api.body() {
                Some(body) => serde_json::to_vec(body).unwrap_or_default(),
                None => api.excerpt().as_bytes().to_vec(),
            };
            json_response(status, body)
        }
        other => error(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", &other.to_string()),
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response<Full<Bytes>> {
    let body = ApiErrorBody::new(status.as_u16(), code, message);
    json_response(status, serde_json::to_vec(&body).unwrap_or_default())
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
