//! A checkout service as a merchant backend would write it: it holds an
//! `Arc<dyn SenjaroApi>`, starts payments on spawned tasks, and is unit-tested with
//! `MockSenjaroApi` (feature `mock`) instead of a network.
//!
//! `cargo run --example checkout` runs it against the embedded sandbox;
//! `cargo test -p senjaro-examples --example checkout` runs its tests against the mock.

#![allow(clippy::print_stdout)] // a demo program: printing is its job

use std::sync::Arc;
use std::time::Duration;

use senjaro_api::sandbox::Sandbox;
use senjaro_api::{
    CreatePaymentRequest, Customer, IdempotencyKey, PaymentDetails, PaymentStatus, PaymentStatusRequest, PaymentType,
    Reference, Result, SenjaroApi,
};
use tokio::task::JoinHandle;

/// An order waiting for payment.
#[derive(Clone, Debug)]
pub struct Order {
    /// Used as the idempotency key, so a retried checkout never charges twice.
    pub id: String,
    /// The amount, such as `1000.00`.
    pub amount: String,
    /// The payer's number as typed by the customer.
    pub phone: String,
}

/// What the shop knows about an order's payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaymentState {
    /// The customer has not approved yet.
    Waiting,
    /// Paid: ship it.
    Paid,
    /// Not paid: do not ship.
    Declined(String),
}

/// The checkout service.
#[derive(Clone)]
pub struct Checkout {
    api: Arc<dyn SenjaroApi>,
}

impl Checkout {
    /// A service over any implementation: the client, the sandbox, or a mock.
    pub fn new(api: Arc<dyn SenjaroApi>) -> Self {
        Checkout { api }
    }

    /// Starts collecting an order's payment on a spawned task; the order id is the
    /// idempotency key, so calling this twice for one order creates one payment.
    #[must_use = "the task's result says whether the payment started"]
    pub fn start(&self, order: Order) -> JoinHandle<Result<Reference>> {
        let api = Arc::clone(&self.api);
        tokio::spawn(async move {
            let request = CreatePaymentRequest::new(
                PaymentType::Mobile,
                PaymentDetails::new(order.amount.parse()?, "TZS".parse()?),
                order.phone.parse()?,
                Customer::new("Shop customer", "customer@example.com"),
            )
            .with_idempotency_key(IdempotencyKey::new(order.id)?);
            Ok(api.create_payment(request).await?.response.data.reference)
        })
    }

    /// Reads where a payment stands.
    ///
    /// # Errors
    ///
    /// Any error of the status call.
    pub async fn state(&self, reference: &Reference) -> Result<PaymentState> {
        let payment = self
            .api
            .payment_status(PaymentStatusRequest::new(reference.clone()))
            .await?;
        Ok(match payment.status {
            PaymentStatus::Completed => PaymentState::Paid,
            PaymentStatus::Failed => PaymentState::Declined(payment.message.unwrap_or_default()),
            _ => PaymentState::Waiting,
        })
    }
}

#[tokio::main]
async fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder()
        .completion_delay(Duration::from_millis(300))
        .start()
        .await?;
    let checkout = Checkout::new(Arc::new(sandbox.client()?));
    let order = Order {
        id: "order-2026-0001".to_owned(),
        amount: "1000.00".to_owned(),
        phone: "0712 345 678".to_owned(),
    };
    let reference = checkout.start(order).await??;
    println!("payment {reference} started");
    for _ in 0..20 {
        let state = checkout.state(&reference).await?;
        println!("  {state:?}");
        if state != PaymentState::Waiting {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use senjaro_api::{
        CreatePaymentResponse, Error, IdempotencyKey, Idempotent, Keyed, MockSenjaroApi, PaymentStatus,
        PaymentStatusResponse, Reference,
    };

    use super::{Checkout, Order, PaymentState};

    fn order() -> Order {
        Order {
            id: "order-7".to_owned(),
            amount: "2500".to_owned(),
            phone: "+255 712 345 678".to_owned(),
        }
    }

    #[tokio::test]
    async fn start_sends_the_normalised_order_keyed_by_its_id() {
        let mut mock = MockSenjaroApi::new();
        mock.expect_create_payment()
            .withf(|request| {
                request.phone_number.as_str() == "255712345678"
                    && request.details.amount.to_string() == "2500.00"
                    && request.idempotency_key().map(IdempotencyKey::as_str) == Some("order-7")
            })
            .times(1)
            .returning(|request| {
                let key = request.idempotency_key().cloned().expect("keyed");
                Ok(Keyed::new(key, CreatePaymentResponse::new(Reference::new("ref-7"))))
            });
        let checkout = Checkout::new(Arc::new(mock));
        let reference = checkout.start(order()).await.expect("task ran").expect("created");
        assert_eq!(reference.as_str(), "ref-7");
    }

    #[tokio::test]
    async fn bad_input_never_reaches_the_api() {
        let mut mock = MockSenjaroApi::new();
        mock.expect_create_payment().times(0);
        let checkout = Checkout::new(Arc::new(mock));
        let mut bad = order();
        bad.phone = "+254 712 345 678".to_owned();
        let err = checkout
            .start(bad)
            .await
            .expect("task ran")
            .expect_err("foreign number");
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    }

    #[tokio::test]
    async fn state_follows_the_status_endpoint() {
        let mut mock = MockSenjaroApi::new();
        let mut answers = vec![PaymentStatus::Pending, PaymentStatus::Completed, PaymentStatus::Failed].into_iter();
        mock.expect_payment_status().times(3).returning(move |request| {
            let mut answer = PaymentStatusResponse::new(request.reference_id, answers.next().expect("three answers"));
            answer.message = Some("Insufficient balance".to_owned());
            Ok(answer)
        });
        let checkout = Checkout::new(Arc::new(mock));
        let reference = Reference::new("ref-7");
        assert_eq!(checkout.state(&reference).await.expect("read"), PaymentState::Waiting);
        assert_eq!(checkout.state(&reference).await.expect("read"), PaymentState::Paid);
        assert_eq!(
            checkout.state(&reference).await.expect("read"),
            PaymentState::Declined("Insufficient balance".to_owned())
        );
    }
}
