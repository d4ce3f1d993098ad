//! `Client` and its builder: settings are checked once, at `build()`.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::retry::RetryPolicy;
use crate::secret::{ApiKey, ApiSecret};
use crate::{Error, Result};

/// Where the client sends requests unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.senjaropay.com";

/// The most bytes of an answer body the client reads; larger bodies are cut and reported.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// The longest any time limit may be.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// Time limits of a call. All are on by default, and each must be at most [`MAX_TIMEOUT`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    connect: Duration,
    attempt: Duration,
    total: Duration,
}

impl Default for Timeouts {
    /// Connect 10 s, each attempt 30 s, the whole call (attempts and backoff sleeps) 60 s.
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            attempt: Duration::from_secs(30),
            total: Duration::from_secs(60),
        }
    }
}

impl Timeouts {
    /// Sets the limit for opening a connection.
    #[must_use]
    pub fn connect(mut self, limit: Duration) -> Self {
        self.connect = limit;
        self
    }

    /// Sets the limit for one attempt: sending the request and reading the whole answer.
    #[must_use]
    pub fn attempt(mut self, limit: Duration) -> Self {
        self.attempt = limit;
        self
    }

    /// Sets the deadline of a whole call, retries and backoff sleeps included.
    #[must_use]
    pub fn total(mut self, limit: Duration) -> Self {
        self.total = limit;
        self
    }

    /// The connect limit.
    #[must_use]
    pub fn connect_limit(&self) -> Duration {
        self.connect
    }

    /// The per-attempt limit.
    #[must_use]
    pub fn attempt_limit(&self) -> Duration {
        self.attempt
    }

    /// The whole-call deadline.
    #[must_use]
    pub fn total_limit(&self) -> Duration {
        self.total
    }

    fn check(&self) -> Result<()> {
        for (name, limit) in [
            ("connect", self.connect),
            ("attempt", self.attempt),
            ("total", self.total),
        ] {
            if limit.is_zero() || limit > MAX_TIMEOUT {
                return Err(Error::config(format!(
                    "the {name} timeout must be greater than zero and at most {} hours",
                    MAX_TIMEOUT.as_secs() / 3600
                )));
            }
        }
        Ok(())
    }
}

/// What one call may do: its time limits and retries. Change it for a single call with
/// [`Client::with_timeouts`] or [`Client::with_retry_policy`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct CallSettings {
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryPolicy,
}

/// A SenjaroPay client. Cheap to clone (one `Arc` inside); share it across tasks.
///
/// It implements [`SenjaroApi`](crate::SenjaroApi): bring the trait into scope to call the
/// endpoints.
///
/// ```no_run
/// use senjaro_api::{Client, PaymentStatusRequest, SenjaroApi};
///
/// # async fn run() -> senjaro_api::Result<()> {
/// let client = Client::from_env()?;
/// let status = client.payment_status(PaymentStatusRequest::new("mock-ref-7b2a4f3e")).await?;
/// println!("{}", status.status);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    pub(crate) settings: CallSettings,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// The URL of each endpoint in the spec, parsed once here: a URL given as text is parsed
    /// again by reqwest on every attempt (about a microsecond).
    pub(crate) endpoint_urls: HashMap<&'static str, reqwest::Url>,
    pub(crate) api_key: ApiKey,
    pub(crate) api_secret: ApiSecret,
    pub(crate) max_response_bytes: usize,
    /// The connect limit the HTTP client was built with (a per-call handle cannot change it).
    pub(crate) connect_timeout: Duration,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Client>();
};

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Builds a client from `SENJARO_API_KEY`, `SENJARO_API_SECRET` and, optionally,
    /// `SENJARO_BASE_URL` (default [`DEFAULT_BASE_URL`]).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the missing or invalid variable (never its value).
    pub fn from_env() -> Result<Self> {
        let var = |name: &str| match std::env::var(name) {
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(Error::config(format!("{name} is not valid UTF-8"))),
        };
        let key = var("SENJARO_API_KEY")?.ok_or_else(|| Error::config("SENJARO_API_KEY is not set"))?;
        let secret = var("SENJARO_API_SECRET")?.ok_or_else(|| Error::config("SENJARO_API_SECRET is not set"))?;
        let mut builder = Client::builder().credentials(&key, &secret);
        if let Some(url) = var("SENJARO_BASE_URL")? {
            builder = builder.base_url(&url);
        }
        builder.build()
    }

    /// The base URL requests go to.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The time limits calls made through this handle use.
    #[must_use]
    pub fn timeouts(&self) -> Timeouts {
        self.settings.timeouts
    }

    /// The retry policy calls made through this handle use.
    #[must_use]
    pub fn retry_policy(&self) -> RetryPolicy {
        self.settings.retry
    }

    /// A handle sharing this client's connections but using other attempt and total limits,
    /// for one call or a group of calls. The connect limit belongs to the connection pool, so
    /// it stays the client's: the handle's [`timeouts`](Self::timeouts) reports it truthfully.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if a limit is zero or longer than [`MAX_TIMEOUT`].
    pub fn with_timeouts(&self, timeouts: Timeouts) -> Result<Self> {
        timeouts.check()?;
        let mut handle = self.clone();
        handle.settings.timeouts = timeouts.connect(self.inner.connect_timeout);
        Ok(handle)
    }

    /// A handle sharing this client's connections but retrying by `policy`.
    #[must_use]
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Self {
        let mut handle = self.clone();
        handle.settings.retry = policy;
        handle
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &"[redacted]")
            .field("timeouts", &self.settings.timeouts)
            .field("retry", &self.settings.retry)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]. Mistakes are reported once, by [`build`](Self::build).
