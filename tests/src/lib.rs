//! Test support: a loopback HTTP/1.1 server that records every request byte for byte and
//! answers from a script, including answers no well-behaved server would give (dropped
//! connections, stalls, truncated or huge bodies).

pub mod extra_spec;
pub mod lint_spec;

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use senjaro_api::{Client, CreatePaymentRequest, Currency, Customer, PaymentDetails, PaymentType, RetryPolicy};
pub mod fault_proxy;

/// Credentials used by every test; obvious placeholders, never real.
pub const TEST_API_KEY: &str = "pk_test_PLACEHOLDER";
/// See [`TEST_API_KEY`].
pub const TEST_API_SECRET: &str = "sk_test_PLACEHOLDER";

/// A client for `server` with the placeholder credentials, retrying by `policy`.
///
/// # Panics
///
/// If the client cannot be built (it always can, on loopback).
#[must_use]
pub fn client_with(server: &ScriptedServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(&server.base_url())
        .credentials(TEST_API_KEY, TEST_API_SECRET)
        .retry_policy(policy)
        .build()
        .expect("a loopback client with placeholder credentials builds")
}

/// A client for `server` with the placeholder credentials and retries off, so each call is
/// exactly one request.
#[must_use]
pub fn client_for(server: &ScriptedServer) -> Client {
    client_with(server, RetryPolicy::none())
}

/// The quickstart's create: 1000.00 TZS from `phone`, paid by Jane Doe.
///
/// # Panics
///
/// If `phone` is not a valid Tanzanian mobile number.
#[must_use]
pub fn payment_from(phone: &str) -> CreatePaymentRequest {
    CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new("1000.00".parse().expect("valid amount"), Currency::tzs()),
        phone.parse().expect("valid msisdn"),
        Customer::new("Jane Doe", "jane@example.com"),
    )
}

/// [`payment_from`] the documented example number, 255712345678.
#[must_use]
pub fn jane_request() -> CreatePaymentRequest {
    payment_from("255712345678")
}

/// The documented example answer of the status endpoint.
pub const DOCUMENTED_STATUS_EXAMPLE: &str = r#"{
  "message": "Transaction status retrieved from database",
  "transactionId": "TXN-MOCK-000123",
  "displayId": "SPMOCK.0001.000123",
  "method": "MOBILE",
  "status": "PENDING",
  "reference_id": "mock-ref-7b2a4f3e",
  "amount": "1000.00",
  "currency": "TZS",
  "created_at": "2026-01-01T10:30:00.000Z"
}"#;

/// One request as the server received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// The request method.
    pub method: String,
    /// The request target (path and query).
    pub path: String,
    /// Header names and values in the order and spelling received.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The value of header `name` (compared case-insensitively), if present once or more.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// How many times header `name` appears.
    #[must_use]
    pub fn header_count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }
}

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Action {
    /// Answer with this status, extra headers and body (`Content-Length` is added).
    Respond {
        /// HTTP status code.
        status: u16,
        /// Extra headers, such as `Retry-After`.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// Read the request, then close the connection without answering.
    Drop,
    /// Read the request, then wait this long before doing the next action.
    Delay(Duration, Box<Action>),
    /// Write these bytes as the whole answer, then close.
    Raw(Vec<u8>),
}

impl Action {
    /// `200` with a JSON body.
    #[must_use]
    pub fn json(status: u16, body: &str) -> Action {
        Action::Respond {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// An answer with a content type and body.
    #[must_use]
    pub fn typed(status: u16, content_type: &str, body: &[u8]) -> Action {
        Action::Respond {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.to_vec(),
        }
    }

    /// Adds a header to a `Respond` action.
    #[must_use]
    pub fn with_header(self, name: &str, value: &str) -> Action {
        match self {
            Action::Respond {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.into(), value.into()));
                Action::Respond { status, headers, body }
            }
            other => other,
        }
    }
}

#[derive(Default)]
struct Shared {
    script: VecDeque<Action>,
    fallback: Option<Action>,
    requests: Vec<Recorded>,
}

/// A scripted loopback server. Each request takes the next action of the script, or the
/// fallback once the script is used up. Stops when dropped.
pub struct ScriptedServer {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    task: JoinHandle<()>,
}

impl ScriptedServer {
    /// Starts a server answering with `script`, then with `fallback` forever.
    ///
    /// # Panics
    ///
    /// If `127.0.0.1` cannot be bound.
    pub async fn start(script: Vec<Action>, fallback: Action) -> ScriptedServer {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Mutex::new(Shared {
            script: script.into(),
            fallback: Some(fallback),
            requests: Vec::new(),
        }));
        let task = tokio::spawn(serve(listener, Arc::clone(&shared)));
        ScriptedServer { addr, shared, task }
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, oldest first.
    #[must_use]
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .requests
            .clone()
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(listener: TcpListener, shared: Arc<Mutex<Shared>>) {
    let mut connections = tokio::task::JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        while connections.try_join_next().is_some() {}
        connections.spawn(connection(stream, Arc::clone(&shared)));
    }
}

async fn connection(mut stream: TcpStream, shared: Arc<Mutex<Shared>>) {
    // One request per connection; every answer closes it, so a client retry opens a new one.
    let Some(recorded) = read_request(&mut stream).await else {
        return;
    };
    let action = {
        let mut shared = shared.lock().unwrap_or_else(PoisonError::into_inner);
        shared.requests.push(recorded);
        let next = shared.script.pop_front();
        next.or_else(|| shared.fallback.clone()).unwrap_or(Action::Drop)
    };
    perform(&mut stream, action).await;
}

async fn perform(stream: &mut TcpStream, mut action: Action) {
    loop {
        match action {
            Action::Delay(pause, next) => {
                tokio::time::sleep(pause).await;
                action = *next;
            }
            Action::Drop => return,
            Action::Raw(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
                return;
            }
            Action::Respond { status, headers, body } => {
                let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
                for (name, value) in headers {
                    let _ = write!(head, "{name}: {value}\r\n");
                }
                let _ = write!(head, "Content-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Reads one request head and its `Content-Length` body (bounded at 1 MiB).
async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    const LIMIT: usize = 1024 * 1024;
    let mut buf = Vec::new();
    let mut chunk = [0_u8; 4096];
    let head_end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > LIMIT {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.to_owned(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(LIMIT);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Some(Recorded {
        method,
        path,
        headers,
        body,
    })
}
