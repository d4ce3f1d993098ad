//! Durations as people type them: `500ms`, `30s`, `2m`, `1h`, `1.5s`, `1m30s`.

use std::time::Duration;

use senjaro_api::MAX_TIMEOUT;

/// Longest text accepted; anything longer is not a duration anyone means.
const MAX_LEN: usize = 32;
const NANOS_PER_SEC: u128 = 1_000_000_000;

/// A time limit: greater than zero and at most 24 hours.
pub(crate) fn parse_limit(text: &str) -> Result<Duration, String> {
    let limit = parse(text)?;
    if limit.is_zero() {
        return Err("must be greater than zero".to_owned());
    }
    if limit > MAX_TIMEOUT {
        return Err(format!("must be at most {}h", MAX_TIMEOUT.as_secs() / 3600));
    }
    Ok(limit)
}

/// A delay: zero allowed, at most 24 hours.
pub(crate) fn parse_delay(text: &str) -> Result<Duration, String> {
    let delay = parse(text)?;
    if delay > MAX_TIMEOUT {
        return Err(format!("must be at most {}h", MAX_TIMEOUT.as_secs() / 3600));
    }
    Ok(delay)
}

/// One or more `<number><unit>` parts, the number a decimal (`1.5`), the unit `ms`, `s`, `m`
/// or `h`. No sign, no spaces, no bare numbers.
pub(crate) fn parse(text: &str) -> Result<Duration, String> {
    let shown: String = text.chars().take(MAX_LEN).collect();
    let garbage = || format!("`{shown}` is not a duration: write a number and a unit, like 500ms, 30s, 2m or 1m30s");
    if text.is_empty() || text.len() > MAX_LEN {
        return Err(garbage());
    }
    let mut nanos: u128 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_end);
        let unit_end = after.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_end);
        rest = after;
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() || (number.contains('.') && fraction.is_empty()) || fraction.contains('.') {
            return Err(garbage());
        }
        let per_unit: u128 = match unit {
            "ms" => NANOS_PER_SEC / 1000,
            "s" => NANOS_PER_SEC,
            "m" => 60 * NANOS_PER_SEC,
            "h" => 3600 * NANOS_PER_SEC,
            "" => {
                return Err(format!(
                    "`{shown}` has no unit: write it as {number}s, {number}m or {number}ms"
                ));
            }
            other => return Err(format!("`{shown}`: unknown unit `{other}`, use ms, s, m or h")),
        };
        // At most 32 characters, so `whole` fits; the fraction is read to the nanosecond.
        let whole: u128 = whole.parse().map_err(|_| garbage())?;
        let digits = &fraction[..fraction.len().min(9)];
        let scale = 10_u128.pow(u32::try_from(digits.len()).unwrap_or(9));
        let fraction: u128 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| garbage())?
        };
        let part = whole
            .checked_mul(per_unit)
            .and_then(|w| w.checked_add(fraction * per_unit / scale))
            .ok_or_else(|| format!("`{shown}` is too long"))?;
        nanos = nanos
            .checked_add(part)
            .ok_or_else(|| format!("`{shown}` is too long"))?;
    }
    let secs = u64::try_from(nanos / NANOS_PER_SEC).map_err(|_| format!("`{shown}` is too long"))?;
    let subsec = u32::try_from(nanos % NANOS_PER_SEC).unwrap_or(0);
    Ok(Duration::new(secs, subsec))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{parse, parse_delay, parse_limit};

    #[test]
    fn reads_the_usual_spellings() {
        for (text, expected) in [
            ("500ms", Duration::from_millis(500)),
            ("30s", Duration::from_secs(30)),
            ("2m", Duration::from_secs(120)),
            ("1h", Duration::from_secs(3600)),
            ("1.5s", Duration::from_millis(1500)),
            ("0.25m", Duration::from_secs(15)),
            ("1m30s", Duration::from_secs(90)),
            ("1h2m3s4ms", Duration::from_millis(3_723_004)),
            ("0s", Duration::ZERO),
            ("1.0000000019s", Duration::from_nanos(1_000_000_001)),
        ] {
            assert_eq!(parse(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn rejects_garbage_clearly() {
        for text in [
            "", "30", "abc", "-5s", "5x", "s", "1.s", ".5s", "1..5s", "1 s", " 1s", "1s ", "1d", "1sec", "1.2.3s",
            "5S", "1e3s", "+1s",
        ] {
            let err = parse(text).expect_err(text);
            assert!(!err.is_empty(), "{text}");
        }
        assert!(parse("30").expect_err("no unit").contains("30s"));
        assert!(parse("5x").expect_err("bad unit").contains("unknown unit `x`"));
        assert!(parse(&"9".repeat(40)).is_err());
        assert!(parse("99999999999999999999999999999h").is_err());
    }

    #[test]
    fn limits_are_positive_and_bounded() {
        assert!(parse_limit("0s").expect_err("zero").contains("greater than zero"));
        assert!(parse_limit("25h").expect_err("too long").contains("at most 24h"));
        assert_eq!(parse_limit("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_delay("0s"), Ok(Duration::ZERO));
        assert!(parse_delay("25h").is_err());
    }
}
