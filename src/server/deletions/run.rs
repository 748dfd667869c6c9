//! Running one claimed deletion request: list the recordings again, compare them with what was
//! confirmed, check the hold, then send the one DELETE, and record how it ended, in the row and
//! in the audit log.

use std::time::Duration;

use super::store::{self, Finish, Stored};
use crate::server::vendor::errors::{to_app_error, Call};
use crate::domain::{fingerprint, AuditAction, DeletionState, Outcome, Recording, UpstreamError};
use crate::error::AppError;
use crate::server::audit::{Completion, EntryId, Intent};
use crate::server::state::Work;

/// A transient vendor error is tried again this many times (in the background) before the
/// request fails with the vendor's message.
pub const MAX_RETRIES: u32 = 4;

/// Who runs it: a person's request inline (grace period 0), or a worker in the background.
#[derive(Debug, Clone)]
pub struct RunContext {
    pub owner: String,
    pub request_id: String,
    pub client_addr: String,
    /// Transient errors are tried again later rather than reported at once.
    pub background: bool,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ran {
    Deleted { count: u64 },
    /// Not the confirmed recordings any more: nothing deleted, the request is closed.
    Changed(AppError),
    /// The meeting went on hold: the request waits, nothing was sent.
    Waiting(AppError),
    RetryAt { at_ms: i64, error: AppError },
    Failed(AppError),
    Unknown(AppError),
    /// Nothing was sent and the request is as it was (the audit log or the lease was lost).
    NotRun(AppError),
}

/// The wait before the next try: Retry-After when the vendor gave one, else 30 s doubling.
pub fn retry_delay(err: &UpstreamError, retries_so_far: u32) -> Duration {
    match err {
        UpstreamError::RateLimited { retry_after: Some(after) } => (*after).max(Duration::from_secs(1)),
        _ => Duration::from_secs(30u64.saturating_mul(1 << retries_so_far.min(5))).min(Duration::from_secs(600)),
    }
}

/// Renews the lease while the run lasts; stopped when the run ends.
struct Heartbeat(tokio::task::JoinHandle<()>);

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn heartbeat(state: &Work<'_>, id: i64, owner: &str) -> Heartbeat {
    let (db, clock, lease, owner) = (state.db.clone(), state.clock.clone(), state.lease.clone(), owner.to_owned());
    Heartbeat(tokio::spawn(async move {
        loop {
            tokio::time::sleep(lease.ttl / 3).await;
            let until = lease.until(clock.now_ms());
            match store::renew(&db, id, &owner, until).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => tracing::warn!(error = %e, request = id, "cannot renew a deletion lease"),
            }
        }
    }))
}

/// Runs request `id`, which `ctx.owner` has just claimed.
pub async fn run(state: &Work<'_>, id: i64, ctx: &RunContext) -> Ran {
    let stored = match store::find(&state.db, id).await {
        Ok(Some(s)) => s,
        Ok(None) => return Ran::NotRun(AppError::Internal { request_id: ctx.request_id.clone() }),
        Err(e) => {
            tracing::error!(error = %e, request = id, "cannot read a claimed deletion request");
            return Ran::NotRun(AppError::DatabaseUnavailable { request_id: ctx.request_id.clone() });
        }
    };
    let _beat = heartbeat(state, id, &ctx.owner);
    let run = Run { state: *state, stored: &stored, ctx };
    let ran = if stored.vendor_called { run.recover().await } else { run.fresh().await };
    // Whatever the vendor did or may have done, the recordings page reads its list afresh.
    if !matches!(ran, Ran::Waiting(_) | Ran::NotRun(_)) {
        state.recordings.kept().forget(&stored.request.meeting_id);
    }
    match &ran {
        Ran::Deleted { count } => tracing::info!(request = id, meeting_id = %stored.request.meeting_id, count, "recordings deleted"),
        Ran::RetryAt { at_ms, error } => tracing::warn!(request = id, retry_at_ms = at_ms, error = %error, "deletion will be tried again"),
        Ran::Waiting(_) => tracing::info!(request = id, "deletion waits for a legal hold to be lifted"),
        Ran::Changed(e) | Ran::Failed(e) | Ran::Unknown(e) | Ran::NotRun(e) => tracing::warn!(request = id, error = %e, "deletion did not run to the end"),
    }
    if ctx.background && matches!(ran, Ran::RetryAt { .. } | Ran::Failed(_) | Ran::Unknown(_) | Ran::NotRun(_)) {
        state.metrics.step_failed(crate::server::metrics::labels::WorkerName::Deletion);
    }
    ran
}

