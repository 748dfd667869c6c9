//! A legal hold on a meeting: while it stands, Meeting Admin deletes none of its recordings.

use serde::{Deserialize, Serialize};

use super::audit::format_utc_ms;
use super::meeting_id::MeetingId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalHold {
    pub meeting_id: MeetingId,
    pub reason: String,
    /// Who placed it, as the audit log names them.
    pub held_by: String,
    /// Unix milliseconds.
    pub held_at_ms: i64,
}

impl LegalHold {
    /// "placed by ada on 1 Dec 2026, 10:31:07 UTC: ACC-1234".
    pub fn describe(&self) -> String {
        format!("placed by {} on {}: {}", self.held_by, format_utc_ms(self.held_at_ms), self.reason)
    }
}

/// A reason or ticket reference, required for every change the audit log must explain:
/// plain text (no control characters or direction overrides), at most 500 characters.
pub fn required_reason(raw: &str) -> Result<String, String> {
    match super::text::plain_text(raw) {
        Ok("") => Err("Give a reason or ticket reference; it is kept in the audit log.".to_owned()),
        Ok(r) if r.chars().count() > 500 => Err("Keep the reason under 500 characters.".to_owned()),
        Ok(r) => Ok(r.to_owned()),
        Err(m) => Err(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_required_plain_and_short() {
        assert_eq!(required_reason("  ACC-1234 "), Ok("ACC-1234".to_owned()));
        assert!(required_reason("   ").unwrap_err().contains("Give a reason"));
        assert!(required_reason(&"x".repeat(501)).unwrap_err().contains("under 500"));
        assert!(required_reason("a\u{202e}b").is_err());
    }

    #[test]
    fn describes_who_when_and_why() {
        let hold = LegalHold {
            meeting_id: MeetingId::parse("6932e0f8652986000d48148a").unwrap(),
            reason: "Litigation LIT-7".into(),
            held_by: "ada".into(),
            held_at_ms: 1_764_586_267_000,
        };
        assert_eq!(hold.describe(), "placed by ada on 1 Dec 2025, 10:51:07 UTC: Litigation LIT-7");
    }
}
