//! Erasure cases and their meetings in the store. Each change is one conditional UPDATE, so a
//! case changed by two people (or replicas) at once takes one change and refuses the other.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::domain::{BulkItem, Case, CaseMeeting, CaseState, Ground, MeetingId, NewCase, Staff};
use crate::server::store::{on_pool, Store};

const COLUMNS: &str = "id, reference, ground, note, received_day, verified_day, due_day, extended_to, extension_reason, paused_since_ms, \
    pause_reason, paused_days, state, refusal_reason, opened_by, opened_at_ms, closed_by, closed_at_ms, record IS NOT NULL AS has_record";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    reference: String,
    ground: String,
    note: String,
    received_day: String,
    verified_day: Option<String>,
    due_day: String,
    extended_to: Option<String>,
    extension_reason: Option<String>,
    paused_since_ms: Option<i64>,
    pause_reason: Option<String>,
    paused_days: i64,
    state: String,
    refusal_reason: Option<String>,
    opened_by: String,
    opened_at_ms: i64,
    closed_by: Option<String>,
    closed_at_ms: Option<i64>,
    has_record: bool,
}

fn day(s: &str) -> Option<Date> {
    s.parse().ok()
}

impl Row {
    /// `None` for a row the CHECK constraints let through but this version cannot read.
    fn case(self) -> Option<Case> {
        Some(Case {
            id: self.id,
            reference: self.reference,
            ground: self.ground.parse::<Ground>().ok()?,
            note: self.note,
            received: day(&self.received_day)?,
            verified: self.verified_day.as_deref().and_then(day),
            due: day(&self.due_day)?,
            extended_to: self.extended_to.as_deref().and_then(day),
            extension_reason: self.extension_reason,
            paused_since_ms: self.paused_since_ms,
            pause_reason: self.pause_reason,
            paused_days: self.paused_days,
            state: self.state.parse::<CaseState>().ok()?,
            refusal_reason: self.refusal_reason,
            opened_by: self.opened_by,
            opened_at_ms: self.opened_at_ms,
            closed_by: self.closed_by,
            closed_at_ms: self.closed_at_ms,
            has_record: self.has_record,
        })
    }
}

/// Why a case could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// That reference has a case already (its id).
    Exists(i64),
    Store(sqlx::Error),
}

pub async fn create(db: &Store, c: &NewCase, by: &Staff, now_ms: i64) -> Result<i64, OpenError> {
    let sql = "INSERT INTO erasure_cases (reference, ground, note, received_day, verified_day, due_day, state, opened_by, opened_at_ms) \
               VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8) ON CONFLICT (reference) DO NOTHING RETURNING id";
    let id: Option<i64> = on_pool!(db, pool => sqlx::query_scalar(sql)
        .bind(&c.reference)
        .bind(c.ground.as_str())
        .bind(&c.note)
        .bind(c.received.to_string())
        .bind(c.verified.map(|d| d.to_string()))
        .bind(c.due.to_string())
        .bind(&by.username)
        .bind(now_ms)
        .fetch_optional(pool)
        .await)
    .map_err(OpenError::Store)?;
    match id {
        Some(id) => Ok(id),
        None => {
            let existing: i64 = on_pool!(db, pool => sqlx::query_scalar("SELECT id FROM erasure_cases WHERE reference = $1").bind(&c.reference).fetch_one(pool).await)
                .map_err(OpenError::Store)?;
            Err(OpenError::Exists(existing))
        }
    }
}

pub async fn find(db: &Store, id: i64) -> Result<Option<Case>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM erasure_cases WHERE id = $1");
    let row: Option<Row> = on_pool!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
    Ok(row.and_then(Row::case))
}

/// Cases, open ones first by deadline, then the closed ones newest first; `limit` at most.
pub async fn list(db: &Store, limit: i64) -> Result<Vec<Case>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM erasure_cases ORDER BY CASE WHEN state IN ('open', 'in_progress') THEN 0 ELSE 1 END, \
         CASE WHEN state IN ('open', 'in_progress') THEN due_day END, closed_at_ms DESC, id DESC LIMIT $1"
    );
    let rows: Vec<Row> = on_pool!(db, pool => sqlx::query_as(&sql).bind(limit).fetch_all(pool).await?);
    Ok(rows.into_iter().filter_map(Row::case).collect())
}

