//! Downloads and previews through the dashboard. A recording's presigned URL is a bearer
//! credential, so pages never carry it: they link here, and this checks the role, writes who
//! opened which recording to the audit log and asks the vendor for the recording's current link.
//! A preview answers 303 to it; a download passes the file through, named for people.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use crate::server::audit::{Completion, Intent};
use crate::server::http::error_page::error_response;
use crate::server::state::AppState;
use crate::domain::{download_name, MeetingId, Outcome, Recording, RecordingAccess, RecordingId};
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
    let answer = match found {
        Err(e) => Err(e),
        Ok(r) if access == RecordingAccess::Download => relayed(&state, &meeting, &recording, &r, req.headers().get(header::RANGE)).await,
        Ok(r) => redirect(&r.download_url, &recording),
    };
    let done = match &answer {
        Ok(_) => Completion::new(Outcome::Succeeded),
        Err(e) => Completion::new(Outcome::Failed).error(e),
    };
    if let Some(id) = entry {
        state.audit.complete(&id, &done).await;
    }
    match answer {
        Ok(res) => {
            tracing::info!(meeting_id = %meeting, recording = %recording, user = %staff.username, access = access.segment(), "recording handed out");
            res
        }
        Err(e) => page(&e, Some(&back)),
    }
}

/// A preview: 303 to the storage's link itself (never cached, no Referer), which a player
/// seeks in with ranges.
fn redirect(link: &str, recording: &RecordingId) -> Result<Response, AppError> {
    let url = HeaderValue::from_str(link).map_err(|_| AppError::NoSafeLink { recording_id: recording.to_string() })?;
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::SEE_OTHER;
    let h = res.headers_mut();
    h.insert(header::LOCATION, url);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok(res)
}

/// A download: the file passed through from the storage, named `meeting-<id>-<created>.<ext>`
/// (see `server::recordings::relay` for why and within which limits).
async fn relayed(state: &AppState, meeting: &MeetingId, recording: &RecordingId, r: &Recording, range: Option<&HeaderValue>) -> Result<Response, AppError> {
    use crate::server::recordings::relay::RelayError;
    let failed = |detail: String| AppError::StorageFailed { recording_id: recording.to_string(), detail };
    let got = state.relay.fetch(&r.download_url, range).await.map_err(|e| match e {
        RelayError::Busy => AppError::DownloadsBusy { at_once: state.relay.limits().at_once as u32 },
        RelayError::NotStorage => failed("is not where ConnectyCube's link points (it is outside MEDIA_ORIGINS)".to_owned()),
        RelayError::Unreachable(why) => failed(format!("did not answer ({why})")),
        RelayError::Refused(status) => failed(format!("refused the file (HTTP {status})")),
    })?;
    // Hex, digits, '-', '_' and an alphanumeric extension: nothing to quote or escape.
    let name = download_name(meeting, r.created_unix(), recording.as_str(), &got.extension);
    let mut res = Response::new(got.body);
    *res.status_mut() = got.status;
    let h = res.headers_mut();
    h.extend(got.headers);
    h.entry(header::CONTENT_TYPE).or_insert(HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).map_err(|_| failed("sent a name that cannot be used".to_owned()))?);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok(res)
}
