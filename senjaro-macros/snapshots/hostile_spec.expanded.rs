::core::compile_error! {
    "path must start with `/`, write \"/v1/broken\""
}
/// The merchant API: one authenticated `POST` per endpoint of the spec.
///
/// Implemented for every `Transport` (which is how the HTTP client gets it), by the
/// sandbox, and by any fake a test writes. Object safe: use it as
/// `Arc<dyn SenjaroApi>`. A method an implementation does not override answers
/// 501 `not_implemented`, so adding an endpoint to the spec breaks no implementation.
#[::senjaro_spec::__private::async_trait]
pub trait SenjaroApi: ::core::marker::Send + ::core::marker::Sync {
    /// Named after a keyword.
    async fn r#type(
        &self,
        request: self::Result,
    ) -> ::senjaro_spec::__private::Result<Option> {
        let _ = request;
        ::core::result::Result::Err(::senjaro_spec::__private::not_implemented("type"))
    }
    /// A keyed write with a deprecation note.
    #[deprecated(since = "0.2.0", note = "use `type`")]
    async fn dispatch(
        &self,
        request: crate::Request,
    ) -> ::senjaro_spec::__private::Result<::senjaro_spec::__private::Keyed<Vec<u8>>> {
        let _ = request;
        ::core::result::Result::Err(
            ::senjaro_spec::__private::not_implemented("dispatch"),
        )
    }
}
#[::senjaro_spec::__private::async_trait]
impl<__SenjaroTransport: ::senjaro_spec::__private::Transport> SenjaroApi
for __SenjaroTransport {
    async fn r#type(
        &self,
        request: self::Result,
    ) -> ::senjaro_spec::__private::Result<Option> {
        ::senjaro_spec::__private::Transport::call(self, request).await
    }
    async fn dispatch(
        &self,
        request: crate::Request,
    ) -> ::senjaro_spec::__private::Result<::senjaro_spec::__private::Keyed<Vec<u8>>> {
        ::senjaro_spec::__private::Transport::call_keyed(self, request).await
    }
}
const _: () = {
    #[allow(dead_code)]
    fn __senjaro_sensitive_fields(request: &self::Result) {
        let _ = (
            &request.client,
            &request.request,
            &request.response,
            &request.result,
            &request.url,
            &request.r#type,
        );
    }
};
impl ::core::fmt::Debug for self::Result {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        ::senjaro_spec::__private::fmt_redacted(self, f)
    }
}
impl ::senjaro_spec::__private::Endpoint for self::Result {
    type Response = Option;
    const META: &'static ::senjaro_spec::__private::EndpointMeta = &::senjaro_spec::__private::EndpointMeta::__new(::senjaro_spec::__private::EndpointMetaParts {
        name: "type",
        method: "POST",
        path: "/v1/type",
        request_type: "self::Result",
        response_type: "Option",
        retry: ::senjaro_spec::__private::RetryClass::Never,
        idempotency_header: ::core::option::Option::None,
        sensitive_fields: &["client", "request", "response", "result", "url", "type"],
        deprecated: ::core::option::Option::None,
        doc: "Named after a keyword.",
        request_schema: <self::Result as ::senjaro_spec::__private::Schema>::json_schema,
        response_schema: <Option as ::senjaro_spec::__private::Schema>::json_schema,
    });
    const KEY_ACCESS: ::senjaro_spec::__private::KeyAccess<Self> = ::senjaro_spec::__private::KeyAccess::NONE;
}
impl ::core::fmt::Debug for crate::Request {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        ::senjaro_spec::__private::fmt_redacted(self, f)
    }
}
impl ::senjaro_spec::__private::Endpoint for crate::Request {
    type Response = Vec<u8>;
    const META: &'static ::senjaro_spec::__private::EndpointMeta = &::senjaro_spec::__private::EndpointMeta::__new(::senjaro_spec::__private::EndpointMetaParts {
        name: "dispatch",
        method: "POST",
        path: "/v1/dispatch",
        request_type: "crate::Request",
        response_type: "Vec<u8>",
        retry: ::senjaro_spec::__private::RetryClass::Keyed,
        idempotency_header: ::core::option::Option::Some("x-request-key"),
        sensitive_fields: &[],
        deprecated: ::core::option::Option::Some("use `type`"),
        doc: "A keyed write with a deprecation note.",
        request_schema: <crate::Request as ::senjaro_spec::__private::Schema>::json_schema,
        response_schema: <Vec<u8> as ::senjaro_spec::__private::Schema>::json_schema,
    });
    const KEY_ACCESS: ::senjaro_spec::__private::KeyAccess<Self> = ::senjaro_spec::__private::key_access::<
        crate::Request,
    >();
}
/// Metadata of every endpoint in the spec, in declaration order.
pub const ENDPOINTS: &[&::senjaro_spec::__private::EndpointMeta] = &[
    <self::Result as ::senjaro_spec::__private::Endpoint>::META,
    <crate::Request as ::senjaro_spec::__private::Endpoint>::META,
];
/// Routes one incoming JSON `POST` to the matching method of `api`.
///
/// Returns `None` when no endpoint has `incoming.path`. Otherwise returns the JSON body
/// of the answer, or the error to turn into an HTTP error response.
#[allow(deprecated)]
pub async fn dispatch<__SenjaroApi>(
    api: &__SenjaroApi,
    incoming: ::senjaro_spec::__private::Incoming<'_>,
) -> ::core::option::Option<
    ::senjaro_spec::__private::Result<::senjaro_spec::__private::Vec<u8>>,
