//! The OpenAPI document generated from the spec agrees with what the vendor publishes:
//! same paths, methods, required headers, field names and required flags.

use std::collections::BTreeSet;

use serde_json::Value;

fn vendor() -> Value {
    serde_json::from_str(include_str!("../fixtures/vendor-openapi-fragments.json")).expect("fixture is JSON")
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

fn property_names(schema: &Value) -> BTreeSet<String> {
    schema["properties"]
        .as_object()
        .expect("an object schema")
        .keys()
        .cloned()
        .collect()
}

fn required(schema: &Value) -> BTreeSet<String> {
    schema.get("required").map(strings).unwrap_or_default()
}

#[test]
fn every_vendor_operation_is_generated_with_the_same_shape() {
    let ours = senjaro_api::openapi::document();
    let vendor = vendor();
    let operations = vendor["operations"].as_array().expect("operations");
    // Every vendor operation must be there; endpoints the spec adds later may be too.
    assert!(ours["paths"].as_object().expect("paths").len() >= operations.len());

    for op in operations {
        let path = op["path"].as_str().expect("path");
        let method = op["method"].as_str().expect("method");
        let ours_op = &ours["paths"][path][method];
        assert!(ours_op.is_object(), "{method} {path} is missing");

        let headers: BTreeSet<String> = ours_op["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .filter(|p| p["in"] == "header" && p["required"] == true)
            .map(|p| p["name"].as_str().expect("name").to_owned())
            .collect();
        assert_eq!(headers, strings(&op["required_headers"]), "{path}: required headers");

        let request = &ours_op["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(ours_op["requestBody"]["required"], true, "{path}: body required");
        assert_eq!(
            property_names(request),
            strings(&op["request"]["fields"]),
            "{path}: request fields"
        );
        assert_eq!(
            required(request),
            strings(&op["request"]["required"]),
            "{path}: required request fields"
        );

        let response = &ours_op["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(
            property_names(response),
            strings(&op["response_200"]["fields"]),
            "{path}: response fields"
        );

        for status in op["error_statuses"].as_array().expect("statuses") {
            let status = status.as_u64().expect("status").to_string();
            assert_eq!(
                ours_op["responses"][&status]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ApiError",
                "{path}: {status} answers ApiError"
            );
        }
    }
}

#[test]
fn error_body_and_security_match() {
    let ours = senjaro_api::openapi::document();
    let vendor = vendor();
    let error = &ours["components"]["schemas"]["ApiError"];
    let fields = property_names(error);
    for field in strings(&vendor["error_body_fields"]) {
        assert!(fields.contains(&field), "ApiError lacks {field}");
    }
    let schemes: BTreeSet<String> = ours["components"]["securitySchemes"]
        .as_object()
        .expect("schemes")
        .values()
        .map(|s| s["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(schemes, strings(&vendor["security_headers"]));
    assert_eq!(ours["servers"][0]["url"], vendor["servers"][0]);
    assert_eq!(ours["openapi"], "3.1.0");
}

#[test]
fn the_status_answer_requires_only_what_the_client_needs() {
    let ours = senjaro_api::openapi::document();
    let response = &ours["paths"]["/senjaropay/merchant/payments/status"]["post"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    let expected: BTreeSet<String> = ["reference_id", "status"].into_iter().map(str::to_owned).collect();
    assert_eq!(required(response), expected);
    assert_eq!(response["additionalProperties"], true, "unknown fields are tolerated");
}
