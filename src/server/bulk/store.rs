//! Batches and their meetings in the store: made, read, started and requested by staff. What the
//! worker claims and writes is in `claims`.

use crate::domain::{Batch, BulkItem, DeletionState, ItemOutcome, ItemRequest, ListProblem, LookupState, MeetingId, MeetingList, SignInMethod, Staff};
use crate::server::store::{on_pool, Store};

/// What a new batch is made of.
pub struct NewBatch<'a> {
    pub creator: &'a Staff,
    pub source_text: &'a str,
    pub list: &'a MeetingList,
    pub retry_of: Option<i64>,
    pub now_ms: i64,
    /// Look up at once (a retry of meetings already checked once); else it waits as a draft.
    pub start: bool,
    /// Requested as it is made (by a retention sweep or an erasure case), not by a later click.
    pub preset: Option<&'a Preset<'a>>,
}

/// A batch requested as it is made.
pub struct Preset<'a> {
    pub reason: &'a str,
    pub requester: &'a Staff,
    pub requested_addr: &'a str,
    /// A retention sweep's: per meeting, the newest recording date (Unix seconds) its period
    /// lets go; a recording made after it spares the meeting.
    pub keep_after: Option<&'a std::collections::HashMap<MeetingId, i64>>,
    /// An erasure case's: each recording looked up is kept (never its link) for the record.
    pub case_id: Option<i64>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Problems {
    problems: Vec<ListProblem>,
    header: Option<String>,
}

/// Rows per INSERT: far under either backend's limit on bound values.
const INSERT_CHUNK: usize = 100;

pub async fn create(db: &Store, b: &NewBatch<'_>) -> Result<i64, sqlx::Error> {
    let notes = seen_before(db, b.list.ids.iter().map(|(_, id)| id)).await?;
    let problems = serde_json::to_string(&Problems { problems: b.list.problems.clone(), header: b.list.header.clone() }).unwrap_or_default();
    let started = b.start.then_some(b.now_ms);
    let state = if b.start { LookupState::Pending } else { LookupState::Draft };
    let batch_sql = "INSERT INTO bulk_batches (created_by, created_role, created_method, created_at_ms, retry_of, source_text, problems, started_at_ms, \
                     retention, reason, requested_by, requested_role, requested_method, requested_addr, requested_at_ms, case_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id";
    let preset = b.preset;
    let retention = preset.and_then(|p| p.keep_after);
    let case_id = preset.and_then(|p| p.case_id);
    let id = on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let id: i64 = sqlx::query_scalar(batch_sql)
            .bind(&b.creator.username)
            .bind(b.creator.role.as_str())
            .bind(b.creator.method.as_str())
            .bind(b.now_ms)
            .bind(b.retry_of)
            .bind(b.source_text)
            .bind(&problems)
            .bind(started)
            .bind(retention.is_some())
            .bind(preset.map(|w| w.reason))
            .bind(preset.map(|w| w.requester.username.as_str()))
            .bind(preset.map(|w| w.requester.role.as_str()))
            .bind(preset.map(|w| w.requester.method.as_str()))
            .bind(preset.map(|w| w.requested_addr))
            .bind(preset.map(|_| b.now_ms))
            .bind(case_id)
            .fetch_one(&mut *tx)
            .await?;
        for (chunk_no, chunk) in b.list.ids.chunks(INSERT_CHUNK).enumerate() {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let p = i * 8;
                    format!("(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7, p + 8)
                })
                .collect();
            let sql = format!(
                "INSERT INTO bulk_items (batch_id, position, meeting_id, line, note, lookup_state, keep_after, keep_listing) VALUES {}",
                values.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (i, (line, meeting)) in chunk.iter().enumerate() {
                let position = (chunk_no * INSERT_CHUNK + i + 1) as i64;
                q = q
                    .bind(id)
                    .bind(position)
                    .bind(meeting.as_str())
                    .bind(*line as i64)
                    .bind(notes.get(meeting).cloned())
                    .bind(state.as_str())
                    .bind(retention.and_then(|k| k.get(meeting).copied()))
                    .bind(case_id.is_some());
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        id
    });
    // Named in a list: known to retention from now on (a sweep's meetings are known already).
    if retention.is_none() {
        let ids: Vec<MeetingId> = b.list.ids.iter().map(|(_, id)| id.clone()).collect();
        if let Err(e) = crate::server::retention::known::note(db, &ids, crate::server::retention::known::Source::Bulk, None, b.now_ms).await {
            tracing::warn!(error = %e, batch = id, "cannot note a batch's meetings for retention");
        }
    }
    Ok(id)
}

