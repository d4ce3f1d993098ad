use serde::{Deserialize, Serialize};

fn main() {
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
        fn ping(Ping) -> Pong { path: "/v1/ping", retry: safe }
    }

    assert_eq!(ENDPOINTS[0].path(), "/v1/ping");
    let _ = dispatch::<dyn SenjaroApi>;
}
