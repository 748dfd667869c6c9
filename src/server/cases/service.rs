//! What the case pages ask: open a case, add meetings, request their deletion, change its dates,
//! close it with its signed record. Each change is audited (intent first, then its outcome) and
//! is all or nothing.

use futures_util::StreamExt;

use super::record::{self, Head, MeetingPart};
use super::store::{self, OpenError};
use crate::domain::{
    day_of_ms, format_day, paused_days, AuditAction, Case, CaseState, CaseView, ListedRecording, MeetingId, MeetingList, NewCase, Outcome, Staff, MAX_CASE_MEETINGS,
};
use crate::error::{AppError, FieldError};
use crate::server::audit::{Completion, Intent};
use crate::server::bulk::store::{self as bulk_store, NewBatch, Preset};
use crate::server::evidence::signed::{sign, DELETION_RECORD};
use crate::server::state::AppState;
use crate::server::store::user_error;
use crate::server::vendor::errors::{to_app_error, Call};

/// Who asks, from where, in which request: what every audit entry of a change names.
pub struct Asker {
    pub staff: Staff,
    pub addr: String,
    pub request_id: String,
}

impl Asker {
    fn intent(&self, action: AuditAction, reason: Option<String>, detail: String) -> Intent {
        Intent {
            actor: Some(self.staff.clone()),
            claimed_user: None,
            client_addr: self.addr.clone(),
            action,
            meeting_id: None,
            reason,
            detail: Some(detail),
            request_id: self.request_id.clone(),
        }
    }
}

/// Vendor calls at once when a case lists its meetings.
const LISTING_CONCURRENCY: usize = 8;

async fn audited<T>(state: &AppState, intent: Intent, change: impl std::future::Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let entry = state.audit.begin(&intent).await.map_err(|_| AppError::AuditUnavailable { request_id: intent.request_id.clone() })?;
    let result = change.await;
    let done = match &result {
        Ok(_) => Completion::new(Outcome::Succeeded),
        Err(e @ (AppError::Invalid { .. } | AppError::CaseNotNow { .. })) => Completion::new(Outcome::Refused).error(e),
        Err(e) => Completion::new(Outcome::Failed).error(e),
    };
    state.audit.complete(&entry, &done).await;
    result
}

fn store_error<'a>(asker: &'a Asker, what: &'static str) -> impl FnOnce(sqlx::Error) -> AppError + 'a {
    move |e| {
        tracing::error!(error = %e, "{what}");
        user_error(&e, asker.request_id.clone())
    }
}

pub async fn find(state: &AppState, id: i64, request_id: &str) -> Result<Case, AppError> {
    store::find(&state.db, id)
        .await
        .map_err(|e| user_error(&e, request_id.to_owned()))?
        .ok_or_else(|| AppError::CaseNotFound { id: id.to_string() })
}

fn not_now(case: &Case, why: impl Into<String>) -> AppError {
    AppError::CaseNotNow { reference: case.reference.clone(), why: why.into() }
}

fn open_or_refuse(case: &Case) -> Result<(), AppError> {
    if case.state.is_closed() {
        return Err(not_now(case, format!("is {} already, so it cannot change.", case.state.label())));
    }
    Ok(())
}

pub async fn open(state: &AppState, asker: &Asker, new: NewCase) -> Result<i64, AppError> {
    let detail = format!("case {}: {}, received {}, due {}", new.reference, new.ground.label(), format_day(new.received), format_day(new.due));
    audited(state, asker.intent(AuditAction::OpenCase, Some(new.note.clone()).filter(|n| !n.is_empty()), detail), async {
        match store::create(&state.db, &new, &asker.staff, state.clock.now_ms()).await {
            Ok(id) => Ok(id),
            Err(OpenError::Exists(id)) => Err(AppError::invalid_field("reference", format!("Case #{id} has this reference already; open it instead."))),
            Err(OpenError::Store(e)) => Err(store_error(asker, "cannot open a case")(e)),
        }
    })
    .await
}

pub async fn view(state: &AppState, id: i64, request_id: &str) -> Result<CaseView, AppError> {
    let case = find(state, id, request_id).await?;
    let meetings = store::meetings(&state.db, id).await.map_err(|e| user_error(&e, request_id.to_owned()))?;
    let running = running(&meetings);
    let unrequested = meetings.iter().filter(|m| m.batch_id.is_none()).count();
    Ok(CaseView { case, meetings, today: day_of_ms(state.clock.now_ms()), running, unrequested })
}

/// Where meetings come from.
pub enum Source {
    /// Pasted or uploaded text.
    List { text: String, uploaded: bool },
    /// The meetings of an existing bulk batch.
    Batch(i64),
}

