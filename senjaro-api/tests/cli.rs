//! The built `senjaro` binary against an in-process sandbox on 127.0.0.1: every command,
//! every exit code, bad input, `--json` documents (errors included), and no credential in
//! any output. Every run goes through `senjaro()`, which checks the output for the test
//! credentials and bounds the run in time.

#![cfg(feature = "cli")]

use std::io::{BufRead as _, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use senjaro_api::sandbox::{Fault, SANDBOX_API_KEY, SANDBOX_API_SECRET, Sandbox, SandboxBuilder};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_senjaro");
/// Distinctive placeholders, so any leak into an output is found by a plain search.
const KEY: &str = "pk_test_PLACEHOLDER_9c1e";
const SECRET: &str = "sk_test_PLACEHOLDER_9c1e";
const CREDENTIALS: &[(&str, &str)] = &[("SENJARO_API_KEY", KEY), ("SENJARO_API_SECRET", SECRET)];
/// Every variable the binary reads, removed from each run unless the test sets it.
const VARS: &[&str] = &["SENJARO_API_KEY", "SENJARO_API_SECRET", "SENJARO_BASE_URL", "RUST_LOG"];
/// The longest any one run may take.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// One finished run of the binary.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Stdout as exactly one JSON document.
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {self:?}"))
    }

    /// Asserts the exit code and that stderr is one `error:` line, and returns that line.
    fn failed_with(&self, code: i32) -> &str {
        assert_eq!(self.code, code, "{self:?}");
        let line = self.stderr.strip_suffix('\n').unwrap_or(&self.stderr);
        assert!(line.starts_with("error: "), "{self:?}");
        assert!(!line.contains('\n'), "more than one line on stderr: {self:?}");
        assert!(!self.stderr.contains("panicked"), "{self:?}");
        line
    }

    /// Asserts the `--json` error document and returns its `error` object.
    fn json_error(&self, code: i32, kind: &str) -> Value {
        self.failed_with(code);
        let doc = self.json();
        let error = doc["error"].clone();
        assert_eq!(error["kind"], kind, "{self:?}");
        assert_eq!(error["exit_code"], code, "{self:?}");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{self:?}");
        for field in ["status", "idempotency_key", "error_code"] {
            assert!(error.get(field).is_some(), "no `{field}`: {self:?}");
        }
        error
    }

    fn success(&self) -> &Self {
        assert_eq!(self.code, 0, "{self:?}");
        assert!(self.stderr.is_empty(), "{self:?}");
        self
    }
}

/// Runs the binary with `args` and exactly the `env` given among the variables it reads.
fn senjaro(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut child = spawn(args, env);
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());
    let status =
        wait_bounded(&mut child, RUN_LIMIT).unwrap_or_else(|| panic!("senjaro {args:?} ran past {RUN_LIMIT:?}"));
    let run = Run {
        code: status
            .code()
            .unwrap_or_else(|| panic!("senjaro {args:?} was killed: {status}")),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    };
    assert_no_secret(&run);
    run
}

fn spawn(args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in VARS {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    command.spawn().expect("start the senjaro binary")
}

fn read_all(pipe: Option<impl std::io::Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            pipe.read_to_string(&mut text).expect("utf-8 output");
        }
        text
    })
}

/// Waits for `child` at most `limit`; kills it (and gives `None`) past that.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("poll the child") {
            return Some(status);
        }
        thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn assert_no_secret(run: &Run) {
    for secret in [KEY, SECRET, "PLACEHOLDER_9c1e"] {
        assert!(!run.stdout.contains(secret), "stdout shows a credential: {run:?}");
        assert!(!run.stderr.contains(secret), "stderr shows a credential: {run:?}");
    }
}

/// A sandbox on its own runtime, for a test that runs the binary from a plain thread.
struct Host {
    // Dropped before the runtime that serves it.
    sandbox: Sandbox,
    _runtime: tokio::runtime::Runtime,
}

impl Host {
    /// A sandbox that accepts only the test credentials, completing payments after 200 ms.
    fn start() -> Host {
        Host::with(
            Sandbox::builder()
                .credentials(KEY, SECRET)
                .completion_delay(Duration::from_millis(200)),
        )
    }

