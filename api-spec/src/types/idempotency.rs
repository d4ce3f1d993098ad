//! Idempotency keys: one per logical create, the same on every attempt.

use std::fmt;
use std::str::FromStr;

/// Longest key accepted. The vendor documents no limit; 255 visible characters holds a UUID,
/// an order number with a prefix, or a hash.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// The `x-idempotency-key` of a create: unique per transaction, reused on every retry of that
/// same transaction so SenjaroPay creates it at most once.
///
/// Persist it with your order before you call create; if the call's outcome is unknown, call
/// create again with the same key (or query the status) instead of drawing a new one.
///
/// ```
/// use senjaro_spec::IdempotencyKey;
///
/// let key = IdempotencyKey::new("order-2026-000123")?;
/// assert_eq!(key.as_str(), "order-2026-000123");
/// assert!(IdempotencyKey::new("has space").is_err());
/// assert_ne!(IdempotencyKey::generate(), IdempotencyKey::generate());
/// # Ok::<(), senjaro_spec::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Validates a caller-chosen key: 1 to 255 visible ASCII characters (no spaces or
    /// control characters), so it is a valid header value everywhere.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) naming `idempotency_key`.
    pub fn new(key: impl Into<String>) -> crate::Result<Self> {
        let key = key.into();
        let reason = if key.is_empty() {
            Some("must not be empty".to_owned())
        } else if key.len() > MAX_IDEMPOTENCY_KEY_LEN {
            Some(format!(
                "must be at most {MAX_IDEMPOTENCY_KEY_LEN} characters, got {}",
                key.len()
            ))
        } else if !key.bytes().all(|b| b.is_ascii_graphic()) {
            Some("must be visible ASCII characters only (no spaces, control characters or non-ASCII)".to_owned())
        } else {
            None
        };
        match reason {
            Some(reason) => Err(crate::Error::invalid_request("idempotency_key", reason)),
            None => Ok(IdempotencyKey(key)),
        }
    }

    /// Draws a fresh random key (a UUID v4 from the operating system's random source).
    #[must_use]
    pub fn generate() -> Self {
        IdempotencyKey(uuid::Uuid::new_v4().to_string())
    }

    /// The key as sent in the header.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for IdempotencyKey {
    type Err = crate::Error;

    fn from_str(key: &str) -> crate::Result<Self> {
        IdempotencyKey::new(key)
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdempotencyKey({:?})", self.0)
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::{IdempotencyKey, MAX_IDEMPOTENCY_KEY_LEN};

    #[test]
    fn validates_caller_keys() {
        assert!(IdempotencyKey::new("a").is_ok());
        assert!(IdempotencyKey::new("x".repeat(MAX_IDEMPOTENCY_KEY_LEN)).is_ok());
        for bad in [
            String::new(),
            "x".repeat(MAX_IDEMPOTENCY_KEY_LEN + 1),
            "a b".into(),
            "tab\t".into(),
            "é".into(),
            "nl\n".into(),
        ] {
            let err = IdempotencyKey::new(bad.clone()).expect_err("rejected");
            assert!(err.to_string().contains("idempotency_key"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn generated_keys_are_valid_and_distinct() {
        let a = IdempotencyKey::generate();
        assert!(IdempotencyKey::new(a.as_str()).is_ok());
        assert_ne!(a, IdempotencyKey::generate());
    }
}
