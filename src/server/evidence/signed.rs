//! A signed record as a file: the record as readable JSON, and an Ed25519 signature over its
//! canonical bytes. Verifying also requires the file to be byte for byte as the server wrote
//! it, so no change at all, even to spacing outside the signed part, passes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ring::signature::{UnparsedPublicKey, ED25519};
use serde_json::{json, Value};

use super::key::{key_id, SigningKey};

/// What kind of record a file is, and its layout's version.
pub const DELETION_RECORD: &str = "meeting-admin/deletion-record/1";

/// The bytes a signature covers: the format, a newline, and the record as compact JSON.
fn signed_bytes(format: &str, record: &Value) -> Vec<u8> {
    let mut b = format.as_bytes().to_vec();
    b.push(b'\n');
    b.extend_from_slice(record.to_string().as_bytes());
    b
}

fn layout(envelope: &Value) -> String {
    let mut text = serde_json::to_string_pretty(envelope).unwrap_or_default();
    text.push('\n');
    text
}

/// The file for `record`, signed with `key`.
pub fn sign(format: &str, record: Value, key: &SigningKey) -> String {
    let signature = key.sign(&signed_bytes(format, &record));
    layout(&json!({
        "format": format,
        "record": record,
        "signature": {
            "algorithm": "Ed25519",
            "key_id": key.key_id(),
            "public_key": STANDARD.encode(key.public()),
            "value": STANDARD.encode(signature),
        }
    }))
}

/// Why a file does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("not a signed record: {0}")]
    NotJson(String),
    #[error("not a signed record: it has no {0}")]
    Missing(&'static str),
    #[error("not a record this version knows: its format is '{0}'")]
    Format(String),
    #[error("signed with '{0}', not Ed25519")]
    Algorithm(String),
    #[error("its {0} is not valid base64 of the right length")]
    Encoding(&'static str),
    #[error("its key id does not belong to the public key it carries")]
    KeyId,
    #[error("the signature does not match the record: the record was changed after it was signed")]
    Signature,
    #[error("the file was changed outside the signed record: it is not laid out as the server wrote it")]
    Layout,
    #[error("the signature is valid, but made with another key (key id {theirs}), not this server's (key id {ours})")]
    OtherKey { theirs: String, ours: String },
}

/// The record inside `text`, if `text` is a file this server's key signed, untouched.
pub fn verify(text: &str, expected_format: &str, ours: &[u8]) -> Result<Value, Invalid> {
    let envelope: Value = serde_json::from_str(text).map_err(|e| Invalid::NotJson(e.to_string()))?;
    let format = envelope.get("format").and_then(Value::as_str).ok_or(Invalid::Missing("format"))?;
    if format != expected_format {
        return Err(Invalid::Format(format.chars().take(80).collect()));
    }
    let record = envelope.get("record").ok_or(Invalid::Missing("record"))?;
    let sig = envelope.get("signature").ok_or(Invalid::Missing("signature"))?;
    let field = |name: &'static str| sig.get(name).and_then(Value::as_str).ok_or(Invalid::Missing(name));
    let algorithm = field("algorithm")?;
    if algorithm != "Ed25519" {
        return Err(Invalid::Algorithm(algorithm.chars().take(40).collect()));
    }
    let public = STANDARD.decode(field("public_key")?).ok().filter(|k| k.len() == 32).ok_or(Invalid::Encoding("public key"))?;
    let value = STANDARD.decode(field("value")?).ok().filter(|s| s.len() == 64).ok_or(Invalid::Encoding("signature"))?;
    if field("key_id")? != key_id(&public) {
        return Err(Invalid::KeyId);
    }
    UnparsedPublicKey::new(&ED25519, &public).verify(&signed_bytes(format, record), &value).map_err(|_| Invalid::Signature)?;
    if layout(&envelope) != text {
        return Err(Invalid::Layout);
    }
    if public != ours {
        return Err(Invalid::OtherKey { theirs: key_id(&public), ours: key_id(ours) });
    }
    Ok(record.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    static KEY: LazyLock<SigningKey> = LazyLock::new(SigningKey::generate);

    fn record() -> Value {
        json!({"case": {"reference": "ZD-48213", "state": "done"}, "meetings": [{"id": "6751c2a4f4b2f3b2a1c0d9e8", "recordings": [{"id": "r1", "size_bytes": 1048576}]}]})
    }

    #[test]
    fn a_record_round_trips() {
        let file = sign(DELETION_RECORD, record(), &KEY);
        assert_eq!(verify(&file, DELETION_RECORD, KEY.public()), Ok(record()));
        assert!(file.contains("\"reference\": \"ZD-48213\""), "readable as it is: {file}");
    }

    #[test]
    fn each_kind_of_forgery_says_what_it_is() {
        let file = sign(DELETION_RECORD, record(), &KEY);
        let edited = file.replace("\"done\"", "\"refused\"");
        assert_eq!(verify(&edited, DELETION_RECORD, KEY.public()), Err(Invalid::Signature));
        let spaced = file.replacen("{\n", "{ \n", 1);
        assert_eq!(verify(&spaced, DELETION_RECORD, KEY.public()), Err(Invalid::Layout));
        let other = SigningKey::generate();
        let theirs = sign(DELETION_RECORD, record(), &other);
        assert_eq!(verify(&theirs, DELETION_RECORD, KEY.public()), Err(Invalid::OtherKey { theirs: other.key_id(), ours: KEY.key_id() }));
        // Someone else's public key pasted in, keeping our key id: the id no longer fits.
        let swapped = file.replace(&STANDARD.encode(KEY.public()), &STANDARD.encode(other.public()));
        assert_eq!(verify(&swapped, DELETION_RECORD, KEY.public()), Err(Invalid::KeyId));
        assert!(matches!(verify("{}", DELETION_RECORD, KEY.public()), Err(Invalid::Missing("format"))));
        assert!(matches!(verify("not json", DELETION_RECORD, KEY.public()), Err(Invalid::NotJson(_))));
        let other_kind = file.replace(DELETION_RECORD, "meeting-admin/other/1");
        assert!(matches!(verify(&other_kind, DELETION_RECORD, KEY.public()), Err(Invalid::Format(_))));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// Any one byte changed, anywhere in the file, and it no longer verifies.
        #[test]
        fn any_one_byte_changed_fails(at in any::<prop::sample::Index>(), to in any::<u8>()) {
            let file = sign(DELETION_RECORD, record(), &KEY);
            let mut bytes = file.clone().into_bytes();
            let i = at.index(bytes.len());
            prop_assume!(bytes[i] != to);
            bytes[i] = to;
            let text = String::from_utf8_lossy(&bytes);
            prop_assert!(verify(&text, DELETION_RECORD, KEY.public()).is_err(), "byte {} set to {:?} still verifies", i, to as char);
        }
    }
}
