//! The bodies of create payment and payment status, as documented, tolerant of the unknowns.

use senjaro_macros::Schema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Amount, Currency, IdempotencyKey, Msisdn, PaymentStatus, PaymentType, Reference, Timestamp};
use crate::{Error, Idempotent, Result, Validate};

/// Unknown JSON fields, kept so nothing the server sends is lost.
pub type Extra = Map<String, Value>;

/// The body of `POST /senjaropay/merchant/payments/create`.
///
/// The four required fields are the documented ones. The contents of `details` and
/// `customer` are not published, so both carry the likely fields plus an `extra` map for
/// whatever your account manager tells you to send.
///
/// ```
/// use senjaro_spec::{CreatePaymentRequest, Customer, PaymentDetails, PaymentType};
///
/// let request = CreatePaymentRequest::new(
///     PaymentType::Mobile,
///     PaymentDetails::new("1000.00".parse()?, "TZS".parse()?),
///     "0712345678".parse()?,
///     Customer::new("Jane Doe", "jane@example.com"),
/// );
/// assert_eq!(request.phone_number.as_str(), "255712345678");
/// # Ok::<(), senjaro_spec::Error>(())
/// ```
///
/// `Debug` is implemented by the spec and shows `phone_number` and `customer` as `[redacted]`.
#[derive(Clone, PartialEq, Serialize, Deserialize, Schema)]
#[non_exhaustive]
pub struct CreatePaymentRequest {
    /// What kind of collection this is (see [`PaymentType`] for what is known).
    pub payment_type: PaymentType,
    /// Amount and currency, plus any other detail fields.
    pub details: PaymentDetails,
    /// The payer's number; SenjaroPay pushes the USSD prompt to it.
    pub phone_number: Msisdn,
    /// Who is paying.
    pub customer: Customer,
    /// Per-payment callback URL (an override of the dashboard URL; precedence unconfirmed).
    /// Must be `https`, or `http` on a loopback host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    /// Sent as the `x-idempotency-key` header, not in the body.
    #[serde(skip)]
    idempotency_key: Option<IdempotencyKey>,
}

impl CreatePaymentRequest {
    /// A create request with the four required fields. The client draws an idempotency key
    /// per call unless you set one with [`with_idempotency_key`](Self::with_idempotency_key).
    #[must_use]
    pub fn new(payment_type: PaymentType, details: PaymentDetails, phone_number: Msisdn, customer: Customer) -> Self {
        CreatePaymentRequest {
            payment_type,
            details,
            phone_number,
            customer,
            webhook_url: None,
            idempotency_key: None,
        }
    }

    /// Sets the per-payment webhook URL.
    #[must_use]
    pub fn with_webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }

    /// Uses `key` instead of a freshly drawn one: pass the key you stored with the order to
    /// retry a create whose outcome is unknown.
    #[must_use]
    pub fn with_idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }
}

// Not offered in diagnostics about other types' missing `Idempotent`.
#[diagnostic::do_not_recommend]
impl Idempotent for CreatePaymentRequest {
    fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.idempotency_key.as_ref()
    }

    fn set_idempotency_key(&mut self, key: IdempotencyKey) {
        self.idempotency_key = Some(key);
    }
}

impl Validate for CreatePaymentRequest {
    fn validate(&self) -> Result<()> {
        self.details.validate()?;
        check_extra(&self.customer.extra, &["name", "email"], "customer")?;
        if let Some(url) = &self.webhook_url {
            check_webhook_url(url)?;
        }
        Ok(())
    }
}

fn check_webhook_url(url: &str) -> Result<()> {
    crate::url::check_callback_url(url).map_err(|reason| Error::invalid_request("webhook_url", reason))
}

/// Refuses `extra` keys that would repeat a declared field in the JSON object: a server that
/// keeps the last duplicate would read the `extra` value instead of the checked one.
fn check_extra(extra: &Extra, declared: &[&str], object: &str) -> Result<()> {
    match declared.iter().find(|field| extra.contains_key(**field)) {
        Some(field) => Err(Error::invalid_request(
            format!("{object}.extra"),
            format!("`{field}` is a field of `{object}`: set it there, not in `extra`"),
        )),
        None => Ok(()),
    }
}

