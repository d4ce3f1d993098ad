//! How answers are read: the documented status example field for field, and the tolerance the
//! spec promises (unknown fields kept, unknown statuses, numbers for amounts, missing optional
//! fields) and the typed decode errors when a required field is missing.

use senjaro_api::{
    Amount, CreatePaymentRequest, CreatePaymentResponse, Currency, Customer, Error, PaymentDetails, PaymentStatus,
    PaymentStatusRequest, PaymentStatusResponse, PaymentType, SenjaroApi,
};
use senjaro_tests::{Action, DOCUMENTED_STATUS_EXAMPLE, ScriptedServer, client_for};
use serde_json::json;

fn amount(text: &str) -> Amount {
    text.parse().expect("valid amount")
}

/// The status call's result when the server answers 200 with `body`.
async fn status_answer(body: &str) -> senjaro_api::Result<PaymentStatusResponse> {
    let server = ScriptedServer::start(vec![], Action::json(200, body)).await;
    client_for(&server)
        .payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e"))
        .await
}

async fn status_ok(body: &str) -> PaymentStatusResponse {
    status_answer(body)
        .await
        .unwrap_or_else(|e| panic!("{body} should decode: {e:?}"))
}

/// The create call's result when the server answers 200 with `body`.
async fn create_answer(body: &str) -> senjaro_api::Result<senjaro_api::Keyed<CreatePaymentResponse>> {
    let server = ScriptedServer::start(vec![], Action::json(200, body)).await;
    let request = CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new(amount("1000.00"), Currency::tzs()),
        "255712345678".parse().expect("valid msisdn"),
        Customer::new("Jane Doe", "jane@example.com"),
    );
    client_for(&server).create_payment(request).await
}

#[tokio::test]
async fn documented_status_example_decodes_field_for_field() {
    let status = status_ok(DOCUMENTED_STATUS_EXAMPLE).await;

    assert_eq!(
        status.message.as_deref(),
        Some("Transaction status retrieved from database")
    );
    assert_eq!(status.transaction_id.as_deref(), Some("TXN-MOCK-000123"));
    assert_eq!(status.display_id.as_deref(), Some("SPMOCK.0001.000123"));
    assert_eq!(status.method.as_deref(), Some("MOBILE"));
    assert_eq!(status.status, PaymentStatus::Pending);
    assert!(!status.status.is_final());
    assert_eq!(status.reference_id.as_str(), "mock-ref-7b2a4f3e");
    let paid = status.amount.expect("amount is present");
    assert_eq!(paid, amount("1000.00"));
    assert_eq!(paid.to_string(), "1000.00");
    assert_eq!(status.currency.as_deref(), Some("TZS"));
    let created_at = status.created_at.as_ref().expect("created_at is present");
    assert_eq!(created_at.raw(), "2026-01-01T10:30:00.000Z");
    let moment = created_at.parsed().expect("created_at is RFC 3339");
    assert_eq!(moment.unix_timestamp(), 1_767_263_400);
    assert_eq!(moment.millisecond(), 0);
    assert!(
        status.extra.is_empty(),
        "every documented field has a home: {:?}",
        status.extra
    );
}

#[tokio::test]
async fn documented_status_example_round_trips_to_the_same_json() {
    let status = status_ok(DOCUMENTED_STATUS_EXAMPLE).await;
    let written = serde_json::to_value(&status).expect("encodes");
    let documented: serde_json::Value = serde_json::from_str(DOCUMENTED_STATUS_EXAMPLE).expect("valid JSON");
    assert_eq!(
        written, documented,
        "mixed camelCase/snake_case names must be kept on the way out"
    );
}

#[tokio::test]
async fn status_fields_the_docs_do_not_name_land_in_extra() {
    let status = status_ok(
        r#"{"status":"FAILED","reference_id":"r-1","failure_reason":"INSUFFICIENT_FUNDS",
            "provider":{"code":"E12","retry":false}}"#,
    )
    .await;
    assert_eq!(status.status, PaymentStatus::Failed);
    assert_eq!(status.extra.get("failure_reason"), Some(&json!("INSUFFICIENT_FUNDS")));
    assert_eq!(
        status.extra.get("provider"),
        Some(&json!({"code": "E12", "retry": false}))
    );
    assert_eq!(status.extra.len(), 2, "{:?}", status.extra);
}