>
where
    __SenjaroApi: SenjaroApi + ?::core::marker::Sized,
{
    match incoming.path {
        "/v1/type" => {
            ::core::option::Option::Some(
                async {
                    #[allow(unused_mut)]
                    let mut request: self::Result = ::senjaro_spec::__private::decode_request(
                        incoming.body,
                    )?;
                    ::senjaro_spec::__private::Validate::validate(&request)?;
                    let answer = api.r#type(request).await?;
                    ::senjaro_spec::__private::encode_response(&answer)
                }
                    .await,
            )
        }
        "/v1/dispatch" => {
            ::core::option::Option::Some(
                async {
                    #[allow(unused_mut)]
                    let mut request: crate::Request = ::senjaro_spec::__private::decode_request(
                        incoming.body,
                    )?;
                    (<crate::Request as ::senjaro_spec::__private::Endpoint>::KEY_ACCESS
                        .set)(
                        &mut request,
                        ::senjaro_spec::__private::require_idempotency_key(
                            incoming.idempotency_key,
                            "x-request-key",
                        )?,
                    );
                    ::senjaro_spec::__private::Validate::validate(&request)?;
                    let answer = api.dispatch(request).await?;
                    ::senjaro_spec::__private::encode_response(&answer.response)
                }
                    .await,
            )
        }
        _ => ::core::option::Option::None,
    }
}
/// Wraps `api` in a `senjaro_spec::Router` that serves every endpoint of the spec, for an
/// HTTP server such as the sandbox's.
pub fn router<__SenjaroApi>(
    api: ::senjaro_spec::__private::Arc<__SenjaroApi>,
) -> ::senjaro_spec::__private::Arc<dyn ::senjaro_spec::__private::Router>
where
    __SenjaroApi: SenjaroApi + ?::core::marker::Sized + 'static,
{
    struct __SenjaroRouter<__SenjaroApi: ?::core::marker::Sized>(
        ::senjaro_spec::__private::Arc<__SenjaroApi>,
    );
    impl<__SenjaroApi> ::senjaro_spec::__private::Router
    for __SenjaroRouter<__SenjaroApi>
    where
        __SenjaroApi: SenjaroApi + ?::core::marker::Sized + 'static,
    {
        fn endpoints(
            &self,
        ) -> &'static [&'static ::senjaro_spec::__private::EndpointMeta] {
            ENDPOINTS
        }
        fn route<'a>(
            &'a self,
            incoming: ::senjaro_spec::__private::Incoming<'a>,
        ) -> ::senjaro_spec::__private::RouteFuture<'a> {
            ::senjaro_spec::__private::Box::pin(dispatch(&*self.0, incoming))
        }
    }
    ::senjaro_spec::__private::Arc::new(__SenjaroRouter(api))
}
