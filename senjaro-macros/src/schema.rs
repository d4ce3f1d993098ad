//! `#[derive(Schema)]`: a JSON Schema from a struct's serde attributes, for the OpenAPI export.
//! Small enough that parsing and expansion share this file.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Expr, ExprLit, Fields, Lit, LitStr, Meta};

use crate::ctxt::Errors;
use crate::paths::private;

struct Field {
    rust_name: String,
    name: String,
    ty: syn::Type,
    required_unless_option: bool,
    doc: String,
}

pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let p = private();
    let ident = &input.ident;
    if !input.generics.params.is_empty() {
        errors.at(
            &input.generics,
            "`Schema` cannot be derived for generic types, implement it by hand",
        );
    }
    let container = serde_attrs(&input.attrs, &mut errors);
    let Data::Struct(data) = &input.data else {
        errors.at(
            ident,
            "`Schema` can be derived for structs only, implement it by hand for enums",
        );
        return errors.into_compile_errors();
    };
    let Fields::Named(named) = &data.fields else {
        errors.at(ident, "`Schema` can be derived for structs with named fields only");
        return errors.into_compile_errors();
    };

    let mut fields = Vec::new();
    let mut open = !container.deny_unknown_fields;
    for field in &named.named {
        let attrs = serde_attrs(&field.attrs, &mut errors);
        if attrs.skip {
            continue;
        }
        if attrs.flatten {
            // Only the catch-all map is flattened in this crate: it makes the object open.
            open = true;
            continue;
        }
        let Some(field_ident) = &field.ident else { continue };
        let raw = field_ident.to_string();
        let rust_name = raw.strip_prefix("r#").unwrap_or(&raw).to_owned();
        let name = attrs.rename.unwrap_or_else(|| rust_name.clone());
        fields.push(Field {
            rust_name,
            name,
            ty: field.ty.clone(),
            required_unless_option: !(attrs.default || container.default),
            doc: doc_text(&field.attrs),
        });
    }
    if errors.count() > 0 {
        return errors.into_compile_errors();
    }

    let description = doc_text(&input.attrs);
    let body = if container.transparent {
        let Some(inner) = named.named.first() else {
            return quote!(::core::compile_error!("`#[serde(transparent)]` needs one field"););
        };
        let ty = &inner.ty;
        quote!(<#ty as #p::Schema>::json_schema())
    } else {
        let properties = fields.iter().map(|f| {
            let Field {
                name,
                ty,
                required_unless_option,
                doc,
                ..
            } = f;
            quote! {
                #p::Property {
                    name: #name,
                    schema: <#ty as #p::Schema>::json_schema(),
                    required: #required_unless_option && !<#ty as #p::Schema>::__optional(),
                    description: #doc,
                }
            }
        });
        quote!(#p::object_schema(::core::convert::From::from([#(#properties),*]), #open, #description))
    };
    let rust_names = fields.iter().map(|f| &f.rust_name);
    let wire_names = fields.iter().map(|f| &f.name);
    quote! {
        impl #p::Schema for #ident {
            fn json_schema() -> #p::Value {
                #body
            }

            fn __wire_name(field: &str) -> ::core::option::Option<&'static str> {
                match field {
                    #(#rust_names => ::core::option::Option::Some(#wire_names),)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }
}

#[derive(Default)]
#[allow(clippy::struct_excessive_bools)] // one flag per serde attribute it mirrors
struct SerdeAttrs {
    rename: Option<String>,
    default: bool,
    skip: bool,
    flatten: bool,
    transparent: bool,
    deny_unknown_fields: bool,
}

fn serde_attrs(attrs: &[syn::Attribute], errors: &mut Errors) -> SerdeAttrs {
    let mut out = SerdeAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let parsed = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
            match key.as_str() {
                "rename" => out.rename = Some(meta.value()?.parse::<LitStr>()?.value()),
                "default" => {
                    if meta.input.peek(syn::Token![=]) {
                        meta.value()?.parse::<LitStr>()?;
                    }
                    out.default = true;
                }
                "skip" | "skip_deserializing" => out.skip = true,
                "flatten" => out.flatten = true,
                "transparent" => out.transparent = true,
                "deny_unknown_fields" => out.deny_unknown_fields = true,
                "rename_all" => {
                    return Err(meta.error("`Schema` does not follow `rename_all`, rename each field instead"));
                }
                _ => {
                    // Attributes that do not change field names or presence (such as
                    // `skip_serializing_if` or `alias`): consume any value and move on.
                    if meta.input.peek(syn::Token![=]) {
                        meta.value()?.parse::<Expr>()?;
                    } else if meta.input.peek(syn::token::Paren) {
                        let _ = meta.parse_nested_meta(|inner| {
                            if inner.input.peek(syn::Token![=]) {
                                inner.value()?.parse::<Expr>()?;
                            }
                            Ok(())
                        });
                    }
                }
            }
            Ok(())
        });
        if let Err(e) = parsed {
            errors.push(e);
        }
    }
    out
}

fn doc_text(attrs: &[syn::Attribute]) -> String {
    let mut text = String::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        if let Meta::NameValue(nv) = &attr.meta
            && let Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) = &nv.value
        {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(s.value().trim());
        }
    }
    text
}
