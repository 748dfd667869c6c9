//! Legal holds: a meeting under hold keeps its recordings; Meeting Admin refuses to delete them
//! until an admin lifts the hold. The row says who placed it and why; the audit log keeps both
//! the placing and the lifting.

use crate::domain::{LegalHold, MeetingId};
use crate::server::store::{on_pool, Store};

#[derive(sqlx::FromRow)]
struct HoldRow {
    meeting_id: String,
    reason: String,
    held_by: String,
    held_at_ms: i64,
}

impl HoldRow {
    fn hold(self) -> Option<LegalHold> {
        let meeting_id = MeetingId::parse(&self.meeting_id).ok()?;
        Some(LegalHold { meeting_id, reason: self.reason, held_by: self.held_by, held_at_ms: self.held_at_ms })
    }
}

pub async fn find(db: &Store, meeting: &MeetingId) -> Result<Option<LegalHold>, sqlx::Error> {
    let sql = "SELECT meeting_id, reason, held_by, held_at_ms FROM legal_holds WHERE meeting_id = $1";
    let row: Option<HoldRow> = on_pool!(db, pool => sqlx::query_as(sql).bind(meeting.as_str()).fetch_optional(pool).await?);
    Ok(row.and_then(HoldRow::hold))
}

/// Places the hold; `false` when the meeting is already held (that hold stands unchanged).
pub async fn place(db: &Store, hold: &LegalHold) -> Result<bool, sqlx::Error> {
    let sql = "INSERT INTO legal_holds (meeting_id, reason, held_by, held_at_ms) VALUES ($1, $2, $3, $4) \
               ON CONFLICT (meeting_id) DO NOTHING";
    let done = on_pool!(db, pool => sqlx::query(sql)
        .bind(hold.meeting_id.as_str())
        .bind(&hold.reason)
        .bind(&hold.held_by)
        .bind(hold.held_at_ms)
        .execute(pool)
        .await?
        .rows_affected());
    Ok(done == 1)
}

/// Lifts the hold; `false` when there was none.
pub async fn lift(db: &Store, meeting: &MeetingId) -> Result<bool, sqlx::Error> {
    let sql = "DELETE FROM legal_holds WHERE meeting_id = $1";
    let done = on_pool!(db, pool => sqlx::query(sql).bind(meeting.as_str()).execute(pool).await?.rows_affected());
    Ok(done == 1)
}
