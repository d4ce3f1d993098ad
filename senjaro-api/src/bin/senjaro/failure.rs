//! What a failed command reports: one line on stderr naming what to fix, the exit code, and
//! with `--json` the same error as one JSON document on stdout.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use senjaro_api::Error;
use serde_json::{Value, json};

/// The exit codes, documented in `--help` and the README.
pub(crate) mod exit {
    /// The command did what it was asked (`payments wait`: the payment COMPLETED).
    pub(crate) const SUCCESS: u8 = 0;
    /// The command could not run: the sandbox port is taken, stdout cannot be written.
    pub(crate) const COULD_NOT_RUN: u8 = 1;
    /// Bad flags or values, or missing or bad configuration.
    pub(crate) const INVALID_INPUT: u8 = 2;
    /// SenjaroPay answered with a non-2xx status.
    pub(crate) const API_ERROR: u8 = 3;
    /// A transport failure, a timeout, or an answer that cannot be read.
    pub(crate) const TRANSPORT: u8 = 4;
    /// The create may have reached SenjaroPay; its answer was lost.
    pub(crate) const OUTCOME_UNKNOWN: u8 = 5;
    /// `payments wait`: the payment ended FAILED.
    pub(crate) const PAYMENT_FAILED: u8 = 6;
    /// `payments wait` was interrupted (Ctrl-C), as shells report for SIGINT.
    pub(crate) const INTERRUPTED: u8 = 130;
}

/// A failed command.
#[derive(Debug)]
pub(crate) struct CliError {
    kind: &'static str,
    exit: u8,
    message: String,
    status: Option<u16>,
    error_code: Option<String>,
    idempotency_key: Option<String>,
}

impl CliError {
    fn new(kind: &'static str, exit: u8, message: impl Into<String>) -> Self {
        CliError {
            kind,
            exit,
            message: message.into(),
            status: None,
            error_code: None,
            idempotency_key: None,
        }
    }

    /// Missing or bad configuration (credentials, base URL): exit 2.
    pub(crate) fn config(message: impl Into<String>) -> Self {
        CliError::new("config", exit::INVALID_INPUT, message)
    }

    /// The command could not run for a local reason: exit 1.
    pub(crate) fn io(message: impl Into<String>) -> Self {
        CliError::new("io", exit::COULD_NOT_RUN, message)
    }

    /// A wait stopped by Ctrl-C: exit 130.
    pub(crate) fn interrupted(message: impl Into<String>) -> Self {
        CliError::new("interrupted", exit::INTERRUPTED, message)
    }

    /// A wait that ran out of time: exit 4.
    pub(crate) fn wait_timeout(message: impl Into<String>) -> Self {
        CliError::new("timeout", exit::TRANSPORT, message)
    }

    /// The error of an SDK call, with a hint at what to do about it.
    pub(crate) fn from_sdk(e: &Error) -> Self {
        let mut error = match e {
            Error::Api(api) => {
                let hint = match api.status() {
                    401 | 403 => {
                        "; check SENJARO_API_KEY and SENJARO_API_SECRET (unset both to use a loopback sandbox's placeholders)"
                    }
                    _ => "",
                };
                let mut error = CliError::new("api", exit::API_ERROR, format!("{e}{hint}"));
                error.error_code = api.code().map(|c| c.as_str().to_owned());
                error
            }
            Error::Decode(_) => CliError::new("decode", exit::TRANSPORT, e.to_string()),
            Error::Transport(_) => CliError::new(
                "transport",
                exit::TRANSPORT,
                format!("{e}; check --base-url (or SENJARO_BASE_URL) and the network"),
            ),
            Error::Timeout(_) => CliError::new(
                "timeout",
                exit::TRANSPORT,
                format!("{e}; try again, or allow longer with --timeout before the subcommand"),
            ),
            Error::OutcomeUnknown(unknown) => CliError::new(
                "outcome_unknown",
                exit::OUTCOME_UNKNOWN,
                format!(
                    "{e}; rerun the same create with --idempotency-key {}",
                    unknown.idempotency_key()
                ),
            ),
            Error::InvalidRequest(invalid) => CliError::new(
                "invalid_input",
                exit::INVALID_INPUT,
                format!("invalid {}: {}", flag_of(invalid.field()), invalid.reason()),
            ),
            Error::Config(_) => CliError::new("config", exit::INVALID_INPUT, e.to_string()),
            _ => CliError::new("other", exit::COULD_NOT_RUN, e.to_string()),
        };
        error.status = e.status();
        error.idempotency_key = e.idempotency_key().map(ToString::to_string);
        error
    }

    /// The exit code.
    #[cfg(test)]
    pub(crate) fn exit_code(&self) -> u8 {
        self.exit
    }

    /// The error as the `--json` document.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "error": {
                "kind": self.kind,
                "message": self.message,
                "status": self.status,
                "error_code": self.error_code,
                "idempotency_key": self.idempotency_key,
                "exit_code": self.exit,
            }
        })
    }

    /// The one line for stderr.
    pub(crate) fn line(&self) -> String {
        let mut line = format!("error: {}", self.message);
        // The key matters once a create may have been sent; the outcome-unknown message has it.
        let sent = matches!(self.kind, "api" | "decode" | "transport" | "timeout");
        if let (Some(key), true) = (&self.idempotency_key, sent) {
            let _ = write!(line, " (idempotency key {key})");
        }
        // One line, whatever a server put in its message.
        line.replace(['\n', '\r'], " ")
    }

    /// Writes the error (stderr, and stdout with `--json`) and gives the exit code.
    pub(crate) fn report(&self, json: bool) -> ExitCode {
        if json {
            let mut out = std::io::stdout().lock();
            // Nothing more can be done if stdout is gone; stderr still gets the line.
            let _ = writeln!(out, "{}", crate::output::redact(&self.to_json().to_string())).and_then(|()| out.flush());
        }
        let _ = writeln!(std::io::stderr().lock(), "{}", crate::output::redact(&self.line()));
        ExitCode::from(self.exit)
    }
}

