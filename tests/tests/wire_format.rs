//! What the client puts on the wire, checked byte for byte against the vendor's documentation:
//! method, path, headers (each exactly once), idempotency keys and JSON bodies.

use std::time::Duration;

use senjaro_api::{
    Client, CreatePaymentRequest, Currency, Customer, Error, IdempotencyKey, PaymentDetails, PaymentStatusRequest,
    PaymentType, RetryPolicy, SenjaroApi,
};
use senjaro_tests::{
    Action, DOCUMENTED_STATUS_EXAMPLE, Recorded, ScriptedServer, TEST_API_KEY, TEST_API_SECRET, client_for,
    jane_request,
};
use serde_json::json;

const CREATE_PATH: &str = "/senjaropay/merchant/payments/create";
const STATUS_PATH: &str = "/senjaropay/merchant/payments/status";
const CREATED: &str = r#"{"status":"success","code":200,"data":{"reference":"mock-ref-7b2a4f3e"}}"#;

fn only_request(server: &ScriptedServer) -> Recorded {
    let mut requests = server.requests();
    assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
    requests.remove(0)
}

fn body_json(recorded: &Recorded) -> serde_json::Value {
    serde_json::from_slice(&recorded.body).unwrap_or_else(|e| {
        panic!(
            "the request body is not JSON ({e}): {}",
            String::from_utf8_lossy(&recorded.body)
        )
    })
}

/// Asserts the header appears exactly once, with exactly this value.
fn assert_header_once(recorded: &Recorded, name: &str, value: &str) {
    assert_eq!(
        recorded.header_count(name),
        1,
        "header `{name}` must appear exactly once: {:#?}",
        recorded.headers
    );
    assert_eq!(recorded.header(name), Some(value), "header `{name}`");
}

fn assert_is_uuid_v4(key: &str) {
    let bytes = key.as_bytes();
    assert_eq!(bytes.len(), 36, "{key:?} is not a UUID");
    for (i, b) in bytes.iter().enumerate() {
        if [8, 13, 18, 23].contains(&i) {
            assert_eq!(*b, b'-', "{key:?} is not a UUID");
        } else {
            assert!(b.is_ascii_hexdigit(), "{key:?} is not a UUID");
        }
    }
    assert_eq!(bytes[14], b'4', "{key:?} is not a version 4 UUID");
}

#[tokio::test]
async fn create_is_a_post_to_the_documented_path_with_each_header_once() {
    let server = ScriptedServer::start(vec![], Action::json(200, CREATED)).await;
    let created = client_for(&server)
        .create_payment(jane_request())
        .await
        .expect("create succeeds");

    let sent = only_request(&server);
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, CREATE_PATH);
    assert_header_once(&sent, "content-type", "application/json");
    assert_header_once(&sent, "x-api-key", TEST_API_KEY);
    assert_header_once(&sent, "x-api-secret", TEST_API_SECRET);
    assert_header_once(&sent, "x-idempotency-key", created.idempotency_key.as_str());
    assert_header_once(&sent, "content-length", &sent.body.len().to_string());
    assert_eq!(
        sent.header_count("authorization"),
        0,
        "no Authorization header is documented"
    );
    assert_eq!(created.reference().as_str(), "mock-ref-7b2a4f3e");
}

#[tokio::test]
async fn create_body_has_the_documented_field_names_and_values() {
    let server = ScriptedServer::start(vec![], Action::json(200, CREATED)).await;
    client_for(&server)
        .create_payment(jane_request())
        .await
        .expect("create succeeds");

    let sent = only_request(&server);
    assert_eq!(
        body_json(&sent),
        json!({
            "payment_type": "MOBILE",
            "details": { "amount": "1000.00", "currency": "TZS" },
            "phone_number": "255712345678",
            "customer": { "name": "Jane Doe", "email": "jane@example.com" },
        })
    );
}

#[tokio::test]
async fn create_body_carries_webhook_url_and_description_when_set() {
    let server = ScriptedServer::start(vec![], Action::json(200, CREATED)).await;
    let request = CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new("1000.00".parse().expect("valid amount"), Currency::tzs()).with_description("order 123"),
        "255712345678".parse().expect("valid msisdn"),
        Customer::new("Jane Doe", "jane@example.com"),
    )
    .with_webhook_url("https://shop.example.com/hooks/senjaro");
    client_for(&server)
        .create_payment(request)
        .await
        .expect("create succeeds");

    let body = body_json(&only_request(&server));
    assert_eq!(body["webhook_url"], json!("https://shop.example.com/hooks/senjaro"));
    assert_eq!(
        body["details"],
        json!({ "amount": "1000.00", "currency": "TZS", "description": "order 123" })
    );
}

