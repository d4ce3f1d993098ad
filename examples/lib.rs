//! Runnable programs showing the senjaro client; run one with
//! `cargo run --example quickstart` from the workspace root. This library is empty: the
//! programs are the package's examples.