#[must_use]
pub struct ClientBuilder {
    credentials: Option<Result<(ApiKey, ApiSecret)>>,
    base_url: String,
    settings: CallSettings,
    max_response_bytes: usize,
    user_agent: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            settings: CallSettings::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: None,
        }
    }
}

impl ClientBuilder {
    /// The dashboard's public key (`x-api-key`) and secret key (`x-api-secret`).
    pub fn credentials(mut self, api_key: &str, api_secret: &str) -> Self {
        self.credentials = Some(ApiKey::new(api_key).and_then(|key| Ok((key, ApiSecret::new(api_secret)?))));
        self
    }

    /// Where to send requests. `https://` is required, except for loopback hosts
    /// (`127.0.0.1`, `[::1]`, `localhost`) where `http://` is allowed for the sandbox.
    pub fn base_url(mut self, url: &str) -> Self {
        url.clone_into(&mut self.base_url);
        self
    }

    /// Sets every time limit at once.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.settings.timeouts = timeouts;
        self
    }

    /// Sets how failed attempts are retried; [`RetryPolicy::none`] switches retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// Caps how many bytes of an answer are read (default 1 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Appends `product` to the `User-Agent` header, such as `my-shop/1.4`.
    pub fn user_agent(mut self, product: &str) -> Self {
        self.user_agent = Some(product.to_owned());
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for missing or malformed credentials, a base URL that is not
    /// `https` (or `http` on a loopback host), a zero timeout or a zero body limit.
    pub fn build(self) -> Result<Client> {
        let (api_key, api_secret) = self
            .credentials
            .ok_or_else(|| Error::config("no credentials: call credentials(api_key, api_secret)"))??;
        let base_url = check_base_url(&self.base_url)?;
        self.settings.timeouts.check()?;
        if self.max_response_bytes == 0 {
            return Err(Error::config("max_response_bytes must be greater than zero"));
        }
        let mut agent = format!("senjaro/{}", env!("CARGO_PKG_VERSION"));
        if let Some(product) = &self.user_agent {
            agent = format!("{product} {agent}");
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.settings.timeouts.connect)
            .user_agent(agent)
            .build()
            .map_err(|e| Error::config(format!("cannot start the HTTP client: {e}")))?;
        let endpoint_urls = crate::ENDPOINTS
            .iter()
            .filter_map(|meta| {
                let url = reqwest::Url::parse(&format!("{base_url}{}", meta.path())).ok()?;
                Some((meta.path(), url))
            })
            .collect();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                endpoint_urls,
                api_key,
                api_secret,
                max_response_bytes: self.max_response_bytes,
                connect_timeout: self.settings.timeouts.connect,
            }),
            settings: self.settings,
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials.as_ref().map(|_| "[redacted]"))
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// Checks a base URL and returns it without a trailing `/`.
fn check_base_url(url: &str) -> Result<String> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| Error::config(format!("the base URL is not a valid URL: {e}")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::config("the base URL must not carry a user name or password"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::config("the base URL must not have a query string or fragment"));
    }
    let host = parsed.host_str().unwrap_or_default();
    match parsed.scheme() {
        "https" => {}
        "http" if senjaro_spec::url::is_loopback_host(host) => {}
        "http" => {
            return Err(Error::config(format!(
                "refusing plain http to `{host}`: use https (http is allowed only for 127.0.0.1, [::1] and localhost)"
            )));
        }
        other => {
            return Err(Error::config(format!("unsupported scheme `{other}`, use https")));
        }
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::{Client, check_base_url};

    #[test]
    fn base_url_rules() {
        assert_eq!(
            check_base_url("https://api.senjaropay.com/").ok().as_deref(),
            Some("https://api.senjaropay.com")
        );
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://[::1]:8080").is_ok());
        assert!(check_base_url("http://localhost:8080").is_ok());
        for bad in [
            "http://api.senjaropay.com",
            "http://localhost.example.com",
            "http://127.0.0.1.nip.io",
            "ftp://127.0.0.1",
            "https://user:pw@api.senjaropay.com",
            "https://api.senjaropay.com/?x=1",
            "not a url",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn build_reports_missing_credentials_without_values() {
        let err = Client::builder().build().expect_err("no credentials");
        assert!(err.to_string().contains("credentials"));
        let err = Client::builder()
            .credentials("pk_test_PLACEHOLDER", "sk_test PLACEHOLDER")
            .build()
            .expect_err("space in secret");
        assert!(!err.to_string().contains("PLACEHOLDER"));
    }

    #[test]
    fn debug_redacts_credentials() {
        let builder = Client::builder().credentials("pk_test_PLACEHOLDER", "sk_test_PLACEHOLDER");
        assert!(!format!("{builder:?}").contains("PLACEHOLDER"));
        let client = builder.build().expect("valid");
        assert!(!format!("{client:?}").contains("PLACEHOLDER"));
    }
}
