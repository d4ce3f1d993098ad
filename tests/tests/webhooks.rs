//! Create → webhook → confirm against the sandbox, delivery retries and duplicates, and the
//! sandbox's fault injection.

use std::collections::BTreeSet;
use std::time::Duration;

use senjaro_api::sandbox::{Fault, Sandbox, WebhookSettings};
use senjaro_api::webhook::{self, SIGNATURE_HEADER, WebhookEvent};
use senjaro_api::{
    CreatePaymentRequest, Customer, Error, IdempotencyKey, PaymentDetails, PaymentStatus, PaymentType, RetryPolicy,
    SenjaroApi,
};
use senjaro_tests::{Action, Recorded, ScriptedServer};

const WEBHOOK_SECRET: &str = "whsec_test_PLACEHOLDER";

fn request(phone: &str, webhook_url: &str) -> CreatePaymentRequest {
    CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new("1000.00".parse().expect("amount"), "TZS".parse().expect("currency")),
        phone.parse().expect("phone"),
        Customer::new("Jane Doe", "jane@example.com"),
    )
    .with_webhook_url(webhook_url)
}

async fn sandbox(settings: WebhookSettings) -> Sandbox {
    Sandbox::builder()
        .completion_delay(Duration::from_millis(100))
        .webhooks(settings)
        .start()
        .await
        .expect("sandbox starts")
}

/// Waits (bounded) until `receiver` has recorded at least `count` deliveries.
async fn deliveries(receiver: &ScriptedServer, count: usize) -> Vec<Recorded> {
    for _ in 0..200 {
        let seen = receiver.requests();
        if seen.len() >= count {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("expected {count} deliveries, got {}", receiver.requests().len());
}

#[tokio::test]
async fn create_then_signed_webhooks_then_confirm() {
    let sandbox = sandbox(WebhookSettings::default().secret(WEBHOOK_SECRET).duplicate_rate(0.0)).await;
    let receiver = ScriptedServer::start(vec![], Action::json(200, "{}")).await;
    let client = sandbox.client().expect("client");
    let created = client
        .create_payment(request(
            "255712345678",
            &format!("{}/hooks/senjaro", receiver.base_url()),
        ))
        .await
        .expect("created");

    let seen = deliveries(&receiver, 2).await;
    let mut statuses = Vec::new();
    for delivery in &seen {
        assert_eq!(delivery.method, "POST");
        assert_eq!(delivery.path, "/hooks/senjaro");
        assert!(
            webhook::verify_signature(
                WEBHOOK_SECRET.as_bytes(),
                &delivery.body,
                delivery.header(SIGNATURE_HEADER)
            ),
            "every delivery is signed"
        );
        assert!(!webhook::verify_signature(
            b"whsec_test_WRONG",
            &delivery.body,
            delivery.header(SIGNATURE_HEADER)
        ));
        let event = WebhookEvent::parse(&delivery.body).expect("event decodes");
        assert_eq!(event.reference_id.as_ref(), Some(created.reference()));
        statuses.push(event.status.clone().expect("status"));

        let confirmed = webhook::confirm(&client, &event).await.expect("confirmed");
        assert_eq!(&confirmed.payment.reference_id, created.reference());
        if event.status == Some(PaymentStatus::Completed) {
            assert!(confirmed.matches_event);
            assert_eq!(confirmed.payment.status, PaymentStatus::Completed);
        }
    }
    assert_eq!(statuses, [PaymentStatus::Pending, PaymentStatus::Completed]);
    assert_eq!(receiver.requests().len(), 2, "no duplicates at rate 0");
}

#[tokio::test]
async fn a_failed_payment_sends_its_reason() {
    let sandbox = sandbox(WebhookSettings::default().duplicate_rate(0.0)).await;
    let receiver = ScriptedServer::start(vec![], Action::json(200, "{}")).await;
    sandbox
        .client()
        .expect("client")
        .create_payment(request("255700000002", &receiver.base_url()))
        .await
        .expect("created");
    let seen = deliveries(&receiver, 2).await;
    let last = WebhookEvent::parse(&seen[1].body).expect("event");
    assert_eq!(last.status, Some(PaymentStatus::Failed));
    assert_eq!(last.extra["failure_reason"], "INSUFFICIENT_FUNDS");
    assert!(seen[0].header(SIGNATURE_HEADER).is_none(), "unsigned without a secret");
}

#[tokio::test]
async fn deliveries_are_retried_until_a_2xx() {
    let settings = WebhookSettings::default()
        .duplicate_rate(0.0)
        .first_retry(Duration::from_millis(20));
    let sandbox = sandbox(settings).await;
    let receiver = ScriptedServer::start(
        vec![
            Action::json(500, "{}"),
            Action::typed(503, "text/html", b"<html>busy</html>"),
            Action::Drop,
        ],
        Action::json(204, ""),
    )
    .await;
    sandbox
        .client()
        .expect("client")
        .create_payment(request("255700000004", &receiver.base_url()))
        .await
        .expect("created");
    let seen = deliveries(&receiver, 4).await;
    let ids: BTreeSet<String> = seen
        .iter()
        .map(|d| WebhookEvent::parse(&d.body).expect("event").dedup_key())
        .collect();
    assert_eq!(ids.len(), 1, "four attempts of one event (the number stays pending)");
    let log = sandbox.api().webhook_deliveries();
    let attempts: Vec<(u32, Option<u16>)> = log.iter().map(|d| (d.attempt, d.status)).collect();
    assert_eq!(attempts, [(1, Some(500)), (2, Some(503)), (3, None), (4, Some(204))]);
}

#[tokio::test]
async fn duplicates_share_a_dedup_key() {
    let sandbox = sandbox(WebhookSettings::default().duplicate_rate(1.0)).await;
    let receiver = ScriptedServer::start(vec![], Action::json(200, "{}")).await;
    sandbox
        .client()
        .expect("client")
        .create_payment(request("255712345678", &receiver.base_url()))
        .await
        .expect("created");
    let seen = deliveries(&receiver, 4).await;
    let keys: Vec<String> = seen
        .iter()
        .map(|d| WebhookEvent::parse(&d.body).expect("event").dedup_key())
        .collect();
    let unique: BTreeSet<&String> = keys.iter().collect();
    assert_eq!(keys.len(), 4, "every event delivered twice");
    assert_eq!(unique.len(), 2, "two state changes: {keys:?}");
}

#[tokio::test]
async fn injected_throttling_is_ridden_out_by_the_client() {
    let sandbox = sandbox(WebhookSettings::default()).await;
    sandbox.inject(&Fault::Status(429), 2);
    let client = sandbox
        .client_builder()
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(5)))
        .build()
        .expect("client");
    client
        .create_payment(
            request("255712345678", "https://merchant.example.com/hook")
                .with_idempotency_key(IdempotencyKey::new("order-1").expect("key")),
        )
        .await
        .expect("created after two 429s");
    let statuses: Vec<u16> = sandbox.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 200]);
    assert!(
        sandbox
            .requests()
            .iter()
            .all(|r| r.idempotency_key.as_deref() == Some("order-1"))
    );
}

