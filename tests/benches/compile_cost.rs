//! Build cost of the spec crate: the real spec against a generated spec with 100 more
//! endpoints, measured in one run. Dependencies are built once first, so each timing is the
//! spec crate alone (macro expansion plus compiling the generated code), non-incremental.
//!
//! Run with `cargo bench -p senjaro-tests --bench compile_cost` (CI only builds it).

#![allow(clippy::print_stdout)] // a benchmark reports on stdout

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const EXTRA_ENDPOINTS: u32 = 100;
const ROUNDS: usize = 3;

fn main() {
    let root: PathBuf = [env!("CARGO_MANIFEST_DIR"), ".."].iter().collect();
    let root = root.canonicalize().expect("workspace root");
    let work = root.join("target").join("compile-cost");
    let target = work.join("target");

    let real = prepare(&root, &work.join("real"), 0);
    let big = prepare(&root, &work.join("hundred"), EXTRA_ENDPOINTS);

    // Warm-up: builds every dependency once into the shared target directory.
    build(&real, &target);
    build(&big, &target);

    // Interleaved rounds (A B A B ...) so machine drift affects both alike.
    let mut real_times = Vec::new();
    let mut big_times = Vec::new();
    for _ in 0..ROUNDS {
        real_times.push(rebuild(&real, &target));
        big_times.push(rebuild(&big, &target));
    }
    let real_median = median(&mut real_times);
    let big_median = median(&mut big_times);
    println!("spec crate build time (debug, dependencies prebuilt), median of {ROUNDS}:");
    println!("  real spec (2 endpoints)     {:>8.2} s", real_median.as_secs_f64());
    println!(
        "  real + {EXTRA_ENDPOINTS} endpoints        {:>8.2} s",
        big_median.as_secs_f64()
    );
    println!(
        "  ratio                       {:>8.2}x",
        big_median.as_secs_f64() / real_median.as_secs_f64()
    );
    println!(
        "  per extra endpoint          {:>8.1} ms",
        (big_median.as_secs_f64() - real_median.as_secs_f64()) * 1000.0 / f64::from(EXTRA_ENDPOINTS)
    );
}

/// Copies `api-spec` into `dir` as a standalone crate, appending `extra` generated endpoints.
fn prepare(root: &Path, dir: &Path, extra: u32) -> PathBuf {
    let _ = std::fs::remove_dir_all(dir);
    copy_dir(&root.join("api-spec").join("src"), &dir.join("src"));
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy lock file");
    let manifest = format!(
        r#"[package]
name = "senjaro-spec"
version = "0.1.0"
edition = "2024"

[workspace]

[dependencies]
senjaro-macros = {{ path = "{macros}" }}
async-trait = "0.1.88"
serde = {{ version = "1.0.219", default-features = false, features = ["std", "derive"] }}
serde_json = {{ version = "1.0.140", default-features = false, features = ["std"] }}
serde_path_to_error = "0.1.17"
time = {{ version = "0.3.41", default-features = false, features = ["std", "parsing", "formatting"] }}
uuid = {{ version = "1.16", default-features = false, features = ["std", "v4"] }}
"#,
        macros = root.join("senjaro-macros").display()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("write manifest");
    if extra > 0 {
        let spec = dir.join("src").join("spec.rs");
        let mut text = std::fs::read_to_string(&spec).expect("read spec");
        text.push_str(&generated_spec(extra));
        std::fs::write(&spec, text).expect("write spec");
    }
    dir.to_owned()
}

fn generated_spec(count: u32) -> String {
    let mut text = String::from(
        "\n/// Generated endpoints for the compile-cost benchmark.\n#[allow(dead_code)]\npub mod generated {\n",
    );
    text.push_str("    use serde::{Deserialize, Serialize};\n    use senjaro_macros::Schema;\n\n");
    for i in 0..count {
        let _ = write!(
            text,
            "    /// Request {i}.\n    #[derive(Clone, PartialEq, Serialize, Deserialize, Schema)]\n    pub struct Request{i} {{\n        /// A field.\n        pub reference: String,\n        /// Another.\n        pub amount: Option<crate::Amount>,\n    }}\n    impl crate::Validate for Request{i} {{}}\n    /// Response {i}.\n    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Schema)]\n    pub struct Response{i} {{\n        /// A field.\n        pub status: crate::PaymentStatus,\n        /// The rest.\n        #[serde(flatten)]\n        pub extra: crate::Extra,\n    }}\n"
        );
    }
    text.push_str("    senjaro_macros::api! {\n");
    for i in 0..count {
        let _ = write!(
            text,
            "        /// Endpoint {i}.\n        fn endpoint_{i}(Request{i}) -> Response{i} {{ path: \"/bench/endpoint/{i}\", retry: safe }}\n"
        );
    }
    text.push_str("    }\n}\n");
    text
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy file");
        }
    }
}

fn build(dir: &Path, target: &Path) -> Duration {
    let started = Instant::now();
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        // Whole-crate builds, not incremental reuse of the last one.
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .expect("run cargo");
    assert!(status.success(), "building {} failed", dir.display());
    started.elapsed()
}

/// Touches the spec so only the spec crate rebuilds, and times that build.
fn rebuild(dir: &Path, target: &Path) -> Duration {
    let lib = dir.join("src").join("lib.rs");
    let text = std::fs::read_to_string(&lib).expect("read lib");
    std::fs::write(&lib, text).expect("touch lib");
    build(dir, target)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}
