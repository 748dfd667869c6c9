//! Opening the store: parsing `DATABASE_URL`, the pool per backend, and migrations.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::pool::Store;
use crate::server::secret::Secret;

pub(super) static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
pub(super) static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database `DATABASE_URL` names. A PostgreSQL URL may hold a password, so it is a secret.
#[derive(Debug, Clone)]
pub enum DatabaseTarget {
    Sqlite(String),
    Postgres(Secret),
}

impl DatabaseTarget {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = raw.trim();
        if url.starts_with("sqlite:") {
            return Ok(Self::Sqlite(url.to_owned()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Checked here so a typo stops start-up with a clear line, not at the first query.
            PgConnectOptions::from_str(url).map_err(|_| "is not a valid postgres:// URL".to_owned())?;
            return Ok(Self::Postgres(Secret::new(url)));
        }
        let scheme = url.split(':').next().unwrap_or_default();
        Err(format!("'{scheme}:' is not supported; use sqlite://PATH or postgres://USER@HOST/DB"))
    }
}

#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    /// Connections per replica (PostgreSQL); SQLite keeps its own small pool.
    pub max_connections: u32,
    /// How long a request waits for a connection before it is told the database is unavailable.
    pub acquire_timeout: Duration,
    /// How long start-up keeps trying to reach PostgreSQL (it may be starting alongside us).
    pub startup_wait: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self { max_connections: 10, acquire_timeout: Duration::from_secs(3), startup_wait: Duration::from_secs(30) }
    }
}

pub async fn connect(target: &DatabaseTarget, settings: PoolSettings) -> Result<Store, String> {
    match target {
        DatabaseTarget::Sqlite(url) => sqlite(url).await,
        DatabaseTarget::Postgres(url) => postgres(url, settings).await,
    }
}

async fn sqlite(url: &str) -> Result<Store, String> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| format!("DATABASE_URL: {e}"))?
        .create_if_missing(true)
        // WAL lets readers proceed during a write; FULL sync so an acknowledged write survives a crash.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // A local file has no connection to lose; sqlx's default ping before each use was a
        // second round trip to the connection's thread on every query (seen in profiles).
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    SQLITE_MIGRATIONS.run(&pool).await.map_err(|e| format!("cannot migrate the database: {e}"))?;
    Ok(Store::Sqlite(pool))
}

async fn postgres(url: &Secret, settings: PoolSettings) -> Result<Store, String> {
    let options = PgConnectOptions::from_str(url.expose())
        .map_err(|_| "DATABASE_URL is not a valid postgres:// URL".to_owned())?
        .application_name("meeting-admin")
        // A query that hangs (a lock held by a stuck session) fails instead of holding a request.
        .options([("statement_timeout", "15s")]);
    let pool = PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(settings.acquire_timeout)
        // The ping before each use is what lets the pool drop connections a database restart
        // broke, so the app recovers by itself.
        .test_before_acquire(true)
        .connect_lazy_with(options);
    let deadline = tokio::time::Instant::now() + settings.startup_wait;
    loop {
        match pool.acquire().await {
            Ok(_) => break,
            Err(e) if tokio::time::Instant::now() < deadline => {
                tracing::warn!(error = %e, "PostgreSQL is not reachable yet; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(e) => return Err(format!("cannot reach PostgreSQL (DATABASE_URL): {e}")),
        }
    }
    if pending_migrations(&pool).await {
        // sqlx holds an advisory lock while it migrates, so replicas starting together on an
        // empty database apply each migration once, one after the other.
        POSTGRES_MIGRATIONS.run(&pool).await.map_err(|e| {
            format!("cannot migrate the database: {e} (a role without CREATE rights cannot; run `meeting-admin migrate` with the owner's DATABASE_URL first)")
        })?;
    }
    Ok(Store::Postgres(pool))
}

/// Whether any migration is not yet applied. Checked first so that a least-privilege role (no
/// CREATE on the schema) starts on an up-to-date database: sqlx's migrator would try to create
/// its bookkeeping table even when nothing is pending.
async fn pending_migrations(pool: &sqlx::PgPool) -> bool {
    let applied: Result<Vec<i64>, _> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success").fetch_all(pool).await;
    match applied {
        Ok(applied) => POSTGRES_MIGRATIONS.iter().any(|m| !applied.contains(&m.version)),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::DatabaseTarget;

    #[test]
    fn urls_choose_the_backend() {
        assert!(matches!(DatabaseTarget::parse("sqlite://a.db"), Ok(DatabaseTarget::Sqlite(_))));
        assert!(matches!(DatabaseTarget::parse(" postgres://u:p@h/db "), Ok(DatabaseTarget::Postgres(_))));
        assert!(matches!(DatabaseTarget::parse("postgresql://h/db"), Ok(DatabaseTarget::Postgres(_))));
        assert!(DatabaseTarget::parse("mysql://h/db").unwrap_err().contains("'mysql:' is not supported"));
    }

    #[test]
    fn a_postgres_password_never_prints() {
        let t = DatabaseTarget::parse("postgres://app:hunter2-secret@db/meetings").unwrap();
        assert!(!format!("{t:?}").contains("hunter2"));
    }
}
