use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Serialize, Deserialize, senjaro_spec::Schema)]
pub struct Charge {
    #[serde(rename = "phoneNumber")]
    pub phone_number: String,
    pub note: String,
}
impl senjaro_spec::Validate for Charge {}

#[derive(Clone, Debug, Serialize, Deserialize, senjaro_spec::Schema)]
pub struct Charged {
    pub ok: bool,
}

senjaro_macros::api! {
    fn charge(Charge) -> Charged { path: "/v1/charge", retry: never, sensitive: [phone_number] }
}

fn main() {
    let shown = format!(
        "{:?}",
        Charge {
            phone_number: "255712345678".to_owned(),
            note: "hello".to_owned(),
        }
    );
    // Fields print in JSON key order; the renamed sensitive field is found by its wire name.
    assert_eq!(shown, r#"Charge { note: "hello", phoneNumber: [redacted] }"#);
}
