//! Deletion requests: a confirmed deletion is held by Meeting Admin (awaiting a second person's
//! approval where policy says so, then for a grace period anyone allowed to delete can cancel in)
//! before the vendor, which deletes at once and for good, is asked.

use serde::{Deserialize, Serialize};

use super::schedule::Zone;
use super::meeting_id::MeetingId;
use super::staff::SignInMethod;
use super::units::format_bytes;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DeletionState {
    /// Waits for a second person allowed to delete (`DELETE_APPROVAL=required`).
    AwaitingApproval,
    /// Runs when its grace period ends (or, after a transient vendor error, at its next try).
    Scheduled,
    /// A worker holds it and is talking to the vendor.
    Running,
    Done,
    /// The vendor refused, or kept failing; nothing was deleted.
    Failed,
    Cancelled,
    Rejected,
    /// Nobody answered before `DELETE_APPROVAL_TTL` ran out.
    Expired,
    /// The recordings were not the confirmed ones any more, so nothing was deleted.
    Changed,
    /// The vendor was asked but its answer never came.
    Unknown,
}

impl DeletionState {
    pub const ALL: [Self; 10] = [
        Self::AwaitingApproval,
        Self::Scheduled,
        Self::Running,
        Self::Done,
        Self::Failed,
        Self::Cancelled,
        Self::Rejected,
        Self::Expired,
        Self::Changed,
        Self::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::AwaitingApproval => "awaiting approval",
            Self::Scheduled => "scheduled",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Rejected => "rejected",
            Self::Expired => "expired",
            Self::Changed => "recordings changed, confirm again",
            Self::Unknown => "outcome unknown",
        }
    }

    /// Still to happen: it can be cancelled, and it blocks another request for the meeting.
    pub fn is_open(self) -> bool {
        matches!(self, Self::AwaitingApproval | Self::Scheduled | Self::Running)
    }
}

/// One request as pages show it (lease and bookkeeping columns stay in the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionRequest {
    pub id: i64,
    pub meeting_id: MeetingId,
    pub state: DeletionState,
    pub reason: String,
    pub expected_count: u64,
    pub total_size: Option<u64>,
    pub first_created: Option<i64>,
    pub last_created: Option<i64>,
    pub requested_by: String,
    pub requested_method: Option<SignInMethod>,
    pub requested_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub due_at_ms: Option<i64>,
    pub decided_by: Option<String>,
    pub decided_at_ms: Option<i64>,
    pub decision_comment: Option<String>,
    pub cancelled_by: Option<String>,
    pub finished_at_ms: Option<i64>,
    pub attempts: u32,
    pub deleted_count: Option<u64>,
    pub vendor_status: Option<u16>,
    pub result: Option<String>,
    /// Made by this bulk batch.
    pub batch_id: Option<i64>,
    /// The meeting is on legal hold now: an open request waits for the hold to be lifted.
    pub held: bool,
}

/// The deployment's rules (`DELETE_GRACE`, `DELETE_APPROVAL`), as the confirmation explains them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionRules {
    pub grace_secs: u64,
    pub approval_required: bool,
}

impl DeletionRules {
    /// Deleted the moment it is confirmed.
    pub fn immediate(self) -> bool {
        self.grace_secs == 0 && !self.approval_required
    }

    /// "10 min", "1 h", "30 s".
    pub fn grace_text(self) -> String {
        relative(i64::try_from(self.grace_secs).unwrap_or(i64::MAX / 1000).saturating_mul(1000)).trim_start_matches("in ").to_owned()
    }

    /// What happens after "Delete" is pressed, in one sentence.
    pub fn explain(self) -> String {
        match (self.approval_required, self.grace_secs) {
            (false, 0) => "The recordings are deleted as soon as you confirm.".to_owned(),
            (false, _) => format!(
                "Nothing is deleted yet: the deletion runs {} after you confirm, and until then you or anyone allowed to delete can cancel it.",
                self.grace_text()
            ),
            (true, 0) => "Nothing is deleted yet: a second person allowed to delete must approve it first; it runs as soon as they do.".to_owned(),
            (true, _) => format!(
                "Nothing is deleted yet: a second person allowed to delete must approve it, and it runs {} after their approval; until then it can be cancelled.",
                self.grace_text()
            ),
        }
    }
}

