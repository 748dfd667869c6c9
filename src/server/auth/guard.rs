//! Request-level guards, as axum middleware:
//! - `refuse_cross_site`: a state-changing request must come from our own pages;
//! - `require_sign_in`: pages redirect to the sign-in page when nobody is signed in;
//! - `security_headers`: CSP with a per-request nonce, and the other protective headers
//!   (set by `finishing`).

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::CurrentStaff;
use crate::domain::{Permission, Staff};
use crate::error::AppError;
use crate::server::error_page::error_response;
use crate::server::state::AppState;

/// Where the guards get their view of the deployment.
#[derive(Debug, Clone)]
pub struct GuardSettings {
    /// `PUBLIC_URL` as an origin, e.g. `https://meetings.example.com`.
    pub public_origin: String,
    pub https: bool,
    /// The Content-Security-Policy, all but its per-request nonce.
    pub csp: Csp,
}

/// Why a state-changing request was refused (also what the audit log records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrossSite {
    FetchSite(String),
    Origin(String),
    Referer(String),
    NoProvenance,
}

impl std::fmt::Display for CrossSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::FetchSite(s) => write!(f, "Sec-Fetch-Site is '{s}'"),
            Self::Origin(o) => write!(f, "Origin '{o}' is not ours"),
            Self::Referer(r) => write!(f, "Referer '{r}' is not ours"),
            Self::NoProvenance => f.write_str("no Sec-Fetch-Site, Origin or Referer"),
        }
    }
}

/// `Sec-Fetch-Site: same-origin` or an `Origin` equal to ours passes; `Referer` is consulted
/// only when both are absent; a request with none of the three is refused.
pub fn check_provenance(headers: &HeaderMap, public_origin: &str) -> Result<(), CrossSite> {
    let get = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).map(str::to_owned);
    if fetch_site.as_deref() == Some("same-origin") {
        return Ok(());
    }
    if let Some(origin) = get(header::ORIGIN) {
        return if origin.trim_end_matches('/') == public_origin { Ok(()) } else { Err(CrossSite::Origin(origin)) };
    }
    if let Some(site) = fetch_site {
        return Err(CrossSite::FetchSite(site));
    }
    match get(header::REFERER) {
        Some(r) => {
            let ours = url::Url::parse(&r).map(|u| u.origin().ascii_serialization() == public_origin).unwrap_or(false);
            if ours { Ok(()) } else { Err(CrossSite::Referer(r)) }
        }
        None => Err(CrossSite::NoProvenance),
    }
}

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
            let intent = denial(state, &req, format!("{} {}: cross-site, {why}", req.method(), req.uri().path()));
            record_denial(state, intent, REFUSAL).await;
            Err((StatusCode::FORBIDDEN, REFUSAL).into_response())
        }
    }
}

/// A refused attempt at a change goes in the audit log, signed in or not. (Built before any
/// await: a borrowed request would make the middleware's future not `Send`.)
pub(crate) fn denial(state: &AppState, req: &Request, detail: String) -> crate::server::audit::Intent {
    let header = state.auth.client_ip_header.as_ref();
    crate::server::audit::Intent {
        actor: req.extensions().get::<CurrentStaff>().and_then(|c| c.0.clone()),
        claimed_user: None,
        client_addr: crate::server::client_addr::client_addr(req.headers(), req.extensions(), header),
        action: crate::domain::AuditAction::Denied,
        meeting_id: None,
        reason: None,
        detail: Some(detail),
        request_id: crate::server::http::request_id(req.headers()),
    }
}

pub(crate) async fn record_denial(state: &AppState, intent: crate::server::audit::Intent, error: &str) {
    use crate::domain::Outcome;
    use crate::server::audit::Completion;
    state.audit.record(&intent, &Completion::new(Outcome::Refused).error(error)).await;
}

/// Who asks, if their role allows `p`: for handlers outside the server functions, whose
/// `require` does the same. Sync, like `denial`, so no borrowed request is held over an await.
pub(crate) fn require_role(state: &AppState, req: &Request, p: Permission) -> Result<Staff, Refused> {
    let Some(staff) = req.extensions().get::<CurrentStaff>().and_then(|c| c.0.clone()) else {
        return Err(Refused { err: AppError::Unauthenticated, entry: None });
    };
    if staff.may(p) {
        return Ok(staff);
    }
    tracing::warn!(user = %staff.username, role = %staff.role, permission = ?p, "request denied by role");
    let err = AppError::forbidden(staff.role, p);
    let entry = denial(state, req, format!("{}: needs the permission to {}", req.uri().path(), p.describe()));
    Err(Refused { err, entry: Some(entry) })
}

/// A request `require_role` refused: the error to answer with, and the audit entry to write.
pub(crate) struct Refused {
    err: AppError,
    entry: Option<crate::server::audit::Intent>,
}

