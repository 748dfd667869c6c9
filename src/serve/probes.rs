//! `/healthz` (the process answers) and `/readyz` (it can serve: the database answers). Both are
//! public (load balancers ask them), so they name no address: the vendor's is in the start-up log.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::json;

use crate::server::state::AppState;

pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    let database = state.db.ping().await;
    let status = if database { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = json!({
        "status": if database { "ready" } else { "not ready" },
        "database": if database { "ok" } else { "unreachable" },
        "backend": state.db.backend().as_str(),
        "demo": state.demo,
        // Whether account and session changes are being followed, so sessions are answered from
        // memory ("live"), or every request reads them from the database ("off").
        "identity_cache": if state.identity.is_live() { "live" } else { "off" },
    });
    (status, Json(body))
}