    fn with(builder: SandboxBuilder) -> Host {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let sandbox = runtime.block_on(builder.start()).expect("sandbox on 127.0.0.1");
        Host {
            sandbox,
            _runtime: runtime,
        }
    }

    fn url(&self) -> String {
        self.sandbox.base_url()
    }

    /// `senjaro --base-url URL <args>` with the test credentials.
    fn run(&self, args: &[&str]) -> Run {
        let url = self.url();
        let mut all = vec!["--base-url", url.as_str()];
        all.extend_from_slice(args);
        senjaro(&all, CREDENTIALS)
    }

    fn create(&self, phone: &str, extra: &[&str]) -> Run {
        let mut args = vec![
            "payments",
            "create",
            "--amount",
            "1000.00",
            "--currency",
            "TZS",
            "--phone",
            phone,
            "--name",
            "Jane Doe",
            "--email",
            "jane@example.com",
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Creates a payment and gives its reference.
    fn reference(&self, phone: &str) -> String {
        let created = self.create(phone, &["--json"]);
        created.success();
        created.json()["reference"].as_str().expect("reference").to_owned()
    }
}

/// A port of 127.0.0.1 nothing listens on (bound, then released).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1")
        .port()
}

const CREATE_VALID: &[&str] = &[
    "payments",
    "create",
    "--amount",
    "1000.00",
    "--currency",
    "TZS",
    "--phone",
    "0712345678",
    "--name",
    "Jane Doe",
    "--email",
    "jane@example.com",
];

#[test]
fn create_status_wait_as_json() {
    let host = Host::start();
    let created = host.create("0712345678", &["--json"]);
    created.success();
    let doc = created.json();
    let reference = doc["reference"].as_str().expect("reference");
    let key = doc["idempotency_key"].as_str().expect("idempotency_key");
    assert!(reference.starts_with("sbx-"), "{doc}");
    assert_eq!(doc["response"]["data"]["reference"], reference, "{doc}");
    let logged = host.sandbox.requests();
    assert_eq!(logged.len(), 1);
    assert_eq!(
        logged[0].idempotency_key.as_deref(),
        Some(key),
        "the printed key is the one sent"
    );

    let status = host.run(&["payments", "status", reference, "--json"]);
    status.success();
    let payment = status.json();
    assert_eq!(payment["reference_id"], reference);
    assert!(
        matches!(payment["status"].as_str(), Some("PENDING" | "COMPLETED")),
        "{payment}"
    );
    assert_eq!(payment["amount"], "1000.00");
    assert_eq!(payment["currency"], "TZS");

    let waited = host.run(&["payments", "wait", reference, "--json", "--timeout", "30s"]);
    waited.success();
    assert_eq!(waited.json()["status"], "COMPLETED");
    assert_eq!(waited.json()["reference_id"], reference);
}

#[test]
fn create_status_wait_as_text() {
    let host = Host::start();
    let created = host.create("+255 712 345 678", &["--idempotency-key", "order-2026-000123"]);
    created.success();
    let lines: Vec<&str> = created.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{created:?}");
    let reference = lines[0].strip_prefix("reference").expect("reference line").trim();
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["idempotency", "key", "order-2026-000123"]
    );
    assert_eq!(
        host.sandbox.requests()[0].idempotency_key.as_deref(),
        Some("order-2026-000123")
    );

    let status = host.run(&["payments", "status", reference]);
    status.success();
    assert!(
        status
            .stdout
            .starts_with(&format!("reference       {reference}\nstatus ")),
        "{status:?}"
    );
    assert!(status.stdout.contains("1000.00 TZS"), "{status:?}");

    // stderr is not a terminal here: no progress indicator, nothing on stderr at all.
    let waited = host.run(&["payments", "wait", reference]);
    waited.success();
    assert!(waited.stdout.contains("status          COMPLETED\n"), "{waited:?}");
}

