//! The `api!` macro's compile-time behaviour: every spec mistake gives a precise error
//! (reviewed in `ui/fail/*.stderr`), and valid specs compile in hostile surroundings.

#[test]
fn spec_mistakes_and_hygiene() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/fail/*.rs");
    cases.pass("ui/pass/*.rs");
}
