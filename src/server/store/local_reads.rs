//! One-row reads of an SQLite file on the asking thread.
//!
//! sqlx runs every SQLite query on its connection's own thread, so a query is a hand-off there
//! and back: two thread wake-ups, which on a busy server cost far more than reading one small row
//! from SQLite's page cache (a fifth of a kept recordings page's CPU in a profile, most of it the
//! wake-ups). The reads here go through a read-only connection that each thread opens for itself,
//! on the same file and the same SQLite library, so they see every committed write, whoever made
//! it, exactly as a pooled connection would. Anything unusual (an in-memory database, the file
//! locked, any error) answers `None`, and the caller asks the pool as before.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use sqlx::SqlitePool;

/// Files one thread keeps a reader open on: a server has one; a test process opens many in turn.
const READERS_PER_THREAD: usize = 4;

thread_local! {
    static READERS: RefCell<Vec<(PathBuf, Connection)>> = const { RefCell::new(Vec::new()) };
}

/// `SELECT` of one integer by one text key, e.g. a meeting's version. `Some(None)`: no such row.
pub fn one_i64(pool: &SqlitePool, sql: &'static str, key: &str) -> Option<Option<i64>> {
    let options = pool.connect_options();
    let path = options.get_filename();
    READERS.with_borrow_mut(|readers| {
        let at = match readers.iter().position(|(p, _)| p == path) {
            Some(at) => at,
            None => {
                // Checked only when opening, so a kept reader costs no stat() per read.
                if !is_file(path) {
                    return None;
                }
                let reader = open(path)?;
                if readers.len() >= READERS_PER_THREAD {
                    readers.remove(0);
                }
                readers.push((path.to_owned(), reader));
                readers.len() - 1
            }
        };
        let read = readers[at].1.prepare_cached(sql).and_then(|mut q| q.query_row([key], |row| row.get(0)).optional());
        match read {
            Ok(v) => Some(v),
            Err(error) => {
                // Busy or broken: the pool answers this time, and a fresh reader the next.
                tracing::debug!(%error, "local SQLite read failed; the pool answers instead");
                readers.remove(at);
                None
            }
        }
    })
}

/// An on-disk database (sqlx names an in-memory one `:memory:` or `file:sqlx-in-memory-…`, which
/// another connection would not share).
fn is_file(path: &Path) -> bool {
    let name = path.as_os_str().as_encoded_bytes();
    name != b":memory:" && !name.starts_with(b"file:") && path.is_file()
}

fn open(path: &Path) -> Option<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let reader = Connection::open_with_flags(path, flags).ok()?;
    // Never wait on the serving thread: a locked file falls back to the pool, which may wait.
    reader.busy_timeout(Duration::ZERO).ok()?;
    Some(reader)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

    use super::one_i64;

    const SQL: &str = "SELECT v FROM versions WHERE k = $1";

    async fn pool(url: &str) -> sqlx::SqlitePool {
        let options = SqliteConnectOptions::from_str(url).unwrap().create_if_missing(true).journal_mode(SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new().max_connections(2).connect_with(options).await.unwrap();
        sqlx::query("CREATE TABLE versions (k TEXT PRIMARY KEY NOT NULL, v INTEGER NOT NULL)").execute(&pool).await.unwrap();
        pool
    }

    #[tokio::test]
    async fn reads_what_any_connection_committed_the_moment_it_commits() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("local.db");
        let pool = pool(&format!("sqlite://{}", file.display())).await;
        assert_eq!(one_i64(&pool, SQL, "m"), Some(None));

        sqlx::query("INSERT INTO versions (k, v) VALUES ('m', 1)").execute(&pool).await.unwrap();
        assert_eq!(one_i64(&pool, SQL, "m"), Some(Some(1)));

        // Another process's write (the console, plain SQL) is seen on the very next read.
        let other = rusqlite::Connection::open(&file).unwrap();
        other.execute("UPDATE versions SET v = 2 WHERE k = 'm'", []).unwrap();
        assert_eq!(one_i64(&pool, SQL, "m"), Some(Some(2)));
        assert_eq!(one_i64(&pool, SQL, "other"), Some(None));
    }

    #[tokio::test]
    async fn a_failed_read_leaves_it_to_the_pool_and_the_next_read_opens_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&format!("sqlite://{}", dir.path().join("failing.db").display())).await;
        sqlx::query("INSERT INTO versions (k, v) VALUES ('m', 1)").execute(&pool).await.unwrap();
        assert_eq!(one_i64(&pool, "SELECT v FROM no_such_table WHERE k = $1", "m"), None);
        assert_eq!(one_i64(&pool, SQL, "m"), Some(Some(1)));
    }

    #[tokio::test]
    async fn an_in_memory_database_is_left_to_the_pool() {
        let pool = pool("sqlite::memory:").await;
        assert_eq!(one_i64(&pool, SQL, "m"), None);
    }
}
