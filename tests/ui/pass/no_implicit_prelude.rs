#![no_implicit_prelude]

extern crate std;

pub mod spec {
    #![no_implicit_prelude]

    use ::serde::{Deserialize, Serialize};
    // async-trait, which generates the trait's boxed futures, names `Box` unqualified; the
    // code `api!` itself writes uses absolute paths only.
    use ::std::boxed::Box;

    #[derive(Clone, PartialEq, Serialize, Deserialize, ::senjaro_spec::Schema)]
    pub struct Ping {
        pub n: u32,
    }
    impl ::senjaro_spec::Validate for Ping {}

    #[derive(Clone, PartialEq, Serialize, Deserialize, ::senjaro_spec::Schema)]
    pub struct Charge {
        pub n: u32,
        #[serde(skip)]
        pub key: ::std::option::Option<::senjaro_spec::IdempotencyKey>,
    }
    impl ::senjaro_spec::Validate for Charge {}
    impl ::senjaro_spec::Idempotent for Charge {
        fn idempotency_key(&self) -> ::std::option::Option<&::senjaro_spec::IdempotencyKey> {
            self.key.as_ref()
        }
        fn set_idempotency_key(&mut self, key: ::senjaro_spec::IdempotencyKey) {
            self.key = ::std::option::Option::Some(key);
        }
    }

    #[derive(Clone, Debug, Serialize, Deserialize, ::senjaro_spec::Schema)]
    pub struct Pong {
        pub n: u32,
    }

    ::senjaro_macros::api! {
        /// A read.
        fn ping(Ping) -> Pong { path: "/v1/ping", retry: safe }
        /// A keyed write.
        #[deprecated = "use something else"]
        fn charge(Charge) -> Pong { path: "/v1/charge", retry: keyed, idempotency_header: "x-key" }
    }
}

fn main() {
    ::std::assert_eq!(spec::ENDPOINTS.len(), 2);
}
