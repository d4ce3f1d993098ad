//! `wait_for_final` against a scripted server: which poll failures it rides out, which end the
//! wait, and that its timeout bounds the whole wait.

use std::time::{Duration, Instant};

use senjaro_api::{Error, PaymentStatus, Reference, Timeouts, WaitOptions, wait_for_final};
use senjaro_tests::{Action, ScriptedServer, client_for};

const PENDING: &str = r#"{"status":"PENDING","reference_id":"mock-ref-7b2a4f3e"}"#;
const COMPLETED: &str = r#"{"status":"COMPLETED","reference_id":"mock-ref-7b2a4f3e"}"#;

fn quick(timeout: Duration) -> WaitOptions {
    WaitOptions::default()
        .first_delay(Duration::from_millis(5))
        .max_delay(Duration::from_millis(10))
        .timeout(timeout)
}

fn reference() -> Reference {
    Reference::new("mock-ref-7b2a4f3e")
}

#[tokio::test]
async fn retryable_poll_failures_do_not_end_the_wait() {
    let server = ScriptedServer::start(
        vec![
            Action::typed(503, "text/plain", b"busy"),
            Action::Drop,
            Action::json(200, PENDING),
            Action::json(429, r#"{"status":"error","code":429,"error_code":"rate_limited"}"#),
        ],
        Action::json(200, COMPLETED),
    )
    .await;
    let mut seen = Vec::new();
    let last = wait_for_final(&client_for(&server), &reference(), quick(Duration::from_secs(5)), |s| {
        seen.push(s.status.clone());
    })
    .await
    .expect("completes after the failures");
    assert_eq!(last.status, PaymentStatus::Completed);
    assert_eq!(seen, vec![PaymentStatus::Pending, PaymentStatus::Completed]);
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn non_retryable_poll_failure_ends_the_wait_at_once() {
    let server = ScriptedServer::start(
        vec![Action::json(200, PENDING)],
        Action::json(401, r#"{"status":"error","code":401,"error_code":"unauthorized"}"#),
    )
    .await;
    let err = wait_for_final(
        &client_for(&server),
        &reference(),
        quick(Duration::from_secs(5)),
        |_| {},
    )
    .await
    .expect_err("401");
    assert_eq!(err.status(), Some(401));
    assert_eq!(server.requests().len(), 2, "one pending poll, then the 401");
}

#[tokio::test]
async fn a_payment_that_stays_pending_times_out_with_the_wait_limit() {
    let server = ScriptedServer::start(vec![], Action::json(200, PENDING)).await;
    let mut polls = 0_u32;
    let err = wait_for_final(
        &client_for(&server),
        &reference(),
        quick(Duration::from_millis(100)),
        |_| {
            polls += 1;
        },
    )
    .await
    .expect_err("never final");
    let Error::Timeout(timeout) = &err else {
        panic!("expected Error::Timeout, got {err:?}");
    };
    assert_eq!(timeout.limit(), Duration::from_millis(100));
    assert!(polls >= 2, "only {polls} polls in 100 ms at 5-10 ms intervals");
}

#[tokio::test]
async fn the_wait_timeout_bounds_a_poll_that_hangs() {
    // The server takes 800 ms to answer a poll; the wait may last 100 ms. WaitOptions::timeout
    // is "how long to wait in all before giving up", so the wait must end near 100 ms, not
    // when the slow poll finally returns.
    let server = ScriptedServer::start(
        vec![],
        Action::Delay(Duration::from_millis(800), Box::new(Action::json(200, PENDING))),
    )
    .await;
    let client = client_for(&server)
        .with_timeouts(Timeouts::default().attempt(Duration::from_secs(5)))
        .expect("valid timeouts");
    let started = Instant::now();
    let outcome = tokio::time::timeout(
        Duration::from_secs(5),
        wait_for_final(&client, &reference(), quick(Duration::from_millis(100)), |_| {}),
    )
    .await
    .expect("the wait ends within 5 s");
    let elapsed = started.elapsed();
    let err = outcome.expect_err("never final");
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        elapsed < Duration::from_millis(500),
        "wait_for_final with a 100 ms timeout took {elapsed:?}: the hanging poll is not bounded by the deadline"
    );
}
