//! The opaque payment reference handed out by create and taken by status.

use std::fmt;

use serde::{Deserialize, Serialize};

/// SenjaroPay's reference for a payment (`data.reference` from create, `referenceId` on
/// status). Opaque: the docs call it a UUID but show `mock-ref-7b2a4f3e`, so no format is
/// assumed beyond being text.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Reference(String);

impl Reference {
    /// Wraps a reference received from SenjaroPay or stored by the caller.
    #[must_use]
    pub fn new(reference: impl Into<String>) -> Self {
        Reference(reference.into())
    }

    /// The reference as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Reference({:?})", self.0)
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Reference {
    fn from(reference: &str) -> Self {
        Reference::new(reference)
    }
}

impl From<String> for Reference {
    fn from(reference: String) -> Self {
        Reference(reference)
    }
}
