//! Snapshots of the expansion, pretty-printed, so every change to the generated code shows up
//! in review as a diff. `SENJARO_UPDATE_SNAPSHOTS=1 cargo test -p senjaro-macros` rewrites them.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;

fn expand_source(source: &str) -> String {
    let file: syn::File = syn::parse_str(source).expect("the spec file parses");
    let tokens = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "api") => {
                Some(m.mac.tokens.clone())
            }
            _ => None,
        })
        .expect("the file invokes api!");
    let spec: crate::parse::Spec = syn::parse2(tokens).expect("the spec parses");
    let (options, endpoints, errors) = crate::validate::validate(spec);
    let expanded: TokenStream = crate::expand::expand(&options, &endpoints, errors);
    let file: syn::File = syn::parse2(expanded).expect("the expansion is valid Rust");
    prettyplease::unparse(&file)
}

fn check(input: &Path, snapshot_name: &str) {
    let source = std::fs::read_to_string(input).expect("read spec");
    let actual = expand_source(&source);
    let snapshot: PathBuf = [env!("CARGO_MANIFEST_DIR"), "snapshots", snapshot_name]
        .iter()
        .collect();
    if std::env::var_os("SENJARO_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        expected == actual,
        "the expansion of {} changed; review it and rerun with SENJARO_UPDATE_SNAPSHOTS=1.\n--- new expansion ---\n{actual}",
        input.display()
    );
}

#[test]
fn real_spec_expansion() {
    let spec: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "api-spec", "src", "spec.rs"]
        .iter()
        .collect();
    check(&spec, "real_spec.expanded.rs");
}

#[test]
fn hostile_spec_expansion() {
    let spec: PathBuf = [env!("CARGO_MANIFEST_DIR"), "snapshots", "hostile_spec.input.rs"]
        .iter()
        .collect();
    check(&spec, "hostile_spec.expanded.rs");
}
