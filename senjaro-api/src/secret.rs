//! Credentials: held in types whose `Debug` and `Display` never show the value.

use std::fmt;

use reqwest::header::HeaderValue;

use crate::{Error, Result};

/// The dashboard's public key, sent as `x-api-key`. Not secret by itself, but it identifies
/// the merchant, so it is kept out of logs too.
#[derive(Clone)]
pub struct ApiKey(HeaderValue);

/// The dashboard's secret key, sent as `x-api-secret`. Never printed, never logged.
#[derive(Clone)]
pub struct ApiSecret(HeaderValue);

fn header_value(value: &str, what: &str) -> Result<HeaderValue> {
    if value.is_empty() {
        return Err(Error::config(format!("the {what} is empty")));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::config(format!(
            "the {what} must be visible ASCII characters (check for spaces or a trailing newline)"
        )));
    }
    let mut header =
        HeaderValue::from_str(value).map_err(|_| Error::config(format!("the {what} is not a valid header value")))?;
    header.set_sensitive(true);
    Ok(header)
}

impl ApiKey {
    /// Wraps a public key.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if it is empty or not visible ASCII (the message never includes it).
    pub fn new(key: &str) -> Result<Self> {
        header_value(key, "API key").map(ApiKey)
    }

    pub(crate) fn header(&self) -> &HeaderValue {
        &self.0
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl ApiSecret {
    /// Wraps a secret key.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if it is empty or not visible ASCII (the message never includes it).
    pub fn new(secret: &str) -> Result<Self> {
        header_value(secret, "API secret").map(ApiSecret)
    }

    pub(crate) fn header(&self) -> &HeaderValue {
        &self.0
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

impl fmt::Debug for ApiSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiSecret([redacted])")
    }
}

/// Credentials shorter than this are test placeholders such as `"k"`: replacing every such
/// letter would shred the body, and they protect nothing.
const MIN_SCRUBBED_LEN: usize = 8;

/// Replaces every occurrence of the credentials in `body` with `[redacted]`, so an error
/// answer that echoes request headers cannot carry them into an error message.
pub(crate) fn scrub(body: &[u8], secrets: [&[u8]; 2]) -> Vec<u8> {
    let mut out = body.to_vec();
    for secret in secrets {
        if secret.len() < MIN_SCRUBBED_LEN {
            continue;
        }
        let mut i = 0;
        let mut cleaned = Vec::with_capacity(out.len());
        while i < out.len() {
            if out[i..].starts_with(secret) {
                cleaned.extend_from_slice(b"[redacted]");
                i += secret.len();
            } else {
                cleaned.push(out[i]);
                i += 1;
            }
        }
        out = cleaned;
    }
    out
}

/// [`scrub`] for a body cut at a size limit: a credential split by the cut leaves a prefix
/// at the end, which is redacted too.
pub(crate) fn scrub_cut(body: &[u8], secrets: [&[u8]; 2]) -> Vec<u8> {
    let mut out = scrub(body, secrets);
    for secret in secrets.into_iter().filter(|s| s.len() >= MIN_SCRUBBED_LEN) {
        if let Some(len) = (1..secret.len()).rev().find(|&len| out.ends_with(&secret[..len])) {
            out.truncate(out.len() - len);
            out.extend_from_slice(b"[redacted]");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{ApiKey, ApiSecret, scrub, scrub_cut};

    #[test]
    fn debug_never_shows_credentials() {
        let secret = ApiSecret::new("sk_test_PLACEHOLDER").expect("valid");
        let key = ApiKey::new("pk_test_PLACEHOLDER").expect("valid");
        assert!(!format!("{secret:?}{key:?}").contains("PLACEHOLDER"));
    }

    #[test]
    fn rejects_unusable_credentials_without_echoing_them() {
        for bad in ["", "sk test", "sk_test\n", "sk_tést"] {
            let err = ApiSecret::new(bad).expect_err("rejected");
            assert!(!bad.is_empty() && !err.to_string().contains(bad) || bad.is_empty());
        }
    }

    #[test]
    fn scrub_removes_every_occurrence() {
        let body = b"{\"echo\":\"sk_XXXXXXXX\",\"again\":\"sk_XXXXXXXXsk_XXXXXXXX\",\"k\":\"pk_YYYYYYYY\"}";
        let out = String::from_utf8(scrub(body, [b"sk_XXXXXXXX", b"pk_YYYYYYYY"])).expect("utf8");
        assert_eq!(
            out,
            "{\"echo\":\"[redacted]\",\"again\":\"[redacted][redacted]\",\"k\":\"[redacted]\"}"
        );
    }

    #[test]
    fn short_placeholders_are_left_alone() {
        let body = b"{\"status\":\"error\",\"message\":\"keys k and s\"}";
        assert_eq!(scrub(body, [b"s", b"k"]), body.to_vec());
        assert_eq!(scrub_cut(body, [b"s", b"k"]), body.to_vec());
    }

    #[test]
    fn scrub_cut_removes_a_credential_split_by_the_cut() {
        let out = scrub_cut(b"{\"echo\":\"sk_PLACE", [b"sk_PLACEHOLDER", b"pk_x"]);
        assert_eq!(String::from_utf8(out).expect("utf8"), "{\"echo\":\"[redacted]");
    }
}
