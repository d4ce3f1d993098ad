//! Credentials and payer data never show up where they should not: `Debug` of the client and
//! its builder, `Debug`/`Display` of every error the client can end in (and their sources),
//! error bodies that echo the secret, and everything traced at TRACE level during real calls.

use std::fmt::Write as _;
use std::io;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use senjaro_api::sandbox::Sandbox;
use senjaro_api::{
    Client, ClientBuilder, CreatePaymentRequest, Currency, Customer, Error, IdempotencyKey, PaymentDetails,
    PaymentStatusRequest, PaymentType, RetryPolicy, SenjaroApi, Timeouts, WaitOptions, wait_for_final,
};
use senjaro_tests::{Action, ScriptedServer};

/// Distinctive placeholders, so any hit is unambiguous.
const SECRET: &str = "sk_test_PLACEHOLDER_7f3a";
const API_KEY: &str = "pk_test_PLACEHOLDER_2c9e";
const PHONE: &str = "255712345678";
const EMAIL: &str = "jane.secretive@example.com";

fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .credentials(API_KEY, SECRET)
        .retry_policy(RetryPolicy::none())
}

fn client_for(server: &ScriptedServer) -> Client {
    builder(&server.base_url()).build().expect("client builds")
}

fn jane_request() -> CreatePaymentRequest {
    CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new("1000.00".parse().expect("valid amount"), Currency::tzs()),
        PHONE.parse().expect("valid msisdn"),
        Customer::new("Jane Doe", EMAIL),
    )
}

/// Every rendering of an error: `Display`, `Debug`, alternate `Debug`, and the same for each
/// error in its source chain.
fn renderings(err: &Error) -> String {
    let mut out = format!("{err}\n{err:?}\n{err:#?}\n");
    let mut source = std::error::Error::source(err);
    let mut depth = 0;
    while let Some(cause) = source {
        let _ = write!(out, "{cause}\n{cause:?}\n");
        source = cause.source();
        depth += 1;
        assert!(depth < 32, "source chain too deep");
    }
    out
}

/// Which of the credentials `text` contains.
fn leaks(text: &str) -> Vec<&'static str> {
    [SECRET, API_KEY].into_iter().filter(|c| text.contains(c)).collect()
}

fn assert_no_credentials(what: &str, err: &Error) {
    let shown = renderings(err);
    assert!(leaks(&shown).is_empty(), "{what} leaks {:?}:\n{shown}", leaks(&shown));
}

/// The error a status call ends in when the server answers once with `action`.
async fn status_error(action: Action) -> Error {
    let server = ScriptedServer::start(vec![], action).await;
    client_for(&server)
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect_err("the scripted answer is an error")
}

/// A port on 127.0.0.1 nothing listens on (bound, then released).
fn refused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local addr").port()
}

#[test]
fn client_and_builder_debug_never_show_credentials() {
    let builder = builder("https://api.senjaropay.com");
    let shown = format!("{builder:?}\n{builder:#?}");
    assert!(leaks(&shown).is_empty(), "{shown}");
    let client = builder.build().expect("client builds");
    let shown = format!("{client:?}\n{client:#?}");
    assert!(leaks(&shown).is_empty(), "{shown}");
    assert!(
        shown.contains("api.senjaropay.com"),
        "Debug should still say where it talks: {shown}"
    );

    let handle = client
        .with_retry_policy(RetryPolicy::default())
        .with_timeouts(Timeouts::default())
        .expect("valid timeouts");
    assert!(leaks(&format!("{handle:?}")).is_empty());
}

#[test]
fn builder_with_rejected_credentials_shows_neither_them_nor_in_its_error() {
    let bad_secret = format!("{SECRET}\n");
    let builder = Client::builder().credentials(API_KEY, &bad_secret);
    assert!(leaks(&format!("{builder:?}")).is_empty());
    let err = builder.build().expect_err("a trailing newline is rejected");
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_no_credentials("Config (bad secret)", &err);
}

#[test]
fn config_errors_never_show_credentials() {
    let cases = [
        ("plain http", builder("http://api.senjaropay.com").build()),
        ("not a url", builder("not a url").build()),
        (
            "zero timeout",
            builder("https://api.senjaropay.com")
                .timeouts(Timeouts::default().total(Duration::ZERO))
                .build(),
        ),
        (
            "zero body limit",
            builder("https://api.senjaropay.com").max_response_bytes(0).build(),
        ),
    ];
    for (case, built) in cases {
        let err = built.expect_err(case);
        assert!(matches!(err, Error::Config(_)), "{case}: {err:?}");
        assert_no_credentials(case, &err);
    }
}

