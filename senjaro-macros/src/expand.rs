//! Tokens out: the trait, its blanket implementation over any transport, per-endpoint
//! metadata, the endpoint table and server-side dispatch. No checks are left here.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;

use crate::ctxt::Errors;
use crate::paths::private;
use crate::validate::{Endpoint, Options, Retry};

pub(crate) fn expand(options: &Options, endpoints: &[Endpoint], errors: Errors) -> TokenStream {
    let p = private();
    let errors = errors.into_compile_errors();
    // mockall's output names `::mockall` itself, so the invoking crate depends on it directly.
    let mock = options
        .mock_feature
        .as_ref()
        .map(|feature| quote!(#[cfg_attr(feature = #feature, ::mockall::automock)]));

    let trait_methods = endpoints.iter().map(|e| {
        let Endpoint {
            docs,
            deprecated,
            name,
            request,
            ..
        } = e;
        let output = output_type(e);
        let name_str = &e.name_str;
        quote! {
            #(#docs)*
            #deprecated
            async fn #name(&self, request: #request) -> #p::Result<#output> {
                let _ = request;
                ::core::result::Result::Err(#p::not_implemented(#name_str))
            }
        }
    });

    let transport_methods = endpoints.iter().map(|e| {
        let Endpoint { name, request, .. } = e;
        let output = output_type(e);
        let call = if e.idempotency_header.is_some() {
            quote!(#p::Transport::call_keyed(self, request).await)
        } else {
            quote!(#p::Transport::call(self, request).await)
        };
        quote! {
            async fn #name(&self, request: #request) -> #p::Result<#output> {
                #call
            }
        }
    });

    let endpoint_impls = endpoints.iter().map(|e| endpoint_impl(e, &p));
    let metas = endpoints.iter().map(|e| {
        let request = &e.request;
        quote!(<#request as #p::Endpoint>::META)
    });
    let routes = endpoints.iter().map(|e| route(e, &p));

    quote! {
        #errors

        /// The merchant API: one authenticated `POST` per endpoint of the spec.
        ///
        /// Implemented for every `Transport` (which is how the HTTP client gets it), by the
        /// sandbox, and by any fake a test writes. Object safe: use it as
        /// `Arc<dyn SenjaroApi>`. A method an implementation does not override answers
        /// 501 `not_implemented`, so adding an endpoint to the spec breaks no implementation.
        #mock
        #[#p::async_trait]
        pub trait SenjaroApi: ::core::marker::Send + ::core::marker::Sync {
            #(#trait_methods)*
        }

        #[#p::async_trait]
        impl<__SenjaroTransport: #p::Transport> SenjaroApi for __SenjaroTransport {
            #(#transport_methods)*
        }

        #(#endpoint_impls)*

        /// Metadata of every endpoint in the spec, in declaration order.
        pub const ENDPOINTS: &[&#p::EndpointMeta] = &[#(#metas),*];

        /// Routes one incoming JSON `POST` to the matching method of `api`.
        ///
        /// Returns `None` when no endpoint has `incoming.path`. Otherwise returns the JSON body
        /// of the answer, or the error to turn into an HTTP error response.
        #[allow(deprecated)]
        pub async fn dispatch<__SenjaroApi>(
            api: &__SenjaroApi,
            incoming: #p::Incoming<'_>,
        ) -> ::core::option::Option<#p::Result<#p::Vec<u8>>>
        where
            __SenjaroApi: SenjaroApi + ?::core::marker::Sized,
        {
            match incoming.path {
                #(#routes)*
                _ => ::core::option::Option::None,
            }
        }

        /// Wraps `api` in a `senjaro_spec::Router` that serves every endpoint of the spec, for an
        /// HTTP server such as the sandbox's.
        pub fn router<__SenjaroApi>(api: #p::Arc<__SenjaroApi>) -> #p::Arc<dyn #p::Router>
        where
            __SenjaroApi: SenjaroApi + ?::core::marker::Sized + 'static,
        {
            struct __SenjaroRouter<__SenjaroApi: ?::core::marker::Sized>(#p::Arc<__SenjaroApi>);

            impl<__SenjaroApi> #p::Router for __SenjaroRouter<__SenjaroApi>
            where
                __SenjaroApi: SenjaroApi + ?::core::marker::Sized + 'static,
            {
                fn endpoints(&self) -> &'static [&'static #p::EndpointMeta] {
                    ENDPOINTS
                }

                fn route<'a>(&'a self, incoming: #p::Incoming<'a>) -> #p::RouteFuture<'a> {
                    #p::Box::pin(dispatch(&*self.0, incoming))
                }
            }

            #p::Arc::new(__SenjaroRouter(api))
        }
    }
}

fn output_type(e: &Endpoint) -> TokenStream {
    let p = private();
    let response = &e.response;
    if e.idempotency_header.is_some() {
        quote!(#p::Keyed<#response>)
    } else {
        quote!(#response)
    }
}

fn endpoint_impl(e: &Endpoint, p: &TokenStream) -> TokenStream {
    let Endpoint {
        request,
        response,
        path,
        name_str,
        doc_text,
        sensitive,
        ..
    } = e;
    let retry = match e.retry {
        Retry::Safe => quote!(Safe),
        Retry::Keyed => quote!(Keyed),
        Retry::Never => quote!(Never),
    };
    let header = if let Some(h) = &e.idempotency_header {
        quote!(::core::option::Option::Some(#h))
    } else {
        quote!(::core::option::Option::None)
    };
    let deprecated = if let Some(note) = &e.deprecated_note {
        quote!(::core::option::Option::Some(#note))
    } else {
        quote!(::core::option::Option::None)
    };
    let request_name = type_name(request);
    let response_name = type_name(response);
    let key_access = if e.idempotency_header.is_some() {
        quote_spanned!(request.span()=> #p::key_access::<#request>())
    } else {
        quote!(#p::KeyAccess::NONE)
    };
    let sensitive_names: Vec<String> = sensitive
        .iter()
        .map(|field| field.to_string().trim_start_matches("r#").to_owned())
        .collect();
    // Names each sensitive field, so a typo is a compile error at the name in the spec.
    let field_check = (!sensitive.is_empty()).then(|| {
        let reads = sensitive
            .iter()
            .map(|field| quote_spanned!(field.span()=> &request.#field));
        quote! {
            const _: () = {
                #[allow(dead_code)]
                fn __senjaro_sensitive_fields(request: &#request) {
                    let _ = (#(#reads,)*);
                }
            };
        }
    });
    quote! {
        #field_check

        impl ::core::fmt::Debug for #request {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #p::fmt_redacted(self, f)
            }
        }

        impl #p::Endpoint for #request {
            type Response = #response;
            const META: &'static #p::EndpointMeta = &#p::EndpointMeta::__new(#p::EndpointMetaParts {
            name: #name_str,
            method: "POST",
            path: #path,
            request_type: #request_name,
            response_type: #response_name,
            retry: #p::RetryClass::#retry,
            idempotency_header: #header,
            sensitive_fields: &[#(#sensitive_names),*],
            deprecated: #deprecated,
                doc: #doc_text,
                request_schema: <#request as #p::Schema>::json_schema,
                response_schema: <#response as #p::Schema>::json_schema,
            });
            const KEY_ACCESS: #p::KeyAccess<Self> = #key_access;
        }
    }
}

fn route(e: &Endpoint, p: &TokenStream) -> TokenStream {
    let Endpoint {
        name, request, path, ..
    } = e;
    let (set_key, encode) = match &e.idempotency_header {
        Some(header) => (
            quote! {
                (<#request as #p::Endpoint>::KEY_ACCESS.set)(
                    &mut request,
                    #p::require_idempotency_key(incoming.idempotency_key, #header)?,
                );
            },
            quote!(#p::encode_response(&answer.response)),
        ),
        None => (quote!(), quote!(#p::encode_response(&answer))),
    };
    quote! {
        #path => ::core::option::Option::Some(async {
            #[allow(unused_mut)]
            let mut request: #request = #p::decode_request(incoming.body)?;
            #set_key
            #p::Validate::validate(&request)?;
            let answer = api.#name(request).await?;
            #encode
        }.await),
    }
}

fn type_name(ty: &syn::Type) -> String {
    quote!(#ty).to_string().replace(' ', "")
}
