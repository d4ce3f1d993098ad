//! `senjaro`: create SenjaroPay mobile-money payments, follow them, list the API's endpoints
//! and run the embedded sandbox, from a shell or a script.
//!
//! Built only with the `cli` feature: `cargo install --path senjaro-api --features cli`.
//! Everything it prints goes through `output` (stdout) or `failure` (errors); credentials are
//! read from the environment by `connect` and never printed.

use std::ffi::OsString;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, CommandFactory as _, Parser, Subcommand};
use senjaro_api::{Amount, Currency, IdempotencyKey, Msisdn, PaymentType};

// The crate root sits in src/bin/, beside the other binaries' files: its modules live in
// src/bin/senjaro/.
#[path = "senjaro/connect.rs"]
mod connect;
#[path = "senjaro/duration.rs"]
mod duration;
#[path = "senjaro/failure.rs"]
mod failure;
#[path = "senjaro/output.rs"]
mod output;
#[path = "senjaro/payments.rs"]
mod payments;
#[path = "senjaro/serve.rs"]
mod serve;

use failure::{CliError, exit};

const AFTER_HELP: &str = "\
Credentials:
  Read only from SENJARO_API_KEY and SENJARO_API_SECRET (never from flags); the base URL from
  --base-url, else SENJARO_BASE_URL, else https://api.senjaropay.com. With neither variable
  set, a loopback base URL (http://127.0.0.1:PORT, http://localhost:PORT, http://[::1]:PORT,
  as printed by `senjaro sandbox`) uses the sandbox's public placeholder credentials; any
  other base URL requires both variables.

Output:
  Results go to stdout. Errors are one line on stderr. With --json, stdout holds exactly one
  JSON document per command, errors included:
    {\"error\": {\"kind\", \"message\", \"status\", \"error_code\", \"idempotency_key\", \"exit_code\"}}
  (the one-line message is still written to stderr).

Exit codes:
  0  success (`payments wait`: the payment COMPLETED)
  1  could not run (the sandbox port is taken, stdout cannot be written)
  2  invalid input: bad flags or values (phone, amount, key, duration), missing or bad
     configuration (credentials, base URL)
  3  API error: SenjaroPay answered with a non-2xx status
  4  transport failure, timeout (`payments wait` included) or an answer that cannot be read
  5  outcome unknown: the create may have reached SenjaroPay; run it again with the same
     --idempotency-key, never a new one
  6  `payments wait`: the payment ended FAILED (the payment is printed as on success)
  130  `payments wait` interrupted by Ctrl-C (run it again to resume)";

/// Command-line client for the SenjaroPay merchant API: create mobile-money payments, follow
/// them to their final state, run the sandbox.
#[derive(Debug, Parser)]
#[command(name = "senjaro", version, after_help = AFTER_HELP)]
struct Cli {
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help_heading = "Global options",
        help = "SenjaroPay base URL [default: $SENJARO_BASE_URL, else https://api.senjaropay.com]"
    )]
    base_url: Option<String>,

    /// Time limit of each API call, retries included, such as 30s, 2m or 500ms; give it
    /// before the subcommand [default: 60s]
    #[arg(long, value_name = "DURATION", value_parser = duration::parse_limit, help_heading = "Global options")]
    timeout: Option<Duration>,

    /// Machine-readable output: exactly one JSON document on stdout, errors included
    #[arg(long, global = true, help_heading = "Global options")]
    json: bool,

    /// Log what the client does to stderr (-v debug, -vv trace); credentials are never logged
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Global options")]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a payment, read its status, wait for its final state
    #[command(subcommand)]
    Payments(PaymentsCommand),
    /// Run the embedded sandbox on 127.0.0.1 until Ctrl-C
    Sandbox(SandboxArgs),
    /// List the API's endpoints as the spec declares them
    Endpoints,
    /// Print the OpenAPI 3.1 document generated from the spec
    Openapi,
}

#[derive(Debug, Subcommand)]
enum PaymentsCommand {
    /// Push a payment prompt to a phone; prints the reference and the idempotency key used
    Create(CreateArgs),
    /// Print a payment's current status
    Status {
        /// The reference `payments create` printed
        reference: String,
    },
    /// Poll a payment until it is COMPLETED (exit 0) or FAILED (exit 6)
    Wait {
        /// The reference `payments create` printed
        reference: String,
        /// How long to wait in all, such as 120s or 5m
        #[arg(long, value_name = "DURATION", default_value = "120s", value_parser = duration::parse_limit)]
        timeout: Duration,
    },
}

#[derive(Debug, Args)]
struct CreateArgs {
    /// Amount to collect, a decimal such as 1000.00
    #[arg(long, allow_negative_numbers = true, value_parser = parse_amount)]
    amount: Amount,
    /// ISO 4217 currency code, such as TZS
    #[arg(long, value_parser = parse_currency)]
    currency: Currency,
    /// The payer's Tanzanian mobile number: 0712345678, 255712345678 or +255 712 345 678
    #[arg(long, value_parser = parse_phone)]
    phone: Msisdn,
    /// The payer's name
    #[arg(long)]
    name: String,
    /// The payer's email address
    #[arg(long)]
    email: String,
    /// Per-payment webhook URL (https, or http on a loopback host)
    #[arg(long, value_name = "URL")]
    webhook_url: Option<String>,
    /// Idempotency key to send (default: a fresh UUID). Reuse the printed one to retry a
    /// create whose outcome is unknown
    #[arg(long, value_name = "KEY", value_parser = parse_idempotency_key)]
    idempotency_key: Option<IdempotencyKey>,
    #[arg(
        long,
        value_name = "TYPE",
        default_value = "MOBILE",
        value_parser = parse_payment_type,
        help = "The payment_type to send"
    )]
    payment_type: PaymentType,
}

