//! Fault injection against a scripted loopback server: timeouts, retries by retry class,
//! `Retry-After`, unknown outcomes, redirects, hostile answers and requests rejected before
//! the network (issue "Never lose or double a payment").
//!
//! Timings are only ever bounded generously: a lower bound where a sleep guarantees it, an
//! upper bound far below what a wrong implementation would take.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use senjaro_api::{
    Client, ClientBuilder, CreatePaymentRequest, DEFAULT_MAX_RESPONSE_BYTES, Error, ErrorCode, IdempotencyKey,
    MAX_EXCERPT_LEN, MAX_IDEMPOTENCY_KEY_LEN, PaymentStatusRequest, RetryPolicy, SenjaroApi, Timeouts,
};
use senjaro_tests::{
    Action, DOCUMENTED_STATUS_EXAMPLE, Recorded, ScriptedServer, TEST_API_KEY, TEST_API_SECRET, client_with,
    jane_request,
};

const CREATE_PATH: &str = "/senjaropay/merchant/payments/create";
const STATUS_PATH: &str = "/senjaropay/merchant/payments/status";
const KEY_HEADER: &str = "x-idempotency-key";
const CREATED: &str = r#"{"status":"success","code":200,"data":{"reference":"ref-000001"}}"#;
/// Longer than any test runs: a server "stalled" with this never answers in time.
const STALL: Duration = Duration::from_secs(30);

/// `{"status":"PENDING","reference_id":"r-1"}` gzip-compressed.
const GZIPPED_STATUS: &[u8] = &[
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0x56, 0x2a, 0x2e, 0x49, 0x2c, 0x29, 0x2d, 0x56,
    0xb2, 0x52, 0x0a, 0x70, 0xf5, 0x73, 0xf1, 0xf4, 0x73, 0x57, 0xd2, 0x51, 0x2a, 0x4a, 0x4d, 0x4b, 0x2d, 0x4a, 0xcd,
    0x4b, 0x4e, 0x8d, 0xcf, 0x4c, 0x01, 0x4a, 0x14, 0xe9, 0x1a, 0x2a, 0xd5, 0x02, 0x00, 0xa3, 0x0b, 0xba, 0xf1, 0x29,
    0x00, 0x00, 0x00,
];

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// `attempts` attempts with backoff of a few tens of milliseconds.
fn fast_retry(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .base_delay(ms(10))
        .max_delay(ms(40))
}

/// Limits small enough for tests, large enough for a loaded debug build.
fn quick_timeouts() -> Timeouts {
    Timeouts::default().connect(secs(2)).attempt(secs(2)).total(secs(8))
}

fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .credentials(TEST_API_KEY, TEST_API_SECRET)
        .timeouts(quick_timeouts())
        .retry_policy(fast_retry(3))
}

fn create_with_amount(amount: &str) -> CreatePaymentRequest {
    let mut request = jane_request();
    request.details.amount = amount.parse().expect("amount parses");
    request
}

fn status_request() -> PaymentStatusRequest {
    PaymentStatusRequest::new("mock-ref-7b2a4f3e")
}

fn status_ok() -> Action {
    Action::json(200, DOCUMENTED_STATUS_EXAMPLE)
}

fn created() -> Action {
    Action::json(200, CREATED)
}

fn stall(then: Action) -> Action {
    Action::Delay(STALL, Box::new(then))
}

/// Every attempt of a create went to the create path with exactly one idempotency header,
/// the same key and byte-identical bodies. Returns the key.
fn assert_one_key_one_body(requests: &[Recorded]) -> String {
    let first = requests.first().expect("at least one request reached the server");
    let key = first
        .header(KEY_HEADER)
        .expect("the create carries an idempotency key")
        .to_owned();
    for (i, request) in requests.iter().enumerate() {
        assert_eq!(request.method, "POST", "attempt {i}");
        assert_eq!(request.path, CREATE_PATH, "attempt {i}");
        assert_eq!(
            request.header_count(KEY_HEADER),
            1,
            "attempt {i}: one idempotency header"
        );
        assert_eq!(request.header(KEY_HEADER), Some(key.as_str()), "attempt {i}: same key");
        assert_eq!(request.body, first.body, "attempt {i}: the body must be byte-identical");
    }
    key
}

/// Every attempt of a status read sent the same body and no idempotency header.
fn assert_same_status_body(requests: &[Recorded]) {
    let first = requests.first().expect("at least one request reached the server");
    for (i, request) in requests.iter().enumerate() {
        assert_eq!(request.path, STATUS_PATH, "attempt {i}");
        assert_eq!(request.header(KEY_HEADER), None, "attempt {i}");
        assert_eq!(request.body, first.body, "attempt {i}");
    }
}

/// IMF-fixdate, the HTTP-date form of `Retry-After` (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn http_date(at: SystemTime) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let seconds = at.duration_since(UNIX_EPOCH).expect("after 1970").as_secs();
    let (days, of_day) = (seconds / 86_400, seconds % 86_400);
    // Days to civil date (H. Hinnant's algorithm), for dates after 1970.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    let index = |n: u64| usize::try_from(n).expect("small index");
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[index(days % 7)],
        MONTHS[index(month - 1)],
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60
    )
}

