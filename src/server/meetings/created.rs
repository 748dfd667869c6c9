//! The local record of meetings created through Meeting Admin.

use crate::server::store::{on_pool, Store};

use crate::domain::{CreatedMeeting, MeetingId};

pub async fn insert(db: &Store, m: &CreatedMeeting) -> Result<(), sqlx::Error> {
    let details = serde_json::to_string(m).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let sql = "INSERT INTO created_meetings (meeting_id, name, host_id, start_date, end_date, timezone, created_by, created_at, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (meeting_id) DO NOTHING";
    on_pool!(db, pool => sqlx::query(sql)
        .bind(m.meeting_id.as_str())
        .bind(&m.meeting.name)
        .bind(m.host.get() as i64)
        .bind(m.meeting.start_date)
        .bind(m.meeting.end_date)
        .bind(m.meeting.timezone.as_ref().map(|t| t.name.clone()))
        .bind(&m.created_by)
        .bind(m.created_at)
        .bind(&details)
        .execute(pool)
        .await
        .map(|_| ()))?;
    let known = crate::server::retention::known::Source::Created;
    crate::server::retention::known::note_one(db, &m.meeting_id, known, Some(m.host.get()), m.created_at.saturating_mul(1000)).await;
    Ok(())
}

fn decode(details: String) -> Option<CreatedMeeting> {
    serde_json::from_str(&details).map_err(|e| tracing::error!(error = %e, "a stored meeting does not parse")).ok()
}

pub async fn recent(db: &Store, limit: i64) -> Result<Vec<CreatedMeeting>, sqlx::Error> {
    // Meetings made in the same second come newest first: SQLite by rowid, PostgreSQL by seq.
    let rows: Vec<String> = match db {
        Store::Sqlite(pool) => {
            let sql = "SELECT details FROM created_meetings ORDER BY created_at DESC, rowid DESC LIMIT $1";
            sqlx::query_scalar(sql).bind(limit).fetch_all(pool).await?
        }
        Store::Postgres(pool) => {
            let sql = "SELECT details FROM created_meetings ORDER BY created_at DESC, seq DESC LIMIT $1";
            sqlx::query_scalar(sql).bind(limit).fetch_all(pool).await?
        }
    };
    Ok(rows.into_iter().filter_map(decode).collect())
}

pub async fn find(db: &Store, id: &MeetingId) -> Result<Option<CreatedMeeting>, sqlx::Error> {
    let sql = "SELECT details FROM created_meetings WHERE meeting_id = $1";
    let row: Option<String> = on_pool!(db, pool => sqlx::query_scalar(sql).bind(id.as_str()).fetch_optional(pool).await)?;
    Ok(row.and_then(decode))
}
