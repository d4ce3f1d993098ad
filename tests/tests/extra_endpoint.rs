//! One `api!` entry is all a new endpoint needs: shown with `senjaro_tests::extra_spec`,
//! whose endpoints exist nowhere else.

use std::sync::Arc;

use senjaro_api::sandbox::{KeyPair, Server};
use senjaro_api::{Client, Error, ErrorCode, Keyed, RetryClass};
use senjaro_tests::extra_spec::{
    self, BalanceRequest, CancelPaymentRequest, CancelPaymentResponse, ENDPOINTS, SenjaroApi as ExtraApi,
};
use senjaro_tests::{TEST_API_KEY, TEST_API_SECRET};

/// A fake that implements only `cancel_payment`; `balance` keeps the generated default.
struct CancelOnly;

#[async_trait::async_trait]
impl ExtraApi for CancelOnly {
    async fn cancel_payment(&self, request: CancelPaymentRequest) -> senjaro_api::Result<Keyed<CancelPaymentResponse>> {
        let key = senjaro_api::Idempotent::idempotency_key(&request)
            .cloned()
            .expect("the server sets the key from the header");
        Ok(Keyed::new(
            key,
            CancelPaymentResponse {
                reference: request.reference_id,
                status: "CANCELLED".to_owned(),
            },
        ))
    }
}

async fn serve_fake() -> (Server, Client) {
    let server = Server::start(
        extra_spec::router(Arc::new(CancelOnly)),
        Arc::new(KeyPair::new(TEST_API_KEY, TEST_API_SECRET)),
    )
    .await
    .expect("bind 127.0.0.1");
    let client = Client::builder()
        .base_url(&server.base_url())
        .credentials(TEST_API_KEY, TEST_API_SECRET)
        .build()
        .expect("valid client");
    (server, client)
}

#[test]
fn metadata_comes_from_the_spec_entry() {
    let cancel = ENDPOINTS
        .iter()
        .find(|e| e.name() == "cancel_payment")
        .expect("declared");
    assert_eq!(cancel.path(), "/senjaropay/merchant/payments/cancel");
    assert_eq!(cancel.method(), "POST");
    assert_eq!(cancel.retry(), RetryClass::Keyed);
    assert_eq!(cancel.idempotency_header(), Some("x-idempotency-key"));
    assert_eq!(cancel.doc(), "Cancels a pending payment (hypothetical).");
    assert_eq!(ENDPOINTS.len(), 2);
}

#[tokio::test]
async fn the_real_client_calls_the_new_endpoint_and_the_server_routes_it() {
    let (server, client) = serve_fake().await;
    let answer = ExtraApi::cancel_payment(&client, CancelPaymentRequest::new("sbx-42"))
        .await
        .expect("cancelled");
    assert_eq!(answer.reference.as_str(), "sbx-42");
    assert_eq!(answer.status, "CANCELLED");

    let log = server.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].path, "/senjaropay/merchant/payments/cancel");
    assert_eq!(log[0].idempotency_key.as_deref(), Some(answer.idempotency_key.as_str()));
}

#[tokio::test]
async fn an_endpoint_an_implementation_does_not_provide_answers_501() {
    let (_server, client) = serve_fake().await;
    let err = ExtraApi::balance(&client, BalanceRequest {})
        .await
        .expect_err("not implemented by the fake");
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!(api.status(), 501);
    assert_eq!(api.code(), Some(&ErrorCode::Unknown("not_implemented".to_owned())));
}
