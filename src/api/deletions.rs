//! Deletion requests over HTTP: confirming a deletion makes a request (run at once when there is
//! no grace period and no approval); the requester or anyone allowed to delete cancels it; a
//! second person approves or rejects it. Every step is an audit entry.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use crate::domain::{DeletionRequest, MeetingId};
use crate::error::AppError;

/// A request as one person sees it: what they may do with it, and the server's time to count
/// down from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionView {
    pub request: DeletionRequest,
    pub now_ms: i64,
    pub may_cancel: bool,
    pub may_decide: bool,
    /// The viewer asked for it (so they may not approve it).
    pub own: bool,
}

/// The Deletions page's rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionList {
    pub rows: Vec<DeletionView>,
    pub approval_required: bool,
}

/// What confirming a deletion did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Requested {
    /// No grace period and no approval: deleted at once.
    Deleted { meeting_id: MeetingId, count: u64 },
    /// Waiting (for approval, then the grace period).
    Open { meeting_id: MeetingId, request_id: i64 },
}

/// How many rows the Deletions page lists at most.
pub const DELETIONS_LISTED: i64 = 200;

/// Confirms the deletion of every recording of the meeting. `expected_count` and `fingerprint`
/// are what the person saw: if the recordings differ by the time the vendor would be asked,
/// nothing is deleted and they are asked to confirm again.
#[server(prefix = "/api", endpoint = "recordings/delete")]
pub async fn request_deletion(
    meeting_id: String,
    expected_count: String,
    reason: String,
    fingerprint: Option<String>,
) -> Result<Requested, AppError> {
    server::request(&meeting_id, &expected_count, &reason, fingerprint.as_deref()).await
}

/// The meeting's open deletion request, if any (the recordings page states it).
#[server(prefix = "/api", endpoint = "deletions/open", input = GetUrl)]
pub async fn open_deletion(meeting_id: String) -> Result<Option<DeletionView>, AppError> {
    server::open(&meeting_id).await
}

/// Requests, open ones first, filtered by state and meeting (the Deletions page).
#[server(prefix = "/api", endpoint = "deletions/list", input = GetUrl)]
pub async fn deletion_requests(state: Option<String>, meeting: Option<String>) -> Result<DeletionList, AppError> {
    server::list(state.as_deref(), meeting.as_deref()).await
}

/// Requests waiting for the signed-in person's approval (none for those who may not delete, and
/// never their own): the home page lists them.
#[server(prefix = "/api", endpoint = "deletions/awaiting", input = GetUrl)]
pub async fn awaiting_my_approval() -> Result<Vec<DeletionView>, AppError> {
    server::awaiting().await
}

/// The signed-in person's own requests of the last 30 days, newest first (10 at most), or on one
/// meeting only: so a requester learns of a rejection where they look.
#[server(prefix = "/api", endpoint = "deletions/mine", input = GetUrl)]
pub async fn my_deletions(meeting_id: Option<String>) -> Result<Vec<DeletionView>, AppError> {
    server::mine(meeting_id.as_deref()).await
}

/// Where one request stands, in a word (`scheduled`, `running`, `done`…): what a page waiting
/// for it polls, to reload when it moves.
#[server(prefix = "/api", endpoint = "deletions/state", input = GetUrl)]
pub async fn deletion_state(request_id: String) -> Result<String, AppError> {
    server::one(&request_id).await.map(|v| v.request.state.as_str().to_owned())
}

#[server(prefix = "/api", endpoint = "deletions/one", input = GetUrl)]
pub async fn find_deletion(request_id: String) -> Result<DeletionView, AppError> {
    server::one(&request_id).await
}

/// Cancels an open request. `from` says where the person came from (`meeting`, `list` or
/// `request`), to go back there.
#[server(prefix = "/api", endpoint = "deletions/cancel")]
pub async fn cancel_deletion(request_id: String, from: Option<String>) -> Result<(), AppError> {
    server::cancel(&request_id, from.as_deref()).await
}

/// Approves a request awaiting approval; its grace period starts now.
#[server(prefix = "/api", endpoint = "deletions/approve")]
pub async fn approve_deletion(request_id: String, comment: Option<String>) -> Result<(), AppError> {
    server::decide(&request_id, comment.as_deref().unwrap_or_default(), true).await
}

