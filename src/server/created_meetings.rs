//! The local record of meetings created through Meeting Admin.

use sqlx::SqlitePool;

use crate::domain::{CreatedMeeting, MeetingId};

pub async fn insert(db: &SqlitePool, m: &CreatedMeeting) -> Result<(), sqlx::Error> {
    let details = serde_json::to_string(m).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO created_meetings (meeting_id, name, host_id, start_date, end_date, timezone, created_by, created_at, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (meeting_id) DO NOTHING",
    )
    .bind(m.meeting_id.as_str())
    .bind(&m.meeting.name)
    .bind(m.host.get() as i64)
    .bind(m.meeting.start_date)
    .bind(m.meeting.end_date)
    .bind(m.meeting.timezone.as_ref().map(|t| t.name.clone()))
    .bind(&m.created_by)
    .bind(m.created_at)
    .bind(details)
    .execute(db)
    .await?;
    Ok(())
}

fn decode(details: String) -> Option<CreatedMeeting> {
    serde_json::from_str(&details).map_err(|e| tracing::error!(error = %e, "a stored meeting does not parse")).ok()
}

pub async fn recent(db: &SqlitePool, limit: i64) -> Result<Vec<CreatedMeeting>, sqlx::Error> {
    let rows: Vec<String> = sqlx::query_scalar("SELECT details FROM created_meetings ORDER BY created_at DESC, rowid DESC LIMIT ?")
        .bind(limit)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().filter_map(decode).collect())
}

pub async fn find(db: &SqlitePool, id: &MeetingId) -> Result<Option<CreatedMeeting>, sqlx::Error> {
    let row: Option<String> = sqlx::query_scalar("SELECT details FROM created_meetings WHERE meeting_id = ?")
        .bind(id.as_str())
        .fetch_optional(db)
        .await?;
    Ok(row.and_then(decode))
}
