//! What the bulk worker claims and writes: meetings to look up and meetings whose deletion
//! request is to be made, each held with a lease by one conditional UPDATE, so two replicas never
//! do one meeting's step twice and a replica that stops mid-step leaves it to another.

use crate::domain::{ItemOutcome, LookupState, MeetingId, RecordingSummary, Role, SignInMethod, Staff};
use super::store::unsigned;
use crate::server::store::{on_pool, Backend, Store};
use crate::server::workers::Taken;

fn lock(db: &Store, of: &str) -> String {
    match db.backend() {
        // Another replica's claim skips rows this one is taking rather than waiting for them.
        Backend::Postgres => format!(" FOR UPDATE OF {of} SKIP LOCKED"),
        // SQLite runs one write at a time: the UPDATE is the lock.
        Backend::Sqlite => String::new(),
    }
}

/// A meeting to look up, held until `lease_until_ms`.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub item_id: i64,
    pub batch_id: i64,
    pub meeting_id: MeetingId,
    pub attempts: i64,
    /// An erasure case's meeting: each recording looked up is kept for the record.
    pub keep_listing: bool,
}

/// Rows another worker held until its lease ran out, or rows nobody holds (whose retry time, if
/// any, has come): together, every row a claim may take.
const STALLED: &str = "i.lease_owner IS NOT NULL AND i.lease_until_ms < $3";
const FREE: &str = "i.lease_owner IS NULL AND (i.lease_until_ms IS NULL OR i.lease_until_ms < $3)";

/// Takes up to `limit` meetings waiting to be looked up (or whose looker stopped).
pub async fn claim_lookups(db: &Store, owner: &str, now_ms: i64, lease_until_ms: i64, limit: i64) -> Result<Taken<Claimed>, sqlx::Error> {
    let claim = |held: &'static str, n: i64| async move {
        let sql = format!(
            "UPDATE bulk_items SET lease_owner = $1, lease_until_ms = $2, lookup_attempts = lookup_attempts + 1 \
             WHERE id IN (SELECT i.id FROM bulk_items i WHERE i.lookup_state = 'pending' AND i.not_before_ms <= $3 \
                          AND {held} ORDER BY i.batch_id, i.position LIMIT $4{}) \
             RETURNING id, batch_id, meeting_id, lookup_attempts, keep_listing",
            lock(db, "i")
        );
        let rows: Vec<(i64, i64, String, i64, bool)> =
            on_pool!(db, pool => sqlx::query_as(&sql).bind(owner).bind(lease_until_ms).bind(now_ms).bind(n).fetch_all(pool).await?);
        Ok(rows
            .into_iter()
            .filter_map(|(item_id, batch_id, m, attempts, keep_listing)| Some(Claimed { item_id, batch_id, meeting_id: MeetingId::parse(&m).ok()?, attempts, keep_listing }))
            .collect())
    };
    Taken::stalled_then_fresh(limit, |n| claim(STALLED, n), |n| claim(FREE, n)).await
}

/// What looking one meeting up gave.
#[derive(Debug, Clone)]
pub enum Looked {
    /// With each recording (as JSON) when the item keeps its listing.
    Found(RecordingSummary, Option<String>),
    /// Failed for good (`retry_at_ms` `None`), or to be tried again then.
    Failed { error: String, retry_at_ms: Option<i64> },
}

/// Writes a round of look-ups in one transaction (one commit, not one per meeting), each only
/// where `owner` still holds its lease; how many were written.
pub async fn write_lookups(db: &Store, owner: &str, looked: &[(i64, Looked)]) -> Result<usize, sqlx::Error> {
    let found = "UPDATE bulk_items SET lookup_state = 'found', recording_count = $1, total_size = $2, first_created = $3, \
                 last_created = $4, fingerprint = $5, listed = $6, lookup_error = NULL, lease_owner = NULL, lease_until_ms = NULL \
                 WHERE id = $7 AND lease_owner = $8 AND lookup_state = 'pending'";
    let failed = "UPDATE bulk_items SET lookup_state = $1, lookup_error = $2, not_before_ms = $3, lease_owner = NULL, lease_until_ms = NULL \
                  WHERE id = $4 AND lease_owner = $5 AND lookup_state = 'pending'";
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let mut written = 0;
        for (item_id, l) in looked {
            let q = match l {
                Looked::Found(s, listed) => sqlx::query(found)
                    .bind(s.count as i64)
                    .bind(i64::try_from(s.total_size).unwrap_or(i64::MAX))
                    .bind(s.first_created)
                    .bind(s.last_created)
                    .bind(&s.fingerprint)
                    .bind(listed)
                    .bind(*item_id)
                    .bind(owner),
                Looked::Failed { error, retry_at_ms } => sqlx::query(failed)
                    .bind(if retry_at_ms.is_some() { "pending" } else { "failed" })
                    .bind(error)
                    .bind(retry_at_ms.unwrap_or(0))
                    .bind(*item_id)
                    .bind(owner),
            };
            written += q.execute(&mut *tx).await?.rows_affected() as usize;
        }
        tx.commit().await?;
        Ok(written)
    })
}

