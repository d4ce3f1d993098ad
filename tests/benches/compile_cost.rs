//! Build cost of the spec: `senjaro-spec` and `senjaro-api` built with the real spec and with
//! 100 generated endpoints more, dependencies prebuilt, in one run (interleaved rounds).
//!
//! Run with `cargo bench -p senjaro-tests --bench compile_cost` (CI only builds it). The
//! `overhead` bench prints the same table after its load measurements.

#![allow(clippy::print_stdout)] // a benchmark reports on stdout

#[path = "support/build_cost.rs"]
mod build_cost;

fn main() {
    build_cost::run();
}