#[tokio::test]
async fn create_sends_normalised_phone_and_two_decimal_amount_strings() {
    let server = ScriptedServer::start(vec![], Action::json(200, CREATED)).await;
    let request = CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new("1000".parse().expect("valid amount"), Currency::tzs()),
        "+255 712 345 678".parse().expect("valid msisdn"),
        Customer::new("Jane Doe", "jane@example.com"),
    );
    client_for(&server)
        .create_payment(request)
        .await
        .expect("create succeeds");

    let body = body_json(&only_request(&server));
    assert_eq!(body["phone_number"], json!("255712345678"));
    assert_eq!(
        body["details"]["amount"],
        json!("1000.00"),
        "amount must be a string with two decimals"
    );
}

#[tokio::test]
async fn caller_supplied_idempotency_key_is_sent_verbatim() {
    let server = ScriptedServer::start(vec![], Action::json(200, CREATED)).await;
    let key = IdempotencyKey::new("order-2026-000123").expect("valid key");
    let created = client_for(&server)
        .create_payment(jane_request().with_idempotency_key(key.clone()))
        .await
        .expect("create succeeds");

    assert_eq!(created.idempotency_key, key);
    assert_header_once(&only_request(&server), "x-idempotency-key", "order-2026-000123");
}

#[tokio::test]
async fn each_create_without_a_key_draws_a_fresh_uuid_key() {
    let server = ScriptedServer::start(vec![], Action::json(200, CREATED)).await;
    let client = client_for(&server);
    let first = client.create_payment(jane_request()).await.expect("first create");
    let second = client.create_payment(jane_request()).await.expect("second create");

    let sent = server.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[0].header("x-idempotency-key"),
        Some(first.idempotency_key.as_str())
    );
    assert_eq!(
        sent[1].header("x-idempotency-key"),
        Some(second.idempotency_key.as_str())
    );
    assert_ne!(first.idempotency_key, second.idempotency_key);
    assert_is_uuid_v4(first.idempotency_key.as_str());
    assert_is_uuid_v4(second.idempotency_key.as_str());
}

#[tokio::test]
async fn retried_create_resends_the_same_key_and_identical_body() {
    let server = ScriptedServer::start(
        vec![
            Action::json(503, r#"{"status":"error","code":503,"error_code":"unavailable"}"#),
            Action::Drop,
        ],
        Action::json(200, CREATED),
    )
    .await;
    let client = client_for(&server).with_retry_policy(
        RetryPolicy::default()
            .max_attempts(3)
            .base_delay(Duration::from_millis(5))
            .max_delay(Duration::from_millis(10)),
    );
    let created = client
        .create_payment(jane_request())
        .await
        .expect("third attempt succeeds");

    let sent = server.requests();
    assert_eq!(sent.len(), 3, "503, dropped connection, then success");
    for attempt in &sent {
        assert_header_once(attempt, "x-idempotency-key", created.idempotency_key.as_str());
        assert_eq!(attempt.body, sent[0].body, "every attempt must send the same bytes");
        assert_eq!(attempt.path, CREATE_PATH);
    }
}

#[tokio::test]
async fn status_body_is_exactly_the_documented_camel_case_reference_id() {
    let server = ScriptedServer::start(vec![], Action::json(200, DOCUMENTED_STATUS_EXAMPLE)).await;
    client_for(&server)
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect("status succeeds");

    let sent = only_request(&server);
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, STATUS_PATH);
    assert_eq!(
        String::from_utf8_lossy(&sent.body),
        r#"{"referenceId":"mock-ref-7b2a4f3e"}"#
    );
    assert_header_once(&sent, "content-type", "application/json");
    assert_header_once(&sent, "x-api-key", TEST_API_KEY);
    assert_header_once(&sent, "x-api-secret", TEST_API_SECRET);
    assert_eq!(
        sent.header_count("x-idempotency-key"),
        0,
        "status takes no idempotency key: {:#?}",
        sent.headers
    );
}

