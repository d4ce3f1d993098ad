//! The sandbox's webhook sender: one JSON event per state change, posted to the payment's
//! `webhook_url`, retried with backoff until a 2xx, and sometimes delivered twice.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderValue};

use crate::webhook::{SIGNATURE_HEADER, WebhookEvent, sign};

/// How the sandbox delivers webhooks.
#[derive(Clone)]
pub struct WebhookSettings {
    pub(crate) secret: Option<String>,
    pub(crate) duplicate_rate: f64,
    pub(crate) max_attempts: u32,
    pub(crate) first_retry: Duration,
}

impl std::fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("duplicate_rate", &self.duplicate_rate)
            .field("max_attempts", &self.max_attempts)
            .field("first_retry", &self.first_retry)
            .finish()
    }
}

impl Default for WebhookSettings {
    /// No signature, one event in ten delivered twice, up to 5 attempts per delivery with
    /// backoff from 200 ms.
    fn default() -> Self {
        WebhookSettings {
            secret: None,
            duplicate_rate: 0.1,
            max_attempts: 5,
            first_retry: Duration::from_millis(200),
        }
    }
}

impl WebhookSettings {
    /// Signs every delivery with this shared secret (see [`crate::webhook::verify_signature`]).
    #[must_use]
    pub fn secret(mut self, secret: &str) -> Self {
        self.secret = Some(secret.to_owned());
        self
    }

    /// The share of events delivered a second time, from 0.0 (never) to 1.0 (always).
    #[must_use]
    pub fn duplicate_rate(mut self, rate: f64) -> Self {
        self.duplicate_rate = rate.clamp(0.0, 1.0);
        self
    }

    /// Attempts per delivery before giving up (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The pause before the first retry; each further retry doubles it.
    #[must_use]
    pub fn first_retry(mut self, pause: Duration) -> Self {
        self.first_retry = pause;
        self
    }
}

/// One attempt to deliver one event, for tests to inspect.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookDelivery {
    /// The event's id.
    pub event_id: String,
    /// Where it was sent.
    pub url: String,
    /// 1 for the first attempt of a delivery.
    pub attempt: u32,
    /// The receiver's answer, or `None` when it could not be reached.
    pub status: Option<u16>,
}

pub(crate) struct WebhookSender {
    http: reqwest::Client,
    settings: WebhookSettings,
    log: Mutex<Vec<WebhookDelivery>>,
    /// Set when the sandbox stops: no delivery or retry starts after it.
    stopped: AtomicBool,
}

impl std::fmt::Debug for WebhookSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSender").finish_non_exhaustive()
    }
}

impl WebhookSender {
    pub(crate) fn new(settings: WebhookSettings) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        WebhookSender {
            http,
            settings,
            log: Mutex::new(Vec::new()),
            stopped: AtomicBool::new(false),
        }
    }

    /// Stops all further deliveries and retries.
    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
    }

    fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    pub(crate) fn deliveries(&self) -> Vec<WebhookDelivery> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Delivers `event` to `url` in the background: at least once, sometimes twice.
    pub(crate) fn send(self: &Arc<Self>, url: &str, event: &WebhookEvent) {
        if self.is_stopped() {
            return;
        }
        let Ok(body) = serde_json::to_vec(event) else { return };
        let copies = if fastrand::f64() < self.settings.duplicate_rate {
            2
        } else {
            1
        };
        let event_id = event.event_id.clone().unwrap_or_default();
        for _ in 0..copies {
            let sender = Arc::clone(self);
            let (url, body, event_id) = (url.to_owned(), body.clone(), event_id.clone());
            tokio::spawn(async move { sender.deliver(&url, &body, &event_id).await });
        }
    }

    async fn deliver(&self, url: &str, body: &[u8], event_id: &str) {
        let mut pause = self.settings.first_retry;
        for attempt in 1..=self.settings.max_attempts {
            if self.is_stopped() {
                return;
            }
            let mut request = self
                .http
                .post(url)
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.to_vec());
            if let Some(secret) = &self.settings.secret {
                request = request.header(SIGNATURE_HEADER, sign(secret.as_bytes(), body));
            }
            let status = request.send().await.ok().map(|r| r.status().as_u16());
            self.log
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(WebhookDelivery {
                    event_id: event_id.to_owned(),
                    url: url.to_owned(),
                    attempt,
                    status,
                });
            if status.is_some_and(|s| (200..300).contains(&s)) {
                return;
            }
            if attempt < self.settings.max_attempts {
                tokio::time::sleep(pause).await;
                pause = pause.saturating_mul(2);
            }
        }
    }
}
