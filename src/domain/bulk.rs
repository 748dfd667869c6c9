//! Bulk work: a batch of meetings, looked up first (what each holds), then, on one request with
//! one reason, a deletion request per meeting with recordings; and a result per meeting.

use serde::{Deserialize, Serialize};

use super::audit::format_utc_ms;
use super::bulk_list::ListProblem;
use super::csv::cell;
use super::deletion::DeletionState;
use super::meeting_id::MeetingId;
use super::staff::SignInMethod;
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
            (Some(a), Some(b)) if a == b => Some(super::format_utc(a)),
            (Some(a), Some(b)) => Some(format!("{} – {}", super::format_utc(a), super::format_utc(b))),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub id: i64,
    pub created_by: String,
    pub created_at_ms: i64,
    /// Made from the meetings of this batch whose results were failures.
    pub retry_of: Option<i64>,
    pub problems: Vec<ListProblem>,
    pub header: Option<String>,
    pub started_at_ms: Option<i64>,
    pub reason: Option<String>,
    pub requested_by: Option<String>,
    /// How `requested_by` had signed in (two-person approval tells people apart by it).
    pub requested_method: Option<SignInMethod>,
    pub requested_at_ms: Option<i64>,
}

impl Batch {
    pub fn path(&self) -> String {
        format!("/bulk/{}", self.id)
    }
}

/// Where a batch is, from its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchPhase {
    /// Checked; the look-up waits to be started.
    Draft,
    LookingUp,
    /// Everything looked up: the preview, and the request to delete.
    Ready,
    /// Requested: deletion requests are made and run.
    Running,
    /// Every meeting has its result.
    Finished,
}

/// Counts for the progress bar and the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchTotals {
    pub meetings: u64,
    pub looked_up: u64,
    pub lookup_failed: u64,
    pub with_recordings: u64,
    pub recordings: u64,
    pub size: u64,
    pub first_created: Option<i64>,
    pub last_created: Option<i64>,
    pub held: u64,
    /// Results, once requested.
    pub finished: u64,
    pub deleted_meetings: u64,
    pub deleted_recordings: u64,
    pub failed: u64,
    pub awaiting_approval: u64,
    pub retryable: u64,
}

impl BatchTotals {
    pub fn of(items: &[BulkItem], requested: bool) -> Self {
        let mut t = Self { meetings: items.len() as u64, ..Self::default() };
        for item in items {
            if matches!(item.lookup, LookupState::Found | LookupState::Failed) {
                t.looked_up += 1;
            }
            if item.lookup == LookupState::Failed {
                t.lookup_failed += 1;
            }
            if item.lookup == LookupState::Found && item.recording_count.unwrap_or(0) > 0 {
                t.with_recordings += 1;
                t.recordings += item.recording_count.unwrap_or(0);
                t.size += item.total_size.unwrap_or(0);
                t.first_created = t.first_created.into_iter().chain(item.first_created).min();
                t.last_created = t.last_created.into_iter().chain(item.last_created).max();
                t.held += u64::from(item.held);
            }
            let result = item.result(requested);
            t.finished += u64::from(result.is_final());
            t.retryable += u64::from(result.is_retryable());
            match result {
                ItemResult::Request { state: DeletionState::Done, deleted, .. } => {
                    t.deleted_meetings += 1;
                    t.deleted_recordings += deleted.unwrap_or(0);
                }
                ItemResult::Request { state: DeletionState::Failed | DeletionState::Unknown | DeletionState::Changed, .. } => t.failed += 1,
                ItemResult::Request { state: DeletionState::AwaitingApproval, .. } => t.awaiting_approval += 1,
                _ => {}
            }
        }
        t
    }

    /// 0–100, for the progress bar: the look-up until requested, then the results.
    pub fn percent(&self, phase: BatchPhase) -> u64 {
        let done = match phase {
            BatchPhase::Draft => 0,
            BatchPhase::LookingUp | BatchPhase::Ready => self.looked_up,
            BatchPhase::Running | BatchPhase::Finished => self.finished,
        };
        (done * 100).checked_div(self.meetings).unwrap_or(100)
    }
}

pub fn phase(batch: &Batch, items: &[BulkItem]) -> BatchPhase {
    if batch.started_at_ms.is_none() {
        return BatchPhase::Draft;
    }
    if batch.requested_at_ms.is_none() {
        return if items.iter().any(|i| matches!(i.lookup, LookupState::Pending | LookupState::Draft)) { BatchPhase::LookingUp } else { BatchPhase::Ready };
    }
    if items.iter().all(|i| i.result(true).is_final()) {
        BatchPhase::Finished
    } else {
        BatchPhase::Running
    }
}