/// The `details` object of a create request. Its schema is not published: `amount` and
/// `currency` are this crate's reading of where the amount must go.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Schema)]
#[non_exhaustive]
pub struct PaymentDetails {
    /// How much to collect, written as a string with two decimals (`"1000.00"`).
    pub amount: Amount,
    /// ISO 4217 code, `TZS` in every vendor example.
    pub currency: Currency,
    /// Free text shown to the merchant (field name unconfirmed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Any further detail fields, sent as given.
    #[serde(flatten)]
    pub extra: Extra,
}

impl PaymentDetails {
    /// Details with an amount and a currency.
    #[must_use]
    pub fn new(amount: Amount, currency: Currency) -> Self {
        PaymentDetails {
            amount,
            currency,
            description: None,
            extra: Extra::new(),
        }
    }

    /// Sets the description.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    fn validate(&self) -> Result<()> {
        check_extra(&self.extra, &["amount", "currency", "description"], "details")?;
        if !self.amount.is_positive() {
            return Err(Error::invalid_request("details.amount", "must be greater than zero"));
        }
        let allowed = self.currency.minor_digits();
        if self.amount.fractional_digits() > allowed {
            return Err(Error::invalid_request(
                "details.amount",
                format!(
                    "{} allows at most {allowed} fractional digits, got {}",
                    self.currency, self.amount
                ),
            ));
        }
        Ok(())
    }
}

/// The `customer` object of a create request. Its schema is not published: `name` and
/// `email` are this crate's reading.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, Schema)]
#[non_exhaustive]
pub struct Customer {
    /// The payer's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The payer's email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Any further customer fields, sent as given.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Customer {
    /// A customer with a name and an email address.
    #[must_use]
    pub fn new(name: impl Into<String>, email: impl Into<String>) -> Self {
        Customer {
            name: Some(name.into()),
            email: Some(email.into()),
            extra: Extra::new(),
        }
    }
}

/// The answer to a create: `{status, code, data: {reference, ...}}`.
///
/// Success is decided by the HTTP status, not by `status` here, whose success value is not
/// documented.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Schema)]
#[non_exhaustive]
pub struct CreatePaymentResponse {
    /// Envelope status text, probably `"success"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Envelope code, probably the HTTP status repeated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// The created payment.
    pub data: CreatedPayment,
    /// Unknown top-level fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CreatePaymentResponse {
    /// A response carrying `reference`, as a fake or the sandbox would answer.
    #[must_use]
    pub fn new(reference: Reference) -> Self {
        CreatePaymentResponse {
            status: Some("success".to_owned()),
            code: Some(200),
            data: CreatedPayment {
                reference,
                extra: Extra::new(),
            },
            extra: Extra::new(),
        }
    }

    /// The reference to pass to payment status.
    #[must_use]
    pub fn reference(&self) -> &Reference {
        &self.data.reference
    }
}

/// The `data` object of a create answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Schema)]
#[non_exhaustive]
pub struct CreatedPayment {
    /// SenjaroPay's reference for the payment: status takes it as `referenceId`.
    pub reference: Reference,
    /// Every other field of `data` (transaction id, status, amount... none documented).
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of `POST /senjaropay/merchant/payments/status`: `{"referenceId": "..."}`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Schema)]
#[non_exhaustive]
pub struct PaymentStatusRequest {
    /// The `data.reference` of the create answer (camelCase on the wire).
    #[serde(rename = "referenceId")]
    pub reference_id: Reference,
}

impl PaymentStatusRequest {
    /// A status request for `reference`.
    #[must_use]
    pub fn new(reference: impl Into<Reference>) -> Self {
        PaymentStatusRequest {
            reference_id: reference.into(),
        }
    }
}

