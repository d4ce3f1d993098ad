//! The one place that spells where generated code finds its runtime support.

use proc_macro2::TokenStream;
use quote::quote;

/// `::senjaro_spec::__private`: the hidden re-export module of the runtime crate. The runtime
/// crate declares `extern crate self as senjaro_spec;` so this path also works inside it.
pub(crate) fn private() -> TokenStream {
    quote!(::senjaro_spec::__private)
}
