//! A bounded loopback TCP proxy that sits in front of an HTTP/1.1 server (the sandbox) and,
//! per connection, at random from a seeded RNG, forwards normally or injects a fault: answers
//! 503 or 429 itself, forwards the request but drops the connection before relaying the
//! answer (the server acted, the client never hears), or stalls.
//!
//! One request per connection: the proxy reads one request (head and `Content-Length` body),
//! forwards it upstream with `Connection: close`, reads the answer to the end and relays it.
//! Every answer it writes closes the connection, so a client retry opens a new one and draws
//! a new fault.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::{JoinHandle, JoinSet};

use crate::Recorded;

/// Largest upstream answer the proxy reads.
const MAX_ANSWER_BYTES: u64 = 1024 * 1024;

/// A tiny, seedable xorshift64 generator: reproducible fault sequences, no dependency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XorShift64(u64);

impl XorShift64 {
    /// A generator started from `seed` (a zero seed, which xorshift cannot leave, is replaced).
    #[must_use]
    pub fn new(seed: u64) -> Self {
        XorShift64(if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed })
    }

    /// The next number of the sequence; never zero.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..bound` (`0` when `bound` is zero).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 { 0 } else { self.next_u64() % bound }
    }
}

/// What the proxy does with one connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Forward the request and relay the answer.
    Forward,
    /// Answer `503` with an HTML page, without forwarding.
    Unavailable,
    /// Answer `429` with `Retry-After: 0`, without forwarding.
    TooManyRequests,
    /// Forward the request, read the whole answer, then close without relaying it: the
    /// server acted but the client never hears.
    DropAnswer,
    /// Read the request, forward nothing, wait [`FaultProxyConfig::stall`], then close.
    Stall,
}

impl Fault {
    /// Every fault, in a fixed order.
    pub const ALL: [Fault; 5] = [
        Fault::Forward,
        Fault::Unavailable,
        Fault::TooManyRequests,
        Fault::DropAnswer,
        Fault::Stall,
    ];

    fn index(self) -> usize {
        match self {
            Fault::Forward => 0,
            Fault::Unavailable => 1,
            Fault::TooManyRequests => 2,
            Fault::DropAnswer => 3,
            Fault::Stall => 4,
        }
    }

    /// Whether the request reaches the upstream server with this fault.
    #[must_use]
    pub fn forwards(self) -> bool {
        matches!(self, Fault::Forward | Fault::DropAnswer)
    }
}

/// Relative weights of the faults (they need not add up to anything).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultMix {
    /// Weight of [`Fault::Forward`].
    pub forward: u32,
    /// Weight of [`Fault::Unavailable`].
    pub unavailable: u32,
    /// Weight of [`Fault::TooManyRequests`].
    pub too_many_requests: u32,
    /// Weight of [`Fault::DropAnswer`].
    pub drop_answer: u32,
    /// Weight of [`Fault::Stall`].
    pub stall: u32,
}

impl Default for FaultMix {
    /// 60 % forwarded; 10 % 503, 8 % 429, 14 % answer dropped, 8 % stalled.
    fn default() -> Self {
        FaultMix {
            forward: 60,
            unavailable: 10,
            too_many_requests: 8,
            drop_answer: 14,
            stall: 8,
        }
    }
}

impl FaultMix {
    /// Only `fault`, every time.
    #[must_use]
    pub fn only(fault: Fault) -> Self {
        let mut mix = FaultMix {
            forward: 0,
            unavailable: 0,
            too_many_requests: 0,
            drop_answer: 0,
            stall: 0,
        };
        *mix.weight_mut(fault) = 1;
        mix
    }

    fn weight(&self, fault: Fault) -> u32 {
        match fault {
            Fault::Forward => self.forward,
            Fault::Unavailable => self.unavailable,
            Fault::TooManyRequests => self.too_many_requests,
            Fault::DropAnswer => self.drop_answer,
            Fault::Stall => self.stall,
        }
    }

    fn weight_mut(&mut self, fault: Fault) -> &mut u32 {
        match fault {
            Fault::Forward => &mut self.forward,
            Fault::Unavailable => &mut self.unavailable,
            Fault::TooManyRequests => &mut self.too_many_requests,
            Fault::DropAnswer => &mut self.drop_answer,
            Fault::Stall => &mut self.stall,
        }
    }