#[test]
fn wait_for_a_failed_payment_exits_6_and_prints_it() {
    let host = Host::start();
    let reference = host.reference("255700000002");
    let waited = host.run(&["payments", "wait", &reference]);
    assert_eq!(waited.code, 6, "{waited:?}");
    assert!(waited.stderr.is_empty(), "{waited:?}");
    assert!(waited.stdout.contains("status          FAILED\n"), "{waited:?}");
    assert!(waited.stdout.contains("INSUFFICIENT_FUNDS"), "{waited:?}");

    let waited = host.run(&["payments", "wait", &reference, "--json"]);
    assert_eq!(waited.code, 6, "{waited:?}");
    assert_eq!(waited.json()["status"], "FAILED");
    assert_eq!(waited.json()["failure_reason"], "INSUFFICIENT_FUNDS");

    // Reading a failed payment's status is a success of `status`.
    host.run(&["payments", "status", &reference]).success();
}

#[test]
fn a_wait_that_runs_out_exits_4_naming_the_status() {
    let host = Host::start();
    let reference = host.reference("255700000004");
    let started = Instant::now();
    let waited = host.run(&["payments", "wait", &reference, "--timeout", "1s"]);
    let line = waited.failed_with(4);
    assert!(line.contains("still PENDING"), "{line}");
    assert!(line.contains(&reference), "{line}");
    assert!(started.elapsed() < Duration::from_secs(15));

    let waited = host.run(&["payments", "wait", &reference, "--timeout", "500ms", "--json"]);
    waited.json_error(4, "timeout");
}

#[test]
fn api_errors_exit_3_with_status_and_key() {
    let host = Host::start();
    let unknown = host.run(&["payments", "status", "sbx-no-such-payment", "--json"]);
    let error = unknown.json_error(3, "api");
    assert_eq!(error["status"], 404);
    assert_eq!(error["error_code"], "not_found");

    // Wrong secret: 401, naming the variables to check, showing neither value.
    let url = host.url();
    let mut args = vec!["--base-url", url.as_str(), "--json"];
    args.extend_from_slice(CREATE_VALID);
    let wrong = senjaro(
        &args,
        &[
            ("SENJARO_API_KEY", KEY),
            ("SENJARO_API_SECRET", "sk_test_WRONG_PLACEHOLDER"),
        ],
    );
    let error = wrong.json_error(3, "api");
    assert_eq!(error["status"], 401);
    assert_eq!(error["error_code"], "unauthorized");
    assert!(
        error["idempotency_key"].as_str().is_some_and(|k| !k.is_empty()),
        "{wrong:?}"
    );
    assert!(wrong.stderr.contains("SENJARO_API_SECRET"), "{wrong:?}");
    assert!(!format!("{wrong:?}").contains("sk_test_WRONG_PLACEHOLDER"), "{wrong:?}");
}

#[test]
fn transport_failures_exit_4() {
    let url = format!("http://127.0.0.1:{}", closed_port());
    let run = senjaro(
        &["--base-url", &url, "--timeout", "5s", "payments", "status", "sbx-1"],
        CREDENTIALS,
    );
    assert!(run.failed_with(4).contains("--base-url"), "{run:?}");

    let mut args = vec!["--base-url", url.as_str(), "--timeout", "5s", "--json"];
    args.extend_from_slice(CREATE_VALID);
    let run = senjaro(&args, CREDENTIALS);
    let error = run.json_error(4, "transport");
    assert!(error["idempotency_key"].is_string(), "{run:?}");
}

#[test]
fn unreadable_answers_exit_4() {
    let host = Host::start();
    host.sandbox.inject(&Fault::Html(200), 1);
    let run = host.run(&["payments", "status", "sbx-1", "--json"]);
    let error = run.json_error(4, "decode");
    assert_eq!(error["status"], 200);
}

