//! Who a request's session stands for now: read once per request (from memory when nothing
//! changed), and ended here when its account no longer allows it.

use axum::extract::Request;
use tower_sessions::Session;

use super::identity_cache::AccountState;
use super::session::{end, refresh_after, CurrentStaff, SignedIn, StoreUnavailable, STAFF_KEY};
use super::users;
use crate::domain::{SignInMethod, Staff};
use crate::server::state::AppState;

/// Reads the session once per request (from memory when nothing changed). A session past its
/// absolute lifetime, whose local account was disabled or removed since, or that signed in
/// before the account's last new password, is ended here; a changed role applies at once.
pub async fn load_staff(state: &AppState, session: &Session, req: &mut Request) {
    let mut store_failed = false;
    let staff = match session.get::<SignedIn>(STAFF_KEY).await {
        Ok(Some(signed_in)) => {
            let touched = signed_in.touched_at_ms;
            let asker = super::renew::Asker::of(state, req);
            let staff = match check(state, session, signed_in.clone(), asker).await {
                Ok(staff) => staff,
                Err(()) => {
                    store_failed = true;
                    None
                }
            };
            let now_ms = state.clock.now_ms();
            // Unless renewing it with the provider just saved it anew.
            let unchanged = || async { matches!(session.get::<SignedIn>(STAFF_KEY).await, Ok(Some(s)) if s.touched_at_ms == touched) };
            if staff.is_some() && now_ms - touched >= refresh_after(state.auth.session.idle) && unchanged().await {
                // Changing the session marks it for saving, which moves its expiry on.
                let touched = SignedIn { touched_at_ms: now_ms, ..signed_in };
                if let Err(e) = session.insert(STAFF_KEY, touched).await {
                    tracing::warn!(error = %e, "cannot extend the session");
                }
            }
            staff
        }
        Ok(None) => None,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the session");
            store_failed = true;
            None
        }
    };
    if store_failed {
        req.extensions_mut().insert(StoreUnavailable);
    }
    req.extensions_mut().insert(CurrentStaff(staff));
}

/// Who the session stands for now; `Err` when the account could not be read.
async fn check(state: &AppState, session: &Session, signed_in: SignedIn, head: super::renew::Asker) -> Result<Option<Staff>, ()> {
    let age = state.clock.now_unix() - signed_in.signed_in_at;
    if age < 0 || age as u64 > state.auth.session.absolute.as_secs() {
        tracing::info!(user = %signed_in.staff.username, "session reached its absolute lifetime");
        let _ = end(session).await;
        return Ok(None);
    }
    match signed_in.staff.method {
        SignInMethod::Sso => return Ok(Some(signed_in.staff)),
        SignInMethod::Oidc => return super::renew::check(state, session, signed_in, head).await,
        SignInMethod::Password | SignInMethod::System => {}
    }
    if !state.auth.local_allowed(&signed_in.staff.username) {
        tracing::info!(user = %signed_in.staff.username, "local sign-in is off; session ended");
        let _ = end(session).await;
        return Ok(None);
    }
    let account = match account(state, &signed_in.staff.username).await {
        Ok(account) => account,
        Err(e) => {
            tracing::error!(error = %e, "cannot check the account behind a session");
            return Err(());
        }
    };
    match account {
        Some(a) if a.disabled => {
            tracing::info!(user = %signed_in.staff.username, "account disabled; session ended");
        }
        Some(a) if signed_in.signed_in_ms.max(signed_in.signed_in_at * 1000) < a.password_changed_ms => {
            tracing::info!(user = %signed_in.staff.username, "password changed since this sign-in; session ended");
        }
        Some(a) => return Ok(Some(Staff { role: a.role, ..signed_in.staff })),
        None => tracing::info!(user = %signed_in.staff.username, "account removed; session ended"),
    }
    let _ = end(session).await;
    Ok(None)
}

/// The account as it is now: from memory when kept, else read and kept (`identity_cache`).
async fn account(state: &AppState, username: &str) -> Result<Option<AccountState>, users::UserError> {
    if let Some(kept) = state.identity.account(username) {
        return Ok(Some(kept));
    }
    let generation = state.identity.generation();
    let Some(user) = users::find(&state.db, username).await? else {
        return Ok(None);
    };
    let account = AccountState { role: user.role, disabled: user.disabled, password_changed_ms: user.password_changed_ms };
    state.identity.keep_account(generation, username, account.clone());
    Ok(Some(account))
}
