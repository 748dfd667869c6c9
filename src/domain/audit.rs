//! The audit log's vocabulary: what was done, how it ended, and one entry (searched in
//! `audit_search`, exported by `audit_csv`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::staff::{Role, SignInMethod};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AuditAction {
    CreateMeeting,
    DeleteRecordings,
    SignIn,
    SignOut,
    SignInFailed,
    Denied,
    /// An account added, re-passworded or disabled from the console (`meeting-admin user ...`).
    AccountChange,
    /// A recording's file handed out through the dashboard (see `RecordingAccess`).
    DownloadRecording,
    PreviewRecording,
    ShareRecordingLink,
    /// A meeting put on legal hold, and its hold lifted.
    HoldMeeting,
    ReleaseHold,
    /// The steps of a deletion request (the deletion itself is `DeleteRecordings`).
    RequestDeletion,
    /// One request for the deletion of a whole batch (each meeting then gets its own entries).
    RequestBulkDeletion,
    ApproveDeletion,
    RejectDeletion,
    CancelDeletion,
    ExpireDeletion,
    /// The default period, a host's rule, the warning or the vendor budget changed.
    SetRetentionRule,
    /// A meeting kept longer than its period (or its extension taken back).
    ExtendRetention,
    /// A meeting exempted from retention ("keep"), or the exemption lifted.
    KeepRecordings,
    /// A sweep opened deletion requests for the meetings the rules made due.
    RetentionSweep,
    /// Meetings added to the inventory by hand.
    TrackMeetings,
    /// An erasure case opened; its dates, pause or extension changed; meetings added to it;
    /// closed (done, partly done or refused); a reminder of its deadline sent.
    OpenCase,
    ChangeCase,
    AddCaseMeetings,
    CloseCase,
    CaseReminder,
}

impl AuditAction {
    pub const ALL: [Self; 28] = [
        Self::CreateMeeting,
        Self::RequestDeletion,
        Self::RequestBulkDeletion,
        Self::ApproveDeletion,
        Self::RejectDeletion,
        Self::CancelDeletion,
        Self::ExpireDeletion,
        Self::RetentionSweep,
        Self::SetRetentionRule,
        Self::ExtendRetention,
        Self::KeepRecordings,
        Self::TrackMeetings,
        Self::OpenCase,
        Self::ChangeCase,
        Self::AddCaseMeetings,
        Self::CloseCase,
        Self::CaseReminder,
        Self::DeleteRecordings,
        Self::DownloadRecording,
        Self::PreviewRecording,
        Self::ShareRecordingLink,
        Self::HoldMeeting,
        Self::ReleaseHold,
        Self::SignIn,
        Self::SignOut,
        Self::SignInFailed,
        Self::Denied,
        Self::AccountChange,
    ];

    /// The name stored in the database and used in URLs, CSV and JSON.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::CreateMeeting => "Create meeting",
            Self::DeleteRecordings => "Delete recordings",
            Self::SignIn => "Sign in",
            Self::SignOut => "Sign out",
            Self::SignInFailed => "Failed sign-in",
            Self::Denied => "Denied request",
            Self::AccountChange => "Account change",
            Self::DownloadRecording => "Download recording",
            Self::PreviewRecording => "Preview recording",
            Self::ShareRecordingLink => "Share recording link",
            Self::HoldMeeting => "Put on legal hold",
            Self::ReleaseHold => "Lift legal hold",
            Self::RequestDeletion => "Request deletion",
            Self::RequestBulkDeletion => "Request bulk deletion",
            Self::ApproveDeletion => "Approve deletion",
            Self::RejectDeletion => "Reject deletion",
            Self::CancelDeletion => "Cancel deletion",
            Self::ExpireDeletion => "Deletion request expired",
            Self::SetRetentionRule => "Change retention rule",
            Self::ExtendRetention => "Extend retention",
            Self::KeepRecordings => "Exempt from retention",
            Self::RetentionSweep => "Retention sweep",
            Self::TrackMeetings => "Track meetings",
            Self::OpenCase => "Open erasure case",
            Self::ChangeCase => "Change erasure case",
            Self::AddCaseMeetings => "Add meetings to a case",
            Self::CloseCase => "Close erasure case",
            Self::CaseReminder => "Case deadline reminder",
        }
    }
}

/// How an entry ended. An entry with no outcome at all was interrupted (a crash or a kill
/// between the intent and the vendor's answer) and reads as "outcome unknown" too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    Succeeded,
    Failed,
    /// Stopped by us before anything was attempted (a denied request, a failed sign-in).
    Refused,
    /// The vendor was asked but its answer never came: the change may or may not have happened.
    Unknown,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix milliseconds, UTC.
    pub at_ms: i64,
    pub username: Option<String>,
    pub role: Option<Role>,
    pub method: Option<SignInMethod>,
    pub client_addr: String,
    pub action: AuditAction,
    pub meeting_id: Option<String>,
    pub reason: Option<String>,
    pub detail: Option<String>,
    pub request_id: String,
    /// `None`: never completed.
    pub outcome: Option<Outcome>,
    pub vendor_status: Option<u16>,
    pub deleted_count: Option<u32>,
    pub new_meeting_id: Option<String>,
    pub error: Option<String>,
}

impl AuditEntry {
    pub fn outcome_label(&self) -> &'static str {
        match self.outcome {
            Some(Outcome::Succeeded) => "succeeded",
            Some(Outcome::Failed) => "failed",
            Some(Outcome::Refused) => "refused",
            Some(Outcome::Unknown) | None => "outcome unknown",
        }
    }

    /// What came of it, in one line: vendor status, what changed, the error.
    pub fn result_text(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = self.vendor_status {
            parts.push(format!("ConnectyCube HTTP {s}"));
        }
        if let Some(n) = self.deleted_count {
            parts.push(format!("{n} recording{} deleted", if n == 1 { "" } else { "s" }));
        }
        if let Some(id) = &self.new_meeting_id {
            parts.push(format!("new meeting {id}"));
        }
        if let Some(e) = &self.error {
            parts.push(e.clone());
        }
        if self.outcome.is_none() {
            parts.push("no outcome was recorded (the server stopped mid-request); check at ConnectyCube".to_owned());
        }
        parts.join(" · ")
    }

    /// The meeting this entry is about, if any: the one acted on or the one created.
    pub fn meeting(&self) -> Option<&str> {
        self.meeting_id.as_deref().or(self.new_meeting_id.as_deref())
    }
}

// Formatted by hand (`civil_time`): jiff's strftime would be a large part of the browser's bundle.
pub use super::civil_time::{format_rfc3339_ms, format_utc_ms};

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
