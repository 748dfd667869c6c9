//! The browser's two steps of signing in through a provider: `start` sends it to the provider
//! with a fresh state, nonce and PKCE challenge, kept in this browser's session; `callback` takes
//! the answer, accepts each state once, redeems the code, checks the ID token and signs in.
//! Whatever goes wrong is said on the sign-in page (kept in the session, never in the URL).

use axum::extract::{Path, Query, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::domain::{AuditAction, Outcome, SignInMethod, Staff};
use crate::server::audit::Completion;
use crate::server::auth::renew::next_renewal;
use crate::server::auth::session::{begin, OidcBinding, SIGN_IN_NOTICE};
use crate::server::metrics::labels::{SignInMethod as Method, SignInOutcome as Counted};
use crate::server::oidc::{store, OidcError, PENDING_FOR};
use crate::server::state::AppState;
use crate::api::auth::safe_next;

const PENDING_KEY: &str = "oidc_pending";
/// Sign-ins started in other tabs stay valid, up to this many.
const MAX_PENDING: usize = 4;

/// A sign-in sent to a provider and not yet back. The secrets never leave this session.
#[derive(Clone, Serialize, Deserialize)]
struct Pending {
    provider: String,
    state: String,
    nonce: String,
    verifier: String,
    next: String,
    started_ms: i64,
}

#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    /// RFC 9207: who sent this answer, so one provider's answer cannot pass for another's.
    iss: Option<String>,
}

/// To the sign-in page, which says `message` once.
async fn to_sign_in(session: &Session, message: String) -> Response {
    if let Err(e) = session.insert(SIGN_IN_NOTICE, message).await {
        tracing::warn!(error = %e, "cannot keep the sign-in notice");
    }
    Redirect::to("/sign-in").into_response()
}

pub async fn start(State(state): State<AppState>, session: Session, Path(name): Path<String>, Query(q): Query<StartQuery>) -> Response {
    let Some(provider) = state.oidc.get(&name) else {
        return to_sign_in(&session, OidcError::NoSuchProvider(crate::domain::visible(&name, 40)).to_string()).await;
    };
    let started = match provider.begin().await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(provider = %name, reason = %e.kind(), "cannot start a sign-in");
            return to_sign_in(&session, e.to_string()).await;
        }
    };
    let now = state.clock.now_ms();
    let public = url::Url::parse(&state.guard.public_origin).ok();
    let next = match (q.next.as_deref(), public) {
        (Some(n), Some(public)) => safe_next(&n.chars().take(2000).collect::<String>(), &public),
        _ => "/".to_owned(),
    };
    let mut pending: Vec<Pending> = session.get(PENDING_KEY).await.ok().flatten().unwrap_or_default();
    pending.retain(|p| now - p.started_ms < PENDING_FOR.as_millis() as i64);
    pending.push(Pending { provider: name, state: started.state, nonce: started.nonce, verifier: started.verifier, next, started_ms: now });
    let keep_from = pending.len().saturating_sub(MAX_PENDING);
    pending.drain(..keep_from);
    if let Err(e) = session.insert(PENDING_KEY, pending).await {
        tracing::error!(error = %e, "cannot keep a sign-in's state");
        return to_sign_in(&session, OidcError::Internal { request_id: "-".into() }.to_string()).await;
    }
    Redirect::to(started.url.as_str()).into_response()
}

pub async fn callback(State(state): State<AppState>, session: Session, Path(name): Path<String>, req: Request) -> Response {
    let head = crate::server::access::Head::from(&req);
    let mut intent = crate::server::access::denial(&state, head, String::new());
    let q = Query::<CallbackQuery>::try_from_uri(req.uri()).map(|q| q.0).unwrap_or(CallbackQuery { code: None, state: None, error: None, error_description: None, iss: None });
    let request_id = intent.request_id.clone();
    match sign_in(&state, &session, &name, q, &request_id).await {
        Ok((staff, subject, next)) => {
            tracing::info!(user = %staff.username, role = %staff.role, provider = %name, "signed in");
            state.metrics.sign_in(Method::Oidc, Counted::Ok);
            intent.action = AuditAction::SignIn;
            intent.detail = Some(format!("through {name}, subject {}", crate::domain::visible(&subject, 256)));
            intent.actor = Some(staff);
            state.audit.record(&intent, &Completion::new(Outcome::Succeeded)).await;
            Redirect::to(&next).into_response()
        }
        Err((e, claimed)) => {
            tracing::info!(provider = %name, reason = %e.kind(), error = %e, "sign-in through a provider refused");
            state.metrics.sign_in(Method::Oidc, if matches!(e, OidcError::NoRole { .. }) { Counted::NoRole } else { Counted::Failed });
            intent.action = AuditAction::SignInFailed;
            intent.actor = None;
            intent.claimed_user = claimed;
            intent.detail = Some(format!("through {}: {}", crate::domain::visible(&name, 40), e.kind()));
            state.audit.record(&intent, &Completion::new(Outcome::Refused).error(&e)).await;
            to_sign_in(&session, e.to_string()).await
        }
    }
}

