// Field, endpoint and type names chosen to collide with anything the macro might generate.
mod user {
    #![allow(dead_code)]

    pub type Result<T> = ::core::result::Result<T, Error>;
    pub struct Error;
    pub struct Client;
    pub mod serde {}
    pub mod core {}
    pub mod std {}
    pub mod senjaro_spec {}
    pub trait Transport {}
    pub trait Endpoint {}
    pub struct Keyed;
    pub struct Vec;
    pub enum Option {
        Some,
        None,
    }

    #[derive(Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize, ::senjaro_spec::Schema)]
    pub struct Request {
        pub client: u32,
        pub request: u32,
        pub response: u32,
        pub result: u32,
        pub url: ::std::string::String,
        pub r#type: u32,
        pub api: u32,
        pub incoming: u32,
        pub answer: u32,
        pub f: u32,
    }
    impl ::senjaro_spec::Validate for Request {}

    #[derive(Clone, Debug, ::serde::Serialize, ::serde::Deserialize, ::senjaro_spec::Schema)]
    pub struct Response {
        pub result: u32,
    }

    ::senjaro_macros::api! {
        /// An endpoint named after a keyword.
        fn r#type(Request) -> Response {
            path: "/v1/type",
            retry: never,
            sensitive: [client, r#type],
        }
    }
}

fn main() {
    let meta = user::ENDPOINTS[0];
    assert_eq!(meta.name(), "type");
    assert_eq!(meta.sensitive_fields(), &["client", "type"]);
}
