//! The meetings each person opened lately, so a support case can be picked up again from the
//! home page. Any meeting counts, not only those created here.

use std::collections::HashMap;
use std::sync::Mutex;

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

/// What this replica wrote lately. Paging and sorting reopen a meeting many times a minute, and
/// the upsert below would skip each of them anyway: remembering the last write here spares the
/// database a statement (a write transaction on SQLite) on every view.
#[derive(Debug, Default)]
pub struct RecentlyWritten(Mutex<HashMap<(String, String), i64>>);

/// More people than any team has; past it the memory starts again (a few writes more).
const REMEMBER_AT_MOST: usize = 10_000;

impl RecentlyWritten {
    fn is_fresh(&self, user: &str, meeting_id: &str, now_ms: i64) -> bool {
        let seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        seen.get(&(user.to_owned(), meeting_id.to_owned())).is_some_and(|at| now_ms - at < REWRITE_AFTER_MS && now_ms >= *at)
    }

    fn note(&self, user: String, meeting_id: &str, now_ms: i64) {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= REMEMBER_AT_MOST {
            seen.clear();
        }
        seen.insert((user, meeting_id.to_owned()), now_ms);
    }
}

/// Notes that `username` opened `meeting_id` at `now_ms`, and trims their list.
pub async fn record(db: &Store, written: &RecentlyWritten, username: &str, meeting_id: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    let user = key(username);
    if written.is_fresh(&user, meeting_id, now_ms) {
        return Ok(());
    }
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
    if let Ok(id) = crate::domain::MeetingId::parse(meeting_id) {
        crate::server::retention::known::note_one(db, &id, crate::server::retention::known::Source::Opened, None, now_ms).await;
    }
    written.note(user, meeting_id, now_ms);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_soon_after_the_last_write_is_not_written_again() {
        let written = RecentlyWritten::default();
        assert!(!written.is_fresh("ada", "m1", 1_000));
        written.note("ada".into(), "m1", 1_000);
        assert!(written.is_fresh("ada", "m1", 1_000 + REWRITE_AFTER_MS - 1));
        assert!(!written.is_fresh("ada", "m1", 1_000 + REWRITE_AFTER_MS), "the upsert would write it now");
        assert!(!written.is_fresh("ada", "m2", 1_500) && !written.is_fresh("otto", "m1", 1_500));
        assert!(!written.is_fresh("ada", "m1", 999), "a clock that went back writes");
    }
}
