//! `GET /api/recordings/list?meeting_id=…`: the `list_recordings` server function's answer,
//! served by a plain handler. It is the proxy hop (one vendor call per request), and Leptos'
//! setup of a server function (an owner with its contexts, a copy of the request's head, the
//! argument and reply codecs) was a seventh of its CPU (BENCHMARKS.md). The server function
//! stays, for the pages that call it while rendering; this address is served here only.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Serialize;

use super::auth::guard::{require_role, Refused};
use super::state::AppState;
use crate::api::context::log_failure;
use crate::api::recordings::RecordingList;
use crate::api::upstream::{to_app_error, Call};
use crate::domain::{MeetingId, Permission};
use crate::error::AppError;

pub const PATH: &str = "/api/recordings/list";

pub async fn list(State(state): State<AppState>, req: Request) -> Response {
    let request_id = super::http::request_id(req.headers());
    let asked = asked(&state, &req);
    match answer(&state, asked, &request_id).await {
        Ok(list) => json(StatusCode::OK, &list),
        Err(err) => {
            log_failure(&request_id, &err);
            json(StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), &err)
        }
    }
}

/// What `list_recordings` checks, in its order: the role, then the meeting id. Sync: no
/// borrowed request is held over an await.
fn asked(state: &AppState, req: &Request) -> Result<MeetingId, Refused> {
    require_role(state, req, Permission::ViewRecordings)?;
    let raw = req
        .uri()
        .query()
        .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(name, _)| name == "meeting_id"))
        .map(|(_, value)| value)
        .unwrap_or_default();
    Ok(MeetingId::parse(&raw).map_err(|e| AppError::invalid_field("meeting_id", e.to_string()))?)
}

async fn answer(state: &AppState, asked: Result<MeetingId, Refused>, request_id: &str) -> Result<RecordingList, AppError> {
    let id = match asked {
        Ok(id) => id,
        Err(refused) => return Err(refused.recorded(state).await),
    };
    match state.client.list_recordings(&id).await {
        Ok(all) => Ok(RecordingList::of(id, &all)),
        Err(e) => Err(to_app_error(e, Call::ListRecordings, request_id.to_owned())),
    }
}

fn json(status: StatusCode, value: &impl Serialize) -> Response {
    let (status, body) = match serde_json::to_vec(value) {
        Ok(body) => (status, body),
        Err(e) => {
            // Nothing here fails to serialize; should it ever, the answer still says so plainly.
            tracing::error!(error = %e, "cannot write the recordings list as JSON");
            (StatusCode::INTERNAL_SERVER_ERROR, br#"{"kind":"internal","request_id":"-"}"#.to_vec())
        }
    };
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}