/// Whether two names are one person. Usernames compare without case, and under any sign-in
/// method: `ada` signed in locally and `ADA` through SSO are the same person to an approval.
pub fn same_person(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

impl DeletionRequest {
    pub fn path(&self) -> String {
        format!("/deletions/{}", self.id)
    }

    /// "3 recordings, 120 MB in total".
    pub fn what_goes(&self) -> String {
        let n = self.expected_count;
        let mut s = format!("{n} recording{}", if n == 1 { "" } else { "s" });
        if let Some(size) = self.total_size {
            s.push_str(&format!(", {} in total", format_bytes(size)));
        }
        s
    }

    /// What happened to it, oldest first, in the past tense; while it is open, its next step
    /// last (in the future tense, with its time). Each step: Unix ms (UTC), and what.
    pub fn timeline(&self) -> Vec<(i64, String)> {
        let mut steps = vec![(self.requested_at_ms, format!("Requested by {}: {} ({})", self.requested_by, self.what_goes(), self.reason))];
        if let (Some(by), Some(at)) = (&self.decided_by, self.decided_at_ms) {
            let comment = self.decision_comment.as_deref().map(|c| format!(": {c}")).unwrap_or_default();
            let verb = if self.state == DeletionState::Rejected { "Rejected" } else { "Approved" };
            steps.push((at, format!("{verb} by {by}{comment}")));
        }
        let finished = self.finished_at_ms;
        match self.state {
            DeletionState::AwaitingApproval => {
                if let Some(at) = self.expires_at_ms {
                    steps.push((at, "Expires then unless a second person approves it".to_owned()));
                }
            }
            DeletionState::Scheduled | DeletionState::Running if self.held => {
                steps.push((self.due_at_ms.unwrap_or(self.requested_at_ms), "Waits: the meeting is on legal hold".to_owned()));
            }
            DeletionState::Scheduled => {
                let again = if self.attempts > 0 { format!(" (try {} after a vendor error)", self.attempts + 1) } else { String::new() };
                steps.push((self.due_at_ms.unwrap_or(self.requested_at_ms), format!("Runs then{again}")));
            }
            DeletionState::Running => steps.push((self.due_at_ms.unwrap_or(self.requested_at_ms), "Running: ConnectyCube is being asked".to_owned())),
            DeletionState::Done => {
                let n = self.deleted_count.unwrap_or(self.expected_count);
                let status = self.vendor_status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
                steps.push((finished.unwrap_or(self.requested_at_ms), format!("Ran: ConnectyCube deleted {n} recording{}{status}", if n == 1 { "" } else { "s" })));
            }
            DeletionState::Cancelled => {
                let by = self.cancelled_by.as_deref().unwrap_or("someone");
                steps.push((finished.unwrap_or(self.requested_at_ms), format!("Cancelled by {by}: nothing was deleted")));
            }
            DeletionState::Expired => steps.push((finished.or(self.expires_at_ms).unwrap_or(self.requested_at_ms), "Expired: nobody approved it in time; nothing was deleted".to_owned())),
            DeletionState::Rejected => {}
            DeletionState::Failed | DeletionState::Changed | DeletionState::Unknown => {
                let what = match self.state {
                    DeletionState::Failed => "Failed: nothing was deleted",
                    DeletionState::Changed => "Stopped: the recordings were not the confirmed ones any more; nothing was deleted",
                    _ => "Outcome unknown: ConnectyCube gave no clear answer",
                };
                let result = self.result.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
                steps.push((finished.unwrap_or(self.requested_at_ms), format!("{what}{result}")));
            }
        }
        steps
    }

    /// Whether `username` may approve or reject it: never the requester.
    pub fn may_be_decided_by(&self, username: &str) -> bool {
        self.state == DeletionState::AwaitingApproval && !same_person(&self.requested_by, username)
    }

    /// Its state in one sentence, as the recordings page and the Deletions page say it, with
    /// times in `zone` (the reader's on a page, UTC in an error message). `now_ms` counts down.
    pub fn status_line(&self, now_ms: i64, zone: &Zone) -> String {
        let who = format!("requested by {}: {}", self.requested_by, self.reason);
        match self.state {
            DeletionState::AwaitingApproval => {
                let until = self.expires_at_ms.map(|t| format!(" (expires {})", when(zone, t, now_ms))).unwrap_or_default();
                format!("Deletion awaits approval by a second person{until}, {who}")
            }
            DeletionState::Scheduled | DeletionState::Running if self.held => {
                format!("Deletion waits: the meeting is on legal hold. It was {who}")
            }
            DeletionState::Scheduled => {
                let at = self.due_at_ms.map(|t| format!(" for {}", when(zone, t, now_ms))).unwrap_or_default();
                let retry = if self.attempts > 0 { " (trying again after a ConnectyCube error)" } else { "" };
                format!("Deletion scheduled{at}{retry}, {who}")
            }
            DeletionState::Running => format!("Deletion running now, {who}"),
            DeletionState::Done => {
                let n = self.deleted_count.unwrap_or(self.expected_count);
                format!("Deleted {n} recording{}, {who}", if n == 1 { "" } else { "s" })
            }
            DeletionState::Cancelled => {
                let by = self.cancelled_by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default();
                format!("Deletion cancelled{by}; it was {who}")
            }
            DeletionState::Rejected => {
                let by = self.decided_by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default();
                let why = self.decision_comment.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
                format!("Deletion rejected{by}{why}; it was {who}")
            }
            DeletionState::Expired => format!("Deletion expired unapproved; it was {who}"),
            DeletionState::Changed => format!("Nothing deleted: the recordings changed since they were confirmed, confirm again. It was {who}"),
            DeletionState::Failed => {
                let why = self.result.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
                format!("Deletion failed{why}. It was {who}")
            }
            DeletionState::Unknown => {
                let why = self.result.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
                format!("Deletion outcome unknown{why}. It was {who}")
            }
        }
    }
}

/// An approver's comment: plain text, 500 characters at most; required to reject (the
/// requester is told why). The error is the message for the comment's field.
pub fn decision_comment(raw: &str, required: bool) -> Result<Option<String>, String> {
    match super::text::plain_text(raw) {
        Ok("") if required => Err("Say why, for the requester and the audit log.".to_owned()),
        Ok("") => Ok(None),
        Ok(c) if c.chars().count() > 500 => Err("Keep the comment under 500 characters.".to_owned()),
        Ok(c) => Ok(Some(c.to_owned())),
        Err(m) => Err(m),
    }
}

/// "1 Dec 2026, 15:05 CET (in 12 min)", or "(3 min ago)" once passed.
pub fn when(zone: &Zone, at_ms: i64, now_ms: i64) -> String {
    format!("{} ({})", zone.format(at_ms.div_euclid(1000)), relative(at_ms - now_ms))
}

/// "in 12 min", "in 40 s", "5 min ago", "now".
pub fn relative(delta_ms: i64) -> String {
    let secs = delta_ms / 1000;
    let (ahead, s) = if secs >= 0 { (true, secs) } else { (false, -secs) };
    let text = match s {
        0 => return "now".to_owned(),
        1..=59 => format!("{s} s"),
        60..=5_399 => format!("{} min", (s + 30) / 60),
        5_400..=172_799 => format!("{} h", (s + 1_800) / 3_600),
        _ => format!("{} days", (s + 43_200) / 86_400),
    };
    if ahead { format!("in {text}") } else { format!("{text} ago") }
}

/// How the Deletions page is filtered, from its query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionFilter {
    pub state: Option<DeletionState>,
    pub meeting_id: Option<MeetingId>,
}

