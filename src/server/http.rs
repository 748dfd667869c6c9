//! `build_router`: the whole app as one axum `Router`, used by `main` and by the tests.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderName, Request, Response, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Extension, Json, Router};
use axum::middleware;
use leptos::nonce::Nonce;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list_with_exclusions, LeptosRoutes};
use serde_json::json;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use super::auth::guard::CspNonce;
use super::finishing::FinishingLayer;
use super::auth::{session, CurrentStaff};
use super::store::sessions::Sessions;
use super::mock_upstream;
use super::state::AppState;
use crate::api::upstream::{to_app_error, Call};
use crate::app::{shell, App};
use crate::domain::{self, MeetingId, Permission};
use crate::error::AppError;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request's id, which `SetRequestIdLayer` gives every request before anything else runs:
/// error messages quote it and log lines carry it. "-" should a request somehow have none.
pub fn request_id(headers: &HeaderMap) -> String {
    headers.get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned()
}
/// Forms here are small; anything bigger is refused before it is parsed.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How often each replica deletes expired sessions (any replica may; the delete is idempotent).
const SESSION_CLEANUP_EVERY: Duration = Duration::from_secs(10 * 60);

/// Builds the app, and starts what runs beside it: the expired-session cleanup and the
/// deletion worker.
pub async fn build_router(state: AppState) -> Result<Router, String> {
    build_router_with(state, Background::All).await
}

/// What runs beside the router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Background {
    All,
    /// No deletion or bulk worker: tests that drive `deletions::worker::tick` and
    /// `bulk::worker::tick` by hand, so that no second worker takes a step from under them.
    NoDeletionWorker,
}

/// The app's routes, worked out once per process. Generating them sets a process-wide flag that
/// leaves any resource first polled meanwhile pending for good (leptos#4773): harmless at start,
/// but the integration suite starts servers while others serve, and one page in a few hundred
/// never answered. `/api/recordings/list` is left to `recordings_json`.
fn routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list_with_exclusions(App, Some(vec![super::recordings_json::PATH.to_owned()]))).clone()
}

pub async fn build_router_with(state: AppState, background: Background) -> Result<Router, String> {
    let routes = routes();
    let leptos_options = state.leptos_options.clone();
    let context_state = state.clone();
    let provide = move || {
        provide_context(context_state.clone());
        provide_context(crate::api::context::MeetingRowsMemo::default());
        // Our nonce, so the hydration scripts carry the one in this response's CSP header.
        if let Some(nonce) = crate::api::context::with_parts(|p| p.extensions.get::<CspNonce>().cloned()).flatten() {
            provide_context(Nonce::from_value(nonce.0));
        }
    };
    let sessions = Sessions::new(&state.db, state.identity.clone()).await?;
    sessions.clone().spawn_cleanup(SESSION_CLEANUP_EVERY);
    let kept = state.clone();
    let recordings = Box::new(move |meeting: Option<&str>| match meeting.map(crate::domain::MeetingId::parse) {
        Some(Ok(id)) => kept.recordings.kept().forget(&id),
        Some(Err(_)) => tracing::warn!(payload = ?meeting, "a recordings change names no meeting id; ignored"),
        None => kept.recordings.kept().forget_all(),
    });
    super::store::changes::spawn(&state.db, super::store::changes::Followers { identity: state.identity.clone(), recordings });
    // Notices are sent once whoever sends them, so tests that drive the workers by hand keep this one.
    super::deletions::notices::spawn(state.clone());
    if background == Background::All {
        super::deletions::worker::spawn(state.clone());
        super::bulk::worker::spawn(state.clone());
    }
    let session_layer = session::layer(sessions, &state.auth.session);
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/meetings/{meeting_id}/recordings.csv", get(recordings_csv))
        .route("/meetings/{meeting_id}/recordings/{recording_id}/download", get(super::downloads::download))
        .route("/meetings/{meeting_id}/recordings/{recording_id}/preview", get(super::downloads::preview))
        .route("/audit.csv", get(audit_csv))
        .route(super::recordings_json::PATH, get(super::recordings_json::list))
        .route("/api/bulk/create", axum::routing::post(super::bulk::files::create))
        .route("/bulk/{batch_id}/results.csv", get(super::bulk::files::results_csv))
        .leptos_routes_with_context(
            &state,
            routes,
            provide.clone(),
            move || shell(leptos_options.clone()),
        );
    if state.demo {
        router = router.merge(mock_upstream::files_router("/demo-files"));
    }
    Ok(router
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(provide, shell))
        .layer(middleware::from_fn_with_state(state.clone(), super::auth::gate::gate))
        .layer(session_layer)
        .with_state(state.clone())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // Outside the body limit, so its refusal gets the security headers too; inside
        // compression, so the HTML tidy pass reads the page as rendered.
        .layer(FinishingLayer::new(state.guard.clone()))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    let id = req.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_response(|res: &Response<Body>, latency: Duration, _span: &Span| {
                    tracing::info!(status = res.status().as_u16(), latency_ms = latency.as_secs_f64() * 1000.0, "served");
                })
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, RandomRequestId)))
}

