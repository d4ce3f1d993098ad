//! The quickstart flow and the sandbox's documented behaviour, end to end over real HTTP on
//! 127.0.0.1: create, follow to a final state, auth, validation, idempotency and the request log.

use std::fmt::Write as _;
use std::time::Duration;

use senjaro_api::sandbox::{SANDBOX_API_KEY, SANDBOX_API_SECRET, Sandbox};
use senjaro_api::{
    Client, CreatePaymentRequest, Currency, Customer, Error, ErrorCode, IdempotencyKey, PaymentDetails, PaymentStatus,
    PaymentStatusRequest, PaymentType, Reference, RetryPolicy, SenjaroApi, WaitOptions, wait_for_final,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const CREATE_PATH: &str = "/senjaropay/merchant/payments/create";
const STATUS_PATH: &str = "/senjaropay/merchant/payments/status";

async fn sandbox() -> Sandbox {
    Sandbox::builder()
        .completion_delay(Duration::from_millis(250))
        .start()
        .await
        .expect("the sandbox binds 127.0.0.1")
}

fn client(sandbox: &Sandbox) -> Client {
    sandbox
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a sandbox client builds")
}

fn quick_wait() -> WaitOptions {
    WaitOptions::default()
        .first_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(25))
        .timeout(Duration::from_secs(5))
}

fn request_from(phone: &str) -> CreatePaymentRequest {
    CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new("1000.00".parse().expect("valid amount"), Currency::tzs())
            .with_description("senjaro quickstart"),
        phone.parse().expect("valid msisdn"),
        Customer::new("Jane Doe", "jane@example.com"),
    )
}

/// A documented create body, as raw JSON.
fn create_body(phone: &str, amount: &str) -> String {
    json!({
        "payment_type": "MOBILE",
        "details": {"amount": amount, "currency": "TZS"},
        "phone_number": phone,
        "customer": {"name": "Jane Doe", "email": "jane@example.com"},
    })
    .to_string()
}

/// Sends one hand-written HTTP/1.1 request and returns the status and the body as JSON.
async fn raw_post(sandbox: &Sandbox, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
    let mut stream = TcpStream::connect(sandbox.addr())
        .await
        .expect("connect to the sandbox");
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        sandbox.addr(),
        body.len()
    );
    for (name, value) in headers {
        let _ = write!(request, "{name}: {value}\r\n");
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.expect("write the request");

    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("the sandbox answers within 5 s")
        .expect("read the answer");
    let text = String::from_utf8(answer).expect("the answer is UTF-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete HTTP answer");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {head:?}"));
    let body = serde_json::from_str(body).unwrap_or_else(|e| panic!("the body is not JSON ({e}): {body:?}"));
    (status, body)
}

fn json_headers<'a>(key: &'a str, secret: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("Content-Type", "application/json"),
        ("x-api-key", key),
        ("x-api-secret", secret),
    ]
}

fn assert_error_body(body: &Value, status: u16, error_code: &str) {
    assert_eq!(body["status"], json!("error"), "{body}");
    assert_eq!(body["code"], json!(status), "{body}");
    assert_eq!(body["error_code"], json!(error_code), "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
}

#[tokio::test]
async fn quickstart_flow_reaches_completed() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let created = client
        .create_payment(request_from("255712345678"))
        .await
        .expect("create succeeds");
    assert!(
        created.reference().as_str().starts_with("sbx-"),
        "{:?}",
        created.reference()
    );

    let first = client
        .payment_status(PaymentStatusRequest::new(created.reference().clone()))
        .await
        .expect("status succeeds");
    assert_eq!(first.status, PaymentStatus::Pending, "a fresh payment is pending");

    let mut seen = Vec::new();
    let last = wait_for_final(&client, created.reference(), quick_wait(), |s| {
        seen.push(s.status.clone());
    })
    .await
    .expect("the payment reaches a final state");
    assert_eq!(last.status, PaymentStatus::Completed);
    assert_eq!(seen.last(), Some(&PaymentStatus::Completed));
    assert_eq!(&last.reference_id, created.reference());
    assert_eq!(last.amount, Some("1000.00".parse().expect("valid amount")));
    assert_eq!(last.currency.as_deref(), Some("TZS"));
    assert_eq!(last.method.as_deref(), Some("MOBILE"));
    assert!(
        last.created_at
            .as_ref()
            .and_then(senjaro_api::Timestamp::parsed)
            .is_some()
    );
    assert!(!last.extra.contains_key("failure_reason"));
    assert_eq!(sandbox.api().payments_created(), 1);
}