/// Rejects a request awaiting approval, saying why.
#[server(prefix = "/api", endpoint = "deletions/reject")]
pub async fn reject_deletion(request_id: String, comment: String) -> Result<(), AppError> {
    server::decide(&request_id, &comment, false).await
}

#[cfg(feature = "ssr")]
mod server {
    use super::{DeletionList, DeletionView, Requested, DELETIONS_LISTED};
    use crate::server::fn_context::{begin_change, client_addr, fail, intent, parse_comment, parse_meeting_id, parse_number, request_id, require, require_on, state, store_failed};
    use crate::server::vendor::errors::{to_app_error, Call};
    use crate::domain::{fingerprint as fingerprint_of, required_reason, same_person, AuditAction, DeletionFilter, DeletionState, MeetingId, Outcome, Permission, RecordingSummary, Staff};
    use crate::error::{AppError, FieldError};
    use crate::server::audit::{Completion, EntryId};
    use crate::server::deletions::run::{run, Ran, RunContext};
    use crate::server::deletions::open::{open as open_request, runs_at_once, Asker, Opening};
    use crate::server::deletions::store::{self, CreateError, Start, Stored};
    use crate::server::access::second_person;
    use crate::server::state::AppState;

    fn view(staff: &Staff, r: crate::domain::DeletionRequest, now_ms: i64) -> DeletionView {
        let own = same_person(&r.requested_by, &staff.username);
        DeletionView {
            may_cancel: matches!(r.state, DeletionState::AwaitingApproval | DeletionState::Scheduled)
                && (own || staff.may(Permission::DeleteRecordings)),
            may_decide: staff.may(Permission::DeleteRecordings) && r.may_be_decided_by(&staff.username),
            own,
            request: r,
            now_ms,
        }
    }

    fn parse_request_id(raw: &str) -> Result<i64, AppError> {
        parse_number(raw, "request_id", "A deletion request is named by its number, such as 12.")
    }

