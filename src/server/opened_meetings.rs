//! The meetings each person opened lately, so a support case can be picked up again from the
//! home page. Any meeting counts, not only those created here.

use crate::server::store::{on_pool, Store};

/// How many meetings each person's list keeps.
pub const KEEP_PER_PERSON: i64 = 20;
/// A meeting opened again within this long is not written again (paging and sorting reopen it).
const REWRITE_AFTER_MS: i64 = 60_000;

/// One row of someone's list: the meeting, when they last opened it, and its name when it was
/// created here.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenedRow {
    pub meeting_id: String,
    pub opened_ms: i64,
    pub name: Option<String>,
}

fn key(username: &str) -> String {
    username.to_lowercase()
}

/// Notes that `username` opened `meeting_id` at `now_ms`, and trims their list.
pub async fn record(db: &Store, username: &str, meeting_id: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    let user = key(username);
    let upsert = "INSERT INTO opened_meetings (username, meeting_id, opened_ms) VALUES ($1, $2, $3) \
                  ON CONFLICT (username, meeting_id) DO UPDATE SET opened_ms = excluded.opened_ms \
                  WHERE opened_meetings.opened_ms < excluded.opened_ms - $4";
    let trim = "DELETE FROM opened_meetings WHERE username = $1 AND meeting_id NOT IN \
                (SELECT meeting_id FROM opened_meetings WHERE username = $1 ORDER BY opened_ms DESC LIMIT $2)";
    on_pool!(db, pool => {
        let written = sqlx::query(upsert).bind(&user).bind(meeting_id).bind(now_ms).bind(REWRITE_AFTER_MS).execute(pool).await?;
        if written.rows_affected() > 0 {
            sqlx::query(trim).bind(&user).bind(KEEP_PER_PERSON).execute(pool).await?;
        }
    });
    Ok(())
}

/// Someone's list, most recently opened first.
pub async fn recent(db: &Store, username: &str, limit: i64) -> Result<Vec<OpenedRow>, sqlx::Error> {
    let sql = "SELECT o.meeting_id, o.opened_ms, c.name FROM opened_meetings o \
               LEFT JOIN created_meetings c ON c.meeting_id = o.meeting_id \
               WHERE o.username = $1 ORDER BY o.opened_ms DESC LIMIT $2";
    let rows = on_pool!(db, pool => sqlx::query_as::<_, OpenedRow>(sql).bind(key(username)).bind(limit).fetch_all(pool).await?);
    Ok(rows)
}