/// Adds meetings; a list with any line that is not a meeting id adds nothing.
pub async fn add_meetings(state: &AppState, asker: &Asker, id: i64, from: Source) -> Result<u64, AppError> {
    let case = find(state, id, &asker.request_id).await?;
    open_or_refuse(&case)?;
    let (ids, source, field): (Vec<MeetingId>, String, &str) = match from {
        Source::List { text, uploaded } => {
            let list = MeetingList::parse(&text);
            if let Some(why) = list.tracking_refusal() {
                return Err(AppError::invalid_field("ids", why.replace("nothing was tracked", "nothing was added")));
            }
            (list.ids.into_iter().map(|(_, m)| m).collect(), if uploaded { "uploaded" } else { "pasted" }.to_owned(), "ids")
        }
        Source::Batch(b) => {
            let items = bulk_store::items(&state.db, b).await.map_err(store_error(asker, "cannot read a batch"))?;
            if items.is_empty() {
                return Err(AppError::invalid_field("batch", format!("There is no bulk batch #{b} with meetings.")));
            }
            (items.into_iter().map(|i| i.meeting_id).collect(), format!("batch #{b}"), "batch")
        }
    };
    let had = store::meetings(&state.db, id).await.map_err(store_error(asker, "cannot read a case"))?.len();
    if had + ids.len() > MAX_CASE_MEETINGS {
        return Err(AppError::invalid_field(field, format!("A case holds {MAX_CASE_MEETINGS} meetings at most; it has {had}, and this adds {}.", ids.len())));
    }
    let detail = format!("case {}: {} meetings {source}", case.reference, ids.len());
    audited(state, asker.intent(AuditAction::AddCaseMeetings, None, detail), async {
        let added = store::add_meetings(&state.db, id, &ids, &asker.staff, &source, state.clock.now_ms()).await.map_err(store_error(asker, "cannot add meetings to a case"))?;
        // Named in a case: known to retention from now on.
        let _ = crate::server::retention::known::note(&state.db, &ids, crate::server::retention::known::Source::Bulk, None, state.clock.now_ms()).await;
        Ok(added)
    })
    .await
}

/// One bulk batch for the case's meetings not requested yet, requested as it is made: looked
/// up, then each meeting's deletion request made (with its approval and grace period).
pub async fn request_deletion(state: &AppState, asker: &Asker, id: i64) -> Result<i64, AppError> {
    let v = view(state, id, &asker.request_id).await?;
    let case = &v.case;
    open_or_refuse(case)?;
    let ids: Vec<MeetingId> = v.meetings.iter().filter(|m| m.batch_id.is_none()).map(|m| m.meeting_id.clone()).collect();
    if ids.is_empty() {
        let why = if v.meetings.is_empty() { "has no meetings yet: add them first." } else { "has no meeting left to request: each is in a deletion batch already." };
        return Err(not_now(case, why));
    }
    let reason = format!("Erasure case {} ({})", case.reference, case.ground.label());
    let text = ids.iter().map(MeetingId::as_str).collect::<Vec<_>>().join("\n");
    let list = MeetingList::parse(&text);
    let detail = format!("case {}: {} meetings", case.reference, ids.len());
    let batch = audited(state, asker.intent(AuditAction::RequestBulkDeletion, Some(reason.clone()), detail), async {
        store::mark_in_progress(&state.db, id).await.map_err(store_error(asker, "cannot change a case"))?;
        let preset = Preset { reason: &reason, requester: &asker.staff, requested_addr: &asker.addr, keep_after: None, case_id: Some(id) };
        let new = NewBatch { creator: &asker.staff, source_text: &text, list: &list, retry_of: None, now_ms: state.clock.now_ms(), start: true, preset: Some(&preset) };
        bulk_store::create(&state.db, &new).await.map_err(store_error(asker, "cannot make a case's batch"))
    })
    .await?;
    tracing::info!(case = id, batch, meetings = ids.len(), user = %asker.staff.username, "case deletion requested");
    state.bulk.wake.notify_one();
    Ok(batch)
}

/// A change of an open case's dates or pause.
pub enum Change {
    Verified(jiff::civil::Date),
    Extend { to: jiff::civil::Date, reason: String },
    Pause { reason: String },
    Resume,
    Refuse { reason: String },
}

