//! The API's string enums, all open to values added later.

use super::open_enum::open_enum;

open_enum! {
    /// Where a payment is in its life: `PENDING`, then `COMPLETED` or `FAILED`.
    ///
    /// The vendor calls these the "common" values and says more may exist, so anything else
    /// decodes as [`PaymentStatus::Unknown`]. Known values are read in any letter case. `SUCCESS`, used by SenjaroPay's pay-by-link
    /// product, is read defensively as [`PaymentStatus::Completed`].
    pub enum PaymentStatus {
        /// Waiting for the customer to approve on the phone, or still processing.
        Pending = "PENDING",
        /// The money was captured: safe to fulfil, subject to your own policy.
        Completed = "COMPLETED" | "SUCCESS",
        /// The payment ended in failure: do not fulfil.
        Failed = "FAILED",
    }
}

#[cfg(test)]
mod tests {
    use super::PaymentStatus;

    #[test]
    fn statuses_read_in_any_case_and_keep_unknown_values() {
        let read = |text: &str| text.parse::<PaymentStatus>().unwrap_or_else(|never| match never {});
        assert_eq!(read("completed"), PaymentStatus::Completed);
        assert_eq!(read("Success"), PaymentStatus::Completed);
        assert_eq!(read("PENDING"), PaymentStatus::Pending);
        assert_eq!(read("Expired"), PaymentStatus::Unknown("Expired".to_owned()));
        assert_eq!(read("Expired").as_str(), "Expired");
        assert!(!read("Expired").is_final());
    }
}

impl PaymentStatus {
    /// Whether the payment can still change. Unknown values count as not final, so a caller
    /// polling until final keeps asking rather than acting on a state it does not understand.
    #[must_use]
    pub fn is_final(&self) -> bool {
        matches!(self, PaymentStatus::Completed | PaymentStatus::Failed)
    }
}

open_enum! {
    /// The `payment_type` of a create request.
    ///
    /// The vendor's schema declares an enum but its values are not published. `MOBILE` is the
    /// value the status endpoint reports as `method` and is this crate's best reading, not a
    /// confirmed fact: use [`PaymentType::Unknown`] to send any other value your account
    /// manager gives you.
    pub enum PaymentType {
        /// Mobile-money collection by USSD push (inferred value `MOBILE`).
        Mobile = "MOBILE",
    }
}

open_enum! {
    /// The `error_code` of an error answer.
    pub enum ErrorCode {
        /// 401: the key pair is missing, malformed, revoked or for the wrong environment.
        Unauthorized = "unauthorized",
        /// 403: valid credentials that may not perform this operation.
        Forbidden = "forbidden",
        /// 400: the request failed validation. The vendor does not document the 400 code;
        /// this crate's sandbox sends `validation_error`.
        ValidationError = "validation_error",
    }
}
