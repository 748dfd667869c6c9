//! Sessions in the store: tower-sessions' SQLite or PostgreSQL store behind one type, and the
//! task that removes expired ones.

use std::time::Duration;

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use super::Store;

/// The table both backends keep sessions in (created by our migrations, not the store's own
/// `migrate`, which races when replicas start together on PostgreSQL).
const TABLE: &str = "sessions";

#[derive(Debug, Clone)]
pub enum Sessions {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Sessions {
    pub async fn new(store: &Store) -> Result<Self, String> {
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

macro_rules! delegate {
    ($self:ident, $s:ident => $body:expr) => {
        match $self {
            Sessions::Sqlite($s) => $body,
            Sessions::Postgres($s) => $body,
        }
    };
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        delegate!(self, s => s.create(record).await)
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        delegate!(self, s => s.save(record).await)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        delegate!(self, s => s.load(id).await)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        delegate!(self, s => s.delete(id).await)
    }
}

#[async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        delegate!(self, s => s.delete_expired().await)
    }
}
