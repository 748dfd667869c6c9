//! The vendor's error bodies, in both shapes it uses:
//! `{"errors": {"field": ["msg"]}}` and `{"errors": ["msg"]}`.

use serde_json::Value;

/// Messages from an error body: those tied to a field, and the rest (`base` counts as the rest).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VendorErrors {
    pub fields: Vec<(String, Vec<String>)>,
    pub general: Vec<String>,
}

impl VendorErrors {
    /// `None` when the body is not JSON or has no `errors` key we understand.
    pub fn parse(body: &[u8]) -> Option<Self> {
        let value: Value = serde_json::from_slice(body).ok()?;
        let errors = value.get("errors")?;
        let mut out = Self::default();
        match errors {
            Value::Array(items) => out.general.extend(items.iter().map(message_of)),
            Value::Object(map) => {
                for (field, msgs) in map {
                    let msgs: Vec<String> = match msgs {
                        Value::Array(items) => items.iter().map(message_of).collect(),
                        other => vec![message_of(other)],
                    };
                    if field == "base" {
                        out.general.extend(msgs);
                    } else {
                        out.fields.push((field.clone(), msgs));
                    }
                }
            }
            Value::String(s) => out.general.push(s.clone()),
            _ => return None,
        }
        Some(out)
    }

    /// Every message, field ones as "name can't be blank".
    pub fn all_messages(&self) -> Vec<String> {
        let mut all = self.general.clone();
        for (field, msgs) in &self.fields {
            all.extend(msgs.iter().map(|m| format!("{field} {m}")));
        }
        all
    }
}

fn message_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_shape_with_base() {
        let e = VendorErrors::parse(br#"{"errors": {"base": ["Required session does not exist"]}}"#).unwrap();
        assert_eq!(e.general, vec!["Required session does not exist"]);
        assert!(e.fields.is_empty());
        let e = VendorErrors::parse(br#"{"errors": {"name": ["can't be blank"]}}"#).unwrap();
        assert_eq!(e.fields, vec![("name".to_string(), vec!["can't be blank".to_string()])]);
        assert_eq!(e.all_messages(), vec!["name can't be blank"]);
    }

    #[test]
    fn list_shape() {
        let e = VendorErrors::parse(br#"{"errors": ["User not found"]}"#).unwrap();
        assert_eq!(e.general, vec!["User not found"]);
    }

    #[test]
    fn not_json_or_other_shapes() {
        assert_eq!(VendorErrors::parse(b"<html>502 Bad Gateway</html>"), None);
        assert_eq!(VendorErrors::parse(br#"{"message":"x"}"#), None);
        assert_eq!(VendorErrors::parse(br#"{"errors": 5}"#), None);
    }
}
