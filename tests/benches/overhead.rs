//! Per-call overhead of `senjaro_api::Client` side by side with a hand-written reqwest client:
//! throughput, latency, CPU, allocations and memory, then the embedded sandbox's own
//! throughput and the build cost of `api-spec` + `senjaro-api`, all in one run.
//!
//! Run with `cargo bench -p senjaro-tests --bench overhead` (CI only builds it). Set
//! `SENJARO_BENCH_SKIP_BUILD=1` to leave out the build-cost part, `SENJARO_BENCH_ROUNDS=N` for
//! fewer rounds (a quick look, or under a profiler), `SENJARO_BENCH_BASELINE_TIMEOUT=1` to give
//! A a per-call timeout like B's. `BENCHMARKS.md` describes the method and keeps the latest
//! figures.
//!
//! - A loopback SenjaroPay (a tiny hyper server with fixed JSON answers, keep-alive on, on a
//!   2-worker multi-threaded runtime) runs in a child process started from this same binary,
//!   so the allocation and memory figures below are the client's alone.
//! - A is one shared `reqwest::Client` built like ours (rustls, no redirects, the same connect
//!   limit), serde structs, the four headers set by hand, the body written by `serde_json`.
//!   B is `senjaro_api::Client`. Both run on one 2-worker multi-threaded runtime.
//! - Each workload runs in interleaved rounds, A then B, then B then A, and so on, so machine
//!   drift and position effects fall on both alike.
//! - A counting global allocator counts allocations and bytes during each measured phase;
//!   a 1 ms sampler tracks the peak of live heap bytes per phase.

#![allow(clippy::print_stdout)] // a benchmark reports on stdout

use std::alloc::System;
use std::collections::HashMap;
use std::convert::Infallible;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use cap::Cap;
use http_body_util::{BodyExt as _, Full};
use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use senjaro_api::sandbox::Sandbox;
use senjaro_api::{
    Client, CreatePaymentRequest, Customer, DecodeError, PaymentDetails, PaymentStatus, PaymentStatusRequest,
    PaymentStatusResponse, PaymentType, Reference, SenjaroApi,
};
use senjaro_tests::{DOCUMENTED_STATUS_EXAMPLE, TEST_API_KEY, TEST_API_SECRET};
use serde::{Deserialize, Serialize};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

/// Counts every allocation (`stats_alloc`) and tracks live and peak bytes (`cap`, no limit).
#[global_allocator]
static ALLOC: Cap<&StatsAlloc<System>> = Cap::new(&INSTRUMENTED_SYSTEM, usize::MAX);

/// The argument that makes this binary the loopback server instead of the benchmark.
const SERVE_ARG: &str = "--senjaro-overhead-serve";
/// The server exits on its own after this long even if nobody closes its stdin.
const SERVER_LIFETIME: Duration = Duration::from_secs(600);
/// The most connections the server accepts in its lifetime.
const SERVER_MAX_CONNECTIONS: usize = 10_000;

const STATUS_PATH: &str = "/senjaropay/merchant/payments/status";
const CREATE_PATH: &str = "/senjaropay/merchant/payments/create";
/// The documented create answer shape (`{status, code, data: {reference}}`).
const CREATE_ANSWER: &str = r#"{"status":"success","code":200,"data":{"reference":"mock-ref-7b2a4f3e"}}"#;
/// The documented 401 answer.
const UNAUTHORIZED_ANSWER: &str =
    r#"{"status":"error","code":401,"error_code":"unauthorized","message":"missing or invalid credentials"}"#;
/// Any other refusal (never expected during the benchmark).
const REFUSED_ANSWER: &str = r#"{"status":"error","error_code":"refused","message":"not what the benchmark sends"}"#;
const REFERENCE: &str = "mock-ref-7b2a4f3e";

/// Rounds unless `SENJARO_BENCH_ROUNDS` says otherwise (fewer for a quick look or a profiler).
const ROUNDS: usize = 100;
const SEQUENTIAL_PER_ROUND: usize = 200;
const CONCURRENCY: usize = 64;
const CONCURRENT_PER_TASK: usize = 48;
const PAIRS_PER_ROUND: usize = 100;
const WARM_UP_CALLS: usize = 1_000;
/// Untimed calls before each measured phase.
const SETTLE_CALLS: usize = 20;
const SANDBOX_SEQUENTIAL: usize = 5_000;
const SANDBOX_PER_TASK: usize = 160;
const ATTRIBUTION_ITERATIONS: usize = 2_000;
/// The peak sampler stops by itself after this many ticks (10 minutes).
const SAMPLER_MAX_TICKS: u32 = 600_000;

fn main() {
    if std::env::args().nth(1).as_deref() == Some(SERVE_ARG) {
        serve();
        return;
    }
    let started = Instant::now();
    let sampler = PeakSampler::start();
    let runtime = client_runtime();
    let mut server = LoopbackServer::spawn();
    let base_url = format!("http://{}", server.addr);

    let allocator_cost = allocator_overhead();
    println!("senjaro overhead benchmark");
    println!(
        "  {} cores; A = hand-written reqwest, B = senjaro_api::Client; {} interleaved rounds",
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        rounds()
    );
    println!(
        "  loopback server: hyper, 2 workers, child process {} on {}; client runtime: 2 workers",
        server.pid(),
        server.addr
    );
    if baseline_timeout().is_some() {
        println!(
            "  A wraps each call in a 30 s tokio timeout, as B does each attempt (SENJARO_BENCH_BASELINE_TIMEOUT)"
        );
    }
    println!("  counting allocator: {allocator_cost:.0} ns per allocation and free (both sides pay it)\n");

    let baseline = warm_up(&runtime, runtime.block_on(async { Driver::baseline(&base_url) }));
    let sdk = warm_up(&runtime, runtime.block_on(async { Driver::sdk(&base_url) }));

    let results = run_rounds(&runtime, &baseline, &sdk, server.pid());
    let baseline_footprint = released_on_drop(&runtime, baseline);
    let sdk_footprint = released_on_drop(&runtime, sdk);
    let attribution = attribution(&base_url);
    let sandbox = run_sandbox(&runtime);
    server.stop();
    drop(runtime);
    sampler.stop();

    print_results(&results);
    print_memory(baseline_footprint, sdk_footprint, &results);
    print_sandbox(&sandbox);
    print_attribution(&attribution);
    print_targets(&results);
    println!("\nload part took {:.0} s", started.elapsed().as_secs_f64());

    if std::env::var_os("SENJARO_BENCH_SKIP_BUILD").is_some() {
        println!("\nbuild cost: skipped (SENJARO_BENCH_SKIP_BUILD is set)");
    } else {
        build_cost::run();
    }
    println!("\nwhole run took {:.0} s", started.elapsed().as_secs_f64());
}

