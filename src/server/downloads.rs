//! Downloads and previews through the dashboard. A recording's presigned URL is a bearer
//! credential, so pages never carry it: they link here, and this checks the role, writes who
//! opened which recording to the audit log, asks the vendor for the recording's current link and
//! answers 303 to it (never cached, no Referer).

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use super::audit::{Completion, Intent};
use super::connectycube::AdminClient;
use super::error_page::error_response;
use super::state::AppState;
use crate::api::upstream::{to_app_error, Call};
use crate::domain::{MeetingId, Outcome, Permission, Recording, RecordingAccess, RecordingId};
use crate::error::AppError;

/// Previews of one recording by one person within this long share one audit entry: a player
/// asks for its file again on every seek and replay, and one entry says all there is to say.
pub const PREVIEW_ENTRY_COVERS_MS: i64 = 10 * 60 * 1000;

/// The recording as the vendor lists it now, with a link we may hand out.
pub async fn current_link(client: &AdminClient, meeting: &MeetingId, recording: &RecordingId, request_id: String) -> Result<Recording, AppError> {
    let all = client.list_recordings(meeting).await.map_err(|e| to_app_error(e, Call::ListRecordings, request_id))?;
    let found = all.into_iter().find(|r| r.id == recording.as_str());
    match found {
        None => Err(AppError::RecordingGone { recording_id: recording.to_string() }),
        Some(r) if r.download_url.is_empty() => Err(AppError::NoSafeLink { recording_id: recording.to_string() }),
        Some(r) => Ok(r),
    }
}

pub async fn download(state: State<AppState>, ids: Path<(String, String)>, req: Request) -> Response {
    serve(state, ids, RecordingAccess::Download, req).await
}

pub async fn preview(state: State<AppState>, ids: Path<(String, String)>, req: Request) -> Response {
    serve(state, ids, RecordingAccess::Preview, req).await
}

/// A bad id in the address, with its reason as the page's message.
fn invalid(field: &str, message: String) -> AppError {
    AppError::Invalid { fields: vec![crate::error::FieldError::new(field, message.clone())], message: Some(message) }
}

fn title(access: RecordingAccess) -> &'static str {
    match access {
        RecordingAccess::Download => "Download not started",
        RecordingAccess::Preview => "Preview not started",
        RecordingAccess::Share => "Link not shared",
    }
}

async fn serve(State(state): State<AppState>, Path((raw_meeting, raw_recording)): Path<(String, String)>, access: RecordingAccess, req: Request) -> Response {
    let request_id = super::http::request_id(req.headers());
    let page = |err: &AppError, back: Option<&str>| {
        let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_GATEWAY);
        match err.status() {
            500.. => tracing::warn!(%request_id, status = err.status(), error = %err, access = access.segment(), "recording not handed out"),
            _ => tracing::info!(%request_id, status = err.status(), error = %err, access = access.segment(), "recording not handed out"),
        }
        error_response(status, title(access), err, false, back.map(|b| (b, "Back to the meeting's recordings")))
    };
    let staff = match super::auth::guard::require_role(&state, &req, Permission::ViewRecordings) {
        Ok(staff) => staff,
        Err(refused) => return page(&refused.recorded(&state).await, None),
    };
    let meeting = match MeetingId::parse(&raw_meeting) {
        Ok(m) => m,
        Err(e) => return page(&invalid("meeting_id", e.to_string()), None),
    };
    let back = meeting.recordings_path();
    let recording = match RecordingId::parse(&raw_recording) {
        Ok(r) => r,
        Err(e) => return page(&invalid("recording_id", e.to_string()), Some(&back)),
    };
    let detail = RecordingAccess::audit_detail(&recording);
    let action = access.audit_action();
    let covered = access == RecordingAccess::Preview && {
        let since = crate::domain::now_unix() * 1000 - PREVIEW_ENTRY_COVERS_MS;
        // If this read fails, the write below fails too and says so.
        state.audit.has_recent(action, &staff.username, meeting.as_str(), &detail, since).await.unwrap_or(false)
    };
    let entry = if covered {
        None
    } else {
        let header = state.auth.client_ip_header.as_ref();
        let intent = Intent {
            actor: Some(staff.clone()),
            claimed_user: None,
            client_addr: super::client_addr::client_addr(req.headers(), req.extensions(), header),
            action,
            meeting_id: Some(meeting.to_string()),
            reason: None,
            detail: Some(detail),
            request_id: request_id.clone(),
        };
        match state.audit.begin(&intent).await {
            Ok(id) => Some(id),
            Err(_) => return page(&AppError::AccessNotRecorded { request_id: request_id.clone() }, Some(&back)),
        }
    };
    let found = current_link(&state.client, &meeting, &recording, request_id.clone()).await;
    let location = found.and_then(|r| {
        HeaderValue::from_str(&r.download_url).map_err(|_| AppError::NoSafeLink { recording_id: recording.to_string() })
    });
    let done = match &location {
        Ok(_) => Completion::new(Outcome::Succeeded),
        Err(e) => Completion::new(Outcome::Failed).error(e),
    };
    if let Some(id) = entry {
        state.audit.complete(id, &done).await;
    }
    match location {
        Ok(url) => {
            tracing::info!(meeting_id = %meeting, recording = %recording, user = %staff.username, access = access.segment(), "recording handed out");
            let mut res = Response::new(Body::empty());
            *res.status_mut() = StatusCode::SEE_OTHER;
            let h = res.headers_mut();
            h.insert(header::LOCATION, url);
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
            res
        }
        Err(e) => page(&e, Some(&back)),
    }
}