#[tokio::test]
async fn documented_failing_number_reaches_failed_with_a_reason() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let created = client
        .create_payment(request_from("255700000002"))
        .await
        .expect("create succeeds");
    let last = wait_for_final(&client, created.reference(), quick_wait(), |_| {})
        .await
        .expect("the payment reaches a final state");
    assert_eq!(last.status, PaymentStatus::Failed);
    assert_eq!(last.extra.get("failure_reason"), Some(&json!("INSUFFICIENT_FUNDS")));
}

#[tokio::test]
async fn timing_out_number_stays_pending_longer_then_fails() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let created = client
        .create_payment(request_from("255700000005"))
        .await
        .expect("create succeeds");
    let mut seen = Vec::new();
    let last = wait_for_final(&client, created.reference(), quick_wait(), |s| {
        seen.push(s.status.clone());
    })
    .await
    .expect("the payment reaches a final state");
    assert_eq!(last.status, PaymentStatus::Failed);
    assert_eq!(last.extra.get("failure_reason"), Some(&json!("USSD_TIMEOUT")));
    assert!(
        seen.iter().filter(|s| **s == PaymentStatus::Pending).count() >= 2,
        "{seen:?}"
    );
}

#[tokio::test]
async fn stays_pending_number_makes_wait_for_final_time_out() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let created = client
        .create_payment(request_from("255700000004"))
        .await
        .expect("create succeeds");
    let mut polls = 0_u32;
    let err = wait_for_final(
        &client,
        created.reference(),
        quick_wait().timeout(Duration::from_millis(200)),
        |s| {
            assert_eq!(s.status, PaymentStatus::Pending);
            polls += 1;
        },
    )
    .await
    .expect_err("the payment never becomes final");
    assert!(err.is_timeout(), "{err:?}");
    assert!(polls >= 2, "polled {polls} times in 200 ms");
}

#[tokio::test]
async fn wrong_credentials_get_the_documented_401() {
    let sandbox = sandbox().await;
    let wrong = Client::builder()
        .base_url(&sandbox.base_url())
        .credentials(SANDBOX_API_KEY, "sk_test_PLACEHOLDER_wrong")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds");
    let err = wrong
        .create_payment(request_from("255712345678"))
        .await
        .expect_err("wrong secret");
    let api = err
        .as_api()
        .unwrap_or_else(|| panic!("expected Error::Api, got {err:?}"));
    assert_eq!(api.status(), 401);
    assert_eq!(api.code(), Some(&ErrorCode::Unauthorized));
    let body = api.body().expect("the documented JSON body");
    assert_eq!(body.status.as_deref(), Some("error"));
    assert_eq!(body.code, Some(401));
    assert_eq!(body.error_code.as_deref(), Some("unauthorized"));
    assert!(api.message().is_some_and(|m| !m.is_empty()));
    assert_eq!(sandbox.api().payments_created(), 0);

    let err = wrong
        .payment_status(PaymentStatusRequest::new("sbx-000001-00000000"))
        .await
        .expect_err("wrong secret on status too");
    assert_eq!(err.status(), Some(401));
}

#[tokio::test]
async fn wrong_api_key_with_right_secret_is_refused() {
    let sandbox = sandbox().await;
    let wrong = Client::builder()
        .base_url(&sandbox.base_url())
        .credentials("pk_test_PLACEHOLDER_other", SANDBOX_API_SECRET)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds");
    let err = wrong
        .create_payment(request_from("255712345678"))
        .await
        .expect_err("wrong key");
    assert_eq!(err.as_api().and_then(|a| a.code()), Some(&ErrorCode::Unauthorized));
}

#[tokio::test]
async fn missing_auth_headers_get_the_documented_401() {
    let sandbox = sandbox().await;
    let body = create_body("255712345678", "1000.00");
    let cases: [(&str, Vec<(&str, &str)>); 3] = [
        (
            "no x-api-secret",
            vec![
                ("Content-Type", "application/json"),
                ("x-idempotency-key", "k-1"),
                ("x-api-key", SANDBOX_API_KEY),
            ],
        ),
        (
            "no x-api-key",
            vec![
                ("Content-Type", "application/json"),
                ("x-idempotency-key", "k-2"),
                ("x-api-secret", SANDBOX_API_SECRET),
            ],
        ),
        (
            "neither",
            vec![("Content-Type", "application/json"), ("x-idempotency-key", "k-3")],
        ),
    ];
    for (case, headers) in cases {
        let (status, answer) = raw_post(&sandbox, CREATE_PATH, &headers, &body).await;
        assert_eq!(status, 401, "{case}");
        assert_error_body(&answer, 401, "unauthorized");
    }
    assert_eq!(sandbox.api().payments_created(), 0);
}

