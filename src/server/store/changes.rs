//! What other processes changed, for what this replica keeps in memory:
//! - an account or a session (migration 0011's triggers, whoever makes the change), which the
//!   identity cache (`auth::identity_cache`) needs to hear of before it may answer from memory:
//!   - PostgreSQL: NOTIFY on `meeting_admin_auth`, sent when the change commits, to every
//!     replica. A lost or silent listener connection means the cache is off (everything
//!     forgotten) until a new one listens again; a heartbeat bounds how long a silent loss goes
//!     unseen.
//!   - SQLite: the console is another process, so the triggers move a counter (`auth_epoch`)
//!     that the server reads every `POLL`; that period is the bound on how late a change is seen.
//! - a deletion run by another replica (migration 0012, PostgreSQL only: an SQLite file has one
//!   server), whose meeting's kept recordings list is then dropped here too.

use std::time::Duration;

use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::{PgPool, SqlitePool};

use super::Store;
use crate::server::auth::identity_cache::IdentityCache;

pub const CHANNEL: &str = "meeting_admin_auth";
/// Its payload is the meeting id.
pub const RECORDINGS_CHANNEL: &str = "meeting_admin_recordings";
/// What the listener connection is called in `pg_stat_activity`.
pub const LISTENER_NAME: &str = "meeting-admin-listener";
/// With no notification for this long, the listener asks PostgreSQL something: an answer means
/// every notification committed before it has arrived (they come ahead of the answer).
const HEARTBEAT: Duration = Duration::from_millis(250);
const HEARTBEAT_TIMEOUT: Duration = Duration::from_millis(500);
const RECONNECT_AFTER: Duration = Duration::from_millis(500);
pub const POLL: Duration = Duration::from_millis(250);

/// Who hears of the changes.
pub struct Followers {
    pub identity: IdentityCache,
    /// A meeting's recordings changed (`Some(meeting id)`), or anything may have (`None`: the
    /// listener was lost).
    pub recordings: Box<dyn Fn(Option<&str>) + Send + Sync>,
}

/// Follows the store's changes for as long as its pool is open.
pub fn spawn(store: &Store, followers: Followers) -> tokio::task::JoinHandle<()> {
    match store {
        Store::Sqlite(pool) => tokio::spawn(poll_sqlite(pool.clone(), followers.identity)),
        Store::Postgres(pool) => tokio::spawn(listen_postgres(pool.clone(), followers)),
    }
}

async fn poll_sqlite(pool: SqlitePool, cache: IdentityCache) {
    let mut seen: Option<i64> = None;
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !pool.is_closed() {
        tick.tick().await;
        match sqlx::query_scalar::<_, i64>("SELECT n FROM auth_epoch WHERE id = 1").fetch_one(&pool).await {
            Ok(n) if seen == Some(n) => {}
            Ok(n) => {
                if seen.is_none() {
                    cache.set_live(true);
                } else {
                    cache.forget_all();
                }
                seen = Some(n);
            }
            Err(_) if pool.is_closed() => break,
            Err(e) => {
                if seen.take().is_some() {
                    tracing::warn!(error = %e, "cannot read the account change counter; sessions are read from the database until it answers");
                    cache.set_live(false);
                }
            }
        }
    }
    cache.set_live(false);
}

async fn listen_postgres(pool: PgPool, followers: Followers) {
    let cache = &followers.identity;
    // A connection of its own, not one of the pool's: it is held for good.
    let options = (*pool.connect_options()).clone().application_name(LISTENER_NAME);
    let own = PgPoolOptions::new().max_connections(1).connect_lazy_with(options);
    while !pool.is_closed() {
        match PgListener::connect_with(&own).await {
            Ok(mut listener) => {
                listener.eager_reconnect(false);
                match listener.listen_all([CHANNEL, RECORDINGS_CHANNEL]).await {
                    Ok(()) => {
                        cache.set_live(true);
                        // Deletions elsewhere were missed while nobody listened.
                        (followers.recordings)(None);
                        tracing::info!("following account and session changes; who is asking is answered from memory");
                        let why = follow(&mut listener, &followers, &pool).await;
                        cache.set_live(false);
                        if !pool.is_closed() {
                            tracing::warn!(reason = %why, "lost the account change listener; sessions are read from the database until it is back");
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot LISTEN for account changes; retrying"),
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot connect the account change listener; retrying"),
        }
        tokio::time::sleep(RECONNECT_AFTER).await;
    }
    own.close().await;
}

/// Passes each notification on; returns why it stopped.
async fn follow(listener: &mut PgListener, followers: &Followers, pool: &PgPool) -> String {
    while !pool.is_closed() {
        // `try_recv` is cancel-safe (sqlx keeps a partly read message buffered).
        match tokio::time::timeout(HEARTBEAT, listener.try_recv()).await {
            Ok(Ok(Some(n))) if n.channel() == RECORDINGS_CHANNEL => (followers.recordings)(Some(n.payload())),
            Ok(Ok(Some(_))) => followers.identity.forget_all(),
            Ok(Ok(None)) => return "the connection closed".into(),
            Ok(Err(e)) => return e.to_string(),
            Err(_) => match tokio::time::timeout(HEARTBEAT_TIMEOUT, sqlx::query("SELECT 1").execute(&mut *listener)).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return e.to_string(),
                Err(_) => return format!("no answer to a heartbeat in {HEARTBEAT_TIMEOUT:?}"),
            },
        }
    }
    "the store closed".into()
}
