//! Who may do what, answered in one place. Every request that needs a permission asks `check`:
//! server functions through `fn_context::require`, plain handlers through the `Allowed<N>`
//! extractor. A refusal by role is recorded the same way wherever it happens (a
//! "denied" audit entry naming the path and the permission), and answered by the same error.

pub mod second_person;

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use axum::response::{IntoResponse, Response};

use crate::domain::{AuditAction, MeetingId, Outcome, Permission, Staff};
use crate::error::AppError;
use crate::server::audit::{Completion, Intent};
use crate::server::auth::CurrentStaff;
use crate::server::http::error_page::ErrorReply;
use crate::server::state::AppState;

/// A request refused: the error to answer with, and the audit entry to write for it (none when
/// nobody is signed in: the gate answered and recorded those before any handler ran).
#[derive(Debug)]
pub struct Refused {
    err: AppError,
    entry: Option<Intent>,
}

impl Refused {
    /// Writes the "denied" entry, if any, and gives the error to answer with.
    pub async fn recorded(self, state: &AppState) -> AppError {
        if let Some(entry) = self.entry {
            record_denial(state, entry, &self.err.to_string()).await;
        }
        self.err
    }
}

/// Who asks, if their role allows `p` (`meeting`: what it is about, for the audit entry).
/// Sync, so no borrowed request is held over an await; the refusal is written by `recorded`.
pub fn check(head: Head<'_>, state: &AppState, p: Permission, meeting: Option<&MeetingId>) -> Result<Staff, Refused> {
    let Some(staff) = head.extensions.get::<CurrentStaff>().and_then(|c| c.0.clone()) else {
        return Err(Refused { err: AppError::Unauthenticated, entry: None });
    };
    if staff.may(p) {
        return Ok(staff);
    }
    tracing::warn!(user = %staff.username, role = %staff.role, permission = ?p, "request denied by role");
    state.metrics.refused(p);
    let err = p.refused_for(staff.role);
    let mut entry = denial(state, head, format!("{}: needs the permission to {}", head.path, p.describe()));
    entry.meeting_id = meeting.map(|m| m.as_str().to_owned());
    Err(Refused { err, entry: Some(entry) })
}

/// What a check reads of a request: its headers (client address, request id), extensions
/// (who is signed in) and path.
#[derive(Clone, Copy)]
pub struct Head<'a> {
    pub headers: &'a HeaderMap,
    pub extensions: &'a Extensions,
    pub path: &'a str,
}

impl<'a> From<&'a Parts> for Head<'a> {
    fn from(p: &'a Parts) -> Self {
        Self { headers: &p.headers, extensions: &p.extensions, path: p.uri.path() }
    }
}

impl<'a> From<&'a axum::extract::Request> for Head<'a> {
    fn from(r: &'a axum::extract::Request) -> Self {
        Self { headers: r.headers(), extensions: r.extensions(), path: r.uri().path() }
    }
}

/// The "denied" entry of a refused request, signed in or not.
pub fn denial(state: &AppState, head: Head<'_>, detail: String) -> Intent {
    let header = state.auth.client_ip_header.as_ref();
    Intent {
        actor: head.extensions.get::<CurrentStaff>().and_then(|c| c.0.clone()),
        claimed_user: None,
        client_addr: crate::server::http::client_addr::client_addr(head.headers, head.extensions, header),
        action: AuditAction::Denied,
        meeting_id: None,
        reason: None,
        detail: Some(detail),
        request_id: crate::server::http::request_id::request_id(head.headers),
    }
}

pub async fn record_denial(state: &AppState, intent: Intent, error: &str) {
    state.audit.record(&intent, &Completion::new(Outcome::Refused).error(error)).await;
}

/// What a plain handler needs: one of the zero-sized types in `need`.
pub trait Need {
    const PERMISSION: Permission;
}

/// The permissions, as types for `Allowed`.
pub mod need {
    use super::{Need, Permission};

    macro_rules! needs {
        ($($name:ident),* $(,)?) => {$(
            #[derive(Debug, Clone, Copy)]
            pub struct $name;
            impl Need for $name {
                const PERMISSION: Permission = Permission::$name;
            }
        )*};
    }

    needs!(ViewRecordings, DeleteRecordings, ReadAudit);
}

/// A plain handler's proof that the person asking holds `N`'s permission. Refused, it answers
/// with the error (an error page, or JSON when the client did not ask for HTML) after the
/// refusal was recorded.
#[derive(Debug)]
pub struct Allowed<N> {
    pub staff: Staff,
    need: PhantomData<N>,
}

impl<N: Need + Send + Sync> FromRequestParts<AppState> for Allowed<N> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let checked = check(Head::from(&*parts), state, N::PERMISSION, None);
        match checked {
            Ok(staff) => Ok(Self { staff, need: PhantomData }),
            Err(refused) => {
                let html = ErrorReply::wants_html(&parts.headers);
                let err = refused.recorded(state).await;
                Err(ErrorReply::new(err, html).into_response())
            }
        }
    }
}
