//! Money as an exact decimal: never a float.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The most fractional digits an [`Amount`] keeps.
const MAX_SCALE: u32 = 12;
/// The most significant digits of a JSON number with a fraction that are surely exact.
const MAX_EXACT_FLOAT_DIGITS: usize = 15;
/// The most digits before the decimal point.
const MAX_WHOLE_DIGITS: usize = 18;

/// An exact decimal amount such as `1000.00`.
///
/// Reads a JSON string (`"1000.00"`) or a JSON number (`1000`, `1000.5`; a number with a
/// fraction only when it has at most 15 significant digits, which a float keeps exactly) and
/// always writes a string with at least two fractional digits (`"1000.00"`), the form the API's examples use.
/// Equality and ordering compare values, so `1000` equals `1000.00`.
///
/// ```
/// use senjaro_spec::Amount;
///
/// let amount: Amount = "1000".parse()?;
/// assert_eq!(amount.to_string(), "1000.00");
/// assert_eq!(amount, "1000.000".parse()?);
/// # Ok::<(), senjaro_spec::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct Amount {
    /// The value times `10^scale`.
    units: i128,
    scale: u32,
}

impl Amount {
    /// Builds an amount from whole minor units (`Amount::from_minor(100_000, 2)` is `1000.00`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) when `scale` exceeds 12.
    pub fn from_minor(units: i64, scale: u32) -> crate::Result<Self> {
        if scale > MAX_SCALE {
            return Err(invalid(format_args!(
                "at most {MAX_SCALE} fractional digits are supported"
            )));
        }
        Ok(Amount {
            units: i128::from(units),
            scale,
        })
    }

    /// The number of fractional digits this amount needs (`1000.50` needs 1, `1000.00` needs 0).
    #[must_use]
    pub fn fractional_digits(&self) -> u32 {
        self.normalized().scale
    }

    /// Whether the amount is greater than zero.
    #[must_use]
    pub fn is_positive(&self) -> bool {
        self.units > 0
    }

    fn normalized(self) -> Self {
        let mut n = self;
        while n.scale > 0 && n.units % 10 == 0 {
            n.units /= 10;
            n.scale -= 1;
        }
        n
    }

    /// The same value written with at least `scale` digits (only ever adds zeros).
    fn widened(self, scale: u32) -> Self {
        if scale <= self.scale {
            return self;
        }
        Amount {
            units: self.units * 10_i128.pow(scale - self.scale),
            scale,
        }
    }
}

fn invalid(reason: impl fmt::Display) -> crate::Error {
    crate::Error::invalid_request("amount", reason.to_string())
}

impl FromStr for Amount {
    type Err = crate::Error;

    fn from_str(text: &str) -> crate::Result<Self> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let well_formed = !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b.is_ascii_digit())
            && !(digits.contains('.') && fraction.is_empty());
        if !well_formed {
            return Err(invalid(format_args!(
                "`{}` is not a decimal number like 1000.00",
                excerpt(text)
            )));
        }
        let fraction = fraction.trim_end_matches('0');
        let scale = u32::try_from(fraction.len()).unwrap_or(u32::MAX);
        if scale > MAX_SCALE {
            return Err(invalid(format_args!(
                "at most {MAX_SCALE} fractional digits are supported"
            )));
        }
        if whole.trim_start_matches('0').len() > MAX_WHOLE_DIGITS {
            return Err(invalid(format_args!(
                "at most {MAX_WHOLE_DIGITS} whole digits are supported"
            )));
        }
        // At most 18 + 12 digits: always fits in an i128.
        let units = whole
            .bytes()
            .chain(fraction.bytes())
            .fold(0_i128, |acc, b| acc * 10 + i128::from(b - b'0'));
        Ok(Amount {
            units: if negative { -units } else { units },
            scale,
        })
    }
}