impl DeletionFilter {
    /// Unknown or empty values filter nothing (the page says which meeting id was not valid).
    pub fn from_query(state: Option<&str>, meeting: Option<&str>) -> Result<Self, String> {
        let state = state.map(str::trim).filter(|s| !s.is_empty()).and_then(DeletionState::parse);
        let meeting_id = match meeting.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(m) => Some(MeetingId::parse(m).map_err(|e| e.to_string())?),
        };
        Ok(Self { state, meeting_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(state: DeletionState) -> DeletionRequest {
        DeletionRequest {
            id: 7,
            meeting_id: MeetingId::parse("6932e0f8652986000d48148a").unwrap(),
            state,
            reason: "ACC-1234".into(),
            expected_count: 2,
            total_size: Some(2_000_000),
            first_created: None,
            last_created: None,
            requested_by: "ada".into(),
            requested_method: Some(SignInMethod::Password),
            requested_at_ms: 1_764_586_267_000,
            expires_at_ms: None,
            due_at_ms: Some(1_764_586_267_000 + 12 * 60_000),
            decided_by: None,
            decided_at_ms: None,
            decision_comment: None,
            cancelled_by: None,
            finished_at_ms: None,
            attempts: 0,
            deleted_count: None,
            vendor_status: None,
            result: None,
            batch_id: None,
            held: false,
        }
    }

    #[test]
    fn the_timeline_tells_the_story_in_the_past_tense_once_done() {
        let open = request(DeletionState::Scheduled).timeline();
        assert_eq!(open.len(), 2);
        assert_eq!(open[0].1, "Requested by ada: 2 recordings, 2.00 MB in total (ACC-1234)");
        assert_eq!(open[1], (1_764_586_267_000 + 12 * 60_000, "Runs then".to_owned()));
        let mut done = request(DeletionState::Done);
        (done.decided_by, done.decided_at_ms, done.decision_comment) = (Some("bea".into()), Some(1_764_586_300_000), Some("ok".into()));
        (done.finished_at_ms, done.deleted_count, done.vendor_status) = (Some(1_764_587_000_000), Some(2), Some(200));
        let t = done.timeline();
        let texts: Vec<&str> = t.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(texts[1..], ["Approved by bea: ok", "Ran: ConnectyCube deleted 2 recordings (HTTP 200)"]);
        let mut cancelled = request(DeletionState::Cancelled);
        (cancelled.cancelled_by, cancelled.finished_at_ms) = (Some("otto".into()), Some(1_764_586_400_000));
        assert_eq!(cancelled.timeline()[1], (1_764_586_400_000, "Cancelled by otto: nothing was deleted".to_owned()));
        let mut rejected = request(DeletionState::Rejected);
        (rejected.decided_by, rejected.decided_at_ms) = (Some("bea".into()), Some(5));
        assert_eq!(rejected.timeline().last().unwrap().1, "Rejected by bea");
    }

    #[test]
    fn says_when_and_who() {
        let r = request(DeletionState::Scheduled);
        assert_eq!(
            r.status_line(r.requested_at_ms, &Zone::utc()),
            "Deletion scheduled for 1 Dec 2025, 11:03 UTC (in 12 min), requested by ada: ACC-1234"
        );
        assert_eq!(
            r.status_line(r.requested_at_ms, &Zone::parse("Europe/Riga").unwrap()),
            "Deletion scheduled for 1 Dec 2025, 13:03 EET (in 12 min), requested by ada: ACC-1234"
        );
        let held = DeletionRequest { held: true, ..r.clone() };
        assert!(held.status_line(0, &Zone::utc()).starts_with("Deletion waits: the meeting is on legal hold"));
        assert_eq!(r.what_goes(), "2 recordings, 2.00 MB in total");
    }

    #[test]
    fn the_requester_never_decides() {
        let r = request(DeletionState::AwaitingApproval);
        assert!(!r.may_be_decided_by("ada"));
        assert!(!r.may_be_decided_by(" ADA "));
        assert!(r.may_be_decided_by("bea"));
        assert!(!request(DeletionState::Scheduled).may_be_decided_by("bea"));
    }

    #[test]
    fn rules_explain_themselves() {
        assert!(DeletionRules { grace_secs: 0, approval_required: false }.immediate());
        let grace = DeletionRules { grace_secs: 600, approval_required: false };
        assert!(grace.explain().contains("runs 10 min after you confirm"));
        assert!(DeletionRules { grace_secs: 600, approval_required: true }.explain().contains("second person"));
        assert!(same_person("Ädа", "äDА"));
    }

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(relative(0), "now");
        assert_eq!(relative(40_000), "in 40 s");
        assert_eq!(relative(12 * 60_000), "in 12 min");
        assert_eq!(relative(-5 * 60_000), "5 min ago");
        assert_eq!(relative(24 * 3_600_000), "in 24 h");
        assert_eq!(relative(3 * 86_400_000), "in 3 days");
    }

    #[test]
    fn states_round_trip_and_filters_parse() {
        for s in DeletionState::ALL {
            assert_eq!(DeletionState::parse(s.as_str()), Some(s));
        }
        assert_eq!(DeletionFilter::from_query(Some("bogus"), Some(" ")).unwrap(), DeletionFilter::default());
        assert!(DeletionFilter::from_query(None, Some("nope")).is_err());
        let f = DeletionFilter::from_query(Some("scheduled"), Some("6932e0f8652986000d48148a")).unwrap();
        assert_eq!(f.state, Some(DeletionState::Scheduled));
    }
}