/// The results as CSV, evidence for the ticket: the batch, who asked and why, then one row per
/// meeting and one per line of the list that was not taken.
pub fn batch_csv(batch: &Batch, items: &[BulkItem], origin: &str) -> String {
    let requested = batch.requested_at_ms.is_some();
    let mut out = String::from(
        "batch,reason,requested_by,requested_at,line,meeting_id,result,detail,recordings_found,size_bytes,recordings_deleted,deletion_request,deletion_request_url\r\n",
    );
    let head = [
        batch.id.to_string(),
        cell(batch.reason.as_deref().unwrap_or_default()),
        cell(batch.requested_by.as_deref().unwrap_or_default()),
        batch.requested_at_ms.map(format_utc_ms).unwrap_or_default(),
    ]
    .join(",");
    let origin = origin.trim_end_matches('/');
    for item in items {
        let result = item.result(requested);
        let (request, deleted) = match &result {
            ItemResult::Request { request_id, deleted, .. } => (Some(*request_id), *deleted),
            _ => (None, None),
        };
        let detail = item.outcome_detail.clone().or_else(|| item.note.clone()).unwrap_or_default();
        let row = [
            head.clone(),
            item.line.to_string(),
            item.meeting_id.to_string(),
            result.key().to_owned(),
            cell(&result.label()),
            cell(&detail),
            item.recording_count.map(|n| n.to_string()).unwrap_or_default(),
            item.total_size.map(|n| n.to_string()).unwrap_or_default(),
            deleted.map(|n| n.to_string()).unwrap_or_default(),
            request.map(|n| n.to_string()).unwrap_or_default(),
            request.map(|n| format!("{origin}/deletions/{n}")).unwrap_or_default(),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    for p in &batch.problems {
        let (key, meeting) = match p {
            ListProblem::Invalid { .. } => ("not_a_meeting_id", String::new()),
            ListProblem::Duplicate { meeting_id, .. } => ("duplicate", meeting_id.to_string()),
        };
        out.push_str(&format!("{head},{},{meeting},{key},{},,,,,,\r\n", p.line(), cell(&p.describe())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(n: u32) -> BulkItem {
        BulkItem {
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

    fn batch() -> Batch {
        Batch {
            id: 5,
            created_by: "ada".into(),
            created_at_ms: 0,
            retry_of: None,
            problems: vec![],
            header: None,
            started_at_ms: Some(1),
            reason: None,
            requested_by: None,
            requested_method: None,
            requested_at_ms: None,
        }
    }

    #[test]
    fn results_read_plainly() {
        let mut i = item(1);
        assert_eq!(i.result(false).label(), "2 recordings (2.00 KB)");
        assert_eq!(i.result(true), ItemResult::Requesting);
        i.outcome = Some(ItemOutcome::Requested);
        i.request = Some(ItemRequest { id: 9, state: DeletionState::Failed, deleted_count: None, result: Some("HTTP 503".into()) });
        let r = i.result(true);
        assert_eq!(r.label(), "failed: HTTP 503");
        assert!(r.is_final() && r.is_retryable());
        i.request = Some(ItemRequest { id: 9, state: DeletionState::Done, deleted_count: Some(2), result: None });
        assert_eq!(i.result(true).label(), "deleted 2");
        assert_eq!(i.result(true).key(), "deleted");
        i.outcome = Some(ItemOutcome::AlreadyOpen);
        i.other_request_id = Some(3);
        assert_eq!(i.result(true).label(), "skipped: deletion request #3 was open already");
    }

    #[test]
    fn phases_and_totals_follow_the_items() {
        let mut b = batch();
        let mut items = vec![item(1), item(2), item(3)];
        items[1].recording_count = Some(0);
        items[2].lookup = LookupState::Pending;
        assert_eq!(phase(&b, &items), BatchPhase::LookingUp);
        let t = BatchTotals::of(&items, false);
        assert_eq!((t.meetings, t.looked_up, t.with_recordings, t.recordings), (3, 2, 1, 2));
        assert_eq!(t.percent(BatchPhase::LookingUp), 66);
        items[2].lookup = LookupState::Failed;
        assert_eq!(phase(&b, &items), BatchPhase::Ready);
        b.requested_at_ms = Some(2);
        assert_eq!(phase(&b, &items), BatchPhase::Running);
        items[0].outcome = Some(ItemOutcome::Requested);
        items[0].request = Some(ItemRequest { id: 1, state: DeletionState::Done, deleted_count: Some(2), result: None });
        items[1].outcome = Some(ItemOutcome::NothingToDelete);
        assert_eq!(phase(&b, &items), BatchPhase::Finished);
        let t = BatchTotals::of(&items, true);
        assert_eq!((t.finished, t.deleted_meetings, t.deleted_recordings, t.retryable), (3, 1, 2, 1));
    }

    #[test]
    fn the_csv_names_every_meeting_and_every_skipped_line() {
        let mut b = batch();
        b.reason = Some("GDPR-881, erasure".into());
        b.requested_by = Some("ada".into());
        b.problems = vec![ListProblem::Invalid { line: 4, text: "=cmd".into(), message: "bad".into() }];
        let csv = batch_csv(&b, &[item(1)], "https://admin.example.com/");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("5,\"GDPR-881, erasure\",ada,,1,000000000000000000000001,found,2 recordings (2.00 KB),,2,2000,"), "{}", lines[1]);
        assert!(lines[2].contains(",4,,not_a_meeting_id,"), "{}", lines[2]);
    }
}
