/// The merchant API: one authenticated `POST` per endpoint of the spec.
///
/// Implemented for every `Transport` (which is how the HTTP client gets it), by the
/// sandbox, and by any fake a test writes. Object safe: use it as
/// `Arc<dyn SenjaroApi>`. A method an implementation does not override answers
/// 501 `not_implemented`, so adding an endpoint to the spec breaks no implementation.
#[cfg_attr(feature = "mock", ::mockall::automock)]
#[::senjaro_spec::__private::async_trait]
pub trait SenjaroApi: ::core::marker::Send + ::core::marker::Sync {
    /// Starts a mobile-money collection: SenjaroPay pushes a USSD prompt to the payer's phone.
    ///
    /// The answer only means the request was accepted; the payment starts `PENDING` and ends
    /// `COMPLETED` or `FAILED` once the customer acts. Follow it with `payment_status` or a
    /// webhook. Each call sends one idempotency key on every attempt (the caller's, or a fresh
    /// one) and returns it with the answer.
    ///
    /// # Errors
    ///
    /// Any [`Error`](crate::Error); every one carries the idempotency key.
    async fn create_payment(
        &self,
        request: CreatePaymentRequest,
    ) -> ::senjaro_spec::__private::Result<
        ::senjaro_spec::__private::Keyed<CreatePaymentResponse>,
    > {
        let _ = request;
        ::core::result::Result::Err(
            ::senjaro_spec::__private::not_implemented("create_payment"),
        )
    }
    /// Reads the current state of a payment by the reference create returned.
    ///
    /// # Errors
    ///
    /// Any [`Error`](crate::Error); an unknown reference is an [`Error::Api`](crate::Error::Api)
    /// whose status the vendor does not document.
    async fn payment_status(
        &self,
        request: PaymentStatusRequest,
    ) -> ::senjaro_spec::__private::Result<PaymentStatusResponse> {
        let _ = request;
        ::core::result::Result::Err(
            ::senjaro_spec::__private::not_implemented("payment_status"),
        )
    }
}
#[::senjaro_spec::__private::async_trait]
impl<__SenjaroTransport: ::senjaro_spec::__private::Transport> SenjaroApi
for __SenjaroTransport {
    async fn create_payment(
        &self,
        request: CreatePaymentRequest,
    ) -> ::senjaro_spec::__private::Result<
        ::senjaro_spec::__private::Keyed<CreatePaymentResponse>,
    > {
        ::senjaro_spec::__private::Transport::call_keyed(self, request).await
    }
    async fn payment_status(
        &self,
        request: PaymentStatusRequest,
    ) -> ::senjaro_spec::__private::Result<PaymentStatusResponse> {
        ::senjaro_spec::__private::Transport::call(self, request).await
    }
}
const _: () = {
    #[allow(dead_code)]
    fn __senjaro_sensitive_fields(request: &CreatePaymentRequest) {
        let _ = (&request.phone_number, &request.customer);
    }
};
impl ::core::fmt::Debug for CreatePaymentRequest {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        ::senjaro_spec::__private::fmt_redacted(self, f)
    }
}
impl ::senjaro_spec::__private::Endpoint for CreatePaymentRequest {
    type Response = CreatePaymentResponse;
    const META: &'static ::senjaro_spec::__private::EndpointMeta = &::senjaro_spec::__private::EndpointMeta::__new(::senjaro_spec::__private::EndpointMetaParts {
        name: "create_payment",
        method: "POST",
        path: "/senjaropay/merchant/payments/create",
        request_type: "CreatePaymentRequest",
        response_type: "CreatePaymentResponse",
        retry: ::senjaro_spec::__private::RetryClass::Keyed,
        idempotency_header: ::core::option::Option::Some("x-idempotency-key"),
        sensitive_fields: &["phone_number", "customer"],
        deprecated: ::core::option::Option::None,
        doc: "Starts a mobile-money collection: SenjaroPay pushes a USSD prompt to the payer's phone.\n\nThe answer only means the request was accepted; the payment starts `PENDING` and ends\n`COMPLETED` or `FAILED` once the customer acts. Follow it with `payment_status` or a\nwebhook. Each call sends one idempotency key on every attempt (the caller's, or a fresh\none) and returns it with the answer.\n\n# Errors\n\nAny [`Error`](crate::Error); every one carries the idempotency key.",
        request_schema: <CreatePaymentRequest as ::senjaro_spec::__private::Schema>::json_schema,
        response_schema: <CreatePaymentResponse as ::senjaro_spec::__private::Schema>::json_schema,
    });
    const KEY_ACCESS: ::senjaro_spec::__private::KeyAccess<Self> = ::senjaro_spec::__private::key_access::<
        CreatePaymentRequest,
    >();
}
impl ::core::fmt::Debug for PaymentStatusRequest {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        ::senjaro_spec::__private::fmt_redacted(self, f)
    }
}
impl ::senjaro_spec::__private::Endpoint for PaymentStatusRequest {
    type Response = PaymentStatusResponse;
    const META: &'static ::senjaro_spec::__private::EndpointMeta = &::senjaro_spec::__private::EndpointMeta::__new(::senjaro_spec::__private::EndpointMetaParts {
        name: "payment_status",
        method: "POST",
        path: "/senjaropay/merchant/payments/status",
        request_type: "PaymentStatusRequest",
        response_type: "PaymentStatusResponse",
        retry: ::senjaro_spec::__private::RetryClass::Safe,
        idempotency_header: ::core::option::Option::None,
        sensitive_fields: &[],
        deprecated: ::core::option::Option::None,
        doc: "Reads the current state of a payment by the reference create returned.\n\n# Errors\n\nAny [`Error`](crate::Error); an unknown reference is an [`Error::Api`](crate::Error::Api)\nwhose status the vendor does not document.",
        request_schema: <PaymentStatusRequest as ::senjaro_spec::__private::Schema>::json_schema,
        response_schema: <PaymentStatusResponse as ::senjaro_spec::__private::Schema>::json_schema,
    });
    const KEY_ACCESS: ::senjaro_spec::__private::KeyAccess<Self> = ::senjaro_spec::__private::KeyAccess::NONE;
}
/// Metadata of every endpoint in the spec, in declaration order.
pub const ENDPOINTS: &[&::senjaro_spec::__private::EndpointMeta] = &[
    <CreatePaymentRequest as ::senjaro_spec::__private::Endpoint>::META,
    <PaymentStatusRequest as ::senjaro_spec::__private::Endpoint>::META,
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
        "/senjaropay/merchant/payments/create" => {
            ::core::option::Option::Some(
                async {
                    #[allow(unused_mut)]
                    let mut request: CreatePaymentRequest = ::senjaro_spec::__private::decode_request(
                        incoming.body,
                    )?;
                    (<CreatePaymentRequest as ::senjaro_spec::__private::Endpoint>::KEY_ACCESS
                        .set)(
                        &mut request,
                        ::senjaro_spec::__private::require_idempotency_key(
                            incoming.idempotency_key,
                            "x-idempotency-key",
                        )?,
                    );
                    ::senjaro_spec::__private::Validate::validate(&request)?;
                    let answer = api.create_payment(request).await?;
                    ::senjaro_spec::__private::encode_response(&answer.response)
                }
                    .await,
            )
        }
        "/senjaropay/merchant/payments/status" => {
            ::core::option::Option::Some(
                async {
                    #[allow(unused_mut)]
                    let mut request: PaymentStatusRequest = ::senjaro_spec::__private::decode_request(
                        incoming.body,
                    )?;
                    ::senjaro_spec::__private::Validate::validate(&request)?;
                    let answer = api.payment_status(request).await?;
                    ::senjaro_spec::__private::encode_response(&answer)
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
