//! The sandbox's test phone numbers and what each one does.

use std::fmt::Write as _;

use crate::Msisdn;

/// What a payment from a given phone number ends as in the sandbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// `PENDING`, then `COMPLETED` after the sandbox's completion delay.
    Completes,
    /// `PENDING`, then `FAILED` after the completion delay, with this failure reason.
    Fails(&'static str),
    /// Stays `PENDING` forever.
    StaysPending,
    /// `PENDING`, then `FAILED` with this reason after three times the completion delay: the
    /// customer never answered the prompt and it expired.
    TimesOut(&'static str),
}

/// The documented test numbers. Every other valid Tanzanian number completes.
pub const TEST_NUMBERS: &[(&str, Outcome, &str)] = &[
    (
        "255700000001",
        Outcome::Completes,
        "completes after the completion delay",
    ),
    (
        "255700000002",
        Outcome::Fails("INSUFFICIENT_FUNDS"),
        "fails after the completion delay: insufficient funds",
    ),
    (
        "255700000003",
        Outcome::Fails("CUSTOMER_DECLINED"),
        "fails after the completion delay: the customer declined the prompt",
    ),
    ("255700000004", Outcome::StaysPending, "stays PENDING forever"),
    (
        "255700000005",
        Outcome::TimesOut("USSD_TIMEOUT"),
        "times out: FAILED after three times the completion delay (the prompt expired unanswered)",
    ),
];

/// What a payment from `phone` ends as.
#[must_use]
pub fn outcome_for(phone: &Msisdn) -> Outcome {
    TEST_NUMBERS
        .iter()
        .find(|(number, _, _)| *number == phone.as_str())
        .map_or(Outcome::Completes, |(_, outcome, _)| *outcome)
}

/// The table of test numbers as Markdown-style text, for help screens.
#[must_use]
pub fn describe_test_numbers() -> String {
    let mut text = String::new();
    for (number, _, what) in TEST_NUMBERS {
        let _ = writeln!(text, "{number}  {what}");
    }
    text.push_str("any other valid number  completes after the completion delay\n");
    text
}
