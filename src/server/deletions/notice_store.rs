//! The approval webhook's notices in the store (migration 0014). A notice is made once per
//! request or batch (its unique column decides between replicas making it at once) and is held
//! by one sender at a time through its lease.

use crate::domain::DeletionState;
use crate::server::store::{on_pool, Backend, Store};
use crate::server::workers::Taken;

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Request(i64),
    Batch(i64),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Request(id) => write!(f, "request #{id}"),
            Self::Batch(id) => write!(f, "batch #{id}"),
        }
    }
}

/// A notice claimed for sending.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub subject: Subject,
    pub body: String,
    /// Including this one.
    pub attempts: u32,
}

/// How a notice ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    Sent,
    /// What it announced no longer waits for approval (decided, cancelled or expired meanwhile).
    Moot,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Requests that wait for approval on their own (not as part of a batch) and have no notice yet.
pub async fn requests_without_notice(db: &Store, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    let sql = "SELECT r.id FROM deletion_requests r \
               WHERE r.state = 'awaiting_approval' AND r.batch_id IS NULL \
               AND NOT EXISTS (SELECT 1 FROM approval_notices n WHERE n.request_id = r.id) \
               ORDER BY r.id LIMIT $1";
    on_pool!(db, pool => sqlx::query_scalar(sql).bind(limit).fetch_all(pool).await)
}

/// A batch waiting for approval, as its notice tells it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WaitingBatch {
    pub id: i64,
    pub requested_by: Option<String>,
    pub reason: Option<String>,
    pub requests: i64,
}

/// Batches whose every meeting has been decided, with requests waiting for approval, and no
/// notice yet: one notice covers the batch once its last request is made.
pub async fn batches_without_notice(db: &Store, limit: i64) -> Result<Vec<WaitingBatch>, sqlx::Error> {
    let sql = "SELECT b.id, b.requested_by, b.reason, \
                      (SELECT COUNT(*) FROM bulk_items i WHERE i.batch_id = b.id AND i.outcome = 'requested') AS requests \
               FROM bulk_batches b \
               WHERE b.id IN (SELECT r.batch_id FROM deletion_requests r WHERE r.state = 'awaiting_approval' AND r.batch_id IS NOT NULL) \
               AND NOT EXISTS (SELECT 1 FROM approval_notices n WHERE n.batch_id = b.id) \
               AND NOT EXISTS (SELECT 1 FROM bulk_items i WHERE i.batch_id = b.id AND i.outcome IS NULL) \
               ORDER BY b.id LIMIT $1";
    on_pool!(db, pool => sqlx::query_as(sql).bind(limit).fetch_all(pool).await)
}

/// Makes the notice of `subject`, due now; `false` when it already has one (another replica's).
pub async fn make(db: &Store, subject: Subject, body: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
    let (request, batch) = ids(subject);
    let sql = "INSERT INTO approval_notices (request_id, batch_id, body, created_at_ms, due_at_ms) \
               VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(request).bind(batch).bind(body).bind(now_ms).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// Takes the next due notice for `owner` until `lease_until_ms`: one whose sender's lease ran out
/// (it stopped), else one not yet tried or whose retry is due.
pub async fn claim(db: &Store, owner: &str, now_ms: i64, lease_until_ms: i64) -> Result<Taken<Claimed>, sqlx::Error> {
    let claim = |held: &'static str| async move {
        let lock = match db.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            // SQLite runs one write at a time: the UPDATE is the lock.
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE approval_notices SET lease_owner = $1, lease_until_ms = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM approval_notices WHERE outcome IS NULL AND due_at_ms <= $3 AND {held} \
                          ORDER BY due_at_ms, id LIMIT 1{lock}) \
             RETURNING id, request_id, batch_id, body, attempts"
        );
        let row: Option<(i64, Option<i64>, Option<i64>, String, i64)> =
            on_pool!(db, pool => sqlx::query_as(&sql).bind(owner).bind(lease_until_ms).bind(now_ms).fetch_optional(pool).await?);
        Ok(row
            .and_then(|(id, request, batch, body, attempts)| {
                let subject = match (request, batch) {
                    (Some(r), None) => Subject::Request(r),
                    (None, Some(b)) => Subject::Batch(b),
                    // The table's CHECK allows nothing else.
                    _ => return None,
                };
                Some(Claimed { id, subject, body, attempts: u32::try_from(attempts).unwrap_or(u32::MAX) })
            })
            .into_iter()
            .collect())
    };
    let stalled = "lease_owner IS NOT NULL AND lease_until_ms < $3";
    let free = "lease_owner IS NULL";
    Taken::stalled_then_fresh(1, |_| claim(stalled), |_| claim(free)).await
}

/// Whether what the notice announces still waits for approval.
pub async fn still_waits(db: &Store, subject: Subject) -> Result<bool, sqlx::Error> {
    let (request, batch) = ids(subject);
    let sql = "SELECT COUNT(*) FROM deletion_requests WHERE state = $3 AND (id = $1 OR batch_id = $2)";
    let n: i64 = on_pool!(db, pool => sqlx::query_scalar(sql)
        .bind(request)
        .bind(batch)
        .bind(DeletionState::AwaitingApproval.as_str())
        .fetch_one(pool)
        .await?);
    Ok(n > 0)
}

/// Ends the notice; `false` when `owner` no longer held it.
pub async fn finish(db: &Store, id: i64, owner: &str, outcome: Outcome, now_ms: i64) -> Result<bool, sqlx::Error> {
    let sql = "UPDATE approval_notices SET outcome = $1, finished_at_ms = $2, lease_owner = NULL, lease_until_ms = NULL \
               WHERE id = $3 AND lease_owner = $4 AND outcome IS NULL";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(outcome.as_str()).bind(now_ms).bind(id).bind(owner).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// Hands the notice back, to be tried again at `due_at_ms`.
pub async fn retry_later(db: &Store, id: i64, owner: &str, due_at_ms: i64, why: &str) -> Result<bool, sqlx::Error> {
    let sql = "UPDATE approval_notices SET due_at_ms = $1, last_error = $2, lease_owner = NULL, lease_until_ms = NULL \
               WHERE id = $3 AND lease_owner = $4 AND outcome IS NULL";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(due_at_ms).bind(why).bind(id).bind(owner).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

fn ids(subject: Subject) -> (Option<i64>, Option<i64>) {
    match subject {
        Subject::Request(id) => (Some(id), None),
        Subject::Batch(id) => (None, Some(id)),
    }
}
