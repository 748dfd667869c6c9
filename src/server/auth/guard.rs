//! Request-level guards, as axum middleware:
//! - `refuse_cross_site`: a state-changing request must come from our own pages;
//! - `require_sign_in`: pages redirect to the sign-in page when nobody is signed in.

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::CurrentStaff;
use crate::error::AppError;
use crate::server::access::{denial, record_denial, Head};
use crate::server::http::error_page::{error_response, ErrorReply};
use crate::server::http::protection::check_provenance;
use crate::server::state::AppState;

/// A state-changing request that did not come from our own pages is refused (and audited).
pub async fn refuse_cross_site(state: &AppState, req: Request) -> Result<Request, Response> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(req);
    }
    match check_provenance(req.headers(), &state.guard.public_origin) {
        Ok(()) => Ok(req),
        Err(why) => {
            tracing::warn!(reason = %why, path = %req.uri().path(), "cross-site request refused");
            const REFUSAL: &str = "Refused: this request did not come from a Meeting Admin page.";
            let intent = denial(state, Head::from(&req), format!("{} {}: cross-site, {why}", req.method(), req.uri().path()));
            record_denial(state, intent, REFUSAL).await;
            Err((StatusCode::FORBIDDEN, REFUSAL).into_response())
        }
    }
}

/// A path with `.` or `..` segments (also percent-encoded) is refused before anything reads it:
/// browsers resolve them before they ask, and a path like `/healthz/../audit` would otherwise be
/// judged by its prefix.
pub fn refuse_dot_segments(req: &Request) -> Result<(), Response> {
    let dotted = req.uri().path().split('/').any(|segment| {
        let s = segment.to_ascii_lowercase().replace("%2e", ".");
        s == "." || s == ".."
    });
    if !dotted {
        return Ok(());
    }
    let err = AppError::invalid_field("path", "An address with '.' or '..' in its path is not served: open the page from Meeting Admin.");
    Err(ErrorReply::new(err, ErrorReply::wants_html(req.headers())).titled("Not an address of Meeting Admin").into_response())
}

/// Paths anyone may fetch: the sign-in page and a provider's sign-in steps, health probes, the built assets, the icon and
/// robots.txt (`public/`; crawlers are never signed in), and demo files (which stand in for
/// presigned storage links).
fn is_public(path: &str) -> bool {
    const PREFIXES: [&str; 6] = ["/pkg/", "/api/", "/demo-files/", "/healthz", "/readyz", "/auth/oidc/"];
    const FILES: [&str; 4] = ["/favicon.ico", "/favicon.svg", "/robots.txt", crate::server::http::assets::PALETTE_SCRIPT];
    path == "/sign-in" || PREFIXES.iter().any(|p| path.starts_with(p)) || FILES.contains(&path)
}

/// Server functions anyone may call: signing in, and the frame (which says nobody is signed in).
pub const PUBLIC_API: [&str; 2] = ["/api/sign_in", "/api/app_info"];

/// Nobody signed in: server functions answer 401 before their arguments are even read (each
/// also checks its role itself); pages send the visitor to sign in and back.
pub async fn require_sign_in(state: &AppState, req: Request) -> Result<Request, Response> {
    let signed_in = req.extensions().get::<CurrentStaff>().is_some_and(|c| c.0.is_some());
    if signed_in {
        return Ok(req);
    }
    let path = req.uri().path();
    if req.extensions().get::<super::session::StoreUnavailable>().is_some() && !(is_public(path) && !path.starts_with("/api/")) {
        let request_id = crate::server::http::request_id::request_id(req.headers());
        let err = AppError::DatabaseUnavailable { request_id };
        return Err(error_response(StatusCode::SERVICE_UNAVAILABLE, "Database unavailable", &err, path.starts_with("/api/"), None));
    }
    if let Some(no_role) = req.extensions().get::<crate::server::sso::NoRole>() {
        if !is_public(path) || (path.starts_with("/api/") && !PUBLIC_API.contains(&path)) {
            return Err(no_role_response(&no_role.0, path.starts_with("/api/")));
        }
    }
    if path.starts_with("/api/") {
        if PUBLIC_API.contains(&path) {
            return Ok(req);
        }
        if !matches!(*req.method(), Method::GET | Method::HEAD) {
            let intent = denial(state, Head::from(&req), format!("{} {path}: not signed in", req.method()));
            record_denial(state, intent, "Sign in to continue.").await;
        }
        // A plain form post (no JavaScript) after the session ended: back to the sign-in page.
        let from_form = ErrorReply::wants_html(req.headers());
        if from_form {
            return Err(Redirect::to("/sign-in").into_response());
        }
        let body = serde_json::to_string(&AppError::Unauthenticated).unwrap_or_default();
        return Err((StatusCode::UNAUTHORIZED, [(header::CONTENT_TYPE, "application/json")], body).into_response());
    }
    if is_public(path) || !matches!(*req.method(), Method::GET | Method::HEAD) {
        return Ok(req);
    }
    let back = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let target = format!("/sign-in?next={}", url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>());
    Err(Redirect::to(&target).into_response())
}

/// The SSO gateway vouches for them, but no group grants a role: say exactly that, with their name.
fn no_role_response(identity: &str, api: bool) -> Response {
    let err = AppError::NoRole { identity: identity.to_owned() };
    error_response(StatusCode::FORBIDDEN, "No access to Meeting Admin", &err, api, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_are_refused_before_anything_reads_the_path() {
        let req = |path: &str| axum::http::Request::builder().uri(path).body(axum::body::Body::empty()).unwrap();
        for bad in ["/healthz/../audit", "/pkg/./x", "/pkg/%2e%2E/audit", "/..", "/a/%2E"] {
            let refused = refuse_dot_segments(&req(bad)).unwrap_err();
            assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
        for fine in ["/", "/audit", "/pkg/meeting-admin.abc.wasm", "/meetings/x..y/recordings", "/a/.b"] {
            assert!(refuse_dot_segments(&req(fine)).is_ok(), "{fine}");
        }
    }

    #[test]
    fn public_paths() {
        assert!(is_public("/sign-in"));
        assert!(is_public("/pkg/meeting-admin.wasm"));
        assert!(is_public("/robots.txt") && is_public("/favicon.svg"));
        assert!(!is_public("/"));
        assert!(!is_public("/sign-in-elsewhere"));
        assert!(!is_public("/meetings/x/recordings.csv"));
    }
}
