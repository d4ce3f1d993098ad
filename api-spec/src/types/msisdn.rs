//! Tanzanian mobile numbers, validated and normalised before anything is sent.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Tanzanian mobile number (MSISDN) in the international form `255XXXXXXXXX`.
///
/// Parsing accepts the usual ways people write one and normalises them:
/// `+255 712 345 678`, `0712-345-678` and `255712345678` all become `255712345678`.
/// Numbers of the wrong length, with letters, or outside Tanzania's mobile ranges
/// (`2556…`/`2557…`) are rejected.
///
/// `Debug` masks the middle digits (`255712***678`) so logs never hold a full number;
/// [`as_str`](Self::as_str) and `Display` give the full number for deliberate use.
///
/// ```
/// use senjaro_spec::Msisdn;
///
/// let phone: Msisdn = "+255 712 345 678".parse()?;
/// assert_eq!(phone.as_str(), "255712345678");
/// assert_eq!(format!("{phone:?}"), "Msisdn(255712***678)");
/// assert!("+254712345678".parse::<Msisdn>().is_err());
/// # Ok::<(), senjaro_spec::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Msisdn(String);

impl Msisdn {
    /// The normalised number, `255` followed by nine digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with its middle digits hidden, for logs and support screens.
    #[must_use]
    pub fn masked(&self) -> String {
        format!("{}***{}", &self.0[..6], &self.0[9..])
    }
}

fn invalid(reason: &str) -> crate::Error {
    crate::Error::invalid_request("phone_number", reason)
}

impl FromStr for Msisdn {
    type Err = crate::Error;

    fn from_str(text: &str) -> crate::Result<Self> {
        let trimmed = text.trim();
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(12);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '.' => {}
                _ => {
                    return Err(invalid(
                        "a phone number may hold only digits, spaces, `-` and a leading `+`",
                    ));
                }
            }
        }
        let national = if let Some(national) = digits.strip_prefix("255") {
            national
        } else if let (false, Some(national)) = (plus, digits.strip_prefix('0')) {
            national
        } else {
            return Err(invalid(
                "expected a Tanzanian mobile number: 255XXXXXXXXX, +255 XXX XXX XXX or 0XXXXXXXXX",
            ));
        };
        if national.len() != 9 {
            return Err(invalid(
                "a Tanzanian mobile number has nine digits after 255 (or after the leading 0)",
            ));
        }
        if !matches!(national.as_bytes()[0], b'6' | b'7') {
            return Err(invalid(
                "a Tanzanian mobile number starts with 6 or 7 after 255 (or after the leading 0)",
            ));
        }
        Ok(Msisdn(format!("255{national}")))
    }
}

impl fmt::Debug for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Msisdn({})", self.masked())
    }
}

impl fmt::Display for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Msisdn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Msisdn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::Msisdn;

    #[test]
    fn normalises_common_spellings() {
        for input in [
            "+255 712 345 678",
            "0712345678",
            "255712345678",
            "0712-345-678",
            " +255712345678 ",
            "0622345678",
        ] {
            let msisdn: Msisdn = input.parse().unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(msisdn.as_str().len(), 12, "{input:?}");
            assert!(msisdn.as_str().starts_with("255"), "{input:?}");
        }
        assert_eq!(
            "0712345678".parse::<Msisdn>().map(|m| m.to_string()).ok().as_deref(),
            Some("255712345678")
        );
    }

    #[test]
    fn rejects_wrong_numbers() {
        for input in [
            "",
            "+",
            "07123456789",
            "071234567",
            "2557123456",
            "255812345678",
            "+254712345678",
            "0712a45678",
            "+0712345678",
            "255 712 345 6789",
            "07१2345678",
        ] {
            assert!(input.parse::<Msisdn>().is_err(), "{input:?} accepted");
        }
    }

    #[test]
    fn debug_masks_the_number() {
        let msisdn: Msisdn = "255712345678".parse().expect("valid");
        let shown = format!("{msisdn:?}");
        assert!(!shown.contains("255712345678"));
        assert_eq!(shown, "Msisdn(255712***678)");
    }
}