#[test]
fn a_lost_create_answer_exits_5_and_the_same_key_recovers_it() {
    let host = Host::start();
    // Every attempt of the create is acted on, and its answer lost.
    host.sandbox.inject(&Fault::DropAnswer, 3);
    let mut args = CREATE_VALID.to_vec();
    args.extend_from_slice(&["--idempotency-key", "order-lost-1", "--json"]);
    let lost = host.run(&args);
    let error = lost.json_error(5, "outcome_unknown");
    assert_eq!(error["idempotency_key"], "order-lost-1");
    assert!(lost.stderr.contains("--idempotency-key order-lost-1"), "{lost:?}");

    // As the message says: the same create with the same key answers the payment made.
    let again = host.run(&args);
    again.success();
    let reference = again.json()["reference"].as_str().expect("reference").to_owned();
    host.run(&["payments", "status", &reference]).success();
}

#[test]
fn bad_input_exits_2_with_one_line_and_sends_nothing() {
    let host = Host::start();
    let long_key = "k".repeat(256);
    let with = |flag: &'static str, value: &str| -> Vec<String> {
        let mut args: Vec<String> = CREATE_VALID.iter().map(|a| (*a).to_owned()).collect();
        match args.iter().position(|a| a == flag) {
            Some(at) => args[at + 1] = value.to_owned(),
            None => args.extend([flag.to_owned(), value.to_owned()]),
        }
        args
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (with("--phone", "0812345678"), "--phone"),
        (with("--phone", "+254712345678"), "--phone"),
        (with("--phone", "07123"), "--phone"),
        (with("--amount", "abc"), "--amount"),
        (with("--amount", "0"), "--amount"),
        (with("--amount", "-5"), "--amount"),
        (with("--amount", "1.234"), "--amount"),
        (with("--currency", "shilling"), "--currency"),
        (with("--idempotency-key", "has space"), "--idempotency-key"),
        (with("--idempotency-key", &long_key), "--idempotency-key"),
        (with("--webhook-url", "http://example.com/hook"), "--webhook-url"),
        (vec!["payments".into(), "status".into(), String::new()], "REFERENCE"),
        (
            vec![
                "payments".into(),
                "wait".into(),
                "sbx-1".into(),
                "--timeout".into(),
                "soon".into(),
            ],
            "--timeout",
        ),
        (
            vec![
                "payments".into(),
                "wait".into(),
                "sbx-1".into(),
                "--timeout".into(),
                "0s".into(),
            ],
            "--timeout",
        ),
        (vec!["paymnts".into()], "paymnts"),
        (vec!["payments".into(), "refund".into()], "refund"),
        (
            vec!["payments".into(), "create".into(), "--amount".into(), "10".into()],
            "--phone",
        ),
        (
            vec!["payments".into(), "status".into(), "a".into(), "--bogus".into()],
            "--bogus",
        ),
        (vec!["sandbox".into(), "--port".into(), "70000".into()], "--port"),
    ];
    let url = host.url();
    for (args, names) in &cases {
        for json in [false, true] {
            let mut all: Vec<&str> = vec!["--base-url", url.as_str()];
            all.extend(args.iter().map(String::as_str));
            if json {
                all.push("--json");
            }
            let run = senjaro(&all, CREDENTIALS);
            let line = run.failed_with(2);
            assert!(line.contains(names), "{args:?}: `{line}` does not name {names}");
            if json {
                run.json_error(2, "invalid_input");
            } else {
                assert!(run.stdout.is_empty(), "{run:?}");
            }
        }
    }

    for (global, value) in [
        ("--timeout", "30"),
        ("--timeout", "5 s"),
        ("--timeout", "25h"),
        ("--timeout", ""),
    ] {
        let run = senjaro(&[global, value, "payments", "status", "sbx-1"], CREDENTIALS);
        assert!(run.failed_with(2).contains("--timeout"), "{run:?}");
    }
    let run = senjaro(
        &["--base-url", "ftp://127.0.0.1", "payments", "status", "a", "--json"],
        CREDENTIALS,
    );
    run.json_error(2, "config");
    let run = senjaro(
        &["--base-url", "http://example.com", "payments", "status", "a"],
        CREDENTIALS,
    );
    assert!(run.failed_with(2).contains("https"), "{run:?}");

    assert!(host.sandbox.requests().is_empty(), "bad input reached the server");
}