pub async fn change(state: &AppState, asker: &Asker, id: i64, change: Change) -> Result<(), AppError> {
    let case = find(state, id, &asker.request_id).await?;
    open_or_refuse(&case)?;
    let now = state.clock.now_ms();
    let (action, reason, detail) = match &change {
        Change::Verified(d) => (AuditAction::ChangeCase, None, format!("case {}: identity verified {}", case.reference, format_day(*d))),
        Change::Extend { to, reason } => (AuditAction::ChangeCase, Some(reason.clone()), format!("case {}: extended to {}", case.reference, format_day(*to))),
        Change::Pause { reason } => (AuditAction::ChangeCase, Some(reason.clone()), format!("case {}: paused", case.reference)),
        Change::Resume => (AuditAction::ChangeCase, None, format!("case {}: resumed", case.reference)),
        Change::Refuse { reason } => (AuditAction::CloseCase, Some(reason.clone()), format!("case {}: refused", case.reference)),
    };
    if let Change::Verified(d) = &change {
        if *d < case.received || *d > day_of_ms(now) {
            return Err(AppError::invalid_field("verified", format!("Give a day from {} to today.", format_day(case.received))));
        }
    }
    if matches!(change, Change::Refuse { .. }) && running(&store::meetings(&state.db, id).await.map_err(store_error(asker, "cannot read a case"))?) > 0 {
        return Err(not_now(&case, "has deletions requested that have not finished: cancel them or wait, then refuse it."));
    }
    let db = &state.db;
    audited(state, asker.intent(action, reason, detail), async {
        let applied = match &change {
            Change::Verified(d) => store::set_verified(db, id, *d).await,
            Change::Extend { to, reason } => store::extend(db, id, *to, reason).await,
            Change::Pause { reason } => store::pause(db, id, reason, now).await,
            Change::Resume => match case.paused_since_ms {
                Some(since) => store::resume(db, id, since, paused_days(since, now)).await,
                None => Ok(false),
            },
            Change::Refuse { reason } => store::refuse(db, id, reason, &asker.staff.username, now).await,
        }
        .map_err(store_error(asker, "cannot change a case"))?;
        if applied {
            Ok(())
        } else {
            Err(not_now(&case, "changed meanwhile (someone else changed or closed it); look at it again."))
        }
    })
    .await
}

/// Meetings whose deletion is still under way.
fn running(meetings: &[crate::domain::CaseMeeting]) -> usize {
    meetings.iter().filter(|m| m.result.as_ref().is_some_and(|r| !r.is_final())).count()
}

/// Closes the case: every deletion has finished; each meeting is listed once more; done when
/// nothing is left, partly done otherwise; the signed record is kept with it.
pub async fn close(state: &AppState, asker: &Asker, id: i64) -> Result<CaseState, AppError> {
    let v = view(state, id, &asker.request_id).await?;
    let case = &v.case;
    open_or_refuse(case)?;
    if v.running > 0 {
        let n = v.running;
        return Err(not_now(case, format!("has {n} meeting{} whose deletion is still under way: close it when {} finished.", if n == 1 { "" } else { "s" }, if n == 1 { "it has" } else { "they have" })));
    }
    audited(state, asker.intent(AuditAction::CloseCase, None, format!("case {}: {} meetings", case.reference, v.meetings.len())), async {
        // Listed after, all before anything is written: a failure leaves the case as it was.
        let (client, clock) = (&state.client, &state.clock);
        let ids: Vec<MeetingId> = v.meetings.iter().map(|m| m.meeting_id.clone()).collect();
        let listings = futures_util::stream::iter(ids.into_iter().map(|m| async move {
            let now = clock.now_ms();
            client.list_recordings(&m).await.map(|rs| (ListedRecording::all(&rs), now))
        }))
        .buffered(LISTING_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
        let mut after = Vec::with_capacity(listings.len());
        for l in listings {
            after.push(l.map_err(|e| to_app_error(e, Call::ListRecordings, asker.request_id.clone()))?);
        }
        let before = store::listed_before(&state.db, id).await.map_err(store_error(asker, "cannot read a case's listings"))?;
        let mut requests = Vec::with_capacity(v.meetings.len());
        for m in &v.meetings {
            let rid = match &m.result {
                Some(crate::domain::ItemResult::Request { request_id, .. }) => Some(*request_id),
                _ => None,
            };
            let stored = match rid {
                Some(r) => crate::server::deletions::store::find(&state.db, r).await.map_err(store_error(asker, "cannot read a deletion request"))?,
                None => None,
            };
            requests.push(stored);
        }
        let parts: Vec<MeetingPart<'_>> = v
            .meetings
            .iter()
            .zip(&after)
            .zip(&requests)
            .map(|((m, (after, at)), request)| MeetingPart {
                meeting: m,
                before: before.get(&m.meeting_id).and_then(|(_, json)| serde_json::from_str(json).ok()),
                request: request.as_ref(),
                after,
                listed_after_ms: *at,
            })
            .collect();
        let state_now = if after.iter().all(|(a, _)| a.is_empty()) { CaseState::Done } else { CaseState::PartlyDone };
        let (seq, hash) = state.audit.head().await.map_err(store_error(asker, "cannot read the audit chain"))?;
        let now = state.clock.now_ms();
        let doc = record::build(case, &asker.staff.username, now, state_now, &parts, &Head { seq, hash }, &state.guard.public_origin);
        let file = sign(DELETION_RECORD, doc, &state.evidence);
        let after_json: Vec<(MeetingId, String)> =
            v.meetings.iter().zip(&after).map(|(m, (a, _))| (m.meeting_id.clone(), serde_json::to_string(a).unwrap_or_default())).collect();
        if !store::close(&state.db, id, state_now, &asker.staff.username, now, &file, &after_json).await.map_err(store_error(asker, "cannot close a case"))? {
            return Err(not_now(case, "was closed meanwhile by someone else."));
        }
        Ok(state_now)
    })
    .await
}

/// Field errors from a form, as the API answers them.
pub fn invalid(fields: Vec<FieldError>) -> AppError {
    AppError::Invalid { fields, message: None }
}