#[tokio::test]
async fn create_without_idempotency_key_is_a_400() {
    let sandbox = sandbox().await;
    let headers = json_headers(SANDBOX_API_KEY, SANDBOX_API_SECRET);
    let (status, answer) = raw_post(&sandbox, CREATE_PATH, &headers, &create_body("255712345678", "1000.00")).await;
    assert_eq!(status, 400);
    assert_error_body(&answer, 400, "validation_error");
    assert!(
        answer["message"]
            .as_str()
            .is_some_and(|m| m.contains("x-idempotency-key")),
        "{answer}"
    );
    assert_eq!(sandbox.api().payments_created(), 0);
}

#[tokio::test]
async fn raw_create_with_every_documented_header_is_accepted() {
    // The control for the 400 and 401 cases: the same hand-written request, complete.
    let sandbox = sandbox().await;
    let mut headers = json_headers(SANDBOX_API_KEY, SANDBOX_API_SECRET);
    headers.push(("x-idempotency-key", "raw-ok-1"));
    let (status, answer) = raw_post(&sandbox, CREATE_PATH, &headers, &create_body("255712345678", "1000.00")).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], json!("success"));
    assert_eq!(answer["code"], json!(200));
    assert!(
        answer["data"]["reference"]
            .as_str()
            .is_some_and(|r| r.starts_with("sbx-")),
        "{answer}"
    );
    assert_eq!(sandbox.api().payments_created(), 1);
}

#[tokio::test]
async fn invalid_create_bodies_are_400_validation_errors() {
    let sandbox = sandbox().await;
    let cases = [
        ("bad phone number", create_body("254712345678", "1000.00")),
        ("letters in phone", create_body("2557123abc78", "1000.00")),
        ("amount abc", create_body("255712345678", "abc")),
        ("zero amount", create_body("255712345678", "0.00")),
        ("three decimals in TZS", create_body("255712345678", "1000.001")),
        (
            "missing customer",
            r#"{"payment_type":"MOBILE","details":{"amount":"1.00","currency":"TZS"},"phone_number":"255712345678"}"#
                .to_owned(),
        ),
        ("not JSON", "payment please".to_owned()),
    ];
    for (i, (case, body)) in cases.iter().enumerate() {
        let key = format!("invalid-{i}");
        let mut headers = json_headers(SANDBOX_API_KEY, SANDBOX_API_SECRET);
        headers.push(("x-idempotency-key", &key));
        let (status, answer) = raw_post(&sandbox, CREATE_PATH, &headers, body).await;
        assert_eq!(status, 400, "{case}: {answer}");
        assert_error_body(&answer, 400, "validation_error");
    }
    assert_eq!(sandbox.api().payments_created(), 0);
}

#[tokio::test]
async fn non_json_content_type_is_a_400() {
    let sandbox = sandbox().await;
    let headers = [
        ("Content-Type", "text/plain"),
        ("x-api-key", SANDBOX_API_KEY),
        ("x-api-secret", SANDBOX_API_SECRET),
        ("x-idempotency-key", "ct-1"),
    ];
    let (status, answer) = raw_post(&sandbox, CREATE_PATH, &headers, &create_body("255712345678", "1000.00")).await;
    assert_eq!(status, 400);
    assert_error_body(&answer, 400, "validation_error");
    assert_eq!(sandbox.api().payments_created(), 0);
}

#[tokio::test]
async fn unknown_reference_is_a_404_not_found() {
    let sandbox = sandbox().await;
    let err = client(&sandbox)
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect_err("no such payment");
    let api = err
        .as_api()
        .unwrap_or_else(|| panic!("expected Error::Api, got {err:?}"));
    assert_eq!(api.status(), 404);
    assert_eq!(api.code(), Some(&ErrorCode::Unknown("not_found".to_owned())));
    assert!(api.message().is_some_and(|m| m.contains("mock-ref-7b2a4f3e")), "{err}");
    assert!(!err.is_retryable());

    let waited = wait_for_final(
        &client(&sandbox),
        &Reference::new("mock-ref-7b2a4f3e"),
        quick_wait(),
        |_| {},
    )
    .await
    .expect_err("wait_for_final gives up at once on a 404");
    assert_eq!(waited.status(), Some(404));
}

