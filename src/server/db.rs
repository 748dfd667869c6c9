//! The database pool. Migrations are embedded in the binary and run at start.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub async fn connect(url: &str) -> Result<SqlitePool, String> {
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
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .map_err(|e| format!("cannot migrate the database: {e}"))?;
    Ok(pool)
}

pub async fn ping(pool: &SqlitePool) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(pool).await.is_ok()
}
