//! The client a payments command uses: credentials from the environment only, the base URL
//! from `--base-url`, `SENJARO_BASE_URL` or the default.
//!
//! With neither `SENJARO_API_KEY` nor `SENJARO_API_SECRET` set, a loopback base URL (where
//! the sandbox runs) gets the sandbox's public placeholder credentials: they are published,
//! and a loopback URL cannot send them off the machine. Any other base URL needs both
//! variables, so real credentials are never guessed and placeholders never leave the machine.

use std::time::Duration;

use senjaro_api::sandbox::{SANDBOX_API_KEY, SANDBOX_API_SECRET};
use senjaro_api::{Client, Timeouts};

use crate::failure::CliError;

const KEY_VAR: &str = "SENJARO_API_KEY";
const SECRET_VAR: &str = "SENJARO_API_SECRET";
const BASE_URL_VAR: &str = "SENJARO_BASE_URL";

/// Builds the client, or says what to set.
pub(crate) fn client(base_url_flag: Option<&str>, timeout: Option<Duration>) -> Result<Client, CliError> {
    let key = var(KEY_VAR)?;
    let secret = var(SECRET_VAR)?;
    let base_url = match base_url_flag {
        Some(url) => Some(url.to_owned()),
        None => var(BASE_URL_VAR)?,
    };
    if let Some(url) = &base_url {
        let valid = reqwest::Url::parse(url)
            .ok()
            .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
        if !valid {
            return Err(CliError::config(
                "the base URL (--base-url or SENJARO_BASE_URL) is not an http(s) URL, such as http://127.0.0.1:8080",
            ));
        }
    }
    let (key, secret) = match (key, secret, &base_url) {
        (Some(key), Some(secret), _) => (key, secret),
        (Some(_), None, _) => {
            return Err(CliError::config(format!(
                "{KEY_VAR} is set but {SECRET_VAR} is not: set both"
            )));
        }
        (None, Some(_), _) => {
            return Err(CliError::config(format!(
                "{SECRET_VAR} is set but {KEY_VAR} is not: set both"
            )));
        }
        (None, None, Some(url)) if is_loopback(url) => {
            tracing::info!("no credentials set: using the sandbox placeholder credentials for a loopback base URL");
            (SANDBOX_API_KEY.to_owned(), SANDBOX_API_SECRET.to_owned())
        }
        (None, None, Some(_)) => {
            return Err(CliError::config(format!(
                "no credentials: set {KEY_VAR} and {SECRET_VAR} (only a loopback sandbox URL works without them)"
            )));
        }
        (None, None, None) => {
            return Err(CliError::config(format!(
                "no credentials: set {KEY_VAR} and {SECRET_VAR}, or run `senjaro sandbox` and pass the URL it prints with --base-url"
            )));
        }
    };
    let mut builder = Client::builder()
        .credentials(&key, &secret)
        .user_agent(concat!("senjaro-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(url) = &base_url {
        builder = builder.base_url(url);
    }
    if let Some(limit) = timeout {
        builder = builder.timeouts(call_timeouts(limit));
    }
    builder.build().map_err(|e| CliError::from_sdk(&e))
}

/// The limits for `--timeout`: the whole call (retries included) gets `limit`; one attempt
/// and the connect get their defaults, or `limit` if that is shorter.
fn call_timeouts(limit: Duration) -> Timeouts {
    let defaults = Timeouts::default();
    defaults
        .total(limit)
        .attempt(defaults.attempt_limit().min(limit))
        .connect(defaults.connect_limit().min(limit))
}

/// An environment variable; unset and empty are the same. The value is never shown.
fn var(name: &str) -> Result<Option<String>, CliError> {
    match std::env::var(name) {
        Ok(value) if value.is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(CliError::config(format!("{name} is not valid UTF-8"))),
    }
}

/// Whether `url` points at this machine (`127.0.0.0/8`, `[::1]`, `localhost`).
fn is_loopback(url: &str) -> bool {
    reqwest::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .and_then(|u| u.host_str().map(senjaro_api::url::is_loopback_host))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{call_timeouts, is_loopback};

    #[test]
    fn only_loopback_urls_count() {
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "https://127.0.0.2",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "https://api.senjaropay.com",
            "http://127.0.0.1.nip.io",
            "http://localhost.example.com",
            "ftp://127.0.0.1",
            "not a url",
            "http://10.0.0.1",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }

    #[test]
    fn a_short_timeout_shortens_every_limit() {
        let limits = call_timeouts(Duration::from_secs(2));
        assert_eq!(limits.total_limit(), Duration::from_secs(2));
        assert_eq!(limits.attempt_limit(), Duration::from_secs(2));
        assert_eq!(limits.connect_limit(), Duration::from_secs(2));
        let limits = call_timeouts(Duration::from_secs(300));
        assert_eq!(limits.total_limit(), Duration::from_secs(300));
        assert_eq!(limits.attempt_limit(), Duration::from_secs(30));
    }
}
