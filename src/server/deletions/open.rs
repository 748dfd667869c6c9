//! Where every deletion request is opened: the delete dialog, bulk batches, and whatever comes
//! to ask for deletions later (retention sweeps, erasure cases). The policy's start (a second
//! person's approval, a grace period, or a run at once by the asking request) is decided here
//! and nowhere else, and the workers that follow are woken from here.

use super::store::{self, CreateError, NewRequest, Start};
use crate::domain::{MeetingId, RecordingSummary, Staff};
use crate::server::state::Work;

/// What a requester asks for: a meeting's recordings as they were listed and confirmed.
#[derive(Debug, Clone)]
pub struct Opening {
    pub meeting_id: MeetingId,
    pub reason: String,
    pub requester: Staff,
    pub requested_addr: String,
    /// The recordings confirmed: how many, and (when they were listed before the request) their
    /// fingerprint, size and dates.
    pub expected_count: u64,
    pub listed: Option<RecordingSummary>,
    /// A fingerprint the requester's page showed, when nothing was listed here.
    pub fingerprint: Option<String>,
    /// Made for a meeting of this bulk batch.
    pub batch_id: Option<i64>,
}

/// Whether the asking request may run the deletion itself (the dialog may; background work
/// never does, and leaves it to the deletion worker).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asker {
    Person,
    Background,
}

/// Whether a person's confirmed deletion runs in their own request: no approval and no grace.
pub fn runs_at_once(state: &Work<'_>) -> bool {
    let policy = &state.deletions.policy;
    policy.grace.is_zero() && !policy.approval_required
}

/// How a request opened at `now_ms` begins under the policy.
fn start(state: &Work<'_>, asker: Asker, now_ms: i64) -> Start {
    let policy = &state.deletions.policy;
    if policy.approval_required {
        Start::AwaitingApproval { expires_at_ms: now_ms.saturating_add(millis(policy.approval_ttl)) }
    } else if asker == Asker::Person && policy.grace.is_zero() {
        Start::Running { owner: state.lease.owner.clone(), lease_until_ms: state.lease.until(now_ms) }
    } else {
        Start::Scheduled { due_at_ms: now_ms.saturating_add(millis(policy.grace)) }
    }
}

fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Opens the request: stored with the start the policy gives it, and the workers that follow
/// it woken. Returns its number and how it began (`Start::Running`: the caller runs it now,
/// holding the lease it was made with).
pub async fn open(state: &Work<'_>, o: Opening, asker: Asker) -> Result<(i64, Start), CreateError> {
    let now_ms = state.clock.now_ms();
    let start = start(state, asker, now_ms);
    let listed = o.listed.as_ref();
    let new = NewRequest {
        meeting_id: o.meeting_id,
        reason: o.reason,
        expected_count: o.expected_count,
        fingerprint: listed.map(|s| s.fingerprint.clone()).or(o.fingerprint),
        total_size: listed.map(|s| s.total_size),
        first_created: listed.and_then(|s| s.first_created),
        last_created: listed.and_then(|s| s.last_created),
        requester: o.requester,
        requested_addr: o.requested_addr,
        now_ms,
        start: start.clone(),
        batch_id: o.batch_id,
    };
    let id = store::create(&state.db, &new).await?;
    match start {
        Start::AwaitingApproval { .. } => state.deletions.wake_notices(),
        Start::Scheduled { due_at_ms } if due_at_ms <= now_ms => state.deletions.wake.notify_one(),
        _ => {}
    }
    Ok((id, start))
}