#[test]
fn request_debug_hides_the_payer() {
    let request = jane_request();
    let shown = format!("{request:?}\n{request:#?}");
    assert!(!shown.contains(PHONE), "the full phone number is shown: {shown}");
    assert!(!shown.contains(EMAIL), "the customer's email is shown: {shown}");
    assert!(
        shown.contains("1000.00"),
        "non-sensitive fields should still show: {shown}"
    );
}

#[tokio::test]
async fn api_error_never_shows_credentials() {
    let err = status_error(Action::json(
        401,
        r#"{"status":"error","code":401,"error_code":"unauthorized","message":"invalid"}"#,
    ))
    .await;
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert_no_credentials("Api", &err);
}

#[tokio::test]
async fn decode_error_never_shows_credentials() {
    let err = status_error(Action::typed(200, "text/plain", b"not json")).await;
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert_no_credentials("Decode", &err);
}

#[tokio::test]
async fn transport_error_never_shows_credentials() {
    let client = builder(&format!("http://127.0.0.1:{}", refused_port()))
        .build()
        .expect("client builds");
    let err = client
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_no_credentials("Transport", &err);

    let err = client
        .create_payment(jane_request())
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(err, Error::Transport(_)),
        "a refused connection sent nothing: {err:?}"
    );
    assert!(err.idempotency_key().is_some());
    assert_no_credentials("Transport (create)", &err);
}

#[tokio::test]
async fn timeout_and_outcome_unknown_never_show_credentials() {
    let server = ScriptedServer::start(
        vec![Action::Delay(Duration::from_secs(2), Box::new(Action::Drop))],
        Action::Drop,
    )
    .await;
    let client = builder(&server.base_url())
        .timeouts(Timeouts::default().attempt(Duration::from_millis(100)))
        .build()
        .expect("client builds");
    let err = client
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect_err("the server stalls");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_no_credentials("Timeout", &err);

    let err = client
        .create_payment(jane_request())
        .await
        .expect_err("the server drops the connection");
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert_no_credentials("OutcomeUnknown", &err);
}

#[tokio::test]
async fn invalid_request_never_shows_credentials() {
    let server = ScriptedServer::start(vec![], Action::Drop).await;
    let request = CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new("-5.00".parse().expect("valid amount"), Currency::tzs()),
        PHONE.parse().expect("valid msisdn"),
        Customer::new("Jane Doe", EMAIL),
    );
    let err = client_for(&server)
        .create_payment(request)
        .await
        .expect_err("a negative amount");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert_no_credentials("InvalidRequest", &err);
}

#[tokio::test]
async fn error_answer_echoing_the_credentials_is_scrubbed() {
    let echo = format!(
        r#"{{"status":"error","code":401,"error_code":"unauthorized","message":"bad pair {API_KEY}/{SECRET}","headers":{{"x-api-secret":"{SECRET}"}}}}"#
    );
    let err = status_error(Action::json(401, &echo)).await;
    assert_no_credentials("Api echoing JSON", &err);
    let api = err.as_api().expect("Error::Api");
    assert!(
        api.message().is_some_and(|m| m.contains("[redacted]")),
        "{:?}",
        api.message()
    );
    assert!(!api.excerpt().contains(SECRET) && !api.excerpt().contains(API_KEY));

    let text = format!("Unauthorized: got x-api-secret={SECRET} x-api-key={API_KEY}");
    let err = status_error(Action::typed(403, "text/plain", text.as_bytes())).await;
    assert_no_credentials("Api echoing text", &err);
    assert!(err.as_api().is_some_and(|a| a.excerpt().contains("[redacted]")));
}

