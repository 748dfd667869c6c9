//! The sweep: one replica at a time (a lease on the settings row) looks at every known meeting,
//! and puts those the rules make due into one bulk batch, requested at once with the rules as
//! its reason. From there the batch runs as a person's would: each meeting is listed again, one
//! with a recording made since (still within its period) is spared, the rest get deletion
//! requests (grace period, one approval for the batch where required, hold check), and the
//! deletion worker lists once more before it deletes.

use std::collections::HashMap;
use std::time::Duration;

use super::store::{self, InventoryRow};
use crate::domain::{AuditAction, MeetingId, MeetingList, Outcome, Role, Rules, SignInMethod, Staff, Standing, MAX_BATCH};
use crate::server::audit::{Completion, Intent};
use crate::server::bulk::store::{self as bulk_store, NewBatch, Preset};
use crate::server::metrics::labels::WorkerName;
use crate::server::state::{AppState, Work};
use crate::server::store::{on_pool, Store};
use crate::server::workers::Next;

/// How often each replica asks whether a sweep is due (a sweep runs at most every
/// `RETENTION_SWEEP_EVERY`, by whichever replica comes first).
pub const POLL: Duration = Duration::from_secs(60);

/// Who a sweep's requests are from: not a person, so anyone may approve them.
pub fn requester() -> Staff {
    Staff { username: "retention".to_owned(), role: Role::Admin, method: SignInMethod::System }
}

/// Takes the sweep for this replica, if no other holds it and none ran in the last `gap_ms`.
async fn claim(db: &Store, owner: &str, now_ms: i64, lease_until_ms: i64, gap_ms: i64) -> Result<bool, sqlx::Error> {
    let sql = "UPDATE retention_settings SET sweep_owner = $1, sweep_until_ms = $2 \
               WHERE id = 1 AND (sweep_owner IS NULL OR sweep_until_ms < $3) AND COALESCE(last_sweep_ms, 0) <= $4";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(owner).bind(lease_until_ms).bind(now_ms).bind(now_ms - gap_ms).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// Gives the sweep up; `done` notes it as run (else the next turn goes on at once: more were
/// due than one batch takes).
async fn finish(db: &Store, owner: &str, now_ms: i64, done: bool) -> Result<(), sqlx::Error> {
    let sql = "UPDATE retention_settings SET last_sweep_ms = CASE WHEN $3 THEN $1 ELSE last_sweep_ms END, sweep_owner = NULL, sweep_until_ms = NULL \
               WHERE id = 1 AND sweep_owner = $2";
    on_pool!(db, pool => sqlx::query(sql).bind(now_ms).bind(owner).bind(done).execute(pool).await?.rows_affected());
    Ok(())
}

/// The meetings a sweep at `now_ms` takes, each with its cut-off (the newest recording date its
/// period lets go): due, not already in hand (an open request, a sweep's batch still running).
pub fn due(rows: &[InventoryRow], rules: &Rules, now_ms: i64) -> Vec<(MeetingId, i64)> {
    rows.iter()
        .filter(|r| !r.in_hand && Standing::of(&r.known, rules).is_due(now_ms))
        .filter_map(|r| {
            let period = rules.period(r.known.host)?;
            Some((r.known.meeting_id.clone(), (now_ms - period.ms()).div_euclid(1000)))
        })
        .collect()
}

/// "Retention: newest recording older than the period (default 90 days; 2 host rules)".
fn reason(rules: &Rules) -> String {
    let default = rules.default.map_or_else(|| "no default".to_owned(), |d| format!("default {d}"));
    let hosts = match rules.hosts.len() {
        0 => String::new(),
        1 => "; 1 host rule".to_owned(),
        n => format!("; {n} host rules"),
    };
    format!("Retention: newest recording older than the period ({default}{hosts})")
}

/// What a sweep did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Swept {
    /// Another replica holds the sweep, or one ran lately.
    NotNow,
    Nothing,
    Batch { id: i64, meetings: usize, left: usize },
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("the store failed: {0}")]
    Store(#[from] sqlx::Error),
}

