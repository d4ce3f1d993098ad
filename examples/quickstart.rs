//! Create a mobile-money payment and follow it to its final state.
//!
//! With `SENJARO_API_KEY` and `SENJARO_API_SECRET` set (and optionally `SENJARO_BASE_URL`),
//! this talks to that SenjaroPay. With neither set, it starts the embedded sandbox and runs
//! the same flow against it. Set `RUST_LOG=debug` to see each HTTP attempt.

#![allow(clippy::print_stdout)] // a command-line program: printing is its job

use std::process::ExitCode;
use std::time::{Duration, Instant};

use senjaro_api::sandbox::Sandbox;
use senjaro_api::{
    Client, CreatePaymentRequest, Customer, PaymentDetails, PaymentStatus, PaymentType, SenjaroApi, WaitOptions,
    wait_for_final,
};

#[tokio::main]
async fn main() -> ExitCode {
    init_tracing();
    match run().await {
        Ok(PaymentStatus::Completed) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(2),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<PaymentStatus, Box<dyn std::error::Error>> {
    let (client, _sandbox) = connect().await?;

    let request = CreatePaymentRequest::new(
        PaymentType::Mobile,
        PaymentDetails::new("1000.00".parse()?, "TZS".parse()?),
        "255712345678".parse()?,
        Customer::new("Jane Doe", "jane@example.com"),
    );
    let created = client.create_payment(request).await?;
    println!("created payment {}", created.reference());
    println!("idempotency key  {}", created.idempotency_key);

    let started = Instant::now();
    let options = WaitOptions::default().timeout(Duration::from_secs(120));
    let last = wait_for_final(&client, created.reference(), options, |status| {
        println!("  {:>5.1}s  {}", started.elapsed().as_secs_f64(), status.status);
    })
    .await?;

    println!("final status     {}", last.status);
    if last.status == PaymentStatus::Failed {
        let reason = last.extra.get("failure_reason").map(ToString::to_string);
        println!(
            "failure reason   {}",
            reason.or(last.message.clone()).unwrap_or_default()
        );
    }
    Ok(last.status)
}

/// The client for the configured SenjaroPay, or for an embedded sandbox when no credentials
/// are set. The sandbox is returned too: it stops when dropped.
async fn connect() -> Result<(Client, Option<Sandbox>), Box<dyn std::error::Error>> {
    let key = std::env::var_os("SENJARO_API_KEY");
    let secret = std::env::var_os("SENJARO_API_SECRET");
    match (key, secret) {
        (Some(_), Some(_)) => {
            let client = Client::from_env()?;
            println!("using {}", client.base_url());
            Ok((client, None))
        }
        (None, None) => {
            if std::env::var_os("SENJARO_BASE_URL").is_some() {
                return Err("SENJARO_BASE_URL is set but SENJARO_API_KEY and SENJARO_API_SECRET are not".into());
            }
            let sandbox = Sandbox::start().await?;
            println!(
                "no credentials set: using the embedded sandbox at {}",
                sandbox.base_url()
            );
            Ok((sandbox.client()?, Some(sandbox)))
        }
        _ => Err("set both SENJARO_API_KEY and SENJARO_API_SECRET (or neither, to use the embedded sandbox)".into()),
    }
}

/// Logs to stderr filtered by `RUST_LOG` (for example `RUST_LOG=senjaro_api=debug`).
fn init_tracing() {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;

    let Some(filter) = std::env::var("RUST_LOG")
        .ok()
        .and_then(|f| f.parse::<tracing_subscriber::filter::Targets>().ok())
    else {
        return;
    };
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(filter)
        .init();
}