/// Takes up to `limit` meetings of requested batches that have no outcome yet.
pub async fn claim_requests(db: &Store, owner: &str, now_ms: i64, lease_until_ms: i64, limit: i64) -> Result<Taken<i64>, sqlx::Error> {
    let claim = |held: &'static str, n: i64| async move {
        let sql = format!(
            "UPDATE bulk_items SET lease_owner = $1, lease_until_ms = $2 \
             WHERE id IN (SELECT i.id FROM bulk_items i JOIN bulk_batches b ON b.id = i.batch_id \
                          WHERE b.requested_at_ms IS NOT NULL AND i.outcome IS NULL AND i.lookup_state IN ('found', 'failed') \
                          AND {held} ORDER BY i.batch_id, i.position LIMIT $4{}) \
             RETURNING id",
            lock(db, "i")
        );
        Ok(on_pool!(db, pool => sqlx::query_scalar(&sql).bind(owner).bind(lease_until_ms).bind(now_ms).bind(n).fetch_all(pool).await?))
    };
    Taken::stalled_then_fresh(limit, |n| claim(STALLED, n), |n| claim(FREE, n)).await
}

/// A claimed meeting with what its deletion request needs.
#[derive(Debug, Clone)]
pub struct ToRequest {
    pub item_id: i64,
    pub batch_id: i64,
    pub meeting_id: MeetingId,
    pub lookup: LookupState,
    pub summary: RecordingSummary,
    pub lookup_error: Option<String>,
    pub reason: String,
    pub requester: Staff,
    pub requested_addr: String,
    pub held: bool,
    /// A retention sweep's cut-off: a recording made after it (Unix seconds) spares the meeting.
    pub keep_after: Option<i64>,
}

pub async fn to_request(db: &Store, item_id: i64) -> Result<Option<ToRequest>, sqlx::Error> {
    let sql = "SELECT i.batch_id, i.meeting_id, i.lookup_state, i.recording_count, i.total_size, i.first_created, i.last_created, \
               i.fingerprint, i.lookup_error, b.reason, b.requested_by, b.requested_role, b.requested_method, b.requested_addr, i.keep_after, \
               EXISTS (SELECT 1 FROM legal_holds h WHERE h.meeting_id = i.meeting_id) AS held \
               FROM bulk_items i JOIN bulk_batches b ON b.id = i.batch_id WHERE i.id = $1";
    #[derive(sqlx::FromRow)]
    struct Row {
        batch_id: i64,
        meeting_id: String,
        lookup_state: String,
        recording_count: Option<i64>,
        total_size: Option<i64>,
        first_created: Option<i64>,
        last_created: Option<i64>,
        fingerprint: Option<String>,
        lookup_error: Option<String>,
        reason: Option<String>,
        requested_by: Option<String>,
        requested_role: Option<String>,
        requested_method: Option<String>,
        requested_addr: Option<String>,
        keep_after: Option<i64>,
        held: bool,
    }
    let row: Option<Row> = on_pool!(db, pool => sqlx::query_as(sql).bind(item_id).fetch_optional(pool).await?);
    Ok(row.and_then(|r| {
        Some(ToRequest {
            item_id,
            batch_id: r.batch_id,
            meeting_id: MeetingId::parse(&r.meeting_id).ok()?,
            lookup: LookupState::parse(&r.lookup_state)?,
            summary: RecordingSummary {
                count: usize::try_from(r.recording_count.unwrap_or(0)).unwrap_or(0),
                total_duration_ms: 0,
                total_size: unsigned(r.total_size).unwrap_or(0),
                first_created: r.first_created,
                last_created: r.last_created,
                fingerprint: r.fingerprint.unwrap_or_default(),
            },
            lookup_error: r.lookup_error,
            reason: r.reason?,
            requester: Staff {
                username: r.requested_by?,
                role: Role::parse(r.requested_role.as_deref().unwrap_or_default()).unwrap_or(Role::Viewer),
                method: SignInMethod::parse(r.requested_method.as_deref().unwrap_or_default()).unwrap_or(SignInMethod::Password),
            },
            requested_addr: r.requested_addr.unwrap_or_default(),
            held: r.held,
            keep_after: r.keep_after,
        })
    }))
}

/// A meeting's outcome in its batch.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub outcome: ItemOutcome,
    pub detail: Option<String>,
    pub other_request_id: Option<i64>,
    pub deletion_request_id: Option<i64>,
}

/// Closes a claimed meeting with its outcome; `false` when the lease was lost.
pub async fn set_outcome(db: &Store, item_id: i64, owner: &str, o: &Outcome) -> Result<bool, sqlx::Error> {
    let sql = "UPDATE bulk_items SET outcome = $1, outcome_detail = $2, other_request_id = $3, deletion_request_id = $4, \
               lease_owner = NULL, lease_until_ms = NULL WHERE id = $5 AND lease_owner = $6 AND outcome IS NULL";
    let n = on_pool!(db, pool => sqlx::query(sql)
        .bind(o.outcome.as_str())
        .bind(&o.detail)
        .bind(o.other_request_id)
        .bind(o.deletion_request_id)
        .bind(item_id)
        .bind(owner)
        .execute(pool)
        .await?
        .rows_affected());
    Ok(n == 1)
}

/// Hands a claimed meeting back untouched, to be tried again at `not_before_ms`.
pub async fn release(db: &Store, item_id: i64, owner: &str, not_before_ms: i64) -> Result<(), sqlx::Error> {
    let sql = "UPDATE bulk_items SET lease_owner = NULL, lease_until_ms = $1 WHERE id = $2 AND lease_owner = $3";
    // The lease's end doubles as "not before": claims skip rows whose lease has not run out.
    on_pool!(db, pool => sqlx::query(sql).bind(not_before_ms).bind(item_id).bind(owner).execute(pool).await?.rows_affected());
    Ok(())
}
