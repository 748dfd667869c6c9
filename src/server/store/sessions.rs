//! Sessions in the store: tower-sessions' SQLite or PostgreSQL store behind one type, answered
//! from the identity cache when it may, and the task that removes expired ones.

use std::time::Duration;

use async_trait::async_trait;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use super::Store;
use crate::server::auth::identity_cache::IdentityCache;

/// The table both backends keep sessions in (created by our migrations, not the store's own
/// `migrate`, which races when replicas start together on PostgreSQL).
const TABLE: &str = "sessions";

#[derive(Debug, Clone)]
pub struct Sessions {
    backend: Backend,
    cache: IdentityCache,
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Sessions {
    pub async fn new(store: &Store, cache: IdentityCache) -> Result<Self, String> {
        Ok(Self { backend: Backend::new(store).await?, cache })
    }

    /// Deletes expired sessions every `period`, for as long as the server runs. A failed round
    /// (the database is away) is logged and the next one tried: this task must never end.
    pub fn spawn_cleanup(self, period: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = self.delete_expired().await {
                    tracing::warn!(error = %e, "cannot delete expired sessions; trying again later");
                }
            }
        })
    }
}

impl Backend {
    async fn new(store: &Store) -> Result<Self, String> {
        let bad = |e: String| format!("session store: {e}");
        Ok(match store {
            Store::Sqlite(pool) => Self::Sqlite(SqliteStore::new(pool.clone()).with_table_name(TABLE).map_err(bad)?),
            Store::Postgres(pool) => {
                // The store names its schema explicitly; ours is wherever the migrations ran.
                let schema: String = sqlx::query_scalar("SELECT current_schema()")
                    .fetch_one(pool)
                    .await
                    .map_err(|e| format!("session store: cannot read the current schema: {e}"))?;
                Self::Postgres(PostgresStore::new(pool.clone()).with_schema_name(schema).map_err(bad)?.with_table_name(TABLE).map_err(bad)?)
            }
        })
    }
}

macro_rules! delegate {
    ($self:ident, $s:ident => $body:expr) => {
        match &$self.backend {
            Backend::Sqlite($s) => $body,
            Backend::Postgres($s) => $body,
        }
    };
}

/// Writes go to the database first, then to the cache; a read is kept only when nothing changed
/// while it ran (see `identity_cache`). Only this replica's own writes are seen here; another
/// replica's deletions arrive through `changes`.
#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let generation = self.cache.generation();
        delegate!(self, s => s.create(record).await)?;
        self.cache.keep_session(generation, record.clone());
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let generation = self.cache.generation();
        delegate!(self, s => s.save(record).await)?;
        self.cache.keep_session(generation, record.clone());
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        if let Some(kept) = self.cache.session(id, OffsetDateTime::now_utc()) {
            return Ok(Some(kept));
        }
        let generation = self.cache.generation();
        let loaded = delegate!(self, s => s.load(id).await)?;
        if let Some(record) = &loaded {
            self.cache.keep_session(generation, record.clone());
        }
        Ok(loaded)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        // Forgotten before and after: no request may find it here once the delete has begun.
        self.cache.forget_session(id);
        let deleted = delegate!(self, s => s.delete(id).await);
        self.cache.forget_session(id);
        deleted
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        delegate!(self, s => s.delete_expired().await)
    }
}
