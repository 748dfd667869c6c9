use std::fmt;

use serde::{Deserialize, Serialize};

/// A ConnectyCube meeting id: a 24-hex-digit object id, stored lowercase.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MeetingId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingIdError {
    #[error("Enter a meeting id.")]
    Empty,
    #[error("A meeting id has 24 characters; this one has {0}.")]
    WrongLength(usize),
    #[error("A meeting id uses only 0-9 and a-f; '{0}' is not allowed.")]
    NotHex(char),
}

impl MeetingId {
    pub const LEN: usize = 24;

    /// Surrounding whitespace is forgiven (ids are pasted from tickets), and so is a pasted link
    /// or path with exactly one id in it (`https://…/meetings/{id}/recordings`); nothing else is.
    pub fn parse(raw: &str) -> Result<Self, MeetingIdError> {
        let s = raw.trim();
        if s.contains('/') {
            let mut ids = s.split(['/', '?', '#', '&', '=']).filter(|seg| seg.len() == Self::LEN && seg.bytes().all(|b| b.is_ascii_hexdigit()));
            if let (Some(id), None) = (ids.next(), ids.next()) {
                return Ok(Self(id.to_ascii_lowercase()));
            }
        }
        if s.is_empty() {
            return Err(MeetingIdError::Empty);
        }
        if let Some(bad) = s.chars().find(|c| !c.is_ascii_hexdigit()) {
            return Err(MeetingIdError::NotHex(bad));
        }
        if s.len() != Self::LEN {
            return Err(MeetingIdError::WrongLength(s.chars().count()));
        }
        Ok(Self(s.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The dashboard page for this meeting's recordings.
    pub fn recordings_path(&self) -> String {
        format!("/meetings/{}/recordings", self.0)
    }
}

impl fmt::Display for MeetingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for MeetingId {
    type Error = MeetingIdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<MeetingId> for String {
    fn from(id: MeetingId) -> Self {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_vendor_example_and_normalises_case_and_whitespace() {
        let id = MeetingId::parse(" 6932E0F8652986000D48148A\n").unwrap();
        assert_eq!(id.as_str(), "6932e0f8652986000d48148a");
        assert_eq!(id.recordings_path(), "/meetings/6932e0f8652986000d48148a/recordings");
    }

    #[test]
    fn rejects_with_a_specific_reason() {
        assert_eq!(MeetingId::parse("  "), Err(MeetingIdError::Empty));
        assert_eq!(MeetingId::parse("6932e0f8"), Err(MeetingIdError::WrongLength(8)));
        assert_eq!(
            MeetingId::parse("6932e0f8652986000d48148a00"),
            Err(MeetingIdError::WrongLength(26))
        );
        assert_eq!(MeetingId::parse("6932e0f8652986000d48148g"), Err(MeetingIdError::NotHex('g')));
        assert_eq!(MeetingId::parse("../../admin/x"), Err(MeetingIdError::NotHex('.')));
        assert_eq!(MeetingId::parse("6932e0f8 652986000d48148a"), Err(MeetingIdError::NotHex(' ')));
    }

    #[test]
    fn messages_are_readable() {
        assert_eq!(
            MeetingIdError::WrongLength(8).to_string(),
            "A meeting id has 24 characters; this one has 8."
        );
    }

    #[test]
    fn serde_parses_too() {
        let ok: MeetingId = serde_json::from_str("\"6932e0f8652986000d48148a\"").unwrap();
        assert_eq!(ok.as_str(), "6932e0f8652986000d48148a");
        assert!(serde_json::from_str::<MeetingId>("\"nope\"").is_err());
    }
}
