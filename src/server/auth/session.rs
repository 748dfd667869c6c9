//! Sessions in the app's database (tower-sessions with its SQLite store), and the middleware that
//! turns a session into the `CurrentStaff` every handler and server function reads.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use crate::domain::Staff;
use crate::server::store::sessions::Sessions;

pub(crate) const STAFF_KEY: &str = "staff";
/// What the sign-in page says once, after a sign-in or a session ended elsewhere (a provider).
pub const SIGN_IN_NOTICE: &str = "sign_in_notice";

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
    /// Signed in through an OpenID Connect provider: the session there this one is bound to.
    #[serde(default)]
    pub oidc: Option<OidcBinding>,
}

/// A session's tie to its provider session (`oidc_sessions`); no token is kept in the cookie's
/// session, only the row's id and when it is next renewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OidcBinding {
    pub provider: String,
    pub row: String,
    /// Unix milliseconds; until then the role stands without asking the provider.
    pub renew_at_ms: i64,
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

/// How stale a session's saved expiry may get before a request saves it again. Saving on every
/// request (a database write each time) was most of a request's cost and serialised concurrent
/// requests on SQLite's write lock; saving at most every minute (a quarter of a short idle
/// timeout) slides the idle timeout just the same, ending a session at most that much early.
pub(super) fn refresh_after(idle: Duration) -> i64 {
    (idle / 4).min(Duration::from_secs(60)).as_millis() as i64
}

/// Starts a signed-in session: a fresh id (so a planted id is worthless), then the identity.
pub async fn begin(session: &Session, staff: Staff, now_ms: i64, oidc: Option<OidcBinding>) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(STAFF_KEY, SignedIn { staff, signed_in_at: now_ms / 1000, signed_in_ms: now_ms, touched_at_ms: now_ms, oidc }).await
}

/// Deletes the session from the store and clears the cookie.
pub async fn end(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}