/// "In batch #3; deletion request #12 is open", per meeting seen before.
async fn seen_before<'a>(db: &Store, ids: impl Iterator<Item = &'a MeetingId>) -> Result<std::collections::HashMap<MeetingId, String>, sqlx::Error> {
    let ids: Vec<&MeetingId> = ids.collect();
    let mut notes: std::collections::HashMap<MeetingId, Vec<String>> = std::collections::HashMap::new();
    for chunk in ids.chunks(INSERT_CHUNK * 4) {
        let marks = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let batches = format!("SELECT meeting_id, MAX(batch_id) FROM bulk_items WHERE meeting_id IN ({marks}) GROUP BY meeting_id");
        let open = format!(
            "SELECT meeting_id, id FROM deletion_requests WHERE meeting_id IN ({marks}) AND state IN ('awaiting_approval', 'scheduled', 'running')"
        );
        for (sql, text) in [(batches, "in batch #"), (open, "deletion request #")] {
            let rows: Vec<(String, i64)> = on_pool!(db, pool => {
                let mut q = sqlx::query_as(&sql);
                for id in chunk {
                    q = q.bind(id.as_str());
                }
                q.fetch_all(pool).await?
            });
            for (meeting, n) in rows {
                let Ok(meeting) = MeetingId::parse(&meeting) else { continue };
                let note = if text.starts_with("in batch") { format!("also in batch #{n}") } else { format!("deletion request #{n} is open") };
                notes.entry(meeting).or_default().push(note);
            }
        }
    }
    Ok(notes.into_iter().map(|(k, v)| (k, v.join("; "))).collect())
}

const BATCH_COLUMNS: &str = "id, created_by, created_at_ms, retry_of, problems, started_at_ms, reason, requested_by, requested_method, requested_at_ms";

#[derive(sqlx::FromRow)]
struct BatchRow {
    id: i64,
    created_by: String,
    created_at_ms: i64,
    retry_of: Option<i64>,
    problems: String,
    started_at_ms: Option<i64>,
    reason: Option<String>,
    requested_by: Option<String>,
    requested_method: Option<String>,
    requested_at_ms: Option<i64>,
}

impl From<BatchRow> for Batch {
    fn from(r: BatchRow) -> Self {
        let p: Problems = serde_json::from_str(&r.problems).unwrap_or(Problems { problems: vec![], header: None });
        Batch {
            id: r.id,
            created_by: r.created_by,
            created_at_ms: r.created_at_ms,
            retry_of: r.retry_of,
            problems: p.problems,
            header: p.header,
            started_at_ms: r.started_at_ms,
            reason: r.reason,
            requested_by: r.requested_by,
            requested_method: r.requested_method.as_deref().and_then(SignInMethod::parse),
            requested_at_ms: r.requested_at_ms,
        }
    }
}

pub async fn find(db: &Store, id: i64) -> Result<Option<Batch>, sqlx::Error> {
    let sql = format!("SELECT {BATCH_COLUMNS} FROM bulk_batches WHERE id = $1");
    let row: Option<BatchRow> = on_pool!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
    Ok(row.map(Batch::from))
}

/// What was pasted and uploaded, to edit it.
pub async fn source_text(db: &Store, id: i64) -> Result<Option<String>, sqlx::Error> {
    Ok(on_pool!(db, pool => sqlx::query_scalar("SELECT source_text FROM bulk_batches WHERE id = $1").bind(id).fetch_optional(pool).await?))
}

/// The newest batches, with how many meetings each holds.
pub async fn recent(db: &Store, limit: i64) -> Result<Vec<(Batch, i64)>, sqlx::Error> {
    let sql = format!(
        "SELECT b.{}, (SELECT COUNT(*) FROM bulk_items i WHERE i.batch_id = b.id) AS meetings FROM bulk_batches b ORDER BY b.id DESC LIMIT {limit}",
        BATCH_COLUMNS.replace(", ", ", b.")
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        batch: BatchRow,
        meetings: i64,
    }
    let rows: Vec<Row> = on_pool!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await?);
    Ok(rows.into_iter().map(|r| (Batch::from(r.batch), r.meetings)).collect())
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    position: i64,
    meeting_id: String,
    line: i64,
    note: Option<String>,
    lookup_state: String,
    recording_count: Option<i64>,
    total_size: Option<i64>,
    first_created: Option<i64>,
    last_created: Option<i64>,
    lookup_error: Option<String>,
    outcome: Option<String>,
    outcome_detail: Option<String>,
    other_request_id: Option<i64>,
    deletion_request_id: Option<i64>,
    request_state: Option<String>,
    deleted_count: Option<i64>,
    request_result: Option<String>,
    due_at_ms: Option<i64>,
    held: bool,
}

pub(super) fn unsigned(v: Option<i64>) -> Option<u64> {
    v.and_then(|v| u64::try_from(v).ok())
}

impl ItemRow {
    fn item(self) -> Option<BulkItem> {
        let request = match (self.deletion_request_id, self.request_state.as_deref().and_then(DeletionState::parse)) {
            (Some(id), Some(state)) => Some(ItemRequest { id, state, deleted_count: unsigned(self.deleted_count), result: self.request_result, due_at_ms: self.due_at_ms }),
            _ => None,
        };
        Some(BulkItem {
            position: u32::try_from(self.position).ok()?,
            meeting_id: MeetingId::parse(&self.meeting_id).ok()?,
            line: u32::try_from(self.line).unwrap_or(0),
            note: self.note,
            lookup: LookupState::parse(&self.lookup_state)?,
            recording_count: unsigned(self.recording_count),
            total_size: unsigned(self.total_size),
            first_created: self.first_created,
            last_created: self.last_created,
            lookup_error: self.lookup_error,
            held: self.held,
            outcome: self.outcome.as_deref().and_then(ItemOutcome::parse),
            outcome_detail: self.outcome_detail,
            other_request_id: self.other_request_id,
            request,
        })
    }
}

