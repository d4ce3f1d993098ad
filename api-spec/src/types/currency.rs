//! ISO 4217 currency codes, kept open: the API documents only TZS.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A three-letter ISO 4217 currency code such as `TZS`. Any well-formed code is accepted
/// because the vendor does not list the currencies it supports.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(String);

impl Currency {
    /// Tanzanian shilling, the currency of every example in the vendor's docs.
    #[must_use]
    pub fn tzs() -> Self {
        Currency("TZS".to_owned())
    }

    /// The code, three uppercase letters.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many fractional digits an amount in this currency may carry. ISO 4217 gives two
    /// for TZS; codes this crate does not know are allowed two.
    #[must_use]
    pub fn minor_digits(&self) -> u32 {
        match self.0.as_str() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX" | "UYI" | "VND"
            | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }
}

impl FromStr for Currency {
    type Err = crate::Error;

    fn from_str(code: &str) -> crate::Result<Self> {
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Currency(code.to_owned()))
        } else {
            Err(crate::Error::invalid_request(
                "currency",
                "expected a three-letter uppercase ISO 4217 code such as TZS",
            ))
        }
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.0)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}
