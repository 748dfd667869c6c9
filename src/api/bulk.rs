//! Bulk work over HTTP: a batch (made from a list by `POST /api/bulk/create`) is looked up, then
//! its deletion is requested with one reason; one approval covers the batch where approval is
//! required; its open requests can be cancelled together; the failed ones make a new batch.
//! Everything here needs the right to delete recordings.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use crate::domain::{Batch, BatchPhase, BatchTotals, BulkItem, DeletionRules};
use crate::error::AppError;

/// A batch as one person sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchView {
    pub batch: Batch,
    pub items: Vec<BulkItem>,
    pub phase: BatchPhase,
    pub totals: BatchTotals,
    pub rules: DeletionRules,
    pub now_ms: i64,
    /// Why the look-up cannot start (no id, too many), for a draft.
    pub refusal: Option<String>,
    /// The viewer requested it (so they may not approve it).
    pub own: bool,
    /// Deletion requests of the batch still awaiting approval, and still cancellable.
    pub awaiting: u64,
    pub cancellable: u64,
    /// For a retry: the reason the first batch was requested with.
    pub suggested_reason: Option<String>,
}

/// A line of the Bulk page's list of batches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchSummary {
    pub batch: Batch,
    pub meetings: i64,
}

/// How many batches the Bulk page lists.
impl BatchView {
    /// Changes whenever the work moves on: the page that follows a batch compares it.
    pub fn progress_key(&self) -> String {
        format!("{:?} {:?} {} {}", self.phase, self.totals, self.awaiting, self.cancellable)
    }
}

pub const BATCHES_LISTED: i64 = 20;

#[server(prefix = "/api", endpoint = "bulk/one", input = GetUrl)]
pub async fn bulk_batch(batch_id: String) -> Result<BatchView, AppError> {
    server::one(&batch_id).await
}

#[server(prefix = "/api", endpoint = "bulk/list", input = GetUrl)]
pub async fn bulk_batches() -> Result<Vec<BatchSummary>, AppError> {
    server::list().await
}

/// Where a batch's work stands (`BatchView::progress_key`): what the batch page polls while the
/// work goes on, rather than the whole batch.
#[server(prefix = "/api", endpoint = "bulk/progress", input = GetUrl)]
pub async fn bulk_progress(batch_id: String) -> Result<String, AppError> {
    server::one(&batch_id).await.map(|v| v.progress_key())
}

/// What a batch was made from, to edit it into a new one.
#[server(prefix = "/api", endpoint = "bulk/source", input = GetUrl)]
pub async fn bulk_source(batch_id: String) -> Result<String, AppError> {
    server::source(&batch_id).await
}

/// Starts looking up a checked list (read-only calls to the vendor).
#[server(prefix = "/api", endpoint = "bulk/start")]
pub async fn start_bulk_lookup(batch_id: String) -> Result<(), AppError> {
    server::start(&batch_id).await
}

/// Looks up again the meetings whose look-up failed, before the deletion is requested.
#[server(prefix = "/api", endpoint = "bulk/look_up_again")]
pub async fn look_up_bulk_again(batch_id: String) -> Result<(), AppError> {
    server::look_up_again(&batch_id).await
}

/// One request to delete the recordings of every meeting of the batch that has some; each gets
/// a deletion request of its own with this reason.
#[server(prefix = "/api", endpoint = "bulk/request")]
pub async fn request_bulk_deletion(batch_id: String, reason: String) -> Result<(), AppError> {
    server::request(&batch_id, &reason).await
}

/// Approves every request of the batch awaiting approval (never one's own).
#[server(prefix = "/api", endpoint = "bulk/approve")]
pub async fn approve_bulk(batch_id: String, comment: Option<String>) -> Result<(), AppError> {
    server::decide(&batch_id, comment.as_deref().unwrap_or_default(), true).await
}

#[server(prefix = "/api", endpoint = "bulk/reject")]
pub async fn reject_bulk(batch_id: String, comment: String) -> Result<(), AppError> {
    server::decide(&batch_id, &comment, false).await
}

/// Cancels every request of the batch that has not started running.
#[server(prefix = "/api", endpoint = "bulk/cancel")]
pub async fn cancel_bulk(batch_id: String) -> Result<(), AppError> {
    server::cancel(&batch_id).await
}

/// A new batch of the meetings whose result was a failure, looked up at once.
#[server(prefix = "/api", endpoint = "bulk/retry")]
pub async fn retry_bulk(batch_id: String) -> Result<i64, AppError> {
    server::retry(&batch_id).await
}

