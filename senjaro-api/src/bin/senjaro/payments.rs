//! `senjaro payments create | status | wait`.

use std::io::{IsTerminal as _, Write as _};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use senjaro_api::{
    Client, CreatePaymentRequest, Customer, Error, PaymentDetails, PaymentStatus, PaymentStatusRequest, Reference,
    SenjaroApi as _, WaitOptions, wait_for_final,
};
use serde_json::json;

use crate::failure::{CliError, exit};
use crate::output::{emit, emit_json, payment_text, rows};
use crate::{CreateArgs, PaymentsCommand};

/// Runs one payments subcommand and gives its exit code.
pub(crate) async fn run(client: &Client, command: PaymentsCommand, json: bool) -> Result<u8, CliError> {
    match command {
        PaymentsCommand::Create(args) => create(client, args, json).await,
        PaymentsCommand::Status { reference } => status(client, Reference::new(reference), json).await,
        PaymentsCommand::Wait { reference, timeout } => wait(client, Reference::new(reference), timeout, json).await,
    }
}

async fn create(client: &Client, args: CreateArgs, json: bool) -> Result<u8, CliError> {
    let mut request = CreatePaymentRequest::new(
        args.payment_type,
        PaymentDetails::new(args.amount, args.currency),
        args.phone,
        Customer::new(args.name, args.email),
    );
    if let Some(url) = args.webhook_url {
        request = request.with_webhook_url(url);
    }
    if let Some(key) = args.idempotency_key {
        request = request.with_idempotency_key(key);
    }
    let created = client
        .create_payment(request)
        .await
        .map_err(|e| CliError::from_sdk(&e))?;
    if json {
        emit_json(&json!({
            "reference": created.reference(),
            "idempotency_key": created.idempotency_key.as_str(),
            "response": created.response,
        }))?;
    } else {
        emit(&rows(&[
            ("reference".to_owned(), created.reference().to_string()),
            ("idempotency key".to_owned(), created.idempotency_key.to_string()),
        ]))?;
    }
    Ok(exit::SUCCESS)
}

async fn status(client: &Client, reference: Reference, json: bool) -> Result<u8, CliError> {
    let payment = client
        .payment_status(PaymentStatusRequest::new(reference))
        .await
        .map_err(|e| CliError::from_sdk(&e))?;
    print_payment(&payment, json)?;
    Ok(exit::SUCCESS)
}

async fn wait(client: &Client, reference: Reference, timeout: Duration, json: bool) -> Result<u8, CliError> {
    let options = WaitOptions::default().timeout(timeout);
    let last_seen: Mutex<Option<PaymentStatus>> = Mutex::new(None);
    let progress = std::io::stderr().is_terminal().then(|| Progress::new(&reference));
    let waiting = wait_for_final(client, &reference, options, |payment| {
        *last_seen.lock().unwrap_or_else(PoisonError::into_inner) = Some(payment.status.clone());
    });
    // Redraws (on a terminal) until the wait ends, bounded by `timeout`, or Ctrl-C stops it.
    let result = {
        let mut waiting = std::pin::pin!(waiting);
        let mut tick = tokio::time::interval(Duration::from_millis(125));
        let mut interrupt = std::pin::pin!(tokio::signal::ctrl_c());
        loop {
            tokio::select! {
                result = &mut waiting => break Some(result),
                _ = &mut interrupt => break None,
                _ = tick.tick(), if progress.is_some() => {
                    if let Some(progress) = &progress {
                        progress.draw(last_seen.lock().unwrap_or_else(PoisonError::into_inner).as_ref());
                    }
                }
            }
        }
    };
    if progress.is_some() {
        Progress::clear();
    }
    let Some(result) = result else {
        let last = last_seen.into_inner().unwrap_or_else(PoisonError::into_inner);
        let seen = last.map_or_else(|| "no status yet".to_owned(), |s| format!("last seen {s}"));
        return Err(CliError::interrupted(format!(
            "interrupted while waiting for payment {reference} ({seen}); run `senjaro payments wait {reference}` again to resume"
        )));
    };
    let payment = match result {
        Ok(payment) => payment,
        Err(Error::Timeout(_)) => {
            let last = last_seen.into_inner().unwrap_or_else(PoisonError::into_inner);
            let seen = match last {
                Some(status) => format!("is still {status}"),
                None => "could not be read (no status poll succeeded)".to_owned(),
            };
            return Err(CliError::wait_timeout(format!(
                "payment {reference} {seen} after {timeout:?}: run `senjaro payments wait {reference}` again or raise its --timeout"
            )));
        }
        Err(e) => return Err(CliError::from_sdk(&e)),
    };
    print_payment(&payment, json)?;
    Ok(match payment.status {
        PaymentStatus::Failed => exit::PAYMENT_FAILED,
        _ => exit::SUCCESS,
    })
}

fn print_payment(payment: &senjaro_api::PaymentStatusResponse, json: bool) -> Result<(), CliError> {
    if json {
        let document =
            serde_json::to_value(payment).map_err(|e| CliError::io(format!("cannot encode the payment: {e}")))?;
        emit_json(&document)
    } else {
        emit(&payment_text(payment))
    }
}

/// A one-line spinner on stderr, shown only when stderr is a terminal.
struct Progress {
    reference: String,
    started: Instant,
    frame: Mutex<usize>,
}

impl Progress {
    fn new(reference: &Reference) -> Self {
        Progress {
            reference: reference.to_string(),
            started: Instant::now(),
            frame: Mutex::new(0),
        }
    }

    fn draw(&self, status: Option<&PaymentStatus>) {
        const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
        let mut frame = self.frame.lock().unwrap_or_else(PoisonError::into_inner);
        *frame = (*frame + 1) % FRAMES.len();
        let status = status.map_or("…", PaymentStatus::as_str);
        let mut err = std::io::stderr().lock();
        // Progress is a courtesy: a failed write to the terminal changes nothing.
        let _ = write!(
            err,
            "\r\x1b[2K{} waiting for {}: {status} ({}s)",
            FRAMES[*frame],
            self.reference,
            self.started.elapsed().as_secs()
        )
        .and_then(|()| err.flush());
    }

    fn clear() {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K").and_then(|()| err.flush());
    }
}