type Refusal = (OidcError, Option<String>);

/// The callback's checks, in order; the error says what to do, with whom it named if known.
async fn sign_in(state: &AppState, session: &Session, name: &str, q: CallbackQuery, request_id: &str) -> Result<(Staff, String, String), Refusal> {
    let provider = state.oidc.get(name).ok_or_else(|| (OidcError::NoSuchProvider(crate::domain::visible(name, 40)), None))?;
    let display = provider.cfg.display.clone();
    // Each state is accepted once: taken out of the session before anything else.
    let mut pending: Vec<Pending> = session.get(PENDING_KEY).await.ok().flatten().unwrap_or_default();
    let now = state.clock.now_ms();
    let found = q.state.as_deref().and_then(|s| pending.iter().position(|p| p.provider == name && constant_time_eq(&p.state, s)));
    let this = found.map(|i| pending.remove(i));
    pending.retain(|p| now - p.started_ms < PENDING_FOR.as_millis() as i64);
    let internal = |request_id: &str| (OidcError::Internal { request_id: request_id.to_owned() }, None);
    session.insert(PENDING_KEY, pending).await.map_err(|e| {
        tracing::error!(error = %e, "cannot update a sign-in's state");
        internal(request_id)
    })?;
    let this = this.filter(|p| now - p.started_ms < PENDING_FOR.as_millis() as i64).ok_or_else(|| (OidcError::UnknownState { provider: display.clone() }, None))?;
    if q.iss.as_deref().is_some_and(|iss| iss.trim_end_matches('/') != provider.cfg.issuer.as_str().trim_end_matches('/')) {
        return Err((OidcError::IdToken { provider: display, why: "the answer names another issuer".into() }, None));
    }
    if let Some(error) = q.error {
        let description = q.error_description.map(|d| crate::domain::visible(&d, 300));
        return Err((OidcError::ProviderSaid { provider: display, error: crate::domain::visible(&error, 80), description }, None));
    }
    let code = q.code.filter(|c| !c.is_empty() && c.len() <= 4096).ok_or_else(|| (OidcError::ProviderSaid { provider: display.clone(), error: "no code in its answer".into(), description: None }, None))?;
    let tokens = provider.redeem(code, this.verifier, this.nonce, now).await.map_err(|e| (e, None))?;
    let person = provider.person(&tokens).await.map_err(|e| {
        let claimed = match &e {
            OidcError::NoRole { identity, .. } => Some(identity.clone()),
            _ => None,
        };
        (e, claimed)
    })?;
    let staff = Staff { username: person.identity, role: person.role, method: SignInMethod::Oidc };
    let renew_at_ms = match tokens.refresh_token {
        Some(_) => next_renewal(now, tokens.access_expires_in),
        // Nothing to renew with: the session lasts as long as the ID token.
        None => tokens.id.expires_ms,
    };
    let oldest = now - state.auth.session.absolute.as_millis() as i64;
    let row = store::NewSession {
        provider: name,
        subject: &tokens.id.subject,
        username: &staff.username,
        role: staff.role,
        refresh_token: tokens.refresh_token.as_deref(),
        id_token: &tokens.id_token,
        refresh_due_ms: renew_at_ms,
    };
    let row = store::open(&state.db, row, now, oldest).await.map_err(|e| {
        tracing::error!(error = %e, "cannot keep a provider session");
        internal(request_id)
    })?;
    let binding = OidcBinding { provider: name.to_owned(), row, renew_at_ms };
    begin(session, staff.clone(), now, Some(binding)).await.map_err(|e| {
        tracing::error!(error = %e, "cannot start a session");
        internal(request_id)
    })?;
    Ok((staff, tokens.id.subject, this.next))
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
