//! Typed async client for the SenjaroPay merchant API: push a mobile-money (USSD) payment
//! prompt to a customer's phone in Tanzania and follow the payment to its final state.
//!
//! ```no_run
//! use senjaro_api::{Client, CreatePaymentRequest, Customer, PaymentDetails, PaymentType, SenjaroApi};
//!
//! # async fn run() -> senjaro_api::Result<()> {
//! let client = Client::from_env()?;
//! let request = CreatePaymentRequest::new(
//!     PaymentType::Mobile,
//!     PaymentDetails::new("1000.00".parse()?, "TZS".parse()?),
//!     "0712345678".parse()?,
//!     Customer::new("Jane Doe", "jane@example.com"),
//! );
//! let created = client.create_payment(request).await?;
//! println!("reference {} (idempotency key {})", created.reference(), created.idempotency_key);
//! # Ok(()) }
//! ```
//!
//! Everything from the spec crate (`senjaro-spec`) is re-exported here: the
//! [`SenjaroApi`] trait, the request and response types, [`Error`] and the endpoint table.
//! Enable the `sandbox` feature for an in-process SenjaroPay to test against.

mod call;
mod client;
mod follow;
mod retry;
mod secret;
pub mod webhook;

#[cfg(feature = "sandbox")]
pub mod sandbox;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES, MAX_TIMEOUT, Timeouts};
pub use follow::{MIN_POLL_DELAY, WaitOptions, wait_for_final};
pub use retry::RetryPolicy;
pub use secret::{ApiKey, ApiSecret};
pub use senjaro_spec::*;
