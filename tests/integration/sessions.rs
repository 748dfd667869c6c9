//! The expired-session cleanup, on either backend: it deletes expired sessions and nothing else,
//! and keeps going through its own errors (here, a missing table) instead of ending.

use std::time::Duration;

use meeting_admin::server::store::sessions::Sessions;
use meeting_admin::server::store::Store;

use crate::support::TestApp;

async fn count(db: &Store) -> Result<i64, sqlx::Error> {
    meeting_admin::on_pool!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(pool).await)
}

/// One expired session and one live one, as the store writes them.
async fn plant(db: &Store) {
    match db {
        Store::Sqlite(pool) => {
            sqlx::raw_sql(
                // The SQLite store keeps expiry as text and compares it with datetime().
                "INSERT INTO sessions (id, data, expiry_date) VALUES ('old', x'00', datetime('now', '-1 minute')), ('live', x'00', datetime('now', '+1 hour'))",
            )
            .execute(pool)
            .await
            .unwrap();
        }
        Store::Postgres(pool) => {
            sqlx::raw_sql(
                "INSERT INTO sessions (id, data, expiry_date) VALUES ('old', '\\x00', now() - interval '1 minute'), ('live', '\\x00', now() + interval '1 hour')",
            )
            .execute(pool)
            .await
            .unwrap();
        }
    }
}

async fn wait_for(db: &Store, want: i64) {
    for _ in 0..100 {
        if count(db).await.ok() == Some(want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("expected {want} sessions, found {:?}", count(db).await);
}

#[tokio::test]
async fn expired_sessions_are_deleted_and_the_cleanup_outlives_its_errors() {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let before = count(db).await.unwrap(); // the admin's own session
    let cleanup = Sessions::new(db, Default::default()).await.unwrap().spawn_cleanup(Duration::from_millis(100));
    plant(db).await;
    wait_for(db, before + 1).await;

    // The table vanishes: every round fails, and the task carries on.
    meeting_admin::on_pool!(db, pool => sqlx::query("ALTER TABLE sessions RENAME TO sessions_away").execute(pool).await.map(|_| ())).unwrap();
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(!cleanup.is_finished(), "the cleanup task ended on an error");
    meeting_admin::on_pool!(db, pool => sqlx::query("ALTER TABLE sessions_away RENAME TO sessions").execute(pool).await.map(|_| ())).unwrap();
    meeting_admin::on_pool!(db, pool => sqlx::query("DELETE FROM sessions WHERE id = 'live'").execute(pool).await.map(|_| ())).unwrap();
    plant(db).await;
    wait_for(db, before + 1).await;
    cleanup.abort();
}