#[test]
fn without_credentials_it_says_what_to_set() {
    let run = senjaro(&["payments", "status", "sbx-1"], &[]);
    let line = run.failed_with(2);
    for needed in ["SENJARO_API_KEY", "SENJARO_API_SECRET", "senjaro sandbox"] {
        assert!(line.contains(needed), "`{line}` does not name {needed}");
    }
    let run = senjaro(&["payments", "status", "sbx-1", "--json"], &[]);
    run.json_error(2, "config");

    // A remote base URL never gets placeholder credentials.
    for args in [
        &[
            "--base-url",
            "https://api.senjaropay.com",
            "payments",
            "status",
            "sbx-1",
        ][..],
        &["payments", "status", "sbx-1"][..],
    ] {
        let run = senjaro(args, &[("SENJARO_BASE_URL", "https://api.senjaropay.com")]);
        let line = run.failed_with(2);
        assert!(
            line.contains("SENJARO_API_KEY") && line.contains("SENJARO_API_SECRET"),
            "{line}"
        );
    }

    // One variable without the other.
    let run = senjaro(&["payments", "status", "sbx-1"], &[("SENJARO_API_KEY", KEY)]);
    assert!(run.failed_with(2).contains("SENJARO_API_SECRET"), "{run:?}");
    let run = senjaro(&["payments", "status", "sbx-1"], &[("SENJARO_API_SECRET", SECRET)]);
    assert!(run.failed_with(2).contains("SENJARO_API_KEY"), "{run:?}");
}

#[test]
fn a_loopback_url_without_credentials_uses_the_sandbox_placeholders() {
    let host = Host::with(Sandbox::builder().completion_delay(Duration::ZERO));
    let url = host.url();
    let mut args = vec!["--base-url", url.as_str(), "--json"];
    args.extend_from_slice(CREATE_VALID);
    senjaro(&args, &[]).success();
    // Also through SENJARO_BASE_URL.
    senjaro(&args[2..], &[("SENJARO_BASE_URL", &url)]).success();

    // A sandbox with other credentials refuses the placeholders: 401, exit 3.
    let strict = Host::start();
    let url = strict.url();
    let run = senjaro(&["--base-url", &url, "payments", "status", "sbx-1"], &[]);
    assert!(run.failed_with(3).contains("401"), "{run:?}");
    assert!(!run.stderr.contains(SANDBOX_API_SECRET), "{run:?}");
}

#[test]
fn verbose_logs_go_to_stderr_without_secrets() {
    let host = Host::start();
    let mut args = vec!["-v", "--json"];
    args.extend_from_slice(CREATE_VALID);
    let run = host.run(&args);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("senjaro_api"), "{run:?}");
    assert!(run.stderr.contains("create_payment"), "{run:?}");
    assert!(
        !run.stderr.contains("255712345678"),
        "a full phone number in the logs: {run:?}"
    );
    run.json();
}

#[test]
fn endpoints_and_openapi_come_from_the_spec() {
    let run = senjaro(&["endpoints"], &[]);
    run.success();
    for meta in senjaro_api::ENDPOINTS {
        let line = run
            .stdout
            .lines()
            .find(|l| l.starts_with(meta.name()))
            .unwrap_or_else(|| panic!("{} missing: {run:?}", meta.name()));
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            cells,
            [
                meta.name(),
                "POST",
                meta.path(),
                meta.retry().as_str(),
                meta.idempotency_header().unwrap_or("-")
            ]
        );
    }

    let run = senjaro(&["endpoints", "--json"], &[]);
    run.success();
    let listed = run.json()["endpoints"].as_array().expect("endpoints").clone();
    assert_eq!(listed.len(), senjaro_api::ENDPOINTS.len());
    for (entry, meta) in listed.iter().zip(senjaro_api::ENDPOINTS) {
        assert_eq!(entry["name"], meta.name());
        assert_eq!(entry["method"], "POST");
        assert_eq!(entry["path"], meta.path());
        assert_eq!(entry["retry"], meta.retry().as_str());
        assert_eq!(entry["idempotency_header"].as_str(), meta.idempotency_header());
    }

    let run = senjaro(&["openapi"], &[]);
    run.success();
    assert_eq!(run.json(), senjaro_api::openapi::document());
}