impl Validate for PaymentStatusRequest {
    fn validate(&self) -> Result<()> {
        if self.reference_id.as_str().trim().is_empty() {
            return Err(Error::invalid_request("referenceId", "must not be empty"));
        }
        Ok(())
    }
}

/// The answer to a status call: a flat object whose names mix camelCase and `snake_case`,
/// exactly as documented. Only `status` and `reference_id` are required; every other field
/// may be missing, and fields the docs do not name (such as a failure reason) land in `extra`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Schema)]
#[non_exhaustive]
pub struct PaymentStatusResponse {
    /// Human-readable text, such as `Transaction status retrieved from database`.
    #[serde(rename = "message", default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// SenjaroPay's transaction id.
    #[serde(rename = "transactionId", default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// The id shown to people.
    #[serde(rename = "displayId", default, skip_serializing_if = "Option::is_none")]
    pub display_id: Option<String>,
    /// Payment method; only `MOBILE` has been seen.
    #[serde(rename = "method", default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Where the payment is in its life.
    #[serde(rename = "status")]
    pub status: PaymentStatus,
    /// The payment's reference (`snake_case` here, `referenceId` in the request).
    #[serde(rename = "reference_id")]
    pub reference_id: Reference,
    /// The amount, a string such as `"1000.00"` in the docs (a number is accepted too).
    #[serde(rename = "amount", default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// ISO 4217 code as sent, not validated.
    #[serde(rename = "currency", default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// When the payment was created.
    #[serde(rename = "created_at", default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// Fields the docs do not name, such as provider codes on a failed payment.
    #[serde(flatten)]
    pub extra: Extra,
}

impl PaymentStatusResponse {
    /// A status answer with only the required fields, for fakes and the sandbox.
    #[must_use]
    pub fn new(reference_id: Reference, status: PaymentStatus) -> Self {
        PaymentStatusResponse {
            message: None,
            transaction_id: None,
            display_id: None,
            method: None,
            status,
            reference_id,
            amount: None,
            currency: None,
            created_at: None,
            extra: Extra::new(),
        }
    }
}

/// The body of an error answer (`ApiError`): `{"status": "error", "code": 401,
/// "error_code": "unauthorized", "message": "..."}`. Only the first three keys were seen in
/// the docs, so every field is optional and unknown ones are kept.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, Schema)]
#[non_exhaustive]
pub struct ApiErrorBody {
    /// `"error"` in the docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The HTTP status repeated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// Machine-readable reason, such as `unauthorized`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Human-readable reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Anything else, such as a list of field errors.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ApiErrorBody {
    /// The documented error shape for `http_status` with an `error_code` and a message.
    #[must_use]
    pub fn new(http_status: u16, error_code: &str, message: impl Into<String>) -> Self {
        ApiErrorBody {
            status: Some("error".to_owned()),
            code: Some(i64::from(http_status)),
            error_code: Some(error_code.to_owned()),
            message: Some(message.into()),
            extra: Extra::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::{CreatePaymentRequest, Customer, PaymentDetails};
    use crate::{Error, PaymentType, Validate};

    fn request() -> CreatePaymentRequest {
        CreatePaymentRequest::new(
            PaymentType::Mobile,
            PaymentDetails::new("1000.00".parse().expect("amount"), "TZS".parse().expect("currency")),
            "255712345678".parse().expect("phone"),
            Customer::new("Jane Doe", "jane@example.com"),
        )
    }

    #[test]
    fn extra_fields_cannot_shadow_checked_ones() {
        let mut shadowed = request();
        shadowed.details.extra.insert("amount".into(), Value::from("1.00"));
        let err = shadowed.validate().expect_err("duplicate amount");
        assert!(
            matches!(&err, Error::InvalidRequest(e) if e.field() == "details.extra"),
            "{err}"
        );

        let mut shadowed = request();
        shadowed
            .customer
            .extra
            .insert("email".into(), Value::from("x@example.com"));
        assert!(shadowed.validate().is_err());

        let mut fine = request();
        fine.details.extra.insert("order_ref".into(), Value::from("A-1"));
        assert!(fine.validate().is_ok());
    }
}
