//! What a server function needs from the request it runs in.

use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::domain::{Permission, Staff};
use crate::error::AppError;
use crate::server::auth::CurrentStaff;
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

/// A plain HTML form post (no JavaScript): server_fn answers it with a redirect back to the form,
/// carrying the error in the URL, and that redirect's status must stand.
fn from_html_form() -> bool {
    use_context::<http::request::Parts>().is_some_and(|p| {
        p.method == http::Method::POST
            && p.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"))
    })
}

/// Set our HTTP status from the error (Leptos would send 500 for all) and log it once.
pub fn fail(err: AppError) -> AppError {
    if let Some(res) = use_context::<ResponseOptions>().filter(|_| !from_html_form()) {
        res.set_status(http::StatusCode::from_u16(err.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
    match err.status() {
        500.. => tracing::error!(status = err.status(), error = %err, "request failed"),
        _ => tracing::info!(status = err.status(), error = %err, "request refused"),
    }
    err
}

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// Who is signed in, if anyone.
pub fn current_staff() -> Option<Staff> {
    parts().and_then(|p| p.extensions.get::<CurrentStaff>().and_then(|c| c.0.clone()))
}

/// The gate at the top of every server function: 401 when nobody is signed in, 403 when the
/// role does not allow `p`.
pub fn require(p: Permission) -> Result<Staff, AppError> {
    match current_staff() {
        None => Err(fail(AppError::Unauthenticated)),
        Some(staff) if staff.may(p) => Ok(staff),
        Some(staff) => {
            tracing::warn!(user = %staff.username, role = %staff.role, permission = ?p, "request denied by role");
            Err(fail(AppError::forbidden(staff.role, p)))
        }
    }
}

pub fn session() -> Result<tower_sessions::Session, AppError> {
    parts().and_then(|p| p.extensions.get::<tower_sessions::Session>().cloned()).ok_or_else(|| {
        tracing::error!("server function ran without a session layer");
        AppError::Internal { request_id: request_id() }
    })
}

/// The client's address: the configured proxy header's last entry, else the TCP peer.
pub fn client_addr() -> String {
    let Some(parts) = parts() else { return "-".to_owned() };
    let from_header = use_context::<AppState>()
        .and_then(|s| s.auth.client_ip_header.clone())
        .and_then(|h| parts.headers.get(h).and_then(|v| v.to_str().ok()).map(str::to_owned))
        .and_then(|v| v.rsplit(',').next().map(|s| s.trim().to_owned()))
        .filter(|s| !s.is_empty());
    from_header
        .or_else(|| parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string()))
        .unwrap_or_else(|| "-".to_owned())
}
