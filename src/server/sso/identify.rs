//! The gateway's word on who is asking, applied to a request after its session was read.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};

use super::{verdict, Verdict};
use crate::server::auth::CurrentStaff;
use crate::server::metrics::labels::{SignInMethod, SignInOutcome};
use crate::server::state::AppState;

/// Runs after the session is read: a gateway identity replaces whatever the session says. A
/// refused assertion is answered (and audited) here.
pub async fn identify(state: &AppState, req: Request) -> Result<Request, Response> {
    let Some(sso) = state.sso.as_ref() else { return Ok(req) };
    let (mut parts, body) = req.into_parts();
    match verdict(sso, &parts).await {
        Verdict::Absent => {}
        Verdict::Staff(staff) => {
            state.metrics.sign_in(SignInMethod::Sso, SignInOutcome::Ok);
            parts.extensions.insert(CurrentStaff(Some(staff)));
        }
        Verdict::NoRole(n) => {
            tracing::info!(identity = %n.0, "SSO identity has no role");
            state.metrics.sign_in(SignInMethod::Sso, SignInOutcome::NoRole);
            parts.extensions.insert(CurrentStaff(None));
            parts.extensions.insert(n);
        }
        Verdict::Refused(status, message) => {
            tracing::warn!(path = %parts.uri.path(), reason = %message, "SSO identity refused");
            state.metrics.sign_in(SignInMethod::Sso, SignInOutcome::Refused);
            let req = Request::from_parts(parts, body);
            let intent = crate::server::access::denial(state, crate::server::access::Head::from(&req), format!("{} {}: SSO, {message}", req.method(), req.uri().path()));
            crate::server::access::record_denial(state, intent, &message).await;
            return Err((status, message).into_response());
        }
    }
    Ok(Request::from_parts(parts, body))
}

