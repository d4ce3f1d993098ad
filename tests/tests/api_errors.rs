//! How error answers become typed errors: the documented `{status, code, error_code, message}`
//! body, unknown codes, bodies that are not JSON at all, and 2xx answers that cannot be read.

use std::time::Duration;

use senjaro_api::{
    Client, Error, ErrorCode, IdempotencyKey, MAX_EXCERPT_LEN, PaymentStatusRequest, RetryPolicy, SenjaroApi,
};
use senjaro_tests::{Action, ScriptedServer, TEST_API_KEY, TEST_API_SECRET, client_with, jane_request};

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(2))
        .max_delay(Duration::from_millis(5))
}

/// The error of a status call answered once with `action`, with retries off.
async fn status_error(action: Action) -> Error {
    let server = ScriptedServer::start(vec![], action).await;
    let err = client_with(&server, RetryPolicy::none())
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect_err("the scripted answer is an error");
    assert_eq!(server.requests().len(), 1, "retries are off: one request only");
    err
}

fn documented(status: u16, code: &str, message: &str) -> String {
    serde_json::json!({"status": "error", "code": status, "error_code": code, "message": message}).to_string()
}

fn assert_documented_error(err: &Error, status: u16, code: &ErrorCode, message: &str) {
    let api = err
        .as_api()
        .unwrap_or_else(|| panic!("expected Error::Api, got {err:?}"));
    assert_eq!(api.status(), status);
    assert_eq!(err.status(), Some(status));
    assert_eq!(api.code(), Some(code));
    assert_eq!(api.message(), Some(message));
    let body = api.body().expect("the documented body is parsed");
    assert_eq!(body.status.as_deref(), Some("error"));
    assert_eq!(body.code, Some(i64::from(status)));
    assert_eq!(body.error_code.as_deref(), Some(code.as_str()));
    assert!(!err.is_retryable(), "{status} is not worth retrying");
    let shown = err.to_string();
    assert!(
        shown.contains(&status.to_string()) && shown.contains(message),
        "{shown}"
    );
}

#[tokio::test]
async fn documented_400_is_a_validation_error() {
    let message = "phone_number is not a valid mobile number";
    let err = status_error(Action::json(400, &documented(400, "validation_error", message))).await;
    assert_documented_error(&err, 400, &ErrorCode::ValidationError, message);
}

#[tokio::test]
async fn documented_401_is_unauthorized() {
    let message = "Invalid API credentials";
    let err = status_error(Action::json(401, &documented(401, "unauthorized", message))).await;
    assert_documented_error(&err, 401, &ErrorCode::Unauthorized, message);
}

#[tokio::test]
async fn documented_403_is_forbidden() {
    let message = "This key may not create payments";
    let err = status_error(Action::json(403, &documented(403, "forbidden", message))).await;
    assert_documented_error(&err, 403, &ErrorCode::Forbidden, message);
}

#[tokio::test]
async fn documented_401_without_a_message_still_has_its_code() {
    let err = status_error(Action::json(
        401,
        r#"{"status":"error","code":401,"error_code":"unauthorized"}"#,
    ))
    .await;
    let api = err.as_api().expect("Error::Api");
    assert_eq!(api.code(), Some(&ErrorCode::Unauthorized));
    assert_eq!(api.message(), None);
}

#[tokio::test]
async fn unknown_error_code_is_kept_verbatim() {
    let err = status_error(Action::json(
        422,
        r#"{"status":"error","code":422,"error_code":"amount_too_small","message":"minimum is 500.00","min":"500.00"}"#,
    ))
    .await;
    let api = err.as_api().expect("Error::Api");
    assert_eq!(api.status(), 422);
    assert_eq!(api.code(), Some(&ErrorCode::Unknown("amount_too_small".to_owned())));
    assert_eq!(api.message(), Some("minimum is 500.00"));
    let body = api.body().expect("parsed");
    assert_eq!(body.extra.get("min"), Some(&serde_json::json!("500.00")));
}

#[tokio::test]
async fn error_code_in_the_body_wins_over_the_status() {
    let err = status_error(Action::json(
        400,
        r#"{"status":"error","code":400,"error_code":"invalid_reference"}"#,
    ))
    .await;
    assert_eq!(
        err.as_api().and_then(|a| a.code()),
        Some(&ErrorCode::Unknown("invalid_reference".to_owned()))
    );
}

#[tokio::test]
async fn html_error_page_keeps_status_and_an_excerpt() {
    let page = b"<html><head><title>403 Forbidden</title></head><body>nginx</body></html>";
    let err = status_error(Action::typed(403, "text/html", page)).await;
    let api = err.as_api().expect("Error::Api");
    assert_eq!(api.status(), 403);
    assert_eq!(api.code(), Some(&ErrorCode::Forbidden), "403 implies forbidden");
    assert!(api.body().is_none());
    assert_eq!(api.message(), None);
    assert_eq!(api.excerpt().as_bytes(), page);
    assert!(err.to_string().contains("<title>403 Forbidden</title>"), "{err}");
}

