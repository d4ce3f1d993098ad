//! Fault injection: make the next calls misbehave the way networks and gateways do.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// One way a call can go wrong, injected with [`Server::inject`](super::Server::inject) or
/// [`Sandbox::inject`](super::Sandbox::inject). A `Status` or `Html` code that is not an HTTP
/// status (outside 100..=999) is answered as 503.
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

/// The faults still to inject, oldest first, each with how many requests it still affects.
#[derive(Debug, Default)]
pub(crate) struct Faults(Mutex<VecDeque<(Fault, usize)>>);

impl Faults {
    pub(crate) fn inject(&self, fault: &Fault, times: usize) {
        if times > 0 {
            let mut queue = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            queue.push_back((fault.clone(), times));
        }
    }

    pub(crate) fn next(&self) -> Option<Fault> {
        let mut queue = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let (fault, left) = queue.front_mut()?;
        let fault = fault.clone();
        *left -= 1;
        if *left == 0 {
            queue.pop_front();
        }
        Some(fault)
    }
}