// ---------------------------------------------------------------------------------------
// Timeouts
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn timeouts_are_on_by_default_and_changeable() {
    let default_client = Client::builder()
        .credentials(TEST_API_KEY, TEST_API_SECRET)
        .build()
        .expect("valid client");
    let limits = default_client.timeouts();
    assert_eq!(limits, Timeouts::default());
    for (name, limit) in [
        ("connect", limits.connect_limit()),
        ("attempt", limits.attempt_limit()),
        ("total", limits.total_limit()),
    ] {
        assert!(
            !limit.is_zero() && limit <= secs(300),
            "{name} limit {limit:?} is not a finite default"
        );
    }
    assert!(limits.attempt_limit() <= limits.total_limit());
    assert!(
        default_client.retry_policy().attempts() > 1,
        "retries are on by default"
    );

    let custom = Timeouts::default().connect(ms(100)).attempt(ms(200)).total(ms(300));
    let configured = builder("http://127.0.0.1:9")
        .timeouts(custom)
        .build()
        .expect("valid client");
    assert_eq!(configured.timeouts(), custom);

    let per_call = Timeouts::default().attempt(ms(50)).total(ms(70));
    let handle = configured.with_timeouts(per_call).expect("valid limits");
    assert_eq!(handle.timeouts().attempt_limit(), ms(50));
    assert_eq!(handle.timeouts().total_limit(), ms(70));
    assert_eq!(configured.timeouts(), custom, "the original handle keeps its limits");
    let handle = configured.with_retry_policy(RetryPolicy::none());
    assert_eq!(handle.retry_policy().attempts(), 1);
    assert_eq!(configured.retry_policy(), fast_retry(3));

    assert!(matches!(
        configured.with_timeouts(Timeouts::default().total(Duration::ZERO)),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        builder("http://127.0.0.1:9")
            .timeouts(Timeouts::default().attempt(Duration::ZERO))
            .build(),
        Err(Error::Config(_))
    ));
}

#[tokio::test]
async fn status_attempt_timeout_is_retried_then_reported_as_timeout() {
    let server = ScriptedServer::start(vec![], stall(status_ok())).await;
    let client = builder(&server.base_url())
        .timeouts(Timeouts::default().attempt(ms(150)).total(secs(10)))
        .retry_policy(fast_retry(3))
        .build()
        .expect("valid client");
    let started = Instant::now();
    let err = client
        .payment_status(status_request())
        .await
        .expect_err("never answered");
    let elapsed = started.elapsed();

    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.idempotency_key().is_none());
    assert_eq!(server.requests().len(), 3, "a read is retried after an attempt timeout");
    assert_same_status_body(&server.requests());
    assert!(elapsed >= ms(450), "three attempts of 150 ms: {elapsed:?}");
    assert!(elapsed < secs(5), "must not wait for the stalled server: {elapsed:?}");
}

#[tokio::test]
async fn total_deadline_bounds_attempts_and_backoff() {
    let server = ScriptedServer::start(vec![], stall(status_ok())).await;
    let policy = RetryPolicy::default()
        .max_attempts(20)
        .base_delay(ms(50))
        .max_delay(ms(50));
    let client = builder(&server.base_url())
        .timeouts(Timeouts::default().attempt(ms(200)).total(ms(500)))
        .retry_policy(policy)
        .build()
        .expect("valid client");
    let started = Instant::now();
    let err = client
        .payment_status(status_request())
        .await
        .expect_err("never answered");
    let elapsed = started.elapsed();

    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    let attempts = server.requests().len();
    assert!(
        (1..=4).contains(&attempts),
        "the 500 ms deadline allows about 3 attempts, saw {attempts}"
    );
    assert!(elapsed >= ms(200), "{elapsed:?}");
    // 20 attempts of 200 ms would take over 4 s.
    assert!(
        elapsed < ms(2_500),
        "the deadline includes every attempt and sleep: {elapsed:?}"
    );
}

#[tokio::test]
async fn per_call_settings_override_the_builder() {
    // Long limits on the builder, short ones for this one call.
    let server = ScriptedServer::start(vec![], stall(status_ok())).await;
    let long_client = builder(&server.base_url())
        .timeouts(Timeouts::default().attempt(secs(20)).total(secs(25)))
        .build()
        .expect("valid client");
    let short = long_client
        .with_timeouts(Timeouts::default().attempt(ms(150)).total(ms(400)))
        .expect("valid limits")
        .with_retry_policy(RetryPolicy::none());
    let started = Instant::now();
    let err = short
        .payment_status(status_request())
        .await
        .expect_err("never answered");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(server.requests().len(), 1, "RetryPolicy::none() for this call");
    assert!(started.elapsed() < secs(5), "{:?}", started.elapsed());

    // No retries on the builder, three for this one call.
    let server = ScriptedServer::start(vec![Action::json(503, "{}"), Action::json(503, "{}")], status_ok()).await;
    let client = client_with(&server, RetryPolicy::none());
    client
        .with_retry_policy(fast_retry(3))
        .payment_status(status_request())
        .await
        .expect("third attempt succeeds");
    assert_eq!(server.requests().len(), 3);
}

