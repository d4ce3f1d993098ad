//! The SenjaroPay merchant endpoints. To add an endpoint, add an entry here (and its request
//! and response types under `types/`); the trait method, client call, metadata, dispatch and
//! sandbox routing follow at compile time.

use crate::{CreatePaymentRequest, CreatePaymentResponse, PaymentStatusRequest, PaymentStatusResponse};

senjaro_macros::api! {
    #![mock(feature = "mock")]

    /// Starts a mobile-money collection: SenjaroPay pushes a USSD prompt to the payer's phone.
    ///
    /// The answer only means the request was accepted; the payment starts `PENDING` and ends
    /// `COMPLETED` or `FAILED` once the customer acts. Follow it with `payment_status` or a
    /// webhook. Each call sends one idempotency key on every attempt (the caller's, or a fresh
    /// one) and returns it with the answer.
    ///
    /// # Errors
    ///
    /// Any [`Error`](crate::Error); every one carries the idempotency key.
    fn create_payment(CreatePaymentRequest) -> CreatePaymentResponse {
        path: "/senjaropay/merchant/payments/create",
        retry: keyed,
        idempotency_header: "x-idempotency-key",
        sensitive: [phone_number, customer],
    }

    /// Reads the current state of a payment by the reference create returned.
    ///
    /// # Errors
    ///
    /// Any [`Error`](crate::Error); an unknown reference is an [`Error::Api`](crate::Error::Api)
    /// whose status the vendor does not document.
    fn payment_status(PaymentStatusRequest) -> PaymentStatusResponse {
        path: "/senjaropay/merchant/payments/status",
        retry: safe,
    }
}