struct Run<'a> {
    state: Work<'a>,
    stored: &'a Stored,
    ctx: &'a RunContext,
}

impl Run<'_> {
    fn id(&self) -> i64 {
        self.stored.request.id
    }

    fn intent(&self) -> Intent {
        let r = &self.stored.request;
        let n = r.expected_count;
        let approved = r.decided_by.as_deref().map(|b| format!(", approved by {b}")).unwrap_or_default();
        let by = if self.ctx.background { ", run after its grace period" } else { "" };
        Intent {
            actor: Some(self.stored.requester.clone()),
            claimed_user: None,
            client_addr: self.ctx.client_addr.clone(),
            action: AuditAction::DeleteRecordings,
            meeting_id: Some(r.meeting_id.to_string()),
            reason: Some(r.reason.clone()),
            detail: Some(format!("request #{}: confirmed {n} recording{}{approved}{by}", r.id, if n == 1 { "" } else { "s" })),
            request_id: self.ctx.request_id.clone(),
        }
    }

    async fn close(&self, f: Finish) {
        match store::finish(&self.state.db, self.id(), &self.ctx.owner, &f, self.state.clock.now_ms()).await {
            Ok(true) => {}
            Ok(false) => tracing::error!(request = self.id(), state = f.state.as_str(), "a deletion request was finished by a worker that no longer held it"),
            Err(e) => tracing::error!(error = %e, request = self.id(), state = f.state.as_str(), "cannot record how a deletion request ended"),
        }
    }

    async fn give_back(&self) {
        if let Err(e) = store::release(&self.state.db, self.id(), &self.ctx.owner).await {
            tracing::error!(error = %e, request = self.id(), "cannot hand a deletion request back");
        }
    }

    fn vendor_error(&self, e: UpstreamError, call: Call) -> AppError {
        to_app_error(e, call, self.ctx.request_id.clone())
    }

    /// A transient error: tried again later when there are retries left and nobody waits.
    async fn retry_or_fail(&self, audit: EntryId, e: UpstreamError, call: Call) -> Ran {
        let retries = self.stored.request.attempts;
        let vendor_status = e.status();
        let retryable = e.is_retryable() && self.ctx.background && retries < MAX_RETRIES;
        let delay = retry_delay(&e, retries);
        let error = self.vendor_error(e, call);
        if retryable {
            let at_ms = self.state.clock.now_ms() + delay.as_millis() as i64;
            let why = format!("{error} (try {} of {}; the next in {} s)", retries + 1, MAX_RETRIES + 1, delay.as_secs());
            self.state.audit.complete(&audit, &Completion { vendor_status, ..Completion::new(Outcome::Failed) }.error(&why)).await;
            match store::retry_later(&self.state.db, self.id(), &self.ctx.owner, at_ms, &why).await {
                Ok(true) => return Ran::RetryAt { at_ms, error },
                Ok(false) => return Ran::NotRun(error),
                Err(db) => tracing::error!(error = %db, request = self.id(), "cannot reschedule a deletion request"),
            }
            return Ran::NotRun(error);
        }
        let unknown = matches!(error, AppError::OutcomeUnknown { .. });
        let outcome = if unknown { Outcome::Unknown } else { Outcome::Failed };
        self.state.audit.complete(&audit, &Completion { vendor_status, ..Completion::new(outcome) }.error(&error)).await;
        let state = if unknown { DeletionState::Unknown } else { DeletionState::Failed };
        self.close(Finish { state, deleted_count: None, vendor_status, result: Some(error.to_string()) }).await;
        if unknown { Ran::Unknown(error) } else { Ran::Failed(error) }
    }

    fn differs(&self, current: &[Recording]) -> Option<AppError> {
        let r = &self.stored.request;
        let expected = usize::try_from(r.expected_count).unwrap_or(usize::MAX);
        if current.len() != expected {
            return Some(AppError::ListChanged { expected, found: current.len() });
        }
        let now = fingerprint(current.iter().map(|r| r.id.as_str()));
        match &self.stored.fingerprint {
            Some(confirmed) if *confirmed != now => Some(AppError::RecordingsReplaced { count: expected }),
            _ => None,
        }
    }

    async fn fresh(&self) -> Ran {
        let state = self.state;
        let r = &self.stored.request;
        if r.held {
            self.give_back().await;
            return Ran::Waiting(AppError::OnLegalHold { detail: "placed while the deletion waited".into() });
        }
        let Ok(audit) = state.audit.begin(&self.intent()).await else {
            self.give_back().await;
            return Ran::NotRun(AppError::AuditUnavailable { request_id: self.ctx.request_id.clone() });
        };
        let current = match state.client.list_recordings(&r.meeting_id).await {
            Ok(c) => c,
            Err(e) => return self.retry_or_fail(audit, e, Call::ListRecordings).await,
        };
        if let Some(err) = self.differs(&current) {
            state.audit.complete(&audit, &Completion::new(Outcome::Failed).error(&err)).await;
            self.close(Finish { state: DeletionState::Changed, deleted_count: None, vendor_status: None, result: Some(err.to_string()) }).await;
            return Ran::Changed(err);
        }
        // Checked last, just before the vendor is asked, so a hold placed meanwhile still counts.
        match crate::server::meetings::holds::find(&state.db, &r.meeting_id).await {
            Ok(None) => {}
            Ok(Some(hold)) => {
                let err = AppError::OnLegalHold { detail: hold.describe() };
                state.audit.complete(&audit, &Completion::new(Outcome::Refused).error(&err)).await;
                self.give_back().await;
                return Ran::Waiting(err);
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot read a legal hold");
                let err = AppError::DatabaseUnavailable { request_id: self.ctx.request_id.clone() };
                state.audit.complete(&audit, &Completion::new(Outcome::Failed).error(&err)).await;
                self.give_back().await;
                return Ran::NotRun(err);
            }
        }
        match store::mark_vendor_called(&state.db, r.id, &self.ctx.owner, state.clock.now_ms()).await {
            Ok(true) => {}
            other => {
                if let Err(e) = other {
                    tracing::error!(error = %e, request = r.id, "cannot mark a deletion as sent");
                }
                let err = AppError::DatabaseUnavailable { request_id: self.ctx.request_id.clone() };
                let why = "not sent: this worker lost the request before asking ConnectyCube";
                state.audit.complete(&audit, &Completion::new(Outcome::Refused).error(why)).await;
                return Ran::NotRun(err);
            }
        }
        match state.client.delete_recordings(&r.meeting_id).await {
            Ok(reply) => {
                let count = current.len() as u64;
                let done = Completion {
                    vendor_status: Some(reply.status),
                    deleted_count: Some(u32::try_from(count).unwrap_or(u32::MAX)),
                    ..Completion::new(Outcome::Succeeded)
                };
                state.audit.complete(&audit, &done).await;
                self.close(Finish { state: DeletionState::Done, deleted_count: Some(count), vendor_status: Some(reply.status), result: None }).await;
                Ran::Deleted { count }
            }
            Err(e) => self.retry_or_fail(audit, e, Call::DeleteRecordings).await,
        }
    }

    /// The worker before this one stopped after sending the DELETE (or just before): it is
    /// never sent again. The vendor's list says what most likely happened.
    async fn recover(&self) -> Ran {
        let state = self.state;
        let r = &self.stored.request;
        let mut intent = self.intent();
        intent.detail = intent.detail.map(|d| format!("{d}; checked after the server stopped mid-deletion"));
        let stopped = "the server stopped just as it asked ConnectyCube to delete, and the DELETE is never sent twice";
        let (finish, completion, ran) = match state.client.list_recordings(&r.meeting_id).await {
            Ok(current) if current.is_empty() => {
                let count = r.expected_count;
                let note = format!("{stopped}; ConnectyCube lists none of the recordings now, so they were deleted");
                (
                    Finish { state: DeletionState::Done, deleted_count: Some(count), vendor_status: None, result: Some(note.clone()) },
                    Completion { deleted_count: Some(u32::try_from(count).unwrap_or(u32::MAX)), ..Completion::new(Outcome::Succeeded) }.error(note),
                    Ran::Deleted { count },
                )
            }
            listed => {
                let now = match listed {
                    Ok(c) if self.differs(&c).is_none() => format!("all {} confirmed recordings are still listed, so it most likely did not happen; request it again if they should go", c.len()),
                    Ok(c) => format!("{} recordings are listed now; look at the meeting before requesting again", c.len()),
                    Err(e) => format!("listing afterwards failed too ({e}); look at the meeting before requesting again"),
                };
                let note = format!("{stopped}; {now}");
                let err = AppError::DeletionInterrupted { detail: note.clone() };
                (
                    Finish { state: DeletionState::Unknown, deleted_count: None, vendor_status: None, result: Some(note.clone()) },
                    Completion::new(Outcome::Unknown).error(note),
                    Ran::Unknown(err),
                )
            }
        };
        state.audit.record(&intent, &completion).await;
        self.close(finish).await;
        ran
    }
}
