//! A bounded soak: about 2,000 logical creates, 16 at a time, through the fault proxy in
//! front of the sandbox. Each logical create has its own idempotency key; when a call ends in
//! an unknown outcome or another retryable error, the test does what the docs say: it calls
//! create again with the same key, a bounded number of times. Nothing may be created twice.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use senjaro_api::sandbox::Sandbox;
use senjaro_api::{
    Client, CreatePaymentRequest, Customer, Error, IdempotencyKey, PaymentDetails, PaymentStatusRequest, PaymentType,
    Reference, RetryPolicy, SenjaroApi, Timeouts,
};
use senjaro_tests::fault_proxy::{Fault, FaultMix, FaultProxy, FaultProxyConfig};
use senjaro_tests::{Action, DOCUMENTED_STATUS_EXAMPLE, ScriptedServer, TEST_API_KEY, TEST_API_SECRET};
use tokio::task::JoinSet;

const CREATE_PATH: &str = "/senjaropay/merchant/payments/create";
const LOGICAL_CREATES: usize = 2_000;
const CONCURRENCY: usize = 16;
/// Calls per logical create: the first one and up to five more with the same key.
const CALLS_PER_PAYMENT: u32 = 6;
/// The soak stops starting new payments after this long (and then fails).
const BUDGET: Duration = Duration::from_secs(60);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn request_for(index: usize) -> CreatePaymentRequest {
    // A different amount per payment, so a body mixed up between keys would be refused (409).
    let amount = format!("{}.00", 1_000 + index);
    CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new(amount.parse().expect("amount"), "TZS".parse().expect("currency")),
        "255712345678".parse().expect("msisdn"),
        Customer::new("Soak Test", "soak@example.com"),
    )
}

fn key_for(index: usize) -> IdempotencyKey {
    IdempotencyKey::new(format!("soak-{index:05}")).expect("valid key")
}

/// How one logical create went.
#[derive(Debug, Default)]
struct Outcome {
    index: usize,
    calls: u32,
    reference: Option<Reference>,
    /// Errors seen, by kind.
    errors: BTreeMap<&'static str, u32>,
    /// Contract breaches: a success with another key, an error without the call's key.
    violations: Vec<String>,
    /// Errors that say "do not retry": the proxy never causes one.
    non_retryable: Vec<String>,
    /// Calls that ended in an `Error::Api` (429 or 5xx) although the payment already existed
    /// in the sandbox: a caller trusting the status could think nothing was created.
    misleading: u32,
}

fn kind(e: &Error) -> &'static str {
    match e {
        Error::OutcomeUnknown(_) => "outcome_unknown",
        Error::Timeout(_) => "timeout",
        Error::Transport(_) => "transport",
        Error::Api(api) if api.status() == 429 => "api_429",
        Error::Api(api) if api.status() >= 500 => "api_5xx",
        Error::Api(_) => "api_other",
        Error::Decode(_) => "decode",
        Error::InvalidRequest(_) => "invalid_request",
        Error::Config(_) => "config",
        _ => "other",
    }
}

/// One logical create: call, and on a retryable error call again with the same key.
async fn pay(client: &Client, sandbox: &Sandbox, index: usize) -> Outcome {
    let key = key_for(index);
    let request = request_for(index).with_idempotency_key(key.clone());
    let mut outcome = Outcome {
        index,
        ..Outcome::default()
    };
    while outcome.calls < CALLS_PER_PAYMENT {
        outcome.calls += 1;
        match client.create_payment(request.clone()).await {
            Ok(created) => {
                if created.idempotency_key != key {
                    outcome
                        .violations
                        .push(format!("success returned key {} for {key}", created.idempotency_key));
                }
                outcome.reference = Some(created.reference().clone());
                break;
            }
            Err(e) => {
                if e.idempotency_key() != Some(&key) {
                    outcome.violations.push(format!("error without its key {key}: {e}"));
                }
                *outcome.errors.entry(kind(&e)).or_default() += 1;
                if matches!(e, Error::Api(_)) && reached_sandbox(sandbox, &key) {
                    outcome.misleading += 1;
                }
                if !e.is_retryable() {
                    outcome.non_retryable.push(format!("{key}: {e}"));
                    break;
                }
            }
        }
    }
    outcome
}

/// Whether a create with `key` has been answered by the sandbox.
fn reached_sandbox(sandbox: &Sandbox, key: &IdempotencyKey) -> bool {
    sandbox
        .requests()
        .iter()
        .any(|r| r.path == CREATE_PATH && r.idempotency_key.as_deref() == Some(key.as_str()))
}

/// The sandbox, the fault proxy in front of it, and a client of the proxy.
async fn start_soak() -> (Arc<Sandbox>, FaultProxy, Client) {
    let sandbox = Sandbox::builder()
        .completion_delay(Duration::from_secs(3_600))
        .start()
        .await
        .expect("sandbox starts");
    let config = FaultProxyConfig {
        seed: 0x50A4_2026,
        mix: FaultMix::default(),
        stall: ms(400),
        max_connections: 64,
        io_timeout: Duration::from_secs(5),
    };
    let proxy = FaultProxy::start(sandbox.addr(), config).await;
    let client = Client::builder()
        .base_url(&proxy.base_url())
        .credentials(TEST_API_KEY, TEST_API_SECRET)
        .timeouts(
            Timeouts::default()
                .connect(Duration::from_secs(2))
                .attempt(ms(250))
                .total(Duration::from_secs(3)),
        )
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(4)
                .base_delay(ms(2))
                .max_delay(ms(10)),
        )
        .build()
        .expect("valid client");
    (Arc::new(sandbox), proxy, client)
}