/// One sweep, if it is this replica's turn (`gap_ms` since the last one). Tests pass 0.
pub async fn sweep(state: &Work<'_>, gap_ms: i64) -> Result<Swept, SweepError> {
    let owner = state.lease.owner.as_str();
    let now = state.clock.now_ms();
    if !claim(state.db, owner, now, state.lease.until(now), gap_ms).await? {
        return Ok(Swept::NotNow);
    }
    let result = take_due(state, now).await;
    // Noted as run even when it failed: the next sweep tries again after the gap, not at once.
    let done = !matches!(result, Ok(Swept::Batch { left, .. }) if left > 0);
    if let Err(e) = finish(state.db, owner, state.clock.now_ms(), done).await {
        tracing::warn!(error = %e, "cannot note the retention sweep as finished; its lease runs out");
    }
    result
}

async fn take_due(state: &Work<'_>, now: i64) -> Result<Swept, SweepError> {
    let (rows, rules) = (store::inventory(state.db).await?, store::rules(state.db).await?);
    let mut due = due(&rows, &rules, now);
    if due.is_empty() {
        return Ok(Swept::Nothing);
    }
    let left = due.len().saturating_sub(MAX_BATCH);
    due.truncate(MAX_BATCH);
    let source_text: String = due.iter().map(|(id, _)| format!("{id}\n")).collect();
    let list = MeetingList::parse(&source_text);
    let keep_after: HashMap<MeetingId, i64> = due.iter().cloned().collect();
    let requester = requester();
    let reason = reason(&rules);
    let part = Preset { reason: &reason, requester: &requester, requested_addr: "retention sweep", keep_after: Some(&keep_after), case_id: None };
    let new = NewBatch { creator: &requester, source_text: &source_text, list: &list, retry_of: None, now_ms: now, start: true, preset: Some(&part) };
    let intent = Intent {
        actor: Some(requester.clone()),
        claimed_user: None,
        client_addr: "retention sweep".to_owned(),
        action: AuditAction::RetentionSweep,
        meeting_id: None,
        reason: Some(reason.clone()),
        detail: Some(format!("{} meeting{} due{}", due.len(), if due.len() == 1 { "" } else { "s" }, if left > 0 { format!("; {left} more in the next sweep") } else { String::new() })),
        request_id: format!("sweep-{now}"),
    };
    let audit = state.audit.begin(&intent).await?;
    match bulk_store::create(state.db, &new).await {
        Ok(id) => {
            let n = due.len();
            state.audit.complete(&audit, &Completion::new(Outcome::Succeeded)).await;
            tracing::info!(batch = id, meetings = n, left, "retention sweep made a batch");
            state.bulk.wake.notify_one();
            Ok(Swept::Batch { id, meetings: n, left })
        }
        Err(e) => {
            state.audit.complete(&audit, &Completion::new(Outcome::Failed).error(&e)).await;
            Err(e.into())
        }
    }
}

pub fn spawn(state: AppState) {
    let env = state.clone();
    state.workers.poll(WorkerName::RetentionSweep, POLL, state.retention.sweep_wake.clone(), move || {
        let state = env.clone();
        async move {
            if let Err(e) = super::digest::send_if_due(&state.work()).await {
                tracing::warn!(error = %e, "cannot make the retention digest");
            }
            let at_once = state.retention.sweep_at_once.swap(false, std::sync::atomic::Ordering::SeqCst);
            let gap = if at_once { 0 } else { i64::try_from(state.retention.sweep_every.as_millis()).unwrap_or(i64::MAX) };
            match sweep(&state.work(), gap).await {
                Ok(Swept::Batch { left, .. }) if left > 0 => {
                    state.retention.sweep_at_once.store(true, std::sync::atomic::Ordering::SeqCst);
                    Next::More
                }
                Ok(_) => Next::Wait,
                Err(e) => {
                    tracing::error!(error = %e, "retention sweep failed; tried again after the gap");
                    state.metrics.step_failed(WorkerName::RetentionSweep);
                    Next::Wait
                }
            }
        }
    });
}
