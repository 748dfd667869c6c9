//! Sessions in the app's database (tower-sessions with its SQLite store), and the middleware that
//! turns a session into the `CurrentStaff` every handler and server function reads.

use std::time::Duration;

use axum::extract::Request;
use serde::{Deserialize, Serialize};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use super::identity_cache::AccountState;
use super::users;
use crate::domain::{SignInMethod, Staff};
use crate::server::state::AppState;
use crate::server::store::sessions::Sessions;

const STAFF_KEY: &str = "staff";

/// What a signed-in session holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignedIn {
    pub staff: Staff,
    /// Unix seconds; the absolute lifetime counts from here, however active the session is.
    pub signed_in_at: i64,
    /// The same in milliseconds, to compare with a password change (0 in sessions from before).
    #[serde(default)]
    pub signed_in_ms: i64,
    /// Unix milliseconds of the last save, which is what slides the idle timeout.
    #[serde(default)]
    pub touched_at_ms: i64,
}

/// Who made this request, if anyone; put in the request's extensions for every request.
#[derive(Debug, Clone, Default)]
pub struct CurrentStaff(pub Option<Staff>);

/// Set on a request whose session or account could not be read because the database failed:
/// the visitor may well be signed in, so they are told the database is away, not to sign in.
#[derive(Debug, Clone, Copy)]
pub struct StoreUnavailable;

#[derive(Debug, Clone)]
pub struct SessionSettings {
    pub idle: Duration,
    pub absolute: Duration,
    /// Users reach us over https: `Secure` cookie with the `__Host-` prefix.
    pub secure: bool,
}

impl SessionSettings {
    pub fn cookie_name(&self) -> &'static str {
        if self.secure { "__Host-meeting-admin" } else { "meeting-admin" }
    }
}

pub fn layer(store: Sessions, s: &SessionSettings) -> SessionManagerLayer<Sessions> {
    let idle = tower_sessions::cookie::time::Duration::seconds(s.idle.as_secs() as i64);
    SessionManagerLayer::new(store)
        .with_name(s.cookie_name())
        .with_secure(s.secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

fn now() -> i64 {
    now_ms() / 1000
}

/// How stale a session's saved expiry may get before a request saves it again. Saving on every
/// request (a database write each time) was most of a request's cost and serialised concurrent
/// requests on SQLite's write lock; saving at most every minute (a quarter of a short idle
/// timeout) slides the idle timeout just the same, ending a session at most that much early.
fn refresh_after(idle: Duration) -> i64 {
    (idle / 4).min(Duration::from_secs(60)).as_millis() as i64
}

/// Starts a signed-in session: a fresh id (so a planted id is worthless), then the identity.
pub async fn begin(session: &Session, staff: Staff) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    let now_ms = now_ms();
    session.insert(STAFF_KEY, SignedIn { staff, signed_in_at: now_ms / 1000, signed_in_ms: now_ms, touched_at_ms: now_ms }).await
}

/// Deletes the session from the store and clears the cookie.
pub async fn end(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}

/// Reads the session once per request (from memory when nothing changed). A session past its
/// absolute lifetime, whose local account was disabled or removed since, or that signed in
/// before the account's last new password, is ended here; a changed role applies at once.
pub async fn load_staff(state: &AppState, session: &Session, req: &mut Request) {
    let mut store_failed = false;
    let staff = match session.get::<SignedIn>(STAFF_KEY).await {
        Ok(Some(signed_in)) => {
            let touched = signed_in.touched_at_ms;
            let staff = match check(state, session, signed_in.clone()).await {
                Ok(staff) => staff,
                Err(()) => {
                    store_failed = true;
                    None
                }
            };
            if staff.is_some() && now_ms() - touched >= refresh_after(state.auth.session.idle) {
                // Changing the session marks it for saving, which moves its expiry on.
                let touched = SignedIn { touched_at_ms: now_ms(), ..signed_in };
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
async fn check(state: &AppState, session: &Session, signed_in: SignedIn) -> Result<Option<Staff>, ()> {
    let age = now() - signed_in.signed_in_at;
    if age < 0 || age as u64 > state.auth.session.absolute.as_secs() {
        tracing::info!(user = %signed_in.staff.username, "session reached its absolute lifetime");
        let _ = end(session).await;
        return Ok(None);
    }
    if signed_in.staff.method == SignInMethod::Sso {
        return Ok(Some(signed_in.staff));
    }
    if !state.auth.local_login {
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