/// Runs every logical create, `CONCURRENCY` at a time, starting none after the budget.
async fn run_all(client: &Client, sandbox: &Arc<Sandbox>, started: Instant) -> Vec<Outcome> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = JoinSet::new();
    for _ in 0..CONCURRENCY {
        let client = client.clone();
        let next = Arc::clone(&next);
        let sandbox = Arc::clone(sandbox);
        workers.spawn(async move {
            let mut outcomes = Vec::new();
            while started.elapsed() < BUDGET {
                let index = next.fetch_add(1, Ordering::SeqCst);
                if index >= LOGICAL_CREATES {
                    break;
                }
                outcomes.push(pay(&client, &sandbox, index).await);
            }
            outcomes
        });
    }
    let mut outcomes = Vec::with_capacity(LOGICAL_CREATES);
    while let Some(done) = workers.join_next().await {
        outcomes.extend(done.expect("worker did not panic"));
    }
    outcomes.sort_by_key(|o| o.index);
    outcomes
}

/// What the client learned, over every logical create.
#[derive(Debug, Default)]
struct Tally {
    /// Distinct references learned.
    created: usize,
    /// Logical creates that never succeeded.
    failed: usize,
    /// Logical creates that needed more than one call.
    recalled: usize,
    misleading: u32,
    errors: BTreeMap<&'static str, u32>,
    violations: Vec<String>,
    non_retryable: Vec<String>,
}

fn tally(outcomes: &[Outcome]) -> Tally {
    let mut tally = Tally::default();
    let mut references: HashMap<&Reference, usize> = HashMap::new();
    for outcome in outcomes {
        for (kind, n) in &outcome.errors {
            *tally.errors.entry(kind).or_default() += n;
        }
        tally.violations.extend(outcome.violations.iter().cloned());
        tally.non_retryable.extend(outcome.non_retryable.iter().cloned());
        tally.recalled += usize::from(outcome.calls > 1);
        tally.misleading += outcome.misleading;
        match &outcome.reference {
            Some(reference) => {
                if let Some(other) = references.insert(reference, outcome.index) {
                    let index = outcome.index;
                    tally
                        .violations
                        .push(format!("payments {other} and {index} share reference {reference}"));
                }
            }
            None => tally.failed += 1,
        }
    }
    tally.created = references.len();
    tally
}