#[tokio::test]
async fn success_answer_echoing_the_credentials_is_scrubbed_from_decode_errors() {
    // A 2xx body the client cannot read ends in Error::Decode, which keeps an excerpt of the
    // body and serde's message: both must be scrubbed like error answers are.
    let mut leaked = Vec::new();
    let cases = [
        (
            "non-JSON 200",
            Action::typed(200, "text/plain", format!("echo {SECRET} {API_KEY}").as_bytes()),
        ),
        (
            "mistyped field",
            Action::json(
                200,
                &format!(r#"{{"status":"PENDING","reference_id":"r","amount":"{SECRET}"}}"#),
            ),
        ),
    ];
    for (case, action) in cases {
        let err = status_error(action).await;
        assert!(matches!(err, Error::Decode(_)), "{case}: {err:?}");
        let shown = renderings(&err);
        if !leaks(&shown).is_empty() {
            leaked.push(format!("{case}: {shown}"));
        }
    }

    let server = ScriptedServer::start(
        vec![],
        Action::typed(200, "text/plain", format!("{SECRET}{}", " ".repeat(64)).as_bytes()),
    )
    .await;
    let err = builder(&server.base_url())
        .max_response_bytes(32)
        .build()
        .expect("client builds")
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect_err("too large");
    let shown = renderings(&err);
    if !leaks(&shown).is_empty() {
        leaked.push(format!("too large 200: {shown}"));
    }
    assert!(leaked.is_empty(), "credentials leaked:\n{}", leaked.join("\n---\n"));
}

/// An in-memory log sink for `tracing_subscriber::fmt`.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

// `#[tokio::test]` runs on a current-thread runtime, so the thread-local subscriber below sees
// the client, the sandbox's connection tasks and the HTTP stack alike.
#[tokio::test]
async fn trace_logs_of_real_calls_hold_no_credentials_or_payer_data() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sandbox = Sandbox::builder()
        .credentials(API_KEY, SECRET)
        .completion_delay(Duration::from_millis(30))
        .start()
        .await
        .expect("the sandbox binds 127.0.0.1");
    let client = builder(&sandbox.base_url()).build().expect("client builds");
    let key = IdempotencyKey::new("trace-key-1").expect("valid key");
    let created = client
        .create_payment(jane_request().with_idempotency_key(key.clone()))
        .await
        .expect("create succeeds");
    client
        .payment_status(PaymentStatusRequest::new(created.reference().clone()))
        .await
        .expect("status succeeds");
    let options = WaitOptions::default()
        .first_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(20))
        .timeout(Duration::from_secs(5));
    wait_for_final(&client, created.reference(), options, |_| {})
        .await
        .expect("final");
    // Failures are traced too: a conflict on create and an unknown reference.
    let conflicting = CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new("2000.00".parse().expect("valid amount"), Currency::tzs()),
        PHONE.parse().expect("valid msisdn"),
        Customer::new("Jane Doe", EMAIL),
    )
    .with_idempotency_key(key);
    client.create_payment(conflicting).await.expect_err("409");
    client
        .payment_status(PaymentStatusRequest::new("mock-ref-unknown"))
        .await
        .expect_err("404");
    drop(sandbox);

    let log = captured.text();
    assert!(!log.is_empty(), "nothing was traced at TRACE level");
    assert!(
        log.contains("create_payment") && log.contains("payment_status"),
        "the client's own spans were not captured:\n{log}"
    );
    for (what, needle) in [
        ("secret", SECRET),
        ("API key", API_KEY),
        ("phone number", PHONE),
        ("email", EMAIL),
    ] {
        assert!(!log.contains(needle), "the {what} `{needle}` was traced:\n{log}");
    }
}

#[tokio::test]
async fn redirects_are_not_followed_so_credentials_stay_put() {
    let elsewhere = ScriptedServer::start(vec![], Action::json(200, r#"{"data":{"reference":"r"}}"#)).await;
    let location = format!("{}/senjaropay/merchant/payments/status", elsewhere.base_url());
    for status in [301, 302, 307, 308] {
        let err = status_error(Action::typed(status, "text/plain", b"moved").with_header("Location", &location)).await;
        assert_eq!(err.status(), Some(status), "{err:?}");
        assert_no_credentials("redirect", &err);
    }
    assert!(
        elsewhere.requests().is_empty(),
        "a redirect carried the credentials to another server: {:#?}",
        elsewhere.requests()
    );
}

#[tokio::test]
async fn a_secret_spelled_with_json_escapes_is_redacted_too() {
    let escaped = SECRET.replace('_', "\\u005f");
    let body = format!(r#"{{"status":"error","code":400,"message":"echo {escaped}","details":["{escaped}"]}}"#);
    let err = status_error(Action::json(400, &body)).await;
    let shown = renderings(&err);
    assert!(leaks(&shown).is_empty(), "decoded secret leaked: {shown}");
    assert!(shown.contains("[redacted]"), "{shown}");
}

#[tokio::test]
async fn a_transport_error_names_its_root_cause() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let err = builder(&format!("http://127.0.0.1:{port}"))
        .retry_policy(senjaro_api::RetryPolicy::none())
        .build()
        .expect("client")
        .payment_status(PaymentStatusRequest::new("r"))
        .await
        .expect_err("nothing listens");
    let text = err.to_string().to_lowercase();
    assert!(text.contains("refused"), "{text}");
}
