//! `router`: the whole app as one axum `Router`, built from the state and nothing else, so that
//! `serve`, the tests and the benchmarks build the same app. It starts nothing: background work
//! is `background::start`'s.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Response};
use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use leptos::nonce::Nonce;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list_with_exclusions, LeptosRoutes};
use tower::util::MapRequestLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

use super::{bulk_files, downloads, exports, probes, recordings_json};
use crate::app::{shell, App};
use crate::server::auth::session;
use crate::server::http::bodies::{self, MAX_BODY_BYTES};
use crate::server::http::finishing::FinishingLayer;
use crate::server::http::protection::CspNonce;
use crate::server::http::request_id::{self, RandomRequestId, REQUEST_ID};
use crate::server::state::AppState;
use crate::server::vendor::mock;

/// The app's routes, worked out once per process. Generating them sets a process-wide flag that
/// leaves any resource first polled meanwhile pending for good (leptos#4773): harmless at start,
/// but the integration suite starts servers while others serve, and one page in a few hundred
/// never answered. `/api/recordings/list` is left to `recordings_json`.
fn routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list_with_exclusions(App, Some(vec![recordings_json::PATH.to_owned()]))).clone()
}

/// The app: pages and server functions (Leptos), the plain handlers, and the layers every
/// request passes through, outermost last.
pub fn router(state: AppState) -> Router {
    let leptos_options = state.leptos_options.clone();
    let context_state = state.clone();
    let provide = move || {
        provide_context(context_state.clone());
        provide_context(crate::server::fn_context::MeetingRowsMemo::default());
        // Our nonce, so the hydration scripts carry the one in this response's CSP header.
        if let Some(nonce) = crate::server::fn_context::with_parts(|p| p.extensions.get::<CspNonce>().cloned()).flatten() {
            provide_context(Nonce::from_value(nonce.0));
        }
        let zone = crate::server::fn_context::with_parts(|p| {
            crate::ui::components::ReaderZone::from_cookies(p.headers.get_all(axum::http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()))
        });
        provide_context(zone.unwrap_or_else(|| crate::ui::components::ReaderZone(crate::domain::Zone::utc())));
    };
    let session_layer = session::layer(state.sessions.clone(), &state.auth.session);
    let from_our_proxy = state.auth.client_ip_header.is_some();
    let mut router = Router::new()
        .route("/healthz", get(probes::healthz))
        .route("/readyz", get(probes::readyz))
        .route("/meetings/{meeting_id}/recordings.csv", get(exports::recordings_csv))
        .route("/meetings/{meeting_id}/recordings/{recording_id}/download", get(downloads::download))
        .route("/meetings/{meeting_id}/recordings/{recording_id}/preview", get(downloads::preview))
        .route("/audit.csv", get(exports::audit_csv))
        .route("/auth/oidc/{provider}/start", get(super::oidc::start))
        .route("/auth/oidc/{provider}/callback", get(super::oidc::callback))
        .route("/retention/report.csv", get(exports::retention_csv))
        .route("/cases/{case_id}/record.json", get(exports::case_record))
        .route(recordings_json::PATH, get(recordings_json::list))
        .route("/api/bulk/create", post(bulk_files::create))
        .route("/bulk/{batch_id}/results.csv", get(bulk_files::results_csv))
        .route("/cases/{case_id}/upload", post(bulk_files::case_upload))
        .leptos_routes_with_context(&state, routes(), provide.clone(), move || shell(leptos_options.clone()));
    if state.demo {
        router = router.merge(mock::files_router("/demo-files", state.clock.clone()));
    }
    let router = router
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(provide, shell))
        .layer(middleware::from_fn_with_state(state.clone(), crate::server::auth::gate::gate))
        .layer(session_layer)
        .with_state(state.clone())
        .layer(middleware::from_fn(bodies::read_unsized))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // Outside the body limit, so its refusal gets the security headers too; inside
        // compression, so the HTML tidy pass reads the page as rendered.
        .layer(FinishingLayer::new(state.guard.clone()))
        // Recordings pass through already compressed (and ranges count their bytes as stored).
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new()
                .and(NotForContentType::const_new("video/"))
                .and(NotForContentType::const_new("audio/"))
                .and(NotForContentType::const_new("application/octet-stream")),
        ))
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
        .layer(SetRequestIdLayer::new(REQUEST_ID, RandomRequestId))
        .layer(MapRequestLayer::new(move |req| request_id::screen(req, from_our_proxy)));
    // Outermost but for the form-error wrapper (which routes nothing itself, and in front of
    // which no route template is known), so a request's time counts every layer.
    let router = if state.count_requests {
        router.layer(crate::server::http::metering::MeteringLayer::new(state.metrics.requests.clone()))
    } else {
        router
    };
    super::form_errors::wrap(router, state.guard.public_origin.clone())
}
