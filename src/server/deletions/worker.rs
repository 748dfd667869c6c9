//! The worker every replica runs: it expires approvals nobody gave in time and runs the
//! requests whose time has come, each claimed with a lease so that one replica runs it.

use std::time::Duration;

use super::run::{run, Ran, RunContext};
use super::store;
use crate::domain::{AuditAction, Outcome};
use crate::server::audit::{Completion, Intent};
use crate::server::state::{AppState, Work};
use crate::server::metrics::labels::{Queue, WorkerName};
use crate::server::workers::Next;

/// How often each replica looks for due requests (one indexed query each time); a request
/// approved or scheduled on this replica wakes it at once.
pub const POLL: Duration = Duration::from_secs(1);

/// At most this many requests per look, so a long queue cannot starve the approval expiry.
const PER_TICK: usize = 50;

pub fn spawn(state: AppState) {
    let env = state.clone();
    state.workers.poll(WorkerName::Deletion, POLL, state.deletions.wake.clone(), move || {
        let state = env.clone();
        // A full look means more are due (a bulk batch): look again at once.
        async move { if tick(&state.work()).await >= PER_TICK { Next::More } else { Next::Wait } }
    });
}

/// Requests run at once per replica: each waits on the vendor twice (list, then DELETE), so a
/// bulk batch's requests overlap those waits; every one holds its own lease.
pub const AT_ONCE: usize = 4;

/// One look: expiries, then due requests. Returns how many requests it ran.
pub async fn tick(state: &Work<'_>) -> usize {
    expire(state).await;
    let mut ran = 0;
    while ran < PER_TICK {
        let now = state.clock.now_ms();
        let ids = match store::claim(&state.db, &state.lease.owner, now, state.lease.until(now), AT_ONCE as i64).await {
            Ok(c) if c.items.is_empty() => break,
            Ok(c) => {
                state.metrics.taken_over(Queue::DeletionRequests, c.taken_over);
                c.items
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot look for due deletion requests");
                state.metrics.step_failed(WorkerName::Deletion);
                break;
            }
        };
        ran += ids.len();
        let runs = ids.into_iter().map(|id| {
            let ctx = RunContext {
                owner: state.lease.owner.clone(),
                request_id: format!("deletion-{id}"),
                client_addr: "worker".to_owned(),
                background: true,
            };
            async move { run(state, id, &ctx).await }
        });
        // Handed back untouched: trying again at once would only fail the same way.
        if futures_util::future::join_all(runs).await.iter().any(|r| matches!(r, Ran::NotRun(_))) {
            break;
        }
    }
    ran
}

async fn expire(state: &Work<'_>) {
    let ids = match store::expire_due(&state.db, state.clock.now_ms()).await {
        Ok(ids) => ids,
        Err(e) => {
            tracing::warn!(error = %e, "cannot expire deletion requests");
            state.metrics.step_failed(WorkerName::Deletion);
            return;
        }
    };
    for id in ids {
        let Ok(Some(s)) = store::find(&state.db, id).await else { continue };
        let r = &s.request;
        let intent = Intent {
            actor: None,
            claimed_user: None,
            client_addr: "worker".to_owned(),
            action: AuditAction::ExpireDeletion,
            meeting_id: Some(r.meeting_id.to_string()),
            reason: Some(r.reason.clone()),
            detail: Some(format!("request #{id} by {}: nobody approved or rejected it in time", r.requested_by)),
            request_id: format!("deletion-{id}"),
        };
        state.audit.record(&intent, &Completion::new(Outcome::Succeeded)).await;
        tracing::info!(request = id, meeting_id = %r.meeting_id, "deletion request expired unapproved");
    }
}
