//! The `api!` macro behind senjaro: it reads the declarative endpoint spec and generates the
//! `SenjaroApi` trait, per-endpoint metadata, the endpoint table and server-side dispatch.
//!
//! The macro is used by the `senjaro-spec` crate (folder `api-spec/`); see that crate for the
//! spec syntax. Generated code reaches its runtime support through `::senjaro_spec::__private`.

mod ctxt;
mod expand;
mod parse;
mod paths;
mod schema;
mod validate;

#[cfg(test)]
mod snapshots;

/// Declares the SenjaroPay endpoints. See the `senjaro-spec` crate for the syntax.
#[proc_macro]
pub fn api(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let spec = syn::parse_macro_input!(input as parse::Spec);
    let (options, endpoints, errors) = validate::validate(spec);
    expand::expand(&options, &endpoints, errors).into()
}

/// Derives `senjaro_spec::Schema` from a struct's serde attributes (`rename`, `default`,
/// `skip`, `flatten`, `transparent`), for the OpenAPI export.
#[proc_macro_derive(Schema, attributes(serde))]
pub fn derive_schema(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    schema::derive(&input).into()
}
