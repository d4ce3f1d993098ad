//! Fault injection: make the next calls misbehave the way networks and gateways do.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// One way a call can go wrong, injected with [`Server::inject`](super::Server::inject) or
/// [`Sandbox::inject`](super::Sandbox::inject).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and a documented `ApiError` body, without acting (429, 503...).
    /// A 429 carries `Retry-After: 0`.
    Status(u16),
    /// Answer with this status and an HTML page, as a proxy in front of the API would.
    Html(u16),
    /// Close the connection without answering, without acting on the request.
    Drop,
    /// Act on the request (a create is created), then close the connection without answering:
    /// the answer is lost on the way back.
    DropAnswer,
    /// Wait this long, then handle the request normally.
    Delay(Duration),
}

/// The queue of faults still to inject, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Faults(Mutex<VecDeque<Fault>>);

impl Faults {
    pub(crate) fn inject(&self, fault: &Fault, times: usize) {
        let mut queue = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        queue.extend(std::iter::repeat_n(fault, times).cloned());
    }

    pub(crate) fn next(&self) -> Option<Fault> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).pop_front()
    }
}