    async fn find(state: &AppState, raw_id: &str) -> Result<Stored, AppError> {
        let id = parse_request_id(raw_id)?;
        match store::find(&state.db, id).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(fail(AppError::DeletionNotFound { id: id.to_string() })),
            Err(e) => Err(store_failed("cannot read a deletion request")(e)),
        }
    }

    /// The audit entry of a step on request `r` by `staff`, naming the request and its requester.
    fn step_intent(action: AuditAction, staff: &Staff, r: &crate::domain::DeletionRequest, reason: Option<String>) -> crate::server::audit::Intent {
        let mut entry = intent(action, Some(staff.clone()), Some(r.meeting_id.to_string()), reason);
        entry.detail = Some(format!("request #{} by {}: {}", r.id, r.requested_by, r.what_goes()));
        entry
    }

    pub async fn request(meeting_id: &str, expected_count: &str, reason: &str, fingerprint: Option<&str>) -> Result<Requested, AppError> {
        let id = parse_meeting_id(meeting_id)?;
        let staff = require_on(Permission::DeleteRecordings, Some(&id)).await?;
        let mut fields = Vec::new();
        let reason = required_reason(reason).unwrap_or_else(|m| {
            fields.push(FieldError::new("reason", m));
            String::new()
        });
        let expected: Option<u64> = expected_count.trim().parse().ok();
        if expected.is_none() {
            fields.push(FieldError::new("expected_count", "The confirmation is missing the number of recordings."));
        }
        let fingerprint = fingerprint.map(str::trim).filter(|f| !f.is_empty());
        if fingerprint.is_some_and(|f| f.len() != 16 || !f.bytes().all(|b| b.is_ascii_hexdigit())) {
            fields.push(FieldError::new("fingerprint", "The confirmation is damaged: open it again."));
        }
        if !fields.is_empty() {
            return Err(fail(AppError::Invalid { fields, message: None }));
        }
        let expected = expected.unwrap_or_default();
        let state = state()?;
        let immediate = runs_at_once(&state.work());
        let action = if immediate { AuditAction::DeleteRecordings } else { AuditAction::RequestDeletion };
        let plural = if expected == 1 { "" } else { "s" };
        let mut entry = intent(action, Some(staff.clone()), Some(id.to_string()), Some(reason.clone()));
        entry.detail = Some(format!("confirmed {expected} recording{plural}"));
        match crate::server::meetings::holds::find(&state.db, &id).await {
            Ok(None) => {}
            Ok(Some(hold)) => {
                let err = fail(AppError::OnLegalHold { detail: hold.describe() });
                state.audit.record(&entry, &Completion::new(Outcome::Refused).error(&err)).await;
                return Err(err);
            }
            Err(e) => return Err(store_failed("cannot read a legal hold")(e)),
        }
        let opening = Opening {
            meeting_id: id.clone(),
            reason,
            requester: staff.clone(),
            requested_addr: client_addr(),
            expected_count: expected,
            listed: None,
            fingerprint: fingerprint.map(str::to_ascii_lowercase),
            batch_id: None,
        };
        if immediate {
            return run_now(&state, opening, &entry).await;
        }
        // Held for later: what goes is listed now, so the request can say it and the page can
        // refuse a list that already changed.
        let audit = begin_change(&state, &entry).await?;
        let refuse = |err: AppError, outcome: Outcome| {
            let (state, audit) = (state.clone(), audit.clone());
            async move {
                state.audit.complete(&audit, &Completion::new(outcome).error(&err)).await;
                Err(err)
            }
        };
        let current = match state.client.list_recordings(&id).await {
            Ok(c) => c,
            Err(e) => return refuse(fail(to_app_error(e, Call::ListRecordings, request_id())), Outcome::Failed).await,
        };
        let found = current.len();
        if found == 0 {
            return refuse(fail(AppError::NothingToDelete), Outcome::Refused).await;
        }
        let now_print = fingerprint_of(current.iter().map(|r| r.id.as_str()));
        if u64::try_from(found).ok() != Some(expected) {
            return refuse(fail(AppError::ListChanged { expected: expected as usize, found }), Outcome::Failed).await;
        }
        if opening.fingerprint.as_ref().is_some_and(|f| *f != now_print) {
            return refuse(fail(AppError::RecordingsReplaced { count: found }), Outcome::Failed).await;
        }
        let opening = Opening { listed: Some(RecordingSummary::of(&current)), ..opening };
        let request_id = match open_request(&state.work(), opening, Asker::Person).await {
            Ok((rid, _)) => rid,
            Err(CreateError::AlreadyOpen(open)) => {
                let detail = open.map(|o| o.status_line(state.clock.now_ms(), &crate::domain::Zone::utc())).unwrap_or_else(|| "another request".to_owned());
                return refuse(fail(AppError::DeletionAlreadyOpen { detail }), Outcome::Refused).await;
            }
            Err(CreateError::Store(e)) => {
                let err = store_failed("cannot store a deletion request")(e);
                state.audit.complete(&audit, &Completion::new(Outcome::Failed).error(&err)).await;
                return Err(err);
            }
        };
        state.audit.complete(&audit, &Completion::new(Outcome::Succeeded)).await;
        tracing::info!(request = request_id, meeting_id = %id, user = %staff.username, approval = state.deletions.policy.approval_required, "deletion requested");
        leptos_axum::redirect(&format!("{}?requested={request_id}", id.recordings_path()));
        Ok(Requested::Open { meeting_id: id, request_id })
    }

    /// No grace period and no approval: the request is made already claimed by this replica and
    /// run in this request, as deleting always did.
    async fn run_now(state: &AppState, opening: Opening, entry: &crate::server::audit::Intent) -> Result<Requested, AppError> {
        let id = opening.meeting_id.clone();
        let (rid, owner) = match open_request(&state.work(), opening, Asker::Person).await {
            Ok((rid, Start::Running { owner, .. })) => (rid, owner),
            Ok((rid, start)) => {
                tracing::error!(request = rid, ?start, "a deletion to run at once was opened to wait; the worker runs it");
                return Err(fail(AppError::Internal { request_id: request_id() }));
            }
            Err(CreateError::AlreadyOpen(open)) => {
                let detail = open.map(|o| o.status_line(state.clock.now_ms(), &crate::domain::Zone::utc())).unwrap_or_else(|| "another request".to_owned());
                let err = fail(AppError::DeletionAlreadyOpen { detail });
                state.audit.record(entry, &Completion::new(Outcome::Refused).error(&err)).await;
                return Err(err);
            }
            Err(CreateError::Store(e)) => return Err(store_failed("cannot store a deletion request")(e)),
        };
        let ctx = RunContext { owner, request_id: request_id(), client_addr: entry.client_addr.clone(), background: false };
        match run(&state.work(), rid, &ctx).await {
            Ran::Deleted { count } => {
                leptos_axum::redirect(&format!("{}?deleted={count}", id.recordings_path()));
                Ok(Requested::Deleted { meeting_id: id, count })
            }
            Ran::Changed(e) | Ran::Waiting(e) | Ran::Failed(e) | Ran::Unknown(e) | Ran::NotRun(e) | Ran::RetryAt { error: e, .. } => Err(fail(e)),
        }
    }

    pub async fn open(meeting_id: &str) -> Result<Option<DeletionView>, AppError> {
        let staff = require(Permission::ViewRecordings).await?;
        let id: MeetingId = parse_meeting_id(meeting_id)?;
        let now = state()?.clock.now_ms();
        let open = crate::server::fn_context::meeting_rows(&id).await?.open.clone();
        Ok(open.map(|r| view(&staff, r, now)))
    }

    pub async fn list(state_filter: Option<&str>, meeting: Option<&str>) -> Result<DeletionList, AppError> {
        let staff = require(Permission::DeleteRecordings).await?;
        let filter = DeletionFilter::from_query(state_filter, meeting).map_err(|m| fail(AppError::invalid_field("meeting", m)))?;
        let state = state()?;
        let rows = store::list(&state.db, &filter, DELETIONS_LISTED).await.map_err(store_failed("cannot list deletion requests"))?;
        let now = state.clock.now_ms();
        let rows = rows.into_iter().map(|r| view(&staff, r, now)).collect();
        Ok(DeletionList { rows, approval_required: state.deletions.policy.approval_required })
    }

    pub async fn awaiting() -> Result<Vec<DeletionView>, AppError> {
        let staff = require(Permission::ViewRecordings).await?;
        if !staff.may(Permission::DeleteRecordings) {
            return Ok(Vec::new());
        }
        let state = state()?;
        let filter = DeletionFilter { state: Some(DeletionState::AwaitingApproval), meeting_id: None };
        let rows = store::list(&state.db, &filter, DELETIONS_LISTED).await.map_err(store_failed("cannot list deletion requests"))?;
        let now = state.clock.now_ms();
        Ok(rows.into_iter().map(|r| view(&staff, r, now)).filter(|v| v.may_decide).collect())
    }

    pub async fn mine(meeting: Option<&str>) -> Result<Vec<DeletionView>, AppError> {
        let staff = require(Permission::ViewRecordings).await?;
        let meeting = meeting.map(str::trim).filter(|m| !m.is_empty()).map(crate::server::fn_context::parse_meeting_id).transpose()?;
        let state = state()?;
        let now = state.clock.now_ms();
        let rows = store::by_requester(&state.db, &staff.username, now - 30 * 86_400_000, 50).await.map_err(store_failed("cannot list deletion requests"))?;
        Ok(rows.into_iter().filter(|r| meeting.as_ref().is_none_or(|m| r.meeting_id == *m)).take(10).map(|r| view(&staff, r, now)).collect())
    }

    /// The same rule as the list: a request by number names its requester and their reason,
    /// which a meeting's own page shows only while the request is open.
    pub async fn one(raw_id: &str) -> Result<DeletionView, AppError> {
        let staff = require(Permission::DeleteRecordings).await?;
        let state = state()?;
        let s = find(&state, raw_id).await?;
        Ok(view(&staff, s.request, state.clock.now_ms()))
    }

    fn closed(r: &crate::domain::DeletionRequest, action: &str) -> AppError {
        match r.state {
            DeletionState::Running => AppError::DeletionRunning { id: r.id },
            s => AppError::DeletionClosed { id: r.id, state: s.label().to_owned(), action: action.to_owned() },
        }
    }

    /// Writes the step's audit entry around `change`, which says whether the store took it.
    async fn step(
        state: &AppState,
        staff: &Staff,
        s: &Stored,
        action: AuditAction,
        reason: Option<String>,
        verb: &str,
        change: impl std::future::Future<Output = Result<bool, sqlx::Error>>,
    ) -> Result<(), AppError> {
        let r = &s.request;
        let audit: EntryId = begin_change(state, &step_intent(action, staff, r, reason)).await?;
        let err = match change.await {
            Ok(true) => {
                state.audit.complete(&audit, &Completion::new(Outcome::Succeeded)).await;
                tracing::info!(request = r.id, user = %staff.username, step = action.as_str(), "deletion request changed");
                return Ok(());
            }
            Ok(false) => {
                // Lost a race (a worker claimed it, someone else decided, it expired): say what it is now.
                let now = store::find(&state.db, r.id).await.ok().flatten().map(|s| s.request).unwrap_or_else(|| r.clone());
                fail(closed(&now, verb))
            }
            Err(e) => store_failed("cannot change a deletion request")(e),
        };
        let outcome = if matches!(err, AppError::DeletionClosed { .. } | AppError::DeletionRunning { .. }) { Outcome::Refused } else { Outcome::Failed };
        state.audit.complete(&audit, &Completion::new(outcome).error(&err)).await;
        Err(err)
    }

    pub async fn cancel(raw_id: &str, from: Option<&str>) -> Result<(), AppError> {
        let staff = require(Permission::ViewRecordings).await?;
        let state = state()?;
        let s = find(&state, raw_id).await?;
        let r = &s.request;
        if !same_person(&r.requested_by, &staff.username) {
            // Anyone else needs the right to delete (refused and audited otherwise).
            require_on(Permission::DeleteRecordings, Some(&r.meeting_id)).await?;
        }
        if !matches!(r.state, DeletionState::AwaitingApproval | DeletionState::Scheduled) {
            let err = fail(closed(r, "cancelled"));
            state.audit.record(&step_intent(AuditAction::CancelDeletion, &staff, r, None), &Completion::new(Outcome::Refused).error(&err)).await;
            return Err(err);
        }
        let now = state.clock.now_ms();
        step(&state, &staff, &s, AuditAction::CancelDeletion, None, "cancelled", store::cancel(&state.db, r.id, &staff.username, now)).await?;
        let to = match from {
            Some("list") => format!("/deletions?cancelled={}", r.id),
            Some("request") => format!("{}?cancelled=1", r.path()),
            _ => format!("{}?cancelled={}", r.meeting_id.recordings_path(), r.id),
        };
        leptos_axum::redirect(&to);
        Ok(())
    }

    pub async fn decide(raw_id: &str, raw_comment: &str, approve: bool) -> Result<(), AppError> {
        let staff = require(Permission::DeleteRecordings).await?;
        let state = state()?;
        let s = find(&state, raw_id).await?;
        let r = &s.request;
        let comment = parse_comment(raw_comment, !approve)?;
        let action = if approve { AuditAction::ApproveDeletion } else { AuditAction::RejectDeletion };
        let verb = if approve { "approved" } else { "rejected" };
        let refuse = |err: AppError| async {
            let err = fail(err);
            state.audit.record(&step_intent(action, &staff, r, comment.clone()), &Completion::new(Outcome::Refused).error(&err)).await;
            Err(err)
        };
        // One person under two names (a local account linked to a gateway identity) is one
        // person; where both ways of signing in are on, an unlinked local account may be anyone.
        let second = second_person::check(&state, &r.requested_by, r.requested_method, &staff, store_failed("cannot read the accounts' links"));
        if let Err(err) = second.await {
            tracing::warn!(request = r.id, user = %staff.username, error = %err, "refused: not shown to be a second person");
            return refuse(err).await;
        }
        let now = state.clock.now_ms();
        if r.state != DeletionState::AwaitingApproval {
            return refuse(closed(r, verb)).await;
        }
        if approve && r.expires_at_ms.is_some_and(|t| t <= now) {
            return refuse(AppError::DeletionClosed { id: r.id, state: DeletionState::Expired.label().to_owned(), action: verb.to_owned() }).await;
        }
        let due = approve.then(|| now + state.deletions.policy.grace.as_millis() as i64);
        let change = store::decide(&state.db, r.id, &staff, comment.as_deref(), now, due);
        step(&state, &staff, &s, action, comment.clone(), verb, change).await?;
        if approve {
            // Due now when there is no grace period: this replica's worker runs it at once.
            state.deletions.wake.notify_one();
        }
        leptos_axum::redirect(&format!("{}?{verb}=1", r.path()));
        Ok(())
    }
}