fn client_runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("client runtime")
}

// ---------------------------------------------------------------------------------------------
// The loopback server (child process)
// ---------------------------------------------------------------------------------------------

/// The child: serves the two endpoints until its stdin closes (or its lifetime runs out).
fn serve() {
    std::thread::spawn(|| {
        // The parent never writes: this returns when the parent closes the pipe or exits.
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
    std::thread::spawn(|| {
        std::thread::sleep(SERVER_LIFETIME);
        std::process::exit(0);
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("server runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{addr}").expect("announce address");
        stdout.flush().expect("flush");
        drop(stdout);
        for _ in 0..SERVER_MAX_CONNECTIONS {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(answer);
                let _ = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

/// Fixed answers; a request without the headers a real server requires gets 401 or 400, so a
/// side that forgot one fails the benchmark instead of being measured.
async fn answer(request: hyper::Request<hyper::body::Incoming>) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    // Read the whole body so the connection can be reused.
    let _ = body.collect().await;
    let headers = &parts.headers;
    let authorized = headers.get("x-api-key").is_some_and(|v| v == TEST_API_KEY)
        && headers.get("x-api-secret").is_some_and(|v| v == TEST_API_SECRET);
    let json = headers
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let (status, body) = match parts.uri.path() {
        _ if parts.method != hyper::Method::POST => (405, REFUSED_ANSWER),
        STATUS_PATH | CREATE_PATH if !authorized => (401, UNAUTHORIZED_ANSWER),
        STATUS_PATH if json => (200, DOCUMENTED_STATUS_EXAMPLE),
        CREATE_PATH if json && headers.contains_key("x-idempotency-key") => (200, CREATE_ANSWER),
        STATUS_PATH | CREATE_PATH => (400, REFUSED_ANSWER),
        _ => (404, REFUSED_ANSWER),
    };
    let response = hyper::Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .expect("valid response");
    Ok(response)
}

/// The parent's handle on the child server.
struct LoopbackServer {
    child: Child,
    stdin: Option<ChildStdin>,
    addr: SocketAddr,
}

impl LoopbackServer {
    fn spawn() -> Self {
        let exe = std::env::current_exe().expect("own path");
        let mut child = Command::new(exe)
            .arg(SERVE_ARG)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the loopback server");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("server stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("server address");
        let addr: SocketAddr = line.trim().parse().expect("server address");
        assert!(addr.ip().is_loopback(), "the server must listen on 127.0.0.1");
        LoopbackServer { child, stdin, addr }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn stop(&mut self) {
        // Closing stdin makes the child exit; it is killed (by its id) only if it does not.
        drop(self.stdin.take());
        for _ in 0..100 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        if self.stdin.is_some() {
            self.stop();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A: the hand-written reqwest baseline
// ---------------------------------------------------------------------------------------------

/// What a careful hand-written client looks like: one shared `reqwest::Client`, prebuilt
/// header values, serde structs, status checked before decoding.
struct Baseline {
    http: reqwest::Client,
    /// A per-call time limit like B's per-attempt one, when `SENJARO_BENCH_BASELINE_TIMEOUT`
    /// is set (off by default: the plainest hand-written client has none).
    timeout: Option<Duration>,
    status_url: String,
    create_url: String,
    api_key: HeaderValue,
    api_secret: HeaderValue,
}

const X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");
const X_API_SECRET: HeaderName = HeaderName::from_static("x-api-secret");
const X_IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("x-idempotency-key");

#[derive(Serialize)]
struct BaselineStatusRequest<'a> {
    #[serde(rename = "referenceId")]
    reference_id: &'a str,
}

#[derive(Deserialize)]
#[allow(dead_code)] // decoded in full like a real client; the benchmark checks two fields
struct BaselineStatus {
    message: Option<String>,
    #[serde(rename = "transactionId")]
    transaction_id: Option<String>,
    #[serde(rename = "displayId")]
    display_id: Option<String>,
    method: Option<String>,
    status: String,
    reference_id: String,
    amount: Option<String>,
    currency: Option<String>,
    created_at: Option<String>,
}

#[derive(Serialize)]
struct BaselineCreateRequest<'a> {
    payment_type: &'a str,
    details: BaselineDetails<'a>,
    phone_number: &'a str,
    customer: BaselineCustomer<'a>,
}

#[derive(Serialize)]
struct BaselineDetails<'a> {
    amount: &'a str,
    currency: &'a str,
}

#[derive(Serialize)]
struct BaselineCustomer<'a> {
    name: &'a str,
    email: &'a str,
}

#[derive(Deserialize)]
#[allow(dead_code)] // decoded in full like a real client; the benchmark reads the reference
struct BaselineCreated {
    status: Option<String>,
    code: Option<i64>,
    data: BaselineCreatedData,
}

#[derive(Deserialize)]
struct BaselineCreatedData {
    reference: String,
}

#[derive(Debug)]
#[allow(dead_code)] // kept for a failure's Debug output
enum BaselineError {
    Http(reqwest::Error),
    Timeout,
    Status(u16),
    Json(serde_json::Error),
}

fn baseline_timeout() -> Option<Duration> {
    std::env::var_os("SENJARO_BENCH_BASELINE_TIMEOUT").map(|_| Duration::from_secs(30))
}

impl Baseline {
    fn new(base_url: &str) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .user_agent("baseline/0.1.0")
            .build()
            .expect("reqwest client");
        let sensitive = |value: &str| {
            let mut header = HeaderValue::from_str(value).expect("header value");
            header.set_sensitive(true);
            header
        };
        Baseline {
            http,
            timeout: baseline_timeout(),
            status_url: format!("{base_url}{STATUS_PATH}"),
            create_url: format!("{base_url}{CREATE_PATH}"),
            api_key: sensitive(TEST_API_KEY),
            api_secret: sensitive(TEST_API_SECRET),
        }
    }

    async fn post<T: for<'de> Deserialize<'de>>(
        &self,
        url: &str,
        body: Vec<u8>,
        idempotency_key: Option<HeaderValue>,
    ) -> Result<T, BaselineError> {
        let mut request = self
            .http
            .post(url)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(X_API_KEY, self.api_key.clone())
            .header(X_API_SECRET, self.api_secret.clone());
        if let Some(key) = idempotency_key {
            request = request.header(X_IDEMPOTENCY_KEY, key);
        }
        let exchange = async {
            let response = request.body(body).send().await?;
            let status = response.status();
            response.bytes().await.map(|bytes| (status, bytes))
        };
        let (status, bytes) = match self.timeout {
            None => exchange.await,
            Some(limit) => tokio::time::timeout(limit, exchange)
                .await
                .map_err(|_| BaselineError::Timeout)?,
        }
        .map_err(BaselineError::Http)?;
        if !status.is_success() {
            return Err(BaselineError::Status(status.as_u16()));
        }
        serde_json::from_slice(&bytes).map_err(BaselineError::Json)
    }

    async fn status(&self, reference: &str) -> Result<BaselineStatus, BaselineError> {
        let body = serde_json::to_vec(&BaselineStatusRequest {
            reference_id: reference,
        })
        .map_err(BaselineError::Json)?;
        self.post(&self.status_url, body, None).await
    }

    async fn create(&self) -> Result<BaselineCreated, BaselineError> {
        let body = serde_json::to_vec(&BaselineCreateRequest {
            payment_type: "MOBILE",
            details: BaselineDetails {
                amount: "1000.00",
                currency: "TZS",
            },
            phone_number: "255712345678",
            customer: BaselineCustomer {
                name: "Jane Doe",
                email: "jane@example.com",
            },
        })
        .map_err(BaselineError::Json)?;
        let key = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).expect("a UUID is a header value");
        self.post(&self.create_url, body, Some(key)).await
    }
}

// ---------------------------------------------------------------------------------------------
// The two sides behind one interface
// ---------------------------------------------------------------------------------------------

#[derive(Clone)]
enum Driver {
    Baseline(Arc<Baseline>),
    Sdk(Client, Arc<CreatePaymentRequest>),
    /// `senjaro_api::Client` against the embedded sandbox, reading one payment's status.
    Sandbox(Client, Reference),
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Side {
    A,
    B,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Workload {
    Sequential,
    Concurrent,
    Pairs,
}

impl Workload {
    const ALL: [Workload; 3] = [Workload::Sequential, Workload::Concurrent, Workload::Pairs];

    fn label(self) -> &'static str {
        match self {
            Workload::Sequential => "status, sequential",
            Workload::Concurrent => "status, 64 concurrent tasks",
            Workload::Pairs => "create + status pairs",
        }
    }

    /// What one measured unit is called.
    fn unit(self) -> &'static str {
        match self {
            Workload::Pairs => "pair",
            _ => "call",
        }
    }
}

fn create_template() -> CreatePaymentRequest {
    CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new("1000.00".parse().expect("amount"), "TZS".parse().expect("currency")),
        "255712345678".parse().expect("msisdn"),
        Customer::new("Jane Doe", "jane@example.com"),
    )
}

impl Driver {
    fn baseline(base_url: &str) -> Self {
        Driver::Baseline(Arc::new(Baseline::new(base_url)))
    }

    fn sdk(base_url: &str) -> Self {
        let client = Client::builder()
            .base_url(base_url)
            .credentials(TEST_API_KEY, TEST_API_SECRET)
            .build()
            .expect("senjaro client");
        Driver::Sdk(client, Arc::new(create_template()))
    }

    fn side(&self) -> Side {
        match self {
            Driver::Baseline(_) => Side::A,
            Driver::Sdk(..) | Driver::Sandbox(..) => Side::B,
        }
    }

    /// One status call; whether it answered as expected.
    async fn status(&self) -> bool {
        match self {
            Driver::Baseline(baseline) => baseline
                .status(REFERENCE)
                .await
                .is_ok_and(|s| s.status == "PENDING" && s.reference_id == REFERENCE),
            Driver::Sdk(client, _) => client
                .payment_status(PaymentStatusRequest::new(REFERENCE))
                .await
                .is_ok_and(|s| s.status == PaymentStatus::Pending && s.reference_id.as_str() == REFERENCE),
            Driver::Sandbox(client, reference) => client
                .payment_status(PaymentStatusRequest::new(reference.clone()))
                .await
                .is_ok_and(|s| s.reference_id == *reference),
        }
    }

    /// One create, then a status call on the reference it returned.
    async fn pair(&self) -> bool {
        match self {
            Driver::Baseline(baseline) => match baseline.create().await {
                Ok(created) => baseline
                    .status(&created.data.reference)
                    .await
                    .is_ok_and(|s| s.status == "PENDING"),
                Err(_) => false,
            },
            Driver::Sdk(client, template) => match client.create_payment(CreatePaymentRequest::clone(template)).await {
                Ok(created) => client
                    .payment_status(PaymentStatusRequest::new(created.reference().clone()))
                    .await
                    .is_ok_and(|s| s.status == PaymentStatus::Pending),
                Err(_) => false,
            },
            Driver::Sandbox(..) => false,
        }
    }

    async fn run(&self, workload: Workload) -> bool {
        match workload {
            Workload::Pairs => self.pair().await,
            _ => self.status().await,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Measuring a phase
// ---------------------------------------------------------------------------------------------

/// What one measured phase did.
#[derive(Default)]
struct Sample {
    units: usize,
    elapsed: Duration,
    usage: Usage,
    server: Usage,
    allocations: usize,
    reallocations: usize,
    bytes: usize,
    failures: usize,
    /// Highest live heap during the phase, above the live heap at its start.
    peak_extra: usize,
    latencies: Vec<u64>,
}

struct Mark {
    usage: Usage,
    server: Usage,
    stats: stats_alloc::Stats,
    live: usize,
    at: Instant,
}

impl Mark {
    fn take(server: Option<u32>) -> Self {
        // Usage first (reading /proc allocates), then the allocator, then the clock.
        let server = server_usage(server);
        let usage = Usage::of("/proc/self");
        let live = ALLOC.allocated();
        PEAK_SAMPLE.store(live, Ordering::Relaxed);
        let stats = INSTRUMENTED_SYSTEM.stats();
        Mark {
            usage,
            server,
            stats,
            live,
            at: Instant::now(),
        }
    }

    /// Closes the phase (clock, then allocator, then usage).
    fn finish(self, server: Option<u32>, units: usize, failures: usize, latencies: Vec<u64>) -> Sample {
        let elapsed = self.at.elapsed();
        let stats = INSTRUMENTED_SYSTEM.stats();
        let peak = PEAK_SAMPLE.load(Ordering::Relaxed).max(ALLOC.allocated());
        let usage = Usage::of("/proc/self").since(self.usage);
        let server = server_usage(server).since(self.server);
        Sample {
            units,
            elapsed,
            usage,
            server,
            allocations: stats.allocations - self.stats.allocations,
            reallocations: stats.reallocations - self.stats.reallocations,
            bytes: stats.bytes_allocated - self.stats.bytes_allocated,
            failures,
            peak_extra: peak.saturating_sub(self.live),
            latencies,
        }
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// `units` calls one after another on one task.
async fn sequential(driver: &Driver, workload: Workload, units: usize, server: Option<u32>) -> Sample {
    let mut latencies = Vec::with_capacity(units);
    let mut failures = 0;
    let mark = Mark::take(server);
    for _ in 0..units {
        let at = Instant::now();
        if !driver.run(workload).await {
            failures += 1;
        }
        latencies.push(nanos(at.elapsed()));
    }
    mark.finish(server, units, failures, latencies)
}

/// `tasks` tasks, each making `per_task` calls one after another.
async fn concurrent(driver: &Driver, workload: Workload, tasks: usize, per_task: usize, server: Option<u32>) -> Sample {
    let buffers: Vec<Vec<u64>> = (0..tasks).map(|_| Vec::with_capacity(per_task)).collect();
    let mut set = JoinSet::new();
    let mark = Mark::take(server);
    for mut buffer in buffers {
        let driver = driver.clone();
        set.spawn(async move {
            let mut failures = 0;
            for _ in 0..per_task {
                let at = Instant::now();
                if !driver.run(workload).await {
                    failures += 1;
                }
                buffer.push(nanos(at.elapsed()));
            }
            (buffer, failures)
        });
    }
    let mut parts = Vec::with_capacity(tasks);
    let mut failures = 0;
    for _ in 0..tasks {
        let (buffer, failed) = set.join_next().await.expect("a task per slot").expect("task");
        failures += failed;
        parts.push(buffer);
    }
    let mut sample = mark.finish(server, tasks * per_task, failures, Vec::new());
    sample.latencies = parts.concat();
    sample
}

/// Runs `future` as a task on the runtime (as application code would) and waits for it.
fn on_runtime<F>(runtime: &Runtime, future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    runtime.block_on(runtime.spawn(future)).expect("benchmark task")
}

/// Opens a side's connections and warms its code paths.
fn warm_up(runtime: &Runtime, driver: Driver) -> Driver {
    let warm = driver.clone();
    let failures = on_runtime(runtime, async move {
        let mut failures = sequential(&warm, Workload::Sequential, WARM_UP_CALLS, None)
            .await
            .failures;
        failures += sequential(&warm, Workload::Pairs, WARM_UP_CALLS / 10, None)
            .await
            .failures;
        failures += concurrent(&warm, Workload::Concurrent, CONCURRENCY, 16, None)
            .await
            .failures;
        failures
    });
    assert_eq!(failures, 0, "{:?} failed during warm-up", driver.side());
    driver
}

/// The live heap a side's client holds (its pooled connections included): what dropping it
/// frees, once its connection tasks have ended.
fn released_on_drop(runtime: &Runtime, driver: Driver) -> usize {
    let before = ALLOC.allocated();
    drop(driver);
    runtime.block_on(async { tokio::time::sleep(Duration::from_millis(300)).await });
    before.saturating_sub(ALLOC.allocated())
}

type Results = HashMap<(Workload, Side), Vec<Sample>>;

fn rounds() -> usize {
    std::env::var("SENJARO_BENCH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|n| (1..=1_000).contains(n))
        .unwrap_or(ROUNDS)
}

fn run_rounds(runtime: &Runtime, baseline: &Driver, sdk: &Driver, server_pid: u32) -> Results {
    let mut results = Results::new();
    for round in 0..rounds() {
        for workload in Workload::ALL {
            let order = if round % 2 == 0 {
                [baseline, sdk]
            } else {
                [sdk, baseline]
            };
            for driver in order {
                let driver = driver.clone();
                let side = driver.side();
                let sample = on_runtime(runtime, async move {
                    let server = Some(server_pid);
                    // Untimed: a few calls of the same kind first, so the phase does not pay
                    // for whatever the previous phase (the other side's) left behind.
                    let _ = match workload {
                        Workload::Concurrent => concurrent(&driver, workload, CONCURRENCY, 2, None).await,
                        _ => sequential(&driver, workload, SETTLE_CALLS, None).await,
                    };
                    match workload {
                        Workload::Sequential => sequential(&driver, workload, SEQUENTIAL_PER_ROUND, server).await,
                        Workload::Concurrent => {
                            concurrent(&driver, workload, CONCURRENCY, CONCURRENT_PER_TASK, server).await
                        }
                        Workload::Pairs => sequential(&driver, workload, PAIRS_PER_ROUND, server).await,
                    }
                });
                results.entry((workload, side)).or_default().push(sample);
            }
        }
    }
    results
}

// ---------------------------------------------------------------------------------------------
// Peak sampling, CPU time, memory
// ---------------------------------------------------------------------------------------------

static PEAK_SAMPLE: AtomicUsize = AtomicUsize::new(0);
static SAMPLER_STOP: AtomicBool = AtomicBool::new(false);

/// Samples the live heap every millisecond into `PEAK_SAMPLE` (a running maximum that each
/// phase resets), to give a per-phase peak; `cap` keeps the exact peak of the whole run.
struct PeakSampler(std::thread::JoinHandle<()>);

impl PeakSampler {
    fn start() -> Self {
        PeakSampler(std::thread::spawn(|| {
            for _ in 0..SAMPLER_MAX_TICKS {
                if SAMPLER_STOP.load(Ordering::Relaxed) {
                    return;
                }
                PEAK_SAMPLE.fetch_max(ALLOC.allocated(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(1));
            }
        }))
    }

    fn stop(self) {
        SAMPLER_STOP.store(true, Ordering::Relaxed);
        let _ = self.0.join();
    }
}

/// What a process has used so far, from `/proc`.
#[derive(Clone, Copy, Default)]
struct Usage {
    /// CPU time of every thread, from `schedstat` (nanosecond resolution).
    cpu: Duration,
    /// Context switches of every thread, voluntary and not.
    switches: u64,
}

impl Usage {
    fn of(proc_dir: &str) -> Usage {
        let mut usage = Usage::default();
        let Ok(tasks) = std::fs::read_dir(format!("{proc_dir}/task")) else {
            return usage;
        };
        let mut nanos = 0_u64;
        for task in tasks.flatten() {
            if let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) {
                nanos += text
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(0);
            }
            if let Ok(text) = std::fs::read_to_string(task.path().join("status")) {
                usage.switches += text
                    .lines()
                    .filter(|line| line.contains("ctxt_switches"))
                    .filter_map(|line| line.split_whitespace().nth(1)?.parse::<u64>().ok())
                    .sum::<u64>();
            }
        }
        usage.cpu = Duration::from_nanos(nanos);
        usage
    }

    fn since(self, earlier: Usage) -> Usage {
        Usage {
            cpu: self.cpu.saturating_sub(earlier.cpu),
            switches: self.switches.saturating_sub(earlier.switches),
        }
    }
}

fn server_usage(pid: Option<u32>) -> Usage {
    pid.map_or_else(Usage::default, |pid| Usage::of(&format!("/proc/{pid}")))
}

/// A field of `/proc/self/status` in KiB, such as `VmHWM`.
fn proc_status_kib(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// What the counting allocator adds per allocation and free, measured on this machine.
fn allocator_overhead() -> f64 {
    const N: u32 = 200_000;
    let at = Instant::now();
    for i in 0..N {
        let boxed = std::hint::black_box(Box::new(i));
        drop(boxed);
    }
    at.elapsed().as_secs_f64() * 1e9 / f64::from(N)
}

fn as_f64(n: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)] // counts stay far below 2^52
    let value = n as f64;
    value
}

// ---------------------------------------------------------------------------------------------
// Summaries and the report
// ---------------------------------------------------------------------------------------------

struct Summary {
    units: usize,
    per_second: f64,
    p50_us: f64,
    p99_us: f64,
    cpu_us: f64,
    server_cpu_us: f64,
    switches: f64,
    server_switches: f64,
    allocations: f64,
    reallocations: f64,
    bytes: f64,
    failures: usize,
    peak_extra: usize,
    round_per_second: Vec<f64>,
    round_p50_us: Vec<f64>,
    round_cpu_us: Vec<f64>,
}

fn percentile(sorted: &[u64], pct: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = (sorted.len() * pct / 100).min(sorted.len() - 1);
    as_f64(usize::try_from(sorted[index]).unwrap_or(usize::MAX)) / 1_000.0
}

fn summarize(samples: &[Sample]) -> Summary {
    let units: usize = samples.iter().map(|s| s.units).sum();
    let elapsed: Duration = samples.iter().map(|s| s.elapsed).sum();
    let cpu: Duration = samples.iter().map(|s| s.usage.cpu).sum();
    let server_cpu: Duration = samples.iter().map(|s| s.server.cpu).sum();
    let switches: u64 = samples.iter().map(|s| s.usage.switches).sum();
    let server_switches: u64 = samples.iter().map(|s| s.server.switches).sum();
    let per_unit = |n: usize| as_f64(n) / as_f64(units.max(1));
    let mut all: Vec<u64> = samples.iter().flat_map(|s| s.latencies.iter().copied()).collect();
    all.sort_unstable();
    let round_p50_us = samples
        .iter()
        .map(|s| {
            let mut sorted = s.latencies.clone();
            sorted.sort_unstable();
            percentile(&sorted, 50)
        })
        .collect();
    Summary {
        units,
        per_second: as_f64(units) / elapsed.as_secs_f64(),
        p50_us: percentile(&all, 50),
        p99_us: percentile(&all, 99),
        cpu_us: cpu.as_secs_f64() * 1e6 / as_f64(units.max(1)),
        server_cpu_us: server_cpu.as_secs_f64() * 1e6 / as_f64(units.max(1)),
        switches: as_f64(usize::try_from(switches).unwrap_or(usize::MAX)) / as_f64(units.max(1)),
        server_switches: as_f64(usize::try_from(server_switches).unwrap_or(usize::MAX)) / as_f64(units.max(1)),
        allocations: per_unit(samples.iter().map(|s| s.allocations).sum()),
        reallocations: per_unit(samples.iter().map(|s| s.reallocations).sum()),
        bytes: per_unit(samples.iter().map(|s| s.bytes).sum()),
        failures: samples.iter().map(|s| s.failures).sum(),
        peak_extra: samples.iter().map(|s| s.peak_extra).max().unwrap_or(0),
        round_per_second: samples
            .iter()
            .map(|s| as_f64(s.units) / s.elapsed.as_secs_f64())
            .collect(),
        round_p50_us,
        round_cpu_us: samples
            .iter()
            .map(|s| s.usage.cpu.as_secs_f64() * 1e6 / as_f64(s.units.max(1)))
            .collect(),
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Median, lowest and highest of the per-round ratios `b[i] / a[i]`.
///
/// Rounds alternate which side goes first, so ratios are taken per pair of rounds (A first,
/// then B first) as the geometric mean of the two: an effect of going first or second cancels
/// inside each pair instead of splitting the ratios into two clusters.
fn round_ratios(a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    let single: Vec<f64> = a.iter().zip(b).map(|(a, b)| b / a).collect();
    let mut ratios: Vec<f64> = single.chunks_exact(2).map(|two| (two[0] * two[1]).sqrt()).collect();
    if ratios.is_empty() {
        ratios = single;
    }
    let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let high = ratios.iter().copied().fold(0.0, f64::max);
    (median(&mut ratios), low, high)
}

/// Median per-round ratio `b[i] / a[i]` over the rounds where A ran first, and over those
/// where B ran first: how much going first or second moves a side.
fn by_position(a: &[f64], b: &[f64]) -> (f64, f64) {
    let mut a_first: Vec<f64> = a.iter().zip(b).step_by(2).map(|(a, b)| b / a).collect();
    let mut b_first: Vec<f64> = a.iter().zip(b).skip(1).step_by(2).map(|(a, b)| b / a).collect();
    (median(&mut a_first), median(&mut b_first))
}

fn pair(results: &Results, workload: Workload) -> (Summary, Summary) {
    let a = summarize(&results[&(workload, Side::A)]);
    let b = summarize(&results[&(workload, Side::B)]);
    (a, b)
}

fn print_results(results: &Results) {
    println!(
        "{:<28} {:>4} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7} {:>8}",
        "workload", "side", "n", "per s", "p50 µs", "p99 µs", "CPU µs", "srv µs", "allocs", "reallocs", "bytes"
    );
    for workload in Workload::ALL {
        let (a, b) = pair(results, workload);
        for (side, s) in [("A", &a), ("B", &b)] {
            println!(
                "{:<28} {:>4} {:>7} {:>9.0} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>7.1} {:>7.1} {:>8.0}",
                if side == "A" { workload.label() } else { "" },
                side,
                s.units,
                s.per_second,
                s.p50_us,
                s.p99_us,
                s.cpu_us,
                s.server_cpu_us,
                s.allocations,
                s.reallocations,
                s.bytes
            );
        }
        println!(
            "{:<28} {:>4} {:>7} {:>9.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>+7.1} {:>+7.1} {:>+8.0}",
            "",
            "B/A",
            "",
            b.per_second / a.per_second,
            b.p50_us / a.p50_us,
            b.p99_us / a.p99_us,
            b.cpu_us / a.cpu_us,
            b.server_cpu_us / a.server_cpu_us,
            b.allocations - a.allocations,
            b.reallocations - a.reallocations,
            b.bytes - a.bytes
        );
        let (tput, tput_low, tput_high) = round_ratios(&a.round_per_second, &b.round_per_second);
        let (p50, p50_low, p50_high) = round_ratios(&a.round_p50_us, &b.round_p50_us);
        let (cpu, cpu_low, cpu_high) = round_ratios(&a.round_cpu_us, &b.round_cpu_us);
        println!(
            "{:<28} per-round B/A, median (range): per s {tput:.3} ({tput_low:.2}..{tput_high:.2}), \
             p50 {p50:.3} ({p50_low:.2}..{p50_high:.2}), CPU {cpu:.3} ({cpu_low:.2}..{cpu_high:.2})",
            ""
        );
        println!(
            "{:<28} context switches per {}: A {:.2} B {:.2} (server: A {:.2} B {:.2})",
            "",
            workload.unit(),
            a.switches,
            b.switches,
            a.server_switches,
            b.server_switches
        );
        let (first, second) = by_position(&a.round_cpu_us, &b.round_cpu_us);
        println!(
            "{:<28} CPU B/A in rounds where A ran first {first:.3}, where B ran first {second:.3}",
            ""
        );
        assert_eq!(a.failures + b.failures, 0, "{}: calls failed", workload.label());
    }
    println!(
        "  (per {}/{}/{}; B/A rows: ratios, and differences for allocations and bytes; \
         CPU = this process, srv = the server process)",
        Workload::Sequential.unit(),
        Workload::Concurrent.unit(),
        Workload::Pairs.unit()
    );
}

fn print_memory(baseline_footprint: usize, sdk_footprint: usize, results: &Results) {
    let kib = |bytes: usize| as_f64(bytes) / 1024.0;
    let (a, b) = pair(results, Workload::Concurrent);
    println!("\nmemory (live heap from the counting allocator)");
    println!(
        "  held by the client after the rounds (pool too): A {:>8.1} KiB   B {:>8.1} KiB   (freed on drop)",
        kib(baseline_footprint),
        kib(sdk_footprint)
    );
    println!(
        "  peak above start during a 64-way phase:       A {:>8.1} KiB   B {:>8.1} KiB   (sampled every 1 ms)",
        kib(a.peak_extra),
        kib(b.peak_extra)
    );
    println!(
        "  whole run: peak live heap {:.1} MiB (exact), VmHWM {} KiB, VmRSS {} KiB",
        as_f64(ALLOC.max_allocated()) / 1024.0 / 1024.0,
        proc_status_kib("VmHWM:").unwrap_or(0),
        proc_status_kib("VmRSS:").unwrap_or(0)
    );
}

/// The embedded sandbox served by `sandbox::Server`, read through `senjaro_api::Client`.
fn run_sandbox(runtime: &Runtime) -> (Summary, Summary) {
    let sandbox = runtime.block_on(Sandbox::start()).expect("sandbox");
    let client = sandbox.client().expect("sandbox client");
    let created = runtime
        .block_on(client.create_payment(create_template()))
        .expect("sandbox create");
    let driver = Driver::Sandbox(client, created.reference().clone());
    let warm = driver.clone();
    let warmed = on_runtime(runtime, async move {
        sequential(&warm, Workload::Sequential, WARM_UP_CALLS, None)
            .await
            .failures
            + concurrent(&warm, Workload::Concurrent, CONCURRENCY, 16, None)
                .await
                .failures
    });
    assert_eq!(warmed, 0, "sandbox warm-up failed");
    let (seq_driver, conc_driver) = (driver.clone(), driver);
    let seq = on_runtime(runtime, async move {
        sequential(&seq_driver, Workload::Sequential, SANDBOX_SEQUENTIAL, None).await
    });
    let conc = on_runtime(runtime, async move {
        concurrent(&conc_driver, Workload::Concurrent, CONCURRENCY, SANDBOX_PER_TASK, None).await
    });
    drop(sandbox);
    (summarize(&[seq]), summarize(&[conc]))
}

fn print_sandbox((seq, conc): &(Summary, Summary)) {
    println!(
        "\nembedded sandbox (senjaro_api::sandbox::Sandbox, in process) through senjaro_api::Client, status calls"
    );
    for (label, s) in [("sequential", seq), ("64 concurrent tasks", conc)] {
        println!(
            "  {label:<20} n {:>6}  {:>8.0} calls/s  p50 {:>7.1} µs  p99 {:>7.1} µs  CPU {:>6.1} µs/call \
             (client and sandbox)  allocs {:>6.1}/call",
            s.units, s.per_second, s.p50_us, s.p99_us, s.cpu_us, s.allocations
        );
        assert_eq!(s.failures, 0, "sandbox calls failed");
    }
}

// ---------------------------------------------------------------------------------------------
// Allocation attribution: the steps of a call that do not touch the network, counted alone
// ---------------------------------------------------------------------------------------------

/// Allocations, bytes and nanoseconds per run of one step.
#[derive(Clone, Copy)]
struct Cost {
    allocations: f64,
    bytes: f64,
    nanos: f64,
}

struct Attribution {
    rows: Vec<(&'static str, Cost, Cost)>,
}

/// What one run of `step` costs (on this thread; the runtime is idle meanwhile). The time is
/// the fastest of a few batches, the least disturbed by other load on the machine.
fn count<R>(mut step: impl FnMut() -> R) -> Cost {
    const BATCHES: usize = 5;
    let per_batch = ATTRIBUTION_ITERATIONS / BATCHES;
    let before = INSTRUMENTED_SYSTEM.stats();
    let mut fastest = f64::INFINITY;
    for _ in 0..BATCHES {
        let at = Instant::now();
        for _ in 0..per_batch {
            std::hint::black_box(step());
        }
        fastest = fastest.min(at.elapsed().as_secs_f64() * 1e9 / as_f64(per_batch));
    }
    let after = INSTRUMENTED_SYSTEM.stats();
    let n = as_f64(per_batch * BATCHES);
    Cost {
        allocations: as_f64(after.allocations - before.allocations) / n,
        bytes: as_f64(after.bytes_allocated - before.bytes_allocated) / n,
        nanos: fastest,
    }
}

fn attribution(base_url: &str) -> Attribution {
    let status_body = DOCUMENTED_STATUS_EXAMPLE.as_bytes();
    let create_body = CREATE_ANSWER.as_bytes();
    let template = create_template();
    let status_url = format!("{base_url}{STATUS_PATH}");
    let parsed_url = reqwest::Url::parse(&status_url).expect("url");
    let mut rows = Vec::new();

    // reqwest parses a `&str` URL on every request; A keeps the URL as a prebuilt string.
    let a = count(|| reqwest::Url::parse(std::hint::black_box(&status_url)).is_ok());
    let b = count(|| reqwest::Url::parse(&format!("{base_url}{STATUS_PATH}")).is_ok());
    rows.push(("request URL: format + parse", a, b));
    let b = count(|| std::hint::black_box(&parsed_url).clone());
    rows.push(("request URL: clone of a parsed Url", a, b));

    let a = count(|| {
        serde_json::to_vec(&BaselineStatusRequest {
            reference_id: REFERENCE,
        })
    });
    let b = count(|| serde_json::to_vec(&PaymentStatusRequest::new(REFERENCE)));
    rows.push(("status: build + serialize request", a, b));

    let a = count(|| serde_json::from_slice::<BaselineStatus>(status_body).is_ok());
    let b = count(|| DecodeError::decode::<PaymentStatusResponse>(200, status_body).is_ok());
    rows.push(("status: decode, JSON-path tracking", a, b));
    let b = count(|| serde_json::from_slice::<PaymentStatusResponse>(status_body).is_ok());
    rows.push(("status: decode, plain serde_json", a, b));

    let a = count(|| {
        serde_json::to_vec(&BaselineCreateRequest {
            payment_type: "MOBILE",
            details: BaselineDetails {
                amount: "1000.00",
                currency: "TZS",
            },
            phone_number: "255712345678",
            customer: BaselineCustomer {
                name: "Jane Doe",
                email: "jane@example.com",
            },
        })
    });
    let b = count(|| serde_json::to_vec(&template.clone()));
    rows.push(("create: build + serialize request", a, b));

    let a = count(|| serde_json::from_slice::<BaselineCreated>(create_body).is_ok());
    let b = count(|| DecodeError::decode::<senjaro_api::CreatePaymentResponse>(200, create_body).is_ok());
    rows.push(("create: decode, JSON-path tracking", a, b));
    let b = count(|| serde_json::from_slice::<senjaro_api::CreatePaymentResponse>(create_body).is_ok());
    rows.push(("create: decode, plain serde_json", a, b));

    let a = count(|| HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).is_ok());
    let b = count(|| {
        let key = senjaro_api::IdempotencyKey::generate();
        HeaderValue::from_str(key.as_str()).is_ok()
    });
    rows.push(("create: idempotency key + header", a, b));
    Attribution { rows }
}

fn print_attribution(attribution: &Attribution) {
    println!("\nper-step attribution (steps without the network, run alone): allocations / bytes / ns");
    println!("  {:<36} {:>20} {:>20} {:>14}", "step", "A", "B", "B - A");
    for (step, a, b) in &attribution.rows {
        println!(
            "  {step:<36} {:>5.1} / {:>4.0} / {:>5.0} {:>5.1} / {:>4.0} / {:>5.0} {:>+5.1} / {:>+5.0} ns",
            a.allocations,
            a.bytes,
            a.nanos,
            b.allocations,
            b.bytes,
            b.nanos,
            b.allocations - a.allocations,
            b.nanos - a.nanos
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

/// Most extra allocations per call that count as "within a few of the baseline".
const ALLOCATION_SLACK: f64 = 5.0;

fn print_targets(results: &Results) {
    let (seq_a, seq_b) = pair(results, Workload::Sequential);
    let (conc_a, conc_b) = pair(results, Workload::Concurrent);
    let (pairs_a, pairs_b) = pair(results, Workload::Pairs);
    let verdict = |met: bool| if met { "met" } else { "MISSED" };
    println!("\ntargets (judged on the median per-round B/A ratio, position-cancelled; pooled ratio alongside)");
    let checks = [
        (
            "p50 latency B/A <= 1.03, sequential",
            round_ratios(&seq_a.round_p50_us, &seq_b.round_p50_us).0,
            seq_b.p50_us / seq_a.p50_us,
            true,
        ),
        (
            "p50 latency B/A <= 1.03, 64-way",
            round_ratios(&conc_a.round_p50_us, &conc_b.round_p50_us).0,
            conc_b.p50_us / conc_a.p50_us,
            true,
        ),
        (
            "p50 latency B/A <= 1.03, create + status",
            round_ratios(&pairs_a.round_p50_us, &pairs_b.round_p50_us).0,
            pairs_b.p50_us / pairs_a.p50_us,
            true,
        ),
        (
            "throughput B/A >= 0.97, 64-way",
            round_ratios(&conc_a.round_per_second, &conc_b.round_per_second).0,
            conc_b.per_second / conc_a.per_second,
            false,
        ),
    ];
    for (label, median, pooled, at_most) in checks {
        let met = if at_most { median <= 1.03 } else { median >= 0.97 };
        println!("  {label:<40} {median:.3} (pooled {pooled:.3})  {}", verdict(met));
    }
    let extra_allocs = seq_b.allocations - seq_a.allocations;
    let extra_pair_allocs = (pairs_b.allocations - pairs_a.allocations) / 2.0;
    println!(
        "  {:<40} {extra_allocs:+.1}  {}",
        format!("allocations B - A <= {ALLOCATION_SLACK} per status call"),
        verdict(extra_allocs <= ALLOCATION_SLACK)
    );
    println!(
        "  {:<40} {extra_pair_allocs:+.1}  {}",
        format!("allocations B - A <= {ALLOCATION_SLACK} per call, pairs"),
        verdict(extra_pair_allocs <= ALLOCATION_SLACK)
    );
    println!(
        "  (client CPU per call B/A, the figure least moved by other load: sequential {:.3}, 64-way {:.3}, pairs {:.3})",
        round_ratios(&seq_a.round_cpu_us, &seq_b.round_cpu_us).0,
        round_ratios(&conc_a.round_cpu_us, &conc_b.round_cpu_us).0,
        round_ratios(&pairs_a.round_cpu_us, &pairs_b.round_cpu_us).0,
    );
}

// ---------------------------------------------------------------------------------------------
// Build cost
// ---------------------------------------------------------------------------------------------

#[path = "support/build_cost.rs"]
mod build_cost;
