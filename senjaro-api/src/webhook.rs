//! Receiving webhooks: SenjaroPay POSTs a JSON event to your URL when a payment changes state.
//!
//! The vendor publishes neither the event's schema nor a signature scheme, so:
//! - [`WebhookEvent`] is tolerant: every field is optional, common spellings of each are
//!   accepted, unknown fields are kept in `extra` and unknown statuses in
//!   [`PaymentStatus::Unknown`]. The field names the sandbox sends are **sandbox-defined**.
//! - Deliveries may repeat (at least once): deduplicate on [`WebhookEvent::dedup_key`].
//! - Treat an event as a hint. Before fulfilling, [`confirm`] it by fetching the payment's
//!   status, as the vendor recommends.
//! - [`verify_signature`] is an optional shared-secret check (HMAC-SHA256 of the raw body in
//!   the [`SIGNATURE_HEADER`] header, compared in constant time). The sandbox signs when given
//!   a secret; SenjaroPay itself documents no signature, so only rely on it where you have
//!   agreed one.

use std::fmt::Write as _;

use ring::hmac;
use serde::{Deserialize, Serialize};

use crate::{
    Amount, Error, Extra, PaymentStatus, PaymentStatusRequest, PaymentStatusResponse, Reference, Result, SenjaroApi,
    Timestamp,
};

/// The header that carries `sha256=<hex HMAC-SHA256 of the raw body>` (sandbox-defined).
pub const SIGNATURE_HEADER: &str = "x-senjaro-signature";

/// A webhook event, read tolerantly. Fields are optional because the vendor publishes no
/// schema; the names below are what the sandbox sends, and the aliases are spellings seen
/// elsewhere in SenjaroPay's API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// Unique per state change; repeated deliveries of one change share it.
    #[serde(default, alias = "id", alias = "eventId", skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// What happened, such as `payment.status_changed`.
    #[serde(default, alias = "type", alias = "event", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// The payment's reference.
    #[serde(
        default,
        alias = "referenceId",
        alias = "reference",
        skip_serializing_if = "Option::is_none"
    )]
    pub reference_id: Option<Reference>,
    /// SenjaroPay's transaction id.
    #[serde(
        default,
        rename = "transactionId",
        alias = "transaction_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_id: Option<String>,
    /// The payment's new status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PaymentStatus>,
    /// The amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// The currency code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// When the change happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<Timestamp>,
    /// Every other field, such as a failure reason.
    #[serde(flatten)]
    pub extra: Extra,
}

impl WebhookEvent {
    /// An event about `reference` reaching `status`, for tests and fakes.
    #[must_use]
    pub fn new(reference: Reference, status: PaymentStatus) -> Self {
        WebhookEvent {
            event_id: None,
            event_type: None,
            reference_id: Some(reference),
            transaction_id: None,
            status: Some(status),
            amount: None,
            currency: None,
            occurred_at: None,
            extra: Extra::new(),
        }
    }

    /// Reads an event from a delivery's raw body.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] naming the field that could not be read (the body is not a
    /// JSON object, or a known field has the wrong type).
    pub fn parse(body: &[u8]) -> Result<Self> {
        senjaro_spec::__private::decode_request(body)
    }

    /// A key that is the same for every delivery of one state change: the event id when
    /// present, otherwise `reference:status` (what the vendor's guide suggests deduplicating on).
    #[must_use]
    pub fn dedup_key(&self) -> String {
        if let Some(id) = &self.event_id {
            return id.clone();
        }
        let reference = self.reference_id.as_ref().map_or("", Reference::as_str);
        let status = self.status.as_ref().map_or("", PaymentStatus::as_str);
        format!("{reference}:{status}")
    }
}

/// What [`confirm`] learned from SenjaroPay about an event's payment.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Confirmation {
    /// The payment as SenjaroPay reports it now: act on this, not on the event.
    pub payment: PaymentStatusResponse,
    /// Whether the event's status (if it had one) is the status SenjaroPay reports.
    pub matches_event: bool,
}

/// Confirms an event by fetching its payment's status through `api`, the check the vendor
/// recommends before fulfilling.
///
/// # Errors
///
/// [`Error::InvalidRequest`] if the event names no payment; any error of the status call.
pub async fn confirm<A>(api: &A, event: &WebhookEvent) -> Result<Confirmation>
where
    A: SenjaroApi + ?Sized,
{
    let reference = event
        .reference_id
        .clone()
        .ok_or_else(|| Error::invalid_request("reference_id", "the event names no payment"))?;
    let payment = api.payment_status(PaymentStatusRequest::new(reference)).await?;
    let matches_event = event.status.as_ref().is_none_or(|status| *status == payment.status);
    Ok(Confirmation { payment, matches_event })
}

/// The [`SIGNATURE_HEADER`] value for `body` under `secret`: `sha256=<hex>`.
#[must_use]
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), body);
    let mut out = String::from("sha256=");
    for byte in tag.as_ref() {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Checks a delivery's [`SIGNATURE_HEADER`] value against `body` and `secret`, in constant
/// time. A missing or malformed header fails.
#[must_use]
pub fn verify_signature(secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    let Some(hex) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Some(tag) = decode_hex(hex) else {
        return false;
    };
    hmac::verify(&hmac::Key::new(hmac::HMAC_SHA256, secret), body, &tag).is_ok()
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{WebhookEvent, sign, verify_signature};
    use crate::PaymentStatus;

    #[test]
    fn signatures_verify_only_with_the_right_secret_and_body() {
        let body = br#"{"event_id":"evt_1","status":"COMPLETED"}"#;
        let header = sign(b"whsec_test_PLACEHOLDER", body);
        assert!(header.starts_with("sha256=") && header.len() == 7 + 64);
        assert!(verify_signature(b"whsec_test_PLACEHOLDER", body, Some(&header)));
        assert!(!verify_signature(b"whsec_test_OTHER", body, Some(&header)));
        assert!(!verify_signature(b"whsec_test_PLACEHOLDER", b"{}", Some(&header)));
        assert!(!verify_signature(b"whsec_test_PLACEHOLDER", body, None));
        assert!(!verify_signature(b"whsec_test_PLACEHOLDER", body, Some("sha256=zz")));
        assert!(!verify_signature(b"whsec_test_PLACEHOLDER", body, Some("sha256=é1")));
        assert!(!verify_signature(b"whsec_test_PLACEHOLDER", body, Some(&header[..20])));
    }

    #[test]
    fn events_are_read_tolerantly() {
        let event =
            WebhookEvent::parse(br#"{"id":"e1","referenceId":"r1","status":"EXPIRED","amount":1000,"reason":"x"}"#)
                .expect("tolerant");
        assert_eq!(event.event_id.as_deref(), Some("e1"));
        assert_eq!(event.reference_id.as_ref().map(crate::Reference::as_str), Some("r1"));
        assert_eq!(event.status, Some(PaymentStatus::Unknown("EXPIRED".into())));
        assert_eq!(event.extra["reason"], "x");
        assert_eq!(event.dedup_key(), "e1");

        let bare = WebhookEvent::parse(br#"{"reference":"r2","status":"COMPLETED"}"#).expect("tolerant");
        assert_eq!(bare.dedup_key(), "r2:COMPLETED");
        assert!(WebhookEvent::parse(b"not json").is_err());
        assert!(WebhookEvent::parse(b"[1]").is_err());
    }
}
