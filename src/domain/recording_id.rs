//! A recording as our own links name it: `/meetings/{meeting}/recordings/{recording}/{access}`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::audit::AuditAction;
use super::meeting_id::MeetingId;

/// A ConnectyCube recording id (an object id in every reply seen; the vendor does not promise
/// more than a short plain token, so that is what is accepted).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RecordingId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordingIdError {
    #[error("Enter a recording id.")]
    Empty,
    #[error("A recording id has at most {max} characters; this one has {0}.", max = RecordingId::MAX_LEN)]
    TooLong(usize),
    #[error("A recording id uses only letters, digits, '-' and '_'; '{0}' is not allowed.")]
    BadChar(char),
}

impl RecordingId {
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, RecordingIdError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(RecordingIdError::Empty);
        }
        if let Some(bad) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))) {
            return Err(RecordingIdError::BadChar(bad));
        }
        if s.len() > Self::MAX_LEN {
            return Err(RecordingIdError::TooLong(s.len()));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RecordingId {
    type Error = RecordingIdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<RecordingId> for String {
    fn from(id: RecordingId) -> Self {
        id.0
    }
}

/// The ways staff reach a recording's file. Each goes through the dashboard, which audits it and
/// only then hands out the vendor's presigned link (a bearer credential).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordingAccess {
    Download,
    /// Played in the page's preview player.
    Preview,
    /// The presigned link itself, shown to be passed on to a customer.
    Share,
}

impl RecordingAccess {
    pub fn segment(self) -> &'static str {
        match self {
            Self::Download => "download",
            Self::Preview => "preview",
            Self::Share => "share",
        }
    }

    pub fn audit_action(self) -> AuditAction {
        match self {
            Self::Download => AuditAction::DownloadRecording,
            Self::Preview => AuditAction::PreviewRecording,
            Self::Share => AuditAction::ShareRecordingLink,
        }
    }

    /// How the audit entry names the recording (its `detail`).
    pub fn audit_detail(recording: &RecordingId) -> String {
        format!("recording {recording}")
    }
}

impl MeetingId {
    /// Our own address for one recording's file: `/meetings/{id}/recordings/{rid}/download`.
    pub fn recording_path(&self, recording: &RecordingId, access: RecordingAccess) -> String {
        // Three per row on the recordings page: appended to the meeting's path rather than
        // formatted from a second copy of it.
        let mut path = self.recordings_path();
        recording.push_path_tail(&mut path, access);
        path
    }
}

impl RecordingId {
    /// `/{recording}/{access}`, appended to a meeting's `recordings_path` already in `out` (the
    /// recordings table writes three per row into one string). Nothing in it needs escaping:
    /// the id is letters, digits, '-' and '_'.
    pub fn push_path_tail(&self, out: &mut String, access: RecordingAccess) {
        for part in ["/", self.as_str(), "/", access.segment()] {
            out.push_str(part);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_vendor_ids_and_refuses_anything_that_could_leave_the_path() {
        assert_eq!(RecordingId::parse(" 6932e49ab470430179b26dcb ").unwrap().as_str(), "6932e49ab470430179b26dcb");
        assert_eq!(RecordingId::parse(""), Err(RecordingIdError::Empty));
        for (raw, bad) in [("../x", '.'), ("a/b", '/'), ("a?b", '?'), ("a%2e", '%'), ("a b", ' ')] {
            assert_eq!(RecordingId::parse(raw), Err(RecordingIdError::BadChar(bad)), "{raw}");
        }
        assert_eq!(RecordingId::parse(&"a".repeat(65)), Err(RecordingIdError::TooLong(65)));
        assert!(RecordingId::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn paths_name_the_access() {
        let m = MeetingId::parse("6932e0f8652986000d48148a").unwrap();
        let r = RecordingId::parse("6932e49ab470430179b26dcb").unwrap();
        assert_eq!(
            m.recording_path(&r, RecordingAccess::Preview),
            "/meetings/6932e0f8652986000d48148a/recordings/6932e49ab470430179b26dcb/preview"
        );
        assert_eq!(RecordingAccess::Share.audit_action(), AuditAction::ShareRecordingLink);
    }
}
