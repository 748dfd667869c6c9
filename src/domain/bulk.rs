//! Bulk work: a batch of meetings, looked up first (what each holds), then, on one request with
//! one reason, a deletion request per meeting with recordings; and a result per meeting.

use serde::{Deserialize, Serialize};

use super::audit::format_utc_ms;
use super::bulk_list::ListProblem;
use super::csv::cell;
use super::bulk_item::{BulkItem, ItemResult, LookupState};
use super::deletion::DeletionState;
use super::staff::SignInMethod;

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

    /// The progress bar's two parts, in percent of the meetings: done well, and failed (so a
    /// bar never looks solid while meetings failed).
    pub fn bar(&self, phase: BatchPhase) -> (u64, u64) {
        let (done, failed) = match phase {
            BatchPhase::Draft => (0, 0),
            BatchPhase::LookingUp | BatchPhase::Ready => (self.looked_up, self.lookup_failed),
            BatchPhase::Running | BatchPhase::Finished => (self.finished, self.failed + self.lookup_failed),
        };
        let failed = failed.min(done);
        let pct = |n: u64| (n * 100).checked_div(self.meetings).unwrap_or(0);
        let bad = if failed > 0 { pct(failed).max(1) } else { 0 };
        (pct(done).saturating_sub(bad), bad)
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
    use crate::domain::bulk_item::{ItemOutcome, ItemRequest};

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
    fn phases_and_totals_follow_the_items() {
        let mut b = batch();
        let mut items = vec![BulkItem::sample(1), BulkItem::sample(2), BulkItem::sample(3)];
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
        items[0].request = Some(ItemRequest { id: 1, state: DeletionState::Done, deleted_count: Some(2), result: None, due_at_ms: None });
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
        let csv = batch_csv(&b, &[BulkItem::sample(1)], "https://admin.example.com/");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("5,\"GDPR-881, erasure\",ada,,1,000000000000000000000001,found,2 recordings (2.00 KB),,2,2000,"), "{}", lines[1]);
        assert!(lines[2].contains(",4,,not_a_meeting_id,"), "{}", lines[2]);
    }

    #[test]
    fn the_bar_shows_failures_apart() {
        let t = BatchTotals { meetings: 200, looked_up: 200, lookup_failed: 1, finished: 150, failed: 9, ..BatchTotals::default() };
        assert_eq!(t.bar(BatchPhase::Running), (70, 5));
        assert_eq!(t.bar(BatchPhase::Ready), (99, 1), "one failure in 200 still shows");
        let clean = BatchTotals { meetings: 3, finished: 3, ..BatchTotals::default() };
        assert_eq!(clean.bar(BatchPhase::Finished), (100, 0));
        assert_eq!(BatchTotals::default().bar(BatchPhase::Draft), (0, 0));
    }
}