// ---------------------------------------------------------------------------------------
// Retries by retry class
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn status_retries_transport_errors_timeouts_429_and_5xx() {
    let script = vec![
        Action::Drop,
        Action::json(503, r#"{"status":"error","code":503}"#),
        Action::json(429, "{}").with_header("Retry-After", "0"),
        Action::typed(500, "text/plain", b"oops"),
        stall(status_ok()),
    ];
    let server = ScriptedServer::start(script, status_ok()).await;
    let client = builder(&server.base_url())
        .timeouts(Timeouts::default().attempt(ms(300)).total(secs(10)))
        .retry_policy(fast_retry(6))
        .build()
        .expect("valid client");
    let started = Instant::now();
    let status = client
        .payment_status(status_request())
        .await
        .expect("sixth attempt succeeds");
    assert_eq!(status.reference_id.as_str(), "mock-ref-7b2a4f3e");
    assert_eq!(server.requests().len(), 6);
    assert_same_status_body(&server.requests());
    assert!(started.elapsed() < secs(5), "{:?}", started.elapsed());
}

#[tokio::test]
async fn create_retries_with_the_same_key_and_identical_body() {
    let script = vec![
        Action::json(503, "{}"),
        Action::Drop,
        stall(created()),
        Action::json(429, "{}").with_header("Retry-After", "0"),
        Action::typed(502, "text/html", b"<html>Bad Gateway</html>"),
    ];
    let server = ScriptedServer::start(script, created()).await;
    let client = builder(&server.base_url())
        .timeouts(Timeouts::default().attempt(ms(300)).total(secs(10)))
        .retry_policy(fast_retry(6))
        .build()
        .expect("valid client");
    let started = Instant::now();
    let created = client
        .create_payment(jane_request())
        .await
        .expect("sixth attempt succeeds");
    let requests = server.requests();
    assert_eq!(requests.len(), 6);
    let key = assert_one_key_one_body(&requests);
    assert_eq!(
        created.idempotency_key.as_str(),
        key,
        "Keyed returns the key that was sent"
    );
    assert_eq!(created.reference().as_str(), "ref-000001");
    assert!(started.elapsed() < secs(5), "{:?}", started.elapsed());
}

#[tokio::test]
async fn create_sends_the_callers_key_on_every_attempt() {
    let key = IdempotencyKey::new("order-2026-000123").expect("valid key");
    let server = ScriptedServer::start(vec![Action::Drop, Action::json(500, "{}")], created()).await;
    let client = client_with(&server, fast_retry(3));
    let created = client
        .create_payment(jane_request().with_idempotency_key(key.clone()))
        .await
        .expect("third attempt succeeds");
    assert_eq!(created.idempotency_key, key);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(assert_one_key_one_body(&requests), key.as_str());
}

#[tokio::test]
async fn backoff_grows_exponentially_and_is_capped() {
    // Growth: sleeps of at least 20, 40 and 80 ms (half of 40, 80, 160 with equal jitter).
    let server = ScriptedServer::start(vec![], Action::json(503, "{}")).await;
    let policy = RetryPolicy::default()
        .max_attempts(4)
        .base_delay(ms(40))
        .max_delay(secs(10));
    let started = Instant::now();
    let err = client_with(&server, policy)
        .payment_status(status_request())
        .await
        .expect_err("503");
    let elapsed = started.elapsed();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests().len(), 4);
    assert!(
        elapsed >= ms(140),
        "exponential backoff sleeps at least 140 ms here: {elapsed:?}"
    );

    // Cap: a 400 ms base capped at 40 ms sleeps at most 120 ms in all (uncapped: >= 1.4 s).
    let server = ScriptedServer::start(vec![], Action::json(503, "{}")).await;
    let policy = RetryPolicy::default()
        .max_attempts(4)
        .base_delay(ms(400))
        .max_delay(ms(40));
    let started = Instant::now();
    let err = client_with(&server, policy)
        .payment_status(status_request())
        .await
        .expect_err("503");
    let elapsed = started.elapsed();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests().len(), 4);
    assert!(elapsed >= ms(60), "{elapsed:?}");
    assert!(elapsed < ms(1_200), "max_delay caps every sleep: {elapsed:?}");
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let script = vec![Action::json(429, "{}").with_header("Retry-After", "1")];
    let server = ScriptedServer::start(script, status_ok()).await;
    let started = Instant::now();
    client_with(&server, fast_retry(3))
        .payment_status(status_request())
        .await
        .expect("second attempt succeeds");
    let elapsed = started.elapsed();
    assert_eq!(server.requests().len(), 2);
    assert!(elapsed >= ms(950), "Retry-After: 1 beats a 10 ms backoff: {elapsed:?}");
    assert!(elapsed < secs(6), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_as_http_date_is_honoured() {
    assert_eq!(
        http_date(UNIX_EPOCH + Duration::from_secs(784_111_777)),
        "Sun, 06 Nov 1994 08:49:37 GMT"
    );
    let at = http_date(SystemTime::now() + secs(2));
    let script = vec![Action::json(503, "{}").with_header("Retry-After", &at)];
    let server = ScriptedServer::start(script, created()).await;
    let started = Instant::now();
    let created = client_with(&server, fast_retry(3))
        .create_payment(jane_request())
        .await
        .expect("second attempt succeeds");
    let elapsed = started.elapsed();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(assert_one_key_one_body(&requests), created.idempotency_key.as_str());
    // The date has one-second resolution: the wait is between 1 and 2 s.
    assert!(
        elapsed >= ms(800),
        "Retry-After {at} beats a 10 ms backoff: {elapsed:?}"
    );
    assert!(elapsed < secs(6), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_beyond_the_deadline_returns_the_429_at_once() {
    let server = ScriptedServer::start(vec![], Action::json(429, "{}").with_header("Retry-After", "30")).await;
    let client = builder(&server.base_url())
        .timeouts(Timeouts::default().attempt(secs(2)).total(secs(5)))
        .retry_policy(fast_retry(5))
        .build()
        .expect("valid client");
    let started = Instant::now();
    let err = client.create_payment(jane_request()).await.expect_err("429");
    let elapsed = started.elapsed();

    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status(), 429);
    assert_eq!(api.retry_after(), Some(secs(30)));
    assert!(err.is_retryable());
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "no attempt can wait 30 s within a 5 s deadline");
    let key = assert_one_key_one_body(&requests);
    assert_eq!(err.idempotency_key().map(IdempotencyKey::as_str), Some(key.as_str()));
    assert!(elapsed < secs(3), "returned at once, not at the deadline: {elapsed:?}");
}

#[tokio::test]
async fn absurd_retry_after_values_do_not_panic() {
    let mut panicked = Vec::new();
    for value in [
        "18446744073709551615",
        "9223372036854775807",
        "99999999999999999999999",
        "-1",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let server = ScriptedServer::start(vec![], Action::json(429, "{}").with_header("Retry-After", value)).await;
        let client = client_with(&server, fast_retry(2));
        match tokio::spawn(async move { client.payment_status(status_request()).await }).await {
            Err(join) => panicked.push(format!("Retry-After: {value} -> {join}")),
            Ok(result) => {
                let err = result.expect_err("429");
                assert_eq!(err.status(), Some(429), "Retry-After: {value}");
                assert!(server.requests().len() <= 2, "Retry-After: {value}");
            }
        }
    }
    assert!(
        panicked.is_empty(),
        "hostile Retry-After values made the client panic: {panicked:#?}"
    );
}

#[tokio::test]
async fn retry_policy_none_makes_one_attempt() {
    let server = ScriptedServer::start(vec![], Action::json(503, "{}")).await;
    let err = client_with(&server, RetryPolicy::none())
        .payment_status(status_request())
        .await
        .expect_err("503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests().len(), 1);

    let server = ScriptedServer::start(vec![], Action::json(503, "{}")).await;
    let err = client_with(&server, RetryPolicy::none())
        .create_payment(jane_request())
        .await
        .expect_err("503");
    assert!(matches!(&err, Error::Api(api) if api.status() == 503), "{err:?}");
    let key = assert_one_key_one_body(&server.requests());
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.idempotency_key().map(IdempotencyKey::as_str), Some(key.as_str()));

    let server = ScriptedServer::start(vec![], Action::Drop).await;
    let err = client_with(&server, RetryPolicy::none())
        .payment_status(status_request())
        .await
        .expect_err("dropped");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn max_attempts_sets_the_count() {
    for attempts in [1_u32, 2, 4] {
        let server = ScriptedServer::start(vec![], Action::json(500, "{}")).await;
        let err = client_with(&server, fast_retry(attempts))
            .create_payment(jane_request())
            .await
            .expect_err("500");
        assert_eq!(err.status(), Some(500));
        let requests = server.requests();
        assert_eq!(
            requests.len(),
            usize::try_from(attempts).expect("small"),
            "max_attempts({attempts})"
        );
        assert_one_key_one_body(&requests);
    }
    let server = ScriptedServer::start(vec![], Action::json(500, "{}")).await;
    let _ = client_with(&server, fast_retry(0))
        .payment_status(status_request())
        .await;
    assert_eq!(server.requests().len(), 1, "max_attempts(0) still makes one attempt");
}

// ---------------------------------------------------------------------------------------
// Unknown outcomes and keys on errors
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn create_dropped_after_the_request_was_read_is_outcome_unknown() {
    let script = vec![Action::Drop, Action::Drop, Action::Drop];
    let server = ScriptedServer::start(script, created()).await;
    let client = client_with(&server, fast_retry(3));
    let err = client.create_payment(jane_request()).await.expect_err("dropped");
    let Error::OutcomeUnknown(unknown) = &err else {
        panic!("expected OutcomeUnknown, got {err:?}")
    };
    assert_eq!(unknown.attempts(), 3);
    assert!(err.is_retryable() && err.is_outcome_unknown());
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let key = assert_one_key_one_body(&requests);
    assert_eq!(unknown.idempotency_key().as_str(), key);

    // What the docs say to do: call create again with the same key.
    let created = client
        .create_payment(jane_request().with_idempotency_key(unknown.idempotency_key().clone()))
        .await
        .expect("the retry with the same key succeeds");
    assert_eq!(created.idempotency_key.as_str(), key);
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_one_key_one_body(&requests);
}

#[tokio::test]
async fn create_attempt_timeout_with_no_attempts_left_is_outcome_unknown() {
    let server = ScriptedServer::start(vec![], stall(created())).await;
    let client = builder(&server.base_url())
        .timeouts(Timeouts::default().attempt(ms(150)).total(secs(10)))
        .retry_policy(fast_retry(2))
        .build()
        .expect("valid client");
    let started = Instant::now();
    let err = client.create_payment(jane_request()).await.expect_err("stalled");
    let elapsed = started.elapsed();
    let Error::OutcomeUnknown(unknown) = &err else {
        panic!("expected OutcomeUnknown, got {err:?}")
    };
    assert_eq!(unknown.attempts(), 2);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(assert_one_key_one_body(&requests), unknown.idempotency_key().as_str());
    assert!(elapsed < secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn create_that_may_exist_stays_outcome_unknown_when_the_last_attempt_gets_503() {
    // Attempt 1 was read by the server and dropped: the payment may exist. Attempt 2 gets a
    // 503, which says nothing about attempt 1. With no attempts left the outcome is unknown;
    // an Error::Api(503) would let a caller think nothing was created.
    let server = ScriptedServer::start(vec![Action::Drop], Action::json(503, "{}")).await;
    let err = client_with(&server, fast_retry(2))
        .create_payment(jane_request())
        .await
        .expect_err("503");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let key = assert_one_key_one_body(&requests);
    assert_eq!(err.idempotency_key().map(IdempotencyKey::as_str), Some(key.as_str()));
    assert!(
        matches!(err, Error::OutcomeUnknown(_)),
        "attempt 1 may have created the payment, got {err:?}"
    );
}

#[tokio::test]
async fn create_refused_connection_is_transport_not_outcome_unknown() {
    // A port nobody listens on: nothing can reach a server.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let key = IdempotencyKey::new("order-refused-1").expect("valid key");
    let client = builder(&format!("http://{addr}")).build().expect("valid client");
    let started = Instant::now();
    let err = client
        .create_payment(jane_request().with_idempotency_key(key.clone()))
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::Transport(_)), "nothing was sent: {err:?}");
    assert_eq!(err.idempotency_key(), Some(&key));
    assert!(err.is_retryable());
    assert!(started.elapsed() < secs(5), "{:?}", started.elapsed());
}

#[tokio::test]
async fn every_create_error_carries_the_key() {
    let cases: Vec<(&str, Action)> = vec![
        (
            "400",
            Action::json(400, r#"{"status":"error","error_code":"validation_error"}"#),
        ),
        (
            "401",
            Action::json(401, r#"{"status":"error","code":401,"error_code":"unauthorized"}"#),
        ),
        ("409", Action::json(409, r#"{"error_code":"idempotency_conflict"}"#)),
        ("503", Action::typed(503, "text/html", b"<html>down</html>")),
        (
            "302",
            Action::json(302, "").with_header("Location", "http://127.0.0.1:9/elsewhere"),
        ),
        (
            "200 not JSON",
            Action::typed(200, "text/html", b"<html>maintenance</html>"),
        ),
        ("dropped", Action::Drop),
    ];
    for (name, action) in cases {
        let key = IdempotencyKey::new(format!("order-{}", name.replace(' ', "-"))).expect("valid key");
        let server = ScriptedServer::start(vec![], action).await;
        let err = client_with(&server, RetryPolicy::none())
            .create_payment(jane_request().with_idempotency_key(key.clone()))
            .await
            .expect_err(name);
        assert_eq!(err.idempotency_key(), Some(&key), "{name}: {err:?}");
        assert_eq!(server.requests().len(), 1, "{name}");
    }

    // A drawn key: the error carries the one the server saw.
    let server = ScriptedServer::start(vec![], Action::json(500, "{}")).await;
    let err = client_with(&server, fast_retry(2))
        .create_payment(jane_request())
        .await
        .expect_err("500");
    let key = assert_one_key_one_body(&server.requests());
    assert_eq!(err.idempotency_key().map(IdempotencyKey::as_str), Some(key.as_str()));
}

// ---------------------------------------------------------------------------------------
// Answers never retried or followed
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn client_errors_other_than_429_are_never_retried() {
    for status in [400_u16, 401, 403, 404, 405, 409, 410, 413, 422] {
        let body = format!(r#"{{"status":"error","code":{status},"error_code":"e{status}"}}"#);
        let server = ScriptedServer::start(vec![], Action::json(status, &body)).await;
        let client = client_with(&server, fast_retry(5));
        let err = client.payment_status(status_request()).await.expect_err("4xx");
        assert!(
            matches!(&err, Error::Api(api) if api.status() == status),
            "{status}: {err:?}"
        );
        assert!(!err.is_retryable(), "{status}");
        let err = client.create_payment(jane_request()).await.expect_err("4xx");
        assert!(
            matches!(&err, Error::Api(api) if api.status() == status),
            "{status}: {err:?}"
        );
        assert!(err.idempotency_key().is_some(), "{status}");
        assert_eq!(server.requests().len(), 2, "{status}: one attempt per call");
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    for status in [301_u16, 302, 303, 307, 308] {
        let target = ScriptedServer::start(vec![], created()).await;
        let location = format!("{}{CREATE_PATH}", target.base_url());
        let server = ScriptedServer::start(vec![], Action::json(status, "").with_header("Location", &location)).await;
        let client = client_with(&server, fast_retry(3));
        let err = client.create_payment(jane_request()).await.expect_err("redirect");
        assert!(
            matches!(&err, Error::Api(api) if api.status() == status),
            "{status}: {err:?}"
        );
        assert!(err.idempotency_key().is_some(), "{status}");
        let err = client.payment_status(status_request()).await.expect_err("redirect");
        assert_eq!(err.status(), Some(status));
        assert_eq!(server.requests().len(), 2, "{status}: not retried");
        assert!(
            target.requests().is_empty(),
            "{status}: the Location host must receive nothing"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Hostile answers: never a panic, always the status
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn error_envelopes_with_any_subset_of_fields_keep_the_status() {
    let bodies = [
        "{}",
        r#"{"status":"error"}"#,
        r#"{"code":422}"#,
        r#"{"error_code":"amount_too_small"}"#,
        r#"{"message":"too small"}"#,
        r#"{"status":"error","code":422,"error_code":"amount_too_small","message":"too small","errors":[{"field":"amount"}],"request_id":"abc"}"#,
        r#"{"code":"422","error_code":7,"message":null}"#,
        r#"{"status":"error","code":1e400}"#,
        "null",
        "[]",
        r#""just a string""#,
        "{",
    ];
    for body in bodies {
        let server = ScriptedServer::start(vec![], Action::json(422, body)).await;
        let err = client_with(&server, fast_retry(3))
            .payment_status(status_request())
            .await
            .expect_err("422");
        let Error::Api(api) = &err else {
            panic!("{body}: expected Error::Api, got {err:?}")
        };
        assert_eq!(api.status(), 422, "{body}");
        assert_eq!(server.requests().len(), 1, "{body}");
        let _ = err.to_string();
    }

    let full = r#"{"status":"error","code":422,"error_code":"amount_too_small","message":"too small","extra":{"a":1}}"#;
    let server = ScriptedServer::start(vec![], Action::json(422, full)).await;
    let err = client_with(&server, RetryPolicy::none())
        .payment_status(status_request())
        .await
        .expect_err("422");
    let api = err.as_api().expect("Error::Api");
    assert_eq!(api.code(), Some(&ErrorCode::Unknown("amount_too_small".to_owned())));
    assert_eq!(api.message(), Some("too small"));
    assert!(api.body().is_some_and(|b| b.extra.contains_key("extra")));
}

#[tokio::test]
async fn html_and_plain_text_error_pages_keep_the_status() {
    let page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let server = ScriptedServer::start(vec![], Action::typed(502, "text/html", page)).await;
    let err = client_with(&server, fast_retry(2))
        .payment_status(status_request())
        .await
        .expect_err("502");
    let api = err.as_api().expect("Error::Api");
    assert_eq!(api.status(), 502);
    assert!(api.body().is_none());
    assert!(api.excerpt().contains("<html>"), "{}", api.excerpt());
    assert_eq!(server.requests().len(), 2, "5xx is retried");

    let text = b"upstream connect error or disconnect/reset before headers";
    let server = ScriptedServer::start(vec![], Action::typed(500, "text/plain", text)).await;
    let err = client_with(&server, RetryPolicy::none())
        .create_payment(jane_request())
        .await
        .expect_err("500");
    let api = err.as_api().expect("Error::Api");
    assert_eq!(api.status(), 500);
    assert!(api.excerpt().starts_with("upstream connect error"));
    assert!(err.idempotency_key().is_some());
}

#[tokio::test]
async fn empty_bodies_keep_the_status() {
    for status in [200_u16, 404, 500, 503] {
        let server = ScriptedServer::start(vec![], Action::typed(status, "application/json", b"")).await;
        let err = client_with(&server, RetryPolicy::none())
            .payment_status(status_request())
            .await
            .expect_err("empty body");
        assert_eq!(err.status(), Some(status), "{err:?}");
        if status == 200 {
            assert!(matches!(err, Error::Decode(_)), "{err:?}");
        } else {
            assert!(matches!(err, Error::Api(_)), "{err:?}");
        }
    }
}

#[tokio::test]
async fn truncated_json_bodies_keep_the_status() {
    let truncated = |status: &str| {
        let mut bytes =
            format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n").into_bytes();
        bytes.extend_from_slice(br#"{"message":"Transaction status retrieved","sta"#);
        Action::Raw(bytes)
    };
    let server = ScriptedServer::start(vec![], truncated("200 OK")).await;
    let err = client_with(&server, RetryPolicy::none())
        .payment_status(status_request())
        .await
        .expect_err("truncated");
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.status(), Some(200), "the answer's status is lost: {err:?}");
    assert!(matches!(err, Error::Decode(_)), "{err:?}");

    let server = ScriptedServer::start(vec![], truncated("500 Internal Server Error")).await;
    let err = client_with(&server, RetryPolicy::none())
        .payment_status(status_request())
        .await
        .expect_err("truncated");
    assert_eq!(err.status(), Some(500), "the answer's status is lost: {err:?}");
}

#[tokio::test]
async fn a_200_that_is_not_json_is_a_decode_error_and_not_retried() {
    for (content_type, body) in [
        ("text/html", &b"<html><body>Scheduled maintenance</body></html>"[..]),
        ("application/json", &b"{\"status\": PENDING}"[..]),
        ("application/json", &br#"{"message":"no status or reference"}"#[..]),
        ("application/octet-stream", &b"\xff\xfe\x00binary"[..]),
    ] {
        let server = ScriptedServer::start(vec![], Action::typed(200, content_type, body)).await;
        let err = client_with(&server, fast_retry(3))
            .payment_status(status_request())
            .await
            .expect_err("not the status shape");
        let Error::Decode(decode) = &err else {
            panic!("expected Error::Decode, got {err:?}")
        };
        assert_eq!(decode.status(), 200);
        assert!(decode.excerpt().len() <= MAX_EXCERPT_LEN + 3);
        assert_eq!(server.requests().len(), 1, "a decode error is not retried");
    }
}

#[tokio::test]
async fn very_large_bodies_are_cut_at_max_response_bytes() {
    let huge = format!(r#"{{"pad":"{}"}}"#, "x".repeat(64 * 1024));
    let server = ScriptedServer::start(vec![], Action::json(200, &huge)).await;
    let client = builder(&server.base_url())
        .max_response_bytes(1024)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid client");
    let err = client.payment_status(status_request()).await.expect_err("too large");
    let Error::Decode(decode) = &err else {
        panic!("expected Error::Decode, got {err:?}")
    };
    assert_eq!(decode.status(), 200);
    assert!(err.to_string().contains("1024"), "{err}");
    assert!(decode.excerpt().len() <= MAX_EXCERPT_LEN + 3);

    let page = format!("<html>{}</html>", "y".repeat(64 * 1024));
    let server = ScriptedServer::start(vec![], Action::typed(500, "text/html", page.as_bytes())).await;
    let client = builder(&server.base_url())
        .max_response_bytes(1024)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid client");
    let err = client.create_payment(jane_request()).await.expect_err("500");
    let api = err.as_api().expect("Error::Api");
    assert_eq!(api.status(), 500);
    assert!(api.excerpt().len() <= MAX_EXCERPT_LEN + 3);
    assert!(err.idempotency_key().is_some());

    // The default cap is 1 MiB.
    assert_eq!(DEFAULT_MAX_RESPONSE_BYTES, 1024 * 1024);
    let over = format!(r#"{{"pad":"{}"}}"#, "z".repeat(DEFAULT_MAX_RESPONSE_BYTES));
    let server = ScriptedServer::start(vec![], Action::json(200, &over)).await;
    let err = client_default_cap(&server)
        .payment_status(status_request())
        .await
        .expect_err("too large");
    assert!(matches!(&err, Error::Decode(d) if d.status() == 200), "{err:?}");
}

fn client_default_cap(server: &ScriptedServer) -> Client {
    builder(&server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid client")
}

#[tokio::test]
async fn gzip_bodies_are_not_decompressed_but_reported() {
    let answer = Action::typed(200, "application/json", GZIPPED_STATUS).with_header("Content-Encoding", "gzip");
    let server = ScriptedServer::start(vec![], answer).await;
    let err = client_with(&server, fast_retry(3))
        .payment_status(status_request())
        .await
        .expect_err("compressed");
    assert!(matches!(&err, Error::Decode(d) if d.status() == 200), "{err:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let accepts_gzip = requests[0]
        .header("accept-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("gzip"));
    assert!(!accepts_gzip, "the client must not ask for gzip it cannot read");
}

// ---------------------------------------------------------------------------------------
// Rejected before the network
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn caller_keys_are_validated_before_any_network_call() {
    let long = "k".repeat(MAX_IDEMPOTENCY_KEY_LEN + 1);
    for bad in [
        "",
        "has space",
        "tab\there",
        "new\nline",
        "ключ",
        "semi;colon\r",
        long.as_str(),
    ] {
        let err = IdempotencyKey::new(bad).expect_err("invalid key");
        assert!(
            matches!(&err, Error::InvalidRequest(e) if e.field() == "idempotency_key"),
            "{bad:?}: {err:?}"
        );
        assert!(bad.parse::<IdempotencyKey>().is_err(), "{bad:?}");
    }

    // The longest valid key goes out verbatim.
    let server = ScriptedServer::start(vec![], created()).await;
    let key = IdempotencyKey::new("k".repeat(MAX_IDEMPOTENCY_KEY_LEN)).expect("valid key");
    client_with(&server, RetryPolicy::none())
        .create_payment(jane_request().with_idempotency_key(key.clone()))
        .await
        .expect("created");
    assert_eq!(assert_one_key_one_body(&server.requests()), key.as_str());
}

#[tokio::test]
async fn invalid_requests_never_reach_the_server() {
    let server = ScriptedServer::start(vec![], created()).await;
    let client = client_with(&server, fast_retry(3));
    let cases = [
        (
            "webhook_url",
            jane_request().with_webhook_url("http://example.com/hook"),
        ),
        ("webhook_url", jane_request().with_webhook_url("ftp://example.com/hook")),
        (
            "webhook_url",
            jane_request().with_webhook_url("https://user:pw@example.com/hook"),
        ),
        ("details.amount", create_with_amount("0")),
        ("details.amount", create_with_amount("0.00")),
        ("details.amount", create_with_amount("-5.00")),
        ("details.amount", create_with_amount("10.001")),
    ];
    for (field, request) in cases {
        let err = client.create_payment(request).await.expect_err("invalid");
        let Error::InvalidRequest(invalid) = &err else {
            panic!("{field}: expected InvalidRequest, got {err:?}")
        };
        assert_eq!(invalid.field(), field, "{err}");
        assert!(
            err.idempotency_key().is_some(),
            "{field}: errors out of create carry the key"
        );
        assert!(!err.is_retryable());
    }
    let err = client
        .payment_status(PaymentStatusRequest::new("  "))
        .await
        .expect_err("empty reference");
    assert!(
        matches!(&err, Error::InvalidRequest(e) if e.field() == "referenceId"),
        "{err:?}"
    );
    assert!(server.requests().is_empty(), "no invalid request may reach the server");

    // Control: a loopback http webhook is allowed and sent.
    client
        .create_payment(jane_request().with_webhook_url("http://127.0.0.1:8080/hook"))
        .await
        .expect("loopback webhook is valid");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_refusal_after_a_lost_attempt_does_not_settle_the_outcome() {
    let server = ScriptedServer::start(
        vec![Action::Drop],
        Action::json(
            409,
            r#"{"status":"error","code":409,"error_code":"idempotency_conflict","message":"in progress"}"#,
        ),
    )
    .await;
    let err = client_with(&server, fast_retry(2))
        .create_payment(jane_request())
        .await
        .expect_err("never answered 2xx");
    assert!(matches!(err, Error::OutcomeUnknown(_)), "{err:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_gateway_timeout_on_every_attempt_leaves_a_create_unknown() {
    let server = ScriptedServer::start(vec![], Action::typed(504, "text/html", b"<html>Gateway Timeout</html>")).await;
    let err = client_with(&server, fast_retry(2))
        .create_payment(jane_request())
        .await
        .expect_err("504");
    assert!(matches!(err, Error::OutcomeUnknown(_)), "{err:?}");
    let key = err.idempotency_key().expect("carries its key").as_str().to_owned();
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header(KEY_HEADER) == Some(key.as_str()))
    );

    // The same answers to a read are plain API errors: a read has no outcome to lose.
    let server = ScriptedServer::start(vec![], Action::typed(504, "text/html", b"<html>Gateway Timeout</html>")).await;
    let err = client_with(&server, fast_retry(2))
        .payment_status(PaymentStatusRequest::new("r-1"))
        .await
        .expect_err("504");
    assert_eq!(err.status(), Some(504));
}

#[tokio::test]
async fn a_validation_refusal_after_a_lost_attempt_settles_it() {
    let server = ScriptedServer::start(
        vec![Action::Drop],
        Action::json(
            400,
            r#"{"status":"error","code":400,"error_code":"validation_error","message":"bad phone"}"#,
        ),
    )
    .await;
    let err = client_with(&server, fast_retry(2))
        .create_payment(jane_request())
        .await
        .expect_err("400");
    assert_eq!(err.status(), Some(400), "{err:?}");
}

#[tokio::test]
async fn the_generic_transport_call_never_drops_the_key_of_a_keyed_endpoint() {
    use senjaro_api::Transport as _;

    let server = ScriptedServer::start(vec![Action::Drop], Action::json(200, CREATED)).await;
    let request = jane_request().with_idempotency_key(IdempotencyKey::new("order-42").expect("key"));
    client_with(&server, fast_retry(2))
        .call(request)
        .await
        .expect("created on the retry");
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter().all(|r| r.header(KEY_HEADER) == Some("order-42")),
        "{seen:?}"
    );

    let err = client_with(&server, fast_retry(1))
        .call_keyed(PaymentStatusRequest::new("r-1"))
        .await
        .expect_err("status takes no key");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}