#[cfg(feature = "ssr")]
mod server {
    use super::{BatchSummary, BatchView, BATCHES_LISTED};
    use crate::server::fn_context::{begin_change, client_addr, fail, intent, parse_comment, parse_number, require, state, store_failed};
    use crate::domain::{
        phase, required_reason, same_person, AuditAction, BatchPhase, BatchTotals, DeletionRules, DeletionState, ItemResult, MeetingList, Outcome,
        Permission, Staff,
    };
    use crate::error::AppError;
    use crate::server::access::second_person;
    use crate::server::audit::{Completion, Intent};
    use crate::server::bulk::store::{self, NewBatch};
    use crate::server::deletions::store::{self as deletions, Changed};
    use crate::server::state::AppState;

    fn parse_batch_id(raw: &str) -> Result<i64, AppError> {
        parse_number(raw, "batch_id", "A batch is named by its number, such as 12.")
    }

    async fn load(state: &AppState, raw: &str) -> Result<(crate::domain::Batch, Vec<crate::domain::BulkItem>), AppError> {
        let id = parse_batch_id(raw)?;
        let batch = store::find(&state.db, id).await.map_err(store_failed("cannot read a batch"))?;
        let batch = batch.ok_or_else(|| fail(AppError::BatchNotFound { id }))?;
        let items = store::items(&state.db, id).await.map_err(store_failed("cannot read a batch's meetings"))?;
        Ok((batch, items))
    }

    fn not_now(batch: &crate::domain::Batch, phase: BatchPhase, action: &str) -> AppError {
        let state = match phase {
            BatchPhase::Draft => "is not looked up yet",
            BatchPhase::LookingUp => "is still being looked up",
            BatchPhase::Ready => "is not requested yet",
            BatchPhase::Running => "was requested already",
            BatchPhase::Finished => "is finished",
        };
        fail(AppError::BatchNotReady { id: batch.id, state: state.to_owned(), action: action.to_owned() })
    }

    pub async fn one(raw: &str) -> Result<BatchView, AppError> {
        let staff = require(Permission::DeleteRecordings).await?;
        let state = state()?;
        let (batch, items) = load(&state, raw).await?;
        let requested = batch.requested_at_ms.is_some();
        let phase = phase(&batch, &items);
        let totals = BatchTotals::of(&items, requested);
        let mut awaiting = 0;
        let mut cancellable = 0;
        for item in &items {
            if let ItemResult::Request { state: s, .. } = item.result(requested) {
                awaiting += u64::from(s == DeletionState::AwaitingApproval);
                cancellable += u64::from(matches!(s, DeletionState::AwaitingApproval | DeletionState::Scheduled));
            }
        }
        let refusal = (phase == BatchPhase::Draft)
            .then(|| MeetingList { ids: items.iter().map(|i| (i.line as usize, i.meeting_id.clone())).collect(), problems: batch.problems.clone(), header: batch.header.clone() }.refusal())
            .flatten();
        let suggested_reason = match batch.retry_of {
            Some(first) => store::find(&state.db, first).await.ok().flatten().and_then(|b| b.reason),
            None => None,
        };
        let policy = &state.deletions.policy;
        Ok(BatchView {
            own: batch.requested_by.as_deref().is_some_and(|by| same_person(by, &staff.username)),
            batch,
            items,
            phase,
            totals,
            rules: DeletionRules { grace_secs: policy.grace.as_secs(), approval_required: policy.approval_required },
            now_ms: state.clock.now_ms(),
            refusal,
            awaiting,
            cancellable,
            suggested_reason,
        })
    }

    pub async fn list() -> Result<Vec<BatchSummary>, AppError> {
        require(Permission::DeleteRecordings).await?;
        let state = state()?;
        let rows = store::recent(&state.db, BATCHES_LISTED).await.map_err(store_failed("cannot list batches"))?;
        Ok(rows.into_iter().map(|(batch, meetings)| BatchSummary { batch, meetings }).collect())
    }

    pub async fn source(raw: &str) -> Result<String, AppError> {
        require(Permission::DeleteRecordings).await?;
        let state = state()?;
        let id = parse_batch_id(raw)?;
        store::source_text(&state.db, id).await.map_err(store_failed("cannot read a batch"))?.ok_or_else(|| fail(AppError::BatchNotFound { id }))
    }

