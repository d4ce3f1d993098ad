//! `senjaro sandbox`: the embedded sandbox as a standalone server on 127.0.0.1.

use std::fmt::Write as _;

use senjaro_api::sandbox::{
    Outcome, SANDBOX_API_KEY, SANDBOX_API_SECRET, Sandbox, TEST_NUMBERS, describe_test_numbers,
};
use serde_json::{Value, json};

use crate::SandboxArgs;
use crate::failure::{CliError, exit};
use crate::output::{emit, emit_json, rows};

/// Starts the sandbox, prints how to use it, serves until Ctrl-C (or SIGTERM).
pub(crate) async fn run(args: &SandboxArgs, json: bool) -> Result<u8, CliError> {
    let sandbox = Sandbox::builder()
        .port(args.port)
        .completion_delay(args.completion_delay)
        .start()
        .await
        .map_err(|e| {
            CliError::io(format!(
                "cannot listen on 127.0.0.1:{}: {e}; choose another --port (0 picks a free one)",
                args.port
            ))
        })?;
    let base_url = sandbox.base_url();
    tracing::info!(%base_url, "sandbox listening");
    if json {
        emit_json(&describe_json(&base_url, args))?;
    } else {
        emit(&describe_text(&base_url, args))?;
    }
    shutdown_signal()
        .await
        .map_err(|e| CliError::io(format!("cannot listen for Ctrl-C: {e}")))?;
    drop(sandbox);
    tracing::info!("sandbox stopped");
    Ok(exit::SUCCESS)
}

fn describe_text(base_url: &str, args: &SandboxArgs) -> String {
    let mut text = format!("SenjaroPay sandbox listening on {base_url} (Ctrl-C to stop)\n\n");
    text.push_str(&rows(&[
        ("base URL".to_owned(), base_url.to_owned()),
        ("API key".to_owned(), SANDBOX_API_KEY.to_owned()),
        ("API secret".to_owned(), SANDBOX_API_SECRET.to_owned()),
        (
            "payments".to_owned(),
            format!("PENDING for {:?}, then final", args.completion_delay),
        ),
    ]));
    let _ = write!(
        text,
        "\nThe credentials are public placeholders. From another terminal, with SENJARO_API_KEY and\n\
         SENJARO_API_SECRET unset (a loopback URL then uses them):\n\n  \
         senjaro --base-url {base_url} payments create --amount 1000.00 --currency TZS \\\n      \
         --phone 255700000001 --name 'Jane Doe' --email jane@example.com\n\n\
         Test numbers:\n"
    );
    for line in describe_test_numbers().lines() {
        let _ = writeln!(text, "  {line}");
    }
    text
}

fn describe_json(base_url: &str, args: &SandboxArgs) -> Value {
    let numbers: Vec<Value> = TEST_NUMBERS
        .iter()
        .map(|(number, outcome, description)| {
            let (status, reason) = match outcome {
                Outcome::Completes => ("COMPLETED", None),
                Outcome::Fails(reason) | Outcome::TimesOut(reason) => ("FAILED", Some(*reason)),
                Outcome::StaysPending => ("PENDING", None),
                _ => ("UNKNOWN", None),
            };
            json!({
                "number": number,
                "final_status": status,
                "failure_reason": reason,
                "description": description,
            })
        })
        .collect();
    json!({
        "base_url": base_url,
        "api_key": SANDBOX_API_KEY,
        "api_secret": SANDBOX_API_SECRET,
        "completion_delay_ms": u64::try_from(args.completion_delay.as_millis()).unwrap_or(u64::MAX),
        "test_numbers": numbers,
        "other_numbers": "COMPLETED",
    })
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
async fn shutdown_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