#[derive(Debug, Args)]
struct SandboxArgs {
    /// Port of 127.0.0.1 to listen on (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// How long each payment stays PENDING before its final state, such as 2s or 0s
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = duration::parse_delay)]
    completion_delay: Duration,
}

fn parse_amount(text: &str) -> Result<Amount, String> {
    text.trim().parse::<Amount>().map_err(|e| e.reason_text())
}

fn parse_currency(text: &str) -> Result<Currency, String> {
    text.trim().parse::<Currency>().map_err(|e| e.reason_text())
}

fn parse_phone(text: &str) -> Result<Msisdn, String> {
    text.parse::<Msisdn>().map_err(|e| e.reason_text())
}

fn parse_idempotency_key(text: &str) -> Result<IdempotencyKey, String> {
    IdempotencyKey::new(text).map_err(|e| e.reason_text())
}

fn parse_payment_type(text: &str) -> Result<PaymentType, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("must not be empty (the known value is MOBILE)".to_owned());
    }
    let Ok(kind) = text.parse::<PaymentType>();
    Ok(kind)
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    // Known before parsing, so that a parse error can be reported as JSON too.
    let json = args.iter().skip(1).take_while(|a| *a != "--").any(|a| a == "--json");
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return failure::clap_error(&e, &command_path(&args), json),
    };
    init_tracing(cli.verbose);
    let json = cli.json;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return CliError::io(format!("cannot start the async runtime: {e}")).report(json),
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => e.report(json),
    }
}

/// The (sub)command the arguments name, such as `senjaro payments create`, for "see --help".
fn command_path(args: &[OsString]) -> String {
    let mut command = Cli::command();
    let mut path = vec![command.get_name().to_owned()];
    for arg in args.iter().skip(1).filter_map(|a| a.to_str()) {
        if arg == "--" {
            break;
        }
        if let Some(sub) = command.find_subcommand(arg).cloned() {
            path.push(sub.get_name().to_owned());
            command = sub;
        }
    }
    path.join(" ")
}

async fn run(cli: Cli) -> Result<u8, CliError> {
    match cli.command {
        Command::Payments(command) => {
            let client = connect::client(cli.base_url.as_deref(), cli.timeout)?;
            payments::run(&client, command, cli.json).await
        }
        Command::Sandbox(args) => serve::run(&args, cli.json).await,
        Command::Endpoints => output::endpoints(cli.json).map(|()| exit::SUCCESS),
        Command::Openapi => output::openapi().map(|()| exit::SUCCESS),
    }
}

/// With `-v`, logs of this tool and the SDK go to stderr. Other crates (HTTP internals) stay
/// quiet: the SDK's own logs never hold a credential or a full phone number.
fn init_tracing(verbose: u8) {
    use std::io::IsTerminal as _;
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;

    let level = match verbose {
        0 => return,
        1 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    };
    let filter = Targets::new()
        .with_target("senjaro", level)
        .with_target("senjaro_api", level)
        .with_target("senjaro_spec", level);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    // Fails only if a subscriber is already set, which nothing else here does.
    let _ = tracing_subscriber::registry().with(layer).with(filter).try_init();
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory as _, Parser as _};

    use super::Cli;

    #[test]
    fn the_command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_go_anywhere_but_the_call_timeout_goes_first() {
        let cli = Cli::try_parse_from([
            "senjaro",
            "--timeout",
            "5s",
            "payments",
            "status",
            "r1",
            "--json",
            "-vv",
        ])
        .expect("parses");
        assert!(cli.json);
        assert_eq!(cli.verbose, 2);
        assert_eq!(cli.timeout, Some(std::time::Duration::from_secs(5)));
        assert!(Cli::try_parse_from(["senjaro", "payments", "status", "r1", "--timeout", "5s"]).is_err());
        let cli = Cli::try_parse_from(["senjaro", "payments", "wait", "r1", "--timeout", "2m"]).expect("parses");
        assert_eq!(cli.timeout, None);
    }

    #[test]
    fn create_values_are_checked_while_parsing() {
        let base = [
            "senjaro",
            "payments",
            "create",
            "--amount",
            "1000.00",
            "--currency",
            "TZS",
            "--name",
            "Jane",
            "--email",
            "j@example.com",
        ];
        let with = |extra: &[&str]| Cli::try_parse_from(base.iter().chain(extra));
        assert!(with(&["--phone", "0712345678"]).is_ok());
        assert!(with(&["--phone", "0812345678"]).is_err());
        assert!(with(&["--phone", "0712345678", "--idempotency-key", "has space"]).is_err());
        assert!(with(&["--phone", "0712345678", "--payment-type", ""]).is_err());
    }
}