/// Adds meetings to a case (a meeting already in it stays as it was); how many were new.
pub async fn add_meetings(db: &Store, case_id: i64, ids: &[MeetingId], by: &Staff, source: &str, now_ms: i64) -> Result<u64, sqlx::Error> {
    let sql = "INSERT INTO case_meetings (case_id, meeting_id, added_by, added_at_ms, source) VALUES ($1, $2, $3, $4, $5) \
               ON CONFLICT (case_id, meeting_id) DO NOTHING";
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let mut added = 0;
        for id in ids {
            added += sqlx::query(sql).bind(case_id).bind(id.as_str()).bind(&by.username).bind(now_ms).bind(source).execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    })
}

/// Meetings of a case, as added, with how each stands in the latest of the case's batches.
pub async fn meetings(db: &Store, case_id: i64) -> Result<Vec<CaseMeeting>, sqlx::Error> {
    let rows: Vec<(String, String, i64, String, Option<String>)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT meeting_id, added_by, added_at_ms, source, after_json FROM case_meetings WHERE case_id = $1 ORDER BY added_at_ms, meeting_id")
        .bind(case_id)
        .fetch_all(pool)
        .await?);
    let items = batch_items(db, case_id).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, added_by, added_at_ms, source, after)| {
            let meeting_id = MeetingId::parse(&m).ok()?;
            let (batch_id, result) = match items.get(&meeting_id) {
                Some((b, item, requested)) => (Some(*b), Some(item.result(*requested))),
                None => (None, None),
            };
            let left_after = after.and_then(|a| serde_json::from_str::<Vec<crate::domain::ListedRecording>>(&a).ok()).map(|l| l.len());
            Some(CaseMeeting { meeting_id, added_by, added_at_ms, source, batch_id, result, left_after })
        })
        .collect())
}

/// The case's batches' ids, oldest first.
pub async fn batches(db: &Store, case_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_scalar("SELECT id FROM bulk_batches WHERE case_id = $1 ORDER BY id").bind(case_id).fetch_all(pool).await)
}

/// Per meeting, its item in the latest of the case's batches that has it, and whether that
/// batch was requested.
async fn batch_items(db: &Store, case_id: i64) -> Result<HashMap<MeetingId, (i64, BulkItem, bool)>, sqlx::Error> {
    let mut out = HashMap::new();
    for b in batches(db, case_id).await? {
        let requested = crate::server::bulk::store::find(db, b).await?.is_some_and(|batch| batch.requested_at_ms.is_some());
        for item in crate::server::bulk::store::items(db, b).await? {
            out.insert(item.meeting_id.clone(), (b, item, requested));
        }
    }
    Ok(out)
}

/// Each recording the case's batches listed before deletion, per meeting (the latest batch).
pub async fn listed_before(db: &Store, case_id: i64) -> Result<HashMap<MeetingId, (i64, String)>, sqlx::Error> {
    let rows: Vec<(String, i64, Option<String>)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT i.meeting_id, i.batch_id, i.listed FROM bulk_items i JOIN bulk_batches b ON b.id = i.batch_id WHERE b.case_id = $1 ORDER BY i.batch_id")
        .bind(case_id)
        .fetch_all(pool)
        .await?);
    Ok(rows.into_iter().filter_map(|(m, b, l)| Some((MeetingId::parse(&m).ok()?, (b, l?)))).collect())
}

const OPEN: &str = "state IN ('open', 'in_progress')";

/// The day identity was verified.
pub async fn set_verified(db: &Store, case_id: i64, day: Date) -> Result<bool, sqlx::Error> {
    let sql = format!("UPDATE erasure_cases SET verified_day = $1 WHERE id = $2 AND {OPEN}");
    let d = day.to_string();
    on_pool!(db, pool => sqlx::query(&sql).bind(d.clone()).bind(case_id).execute(pool).await.map(|r| r.rows_affected() == 1))
}

/// The one extension (refused by the row if one was made already).
pub async fn extend(db: &Store, case_id: i64, to: Date, reason: &str) -> Result<bool, sqlx::Error> {
    let sql = format!("UPDATE erasure_cases SET extended_to = $1, extension_reason = $2 WHERE id = $3 AND extended_to IS NULL AND {OPEN}");
    let (d, r) = (to.to_string(), reason.to_owned());
    on_pool!(db, pool => sqlx::query(&sql).bind(d.clone()).bind(r.clone()).bind(case_id).execute(pool).await.map(|r| r.rows_affected() == 1))
}