#[tokio::test]
async fn same_key_and_body_replays_the_first_answer() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let key = IdempotencyKey::new("order-2026-000123").expect("valid key");
    let first = client
        .create_payment(request_from("255712345678").with_idempotency_key(key.clone()))
        .await
        .expect("first create");
    let again = client
        .create_payment(request_from("255712345678").with_idempotency_key(key.clone()))
        .await
        .expect("replayed create");
    assert_eq!(again.reference(), first.reference());
    assert_eq!(again.idempotency_key, key);
    assert_eq!(sandbox.api().payments_created(), 1, "a replay creates nothing");
}

#[tokio::test]
async fn same_key_with_a_different_body_is_a_409_conflict() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let key = IdempotencyKey::new("order-2026-000124").expect("valid key");
    client
        .create_payment(request_from("255712345678").with_idempotency_key(key.clone()))
        .await
        .expect("first create");
    let err = client
        .create_payment(request_from("255787654321").with_idempotency_key(key.clone()))
        .await
        .expect_err("same key, other payer");
    let api = err
        .as_api()
        .unwrap_or_else(|| panic!("expected Error::Api, got {err:?}"));
    assert_eq!(api.status(), 409);
    assert_eq!(api.code(), Some(&ErrorCode::Unknown("idempotency_conflict".to_owned())));
    assert_eq!(err.idempotency_key(), Some(&key));
    assert_eq!(sandbox.api().payments_created(), 1);
}

#[tokio::test]
async fn different_keys_create_different_payments() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let a = client
        .create_payment(request_from("255712345678"))
        .await
        .expect("first");
    let b = client
        .create_payment(request_from("255712345678"))
        .await
        .expect("second");
    assert_ne!(a.reference(), b.reference());
    assert_eq!(sandbox.api().payments_created(), 2);
}

#[tokio::test]
async fn request_log_records_paths_keys_and_statuses() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let key = IdempotencyKey::new("log-key-1").expect("valid key");
    let created = client
        .create_payment(request_from("255712345678").with_idempotency_key(key))
        .await
        .expect("create");
    client
        .payment_status(PaymentStatusRequest::new(created.reference().clone()))
        .await
        .expect("status");
    client
        .payment_status(PaymentStatusRequest::new("nope"))
        .await
        .expect_err("unknown reference");

    let log = sandbox.requests();
    let seen: Vec<(&str, Option<&str>, u16)> = log
        .iter()
        .map(|r| (r.path.as_str(), r.idempotency_key.as_deref(), r.status))
        .collect();
    assert_eq!(
        seen,
        vec![
            (CREATE_PATH, Some("log-key-1"), 200),
            (STATUS_PATH, None, 200),
            (STATUS_PATH, None, 404),
        ]
    );
}

#[tokio::test]
async fn unknown_path_and_wrong_method_are_refused() {
    let sandbox = sandbox().await;
    let headers = json_headers(SANDBOX_API_KEY, SANDBOX_API_SECRET);
    let (status, answer) = raw_post(&sandbox, "/senjaropay/merchant/payments/refund", &headers, "{}").await;
    assert_eq!(status, 404);
    assert_error_body(&answer, 404, "not_found");

    let mut stream = TcpStream::connect(sandbox.addr()).await.expect("connect");
    let request = format!(
        "GET {STATUS_PATH} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        sandbox.addr()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("answered in time")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
}

#[tokio::test]
async fn sandbox_api_works_without_http() {
    let sandbox = sandbox().await;
    let created = sandbox
        .api()
        .create_payment(request_from("255700000003").with_idempotency_key(IdempotencyKey::generate()))
        .await
        .expect("create in process");
    let last = wait_for_final(sandbox.api().as_ref(), created.reference(), quick_wait(), |_| {})
        .await
        .expect("final");
    assert_eq!(last.status, PaymentStatus::Failed);
    assert_eq!(last.extra.get("failure_reason"), Some(&json!("CUSTOMER_DECLINED")));
    assert!(sandbox.requests().is_empty(), "nothing went over HTTP");

    let err = sandbox
        .api()
        .create_payment(request_from("255712345678"))
        .await
        .expect_err("the in-process API requires a key as well");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}
