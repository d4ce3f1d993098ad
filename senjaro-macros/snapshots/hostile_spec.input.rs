// Input for the hostile-spec snapshot: names that collide with what the macro generates or
// with the prelude, a keyword endpoint, a deprecated endpoint, and one invalid endpoint whose
// error is emitted while the valid part still expands.
senjaro_macros::api! {
    /// Named after a keyword.
    fn r#type(self::Result) -> Option {
        path: "/v1/type",
        retry: never,
        sensitive: [client, request, response, result, url, r#type],
    }

    /// A keyed write with a deprecation note.
    #[deprecated(since = "0.2.0", note = "use `type`")]
    fn dispatch(crate::Request) -> Vec<u8> {
        path: "/v1/dispatch",
        retry: keyed,
        idempotency_header: "x-request-key",
    }

    /// Invalid: reported, not generated.
    fn broken(Request) -> Response {
        path: "v1/broken",
        retry: safe,
    }
}
