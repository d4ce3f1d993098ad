//! Timestamps: parsed as RFC 3339, kept verbatim when the server sends something else.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A timestamp from SenjaroPay, such as `2026-01-01T10:30:00.000Z`.
///
/// The docs show one example and no schema, so a value that is not RFC 3339 does not fail the
/// whole response: [`parsed`](Self::parsed) is then `None` and [`raw`](Self::raw) still holds
/// the text. It is written back exactly as received.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    raw: String,
    parsed: Option<OffsetDateTime>,
}

impl Timestamp {
    /// Reads `raw`, parsing it if it is RFC 3339.
    #[must_use]
    pub fn new(raw: impl Into<String>) -> Self {
        let raw = raw.into();
        let parsed = OffsetDateTime::parse(&raw, &Rfc3339).ok();
        Timestamp { raw, parsed }
    }

    /// The current time, written as RFC 3339 with milliseconds.
    #[must_use]
    pub fn now() -> Self {
        Timestamp::from_datetime(OffsetDateTime::now_utc())
    }

    /// The moment in UTC, written as RFC 3339 with milliseconds (`2026-01-01T10:30:00.000Z`).
    #[must_use]
    pub fn from_datetime(moment: OffsetDateTime) -> Self {
        let utc = moment.to_offset(time::UtcOffset::UTC);
        let millis = utc.millisecond();
        let raw = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{millis:03}Z",
            utc.year(),
            u8::from(utc.month()),
            utc.day(),
            utc.hour(),
            utc.minute(),
            utc.second()
        );
        Timestamp { raw, parsed: Some(utc) }
    }

    /// The text as received.
    #[must_use]
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The parsed moment, or `None` when the text is not RFC 3339.
    #[must_use]
    pub fn parsed(&self) -> Option<OffsetDateTime> {
        self.parsed
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.raw)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Timestamp::new)
    }
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    #[test]
    fn parses_the_documented_form_and_keeps_others() {
        let ts = Timestamp::new("2026-01-01T10:30:00.000Z");
        let parsed = ts.parsed().expect("rfc 3339");
        assert_eq!(parsed.unix_timestamp(), 1_767_263_400);
        assert_eq!(Timestamp::from_datetime(parsed).raw(), "2026-01-01T10:30:00.000Z");

        let odd = Timestamp::new("01/01/2026 10:30");
        assert!(odd.parsed().is_none());
        assert_eq!(odd.raw(), "01/01/2026 10:30");
    }
}
