use serde::{Deserialize, Serialize};

/// A request.
#[derive(Clone, PartialEq, Serialize, Deserialize, ::senjaro_spec::Schema)]
pub struct Ping {
    /// A number.
    pub n: u32,
}
impl senjaro_spec::Validate for Ping {}

/// Another request.
#[derive(Clone, PartialEq, Serialize, Deserialize, ::senjaro_spec::Schema)]
pub struct Echo {
    /// A number.
    pub n: u32,
}
impl senjaro_spec::Validate for Echo {}

/// A response.
#[derive(Clone, Debug, Serialize, Deserialize, ::senjaro_spec::Schema)]
pub struct Pong {
    /// A number.
    pub n: u32,
}

senjaro_macros::api! {
    #![mock()]

    fn ping(Ping) -> Pong { path: "/v1/ping", retry: safe }
}

fn main() {}
