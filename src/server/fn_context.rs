//! What a server function needs from the request it runs in.

use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::domain::{AuditAction, MeetingId, Permission, Staff};
use crate::error::AppError;
use crate::server::access::{self, Head};
use crate::server::audit::{EntryId, Intent};
use crate::server::auth::CurrentStaff;
use crate::server::meetings::state::MeetingRows;
use crate::server::state::AppState;

pub fn request_id() -> String {
    with_parts(|p| crate::server::http::request_id::request_id(&p.headers)).unwrap_or_else(|| "-".to_owned())
}

/// Reads the request in place: a `use_context` of it would copy every header and extension, and
/// a server function asks several times (who is asking, the request id, the client address).
pub fn with_parts<R>(read: impl FnOnce(&http::request::Parts) -> R) -> Option<R> {
    leptos::prelude::with_context::<http::request::Parts, R>(read)
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("server function ran without app state");
        AppError::Internal { request_id: request_id() }
    })
}

/// One request's read of a meeting's rows (`meeting_rows`), shared by the server functions that
/// render in it. Provided per request.
#[derive(Clone, Default)]
pub struct MeetingRowsMemo(std::sync::Arc<tokio::sync::OnceCell<(MeetingId, Result<std::sync::Arc<MeetingRows>, AppError>)>>);

/// The store's rows about a meeting (its hold, open deletion request and history), read at most
/// once per request: the recordings page shows them from three places, and each read is a
/// hand-off to the store and back.
pub async fn meeting_rows(meeting: &MeetingId) -> Result<std::sync::Arc<MeetingRows>, AppError> {
    let state = state()?;
    let memo = use_context::<MeetingRowsMemo>();
    let read = || async {
        state.meeting_state.rows(&state.db, &state.audit, meeting).await.map_err(store_failed("cannot read a meeting's hold, deletion request and history"))
    };
    match memo {
        Some(memo) => match memo.0.get_or_init(|| async { (meeting.clone(), read().await) }).await {
            (read_for, rows) if read_for == meeting => rows.clone(),
            _ => read().await,
        },
        None => read().await,
    }
}

/// A store error as the page shows it: plainly "database unavailable" when it could not be
/// reached (the database is down or restarting), otherwise an internal error; logged either way.
pub fn store_failed(what: &'static str) -> impl FnOnce(sqlx::Error) -> AppError {
    move |e| {
        tracing::error!(error = %e, "{what}");
        fail(crate::server::store::user_error(&e, request_id()))
    }
}

/// A plain HTML form post (no JavaScript): server_fn answers it with a redirect back to the form,
/// carrying the error in the URL, and that redirect's status must stand.
fn from_html_form() -> bool {
    with_parts(|p| {
        p.method == http::Method::POST
            && crate::server::http::error_page::ErrorReply::wants_html(&p.headers)
    })
    .unwrap_or(false)
}

/// A meeting id from a server function's arguments; a bad one is an error on its field.
pub fn parse_meeting_id(raw: &str) -> Result<MeetingId, AppError> {
    MeetingId::parse(raw).map_err(|e| fail(AppError::invalid_field("meeting_id", e.to_string())))
}

/// A row's number from a server function's arguments (`12` or `#12`); anything else is an error
/// on `field`, saying `hint`.
pub fn parse_number(raw: &str, field: &str, hint: &str) -> Result<i64, AppError> {
    raw.trim().trim_start_matches('#').parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| fail(AppError::invalid_field(field, hint)))
}

/// An approver's comment (required to reject); a bad one is an error on its field.
pub fn parse_comment(raw: &str, required: bool) -> Result<Option<String>, AppError> {
    crate::domain::decision_comment(raw, required).map_err(|m| fail(AppError::invalid_field("comment", m)))
}

/// Set our HTTP status from the error (Leptos would send 500 for all) and log it once.
pub fn fail(err: AppError) -> AppError {
    if let Some(res) = use_context::<ResponseOptions>().filter(|_| !from_html_form()) {
        res.set_status(err.status_code());
    }
    // The request id is named here too: during server rendering this runs outside the request's span.
    log_failure(&request_id(), &err);
    err
}

/// The log line of a request answered with `err`: an error on our side or the vendor's, or a
/// refusal.
pub fn log_failure(request_id: &str, err: &AppError) {
    match err.status() {
        500.. => tracing::error!(%request_id, status = err.status(), error = %err, "request failed"),
        _ => tracing::info!(%request_id, status = err.status(), error = %err, "request refused"),
    }
}

/// Who is signed in, if anyone.
pub fn current_staff() -> Option<Staff> {
    with_parts(|p| p.extensions.get::<CurrentStaff>().and_then(|c| c.0.clone())).flatten()
}

/// The gate at the top of every server function: 401 when nobody is signed in, 403 (and a
/// "denied" audit entry) when the role does not allow `p`.
pub async fn require(p: Permission) -> Result<Staff, AppError> {
    require_on(p, None).await
}

/// `require`, for an action on one meeting (named in the audit entry if it is denied). The
/// check is `access::check`, the one every plain handler's `Allowed` makes too.
pub async fn require_on(p: Permission, meeting: Option<&MeetingId>) -> Result<Staff, AppError> {
    let state = state()?;
    match with_parts(|parts| access::check(Head::from(parts), &state, p, meeting)) {
        Some(Ok(staff)) => Ok(staff),
        Some(Err(refused)) => Err(fail(refused.recorded(&state).await)),
        None => Err(fail(AppError::Unauthenticated)),
    }
}

pub fn session() -> Result<tower_sessions::Session, AppError> {
    with_parts(|p| p.extensions.get::<tower_sessions::Session>().cloned()).flatten().ok_or_else(|| {
        tracing::error!("server function ran without a session layer");
        AppError::Internal { request_id: request_id() }
    })
}

/// The client's address: the configured proxy header's last entry, else the TCP peer.
pub fn client_addr() -> String {
    let header = use_context::<AppState>().and_then(|s| s.auth.client_ip_header.clone());
    with_parts(|p| crate::server::http::client_addr::client_addr(&p.headers, &p.extensions, header.as_ref())).unwrap_or_else(|| "-".to_owned())
}

/// An audit entry about this request, by whoever is signed in.
pub fn intent(action: AuditAction, actor: Option<Staff>, meeting_id: Option<String>, reason: Option<String>) -> Intent {
    Intent {
        actor,
        claimed_user: None,
        client_addr: client_addr(),
        action,
        meeting_id,
        reason,
        detail: None,
        request_id: request_id(),
    }
}

/// Writes the intent of a change; when that is impossible the change is not attempted.
pub async fn begin_change(state: &AppState, intent: &Intent) -> Result<EntryId, AppError> {
    state.audit.begin(intent).await.map_err(|_| {
        fail(AppError::AuditUnavailable { request_id: request_id() })
    })
}