    pub async fn start(raw: &str) -> Result<(), AppError> {
        let staff = require(Permission::DeleteRecordings).await?;
        let state = state()?;
        let (batch, items) = load(&state, raw).await?;
        let phase = phase(&batch, &items);
        if phase != BatchPhase::Draft {
            return Err(not_now(&batch, phase, "started again"));
        }
        let list = MeetingList { ids: items.iter().map(|i| (i.line as usize, i.meeting_id.clone())).collect(), problems: batch.problems.clone(), header: None };
        if let Some(refusal) = list.refusal() {
            return Err(fail(AppError::invalid_field("ids", refusal)));
        }
        store::start(&state.db, batch.id, state.clock.now_ms()).await.map_err(store_failed("cannot start a batch"))?;
        state.bulk.wake.notify_one();
        tracing::info!(batch = batch.id, user = %staff.username, meetings = items.len(), "bulk look-up started");
        leptos_axum::redirect(&format!("{}?started=1", batch.path()));
        Ok(())
    }

    pub async fn look_up_again(raw: &str) -> Result<(), AppError> {
        require(Permission::DeleteRecordings).await?;
        let state = state()?;
        let (batch, items) = load(&state, raw).await?;
        let phase = phase(&batch, &items);
        if phase != BatchPhase::Ready {
            return Err(not_now(&batch, phase, "looked up again"));
        }
        let n = store::look_up_again(&state.db, batch.id, state.clock.now_ms()).await.map_err(store_failed("cannot change a batch"))?;
        state.bulk.wake.notify_one();
        leptos_axum::redirect(&format!("{}?again={n}", batch.path()));
        Ok(())
    }

    pub async fn request(raw: &str, reason: &str) -> Result<(), AppError> {
        let staff = require(Permission::DeleteRecordings).await?;
        let reason = required_reason(reason).map_err(|m| fail(AppError::invalid_field("reason", m)))?;
        let state = state()?;
        let (batch, items) = load(&state, raw).await?;
        let phase = phase(&batch, &items);
        if phase != BatchPhase::Ready {
            return Err(not_now(&batch, phase, "requested"));
        }
        let totals = BatchTotals::of(&items, false);
        let mut entry = intent(AuditAction::RequestBulkDeletion, Some(staff.clone()), None, Some(reason.clone()));
        entry.detail = Some(format!(
            "batch #{}: {} meetings, {} with recordings ({} recordings, {} on legal hold, {} not looked up)",
            batch.id, totals.meetings, totals.with_recordings, totals.recordings, totals.held, totals.lookup_failed
        ));
        let audit = begin_change(&state, &entry).await?;
        let taken = store::request(&state.db, batch.id, &reason, &staff, &client_addr(), state.clock.now_ms()).await;
        match taken {
            Ok(true) => state.audit.complete(&audit, &Completion::new(Outcome::Succeeded)).await,
            Ok(false) => {
                let err = not_now(&batch, BatchPhase::Running, "requested");
                state.audit.complete(&audit, &Completion::new(Outcome::Refused).error(&err)).await;
                return Err(err);
            }
            Err(e) => {
                let err = store_failed("cannot request a batch")(e);
                state.audit.complete(&audit, &Completion::new(Outcome::Failed).error(&err)).await;
                return Err(err);
            }
        }
        tracing::info!(batch = batch.id, user = %staff.username, meetings = totals.with_recordings, "bulk deletion requested");
        state.bulk.wake.notify_one();
        leptos_axum::redirect(&format!("{}?requested=1", batch.path()));
        Ok(())
    }

    /// Audits a batch-wide step: one entry for the batch (written first), then one per meeting
    /// the step changed, so each meeting's history tells its own story.
    async fn batch_step(
        state: &AppState,
        staff: &Staff,
        batch: &crate::domain::Batch,
        action: AuditAction,
        reason: Option<String>,
        change: impl std::future::Future<Output = Result<Vec<Changed>, sqlx::Error>>,
    ) -> Result<usize, AppError> {
        let mut entry = intent(action, Some(staff.clone()), None, reason.clone());
        entry.detail = Some(format!("batch #{}", batch.id));
        let audit = begin_change(state, &entry).await?;
        let changed = match change.await {
            Ok(c) => c,
            Err(e) => {
                let err = store_failed("cannot change a batch's deletion requests")(e);
                state.audit.complete(&audit, &Completion::new(Outcome::Failed).error(&err)).await;
                return Err(err);
            }
        };
        state.audit.complete(&audit, &Completion::new(Outcome::Succeeded)).await;
        for c in &changed {
            let per = Intent {
                meeting_id: Some(c.meeting_id.clone()),
                detail: Some(format!("request #{} by {}: batch #{}, {} recordings", c.id, c.requested_by, batch.id, c.expected_count)),
                ..entry.clone()
            };
            state.audit.record(&per, &Completion::new(Outcome::Succeeded)).await;
        }
        tracing::info!(batch = batch.id, user = %staff.username, step = action.as_str(), requests = changed.len(), "batch's deletion requests changed");
        Ok(changed.len())
    }

