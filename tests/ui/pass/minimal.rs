use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Serialize, Deserialize, ::senjaro_spec::Schema)]
pub struct Ping {
    pub n: u32,
}
impl senjaro_spec::Validate for Ping {}

#[derive(Clone, Debug, Serialize, Deserialize, ::senjaro_spec::Schema)]
pub struct Pong {
    pub n: u32,
}

senjaro_macros::api! {
    /// Says hello.
    fn ping(Ping) -> Pong {
        path: "/v1/ping",
        retry: safe,
    }
}

fn main() {
    assert_eq!(ENDPOINTS.len(), 1);
    assert_eq!(ENDPOINTS[0].name(), "ping");
    assert_eq!(ENDPOINTS[0].doc(), "Says hello.");
    assert_eq!(format!("{:?}", Ping { n: 7 }), "Ping { n: 7 }");
    fn object_safe(_: &dyn SenjaroApi) {}
    let _ = object_safe;
}