#[tokio::test]
async fn plain_text_error_keeps_status_and_an_excerpt() {
    let err = status_error(Action::typed(500, "text/plain", b"upstream exploded")).await;
    let api = err.as_api().expect("Error::Api");
    assert_eq!(api.status(), 500);
    assert_eq!(api.code(), None, "500 implies no documented code");
    assert_eq!(api.excerpt(), "upstream exploded");
    assert!(err.is_retryable());
    assert!(err.to_string().contains("upstream exploded"), "{err}");
}

#[tokio::test]
async fn empty_error_body_keeps_the_status() {
    let err = status_error(Action::typed(502, "text/plain", b"")).await;
    let api = err.as_api().expect("Error::Api");
    assert_eq!(api.status(), 502);
    assert_eq!(api.code(), None);
    assert_eq!(api.excerpt(), "");
    assert!(api.body().is_none());
    assert!(err.to_string().contains("502"), "{err}");
}

#[tokio::test]
async fn empty_401_still_reads_as_unauthorized() {
    let err = status_error(Action::typed(401, "text/plain", b"")).await;
    assert_eq!(err.as_api().and_then(|a| a.code()), Some(&ErrorCode::Unauthorized));
}

#[tokio::test]
async fn json_that_is_not_an_object_is_kept_as_text() {
    let err = status_error(Action::json(400, r#"["bad","request"]"#)).await;
    let api = err.as_api().expect("Error::Api");
    assert!(api.body().is_none());
    assert_eq!(api.code(), Some(&ErrorCode::ValidationError));
    assert_eq!(api.excerpt(), r#"["bad","request"]"#);
}

#[tokio::test]
async fn error_body_with_a_string_code_keeps_its_text() {
    // The documented `code` is a number; a server sending it as a string must not lose the
    // answer: at least the status-derived code and the raw text remain.
    let err = status_error(Action::json(
        401,
        r#"{"status":"error","code":"401","error_code":"unauthorized","message":"Invalid API key"}"#,
    ))
    .await;
    let api = err.as_api().expect("Error::Api");
    assert_eq!(api.code(), Some(&ErrorCode::Unauthorized));
    assert!(api.excerpt().contains("Invalid API key"), "{}", api.excerpt());
}

#[tokio::test]
async fn long_error_body_excerpt_is_bounded() {
    let body = "x".repeat(20_000);
    let err = status_error(Action::typed(500, "text/plain", body.as_bytes())).await;
    let excerpt = err.as_api().expect("Error::Api").excerpt().to_owned();
    assert!(
        excerpt.len() <= MAX_EXCERPT_LEN + '…'.len_utf8(),
        "{} bytes",
        excerpt.len()
    );
    assert!(excerpt.starts_with("xxxx"));
    assert!(
        err.to_string().len() < 400,
        "Display must stay short: {} bytes",
        err.to_string().len()
    );
}

#[tokio::test]
async fn non_json_200_is_a_decode_error_with_status_and_excerpt() {
    let err = status_error(Action::typed(200, "text/html", b"<html>maintenance</html>")).await;
    let Error::Decode(decode) = &err else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert_eq!(decode.status(), 200);
    assert_eq!(err.status(), Some(200));
    assert_eq!(decode.excerpt(), "<html>maintenance</html>");
    assert_eq!(decode.path(), ".");
    assert!(err.as_api().is_none());
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn empty_200_is_a_decode_error() {
    let err = status_error(Action::typed(200, "application/json", b"")).await;
    let Error::Decode(decode) = &err else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert_eq!(decode.status(), 200);
    assert_eq!(decode.excerpt(), "");
}

#[tokio::test]
async fn client_errors_are_not_retried_even_with_retries_on() {
    let server = ScriptedServer::start(vec![], Action::json(401, &documented(401, "unauthorized", "no"))).await;
    let err = client_with(&server, fast_retries())
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect_err("401");
    assert_eq!(err.status(), Some(401));
    assert_eq!(server.requests().len(), 1, "a 401 must not be retried");
}

#[tokio::test]
async fn server_errors_are_retried_then_reported_with_the_last_status() {
    let server = ScriptedServer::start(
        vec![Action::typed(502, "text/plain", b"bad gateway")],
        Action::json(
            503,
            r#"{"status":"error","code":503,"error_code":"unavailable","message":"later"}"#,
        ),
    )
    .await;
    let err = client_with(&server, fast_retries())
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect_err("every attempt fails");
    assert_eq!(server.requests().len(), 3, "three attempts in all");
    let api = err.as_api().expect("Error::Api");
    assert_eq!(api.status(), 503);
    assert_eq!(api.message(), Some("later"));
}

#[tokio::test]
async fn retry_after_is_read_from_the_error_answer() {
    let err = status_error(
        Action::json(429, r#"{"status":"error","code":429,"error_code":"rate_limited"}"#)
            .with_header("Retry-After", "7"),
    )
    .await;
    let api = err.as_api().expect("Error::Api");
    assert_eq!(api.status(), 429);
    assert_eq!(api.retry_after(), Some(Duration::from_secs(7)));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn create_errors_carry_the_idempotency_key_sent() {
    let server = ScriptedServer::start(vec![], Action::json(403, &documented(403, "forbidden", "not allowed"))).await;
    let key = IdempotencyKey::new("order-403").expect("valid key");
    let err = client_with(&server, RetryPolicy::none())
        .create_payment(jane_request().with_idempotency_key(key.clone()))
        .await
        .expect_err("403");
    assert_documented_error(&err, 403, &ErrorCode::Forbidden, "not allowed");
    assert_eq!(err.idempotency_key(), Some(&key));
    assert_eq!(server.requests()[0].header("x-idempotency-key"), Some("order-403"));
}

#[tokio::test]
async fn create_decode_error_carries_the_generated_key() {
    let server = ScriptedServer::start(vec![], Action::typed(200, "text/plain", b"OK")).await;
    let err = client_with(&server, RetryPolicy::none())
        .create_payment(jane_request())
        .await
        .expect_err("`OK` is not JSON");
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    let sent = server.requests();
    assert_eq!(
        err.idempotency_key().map(IdempotencyKey::as_str),
        sent[0].header("x-idempotency-key"),
        "the error must carry the key that was sent"
    );
}

#[tokio::test]
async fn create_with_every_answer_lost_is_outcome_unknown_with_its_key() {
    let server = ScriptedServer::start(vec![], Action::Drop).await;
    let err = client_with(&server, fast_retries())
        .create_payment(jane_request())
        .await
        .expect_err("every connection is dropped");
    let Error::OutcomeUnknown(unknown) = &err else {
        panic!("expected OutcomeUnknown, got {err:?}");
    };
    assert_eq!(unknown.attempts(), 3);
    let sent = server.requests();
    assert_eq!(sent.len(), 3);
    for attempt in &sent {
        assert_eq!(
            attempt.header("x-idempotency-key"),
            Some(unknown.idempotency_key().as_str())
        );
    }
    assert_eq!(err.idempotency_key(), Some(unknown.idempotency_key()));
    assert!(err.is_retryable());
    assert!(err.to_string().contains(unknown.idempotency_key().as_str()), "{err}");
}

#[tokio::test]
async fn create_refused_before_sending_is_a_transport_error_with_its_key() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("an ephemeral port")
        .port();
    let client = Client::builder()
        .base_url(&format!("http://127.0.0.1:{port}"))
        .credentials(TEST_API_KEY, TEST_API_SECRET)
        .retry_policy(fast_retries())
        .build()
        .expect("client builds");
    let key = IdempotencyKey::new("order-refused").expect("valid key");
    let err = client
        .create_payment(jane_request().with_idempotency_key(key.clone()))
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(err, Error::Transport(_)),
        "nothing was sent, so the outcome is known: {err:?}"
    );
    assert_eq!(err.idempotency_key(), Some(&key));
    assert!(err.is_retryable());
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn create_answered_503_after_a_lost_attempt_still_carries_its_key() {
    let server = ScriptedServer::start(vec![Action::Drop], Action::typed(503, "text/plain", b"busy")).await;
    let err = client_with(&server, fast_retries().max_attempts(2))
        .create_payment(jane_request())
        .await
        .expect_err("dropped, then 503");
    assert_eq!(server.requests().len(), 2);
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(
        err.idempotency_key().map(IdempotencyKey::as_str),
        server.requests()[0].header("x-idempotency-key"),
        "the payment may exist: the key to retry with must be on the error"
    );
}

#[tokio::test]
async fn status_with_its_answer_lost_is_a_retryable_transport_error() {
    let server = ScriptedServer::start(vec![], Action::Drop).await;
    let err = client_with(&server, RetryPolicy::none())
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
        .expect_err("dropped");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(err.idempotency_key(), None);
}

#[tokio::test]
async fn unbounded_total_timeout_is_refused_at_build_or_works() {
    // "Mistakes are reported once, by build()": a total timeout of Duration::MAX (a natural way
    // to say "no limit") must either be a Config error or give a working client, not a panic
    // on every call.
    let server = ScriptedServer::start(
        vec![],
        Action::json(200, r#"{"status":"PENDING","reference_id":"mock-ref-7b2a4f3e"}"#),
    )
    .await;
    let built = Client::builder()
        .base_url(&server.base_url())
        .credentials(TEST_API_KEY, TEST_API_SECRET)
        .timeouts(senjaro_api::Timeouts::default().total(Duration::MAX))
        .build();
    let Ok(client) = built else {
        return; // refused at build: fine
    };
    let call = tokio::spawn(async move {
        client
            .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
            .await
    });
    let outcome = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .expect("the call ends within 5 s");
    let status = outcome
        .unwrap_or_else(|panic| panic!("a client built without error panicked on its first call: {panic}"))
        .expect("the status call succeeds");
    assert_eq!(status.reference_id.as_str(), "mock-ref-7b2a4f3e");
}
