//! The store itself: one of two pools, and what every caller asks of it whichever it is.

use sqlx::{PgPool, SqlitePool};

use crate::on_pool;

#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

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

    /// Connections open now, how many of them are idle, and the most the pool opens.
    pub fn connections(&self) -> (u32, usize, u32) {
        on_pool!(self, pool => (pool.size(), pool.num_idle(), pool.options().get_max_connections()))
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


/// A store error as the person asking reads it: plainly "database unavailable" when it could
/// not be reached (down or restarting), otherwise an internal error quoting the request.
pub fn user_error(e: &sqlx::Error, request_id: String) -> crate::error::AppError {
    use crate::error::AppError;
    if is_unavailable(e) { AppError::DatabaseUnavailable { request_id } } else { AppError::Internal { request_id } }
}