/// The command-line name of a request field an SDK error names.
fn flag_of(field: &str) -> String {
    match field {
        "phone_number" => "--phone".to_owned(),
        "details.amount" | "amount" => "--amount".to_owned(),
        "details.currency" | "currency" => "--currency".to_owned(),
        "webhook_url" => "--webhook-url".to_owned(),
        "idempotency_key" => "--idempotency-key".to_owned(),
        "payment_type" => "--payment-type".to_owned(),
        "referenceId" => "REFERENCE".to_owned(),
        other => format!("`{other}`"),
    }
}

/// Reports a command-line parse error: `--help` and `--version` print and succeed; a missing
/// subcommand prints the help on stderr; anything else is one line. All but the first exit 2.
pub(crate) fn clap_error(e: &clap::Error, command: &str, json: bool) -> ExitCode {
    if !e.use_stderr() {
        // --help or --version: a normal, successful answer on stdout.
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let rendered = e.render().to_string();
    if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let message = format!("`{command}` needs a subcommand; see `{command} --help`");
        if json {
            return CliError::new("invalid_input", exit::INVALID_INPUT, message).report(true);
        }
        let _ = write!(std::io::stderr().lock(), "{rendered}");
        return ExitCode::from(exit::INVALID_INPUT);
    }
    CliError::new("invalid_input", exit::INVALID_INPUT, one_line(&rendered, command)).report(json)
}

/// Clap's error text (message, context, usage, tip) as one line: the message and context,
/// then where to read more.
fn one_line(rendered: &str, command: &str) -> String {
    let mut parts = Vec::new();
    let mut in_usage = false;
    for line in rendered.lines() {
        let line = line.trim();
        if line.is_empty() {
            in_usage = false;
            continue;
        }
        if line.starts_with("Usage:") {
            in_usage = true;
            continue;
        }
        if in_usage || line.starts_with("For more information") {
            continue;
        }
        parts.push(line.strip_prefix("error: ").unwrap_or(line));
    }
    format!("{}; see `{command} --help`", parts.join(" "))
}

#[cfg(test)]
mod tests {
    use senjaro_api::{ApiError, Error, IdempotencyKey};

    use super::{CliError, exit, one_line};

    #[test]
    fn clap_errors_become_one_line_naming_the_command() {
        let rendered = "error: the following required arguments were not provided:\n  --amount <AMOUNT>\n  --phone <PHONE>\n\nUsage: senjaro payments create --amount <AMOUNT> --phone <PHONE>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(rendered, "senjaro payments create"),
            "the following required arguments were not provided: --amount <AMOUNT> --phone <PHONE>; see `senjaro payments create --help`"
        );
        assert_eq!(
            one_line(
                "error: unrecognized subcommand 'pay'\n\nUsage: senjaro [OPTIONS] <COMMAND>\n",
                "senjaro"
            ),
            "unrecognized subcommand 'pay'; see `senjaro --help`"
        );
    }

    #[test]
    fn sdk_errors_map_to_documented_codes() {
        let key = IdempotencyKey::new("order-1").expect("valid");
        let api: Error = ApiError::new(401, br#"{"error_code":"unauthorized","message":"bad"}"#).into();
        let cli = CliError::from_sdk(&api.with_idempotency_key(&key));
        assert_eq!(cli.exit_code(), exit::API_ERROR);
        let doc = cli.to_json();
        assert_eq!(doc["error"]["kind"], "api");
        assert_eq!(doc["error"]["status"], 401);
        assert_eq!(doc["error"]["error_code"], "unauthorized");
        assert_eq!(doc["error"]["idempotency_key"], "order-1");
        assert!(cli.line().contains("SENJARO_API_SECRET"));

        let cases = [
            (Error::transport("refused", None), exit::TRANSPORT, "transport"),
            (
                Error::timeout(std::time::Duration::from_secs(1), None),
                exit::TRANSPORT,
                "timeout",
            ),
            (
                Error::outcome_unknown(key, 3, "lost"),
                exit::OUTCOME_UNKNOWN,
                "outcome_unknown",
            ),
            (
                Error::invalid_request("details.amount", "must be greater than zero"),
                exit::INVALID_INPUT,
                "invalid_input",
            ),
            (Error::config("bad url"), exit::INVALID_INPUT, "config"),
        ];
        for (error, code, kind) in cases {
            let cli = CliError::from_sdk(&error);
            assert_eq!(cli.exit_code(), code, "{error}");
            assert_eq!(cli.to_json()["error"]["kind"], kind);
            assert!(!cli.line().contains('\n'));
        }
        let cli = CliError::from_sdk(&Error::invalid_request("details.amount", "must be greater than zero"));
        assert_eq!(cli.line(), "error: invalid --amount: must be greater than zero");
    }
}
