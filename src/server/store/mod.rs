//! The one store everything the server keeps lives in: an SQLite file (the embedded default) or a
//! shared PostgreSQL (several replicas), chosen by `DATABASE_URL`'s scheme at start.
//!
//! Callers hold a `Store` and never a pool. Queries are written once with `$1`-style parameters,
//! which both backends read, and `on_pool!` type-checks the same body against each pool; SQL
//! that must differ sits side by side in the `match` of the function that needs it.

pub mod changes;
mod connect;
pub mod local_reads;
pub mod sessions;

use sqlx::{PgPool, SqlitePool};

pub use connect::{connect, DatabaseTarget, PoolSettings};

#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// Runs `$body` with `$pool` bound to whichever pool the store has (the body is compiled once
/// per backend, so a query that one backend cannot encode or decode fails the build).
#[doc(hidden)]
#[macro_export]
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::server::store::Store::Sqlite($pool) => $body,
            $crate::server::store::Store::Postgres($pool) => $body,
        }
    };
}
pub use crate::on_pool;

impl Store {
    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Whether the database answers a query now (`/readyz`).
    pub async fn ping(&self) -> bool {
        on_pool!(self, pool => sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(pool).await.is_ok())
    }

    /// Closes every connection (tests that restart a replica on the same database).
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// Whether an error means the database could not be reached (as opposed to a query it refused),
/// so pages can say "the database is unavailable" rather than "something went wrong".
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Tls(_))
        || matches!(e, sqlx::Error::Database(d) if d.code().is_some_and(|c| {
            // PostgreSQL: admin shutdown, crash shutdown, cannot connect now, connection failures.
            matches!(&*c, "57P01" | "57P02" | "57P03") || c.starts_with("08")
        }))
}

#[cfg(test)]
mod tests {
    /// Both backends must have the same migrations, version for version, so a feature lands on
    /// both at once and `_sqlx_migrations` reads the same everywhere.
    #[test]
    fn both_backends_have_the_same_migrations() {
        let list = |m: &sqlx::migrate::Migrator| m.iter().map(|m| (m.version, m.description.to_string())).collect::<Vec<_>>();
        let sqlite = list(&super::connect::SQLITE_MIGRATIONS);
        let postgres = list(&super::connect::POSTGRES_MIGRATIONS);
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, postgres);
    }
}
