//! Receives SenjaroPay webhooks with axum: checks the optional shared-secret signature,
//! ignores duplicates, answers 2xx at once, and confirms every new event through the status
//! endpoint (in the background) before acting on it, as the vendor recommends.
//!
//! `cargo run --example webhook_receiver` starts the receiver on 127.0.0.1 and the embedded
//! sandbox (which signs with `SENJARO_WEBHOOK_SECRET`, default `whsec_test_PLACEHOLDER`, and
//! here delivers every event twice), creates a payment whose `webhook_url` points at the
//! receiver, and exits once the final state is confirmed. Against a real SenjaroPay, run the
//! same receiver behind a public https URL: SenjaroPay cannot reach 127.0.0.1.

#![allow(clippy::print_stdout)] // a demo program: printing is its job

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use senjaro_api::sandbox::{Sandbox, WebhookSettings};
use senjaro_api::webhook::{self, Confirmation, SIGNATURE_HEADER, WebhookEvent};
use senjaro_api::{CreatePaymentRequest, Customer, PaymentDetails, PaymentType, SenjaroApi};
use tokio::sync::mpsc;

/// The receiver's state, shared by every request.
pub struct Receiver {
    api: Arc<dyn SenjaroApi>,
    secret: Option<Vec<u8>>,
    seen: Mutex<HashSet<String>>,
    confirmed: mpsc::UnboundedSender<Confirmation>,
}

impl Receiver {
    /// A receiver that confirms events through `api` and reports each confirmation on
    /// `confirmed`. With a `secret`, unsigned or badly signed deliveries are refused.
    pub fn new(api: Arc<dyn SenjaroApi>, secret: Option<&str>, confirmed: mpsc::UnboundedSender<Confirmation>) -> Self {
        Receiver {
            api,
            secret: secret.map(|s| s.as_bytes().to_vec()),
            seen: Mutex::new(HashSet::new()),
            confirmed,
        }
    }

    /// How many distinct events arrived (duplicates not counted).
    pub fn distinct_events(&self) -> usize {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

/// The axum app: `POST /webhooks/senjaropay`.
pub fn app(receiver: Arc<Receiver>) -> Router {
    Router::new()
        .route("/webhooks/senjaropay", post(receive))
        .with_state(receiver)
}

async fn receive(State(receiver): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if let Some(secret) = &receiver.secret {
        let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
        if !webhook::verify_signature(secret, &body, signature) {
            return StatusCode::UNAUTHORIZED;
        }
    }
    let Ok(event) = WebhookEvent::parse(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let fresh = receiver
        .seen
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(event.dedup_key());
    if fresh {
        // Answer at once; the confirmation call happens after the response.
        let receiver = Arc::clone(&receiver);
        tokio::spawn(async move {
            match webhook::confirm(&*receiver.api, &event).await {
                Ok(confirmation) => {
                    let _ = receiver.confirmed.send(confirmation);
                }
                Err(e) => {
                    // Not confirmed: forget it, so SenjaroPay's redelivery is handled again.
                    eprintln!("could not confirm {}: {e}", event.dedup_key());
                    receiver
                        .seen
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .remove(&event.dedup_key());
                }
            }
        });
    }
    StatusCode::OK
}

/// Serves `app` on an ephemeral port of 127.0.0.1 and returns its address.
///
/// # Errors
///
/// The I/O error if the port cannot be bound.
pub async fn serve(app: Router) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(addr)
}

/// Creates a payment against the sandbox with its webhook pointed at a fresh receiver, and
/// returns the confirmations in order until the final one, plus the receiver.
async fn run_demo(secret: &str, phone: &str) -> Result<(Vec<Confirmation>, Arc<Receiver>), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder()
        .completion_delay(Duration::from_millis(500))
        .webhooks(WebhookSettings::default().secret(secret).duplicate_rate(1.0))
        .start()
        .await?;
    let client = sandbox.client()?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let receiver = Arc::new(Receiver::new(Arc::new(client.clone()), Some(secret), tx));
    let addr = serve(app(Arc::clone(&receiver))).await?;

    let request = CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new("1000.00".parse()?, "TZS".parse()?),
        phone.parse()?,
        Customer::new("Jane Doe", "jane@example.com"),
    )
    .with_webhook_url(format!("http://{addr}/webhooks/senjaropay"));
    let created = client.create_payment(request).await?;
    println!(
        "created {} with webhooks to http://{addr}/webhooks/senjaropay",
        created.reference()
    );

    let mut confirmations = Vec::new();
    while let Ok(Some(confirmation)) = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
        println!(
            "confirmed {} as {} (event agreed: {})",
            confirmation.payment.reference_id, confirmation.payment.status, confirmation.matches_event
        );
        let last = confirmation.payment.status.is_final();
        confirmations.push(confirmation);
        if last {
            break;
        }
    }
    Ok((confirmations, receiver))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let secret = std::env::var("SENJARO_WEBHOOK_SECRET").unwrap_or_else(|_| "whsec_test_PLACEHOLDER".to_owned());
    match run_demo(&secret, "255712345678").await {
        Ok((confirmations, receiver)) if confirmations.last().is_some_and(|c| c.payment.status.is_final()) => {
            println!("{} distinct events, duplicates ignored", receiver.distinct_events());
            std::process::ExitCode::SUCCESS
        }
        Ok(_) => {
            eprintln!("error: no final state was confirmed within the time limit");
            std::process::ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::http::StatusCode;
    use senjaro_api::PaymentStatus;
    use senjaro_api::sandbox::Sandbox;
    use senjaro_api::webhook::{SIGNATURE_HEADER, sign};
    use tokio::sync::mpsc;

    use super::{Receiver, app, run_demo, serve};

    #[tokio::test]
    async fn create_webhook_confirm_with_duplicates_ignored() {
        let (confirmations, receiver) = run_demo("whsec_test_PLACEHOLDER", "255700000002")
            .await
            .expect("demo runs");
        let statuses: Vec<PaymentStatus> = confirmations.iter().map(|c| c.payment.status.clone()).collect();
        assert_eq!(statuses.last(), Some(&PaymentStatus::Failed));
        assert_eq!(
            receiver.distinct_events(),
            2,
            "PENDING and FAILED, each delivered twice"
        );
    }

    #[tokio::test]
    async fn unsigned_and_malformed_deliveries_are_refused() {
        let sandbox = Sandbox::start().await.expect("sandbox");
        let (tx, _rx) = mpsc::unbounded_channel();
        let receiver = Arc::new(Receiver::new(
            Arc::new(sandbox.client().expect("client")),
            Some("whsec_test_PLACEHOLDER"),
            tx,
        ));
        let addr = serve(app(Arc::clone(&receiver))).await.expect("serve");
        let url = format!("http://{addr}/webhooks/senjaropay");
        let http = reqwest::Client::new();
        let body = br#"{"event_id":"evt_1","reference_id":"sbx-x","status":"COMPLETED"}"#.to_vec();

        let unsigned = http.post(&url).body(body.clone()).send().await.expect("sent");
        assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
        let forged = http
            .post(&url)
            .header(SIGNATURE_HEADER, sign(b"whsec_test_WRONG", &body))
            .body(body.clone())
            .send()
            .await
            .expect("sent");
        assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
        let garbage = b"not json".to_vec();
        let malformed = http
            .post(&url)
            .header(SIGNATURE_HEADER, sign(b"whsec_test_PLACEHOLDER", &garbage))
            .body(garbage)
            .send()
            .await
            .expect("sent");
        assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
        assert_eq!(receiver.distinct_events(), 0);
    }
}
