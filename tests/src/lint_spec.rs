//! A spec compiled under the strictest lints a user might set, with no `allow` on this side:
//! CI's clippy run fails if the macro's output trips any of them.

#![deny(warnings, missing_docs, clippy::pedantic)]

use senjaro_spec::{IdempotencyKey, Idempotent, Validate};
use serde::{Deserialize, Serialize};

/// A read request.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ::senjaro_spec::Schema)]
pub struct Lookup {
    /// What to look up.
    pub id: String,
}

impl Validate for Lookup {}

/// A keyed write request.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ::senjaro_spec::Schema)]
pub struct Charge {
    /// How much.
    pub amount: u64,
    #[serde(skip)]
    key: Option<IdempotencyKey>,
}

impl Validate for Charge {}

impl Idempotent for Charge {
    fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.key.as_ref()
    }

    fn set_idempotency_key(&mut self, key: IdempotencyKey) {
        self.key = Some(key);
    }
}

/// An answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ::senjaro_spec::Schema)]
pub struct Answer {
    /// The result.
    pub ok: bool,
}

senjaro_macros::api! {
    /// Looks something up.
    fn lookup(Lookup) -> Answer {
        path: "/v1/lookup",
        retry: safe,
    }

    /// Charges, at most once.
    #[deprecated(note = "charge through the new endpoint")]
    fn charge(Charge) -> Answer {
        method: POST,
        path: "/v1/charge",
        retry: keyed,
        idempotency_header: "x-idempotency-key",
        sensitive: [amount],
    }
}
