use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use crate::domain::{MeetingId, RecordingPage, RecordingRow};
use crate::error::AppError;

/// A meeting's recordings as of `fetched_at` (Unix seconds, the server's clock). The rows carry
/// no presigned links: files are handed out by the audited download address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordingList {
    pub meeting_id: MeetingId,
    pub recordings: Vec<RecordingRow>,
    pub fetched_at: i64,
}

/// One page of a meeting's recordings, for the recordings page. `sort`, `dir` and `page` are
/// the page's query string as typed; see `RecordingView::from_query`.
#[server(prefix = "/api", endpoint = "recordings/page", input = GetUrl)]
pub async fn recordings_page(
    meeting_id: String,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
) -> Result<RecordingPage, AppError> {
    let (staff, id, all) = fetch(&meeting_id).await?;
    note_opened(&staff, &id).await;
    let view = crate::domain::RecordingView::from_query(sort.as_deref(), dir.as_deref(), page.as_deref());
    Ok(RecordingPage::of(id, all, view, crate::domain::now_unix()))
}

/// What a deletion did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deleted {
    pub meeting_id: MeetingId,
    pub count: usize,
}


/// Who asks, which meeting, and everything the vendor lists for it.
#[cfg(feature = "ssr")]
async fn fetch(meeting_id: &str) -> Result<(crate::domain::Staff, MeetingId, Vec<crate::domain::Recording>), AppError> {
    use super::context::{fail, request_id, require, state};
    use super::upstream::{to_app_error, Call};
    let staff = require(crate::domain::Permission::ViewRecordings).await?;
    let id = super::context::parse_meeting_id(meeting_id)?;
    let recordings = state()?
        .client
        .list_recordings(&id)
        .await
        .map_err(|e| fail(to_app_error(e, Call::ListRecordings, request_id())))?;
    Ok((staff, id, recordings))
}

/// Puts the meeting on the person's "opened recently" list. The page does not depend on it, so
/// a failure is logged and the page still shows.
#[cfg(feature = "ssr")]
async fn note_opened(staff: &crate::domain::Staff, id: &MeetingId) {
    let Ok(state) = super::context::state() else { return };
    if let Err(e) = crate::server::opened_meetings::record(&state.db, &staff.username, id.as_str(), crate::server::audit::now_ms()).await {
        tracing::warn!(error = %e, meeting_id = %id, "cannot note an opened meeting");
    }
}

#[server(prefix = "/api", endpoint = "recordings/list", input = GetUrl)]
pub async fn list_recordings(meeting_id: String) -> Result<RecordingList, AppError> {
    let (_, id, all) = fetch(&meeting_id).await?;
    Ok(RecordingList { meeting_id: id, recordings: all.into_iter().map(RecordingRow::from).collect(), fetched_at: crate::domain::now_unix() })
}

/// Deletes every recording of the meeting. `expected_count` is what the user saw when they
/// confirmed: if the list changed since, nothing is deleted and they are asked again.
#[server(prefix = "/api", endpoint = "recordings/delete")]
pub async fn delete_recordings(meeting_id: String, expected_count: String, reason: String) -> Result<Deleted, AppError> {
    use super::context::{begin_change, fail, intent, request_id, require_on, state};
    use super::upstream::{to_app_error, Call};
    use crate::domain::{AuditAction, Outcome, Permission};
    use crate::error::FieldError;
    use crate::server::audit::Completion;
    let id = super::context::parse_meeting_id(&meeting_id)?;
    let staff = require_on(Permission::DeleteRecordings, Some(&id)).await?;
    let mut fields = Vec::new();
    let reason = crate::domain::required_reason(&reason).unwrap_or_else(|m| {
        fields.push(FieldError::new("reason", m));
        String::new()
    });
    let expected: Option<usize> = expected_count.trim().parse().ok();
    if expected.is_none() {
        fields.push(FieldError::new("expected_count", "The confirmation is missing the number of recordings."));
    }
    if !fields.is_empty() {
        return Err(fail(AppError::Invalid { fields, message: None }));
    }
    let expected = expected.unwrap_or_default();
    let state = state()?;
    let mut entry = intent(AuditAction::DeleteRecordings, Some(staff.clone()), Some(id.to_string()), Some(reason));
    entry.detail = Some(format!("confirmed {expected} recording{}", if expected == 1 { "" } else { "s" }));
    let audit_id = begin_change(&state, &entry).await?;
    let failed = |e: crate::domain::UpstreamError, call: Call| {
        let vendor_status = e.status();
        let err = fail(to_app_error(e, call, request_id()));
        let outcome = if matches!(err, AppError::OutcomeUnknown { .. }) { Outcome::Unknown } else { Outcome::Failed };
        (err, Completion { vendor_status, ..Completion::new(outcome) })
    };
    let current = match state.client.list_recordings(&id).await {
        Ok(c) => c,
        Err(e) => {
            let (err, done) = failed(e, Call::ListRecordings);
            state.audit.complete(audit_id, &done.error(&err)).await;
            return Err(err);
        }
    };
    if current.len() != expected {
        let err = fail(AppError::ListChanged { expected, found: current.len() });
        state.audit.complete(audit_id, &Completion::new(Outcome::Failed).error(&err)).await;
        return Err(err);
    }
    // Checked last, just before the vendor is asked, so a hold placed meanwhile still counts.
    match crate::server::legal_holds::find(&state.db, &id).await {
        Ok(None) => {}
        Ok(Some(hold)) => {
            let err = fail(AppError::OnLegalHold { detail: hold.describe() });
            state.audit.complete(audit_id, &Completion::new(Outcome::Refused).error(&err)).await;
            return Err(err);
        }
        Err(e) => {
            let err = super::context::store_failed("cannot read a legal hold")(e);
            state.audit.complete(audit_id, &Completion::new(Outcome::Failed).error(&err)).await;
            return Err(err);
        }
    }
    let count = current.len();
    match state.client.delete_recordings(&id).await {
        Ok(reply) => {
            let done = Completion {
                vendor_status: Some(reply.status),
                deleted_count: Some(u32::try_from(count).unwrap_or(u32::MAX)),
                ..Completion::new(Outcome::Succeeded)
            };
            state.audit.complete(audit_id, &done).await;
        }
        Err(e) => {
            let (err, done) = failed(e, Call::DeleteRecordings);
            state.audit.complete(audit_id, &done.error(&err)).await;
            return Err(err);
        }
    }
    tracing::info!(meeting_id = %id, count, user = %staff.username, "recordings deleted");
    leptos_axum::redirect(&format!("{}?deleted={count}", id.recordings_path()));
    Ok(Deleted { meeting_id: id, count })
}
