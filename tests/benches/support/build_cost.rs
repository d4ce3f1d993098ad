//! Build time of `api-spec` + `senjaro-api` with their dependencies already built, for the real
//! spec and for the real spec with 100 generated endpoints added to its `api!` invocation.
//!
//! Copies of the two crates in a workspace under `target/build-cost` (the root manifest copied with only `members` and the macro
//! crate's path changed, so profiles and dependency versions are the real ones), dependencies
//! built once first, then interleaved rounds of whole-crate (non-incremental) debug rebuilds
//! after touching the spec. Each rebuild is timed in two steps: `senjaro-spec`, then
//! `senjaro-api` on top of it.
//!
//! Shared by the `compile_cost` bench (this alone) and the `overhead` bench (after its load
//! measurements).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const EXTRA_ENDPOINTS: u32 = 100;
const ROUNDS: usize = 3;

pub(crate) fn run() {
    let root: PathBuf = [env!("CARGO_MANIFEST_DIR"), ".."].iter().collect();
    let root = root.canonicalize().expect("workspace root");
    let work = root.join("target").join("build-cost");
    let target = work.join("target");
    let real = prepare(&root, &work.join("real"), 0);
    let big = prepare(&root, &work.join("hundred"), EXTRA_ENDPOINTS);

    let warm_up = Instant::now();
    build(&real, &target, "senjaro-api");
    build(&big, &target, "senjaro-api");
    let warm_up = warm_up.elapsed();

    let mut times: [Vec<(Duration, Duration)>; 2] = [Vec::new(), Vec::new()];
    for round in 0..ROUNDS {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for which in order {
            let dir = if which == 0 { &real } else { &big };
            touch(dir);
            let spec = build(dir, &target, "senjaro-spec");
            let api = build(dir, &target, "senjaro-api");
            times[which].push((spec, api));
        }
    }
    let [real_times, big_times] = times;
    let (real_spec, real_api) = medians(real_times);
    let (big_spec, big_api) = medians(big_times);
    let secs = |d: Duration| d.as_secs_f64();
    println!("\nbuild cost (debug, dependencies prebuilt, non-incremental), median of {ROUNDS} interleaved rounds");
    println!(
        "  {:<28} {:>12} {:>12} {:>8}",
        "", "senjaro-spec", "senjaro-api", "total"
    );
    for (label, spec, api) in [
        ("real spec (2 endpoints)", real_spec, real_api),
        ("real + 100 endpoints", big_spec, big_api),
    ] {
        println!(
            "  {label:<28} {:>10.2} s {:>10.2} s {:>6.2} s",
            secs(spec),
            secs(api),
            secs(spec + api)
        );
    }
    let extra = secs(big_spec + big_api) - secs(real_spec + real_api);
    println!(
        "  ratio {:.2}x, {:.1} ms per extra endpoint; (first building the dependencies took {:.0} s, not counted)",
        secs(big_spec + big_api) / secs(real_spec + real_api),
        extra * 1000.0 / f64::from(EXTRA_ENDPOINTS),
        secs(warm_up)
    );
}

fn medians(mut times: Vec<(Duration, Duration)>) -> (Duration, Duration) {
    times.sort_by_key(|(spec, api)| *spec + *api);
    times[times.len() / 2]
}

/// A workspace of copies of `api-spec` and `senjaro-api` in `dir`, the spec with `extra`
/// generated endpoints added to its `api!` invocation.
fn prepare(root: &Path, dir: &Path, extra: u32) -> PathBuf {
    let _ = std::fs::remove_dir_all(dir);
    for krate in ["api-spec", "senjaro-api"] {
        copy_dir(&root.join(krate).join("src"), &dir.join(krate).join("src"));
        std::fs::copy(root.join(krate).join("Cargo.toml"), dir.join(krate).join("Cargo.toml"))
            .expect("copy crate manifest");
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy lock file");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("read root manifest");
    let macros = format!("path = \"{}\"", root.join("senjaro-macros").display());
    let mut rewritten = String::new();
    let mut members_seen = false;
    for line in manifest.lines() {
        if line.trim_start().starts_with("members") {
            members_seen = true;
            rewritten.push_str("members = [\"api-spec\", \"senjaro-api\"]\n");
        } else {
            rewritten.push_str(&line.replace("path = \"senjaro-macros\"", &macros));
            rewritten.push('\n');
        }
    }
    assert!(
        members_seen && rewritten.contains(&macros),
        "the root manifest changed shape: update build_cost::prepare"
    );
    std::fs::write(dir.join("Cargo.toml"), rewritten).expect("write manifest");
    if extra > 0 {
        let spec = dir.join("api-spec").join("src").join("spec.rs");
        let text = std::fs::read_to_string(&spec).expect("read spec");
        let end = text.trim_end().rfind('}').expect("the api! invocation ends the spec");
        let mut grown = text[..end].to_owned();
        grown.push_str(&generated_entries(extra));
        grown.push_str("}\n");
        grown.push_str(&generated_types(extra));
        std::fs::write(&spec, grown).expect("write spec");
    }
    dir.to_owned()
}

fn generated_entries(count: u32) -> String {
    let mut text = String::new();
    for i in 0..count {
        let _ = write!(
            text,
            "\n    /// Endpoint {i}.\n    fn endpoint_{i}(Request{i}) -> Response{i} {{\n        path: \"/bench/endpoint/{i}\",\n        retry: safe,\n    }}\n"
        );
    }
    text
}

fn generated_types(count: u32) -> String {
    let mut text = String::from(
        "\n/// Generated types for the build-cost benchmark.\n#[allow(unreachable_pub)]\npub mod generated {\n    use serde::{Deserialize, Serialize};\n    use senjaro_macros::Schema;\n",
    );
    for i in 0..count {
        let _ = write!(
            text,
            "\n    /// Request {i}.\n    #[derive(Clone, PartialEq, Serialize, Deserialize, Schema)]\n    pub struct Request{i} {{\n        /// A field.\n        pub reference: String,\n        /// Another.\n        pub amount: Option<crate::Amount>,\n    }}\n    impl crate::Validate for Request{i} {{}}\n    /// Response {i}.\n    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Schema)]\n    pub struct Response{i} {{\n        /// A field.\n        pub status: crate::PaymentStatus,\n        /// The rest.\n        #[serde(flatten)]\n        pub extra: crate::Extra,\n    }}\n"
        );
    }
    text.push_str("}\nuse generated::*;\n");
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

fn build(dir: &Path, target: &Path, package: &str) -> Duration {
    let started = Instant::now();
    let output = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--offline", "-p", package, "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        // Whole-crate builds, not incremental reuse of the last one.
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .expect("run cargo");
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "building {package} in {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    elapsed
}

/// Rewrites the spec crate's root so both crates rebuild.
fn touch(dir: &Path) {
    let lib = dir.join("api-spec").join("src").join("lib.rs");
    let text = std::fs::read_to_string(&lib).expect("read lib");
    std::fs::write(&lib, text).expect("touch lib");
}
