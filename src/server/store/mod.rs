//! The one store everything the server keeps lives in: an SQLite file (the embedded default) or a
//! shared PostgreSQL (several replicas), chosen by `DATABASE_URL`'s scheme at start.
//!
//! Callers hold a `Store` and never a pool. Queries are written once with `$1`-style parameters,
//! which both backends read, and `on_pool!` type-checks the same body against each pool; SQL
//! that must differ sits side by side in the `match` of the function that needs it.

pub mod changes;
mod connect;
mod pool;
pub mod local_reads;
pub mod sessions;

pub use connect::{connect, DatabaseTarget, PoolSettings};
pub use pool::{is_unavailable, user_error, Backend, Store};

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
