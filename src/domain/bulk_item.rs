//! One meeting of a bulk batch: how far its look-up got, what became of it once deletion was
//! requested, and its result as the batch page and CSV say it.

use serde::{Deserialize, Serialize};

use super::civil_time::format_utc;
use super::deletion::DeletionState;
use super::meeting_id::MeetingId;
use super::units::format_bytes;

/// How far the look-up of one meeting got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum LookupState {
    /// Checked and listed; nothing asked of the vendor yet.
    Draft,
    Pending,
    Found,
    Failed,
}

impl LookupState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// What became of a meeting once the batch's deletion was requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ItemOutcome {
    /// It has a deletion request of its own (`BulkItem::request`).
    Requested,
    NothingToDelete,
    /// Skipped: the meeting is on legal hold.
    OnHold,
    /// Skipped: another deletion request was open for it already.
    AlreadyOpen,
    /// Skipped: its recordings could not be looked up.
    LookupFailed,
}

impl ItemOutcome {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// The deletion request a meeting of the batch got, as far as the batch page needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRequest {
    pub id: i64,
    pub state: DeletionState,
    pub deleted_count: Option<u64>,
    pub result: Option<String>,
    /// Scheduled: when it runs (Unix milliseconds).
    #[serde(default)]
    pub due_at_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkItem {
    pub position: u32,
    pub meeting_id: MeetingId,
    /// The line of the list it came from.
    pub line: u32,
    /// Seen before: in an earlier batch, or with a deletion request open.
    pub note: Option<String>,
    pub lookup: LookupState,
    pub recording_count: Option<u64>,
    pub total_size: Option<u64>,
    pub first_created: Option<i64>,
    pub last_created: Option<i64>,
    pub lookup_error: Option<String>,
    pub held: bool,
    pub outcome: Option<ItemOutcome>,
    pub outcome_detail: Option<String>,
    pub other_request_id: Option<i64>,
    pub request: Option<ItemRequest>,
}

/// One meeting's result, as the batch page, its progress and its CSV say it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemResult {
    NotLookedUp,
    LookingUp,
    LookupFailed { error: String },
    /// Looked up; waits for the request to delete.
    Found { count: u64, size: u64 },
    /// Requested; its deletion request is being made.
    Requesting,
    NothingToDelete,
    OnHold,
    AlreadyOpen { request_id: Option<i64> },
    Request { request_id: i64, state: DeletionState, deleted: Option<u64>, result: Option<String> },
}

impl ItemResult {
    /// Nothing more will happen to it.
    pub fn is_final(&self) -> bool {
        match self {
            Self::NothingToDelete | Self::OnHold | Self::AlreadyOpen { .. } | Self::LookupFailed { .. } => true,
            Self::Request { state, .. } => !state.is_open(),
            Self::NotLookedUp | Self::LookingUp | Self::Found { .. } | Self::Requesting => false,
        }
    }

    /// Worth another batch: the vendor failed, or the outcome or the recordings are not known.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::LookupFailed { .. })
            || matches!(self, Self::Request { state: DeletionState::Failed | DeletionState::Unknown | DeletionState::Changed, .. })
    }

    /// A short name for CSS and CSV: `deleted`, `failed`, `on_hold`…
    pub fn key(&self) -> &'static str {
        match self {
            Self::NotLookedUp => "not_looked_up",
            Self::LookingUp => "looking_up",
            Self::LookupFailed { .. } => "lookup_failed",
            Self::Found { .. } => "found",
            Self::Requesting => "requesting",
            Self::NothingToDelete => "nothing_to_delete",
            Self::OnHold => "on_hold",
            Self::AlreadyOpen { .. } => "already_open",
            Self::Request { state: DeletionState::Done, .. } => "deleted",
            Self::Request { state, .. } => state.as_str(),
        }
    }

    /// "deleted 3", "failed: HTTP 503 …", "on legal hold: skipped".
    pub fn label(&self) -> String {
        match self {
            Self::NotLookedUp => "not looked up yet".to_owned(),
            Self::LookingUp => "looking up…".to_owned(),
            Self::LookupFailed { error } => format!("could not be looked up: {error}"),
            Self::Found { count: 0, .. } => "no recordings".to_owned(),
            Self::Found { count, size } => format!("{} ({})", plural(*count, "recording"), format_bytes(*size)),
            Self::Requesting => "requesting deletion…".to_owned(),
            Self::NothingToDelete => "nothing to delete".to_owned(),
            Self::OnHold => "on legal hold: skipped".to_owned(),
            Self::AlreadyOpen { request_id: Some(id) } => format!("skipped: deletion request #{id} was open already"),
            Self::AlreadyOpen { request_id: None } => "skipped: another deletion request was open already".to_owned(),
            Self::Request { state: DeletionState::Done, deleted, .. } => format!("deleted {}", deleted.unwrap_or(0)),
            Self::Request { state: DeletionState::Failed, result, .. } => match result {
                Some(r) => format!("failed: {r}"),
                None => "failed".to_owned(),
            },
            Self::Request { state: DeletionState::Unknown, result, .. } => match result {
                Some(r) => format!("outcome unknown: {r}"),
                None => "outcome unknown".to_owned(),
            },
            Self::Request { state, .. } => state.label().to_owned(),
        }
    }
}

