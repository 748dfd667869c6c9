//! The audit log's vocabulary: what was done, how it ended, and how staff search it.

use std::fmt;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::csv::cell;
use super::meeting_id::MeetingId;
use super::staff::{Role, SignInMethod};
use crate::error::FieldError;

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
}

impl AuditAction {
    pub const ALL: [Self; 18] = [
        Self::CreateMeeting,
        Self::RequestDeletion,
        Self::RequestBulkDeletion,
        Self::ApproveDeletion,
        Self::RejectDeletion,
        Self::CancelDeletion,
        Self::ExpireDeletion,
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

/// The audit page's filters as they arrive in the URL, before they are checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilterForm {
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub meeting_id: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: String,
}

/// Checked filters. Dates are whole UTC days, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub user: Option<String>,
    pub action: Option<AuditAction>,
    pub meeting_id: Option<MeetingId>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// 1-based.
    pub page: u32,
}

pub const AUDIT_PAGE_SIZE: u32 = 50;

fn parse_date(field: &str, raw: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<Date>() {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(field, format!("'{raw}' is not a date; use YYYY-MM-DD.")));
            None
        }
    }
}

fn day_start_ms(d: Date) -> i64 {
    d.to_zoned(TimeZone::UTC).map(|z| z.timestamp().as_millisecond()).unwrap_or(i64::MAX)
}

impl AuditFilterForm {
    pub fn parse(&self) -> Result<AuditQuery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let user = match crate::domain::plain_text(&self.user) {
            Ok("") => None,
            Ok(u) if u.chars().count() > 200 => {
                errors.push(FieldError::new("user", "Keep the user name under 200 characters."));
                None
            }
            Ok(u) => Some(u.to_owned()),
            Err(m) => {
                errors.push(FieldError::new("user", m));
                None
            }
        };
        let action = match self.action.trim() {
            "" => None,
            a => AuditAction::parse(a).or_else(|| {
                errors.push(FieldError::new("action", format!("'{a}' is not an action this log records.")));
                None
            }),
        };
        let meeting_id = match self.meeting_id.trim() {
            "" => None,
            m => MeetingId::parse(m).map_err(|e| errors.push(FieldError::new("meeting_id", e.to_string()))).ok(),
        };
        let from = parse_date("from", &self.from, &mut errors);
        let to = parse_date("to", &self.to, &mut errors);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                errors.push(FieldError::new("to", "The end date is before the start date."));
            }
        }
        let page = match self.page.trim() {
            "" => 1,
            p => p.parse::<u32>().ok().filter(|p| *p >= 1).unwrap_or_else(|| {
                errors.push(FieldError::new("page", format!("'{p}' is not a page number.")));
                1
            }),
        };
        if errors.is_empty() { Ok(AuditQuery { user, action, meeting_id, from, to, page }) } else { Err(errors) }
    }
}

impl AuditQuery {
    /// `[from, to)` in Unix milliseconds.
    pub fn time_range_ms(&self) -> (Option<i64>, Option<i64>) {
        (self.from.map(day_start_ms), self.to.and_then(|t| t.tomorrow().ok()).map(day_start_ms))
    }