/// Request ids: random (v4) UUIDs from the thread's generator, which the OS seeds now and then,
/// rather than `MakeRequestUuid`'s system call on every request.
#[derive(Debug, Clone, Copy)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
        let value = axum::http::HeaderValue::from_str(id.hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer())).ok()?;
        Some(RequestId::new(value))
    }
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    let database = state.db.ping().await;
    let status = if database { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = json!({
        "status": if database { "ready" } else { "not ready" },
        "database": if database { "ok" } else { "unreachable" },
        "backend": state.db.backend().as_str(),
        "upstream": state.info.upstream_label,
        "demo": state.demo,
        // Whether account and session changes are being followed, so sessions are answered from
        // memory ("live"), or every request reads them from the database ("off").
        "identity_cache": if state.identity.is_live() { "live" } else { "off" },
    });
    (status, Json(body))
}

/// The recordings table as a CSV download.
async fn recordings_csv(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Extension(current): Extension<CurrentStaff>,
    headers: HeaderMap,
) -> Response<Body> {
    match current.0 {
        Some(staff) if staff.may(Permission::ViewRecordings) => {}
        Some(staff) => return (StatusCode::FORBIDDEN, AppError::forbidden(staff.role, Permission::ViewRecordings).to_string()).into_response(),
        None => return (StatusCode::UNAUTHORIZED, AppError::Unauthenticated.to_string()).into_response(),
    }
    let request_id = request_id(&headers);
    let id = match MeetingId::parse(&raw) {
        Ok(id) => id,
        Err(e) => return (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response(),
    };
    match state.client.list_recordings(&id).await {
        Ok(recs) => {
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"recordings-{id}.csv\"")),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                domain::recordings_csv(&id, &recs, &state.guard.public_origin),
            )
                .into_response()
        }
        Err(e) => {
            let err = to_app_error(e, Call::ListRecordings, request_id);
            tracing::warn!(error = %err, "CSV export failed");
            (StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_GATEWAY), err.to_string()).into_response()
        }
    }
}

/// The audit log's filtered rows as CSV (admins only), newest first.
async fn audit_csv(
    State(state): State<AppState>,
    Query(filter): Query<domain::AuditFilterForm>,
    Extension(current): Extension<CurrentStaff>,
    headers: HeaderMap,
) -> Response<Body> {
    /// Enough for any ticket; a SIEM takes everything with `meeting-admin audit export`.
    const MAX_ROWS: i64 = 100_000;
    match current.0 {
        Some(staff) if staff.may(Permission::ReadAudit) => {}
        Some(staff) => return (StatusCode::FORBIDDEN, AppError::forbidden(staff.role, Permission::ReadAudit).to_string()).into_response(),
        None => return (StatusCode::UNAUTHORIZED, AppError::Unauthenticated.to_string()).into_response(),
    }
    let query = match filter.parse() {
        Ok(q) => q,
        Err(fields) => {
            let msg = fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("\n");
            return (StatusCode::UNPROCESSABLE_ENTITY, msg).into_response();
        }
    };
    match state.audit.all_matching(&query, MAX_ROWS).await {
        Ok(entries) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"audit-log.csv\""),
                (header::CACHE_CONTROL, "no-store"),
            ],
            domain::audit_csv(&entries),
        )
            .into_response(),
        Err(e) => {
            let request_id = request_id(&headers);
            tracing::error!(error = %e, "cannot read the audit log for export");
            (StatusCode::INTERNAL_SERVER_ERROR, AppError::Internal { request_id }.to_string()).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_distinct_v4_uuids() {
        let req = Request::new(());
        let ids: std::collections::HashSet<String> = (0..1000)
            .map(|_| RandomRequestId.make_request_id(&req).unwrap().header_value().to_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids.len(), 1000);
        for id in &ids {
            let parsed = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(parsed.get_version(), Some(uuid::Version::Random), "{id}");
            assert_eq!(id, &parsed.hyphenated().to_string());
        }
    }
}
