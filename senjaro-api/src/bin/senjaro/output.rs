//! Everything written to stdout: aligned text for people, one JSON document for `--json`.

use std::fmt::Write as _;
use std::io::Write as _;

use senjaro_api::{ENDPOINTS, PaymentStatusResponse};
use serde_json::{Value, json};

use crate::failure::CliError;

/// Writes `text` to stdout. A closed stdout (`senjaro openapi | head -1`) is an error to
/// report, not a panic.
pub(crate) fn emit(text: &str) -> Result<(), CliError> {
    let text = redact(text);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| CliError::io(format!("cannot write to stdout: {e}")))
}

/// `text` with the credentials from the environment replaced by `[redacted]`: a server can
/// echo them in any field of a successful answer, and this tool prints whole answers.
pub(crate) fn redact(text: &str) -> String {
    let mut text = text.to_owned();
    for name in ["SENJARO_API_SECRET", "SENJARO_API_KEY"] {
        if let Ok(value) = std::env::var(name)
            && !value.is_empty()
            && text.contains(&value)
        {
            text = text.replace(&value, "[redacted]");
        }
    }
    text
}

/// Writes one JSON document on one line.
pub(crate) fn emit_json(document: &Value) -> Result<(), CliError> {
    emit(&format!("{document}\n"))
}

/// Rows of `label  value`, the values aligned.
pub(crate) fn rows(rows: &[(String, String)]) -> String {
    let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
    let mut text = String::new();
    for (label, value) in rows {
        let _ = writeln!(text, "{label:<width$}  {value}");
    }
    text
}

/// A payment as people read it: the documented fields, then any others SenjaroPay sent.
pub(crate) fn payment_text(payment: &PaymentStatusResponse) -> String {
    let mut lines = vec![
        ("reference".to_owned(), payment.reference_id.to_string()),
        ("status".to_owned(), payment.status.to_string()),
    ];
    let mut add = |label: &str, value: Option<String>| {
        if let Some(value) = value {
            lines.push((label.to_owned(), value));
        }
    };
    add(
        "amount",
        payment.amount.map(|amount| match &payment.currency {
            Some(currency) => format!("{amount} {currency}"),
            None => amount.to_string(),
        }),
    );
    if payment.amount.is_none() {
        add("currency", payment.currency.clone());
    }
    add("method", payment.method.clone());
    add("transaction id", payment.transaction_id.clone());
    add("display id", payment.display_id.clone());
    add("created at", payment.created_at.as_ref().map(ToString::to_string));
    add("message", payment.message.clone());
    for (field, value) in &payment.extra {
        add(&field.replace('_', " "), Some(value_text(value)));
    }
    rows(&lines)
}

/// A JSON value without quotes around plain strings.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `senjaro endpoints`.
pub(crate) fn endpoints(json: bool) -> Result<(), CliError> {
    if json {
        let list: Vec<Value> = ENDPOINTS
            .iter()
            .map(|meta| {
                json!({
                    "name": meta.name(),
                    "method": meta.method(),
                    "path": meta.path(),
                    "retry": meta.retry().as_str(),
                    "idempotency_header": meta.idempotency_header(),
                    "deprecated": meta.deprecated(),
                    "doc": summary(meta.doc()),
                })
            })
            .collect();
        return emit_json(&json!({ "endpoints": list }));
    }
    let mut table = vec![[
        "NAME".to_owned(),
        "METHOD".to_owned(),
        "PATH".to_owned(),
        "RETRY".to_owned(),
        "IDEMPOTENCY HEADER".to_owned(),
    ]];
    for meta in ENDPOINTS {
        let mut name = meta.name().to_owned();
        if meta.deprecated().is_some() {
            name.push_str(" (deprecated)");
        }
        table.push([
            name,
            meta.method().to_owned(),
            meta.path().to_owned(),
            meta.retry().as_str().to_owned(),
            meta.idempotency_header().unwrap_or("-").to_owned(),
        ]);
    }
    let mut widths = [0_usize; 5];
    for row in &table {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }
    let mut text = String::new();
    for row in &table {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    emit(&text)
}

/// The first sentence-line of a doc comment.
fn summary(doc: &str) -> &str {
    doc.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or("")
}

/// `senjaro openapi`: the document, pretty-printed (it is JSON with or without `--json`).
pub(crate) fn openapi() -> Result<(), CliError> {
    let document = senjaro_api::openapi::document();
    let text = serde_json::to_string_pretty(&document)
        .map_err(|e| CliError::io(format!("cannot encode the OpenAPI document: {e}")))?;
    emit(&format!("{text}\n"))
}

#[cfg(test)]
mod tests {
    use senjaro_api::{PaymentStatus, PaymentStatusResponse, Reference};

    use super::{payment_text, summary};

    #[test]
    fn payments_read_as_aligned_rows() {
        let mut payment = PaymentStatusResponse::new(Reference::new("sbx-1"), PaymentStatus::Failed);
        payment.amount = Some("1000".parse().expect("amount"));
        payment.currency = Some("TZS".to_owned());
        payment
            .extra
            .insert("failure_reason".to_owned(), "INSUFFICIENT_FUNDS".into());
        let text = payment_text(&payment);
        assert!(
            text.starts_with("reference       sbx-1\nstatus          FAILED\n"),
            "{text}"
        );
        assert!(text.contains("amount          1000.00 TZS\n"), "{text}");
        assert!(text.contains("failure reason  INSUFFICIENT_FUNDS\n"), "{text}");
    }

    #[test]
    fn summaries_skip_blank_lines() {
        assert_eq!(summary("\n  Reads a payment.\n more"), "Reads a payment.");
        assert_eq!(summary(""), "");
    }
}
