//! A second spec, declaring endpoints the vendor does not have, to prove that one `api!`
//! entry is all an endpoint needs: the trait method, the client call (through `Transport`),
//! metadata and server-side routing all follow with no edit anywhere else.

use senjaro_spec::{IdempotencyKey, Idempotent, Reference, Validate};
use serde::{Deserialize, Serialize};

/// Asks SenjaroPay to cancel a pending payment (hypothetical).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ::senjaro_spec::Schema)]
pub struct CancelPaymentRequest {
    /// The payment to cancel.
    #[serde(rename = "referenceId")]
    pub reference_id: Reference,
    #[serde(skip)]
    key: Option<IdempotencyKey>,
}

impl CancelPaymentRequest {
    /// A cancel request for `reference`.
    #[must_use]
    pub fn new(reference: &str) -> Self {
        CancelPaymentRequest {
            reference_id: Reference::new(reference),
            key: None,
        }
    }
}

impl Validate for CancelPaymentRequest {}

impl Idempotent for CancelPaymentRequest {
    fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.key.as_ref()
    }

    fn set_idempotency_key(&mut self, key: IdempotencyKey) {
        self.key = Some(key);
    }
}

/// The answer to a cancel (hypothetical).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ::senjaro_spec::Schema)]
pub struct CancelPaymentResponse {
    /// The cancelled payment.
    pub reference: Reference,
    /// Its status after the cancel.
    pub status: String,
}

/// Lists a merchant's balance (hypothetical); no implementation in the tests provides it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ::senjaro_spec::Schema)]
pub struct BalanceRequest {}

impl Validate for BalanceRequest {}

/// The answer to a balance request (hypothetical).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ::senjaro_spec::Schema)]
pub struct BalanceResponse {
    /// The balance.
    pub balance: String,
}

senjaro_macros::api! {
    /// Cancels a pending payment (hypothetical).
    fn cancel_payment(CancelPaymentRequest) -> CancelPaymentResponse {
        path: "/senjaropay/merchant/payments/cancel",
        retry: keyed,
        idempotency_header: "x-idempotency-key",
    }

    /// Reads the merchant's balance (hypothetical).
    fn balance(BalanceRequest) -> BalanceResponse {
        path: "/senjaropay/merchant/balance",
        retry: safe,
    }
}
