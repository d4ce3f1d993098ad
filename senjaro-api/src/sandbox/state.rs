//! The sandbox's in-memory SenjaroPay: a `SenjaroApi` implementation with real state.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::outcomes::{Outcome, outcome_for};
use super::webhooks::{WebhookDelivery, WebhookSender, WebhookSettings};
use crate::webhook::WebhookEvent;
use crate::{
    ApiError, ApiErrorBody, CreatePaymentRequest, CreatePaymentResponse, Error, IdempotencyKey, Idempotent, Keyed,
    PaymentStatus, PaymentStatusRequest, PaymentStatusResponse, Reference, Result, SenjaroApi, Timestamp,
};

/// A stateful, in-memory SenjaroPay. Use it directly as a [`SenjaroApi`] in tests, or serve it
/// over HTTP with [`Sandbox`](super::Sandbox).
///
/// Payments start `PENDING` and, after the completion delay, become `COMPLETED` or `FAILED`
/// depending on the payer's number (see [`TEST_NUMBERS`](super::TEST_NUMBERS)). A create
/// repeated with the same idempotency key and the same body answers with the first answer and
/// creates nothing; the same key with a different body is refused with 409
/// `idempotency_conflict`. An unknown reference answers 404 `not_found`.
///
/// When a create carries a `webhook_url`, the sandbox POSTs a sandbox-defined event there on
/// every state change (`PENDING` at creation, then the final state); see
/// [`WebhookSettings`](super::WebhookSettings).
#[derive(Debug)]
pub struct SandboxApi {
    completion_delay: Duration,
    state: Mutex<State>,
    webhooks: Arc<WebhookSender>,
}

#[derive(Debug, Default)]
struct State {
    payments: HashMap<Reference, Payment>,
    by_key: HashMap<IdempotencyKey, (CreatePaymentRequest, Reference)>,
    created: u64,
}

#[derive(Debug)]
struct Payment {
    number: u64,
    request: CreatePaymentRequest,
    created_at: Timestamp,
    created: Instant,
}

impl SandboxApi {
    /// A sandbox whose payments reach their final state `completion_delay` after creation.
    #[must_use]
    pub fn new(completion_delay: Duration) -> Self {
        SandboxApi::with_webhooks(completion_delay, WebhookSettings::default())
    }

    /// A sandbox that delivers webhooks by `settings`.
    #[must_use]
    pub fn with_webhooks(completion_delay: Duration, settings: WebhookSettings) -> Self {
        SandboxApi {
            completion_delay,
            state: Mutex::new(State::default()),
            webhooks: Arc::new(WebhookSender::new(settings)),
        }
    }

    /// Stops webhook deliveries: none starts, and no retry happens, after this.
    pub fn stop_webhooks(&self) {
        self.webhooks.stop();
    }