#[tokio::test]
async fn credentials_appear_only_in_their_own_headers() {
    let server = ScriptedServer::start(
        vec![Action::json(200, CREATED)],
        Action::json(200, DOCUMENTED_STATUS_EXAMPLE),
    )
    .await;
    let client = client_for(&server);
    client.create_payment(jane_request()).await.expect("create succeeds");
    client
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect("status succeeds");

    let sent = server.requests();
    assert_eq!(sent.len(), 2);
    for request in &sent {
        let body = String::from_utf8_lossy(&request.body);
        for (credential, own_header) in [(TEST_API_SECRET, "x-api-secret"), (TEST_API_KEY, "x-api-key")] {
            assert!(!body.contains(credential), "{credential} leaked into the body: {body}");
            assert!(!request.path.contains(credential), "{credential} leaked into the path");
            let carriers: Vec<&str> = request
                .headers
                .iter()
                .filter(|(_, value)| value.contains(credential))
                .map(|(name, _)| name.as_str())
                .collect();
            assert_eq!(
                carriers.len(),
                1,
                "{credential} must be in one header only: {carriers:?}"
            );
            assert!(
                carriers[0].eq_ignore_ascii_case(own_header),
                "{credential} sent in {carriers:?}"
            );
        }
    }
}

#[tokio::test]
async fn trailing_slash_in_base_url_does_not_double_the_path_slash() {
    let server = ScriptedServer::start(vec![], Action::json(200, DOCUMENTED_STATUS_EXAMPLE)).await;
    let client = Client::builder()
        .base_url(&format!("{}/", server.base_url()))
        .credentials(TEST_API_KEY, TEST_API_SECRET)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds");
    client
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect("status succeeds");
    assert_eq!(only_request(&server).path, STATUS_PATH);
}

#[tokio::test]
async fn user_agent_names_the_caller_product_then_the_sdk() {
    let server = ScriptedServer::start(vec![], Action::json(200, DOCUMENTED_STATUS_EXAMPLE)).await;
    let client = Client::builder()
        .base_url(&server.base_url())
        .credentials(TEST_API_KEY, TEST_API_SECRET)
        .user_agent("my-shop/1.4")
        .build()
        .expect("client builds");
    client
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect("status succeeds");
    let sent = only_request(&server);
    let agent = sent.header("user-agent").expect("a User-Agent is sent");
    assert!(agent.starts_with("my-shop/1.4 senjaro/"), "{agent}");
}

#[tokio::test]
async fn invalid_create_never_reaches_the_network_and_still_carries_its_key() {
    let server = ScriptedServer::start(vec![], Action::json(200, CREATED)).await;
    let key = IdempotencyKey::new("order-zero").expect("valid key");
    let request = CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new("0.00".parse().expect("valid amount"), Currency::tzs()),
        "255712345678".parse().expect("valid msisdn"),
        Customer::new("Jane Doe", "jane@example.com"),
    )
    .with_idempotency_key(key.clone());
    let err = client_for(&server)
        .create_payment(request)
        .await
        .expect_err("a zero amount is rejected");

    let Error::InvalidRequest(invalid) = &err else {
        panic!("expected InvalidRequest, got {err:?}");
    };
    assert_eq!(invalid.field(), "details.amount");
    assert_eq!(err.idempotency_key(), Some(&key));
    assert!(
        server.requests().is_empty(),
        "nothing may be sent: {:#?}",
        server.requests()
    );
}

#[tokio::test]
async fn plain_http_webhook_url_to_a_public_host_is_rejected_before_sending() {
    let server = ScriptedServer::start(vec![], Action::json(200, CREATED)).await;
    let err = client_for(&server)
        .create_payment(jane_request().with_webhook_url("http://shop.example.com/hook"))
        .await
        .expect_err("plain http webhook to a public host");
    let Error::InvalidRequest(invalid) = &err else {
        panic!("expected InvalidRequest, got {err:?}");
    };
    assert_eq!(invalid.field(), "webhook_url");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn empty_reference_is_rejected_before_sending() {
    let server = ScriptedServer::start(vec![], Action::json(200, DOCUMENTED_STATUS_EXAMPLE)).await;
    let err = client_for(&server)
        .payment_status(PaymentStatusRequest::new("  "))
        .await
        .expect_err("a blank reference");
    let Error::InvalidRequest(invalid) = &err else {
        panic!("expected InvalidRequest, got {err:?}");
    };
    assert_eq!(invalid.field(), "referenceId");
    assert!(server.requests().is_empty());
}
