//! The bulk worker every replica runs: it looks up the meetings of started batches, a few at a
//! time, and makes the deletion request of each meeting of a requested batch. Each meeting is
//! claimed with a lease, so two replicas never do the same step; a look-up done twice after a
//! crash only reads again, and a request made before a crash is found and adopted, never made
//! twice.

use std::time::Duration;

use super::claims::{self, Claimed, Looked, Outcome, ToRequest};
use super::store;
use crate::server::vendor::errors::{to_app_error, Call};
use crate::domain::{AuditAction, ItemOutcome, LookupState, Outcome as AuditOutcome, RecordingSummary, UpstreamError};
use crate::error::AppError;
use crate::server::audit::{Completion, Intent};
use crate::server::deletions::open::{open, Asker, Opening};
use crate::server::deletions::store::CreateError;
use crate::server::state::{AppState, Work};
use crate::server::metrics::labels::{Queue, WorkerName};
use crate::server::workers::Next;

/// How often each replica looks for work; a batch started or requested on it wakes it at once.
pub const POLL: Duration = Duration::from_secs(1);

/// Look-ups in flight at once, per replica: the vendor's list call is not paged, and 500
/// meetings at 20 ms each take about a second and a half this way.
pub const LOOKUPS_AT_ONCE: usize = 8;

/// A look-up that keeps failing transiently is given up after this many tries.
pub const LOOKUP_TRIES: i64 = 3;

/// Requests made per claim.
const REQUESTS_PER_CLAIM: i64 = 25;

/// Enough for a whole batch per look; the next look goes on where this one stopped.
const PER_TICK: usize = 1_000;

pub fn spawn(state: AppState) {
    let env = state.clone();
    state.workers.poll(WorkerName::Bulk, POLL, state.bulk.wake.clone(), move || {
        let state = env.clone();
        async move {
            let t = tick(&state.work()).await;
            if t.looked_up >= PER_TICK || t.requested >= PER_TICK { Next::More } else { Next::Wait }
        }
    });
}

/// What one look did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Ticked {
    pub looked_up: usize,
    pub requested: usize,
}

/// One look: look-ups first, then requests. Tests call it to drive the worker by hand.
pub async fn tick(state: &Work<'_>) -> Ticked {
    let mut ticked = Ticked::default();
    while ticked.looked_up < PER_TICK && state.clock.now_ms() >= state.bulk.paused_until() {
        let now = state.clock.now_ms();
        let claimed = match claims::claim_lookups(&state.db, &state.lease.owner, now, state.lease.until(now), LOOKUPS_AT_ONCE as i64).await {
            Ok(c) if c.items.is_empty() => break,
            Ok(c) => {
                state.metrics.taken_over(Queue::BulkItems, c.taken_over);
                c.items
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot look for meetings to look up");
                state.metrics.step_failed(WorkerName::Bulk);
                break;
            }
        };
        ticked.looked_up += claimed.len();
        let looked = futures_util::future::join_all(claimed.iter().map(|c| look_up(state, c))).await;
        let results: Vec<(i64, Looked)> = claimed.iter().map(|c| c.item_id).zip(looked).collect();
        match claims::write_lookups(&state.db, &state.lease.owner, &results).await {
            Ok(n) if n < results.len() => tracing::info!(lost = results.len() - n, "look-ups whose lease ran out; other workers have them"),
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "cannot store look-ups; they are looked up again after the lease");
                state.metrics.step_failed(WorkerName::Bulk);
            }
        }
    }
    while ticked.requested < PER_TICK {
        let now = state.clock.now_ms();
        let ids = match claims::claim_requests(&state.db, &state.lease.owner, now, state.lease.until(now), REQUESTS_PER_CLAIM).await {
            Ok(c) if c.items.is_empty() => break,
            Ok(c) => {
                state.metrics.taken_over(Queue::BulkItems, c.taken_over);
                c.items
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot look for meetings to request");
                state.metrics.step_failed(WorkerName::Bulk);
                break;
            }
        };
        for id in ids {
            ticked.requested += 1;
            request_one(state, id).await;
        }
        // Requests due now (no grace period) run at once on this replica.
        state.deletions.wake.notify_one();
    }
    ticked
}

/// Lists one meeting's recordings; the vendor's "later" is honoured for this whole replica.
async fn look_up(state: &Work<'_>, c: &Claimed) -> Looked {
    match state.client.list_recordings(&c.meeting_id).await {
        Ok(recordings) => {
            let listed = c.keep_listing.then(|| serde_json::to_string(&crate::domain::ListedRecording::all(&recordings)).unwrap_or_default());
            Looked::Found(RecordingSummary::of(&recordings), listed)
        }
        Err(e) => {
            let now = state.clock.now_ms();
            let retry_at_ms = match &e {
                UpstreamError::RateLimited { retry_after } => {
                    let at = now + retry_after.unwrap_or(Duration::from_secs(30)).max(Duration::from_secs(1)).as_millis() as i64;
                    state.bulk.pause_until(at);
                    Some(at)
                }
                // A read: safe to repeat whatever went wrong on the way.
                UpstreamError::Timeout(_) | UpstreamError::Interrupted(_) | UpstreamError::BadReply(_) if c.attempts < LOOKUP_TRIES => {
                    Some(now + 2_000 * c.attempts)
                }
                e if e.is_retryable() && c.attempts < LOOKUP_TRIES => Some(now + 2_000 * c.attempts),
                _ => None,
            };
            let error = to_app_error(e, Call::ListRecordings, format!("bulk-{}", c.batch_id));
            tracing::warn!(batch = c.batch_id, meeting_id = %c.meeting_id, try_again = retry_at_ms.is_some(), error = %error, "bulk look-up failed");
            state.metrics.step_failed(WorkerName::Bulk);
            Looked::Failed { error: error.to_string(), retry_at_ms }
        }
    }
}