pub async fn pause(db: &Store, case_id: i64, reason: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
    let sql = format!("UPDATE erasure_cases SET paused_since_ms = $1, pause_reason = $2 WHERE id = $3 AND paused_since_ms IS NULL AND {OPEN}");
    let r = reason.to_owned();
    on_pool!(db, pool => sqlx::query(&sql).bind(now_ms).bind(r.clone()).bind(case_id).execute(pool).await.map(|r| r.rows_affected() == 1))
}

/// Ends a pause begun at `since_ms`, adding its days to the deadline.
pub async fn resume(db: &Store, case_id: i64, since_ms: i64, days: i64) -> Result<bool, sqlx::Error> {
    let sql = format!("UPDATE erasure_cases SET paused_since_ms = NULL, paused_days = paused_days + $1 WHERE id = $2 AND paused_since_ms = $3 AND {OPEN}");
    on_pool!(db, pool => sqlx::query(&sql).bind(days).bind(case_id).bind(since_ms).execute(pool).await.map(|r| r.rows_affected() == 1))
}

/// Deletion was requested: open → in progress (already in progress stays so).
pub async fn mark_in_progress(db: &Store, case_id: i64) -> Result<bool, sqlx::Error> {
    let sql = format!("UPDATE erasure_cases SET state = 'in_progress' WHERE id = $1 AND {OPEN}");
    on_pool!(db, pool => sqlx::query(&sql).bind(case_id).execute(pool).await.map(|r| r.rows_affected() == 1))
}

/// Refused with a reason: nothing is deleted, and no record is made.
pub async fn refuse(db: &Store, case_id: i64, reason: &str, by: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
    let sql = format!("UPDATE erasure_cases SET state = 'refused', refusal_reason = $1, closed_by = $2, closed_at_ms = $3, paused_since_ms = NULL WHERE id = $4 AND {OPEN}");
    let (r, b) = (reason.to_owned(), by.to_owned());
    on_pool!(db, pool => sqlx::query(&sql).bind(r.clone()).bind(b.clone()).bind(now_ms).bind(case_id).execute(pool).await.map(|r| r.rows_affected() == 1))
}

/// Closes a case with its state and signed record, and each meeting's listing after; only if it
/// is still open or in progress.
pub async fn close(db: &Store, case_id: i64, state: CaseState, by: &str, now_ms: i64, record: &str, after: &[(MeetingId, String)]) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let done = sqlx::query(
            "UPDATE erasure_cases SET state = $1, closed_by = $2, closed_at_ms = $3, record = $4, paused_since_ms = NULL \
             WHERE id = $5 AND state IN ('open', 'in_progress')")
            .bind(state.as_str())
            .bind(by)
            .bind(now_ms)
            .bind(record)
            .bind(case_id)
            .execute(&mut *tx)
            .await?
            .rows_affected() == 1;
        if !done {
            return Ok(false);
        }
        for (m, json) in after {
            sqlx::query("UPDATE case_meetings SET after_json = $1 WHERE case_id = $2 AND meeting_id = $3").bind(json).bind(case_id).bind(m.as_str()).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    })
}

/// The signed record of a closed case, as the file is downloaded.
pub async fn record(db: &Store, case_id: i64) -> Result<Option<(String, String)>, sqlx::Error> {
    let row: Option<(String, Option<String>)> =
        on_pool!(db, pool => sqlx::query_as("SELECT reference, record FROM erasure_cases WHERE id = $1").bind(case_id).fetch_optional(pool).await?);
    Ok(row.and_then(|(r, rec)| Some((r, rec?))))
}

/// Takes the right to send one reminder (`column` is `reminded_soon_ms` or `reminded_overdue_ms`):
/// true for exactly one replica.
pub async fn take_reminder(db: &Store, case_id: i64, column: &'static str, now_ms: i64) -> Result<bool, sqlx::Error> {
    let sql = format!("UPDATE erasure_cases SET {column} = $1 WHERE id = $2 AND {column} IS NULL AND state IN ('open', 'in_progress')");
    on_pool!(db, pool => sqlx::query(&sql).bind(now_ms).bind(case_id).execute(pool).await.map(|r| r.rows_affected() == 1))
}
