//! Keeping a session signed in through a provider bound to the provider's session: every
//! `RENEW_EVERY` (or at the access token's expiry, when sooner) one replica renews it with the
//! refresh token, under a lease so the token is spent once; the answer's ID token is checked and
//! its groups give the role anew. A refused or failed renewal ends the session, and so does the
//! ID token's expiry when the provider gave no refresh token.

use std::time::Duration;

use axum::extract::Request;
use tower_sessions::Session;

use super::session::{end, OidcBinding, SignedIn, SIGN_IN_NOTICE, STAFF_KEY};
use crate::domain::{AuditAction, Outcome, Staff};
use crate::server::audit::{Completion, Intent};
use crate::server::oidc::{store, OidcError, RENEW_EVERY};
use crate::server::state::AppState;

/// How long one replica may take to renew before another may try.
const LEASE: Duration = Duration::from_secs(30);

/// Where the request came from, for the audit entry of a session ended here.
pub struct Asker {
    client_addr: String,
    request_id: String,
}

impl Asker {
    pub fn of(state: &AppState, req: &Request) -> Self {
        let header = state.auth.client_ip_header.as_ref();
        Self {
            client_addr: crate::server::http::client_addr::client_addr(req.headers(), req.extensions(), header),
            request_id: crate::server::http::request_id::request_id(req.headers()),
        }
    }
}

/// When a session renewed at `now_ms` is next renewed.
pub fn next_renewal(now_ms: i64, access_expires_in: Option<Duration>) -> i64 {
    now_ms + access_expires_in.map_or(RENEW_EVERY, |e| e.min(RENEW_EVERY)).as_millis() as i64
}

/// Who the session stands for now; `Err` when the store could not be read.
pub async fn check(state: &AppState, session: &Session, signed_in: SignedIn, asker: Asker) -> Result<Option<Staff>, ()> {
    let Some(binding) = signed_in.oidc.clone() else {
        let _ = end(session).await;
        return Ok(None);
    };
    let now = state.clock.now_ms();
    if now < binding.renew_at_ms {
        return Ok(Some(signed_in.staff));
    }
    let store_failed = |e: sqlx::Error| tracing::error!(error = %e, "cannot read a provider session");
    let provider_name = state.oidc.get(&binding.provider).map_or_else(|| binding.provider.clone(), |p| p.cfg.display.clone());
    let ended = |why: &str| OidcError::Ended { provider: provider_name.clone(), why: why.to_owned() };
    let row = store::get(&state.db, &binding.row).await.map_err(store_failed)?;
    let row = match row {
        Some(r) if r.ended_reason.is_none() => r,
        Some(r) => return finish(state, session, &signed_in, &asker, ended(r.ended_reason.as_deref().unwrap_or("it ended")), None).await,
        None => return finish(state, session, &signed_in, &asker, ended("it is no longer known here"), None).await,
    };
    if row.refresh_due_ms > now {
        // Renewed by another request or replica: take its result.
        let staff = Staff { role: row.role().unwrap_or(signed_in.staff.role), ..signed_in.staff.clone() };
        save(session, &signed_in, staff.clone(), row.refresh_due_ms, now).await;
        return Ok(Some(staff));
    }
    let Some(provider) = state.oidc.get(&binding.provider) else {
        return finish(state, session, &signed_in, &asker, ended("that provider is no longer configured"), Some(&row.id)).await;
    };
    let Some(refresh) = row.refresh_token.clone() else {
        return finish(state, session, &signed_in, &asker, ended("it has expired"), Some(&row.id)).await;
    };
    if !store::claim(&state.db, &row.id, now, LEASE.as_millis() as i64).await.map_err(store_failed)? {
        // Another request or replica is renewing it; the role stands meanwhile.
        return Ok(Some(signed_in.staff));
    }
    let renewed = match provider.renew(&refresh, now).await {
        Ok(Some(tokens)) => provider.person(&tokens).await.map(|p| (Some(tokens), p.role)),
        // No ID token in the answer: the provider still vouches for the session; the role stands.
        Ok(None) => Ok((None, signed_in.staff.role)),
        Err(e) => Err(e),
    };
    match renewed {
        Ok((tokens, role)) => {
            let due = next_renewal(now, tokens.as_ref().and_then(|t| t.access_expires_in));
            let (refresh, id_token) = tokens.as_ref().map_or((None, None), |t| (t.refresh_token.as_deref(), Some(t.id_token.as_str())));
            store::renewed(&state.db, &row.id, role, refresh, id_token, due).await.map_err(store_failed)?;
            if role != signed_in.staff.role {
                tracing::info!(user = %signed_in.staff.username, from = %signed_in.staff.role, to = %role, provider = %binding.provider, "role changed at the provider");
            }
            let staff = Staff { role, ..signed_in.staff.clone() };
            save(session, &signed_in, staff.clone(), due, now).await;
            Ok(Some(staff))
        }
        Err(e) => {
            let e = match e {
                OidcError::NoRole { .. } => e,
                other => ended(&other.to_string()),
            };
            finish(state, session, &signed_in, &asker, e, Some(&row.id)).await
        }
    }
}

async fn save(session: &Session, signed_in: &SignedIn, staff: Staff, renew_at_ms: i64, now: i64) {
    let oidc = signed_in.oidc.clone().map(|b| OidcBinding { renew_at_ms, ..b });
    let updated = SignedIn { staff, oidc, touched_at_ms: now, ..signed_in.clone() };
    if let Err(e) = session.insert(STAFF_KEY, updated).await {
        tracing::warn!(error = %e, "cannot save the renewed session");
    }
}

/// Ends the session, tells the person why on the sign-in page, and audits it.
async fn finish(state: &AppState, session: &Session, signed_in: &SignedIn, asker: &Asker, why: OidcError, row: Option<&str>) -> Result<Option<Staff>, ()> {
    let message = why.to_string();
    tracing::info!(user = %signed_in.staff.username, reason = %why.kind(), "provider session ended; signed out");
    if let Some(row) = row {
        if let Err(e) = store::end(&state.db, row, state.clock.now_ms(), why.kind()).await {
            tracing::error!(error = %e, "cannot end a provider session");
        }
    }
    let _ = end(session).await;
    if let Err(e) = session.insert(SIGN_IN_NOTICE, message.clone()).await {
        tracing::warn!(error = %e, "cannot keep the sign-in notice");
    }
    let intent = Intent {
        actor: Some(signed_in.staff.clone()),
        claimed_user: None,
        client_addr: asker.client_addr.clone(),
        action: AuditAction::SignOut,
        meeting_id: None,
        reason: None,
        detail: Some(format!("session ended by {}: {}", signed_in.oidc.as_ref().map_or("the provider", |b| b.provider.as_str()), why.kind())),
        request_id: asker.request_id.clone(),
    };
    state.audit.record(&intent, &Completion::new(Outcome::Succeeded).error(message)).await;
    Ok(None)
}
