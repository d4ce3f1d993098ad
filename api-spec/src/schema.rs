//! JSON Schemas of the spec's types, for the OpenAPI export. Structs get theirs from
//! `#[derive(Schema)]`, which reads the same serde attributes the wire format uses.

use serde_json::{Map, Value, json};

use crate::{Amount, Currency, ErrorCode, IdempotencyKey, Msisdn, PaymentStatus, PaymentType, Reference, Timestamp};

/// A type that can describe its JSON form as a JSON Schema (draft 2020-12, as OpenAPI 3.1
/// uses). Derive it with `#[derive(senjaro_spec::Schema)]` on request and response structs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is used in the spec, so it must describe its JSON form",
    label = "add `#[derive(senjaro_spec::Schema)]` to `{Self}`"
)]
pub trait Schema {
    /// The schema of this type's JSON form.
    fn json_schema() -> Value;

    /// Whether a field of this type may be left out of a JSON object (`Option` fields).
    #[doc(hidden)]
    #[must_use]
    fn __optional() -> bool {
        false
    }

    /// The JSON name of the Rust field `field`, if this type has one (`#[derive(Schema)]`
    /// follows `#[serde(rename)]`). Used to redact sensitive fields in `Debug`.
    #[doc(hidden)]
    #[must_use]
    fn __wire_name(field: &str) -> Option<&'static str> {
        let _ = field;
        None
    }
}

/// One property of an object schema; written by `#[derive(Schema)]`.
#[doc(hidden)]
pub struct Property {
    pub name: &'static str,
    pub schema: Value,
    pub required: bool,
    pub description: &'static str,
}

/// An object schema from its properties; written by `#[derive(Schema)]`.
#[doc(hidden)]
#[must_use]
pub fn object_schema(properties: Vec<Property>, open: bool, description: &str) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for property in properties {
        let mut schema = property.schema;
        if let (Value::Object(fields), false) = (&mut schema, property.description.is_empty()) {
            fields.insert("description".to_owned(), Value::from(property.description));
        }
        if property.required {
            required.push(Value::from(property.name));
        }
        props.insert(property.name.to_owned(), schema);
    }
    let mut object = Map::new();
    object.insert("type".to_owned(), Value::from("object"));
    if !description.is_empty() {
        object.insert("description".to_owned(), Value::from(description));
    }
    object.insert("properties".to_owned(), Value::Object(props));
    if !required.is_empty() {
        object.insert("required".to_owned(), Value::Array(required));
    }
    object.insert("additionalProperties".to_owned(), Value::Bool(open));
    Value::Object(object)
}

impl<T: Schema> Schema for Option<T> {
    fn json_schema() -> Value {
        T::json_schema()
    }

    fn __optional() -> bool {
        true
    }
}

impl<T: Schema> Schema for Vec<T> {
    fn json_schema() -> Value {
        json!({ "type": "array", "items": T::json_schema() })
    }
}

impl Schema for String {
    fn json_schema() -> Value {
        json!({ "type": "string" })
    }
}

impl Schema for bool {
    fn json_schema() -> Value {
        json!({ "type": "boolean" })
    }
}

macro_rules! integer_schema {
    ($($t:ty),*) => {$(
        impl Schema for $t {
            fn json_schema() -> Value {
                json!({ "type": "integer" })
            }
        }
    )*};
}

integer_schema!(i32, i64, u8, u16, u32, u64);

impl Schema for Value {
    fn json_schema() -> Value {
        json!({})
    }
}

impl Schema for Map<String, Value> {
    fn json_schema() -> Value {
        json!({ "type": "object" })
    }
}

impl Schema for Amount {
    fn json_schema() -> Value {
        json!({ "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$", "examples": ["1000.00"] })
    }
}

impl Schema for Currency {
    fn json_schema() -> Value {
        json!({ "type": "string", "pattern": "^[A-Z]{3}$", "examples": ["TZS"] })
    }
}

impl Schema for Msisdn {
    fn json_schema() -> Value {
        json!({ "type": "string", "pattern": "^255[67][0-9]{8}$", "examples": ["255712345678"] })
    }
}

impl Schema for Reference {
    fn json_schema() -> Value {
        json!({ "type": "string", "examples": ["mock-ref-7b2a4f3e"] })
    }
}

impl Schema for IdempotencyKey {
    fn json_schema() -> Value {
        json!({ "type": "string", "minLength": 1, "maxLength": crate::MAX_IDEMPOTENCY_KEY_LEN })
    }
}

impl Schema for Timestamp {
    fn json_schema() -> Value {
        json!({ "type": "string", "format": "date-time", "examples": ["2026-01-01T10:30:00.000Z"] })
    }
}

impl Schema for PaymentStatus {
    fn json_schema() -> Value {
        json!({ "type": "string", "examples": ["PENDING", "COMPLETED", "FAILED"] })
    }
}

impl Schema for PaymentType {
    fn json_schema() -> Value {
        json!({ "type": "string", "examples": ["MOBILE"] })
    }
}

impl Schema for ErrorCode {
    fn json_schema() -> Value {
        json!({ "type": "string", "examples": ["unauthorized", "forbidden", "validation_error"] })
    }
}