    /// Every webhook delivery attempt so far, oldest first.
    #[must_use]
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        self.webhooks.deliveries()
    }

    /// Sends the payment's events: `PENDING` now, its final state after the delay.
    fn notify(&self, url: &str, reference: &Reference, number: u64, request: &CreatePaymentRequest) {
        let event = |status: PaymentStatus, reason: Option<&str>| {
            let mut event = WebhookEvent {
                event_id: Some(format!("evt_{reference}_{status}")),
                event_type: Some("payment.status_changed".to_owned()),
                reference_id: Some(reference.clone()),
                transaction_id: Some(format!("TXN-SBX-{number:06}")),
                status: Some(status),
                amount: Some(request.details.amount),
                currency: Some(request.details.currency.to_string()),
                occurred_at: None,
                extra: crate::Extra::new(),
            };
            event.occurred_at = Some(Timestamp::now());
            if let Some(reason) = reason {
                event.extra.insert("failure_reason".to_owned(), Value::from(reason));
            }
            event
        };
        self.webhooks.send(url, &event(PaymentStatus::Pending, None));
        let outcome = outcome_for(&request.phone_number);
        let last = match outcome {
            Outcome::Completes => event(PaymentStatus::Completed, None),
            Outcome::Fails(reason) | Outcome::TimesOut(reason) => event(PaymentStatus::Failed, Some(reason)),
            Outcome::StaysPending => return,
        };
        let (sender, url, delay) = (Arc::clone(&self.webhooks), url.to_owned(), self.final_after(outcome));
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            sender.send(&url, &last);
        });
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked: every update is one insert.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many payments have been created (replays not counted).
    #[must_use]
    pub fn payments_created(&self) -> u64 {
        self.state().created
    }

    fn status_of(&self, payment: &Payment) -> (PaymentStatus, Option<&'static str>) {
        let outcome = outcome_for(&payment.request.phone_number);
        if payment.created.elapsed() < self.final_after(outcome) {
            return (PaymentStatus::Pending, None);
        }
        match outcome {
            Outcome::Completes => (PaymentStatus::Completed, None),
            Outcome::Fails(reason) | Outcome::TimesOut(reason) => (PaymentStatus::Failed, Some(reason)),
            Outcome::StaysPending => (PaymentStatus::Pending, None),
        }
    }

    /// How long after creation a payment with `outcome` reaches its final state.
    fn final_after(&self, outcome: Outcome) -> Duration {
        match outcome {
            Outcome::TimesOut(_) => self.completion_delay.saturating_mul(3),
            _ => self.completion_delay,
        }
    }
}

fn api_error(status: u16, code: &str, message: String) -> Error {
    let body = ApiErrorBody::new(status, code, message);
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    ApiError::new(status, &bytes).into()
}

#[async_trait::async_trait]
impl SenjaroApi for SandboxApi {
    async fn create_payment(&self, request: CreatePaymentRequest) -> Result<Keyed<CreatePaymentResponse>> {
        let key = request
            .idempotency_key()
            .cloned()
            .ok_or_else(|| Error::invalid_request("x-idempotency-key", "this header is required"))?;
        let mut state = self.state();
        if let Some((first, reference)) = state.by_key.get(&key) {
            if *first != request {
                return Err(api_error(
                    409,
                    "idempotency_conflict",
                    "this x-idempotency-key was used with a different request body".to_owned(),
                )
                .with_idempotency_key(&key));
            }
            return Ok(Keyed::new(key, CreatePaymentResponse::new(reference.clone())));
        }
        state.created += 1;
        let number = state.created;
        let reference = Reference::new(format!("sbx-{number:06}-{:08x}", fastrand::u32(..)));
        state.by_key.insert(key.clone(), (request.clone(), reference.clone()));
        if let Some(url) = &request.webhook_url {
            self.notify(url, &reference, number, &request);
        }
        state.payments.insert(
            reference.clone(),
            Payment {
                number,
                request,
                created_at: Timestamp::now(),
                created: Instant::now(),
            },
        );
        Ok(Keyed::new(key, CreatePaymentResponse::new(reference)))
    }

    async fn payment_status(&self, request: PaymentStatusRequest) -> Result<PaymentStatusResponse> {
        let state = self.state();
        let Some(payment) = state.payments.get(&request.reference_id) else {
            return Err(api_error(
                404,
                "not_found",
                format!("no payment with reference `{}`", request.reference_id),
            ));
        };
        let (status, failure) = self.status_of(payment);
        let mut answer = PaymentStatusResponse::new(request.reference_id.clone(), status);
        answer.message = Some("Transaction status retrieved from database".to_owned());
        answer.transaction_id = Some(format!("TXN-SBX-{:06}", payment.number));
        answer.display_id = Some(format!("SPSBX.0001.{:06}", payment.number));
        answer.method = Some("MOBILE".to_owned());
        answer.amount = Some(payment.request.details.amount);
        answer.currency = Some(payment.request.details.currency.to_string());
        answer.created_at = Some(payment.created_at.clone());
        if let Some(reason) = failure {
            answer.extra.insert("failure_reason".to_owned(), Value::from(reason));
        }
        Ok(answer)
    }
}