/// The batch's meetings in list order, each with its deletion request's state.
pub async fn items(db: &Store, batch_id: i64) -> Result<Vec<BulkItem>, sqlx::Error> {
    let sql = "SELECT i.position, i.meeting_id, i.line, i.note, i.lookup_state, i.recording_count, i.total_size, i.first_created, \
               i.last_created, i.lookup_error, i.outcome, i.outcome_detail, i.other_request_id, i.deletion_request_id, \
               r.state AS request_state, r.deleted_count, r.result AS request_result, r.due_at_ms, \
               EXISTS (SELECT 1 FROM legal_holds h WHERE h.meeting_id = i.meeting_id) AS held \
               FROM bulk_items i LEFT JOIN deletion_requests r ON r.id = i.deletion_request_id \
               WHERE i.batch_id = $1 ORDER BY i.position";
    let rows: Vec<ItemRow> = on_pool!(db, pool => sqlx::query_as(sql).bind(batch_id).fetch_all(pool).await?);
    Ok(rows.into_iter().filter_map(|r| {
        let s = r.item();
        if s.is_none() {
            tracing::error!(batch = batch_id, "a batch item in the store cannot be read; skipped");
        }
        s
    }).collect())
}

/// Starts the look-up of a draft; `false` when it was started already.
pub async fn start(db: &Store, batch_id: i64, now_ms: i64) -> Result<bool, sqlx::Error> {
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let n = sqlx::query("UPDATE bulk_batches SET started_at_ms = $1 WHERE id = $2 AND started_at_ms IS NULL")
            .bind(now_ms).bind(batch_id).execute(&mut *tx).await?.rows_affected();
        if n == 1 {
            sqlx::query("UPDATE bulk_items SET lookup_state = 'pending', not_before_ms = $1 WHERE batch_id = $2 AND lookup_state = 'draft'")
                .bind(now_ms).bind(batch_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(n == 1)
    })
}

/// Looks the failed ones up again, while the batch is not requested yet; how many.
pub async fn look_up_again(db: &Store, batch_id: i64, now_ms: i64) -> Result<u64, sqlx::Error> {
    let sql = "UPDATE bulk_items SET lookup_state = 'pending', lookup_error = NULL, lookup_attempts = 0, not_before_ms = $1 \
               WHERE batch_id = $2 AND lookup_state = 'failed' \
               AND EXISTS (SELECT 1 FROM bulk_batches b WHERE b.id = $2 AND b.requested_at_ms IS NULL)";
    Ok(on_pool!(db, pool => sqlx::query(sql).bind(now_ms).bind(batch_id).execute(pool).await?.rows_affected()))
}

/// The request to delete, once: `false` when the batch was requested already or is still
/// being looked up.
pub async fn request(db: &Store, batch_id: i64, reason: &str, by: &Staff, addr: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
    let sql = "UPDATE bulk_batches SET reason = $1, requested_by = $2, requested_role = $3, requested_method = $4, requested_addr = $5, \
               requested_at_ms = $6 WHERE id = $7 AND requested_at_ms IS NULL AND started_at_ms IS NOT NULL \
               AND NOT EXISTS (SELECT 1 FROM bulk_items i WHERE i.batch_id = $7 AND i.lookup_state IN ('draft', 'pending'))";
    let n = on_pool!(db, pool => sqlx::query(sql)
        .bind(reason)
        .bind(&by.username)
        .bind(by.role.as_str())
        .bind(by.method.as_str())
        .bind(addr)
        .bind(now_ms)
        .bind(batch_id)
        .execute(pool)
        .await?
        .rows_affected());
    Ok(n == 1)
}

/// The deletion request this batch already made for this meeting (a worker stopped between
/// making it and noting it): adopted rather than made twice.
pub async fn request_of(db: &Store, batch_id: i64, meeting: &MeetingId) -> Result<Option<i64>, sqlx::Error> {
    let sql = "SELECT id FROM deletion_requests WHERE batch_id = $1 AND meeting_id = $2 ORDER BY id LIMIT 1";
    Ok(on_pool!(db, pool => sqlx::query_scalar(sql).bind(batch_id).bind(meeting.as_str()).fetch_optional(pool).await?))
}

/// How many requested meetings still wait for their deletion request to be made.
pub async fn unrequested(db: &Store, batch_id: i64) -> Result<i64, sqlx::Error> {
    let sql = "SELECT COUNT(*) FROM bulk_items i JOIN bulk_batches b ON b.id = i.batch_id \
               WHERE i.batch_id = $1 AND b.requested_at_ms IS NOT NULL AND i.outcome IS NULL";
    Ok(on_pool!(db, pool => sqlx::query_scalar(sql).bind(batch_id).fetch_one(pool).await?))
}