fn plural(n: u64, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

impl BulkItem {
    pub fn result(&self, requested: bool) -> ItemResult {
        match (self.outcome, &self.request) {
            (Some(ItemOutcome::Requested), Some(r)) => {
                return ItemResult::Request { request_id: r.id, state: r.state, deleted: r.deleted_count, result: r.result.clone() };
            }
            (Some(ItemOutcome::NothingToDelete), _) => return ItemResult::NothingToDelete,
            (Some(ItemOutcome::OnHold), _) => return ItemResult::OnHold,
            (Some(ItemOutcome::AlreadyOpen), _) => return ItemResult::AlreadyOpen { request_id: self.other_request_id },
            _ => {}
        }
        match self.lookup {
            LookupState::Draft => ItemResult::NotLookedUp,
            LookupState::Pending => ItemResult::LookingUp,
            LookupState::Failed => ItemResult::LookupFailed { error: self.lookup_error.clone().unwrap_or_else(|| "no reason given".to_owned()) },
            LookupState::Found if requested => ItemResult::Requesting,
            LookupState::Found => ItemResult::Found { count: self.recording_count.unwrap_or(0), size: self.total_size.unwrap_or(0) },
        }
    }

    /// "recorded between … and …", when known.
    pub fn recorded(&self) -> Option<String> {
        match (self.first_created, self.last_created) {
            (Some(a), Some(b)) if a == b => Some(format_utc(a)),
            (Some(a), Some(b)) => Some(format!("{} – {}", format_utc(a), format_utc(b))),
            _ => None,
        }
    }
}

#[cfg(test)]
impl BulkItem {
    /// A looked-up meeting with two recordings, for tests.
    pub(crate) fn sample(n: u32) -> Self {
        Self {
            position: n,
            meeting_id: MeetingId::parse(&format!("{n:024x}")).unwrap(),
            line: n,
            note: None,
            lookup: LookupState::Found,
            recording_count: Some(2),
            total_size: Some(2_000),
            first_created: Some(100),
            last_created: Some(200),
            lookup_error: None,
            held: false,
            outcome: None,
            outcome_detail: None,
            other_request_id: None,
            request: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_read_plainly() {
        let mut i = BulkItem::sample(1);
        assert_eq!(i.result(false).label(), "2 recordings (2.00 KB)");
        assert_eq!(i.result(true), ItemResult::Requesting);
        i.outcome = Some(ItemOutcome::Requested);
        i.request = Some(ItemRequest { id: 9, state: DeletionState::Failed, deleted_count: None, result: Some("HTTP 503".into()), due_at_ms: None });
        let r = i.result(true);
        assert_eq!(r.label(), "failed: HTTP 503");
        assert!(r.is_final() && r.is_retryable());
        i.request = Some(ItemRequest { id: 9, state: DeletionState::Done, deleted_count: Some(2), result: None, due_at_ms: None });
        assert_eq!(i.result(true).label(), "deleted 2");
        assert_eq!(i.result(true).key(), "deleted");
        i.outcome = Some(ItemOutcome::AlreadyOpen);
        i.other_request_id = Some(3);
        assert_eq!(i.result(true).label(), "skipped: deletion request #3 was open already");
    }
}
