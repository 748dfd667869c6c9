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

use crate::server::access::{need, Allowed};
use crate::server::state::AppState;
use crate::server::fn_context::log_failure;
use crate::api::recordings::RecordingList;
use crate::server::vendor::errors::{to_app_error, Call};
use crate::domain::MeetingId;
use crate::error::AppError;

pub const PATH: &str = "/api/recordings/list";

pub async fn list(_: Allowed<need::ViewRecordings>, State(state): State<AppState>, req: Request) -> Response {
    let request_id = crate::server::http::request_id::request_id(req.headers());
    let asked = asked(&req);
    match answer(&state, asked, &request_id).await {
        Ok(list) => json(StatusCode::OK, &list),
        Err(err) => {
            log_failure(&request_id, &err);
            json(err.status_code(), &err)
        }
    }
}

/// The meeting asked for (the role was checked first, by `Allowed`, as `list_recordings` does).
fn asked(req: &Request) -> Result<MeetingId, AppError> {
    let raw = req
        .uri()
        .query()
        .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(name, _)| name == "meeting_id"))
        .map(|(_, value)| value)
        .unwrap_or_default();
    MeetingId::parse(&raw).map_err(|e| AppError::invalid_field("meeting_id", e.to_string()))
}

async fn answer(state: &AppState, asked: Result<MeetingId, AppError>, request_id: &str) -> Result<RecordingList, AppError> {
    let id = asked?;
    match state.client.list_recordings(&id).await {
        Ok(all) => Ok(RecordingList::of(id, &all, state.clock.now_unix())),
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