/// A refusal with nothing to audit (a bad argument).
impl From<AppError> for Refused {
    fn from(err: AppError) -> Self {
        Self { err, entry: None }
    }
}

impl Refused {
    /// Writes the "denied" entry, if any (a role's refusal has one; a request with nobody
    /// signed in was answered by the gate before any handler), and gives the error to answer with.
    pub(crate) async fn recorded(self, state: &AppState) -> AppError {
        if let Some(entry) = self.entry {
            record_denial(state, entry, &self.err.to_string()).await;
        }
        self.err
    }
}

/// Paths anyone may fetch: the sign-in page, health probes, the built assets, the icon and
/// robots.txt (`public/`; crawlers are never signed in), and demo files (which stand in for
/// presigned storage links).
fn is_public(path: &str) -> bool {
    const PREFIXES: [&str; 5] = ["/pkg/", "/api/", "/demo-files/", "/healthz", "/readyz"];
    const FILES: [&str; 3] = ["/favicon.ico", "/favicon.svg", "/robots.txt"];
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
        let request_id = crate::server::http::request_id(req.headers());
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
            let intent = denial(state, &req, format!("{} {path}: not signed in", req.method()));
            record_denial(state, intent, "Sign in to continue.").await;
        }
        // A plain form post (no JavaScript) after the session ended: back to the sign-in page.
        let from_form = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"));
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

/// The per-request CSP nonce; Leptos puts it on the hydration scripts.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// 128 random bits as hex.
pub fn new_nonce() -> String {
    use rand::RngCore;
    use std::fmt::Write as _;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let mut hex = String::with_capacity(32);
    for b in bytes {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// The policy around its nonce, put together once at start-up rather than on every response.
#[derive(Debug, Clone)]
pub struct Csp {
    before_nonce: String,
    after_nonce: String,
}

impl Csp {
    /// `media_origins`: where the preview player may load video from (the recordings' storage).
    pub fn new(media_origins: &[String]) -> Self {
        let media = std::iter::once("'self'").chain(media_origins.iter().map(String::as_str)).collect::<Vec<_>>().join(" ");
        Self {
            before_nonce: "default-src 'self'; script-src 'self' 'nonce-".to_owned(),
            after_nonce: format!(
                "' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; media-src {media}; connect-src 'self'; \
                 object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
            ),
        }
    }

    pub fn with_nonce(&self, nonce: &str) -> String {
        let mut csp = String::with_capacity(self.before_nonce.len() + nonce.len() + self.after_nonce.len());
        csp.push_str(&self.before_nonce);
        csp.push_str(nonce);
        csp.push_str(&self.after_nonce);
        csp
    }
}

/// The protective headers every response gets; `nonce` is the one this response's scripts carry.
pub fn security_headers(settings: &GuardSettings, nonce: &str, h: &mut HeaderMap) {
    if let Ok(v) = HeaderValue::from_str(&settings.csp.with_nonce(nonce)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // `same-origin`, not `no-referrer`: cross-origin requests (such as a presigned download) get
    // no Referer either way, but our own no-JavaScript form posts need it to show their errors.
    h.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if settings.https {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = "https://meetings.example.com";

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn provenance_rules() {
        assert!(check_provenance(&headers(&[("sec-fetch-site", "same-origin")]), OURS).is_ok());
        assert!(check_provenance(&headers(&[("origin", OURS)]), OURS).is_ok());
        assert!(check_provenance(&headers(&[("sec-fetch-site", "same-site"), ("origin", OURS)]), OURS).is_ok());
        assert_eq!(
            check_provenance(&headers(&[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")]), OURS),
            Err(CrossSite::Origin("https://evil.example".into()))
        );
        assert_eq!(
            check_provenance(&headers(&[("sec-fetch-site", "cross-site")]), OURS),
            Err(CrossSite::FetchSite("cross-site".into()))
        );
        assert!(check_provenance(&headers(&[("referer", "https://meetings.example.com/x?y")]), OURS).is_ok());
        // Referer counts only when Origin is absent.
        assert!(check_provenance(&headers(&[("origin", "null"), ("referer", "https://meetings.example.com/")]), OURS).is_err());
        assert!(check_provenance(&headers(&[("referer", "https://meetings.example.com.evil.example/")]), OURS).is_err());
        assert_eq!(check_provenance(&HeaderMap::new(), OURS), Err(CrossSite::NoProvenance));
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

    #[test]
    fn csp_has_what_the_review_asks_for() {
        let csp = Csp::new(&["https://*.amazonaws.com".into()]).with_nonce("abc");
        for part in ["'nonce-abc'", "'wasm-unsafe-eval'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "media-src 'self' https://*.amazonaws.com"] {
            assert!(csp.contains(part), "{part} in {csp}");
        }
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.starts_with("default-src 'self'; script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'; style-src 'self';"), "{csp}");
        let nonce = new_nonce();
        assert!(nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_hexdigit()), "{nonce}");
    }
}