/// The distinct keys whose create reached the sandbox; every one must be a logical create's
/// key (a key drawn anew on a retry would show up here) and must have been accepted.
fn keys_that_reached(sandbox: &Sandbox) -> HashSet<String> {
    let ours: HashSet<String> = (0..LOGICAL_CREATES).map(|i| key_for(i).as_str().to_owned()).collect();
    let mut reached = HashSet::new();
    for request in sandbox.requests().into_iter().filter(|r| r.path == CREATE_PATH) {
        let key = request.idempotency_key.expect("every create carries a key");
        assert!(
            ours.contains(&key),
            "the sandbox saw a key no logical create uses: {key}"
        );
        assert_eq!(request.status, 200, "the sandbox refused {key}");
        reached.insert(key);
    }
    reached
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_creates_through_faults_are_never_duplicated() {
    let started = Instant::now();
    let (sandbox, proxy, client) = start_soak().await;
    let outcomes = run_all(&client, &sandbox, started).await;
    // Stragglers (a forward the client gave up on) must land before the sandbox is counted.
    assert!(
        proxy.wait_idle(Duration::from_secs(10)).await,
        "proxy connections did not finish"
    );
    let elapsed = started.elapsed();

    let tally = tally(&outcomes);
    let reached = keys_that_reached(&sandbox);
    let payments_created = usize::try_from(sandbox.api().payments_created()).expect("fits");
    let duplicated = payments_created.saturating_sub(reached.len());
    let Tally { created, failed, .. } = tally;
    eprintln!("soak: {created} created, {duplicated} duplicated, {failed} failed");
    eprintln!(
        "soak details: {} logical creates in {elapsed:.2?}; {} proxied requests ({}); {} re-called with the same key; \
         errors {:?}, {} of them Error::Api although the payment existed; {} keys reached the sandbox; \
         payments_created={payments_created}",
        outcomes.len(),
        proxy.total(),
        proxy.summary(),
        tally.recalled,
        tally.errors,
        tally.misleading,
        reached.len(),
    );

    assert_eq!(
        outcomes.len(),
        LOGICAL_CREATES,
        "the soak did not finish within {BUDGET:?}"
    );
    assert!(
        tally.violations.is_empty(),
        "contract breaches: {:#?}",
        tally.violations
    );
    assert!(
        tally.non_retryable.is_empty(),
        "errors the faults cannot explain: {:#?}",
        tally.non_retryable
    );
    assert_eq!(duplicated, 0, "payments created twice");
    assert_eq!(
        payments_created,
        reached.len(),
        "one payment per key that reached the sandbox"
    );
    assert!(payments_created >= created, "every reference the client learned exists");
    assert!(
        failed <= LOGICAL_CREATES / 100,
        "{failed} logical creates never succeeded"
    );
    for fault in Fault::ALL {
        assert!(proxy.count(fault) > 0, "the proxy never injected {fault:?}");
    }
    assert!(
        tally.recalled > 0,
        "no create needed a second call: the faults did not bite"
    );
    assert!(tally.errors.get("outcome_unknown").copied().unwrap_or(0) > 0);

    // Every learned reference is the one the sandbox holds for that key: replaying the
    // request in-process answers with it and creates nothing.
    for outcome in &outcomes {
        let Some(reference) = &outcome.reference else { continue };
        let request = request_for(outcome.index).with_idempotency_key(key_for(outcome.index));
        let replay = sandbox.api().create_payment(request).await.expect("replay");
        assert_eq!(replay.reference(), reference, "payment {}", outcome.index);
    }
    assert_eq!(
        usize::try_from(sandbox.api().payments_created()).expect("fits"),
        payments_created,
        "replays create nothing"
    );
    assert!(elapsed < BUDGET, "the soak took {elapsed:?}");
}

/// The proxy itself: each fault does what it says, against a scripted upstream.
#[tokio::test]
async fn fault_proxy_injects_each_fault() {
    for fault in Fault::ALL {
        let upstream = ScriptedServer::start(
            vec![],
            Action::json(200, r#"{"status":"success","code":200,"data":{"reference":"ref-1"}}"#),
        )
        .await;
        let addr = upstream
            .base_url()
            .trim_start_matches("http://")
            .parse()
            .expect("upstream addr");
        let proxy = FaultProxy::start(
            addr,
            FaultProxyConfig {
                mix: FaultMix::only(fault),
                stall: Duration::from_secs(2),
                ..FaultProxyConfig::default()
            },
        )
        .await;
        let client = Client::builder()
            .base_url(&proxy.base_url())
            .credentials(TEST_API_KEY, TEST_API_SECRET)
            .timeouts(Timeouts::default().attempt(ms(300)).total(Duration::from_secs(5)))
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("valid client");
        let result = client.create_payment(request_for(0)).await;
        match fault {
            Fault::Forward => {
                let created = result.expect("forwarded");
                assert_eq!(created.reference().as_str(), "ref-1");
                let seen = upstream.requests();
                assert_eq!(seen.len(), 1);
                assert_eq!(seen[0].header("connection"), Some("close"));
                assert_eq!(
                    seen[0].header("x-idempotency-key"),
                    Some(created.idempotency_key.as_str())
                );
                let body: serde_json::Value = serde_json::from_slice(&seen[0].body).expect("JSON body");
                assert_eq!(body["details"]["amount"], "1000.00");
            }
            Fault::Unavailable | Fault::TooManyRequests => {
                let err = result.expect_err("answered by the proxy");
                let status = if fault == Fault::Unavailable { 503 } else { 429 };
                assert_eq!(err.status(), Some(status), "{err:?}");
                assert!(upstream.requests().is_empty(), "{fault:?} must not forward");
            }
            Fault::DropAnswer => {
                let err = result.expect_err("answer dropped");
                assert!(matches!(err, Error::OutcomeUnknown(_)), "{err:?}");
                assert_eq!(upstream.requests().len(), 1, "the upstream acted");
            }
            Fault::Stall => {
                let err = result.expect_err("stalled");
                assert!(matches!(err, Error::OutcomeUnknown(_)), "{err:?}");
                let err = client
                    .payment_status(PaymentStatusRequest::new("ref-1"))
                    .await
                    .expect_err("stalled");
                assert!(matches!(err, Error::Timeout(_)), "{err:?}");
                assert!(upstream.requests().is_empty(), "a stall forwards nothing");
            }
        }
        assert!(proxy.count(fault) >= 1, "{fault:?} counted");
        assert_eq!(proxy.total(), proxy.count(fault), "{fault:?} only");
    }
    // A status read relayed through the proxy decodes as the documented example.
    let upstream = ScriptedServer::start(vec![], Action::json(200, DOCUMENTED_STATUS_EXAMPLE)).await;
    let addr = upstream
        .base_url()
        .trim_start_matches("http://")
        .parse()
        .expect("upstream addr");
    let proxy = FaultProxy::start(addr, FaultProxyConfig::default()).await;
    let client = Client::builder()
        .base_url(&proxy.base_url())
        .credentials(TEST_API_KEY, TEST_API_SECRET)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(10)
                .base_delay(ms(1))
                .max_delay(ms(5)),
        )
        .timeouts(Timeouts::default().attempt(ms(300)).total(Duration::from_secs(10)))
        .build()
        .expect("valid client");
    let status = client
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect("read through faults");
    assert_eq!(status.reference_id.as_str(), "mock-ref-7b2a4f3e");
}