    pub async fn decide(raw: &str, raw_comment: &str, approve: bool) -> Result<(), AppError> {
        let staff = require(Permission::DeleteRecordings).await?;
        let state = state()?;
        let (batch, items) = load(&state, raw).await?;
        let comment = parse_comment(raw_comment, !approve)?;
        let action = if approve { AuditAction::ApproveDeletion } else { AuditAction::RejectDeletion };
        let second = match batch.requested_by.as_deref() {
            Some(by) => second_person::check(&state, by, batch.requested_method, &staff, store_failed("cannot read the accounts' links")).await,
            None => Ok(()),
        };
        if let Err(err) = second {
            let err = fail(err);
            let mut entry = intent(action, Some(staff.clone()), None, comment.clone());
            entry.detail = Some(format!("batch #{}", batch.id));
            state.audit.record(&entry, &Completion::new(Outcome::Refused).error(&err)).await;
            tracing::warn!(batch = batch.id, user = %staff.username, error = %err, "refused: not shown to be a second person");
            return Err(err);
        }
        let phase = phase(&batch, &items);
        let still_making = store::unrequested(&state.db, batch.id).await.map_err(store_failed("cannot read a batch"))?;
        if phase != BatchPhase::Running || still_making > 0 {
            let verb = if approve { "approved" } else { "rejected" };
            let err = if still_making > 0 {
                fail(AppError::BatchNotReady { id: batch.id, state: "is still making its deletion requests".to_owned(), action: format!("{verb} yet") })
            } else {
                not_now(&batch, phase, verb)
            };
            return Err(err);
        }
        let now = state.clock.now_ms();
        let due = approve.then(|| now + state.deletions.policy.grace.as_millis() as i64);
        let change = deletions::decide_batch(&state.db, batch.id, &staff, comment.as_deref(), now, due);
        let n = batch_step(&state, &staff, &batch, action, comment.clone(), change).await?;
        if approve {
            state.deletions.wake.notify_one();
        }
        let verb = if approve { "approved" } else { "rejected" };
        leptos_axum::redirect(&format!("{}?{verb}={n}", batch.path()));
        Ok(())
    }

    pub async fn cancel(raw: &str) -> Result<(), AppError> {
        let staff = require(Permission::DeleteRecordings).await?;
        let state = state()?;
        let (batch, items) = load(&state, raw).await?;
        let phase = phase(&batch, &items);
        if phase != BatchPhase::Running {
            return Err(not_now(&batch, phase, "cancelled"));
        }
        let change = deletions::cancel_batch(&state.db, batch.id, &staff.username, state.clock.now_ms());
        let n = batch_step(&state, &staff, &batch, AuditAction::CancelDeletion, None, change).await?;
        leptos_axum::redirect(&format!("{}?cancelled={n}", batch.path()));
        Ok(())
    }

    pub async fn retry(raw: &str) -> Result<i64, AppError> {
        let staff = require(Permission::DeleteRecordings).await?;
        let state = state()?;
        let (batch, items) = load(&state, raw).await?;
        let requested = batch.requested_at_ms.is_some();
        let again: Vec<_> = items.iter().filter(|i| i.result(requested).is_retryable()).map(|i| (i.position as usize, i.meeting_id.clone())).collect();
        if again.is_empty() {
            return Err(fail(AppError::BatchNotReady { id: batch.id, state: "has no failed meetings".to_owned(), action: "retried".to_owned() }));
        }
        let text: String = again.iter().map(|(_, id)| format!("{id}\n")).collect();
        let list = MeetingList { ids: again.iter().enumerate().map(|(n, (_, id))| (n + 1, id.clone())).collect(), problems: vec![], header: None };
        let new = NewBatch { creator: &staff, source_text: &text, list: &list, retry_of: Some(batch.id), now_ms: state.clock.now_ms(), start: true, preset: None };
        let id = store::create(&state.db, &new).await.map_err(store_failed("cannot store a batch"))?;
        state.bulk.wake.notify_one();
        tracing::info!(batch = id, retry_of = batch.id, user = %staff.username, meetings = list.ids.len(), "bulk retry started");
        leptos_axum::redirect(&format!("/bulk/{id}"));
        Ok(id)
    }
}
