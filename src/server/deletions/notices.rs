//! The approval webhook's worker, in every replica with `APPROVAL_WEBHOOK_URL` set. It makes a
//! notice for each request (or bulk batch) that waits for approval and has none, then sends the
//! due ones, each claimed with a lease, until the webhook takes it or the request no longer waits.
//!
//! Notices come from the store, not from the request that made the deletion request: a replica
//! killed in between, or a webhook down for a while, loses none. A notice can go out twice when
//! its sender is killed after the webhook took it and before it was marked sent; its
//! `request_id` or `batch_id` tells the two apart.

use std::time::Duration;

use super::notice_store::{self as store, Claimed, Outcome, Subject};
use super::webhook::{self, Webhook};
use crate::server::state::{AppState, Work};
use crate::server::metrics::labels::{Queue, WorkerName};
use crate::server::workers::Next;

/// How often each replica looks for notices to make and send; a request made here wakes it.
pub const POLL: Duration = Duration::from_secs(1);
/// After a failed try: then twice as long each time, up to `LAST_RETRY`.
pub const FIRST_RETRY: Duration = Duration::from_secs(10);
const LAST_RETRY: Duration = Duration::from_secs(15 * 60);
/// Notices made per look, and sent per look.
const PER_TICK: i64 = 20;
/// The longest a post may take; never more than half the lease, so a sender that is alive
/// has finished (or given up) before another replica may take its notice.
const POST_WITHIN: Duration = Duration::from_secs(5);

pub fn spawn(state: AppState) {
    if state.deletions.webhook.is_none() {
        return;
    }
    let env = state.clone();
    state.workers.poll(WorkerName::ApprovalNotice, POLL, state.deletions.notices.clone(), move || {
        let state = env.clone();
        // A look ends at a failure or when nothing is due: either way, wait.
        async move {
            tick(&state.work()).await;
            Next::Wait
        }
    });
}

/// One look: makes the missing notices, then sends due ones until one fails (the webhook is
/// likely down: the rest wait for their own retry). Returns how many were sent.
pub async fn tick(state: &Work<'_>) -> usize {
    let Some(hook) = &state.deletions.webhook else { return 0 };
    make_missing(state).await;
    let owner = &state.lease.owner;
    let within = POST_WITHIN.min(state.lease.ttl / 2);
    let mut sent = 0;
    for _ in 0..PER_TICK {
        let now = state.clock.now_ms();
        let lease_until = state.lease.until(now);
        let notice = match store::claim(&state.db, owner, now, lease_until).await {
            Ok(t) => {
                state.metrics.taken_over(Queue::ApprovalNotices, t.taken_over);
                match t.items.into_iter().next() {
                    Some(notice) => notice,
                    None => break,
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot look for approval notices to send");
                state.metrics.step_failed(WorkerName::ApprovalNotice);
                break;
            }
        };
        match send(state, hook, &notice, within).await {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(()) => break,
        }
    }
    sent
}

/// `Ok(true)` sent, `Ok(false)` not needed any more, `Err` to be tried again later.
async fn send(state: &Work<'_>, hook: &Webhook, notice: &Claimed, within: Duration) -> Result<bool, ()> {
    let owner = &state.lease.owner;
    let about = notice.subject;
    match store::still_waits(&state.db, about).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::info!(%about, "approval notice not sent: no longer waits for approval");
            let _ = store::finish(&state.db, notice.id, owner, Outcome::Moot, state.clock.now_ms()).await;
            return Ok(false);
        }
        Err(e) => {
            tracing::warn!(error = %e, %about, "cannot check an approval notice before sending it");
            let _ = store::retry_later(&state.db, notice.id, owner, state.clock.now_ms(), "the database did not answer").await;
            return Err(());
        }
    }
    match hook.post(&notice.body, within).await {
        Ok(()) => {
            tracing::info!(%about, attempts = notice.attempts, "approval webhook sent");
            match store::finish(&state.db, notice.id, owner, Outcome::Sent, state.clock.now_ms()).await {
                Ok(true) => {}
                // Another replica took it after this one's lease ran out, and may send it again.
                Ok(false) => tracing::warn!(%about, "an approval notice was sent after its lease ran out"),
                Err(e) => tracing::error!(error = %e, %about, "cannot mark an approval notice sent; it goes out again when its lease runs out"),
            }
            Ok(true)
        }
        Err(why) => {
            let retry = retry_after(notice.attempts);
            tracing::warn!(%about, error = %why, attempts = notice.attempts, retry_in_s = retry.as_secs(), "the approval webhook did not take a notice");
            state.metrics.step_failed(WorkerName::ApprovalNotice);
            let due = state.clock.now_ms() + retry.as_millis() as i64;
            if let Err(e) = store::retry_later(&state.db, notice.id, owner, due, &why.to_string()).await {
                tracing::warn!(error = %e, %about, "cannot hand an approval notice back; it is tried again when its lease runs out");
            }
            Err(())
        }
    }
}

/// Makes the notices of requests and batches that wait for approval and have none.
async fn make_missing(state: &Work<'_>) {
    let origin = state.public_origin;
    let now = state.clock.now_ms();
    match store::requests_without_notice(&state.db, PER_TICK).await {
        Ok(ids) => {
            for id in ids {
                match super::store::find(&state.db, id).await {
                    Ok(Some(s)) => made(store::make(&state.db, Subject::Request(id), &webhook::request_notice(&s.request, origin), now).await, Subject::Request(id)),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, request = id, "cannot read a deletion request to make its approval notice"),
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot look for deletion requests waiting for approval"),
    }
    match store::batches_without_notice(&state.db, PER_TICK).await {
        Ok(batches) => {
            for b in batches {
                let body = webhook::batch_notice(
                    b.id,
                    u64::try_from(b.requests).unwrap_or(0),
                    b.requested_by.as_deref().unwrap_or("someone"),
                    b.reason.as_deref().unwrap_or(""),
                    origin,
                );
                made(store::make(&state.db, Subject::Batch(b.id), &body, now).await, Subject::Batch(b.id));
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot look for bulk batches waiting for approval"),
    }
}

fn made(result: Result<bool, sqlx::Error>, about: Subject) {
    if let Err(e) = result {
        tracing::warn!(error = %e, %about, "cannot store an approval notice; it is made at the next look");
    }
}

/// The pause after the `attempts`th failed try.
fn retry_after(attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16);
    FIRST_RETRY.saturating_mul(1 << doublings).min(LAST_RETRY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_a_ceiling() {
        let pauses: Vec<u64> = (1..=9).map(|n| retry_after(n).as_secs()).collect();
        assert_eq!(pauses, [10, 20, 40, 80, 160, 320, 640, 900, 900]);
        assert_eq!(retry_after(0), FIRST_RETRY);
        assert_eq!(retry_after(u32::MAX), LAST_RETRY);
    }
}