/// Makes one meeting's deletion request (or says why it gets none), with its audit entries.
async fn request_one(state: &Work<'_>, item_id: i64) {
    let owner = state.lease.owner.as_str();
    let t = match claims::to_request(&state.db, item_id).await {
        Ok(Some(t)) => t,
        Ok(None) => {
            tracing::error!(item = item_id, "a batch item cannot be read; left as it is");
            return;
        }
        Err(e) => {
            tracing::warn!(error = %e, item = item_id, "cannot read a batch item");
            state.metrics.step_failed(WorkerName::Bulk);
            return;
        }
    };
    let outcome = match decide(state, &t).await {
        Ok(o) => o,
        Err(why) => {
            // Nothing decided: tried again after a pause (the audit log or the store failed).
            tracing::warn!(batch = t.batch_id, meeting_id = %t.meeting_id, error = %why, "a bulk deletion request waits to be made");
            state.metrics.step_failed(WorkerName::Bulk);
            let _ = claims::release(&state.db, item_id, owner, state.clock.now_ms() + 5_000).await;
            return;
        }
    };
    match claims::set_outcome(&state.db, item_id, owner, &outcome).await {
        Ok(true) => {}
        Ok(false) => tracing::warn!(batch = t.batch_id, meeting_id = %t.meeting_id, "a batch item's lease ran out before its outcome was written"),
        Err(e) => {
            tracing::error!(error = %e, batch = t.batch_id, "cannot store a batch item's outcome");
            state.metrics.step_failed(WorkerName::Bulk);
        }
    }
    // Whichever meeting is the last to get its outcome (one skipped, say), the batch is then
    // complete, and the notice worker makes its one notice.
    state.deletions.wake_notices();
}

fn outcome(outcome: ItemOutcome, detail: Option<String>) -> Outcome {
    Outcome { outcome, detail, other_request_id: None, deletion_request_id: None }
}

async fn decide(state: &Work<'_>, t: &ToRequest) -> Result<Outcome, String> {
    if t.lookup == LookupState::Failed {
        return Ok(outcome(ItemOutcome::LookupFailed, t.lookup_error.clone()));
    }
    if t.summary.count == 0 {
        return Ok(outcome(ItemOutcome::NothingToDelete, None));
    }
    // The sweep decided on the inventory; the look-up is newer. All of a meeting's recordings go
    // at once, so one made since, still within its period, spares them all.
    if let (Some(cut), Some(newest)) = (t.keep_after, t.summary.last_created) {
        if newest > cut {
            let detail = format!("kept: its newest recording ({}) is still within the retention period", crate::domain::format_utc(newest));
            return Ok(outcome(ItemOutcome::NothingToDelete, Some(detail)));
        }
    }
    // Made before a crash, its outcome not written: the same request, not a second one.
    if let Some(id) = store::request_of(&state.db, t.batch_id, &t.meeting_id).await.map_err(|e| e.to_string())? {
        return Ok(Outcome { deletion_request_id: Some(id), ..outcome(ItemOutcome::Requested, None) });
    }
    let n = t.summary.count;
    let intent = Intent {
        actor: Some(t.requester.clone()),
        claimed_user: None,
        client_addr: t.requested_addr.clone(),
        action: AuditAction::RequestDeletion,
        meeting_id: Some(t.meeting_id.to_string()),
        reason: Some(t.reason.clone()),
        detail: Some(format!("batch #{}: {n} recording{} looked up", t.batch_id, if n == 1 { "" } else { "s" })),
        request_id: format!("bulk-{}", t.batch_id),
    };
    if t.held {
        let hold = crate::server::meetings::holds::find(&state.db, &t.meeting_id).await.map_err(|e| e.to_string())?;
        let detail = hold.map(|h| h.describe()).unwrap_or_else(|| "the meeting is on legal hold".to_owned());
        let err = AppError::OnLegalHold { detail: detail.clone() };
        state.audit.record(&intent, &Completion::new(AuditOutcome::Refused).error(&err)).await;
        return Ok(outcome(ItemOutcome::OnHold, Some(detail)));
    }
    let audit = state.audit.begin(&intent).await.map_err(|e| e.to_string())?;
    let opening = Opening {
        meeting_id: t.meeting_id.clone(),
        reason: t.reason.clone(),
        requester: t.requester.clone(),
        requested_addr: t.requested_addr.clone(),
        expected_count: n as u64,
        listed: Some(t.summary.clone()),
        fingerprint: None,
        batch_id: Some(t.batch_id),
    };
    match open(state, opening, Asker::Background).await {
        Ok((id, _)) => {
            state.audit.complete(&audit, &Completion::new(AuditOutcome::Succeeded)).await;
            Ok(Outcome { deletion_request_id: Some(id), ..outcome(ItemOutcome::Requested, None) })
        }
        Err(CreateError::AlreadyOpen(open)) => {
            let detail = open.as_ref().map(|o| o.status_line(state.clock.now_ms(), &crate::domain::Zone::utc())).unwrap_or_else(|| "another request".to_owned());
            let err = AppError::DeletionAlreadyOpen { detail: detail.clone() };
            state.audit.complete(&audit, &Completion::new(AuditOutcome::Refused).error(&err)).await;
            Ok(Outcome { other_request_id: open.map(|o| o.id), ..outcome(ItemOutcome::AlreadyOpen, Some(detail)) })
        }
        Err(CreateError::Store(e)) => {
            state.audit.complete(&audit, &Completion::new(AuditOutcome::Failed).error(&e)).await;
            Err(e.to_string())
        }
    }
}
