//! Snapshots of the expansion, pretty-printed, so every change to the generated code shows up
//! in review as a diff. `SENJARO_UPDATE_SNAPSHOTS=1 cargo test -p senjaro-macros` rewrites them.
//!
//! The real spec's snapshot lives beside it, in `api-spec/snapshots/`, so a maintainer who
//! adds an endpoint still touches only `api-spec/`.

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

fn check(input: &Path, snapshot: &Path) {
    let source = std::fs::read_to_string(input).expect("read spec");
    let actual = expand_source(&source);
    if std::env::var_os("SENJARO_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(snapshot, &actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(snapshot).unwrap_or_default();
    assert!(
        expected == actual,
        "the expansion of {} changed; review it and rerun with SENJARO_UPDATE_SNAPSHOTS=1.\n--- new expansion ---\n{actual}",
        input.display()
    );
}

#[test]
fn real_spec_expansion() {
    let spec_crate: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "api-spec"].iter().collect();
    check(
        &spec_crate.join("src").join("spec.rs"),
        &spec_crate.join("snapshots").join("spec.expanded.rs"),
    );
}

#[test]
fn hostile_spec_expansion() {
    let snapshots: PathBuf = [env!("CARGO_MANIFEST_DIR"), "snapshots"].iter().collect();
    check(
        &snapshots.join("hostile_spec.input.rs"),
        &snapshots.join("hostile_spec.expanded.rs"),
    );
}