    /// The same filters as a query string (without the page), for links and the CSV export.
    pub fn query_string(&self) -> String {
        let pairs = [
            ("user", self.user.clone()),
            ("action", self.action.map(|a| a.as_str().to_owned())),
            ("meeting_id", self.meeting_id.as_ref().map(|m| m.as_str().to_owned())),
            ("from", self.from.map(|d| d.to_string())),
            ("to", self.to.map(|d| d.to_string())),
        ];
        pairs
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={}", encode_component(&v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (the wasm build has no `url`).
fn encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

impl AuditPage {
    pub fn pages(&self) -> u32 {
        (self.total.div_ceil(u64::from(self.per_page.max(1)))).max(1) as u32
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub fn audit_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from(
        "id,time_utc,user,role,sign_in_method,client_addr,action,meeting_id,reason,detail,outcome,vendor_status,deleted_count,new_meeting_id,error,request_id\r\n",
    );
    let opt = |v: &Option<String>| cell(v.as_deref().unwrap_or(""));
    for e in entries {
        let row = [
            e.id.to_string(),
            format_rfc3339_ms(e.at_ms),
            opt(&e.username),
            e.role.map(|r| r.as_str()).unwrap_or("").to_owned(),
            e.method.map(|m| m.as_str()).unwrap_or("").to_owned(),
            cell(&e.client_addr),
            e.action.as_str().to_owned(),
            opt(&e.meeting_id),
            opt(&e.reason),
            opt(&e.detail),
            e.outcome_label().to_owned(),
            e.vendor_status.map(|s| s.to_string()).unwrap_or_default(),
            e.deleted_count.map(|s| s.to_string()).unwrap_or_default(),
            opt(&e.new_meeting_id),
            opt(&e.error),
            cell(&e.request_id),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> AuditFilterForm {
        let mut f = AuditFilterForm::default();
        for (k, v) in pairs {
            let v = (*v).to_owned();
            match *k {
                "user" => f.user = v,
                "action" => f.action = v,
                "meeting_id" => f.meeting_id = v,
                "from" => f.from = v,
                "to" => f.to = v,
                "page" => f.page = v,
                _ => unreachable!(),
            }
        }
        f
    }

    #[test]
    fn filters_parse_and_round_trip() {
        let q = form(&[("user", " ada "), ("action", "delete_recordings"), ("from", "2026-11-01"), ("to", "2026-11-02"), ("page", "3")])
            .parse()
            .unwrap();
        assert_eq!(q.user.as_deref(), Some("ada"));
        assert_eq!(q.action, Some(AuditAction::DeleteRecordings));
        assert_eq!(q.page, 3);
        let (from, to) = q.time_range_ms();
        assert_eq!(from, Some(1_793_491_200_000));
        assert_eq!(to.unwrap() - from.unwrap(), 2 * 86_400_000, "both days included");
        assert_eq!(q.query_string(), "user=ada&action=delete_recordings&from=2026-11-01&to=2026-11-02");
        let q = form(&[("user", "o'brien & co")]).parse().unwrap();
        assert_eq!(q.query_string(), "user=o%27brien%20%26%20co");
    }

    #[test]
    fn each_bad_filter_is_named() {
        let errs = form(&[("action", "drop"), ("meeting_id", "xyz"), ("from", "yesterday"), ("page", "0")]).parse().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["action", "meeting_id", "from", "page"]);
        let errs = form(&[("from", "2026-11-02"), ("to", "2026-11-01")]).parse().unwrap_err();
        assert_eq!(errs[0].field, "to");
    }

    #[test]
    fn csv_defuses_and_labels_unfinished_entries() {
        let e = AuditEntry {
            id: 7,
            at_ms: 1_764_943_697_123,
            username: Some("ada".into()),
            role: Some(Role::Admin),
            method: Some(SignInMethod::Password),
            client_addr: "127.0.0.1".into(),
            action: AuditAction::DeleteRecordings,
            meeting_id: Some("6932e0f8652986000d48148a".into()),
            reason: Some("=HYPERLINK(\"x\"), ticket 4".into()),
            detail: None,
            request_id: "rid".into(),
            outcome: None,
            vendor_status: None,
            deleted_count: None,
            new_meeting_id: None,
            error: None,
        };
        let csv = audit_csv(&[e.clone()]);
        let row = csv.lines().nth(1).unwrap();
        assert!(row.starts_with("7,2025-12-05T14:08:17.123Z,ada,admin,password,127.0.0.1,delete_recordings,"), "{row}");
        assert!(row.contains("\"'=HYPERLINK(\"\"x\"\"), ticket 4\""), "{row}");
        assert!(row.contains(",outcome unknown,"), "{row}");
        assert!(e.result_text().contains("no outcome was recorded"));
    }
}
