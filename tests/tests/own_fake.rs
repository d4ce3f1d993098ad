//! A downstream team's own fake of `SenjaroApi`, served on loopback behind the real client:
//! requests go through the real HTTP stack, headers and wire format.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use senjaro_api::sandbox::{AllowAll, Server};
use senjaro_api::{
    Client, Error, PaymentStatus, PaymentStatusRequest, PaymentStatusResponse, RetryPolicy, SenjaroApi, router,
};
use senjaro_tests::{TEST_API_KEY, TEST_API_SECRET};

/// Answers status only, counting calls; the create endpoint keeps the generated 501.
#[derive(Default)]
struct StatusOnly {
    calls: AtomicU32,
}

#[async_trait::async_trait]
impl SenjaroApi for StatusOnly {
    async fn payment_status(&self, request: PaymentStatusRequest) -> senjaro_api::Result<PaymentStatusResponse> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(PaymentStatusResponse::new(
            request.reference_id,
            PaymentStatus::Completed,
        ))
    }
}

#[tokio::test]
async fn the_real_client_talks_to_a_fake_over_http() {
    let fake = Arc::new(StatusOnly::default());
    let server = Server::start(router(Arc::clone(&fake)), Arc::new(AllowAll))
        .await
        .expect("bind 127.0.0.1");
    let client = Client::builder()
        .base_url(&server.base_url())
        .credentials(TEST_API_KEY, TEST_API_SECRET)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");

    let status = client
        .payment_status(PaymentStatusRequest::new("ref-1"))
        .await
        .expect("answered by the fake");
    assert_eq!(status.status, PaymentStatus::Completed);
    assert_eq!(status.reference_id.as_str(), "ref-1");
    assert_eq!(fake.calls.load(Ordering::SeqCst), 1);

    let err = client
        .create_payment(senjaro_api::CreatePaymentRequest::new(
            senjaro_api::PaymentType::Mobile,
            senjaro_api::PaymentDetails::new("5.00".parse().expect("amount"), "TZS".parse().expect("currency")),
            "255712345678".parse().expect("phone"),
            senjaro_api::Customer::new("A", "a@example.com"),
        ))
        .await
        .expect_err("the fake does not create");
    assert_eq!(err.status(), Some(501));
    assert!(err.idempotency_key().is_some(), "create errors carry their key");
    assert!(matches!(err, Error::Api(_)));

    let log = server.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].path, "/senjaropay/merchant/payments/create");
    assert!(log[1].idempotency_key.is_some(), "the server saw the key header");
}