#[tokio::test]
async fn unknown_status_decodes_as_unknown_and_is_not_final() {
    let status = status_ok(r#"{"status":"REVERSED","reference_id":"r-1"}"#).await;
    assert_eq!(status.status, PaymentStatus::Unknown("REVERSED".to_owned()));
    assert!(
        !status.status.is_final(),
        "an unknown status must keep a poller polling"
    );
    assert_eq!(status.status.to_string(), "REVERSED");
}

#[tokio::test]
async fn final_statuses_decode_including_the_success_alias() {
    for (wire, expected) in [
        ("COMPLETED", PaymentStatus::Completed),
        ("SUCCESS", PaymentStatus::Completed),
        ("FAILED", PaymentStatus::Failed),
    ] {
        let status = status_ok(&format!(r#"{{"status":"{wire}","reference_id":"r-1"}}"#)).await;
        assert_eq!(status.status, expected, "{wire}");
        assert!(status.status.is_final(), "{wire}");
    }
}

#[tokio::test]
async fn amount_as_a_json_number_decodes_exactly() {
    let whole = status_ok(r#"{"status":"PENDING","reference_id":"r-1","amount":1000}"#).await;
    assert_eq!(whole.amount, Some(amount("1000.00")));
    assert_eq!(whole.amount.map(|a| a.to_string()).as_deref(), Some("1000.00"));

    let fraction = status_ok(r#"{"status":"PENDING","reference_id":"r-1","amount":1000.1}"#).await;
    assert_eq!(fraction.amount.map(|a| a.to_string()).as_deref(), Some("1000.10"));
}

#[tokio::test]
async fn missing_optional_fields_decode_as_none() {
    let status = status_ok(r#"{"status":"COMPLETED","reference_id":"r-1"}"#).await;
    assert_eq!(status.reference_id.as_str(), "r-1");
    assert_eq!(status.status, PaymentStatus::Completed);
    assert_eq!(status.message, None);
    assert_eq!(status.transaction_id, None);
    assert_eq!(status.display_id, None);
    assert_eq!(status.method, None);
    assert_eq!(status.amount, None);
    assert_eq!(status.currency, None);
    assert_eq!(status.created_at, None);
    assert!(status.extra.is_empty());
}

#[tokio::test]
async fn null_optional_fields_decode_as_none() {
    let status = status_ok(
        r#"{"status":"PENDING","reference_id":"r-1","message":null,"amount":null,"created_at":null,"currency":null}"#,
    )
    .await;
    assert_eq!(status.amount, None);
    assert_eq!(status.created_at, None);
    assert_eq!(status.message, None);
    assert_eq!(status.currency, None);
}

#[tokio::test]
async fn created_at_that_is_not_rfc3339_is_kept_raw() {
    let status = status_ok(r#"{"status":"PENDING","reference_id":"r-1","created_at":"01/01/2026 10:30"}"#).await;
    let created_at = status.created_at.expect("kept");
    assert_eq!(created_at.raw(), "01/01/2026 10:30");
    assert!(created_at.parsed().is_none());
}

#[tokio::test]
async fn missing_reference_id_is_a_decode_error_naming_it() {
    let err = status_answer(r#"{"status":"PENDING","amount":"1000.00"}"#)
        .await
        .expect_err("reference_id is required");
    let Error::Decode(decode) = &err else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert_eq!(decode.status(), 200);
    assert_eq!(err.status(), Some(200));
    assert!(!err.is_retryable());
    assert!(
        decode.path().contains("reference_id"),
        "the JSON path should name the missing field, got path `{}` ({err})",
        decode.path()
    );
    assert!(err.to_string().contains("reference_id"), "{err}");
    assert!(
        decode.excerpt().contains(r#""amount":"1000.00""#),
        "{}",
        decode.excerpt()
    );
}

#[tokio::test]
async fn mistyped_field_is_a_decode_error_with_its_path() {
    let err = status_answer(r#"{"status":"PENDING","reference_id":"r-1","amount":"ten"}"#)
        .await
        .expect_err("amount `ten` is not a number");
    let Error::Decode(decode) = &err else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert_eq!(decode.path(), "amount", "{err}");
}

#[tokio::test]
async fn status_answer_with_trailing_garbage_is_a_decode_error() {
    let err = status_answer(r#"{"status":"PENDING","reference_id":"r-1"} and more"#)
        .await
        .expect_err("only one JSON document may be sent");
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[tokio::test]
async fn create_answer_keeps_unknown_fields_inside_data_and_at_top_level() {
    let created = create_answer(
        r#"{"status":"success","code":200,"requestId":"req-9",
            "data":{"reference":"mock-ref-7b2a4f3e","transactionId":"TXN-1","status":"PENDING","amount":"1000.00"}}"#,
    )
    .await
    .expect("decodes");
    assert_eq!(created.reference().as_str(), "mock-ref-7b2a4f3e");
    assert_eq!(created.status.as_deref(), Some("success"));
    assert_eq!(created.code, Some(200));
    let data = &created.data.extra;
    assert_eq!(data.get("transactionId"), Some(&json!("TXN-1")));
    assert_eq!(data.get("status"), Some(&json!("PENDING")));
    assert_eq!(data.get("amount"), Some(&json!("1000.00")));
    assert_eq!(data.len(), 3, "{data:?}");
    assert_eq!(created.extra.get("requestId"), Some(&json!("req-9")));
}

#[tokio::test]
async fn create_answer_with_only_a_reference_decodes() {
    let created = create_answer(r#"{"data":{"reference":"r-2"}}"#).await.expect("decodes");
    assert_eq!(created.reference().as_str(), "r-2");
    assert_eq!(created.status, None);
    assert_eq!(created.code, None);
}

#[tokio::test]
async fn create_answer_without_a_reference_is_a_decode_error_carrying_the_key() {
    let err = create_answer(r#"{"status":"success","code":200,"data":{"id":"x"}}"#)
        .await
        .expect_err("data.reference is required");
    let Error::Decode(decode) = &err else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert!(
        decode.path().starts_with("data"),
        "path `{}` should point into data",
        decode.path()
    );
    assert!(err.to_string().contains("reference"), "{err}");
    assert!(
        err.idempotency_key().is_some(),
        "a create that may have succeeded must hand back its key"
    );
}
