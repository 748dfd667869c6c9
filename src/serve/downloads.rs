//! Downloads and previews through the dashboard. A recording's presigned URL is a bearer
//! credential, so pages never carry it: they link here, and this checks the role, writes who
//! opened which recording to the audit log, asks the vendor for the recording's current link and
//! answers 303 to it (never cached, no Referer).

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use crate::server::audit::{Completion, Intent};
use crate::server::http::error_page::error_response;
use crate::server::state::AppState;
use crate::domain::{MeetingId, Outcome, RecordingAccess, RecordingId};
use crate::error::AppError;
use crate::server::access::{need, Allowed};
use crate::server::http::protection::from_another_site;

/// Previews of one recording by one person within this long share one audit entry: a player
/// asks for its file again on every seek and replay, and one entry says all there is to say.
pub const PREVIEW_ENTRY_COVERS_MS: i64 = 10 * 60 * 1000;

pub async fn download(allowed: Allowed<need::ViewRecordings>, state: State<AppState>, ids: Path<(String, String)>, req: Request) -> Response {
    serve(allowed, state, ids, RecordingAccess::Download, req).await
}

pub async fn preview(allowed: Allowed<need::ViewRecordings>, state: State<AppState>, ids: Path<(String, String)>, req: Request) -> Response {
    serve(allowed, state, ids, RecordingAccess::Preview, req).await
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

async fn serve(Allowed { staff, .. }: Allowed<need::ViewRecordings>, State(state): State<AppState>, Path((raw_meeting, raw_recording)): Path<(String, String)>, access: RecordingAccess, req: Request) -> Response {
    let request_id = crate::server::http::request_id::request_id(req.headers());
    let page = |err: &AppError, back: Option<&str>| {
        let status = err.status_code();
        match err.status() {
            500.. => tracing::warn!(%request_id, status = err.status(), error = %err, access = access.segment(), "recording not handed out"),
            _ => tracing::info!(%request_id, status = err.status(), error = %err, access = access.segment(), "recording not handed out"),
        }
        error_response(status, title(access), err, false, back.map(|b| (b, "Back to the meeting's recordings")))
    };
    if from_another_site(req.headers()) {
        // Our own link to the same address goes on from here (same-origin, so it is taken).
        let err = AppError::FromAnotherSite;
        tracing::info!(%request_id, access = access.segment(), "recording link opened from another site; not handed out");
        let link = req.uri().path().to_owned();
        return error_response(err.status_code(), title(access), &err, false, Some((&link, "Open it here")));
    }
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
        let since = state.clock.now_ms() - PREVIEW_ENTRY_COVERS_MS;
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
            client_addr: crate::server::http::client_addr::client_addr(req.headers(), req.extensions(), header),
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
    let found = state.client.current_link(&meeting, &recording, request_id.clone()).await;
    let location = found.and_then(|r| {
        HeaderValue::from_str(&r.download_url).map_err(|_| AppError::NoSafeLink { recording_id: recording.to_string() })
    });
    let done = match &location {
        Ok(_) => Completion::new(Outcome::Succeeded),
        Err(e) => Completion::new(Outcome::Failed).error(e),
    };
    if let Some(id) = entry {
        state.audit.complete(&id, &done).await;
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
