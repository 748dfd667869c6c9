//! What a server function needs from the request it runs in.

use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::error::AppError;
use crate::server::state::AppState;

pub fn request_id() -> String {
    use_context::<http::request::Parts>()
        .and_then(|p| p.headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned))
        .unwrap_or_else(|| "-".to_owned())
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("server function ran without app state");
        AppError::Internal { request_id: request_id() }
    })
}

/// Set our HTTP status from the error (Leptos would send 500 for all) and log it once.
pub fn fail(err: AppError) -> AppError {
    if let Some(res) = use_context::<ResponseOptions>() {
        res.set_status(http::StatusCode::from_u16(err.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
    match err.status() {
        500.. => tracing::error!(status = err.status(), error = %err, "request failed"),
        _ => tracing::info!(status = err.status(), error = %err, "request refused"),
    }
    err
}