#[tokio::test]
async fn a_lost_answer_is_retried_with_the_same_key_and_creates_once() {
    let sandbox = sandbox(WebhookSettings::default()).await;
    sandbox.inject(&Fault::DropAnswer, 1);
    let client = sandbox
        .client_builder()
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(5)))
        .build()
        .expect("client");
    let created = client
        .create_payment(CreatePaymentRequest::new(
            PaymentType::Mobile,
            PaymentDetails::new("1000.00".parse().expect("amount"), "TZS".parse().expect("currency")),
            "255712345678".parse().expect("phone"),
            Customer::new("Jane Doe", "jane@example.com"),
        ))
        .await
        .expect("created on the retry");
    assert_eq!(sandbox.api().payments_created(), 1, "the replay created nothing");
    let log = sandbox.requests();
    assert_eq!(log.iter().map(|r| r.status).collect::<Vec<_>>(), [0, 200]);
    assert_eq!(log[0].idempotency_key, log[1].idempotency_key);
    assert_eq!(
        log[1].idempotency_key.as_deref(),
        Some(created.idempotency_key.as_str())
    );
}

#[tokio::test]
async fn injected_proxy_pages_and_drops_become_typed_errors() {
    let sandbox = sandbox(WebhookSettings::default()).await;
    let client = sandbox
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    let status = senjaro_api::PaymentStatusRequest::new("sbx-unknown");

    sandbox.inject(&Fault::Html(502), 1);
    let err = client.payment_status(status.clone()).await.expect_err("502");
    let Error::Api(api) = &err else {
        panic!("expected Api, got {err:?}")
    };
    assert_eq!(api.status(), 502);
    assert!(api.excerpt().contains("<html>"));

    sandbox.inject(&Fault::Drop, 1);
    let err = client.payment_status(status.clone()).await.expect_err("dropped");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    sandbox.inject(&Fault::Delay(Duration::from_millis(50)), 1);
    let err = client.payment_status(status).await.expect_err("unknown reference");
    assert_eq!(err.status(), Some(404), "a delayed call is then handled normally");
}

#[tokio::test]
async fn dropping_the_sandbox_stops_pending_webhooks() {
    let sandbox = Sandbox::builder()
        .completion_delay(Duration::from_millis(300))
        .webhooks(WebhookSettings::default().duplicate_rate(0.0))
        .start()
        .await
        .expect("sandbox starts");
    let receiver = ScriptedServer::start(vec![], Action::json(200, "{}")).await;
    sandbox
        .client()
        .expect("client")
        .create_payment(request("255712345678", &receiver.base_url()))
        .await
        .expect("created");
    deliveries(&receiver, 1).await;
    drop(sandbox);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        receiver.requests().len(),
        1,
        "the final event was due after the sandbox stopped"
    );
}

#[tokio::test]
async fn a_fault_can_be_injected_for_ever_without_memory() {
    let sandbox = sandbox(WebhookSettings::default()).await;
    sandbox.inject(&Fault::Status(503), usize::MAX);
    let client = sandbox
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    for _ in 0..3 {
        let err = client
            .payment_status(senjaro_api::PaymentStatusRequest::new("r"))
            .await
            .expect_err("503");
        assert_eq!(err.status(), Some(503));
    }
}