fn excerpt(text: &str) -> String {
    text.chars().take(32).collect()
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.normalized().widened(2);
        let divisor = 10_i128.pow(shown.scale);
        let sign = if shown.units < 0 { "-" } else { "" };
        let magnitude = shown.units.unsigned_abs();
        let divisor = divisor.unsigned_abs();
        write!(
            f,
            "{sign}{}.{:0width$}",
            magnitude / divisor,
            magnitude % divisor,
            width = shown.scale as usize
        )
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({self})")
    }
}

impl PartialEq for Amount {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Amount {}

impl std::hash::Hash for Amount {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let n = self.normalized();
        n.units.hash(state);
        n.scale.hash(state);
    }
}

impl PartialOrd for Amount {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Amount {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        self.widened(scale).units.cmp(&other.widened(scale).units)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AmountVisitor)
    }
}

struct AmountVisitor;

impl Visitor<'_> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal amount as a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
        v.trim()
            .parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
        v.to_string()
            .parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
        v.to_string()
            .parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Amount, E> {
        // A JSON number with a fraction arrives as an f64. Rust prints the shortest decimal
        // that reads back as the same f64, which is the number as written whenever it has at
        // most 15 significant digits; longer ones may have been rounded, so they are refused
        // rather than silently changed.
        let text = format!("{v}");
        let significant = text
            .trim_start_matches(['-', '0', '.'])
            .bytes()
            .filter(u8::is_ascii_digit)
            .count();
        if !v.is_finite() || significant > MAX_EXACT_FLOAT_DIGITS {
            return Err(E::invalid_value(
                de::Unexpected::Float(v),
                &"an amount a float holds exactly (send amounts as strings such as \"1000.00\")",
            ));
        }
        text.parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Float(v), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::Amount;

    fn amount(text: &str) -> Amount {
        text.parse().expect("valid amount")
    }

    #[test]
    fn writes_two_fractional_digits_at_least() {
        assert_eq!(amount("1000").to_string(), "1000.00");
        assert_eq!(amount("1000.5").to_string(), "1000.50");
        assert_eq!(amount("0.125").to_string(), "0.125");
        assert_eq!(amount("-3.1").to_string(), "-3.10");
        assert_eq!(amount("-0.05").to_string(), "-0.05");
    }

    #[test]
    fn compares_values_not_spelling() {
        assert_eq!(amount("1000"), amount("1000.000"));
        assert!(amount("999.99") < amount("1000"));
        assert_eq!(amount("1000.10").fractional_digits(), 1);
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in ["", "abc", "1.", ".5", "1e3", "1,000", "--1", "1.2.3", " 1", "+1", "NaN"] {
            assert!(bad.parse::<Amount>().is_err(), "{bad:?} parsed");
        }
        assert!("1.0000000000001".parse::<Amount>().is_err());
        assert!("999999999999999999999999".parse::<Amount>().is_err());
    }

    #[test]
    fn reads_strings_and_numbers_exactly() {
        let from = |json: &str| serde_json::from_str::<Amount>(json).expect("decodes");
        assert_eq!(from("\"1000.00\""), amount("1000"));
        assert_eq!(from("1000"), amount("1000"));
        assert_eq!(from("1000.1"), amount("1000.1"));
        assert_eq!(from("0.1").to_string(), "0.10");
        assert_eq!(from("123456789012.34").to_string(), "123456789012.34");
        assert!(
            serde_json::from_str::<Amount>("1234567890123456.78").is_err(),
            "rounded by f64"
        );
        assert!(
            serde_json::from_str::<Amount>("9007199254740993.0").is_err(),
            "rounded by f64"
        );
        assert!(
            serde_json::from_str::<Amount>("18446744073709551615").is_err(),
            "past 18 whole digits"
        );
        assert!(serde_json::from_str::<Amount>("1e400").is_err());
        assert!(serde_json::from_str::<Amount>("true").is_err());
        assert!(serde_json::from_str::<Amount>("\"ten\"").is_err());
        assert_eq!(serde_json::to_string(&amount("1000")).expect("encodes"), "\"1000.00\"");
    }
}