#[test]
fn help_and_version_document_the_exit_codes() {
    let run = senjaro(&["--help"], &[]);
    run.success();
    for needed in [
        "Exit codes",
        "0  success",
        "2  invalid input",
        "3  API error",
        "4  transport",
        "5  outcome unknown",
        "6  `payments wait`",
        "SENJARO_API_KEY",
        "SENJARO_API_SECRET",
    ] {
        assert!(run.stdout.contains(needed), "--help lacks {needed:?}");
    }
    for sub in [
        &["payments", "create", "--help"][..],
        &["sandbox", "--help"],
        &["help", "payments"],
    ] {
        senjaro(sub, &[]).success();
    }
    let run = senjaro(&["--version"], &[]);
    run.success();
    assert!(run.stdout.starts_with("senjaro "), "{run:?}");
}

#[test]
fn the_sandbox_command_serves_until_interrupted() {
    let mut child = spawn(&["sandbox", "--json", "--completion-delay", "0s"], &[]);
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut line = String::new();
        let _ = stdout.read_line(&mut line);
        let _ = sender.send(line);
        // Drain until the process ends, so the child never blocks on a full pipe.
        let _ = std::io::copy(&mut stdout, &mut std::io::sink());
    });
    let Ok(line) = receiver.recv_timeout(Duration::from_secs(30)) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("the sandbox printed nothing");
    };
    let doc: Value = serde_json::from_str(&line).expect("one JSON document");
    let url = doc["base_url"].as_str().expect("base_url").to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{doc}");
    assert_eq!(doc["api_key"], SANDBOX_API_KEY);
    assert_eq!(doc["api_secret"], SANDBOX_API_SECRET);
    assert_eq!(doc["completion_delay_ms"], 0);
    let numbers = doc["test_numbers"].as_array().expect("test_numbers");
    assert!(
        numbers
            .iter()
            .any(|n| n["number"] == "255700000002" && n["final_status"] == "FAILED"),
        "{doc}"
    );

    // A payment through it, with no credentials set: loopback, so the placeholders are used.
    let mut args = vec!["--base-url", url.as_str(), "--json"];
    args.extend_from_slice(CREATE_VALID);
    let created = senjaro(&args, &[]);
    created.success();
    let reference = created.json()["reference"].as_str().expect("reference").to_owned();
    senjaro(&["--base-url", &url, "payments", "wait", &reference], &[]).success();

    // Ctrl-C stops it cleanly.
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .is_ok_and(|s| s.success());
    if !interrupted {
        let _ = child.kill();
    }
    let status = wait_bounded(&mut child, Duration::from_secs(10)).expect("the sandbox stops on Ctrl-C");
    if interrupted {
        assert_eq!(status.code(), Some(0), "{status}");
    }
}

#[test]
fn the_sandbox_command_prints_how_to_use_it_and_reports_a_taken_port() {
    let mut child = spawn(&["sandbox", "--port", "0"], &[]);
    let stdout = child.stdout.take().expect("stdout");
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            text.push_str(&line);
            text.push('\n');
            if line.starts_with("  any other valid number") {
                let _ = sender.send(text.clone());
            }
        }
    });
    let banner = receiver.recv_timeout(Duration::from_secs(30));
    let _ = child.kill();
    let _ = child.wait();
    let banner = banner.expect("the sandbox prints its banner");
    for needed in [
        "base URL",
        "http://127.0.0.1:",
        SANDBOX_API_KEY,
        SANDBOX_API_SECRET,
        "255700000002",
    ] {
        assert!(banner.contains(needed), "banner lacks {needed}: {banner}");
    }

    let taken = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = taken.local_addr().expect("addr").port().to_string();
    let run = senjaro(&["sandbox", "--port", &port], &[]);
    assert!(run.failed_with(1).contains("--port"), "{run:?}");
    let run = senjaro(&["sandbox", "--port", &port, "--json"], &[]);
    run.json_error(1, "io");
}