    /// The fault a draw of `rng` picks; [`Fault::Forward`] if every weight is zero.
    pub fn pick(&self, rng: &mut XorShift64) -> Fault {
        let total: u64 = Fault::ALL.iter().map(|f| u64::from(self.weight(*f))).sum();
        let mut roll = rng.below(total);
        for fault in Fault::ALL {
            let weight = u64::from(self.weight(fault));
            if roll < weight {
                return fault;
            }
            roll -= weight;
        }
        Fault::Forward
    }
}

/// How a [`FaultProxy`] behaves.
#[derive(Clone, Copy, Debug)]
pub struct FaultProxyConfig {
    /// Seed of the fault sequence (faults are drawn in accept order).
    pub seed: u64,
    /// How often each fault happens.
    pub mix: FaultMix,
    /// How long a stalled connection is held before it is closed.
    pub stall: Duration,
    /// Most connections handled at once; further clients wait in the listen backlog.
    pub max_connections: usize,
    /// Limit for reading a request and for the whole upstream exchange.
    pub io_timeout: Duration,
}

impl Default for FaultProxyConfig {
    fn default() -> Self {
        FaultProxyConfig {
            seed: 0x5EED_F00D_FA17,
            mix: FaultMix::default(),
            stall: Duration::from_millis(500),
            max_connections: 64,
            io_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Debug)]
struct Shared {
    upstream: SocketAddr,
    config: FaultProxyConfig,
    rng: Mutex<XorShift64>,
    /// Requests read, per fault.
    counts: [AtomicU64; 5],
    /// Forwarded requests for which a complete upstream answer came back.
    upstream_answers: AtomicU64,
    /// Connections being handled.
    active: AtomicUsize,
}

/// Decrements the active-connection count however the connection task ends.
struct Active(Arc<Shared>);

impl Drop for Active {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A running fault-injecting proxy on `127.0.0.1`. Stops (and ends every connection) when
/// dropped.
#[derive(Debug)]
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl FaultProxy {
    /// Starts a proxy in front of `upstream` (which must be a loopback address).
    ///
    /// # Panics
    ///
    /// If `upstream` is not loopback, `max_connections` is zero, or `127.0.0.1` cannot be
    /// bound.
    pub async fn start(upstream: SocketAddr, config: FaultProxyConfig) -> FaultProxy {
        assert!(upstream.ip().is_loopback(), "the proxy only forwards to loopback");
        assert!(config.max_connections > 0, "max_connections must be at least 1");
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared {
            upstream,
            config,
            rng: Mutex::new(XorShift64::new(config.seed)),
            counts: Default::default(),
            upstream_answers: AtomicU64::new(0),
            active: AtomicUsize::new(0),
        });
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        FaultProxy { addr, shared, task }
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many requests were read and given `fault`.
    #[must_use]
    pub fn count(&self, fault: Fault) -> u64 {
        self.shared.counts[fault.index()].load(Ordering::SeqCst)
    }

    /// How many requests were read in all.
    #[must_use]
    pub fn total(&self) -> u64 {
        Fault::ALL.iter().map(|f| self.count(*f)).sum()
    }

    /// How many forwarded requests got a complete answer from upstream (relayed or dropped).
    #[must_use]
    pub fn upstream_answers(&self) -> u64 {
        self.shared.upstream_answers.load(Ordering::SeqCst)
    }

    /// Connections being handled right now.
    #[must_use]
    pub fn active(&self) -> usize {
        self.shared.active.load(Ordering::SeqCst)
    }

    /// Waits until no connection is being handled, for at most `limit`. Returns whether the
    /// proxy became idle.
    pub async fn wait_idle(&self, limit: Duration) -> bool {
        let until = Instant::now() + limit;
        while self.active() > 0 {
            if Instant::now() >= until {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }

    /// One line with the count of every fault, for test output.
    #[must_use]
    pub fn summary(&self) -> String {
        let mut text = String::new();
        for fault in Fault::ALL {
            let _ = write!(text, "{fault:?}={} ", self.count(fault));
        }
        let _ = write!(text, "upstream_answers={}", self.upstream_answers());
        text
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let permits = Arc::new(Semaphore::new(shared.config.max_connections));
    // Dropped with the task when the proxy is dropped, which aborts every connection.
    let mut connections = JoinSet::new();
    loop {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            return;
        };
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        while connections.try_join_next().is_some() {}
        let fault = {
            let mut rng = shared.rng.lock().unwrap_or_else(PoisonError::into_inner);
            shared.config.mix.pick(&mut rng)
        };
        shared.active.fetch_add(1, Ordering::SeqCst);
        let active = Active(Arc::clone(&shared));
        connections.spawn(async move {
            let _permit = permit;
            connection(stream, &active.0, fault).await;
            drop(active);
        });
    }
}

async fn connection(mut client: TcpStream, shared: &Shared, fault: Fault) {
    let io = shared.config.io_timeout;
    let Ok(Some(request)) = tokio::time::timeout(io, crate::read_request(&mut client)).await else {
        return;
    };
    shared.counts[fault.index()].fetch_add(1, Ordering::SeqCst);
    match fault {
        Fault::Forward => {
            let answer = forward(shared, &request).await.unwrap_or_else(|| {
                canned(
                    502,
                    "Bad Gateway",
                    "text/plain",
                    &[],
                    b"the fault proxy got no answer upstream",
                )
            });
            let _ = tokio::time::timeout(io, client.write_all(&answer)).await;
        }
        Fault::Unavailable => {
            let page = b"<html><body><h1>503 Service Unavailable</h1>fault proxy</body></html>";
            let answer = canned(503, "Service Unavailable", "text/html", &[], page);
            let _ = tokio::time::timeout(io, client.write_all(&answer)).await;
        }
        Fault::TooManyRequests => {
            let body = br#"{"status":"error","code":429,"error_code":"rate_limited","message":"slow down"}"#;
            let answer = canned(
                429,
                "Too Many Requests",
                "application/json",
                &[("Retry-After", "0")],
                body,
            );
            let _ = tokio::time::timeout(io, client.write_all(&answer)).await;
        }
        Fault::DropAnswer => {
            let _ = forward(shared, &request).await;
        }
        Fault::Stall => tokio::time::sleep(shared.config.stall).await,
    }
    let _ = tokio::time::timeout(io, client.shutdown()).await;
}

/// Sends `request` upstream with `Connection: close` and reads the whole answer.
async fn forward(shared: &Shared, request: &Recorded) -> Option<Vec<u8>> {
    let exchange = async {
        let mut upstream = TcpStream::connect(shared.upstream).await.ok()?;
        upstream.write_all(&encode(request)).await.ok()?;
        let mut answer = Vec::new();
        (&mut upstream)
            .take(MAX_ANSWER_BYTES)
            .read_to_end(&mut answer)
            .await
            .ok()?;
        (!answer.is_empty()).then_some(answer)
    };
    let answer = tokio::time::timeout(shared.config.io_timeout, exchange).await.ok()??;
    shared.upstream_answers.fetch_add(1, Ordering::SeqCst);
    Some(answer)
}

/// The request as received, with its `Connection` header replaced by `Connection: close` so
/// the upstream server closes after answering.
fn encode(request: &Recorded) -> Vec<u8> {
    let mut head = format!("{} {} HTTP/1.1\r\n", request.method, request.path);
    for (name, value) in &request.headers {
        if name.eq_ignore_ascii_case("connection") || name.eq_ignore_ascii_case("keep-alive") {
            continue;
        }
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&request.body);
    bytes
}

fn canned(status: u16, reason: &str, content_type: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n");
    for (name, value) in headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    let _ = write!(head, "Content-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

#[cfg(test)]
mod tests {
    use super::{Fault, FaultMix, XorShift64};

    #[test]
    fn xorshift_is_seeded_and_reproducible() {
        let mut a = XorShift64::new(42);
        let mut b = XorShift64::new(42);
        let mut c = XorShift64::new(43);
        let first: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        assert_eq!(first, (0..8).map(|_| b.next_u64()).collect::<Vec<_>>());
        assert_ne!(first, (0..8).map(|_| c.next_u64()).collect::<Vec<_>>());
        let mut zero = XorShift64::new(0);
        assert!((0..100).all(|_| zero.next_u64() != 0));
        assert_eq!(zero.below(0), 0);
    }

    #[test]
    fn mix_picks_by_weight() {
        let mut rng = XorShift64::new(7);
        for fault in Fault::ALL {
            let only = FaultMix::only(fault);
            assert!((0..50).all(|_| only.pick(&mut rng) == fault), "{fault:?}");
        }
        let mix = FaultMix::default();
        let mut counts = [0_u32; 5];
        for _ in 0..10_000 {
            counts[mix.pick(&mut rng).index()] += 1;
        }
        // Expected 6000/1000/800/1400/800; every fault shows up, forward dominates.
        assert!(counts.iter().all(|&n| n > 300), "{counts:?}");
        assert!(counts[0] > 5_000 && counts[0] < 7_000, "{counts:?}");
    }
}
