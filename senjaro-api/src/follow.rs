//! Following a payment until it reaches a final state.

use std::time::Duration;

use crate::{Error, MAX_TIMEOUT, PaymentStatusRequest, PaymentStatusResponse, Reference, Result, SenjaroApi};

/// The shortest pause between polls, whatever the options say: a zero pause would flood the
/// API with status calls.
pub const MIN_POLL_DELAY: Duration = Duration::from_millis(10);

/// How [`wait_for_final`] polls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitOptions {
    first_delay: Duration,
    max_delay: Duration,
    timeout: Duration,
}

impl Default for WaitOptions {
    /// First poll after 1 s, then 1.5× longer each time up to 10 s, for at most 3 minutes.
    fn default() -> Self {
        WaitOptions {
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
            timeout: Duration::from_secs(180),
        }
    }
}

impl WaitOptions {
    /// Sets the pause before the second poll (the first poll is immediate).
    #[must_use]
    pub fn first_delay(mut self, delay: Duration) -> Self {
        self.first_delay = delay;
        self
    }

    /// Sets the longest pause between polls.
    #[must_use]
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Sets how long to wait in all before giving up.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Polls the status of `reference` until it is final (`COMPLETED` or `FAILED`), with growing
/// pauses and an overall deadline, calling `on_status` with every answer (pass `|_| {}` when
/// you only want the result).
///
/// Polls that fail with a retryable error (a network fault, 429, 5xx) do not end the wait;
/// the next poll tries again. A poll still running at the deadline is abandoned. Works with
/// any [`SenjaroApi`]: the client, the sandbox, a fake.
///
/// # Errors
///
/// [`Error::Timeout`] if the payment is not final within `options`' timeout (the last status
/// seen was passed to `on_status`); any non-retryable error of a poll, such as 401 or an
/// unknown reference.
pub async fn wait_for_final<A>(
    api: &A,
    reference: &Reference,
    options: WaitOptions,
    mut on_status: impl FnMut(&PaymentStatusResponse) + Send,
) -> Result<PaymentStatusResponse>
where
    A: SenjaroApi + ?Sized,
{
    let timeout = options.timeout.min(MAX_TIMEOUT);
    let deadline = tokio::time::Instant::now() + timeout;
    let max_delay = options.max_delay.clamp(MIN_POLL_DELAY, MAX_TIMEOUT);
    let mut delay = options.first_delay.clamp(MIN_POLL_DELAY, max_delay);
    let mut last_poll = false;
    loop {
        let poll = api.payment_status(PaymentStatusRequest::new(reference.clone()));
        match tokio::time::timeout_at(deadline, poll).await {
            Err(_) => return Err(Error::wait_timeout(timeout)),
            Ok(Ok(status)) => {
                on_status(&status);
                if status.status.is_final() {
                    return Ok(status);
                }
            }
            Ok(Err(e)) if e.is_retryable() => {
                tracing::debug!(error = %e, "status poll failed, polling again");
            }
            Ok(Err(e)) => return Err(e),
        }
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        if delay < remaining {
            tokio::time::sleep(delay).await;
            delay = delay.mul_f64(1.5).min(max_delay);
        } else if !last_poll && !remaining.is_zero() {
            // The next pause would pass the deadline: poll once more halfway there, leaving
            // that poll the other half to answer.
            last_poll = true;
            tokio::time::sleep(remaining / 2).await;
        } else {
            return Err(Error::wait_timeout(timeout));
        }
    }
}
