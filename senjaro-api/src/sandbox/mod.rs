//! An embedded, stateful SenjaroPay on `127.0.0.1` for tests and the quickstart.
//!
//! ```
//! use senjaro_api::sandbox::Sandbox;
//! use senjaro_api::{CreatePaymentRequest, Customer, PaymentDetails, PaymentType, SenjaroApi};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::start().await?;
//! let client = sandbox.client()?;
//! let created = client
//!     .create_payment(CreatePaymentRequest::new(
//!         PaymentType::Mobile,
//!         PaymentDetails::new("1000.00".parse()?, "TZS".parse()?),
//!         "255712345678".parse()?,
//!         Customer::new("Jane Doe", "jane@example.com"),
//!     ))
//!     .await?;
//! assert!(created.reference().as_str().starts_with("sbx-"));
//! # Ok(()) }
//! ```
//!
//! The sandbox checks both auth headers (401 with the documented body), requires
//! `x-idempotency-key` on create (400), validates bodies (400 `validation_error`), and moves
//! each payment from `PENDING` to its final state after a configurable delay, chosen by the
//! payer's number: see [`TEST_NUMBERS`].

mod auth;
mod faults;
mod outcomes;
mod server;
mod state;
mod webhooks;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use auth::{AllowAll, Authorize, KeyPair, constant_time_eq};
pub use faults::Fault;
pub use outcomes::{Outcome, TEST_NUMBERS, describe_test_numbers, outcome_for};
pub use server::{LoggedRequest, Server};
pub use state::SandboxApi;
pub use webhooks::{WebhookDelivery, WebhookSettings};

use crate::{Client, ClientBuilder, Result};

/// The public key the sandbox accepts unless configured otherwise.
pub const SANDBOX_API_KEY: &str = "pk_test_PLACEHOLDER";
/// The secret key the sandbox accepts unless configured otherwise.
pub const SANDBOX_API_SECRET: &str = "sk_test_PLACEHOLDER";
/// How long a sandbox payment stays `PENDING` unless configured otherwise.
pub const DEFAULT_COMPLETION_DELAY: Duration = Duration::from_secs(2);

/// A running sandbox. Stops when dropped.
#[derive(Debug)]
pub struct Sandbox {
    api: Arc<SandboxApi>,
    server: Server,
}

/// Configures a [`Sandbox`].
#[derive(Debug)]
#[must_use]
pub struct SandboxBuilder {
    completion_delay: Duration,
    webhooks: WebhookSettings,
    auth: KeyPair,
    port: u16,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        SandboxBuilder {
            completion_delay: DEFAULT_COMPLETION_DELAY,
            webhooks: WebhookSettings::default(),
            auth: KeyPair::new(SANDBOX_API_KEY, SANDBOX_API_SECRET),
            port: 0,
        }
    }
}

impl SandboxBuilder {
    /// How long payments stay `PENDING` before reaching their final state.
    pub fn completion_delay(mut self, delay: Duration) -> Self {
        self.completion_delay = delay;
        self
    }

    /// How webhooks are delivered (signature secret, duplicates, retries).
    pub fn webhooks(mut self, settings: WebhookSettings) -> Self {
        self.webhooks = settings;
        self
    }

    /// The key pair requests must carry (default [`SANDBOX_API_KEY`], [`SANDBOX_API_SECRET`]).
    pub fn credentials(mut self, api_key: &str, api_secret: &str) -> Self {
        self.auth = KeyPair::new(api_key, api_secret);
        self
    }

    /// Listens on this port of `127.0.0.1` instead of an ephemeral one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Binds `127.0.0.1` and starts serving on the current Tokio runtime.
    ///
    /// # Errors
    ///
    /// The I/O error if the port cannot be bound.
    pub async fn start(self) -> std::io::Result<Sandbox> {
        let api = Arc::new(SandboxApi::with_webhooks(self.completion_delay, self.webhooks));
        let server = Server::start_on(self.port, crate::router(Arc::clone(&api)), Arc::new(self.auth)).await?;
        Ok(Sandbox { api, server })
    }
}

impl Sandbox {
    /// Starts a sandbox with the default settings on an ephemeral port.
    ///
    /// # Errors
    ///
    /// The I/O error if `127.0.0.1` cannot be bound.
    pub async fn start() -> std::io::Result<Sandbox> {
        SandboxBuilder::default().start().await
    }

    /// Starts configuring a sandbox.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The address the sandbox listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// The base URL to give a client, such as `http://127.0.0.1:40123`.
    #[must_use]
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// A client builder pointed at this sandbox with the default sandbox credentials.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(&self.base_url())
            .credentials(SANDBOX_API_KEY, SANDBOX_API_SECRET)
    }

    /// A client pointed at this sandbox with the default sandbox credentials.
    ///
    /// # Errors
    ///
    /// Only if the HTTP client cannot start.
    pub fn client(&self) -> Result<Client> {
        self.client_builder().build()
    }

    /// The sandbox's state, usable directly as a `SenjaroApi`.
    #[must_use]
    pub fn api(&self) -> &Arc<SandboxApi> {
        &self.api
    }

    /// Every request answered so far, oldest first.
    #[must_use]
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.server.requests()
    }

    /// Makes the next `times` requests suffer `fault`: `Fault::Status(429)`,
    /// `Fault::Html(502)`, `Fault::DropAnswer` (the sandbox acts, the answer is lost), ...
    pub fn inject(&self, fault: &Fault, times: usize) {
        self.server.inject(fault, times);
    }
}

impl Drop for Sandbox {
    /// Stops serving (the server's own drop) and stops webhook deliveries still pending.
    fn drop(&mut self) {
        self.api.stop_webhooks();
    }
}
