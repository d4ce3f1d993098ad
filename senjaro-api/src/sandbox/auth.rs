//! Who may call a served API: the credential check is pluggable.

use hyper::HeaderMap;

/// Decides whether a request's headers are authorised. The sandbox uses
/// [`KeyPair`]; a test serving its own fake may use [`AllowAll`] or its own rule.
pub trait Authorize: Send + Sync + 'static {
    /// Whether the request may proceed; `false` answers 401 `unauthorized`.
    fn authorize(&self, headers: &HeaderMap) -> bool;
}

/// Accepts every request.
#[derive(Clone, Copy, Debug, Default)]
pub struct AllowAll;

impl Authorize for AllowAll {
    fn authorize(&self, _headers: &HeaderMap) -> bool {
        true
    }
}

/// Requires `x-api-key` and `x-api-secret` to equal the given pair (compared in constant time).
#[derive(Clone)]
pub struct KeyPair {
    key: String,
    secret: String,
}

impl KeyPair {
    /// The pair a request must carry.
    #[must_use]
    pub fn new(key: impl Into<String>, secret: impl Into<String>) -> Self {
        KeyPair {
            key: key.into(),
            secret: secret.into(),
        }
    }
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyPair([redacted])")
    }
}

impl Authorize for KeyPair {
    fn authorize(&self, headers: &HeaderMap) -> bool {
        let matches = |name: &str, expected: &str| {
            headers
                .get(name)
                .is_some_and(|value| constant_time_eq(value.as_bytes(), expected.as_bytes()))
        };
        // Both are checked every time so timing does not tell which one was wrong.
        let key_ok = matches("x-api-key", &self.key);
        let secret_ok = matches("x-api-secret", &self.secret);
        key_ok & secret_ok
    }
}

/// Compares two byte strings in time that depends only on their lengths.
#[must_use]
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use hyper::HeaderMap;
    use hyper::header::HeaderValue;

    use super::{Authorize, KeyPair, constant_time_eq};

    #[test]
    fn key_pair_needs_both_headers() {
        let pair = KeyPair::new("pk_test_PLACEHOLDER", "sk_test_PLACEHOLDER");
        let mut headers = HeaderMap::new();
        assert!(!pair.authorize(&headers));
        headers.insert("x-api-key", HeaderValue::from_static("pk_test_PLACEHOLDER"));
        assert!(!pair.authorize(&headers));
        headers.insert("x-api-secret", HeaderValue::from_static("sk_test_WRONG"));
        assert!(!pair.authorize(&headers));
        headers.insert("x-api-secret", HeaderValue::from_static("sk_test_PLACEHOLDER"));
        assert!(pair.authorize(&headers));
        assert!(!format!("{pair:?}").contains("PLACEHOLDER"));
    }

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(constant_time_eq(b"", b""));
    }
}
