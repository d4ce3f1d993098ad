//! Request and response types, and the value types they are made of.

mod amount;
mod currency;
mod enums;
mod idempotency;
mod msisdn;
mod open_enum;
mod payment;
mod reference;
mod timestamp;

pub use amount::Amount;
pub use currency::Currency;
pub use enums::{ErrorCode, PaymentStatus, PaymentType};
pub use idempotency::{IdempotencyKey, MAX_IDEMPOTENCY_KEY_LEN};
pub use msisdn::Msisdn;
pub use payment::{
    ApiErrorBody, CreatePaymentRequest, CreatePaymentResponse, CreatedPayment, Customer, Extra, PaymentDetails,
    PaymentStatusRequest, PaymentStatusResponse,
};
pub use reference::Reference;
pub use timestamp::Timestamp;
