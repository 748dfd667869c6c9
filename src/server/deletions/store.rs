//! Deletion requests in the store. Every change of state is one conditional UPDATE, so two
//! replicas (or a person and a worker) racing for the same request cannot both win: the loser's
//! UPDATE matches no row and it is told so.

use crate::domain::{DeletionFilter, DeletionRequest, DeletionState, MeetingId, Role, SignInMethod, Staff};
use crate::server::workers::Taken;
use crate::server::store::{on_pool, Backend, Store};

/// What is known when a deletion is confirmed.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub meeting_id: MeetingId,
    pub reason: String,
    pub expected_count: u64,
    pub fingerprint: Option<String>,
    pub total_size: Option<u64>,
    pub first_created: Option<i64>,
    pub last_created: Option<i64>,
    pub requester: Staff,
    pub requested_addr: String,
    pub now_ms: i64,
    pub start: Start,
    /// Made for a meeting of this bulk batch.
    pub batch_id: Option<i64>,
}

/// How a new request begins.
#[derive(Debug, Clone)]
pub enum Start {
    AwaitingApproval { expires_at_ms: i64 },
    Scheduled { due_at_ms: i64 },
    /// Run at once by the request that made it, which holds the lease from the start (so no
    /// worker takes it meanwhile).
    Running { owner: String, lease_until_ms: i64 },
}

/// A request as the worker runs it: the page's view plus what only the server needs.
#[derive(Debug, Clone)]
pub struct Stored {
    pub request: DeletionRequest,
    pub fingerprint: Option<String>,
    pub requester: Staff,
    pub requested_addr: String,
    /// The DELETE may have gone out (a worker stopped after this was set).
    pub vendor_called: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("the meeting already has an open deletion request")]
    AlreadyOpen(Option<DeletionRequest>),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

const OPEN: &str = "('awaiting_approval', 'scheduled', 'running')";

const COLUMNS: &str = "r.id, r.meeting_id, r.state, r.reason, r.expected_count, r.fingerprint, r.total_size, r.first_created, \
    r.last_created, r.requested_by, r.requested_role, r.requested_method, r.requested_addr, r.requested_at_ms, r.expires_at_ms, \
    r.due_at_ms, r.decided_by, r.decided_at_ms, r.decision_comment, r.cancelled_by, r.finished_at_ms, r.attempts, \
    r.vendor_called_ms, r.deleted_count, r.vendor_status, r.result, r.batch_id, \
    EXISTS (SELECT 1 FROM legal_holds h WHERE h.meeting_id = r.meeting_id) AS held";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    meeting_id: String,
    state: String,
    reason: String,
    expected_count: i64,
    fingerprint: Option<String>,
    total_size: Option<i64>,
    first_created: Option<i64>,
    last_created: Option<i64>,
    requested_by: String,
    requested_role: String,
    requested_method: String,
    requested_addr: String,
    requested_at_ms: i64,
    expires_at_ms: Option<i64>,
    due_at_ms: Option<i64>,
    decided_by: Option<String>,
    decided_at_ms: Option<i64>,
    decision_comment: Option<String>,
    cancelled_by: Option<String>,
    finished_at_ms: Option<i64>,
    attempts: i64,
    vendor_called_ms: Option<i64>,
    deleted_count: Option<i64>,
    vendor_status: Option<i64>,
    result: Option<String>,
    batch_id: Option<i64>,
    held: bool,
}

impl Row {
    /// `None` for a row the database's CHECKs should have kept out (logged, skipped).
    fn stored(self) -> Option<Stored> {
        let meeting_id = MeetingId::parse(&self.meeting_id).ok()?;
        let state = DeletionState::parse(&self.state)?;
        let method = SignInMethod::parse(&self.requested_method);
        let requester = Staff {
            username: self.requested_by.clone(),
            role: Role::parse(&self.requested_role).unwrap_or(Role::Viewer),
            method: method.unwrap_or(SignInMethod::Password),
        };
        let unsigned = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok());
        Some(Stored {
            request: DeletionRequest {
                id: self.id,
                meeting_id,
                state,
                reason: self.reason,
                expected_count: u64::try_from(self.expected_count).unwrap_or(0),
                total_size: unsigned(self.total_size),
                first_created: self.first_created,
                last_created: self.last_created,
                requested_by: self.requested_by,
                requested_method: method,
                requested_at_ms: self.requested_at_ms,
                expires_at_ms: self.expires_at_ms,
                due_at_ms: self.due_at_ms,
                decided_by: self.decided_by,
                decided_at_ms: self.decided_at_ms,
                decision_comment: self.decision_comment,
                cancelled_by: self.cancelled_by,
                finished_at_ms: self.finished_at_ms,
                attempts: u32::try_from(self.attempts).unwrap_or(u32::MAX),
                deleted_count: unsigned(self.deleted_count),
                vendor_status: self.vendor_status.and_then(|s| u16::try_from(s).ok()),
                result: self.result,
                batch_id: self.batch_id,
                held: self.held,
            },
            fingerprint: self.fingerprint,
            requester,
            requested_addr: self.requested_addr,
            vendor_called: self.vendor_called_ms.is_some(),
        })
    }
}

fn opt_i64(v: Option<u64>) -> Option<i64> {
    v.and_then(|v| i64::try_from(v).ok())
}

pub async fn create(db: &Store, r: &NewRequest) -> Result<i64, CreateError> {
    let (state, expires, due, owner, lease) = match &r.start {
        Start::AwaitingApproval { expires_at_ms } => (DeletionState::AwaitingApproval, Some(*expires_at_ms), None, None, None),
        Start::Scheduled { due_at_ms } => (DeletionState::Scheduled, None, Some(*due_at_ms), None, None),
        Start::Running { owner, lease_until_ms } => (DeletionState::Running, None, Some(r.now_ms), Some(owner.clone()), Some(*lease_until_ms)),
    };
    let sql = "INSERT INTO deletion_requests (meeting_id, state, reason, expected_count, fingerprint, total_size, first_created, \
               last_created, requested_by, requested_role, requested_method, requested_addr, requested_at_ms, expires_at_ms, due_at_ms, \
               lease_owner, lease_until_ms, batch_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
               RETURNING id";
    let inserted: Result<i64, sqlx::Error> = on_pool!(db, pool => sqlx::query_scalar(sql)
        .bind(r.meeting_id.as_str())
        .bind(state.as_str())
        .bind(&r.reason)
        .bind(opt_i64(Some(r.expected_count)).unwrap_or(i64::MAX))
        .bind(&r.fingerprint)
        .bind(opt_i64(r.total_size))
        .bind(r.first_created)
        .bind(r.last_created)
        .bind(&r.requester.username)
        .bind(r.requester.role.as_str())
        .bind(r.requester.method.as_str())
        .bind(&r.requested_addr)
        .bind(r.now_ms)
        .bind(expires)
        .bind(due)
        .bind(&owner)
        .bind(lease)
        .bind(r.batch_id)
        .fetch_one(pool)
        .await);
    match inserted {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(d)) if d.is_unique_violation() => Err(CreateError::AlreadyOpen(open_for(db, &r.meeting_id).await.ok().flatten())),
        Err(e) => Err(e.into()),
    }
}

async fn fetch_where(db: &Store, clause: &str, bind_text: Option<&str>, bind_id: Option<i64>) -> Result<Vec<Stored>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM deletion_requests r WHERE {clause}");
    let rows: Vec<Row> = on_pool!(db, pool => {
        let mut q = sqlx::query_as(&sql);
        if let Some(t) = bind_text {
            q = q.bind(t.to_owned());
        }
        if let Some(i) = bind_id {
            q = q.bind(i);
        }
        q.fetch_all(pool).await?
    });
    Ok(rows.into_iter().filter_map(|r| {
        let id = r.id;
        let s = r.stored();
        if s.is_none() {
            tracing::error!(request = id, "a deletion request in the store cannot be read; skipped");
        }
        s
    }).collect())
}

pub async fn find(db: &Store, id: i64) -> Result<Option<Stored>, sqlx::Error> {
    Ok(fetch_where(db, "r.id = $1", None, Some(id)).await?.into_iter().next())
}

/// Requests awaiting approval that `username` may decide (not their own).
pub async fn awaiting_for(db: &Store, username: &str) -> Result<u64, sqlx::Error> {
    let sql = "SELECT requested_by FROM deletion_requests WHERE state = 'awaiting_approval'";
    let by: Vec<String> = on_pool!(db, pool => sqlx::query_scalar(sql).fetch_all(pool).await?);
    Ok(by.iter().filter(|b| !crate::domain::same_person(b, username)).count() as u64)
}

/// Someone's own requests since `since_ms`, newest first, `limit` at most (the home page's
/// "Your requests", and the rejection a meeting's page tells its requester of).
pub async fn by_requester(db: &Store, username: &str, since_ms: i64, limit: i64) -> Result<Vec<DeletionRequest>, sqlx::Error> {
    // Both numbers are ours (i64), never text from a request.
    let clause = format!("r.requested_by = $1 AND r.requested_at_ms >= {since_ms} ORDER BY r.id DESC LIMIT {limit}");
    Ok(fetch_where(db, &clause, Some(username), None).await?.into_iter().map(|s| s.request).collect())
}

/// The meeting's open request, if it has one (there is at most one).
pub async fn open_for(db: &Store, meeting: &MeetingId) -> Result<Option<DeletionRequest>, sqlx::Error> {
    let clause = format!("r.meeting_id = $1 AND r.state IN {OPEN}");
    Ok(fetch_where(db, &clause, Some(meeting.as_str()), None).await?.into_iter().next().map(|s| s.request))
}

/// For the Deletions page: open requests first, soonest first; then the rest, newest first.
pub async fn list(db: &Store, filter: &DeletionFilter, limit: i64) -> Result<Vec<DeletionRequest>, sqlx::Error> {
    let mut clause = String::from("1 = 1");
    if let Some(s) = filter.state {
        // A closed set of names from our own enum, never user text.
        clause.push_str(&format!(" AND r.state = '{}'", s.as_str()));
    }
    if filter.meeting_id.is_some() {
        clause.push_str(" AND r.meeting_id = $1");
    }
    clause.push_str(&format!(
        " ORDER BY CASE WHEN r.state IN {OPEN} THEN 0 ELSE 1 END, \
         CASE WHEN r.state IN {OPEN} THEN COALESCE(r.due_at_ms, r.expires_at_ms) END, r.id DESC LIMIT {limit}"
    ));
    let rows = fetch_where(db, &clause, filter.meeting_id.as_ref().map(MeetingId::as_str), None).await?;
    Ok(rows.into_iter().map(|s| s.request).collect())
}

/// Cancels a request that has not started running; `false` when it is no longer open, or a
/// worker already holds it.
pub async fn cancel(db: &Store, id: i64, by: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
    let sql = "UPDATE deletion_requests SET state = 'cancelled', cancelled_by = $1, finished_at_ms = $2 \
               WHERE id = $3 AND state IN ('awaiting_approval', 'scheduled')";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(by).bind(now_ms).bind(id).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// Approves (the grace period starts: it runs at `due_at_ms`) or rejects a request awaiting
/// approval. The store refuses the requester as their own approver too, and an approval after
/// the request expired.
pub async fn decide(db: &Store, id: i64, approver: &Staff, comment: Option<&str>, now_ms: i64, approve_due_at: Option<i64>) -> Result<bool, sqlx::Error> {
    let (set, extra) = match approve_due_at {
        Some(_) => ("state = 'scheduled', due_at_ms = $6", " AND expires_at_ms > $5"),
        None => ("state = 'rejected', finished_at_ms = $5", ""),
    };
    let sql = format!(
        "UPDATE deletion_requests SET {set}, decided_by = $1, decided_method = $2, decided_at_ms = $5, decision_comment = $3 \
         WHERE id = $4 AND state = 'awaiting_approval' AND lower(requested_by) <> lower($1){extra}"
    );
    let n = on_pool!(db, pool => {
        let mut q = sqlx::query(&sql).bind(&approver.username).bind(approver.method.as_str()).bind(comment).bind(id).bind(now_ms);
        if let Some(due) = approve_due_at {
            q = q.bind(due);
        }
        q.execute(pool).await?.rows_affected()
    });
    Ok(n == 1)
}

/// Requests nobody answered in time become expired; each id is returned to exactly one caller
/// (so one replica audits each expiry).
pub async fn expire_due(db: &Store, now_ms: i64) -> Result<Vec<i64>, sqlx::Error> {
    let sql = "UPDATE deletion_requests SET state = 'expired', finished_at_ms = $1 \
               WHERE state = 'awaiting_approval' AND expires_at_ms <= $1 RETURNING id";
    Ok(on_pool!(db, pool => sqlx::query_scalar(sql).bind(now_ms).fetch_all(pool).await?))
}

/// Takes up to `limit` due requests for `owner` until `lease_until_ms`: first running ones whose
/// worker's lease ran out (that worker stopped), then scheduled ones whose time has come and
/// whose meeting is not held. Each request goes to one caller at a time, across replicas.
pub async fn claim(db: &Store, owner: &str, now_ms: i64, lease_until_ms: i64, limit: i64) -> Result<Taken<i64>, sqlx::Error> {
    let stalled = "r.state = 'running' AND r.lease_until_ms < $3";
    let due = "r.state = 'scheduled' AND r.due_at_ms <= $3 \
               AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.meeting_id = r.meeting_id)";
    Taken::stalled_then_fresh(
        limit,
        |n| claim_where(db, stalled, owner, now_ms, lease_until_ms, n),
        |n| claim_where(db, due, owner, now_ms, lease_until_ms, n),
    )
    .await
}

async fn claim_where(db: &Store, condition: &str, owner: &str, now_ms: i64, lease_until_ms: i64, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    let pick = format!("SELECT r.id FROM deletion_requests r WHERE {condition} ORDER BY r.due_at_ms LIMIT $4");
    let lock = match db.backend() {
        // Another replica's claim skips the rows this one holds rather than waiting for them.
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        // SQLite runs one write at a time: the UPDATE is the lock.
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE deletion_requests SET state = 'running', lease_owner = $1, lease_until_ms = $2 \
         WHERE id IN ({pick}{lock}) RETURNING id"
    );
    Ok(on_pool!(db, pool => sqlx::query_scalar(&sql).bind(owner).bind(lease_until_ms).bind(now_ms).bind(limit).fetch_all(pool).await?))
}

/// Keeps the lease while the vendor is being asked; `false` when it was lost.
pub async fn renew(db: &Store, id: i64, owner: &str, lease_until_ms: i64) -> Result<bool, sqlx::Error> {
    let sql = "UPDATE deletion_requests SET lease_until_ms = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'running'";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(lease_until_ms).bind(id).bind(owner).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// Written just before the DELETE goes out, while the lease is still held: after a crash the
/// next worker sees it and never sends a second DELETE. `false`: the lease is gone, send nothing.
pub async fn mark_vendor_called(db: &Store, id: i64, owner: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
    let sql = "UPDATE deletion_requests SET vendor_called_ms = $1 \
               WHERE id = $2 AND lease_owner = $3 AND state = 'running' AND lease_until_ms > $1";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(now_ms).bind(id).bind(owner).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// How a run ended, for the row.
#[derive(Debug, Clone)]
pub struct Finish {
    pub state: DeletionState,
    pub deleted_count: Option<u64>,
    pub vendor_status: Option<u16>,
    pub result: Option<String>,
}

/// Closes a request the caller holds; `false` when it does not hold it any more.
pub async fn finish(db: &Store, id: i64, owner: &str, f: &Finish, now_ms: i64) -> Result<bool, sqlx::Error> {
    let sql = "UPDATE deletion_requests SET state = $1, deleted_count = $2, vendor_status = $3, result = $4, finished_at_ms = $5, \
               lease_owner = NULL, lease_until_ms = NULL WHERE id = $6 AND lease_owner = $7 AND state = 'running'";
    let n = on_pool!(db, pool => sqlx::query(sql)
        .bind(f.state.as_str())
        .bind(opt_i64(f.deleted_count))
        .bind(f.vendor_status.map(i64::from))
        .bind(&f.result)
        .bind(now_ms)
        .bind(id)
        .bind(owner)
        .execute(pool)
        .await?
        .rows_affected());
    Ok(n == 1)
}

/// Hands a request back to run again at `due_at_ms`, after a transient error (`why`).
pub async fn retry_later(db: &Store, id: i64, owner: &str, due_at_ms: i64, why: &str) -> Result<bool, sqlx::Error> {
    let sql = "UPDATE deletion_requests SET state = 'scheduled', due_at_ms = $1, result = $2, attempts = attempts + 1, \
               vendor_called_ms = NULL, lease_owner = NULL, lease_until_ms = NULL \
               WHERE id = $3 AND lease_owner = $4 AND state = 'running'";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(due_at_ms).bind(why).bind(id).bind(owner).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// Hands a request back to wait as it was, nothing sent (its meeting went on hold meanwhile,
/// or its audit entry could not be written).
pub async fn release(db: &Store, id: i64, owner: &str) -> Result<bool, sqlx::Error> {
    let sql = "UPDATE deletion_requests SET state = 'scheduled', vendor_called_ms = NULL, lease_owner = NULL, lease_until_ms = NULL \
               WHERE id = $1 AND lease_owner = $2 AND state = 'running'";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(id).bind(owner).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// A request a batch-wide step changed, for its audit entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Changed {
    pub id: i64,
    pub meeting_id: String,
    pub requested_by: String,
    pub expected_count: i64,
}

/// `decide` for every request of a batch still awaiting approval (one approval covers the
/// batch); the same refusals hold per request: never the requester, never after expiry.
pub async fn decide_batch(db: &Store, batch_id: i64, approver: &Staff, comment: Option<&str>, now_ms: i64, approve_due_at: Option<i64>) -> Result<Vec<Changed>, sqlx::Error> {
    let (set, extra) = match approve_due_at {
        Some(_) => ("state = 'scheduled', due_at_ms = $6", " AND expires_at_ms > $5"),
        None => ("state = 'rejected', finished_at_ms = $5", ""),
    };
    let sql = format!(
        "UPDATE deletion_requests SET {set}, decided_by = $1, decided_method = $2, decided_at_ms = $5, decision_comment = $3 \
         WHERE batch_id = $4 AND state = 'awaiting_approval' AND lower(requested_by) <> lower($1){extra} \
         RETURNING id, meeting_id, requested_by, expected_count"
    );
    Ok(on_pool!(db, pool => {
        let mut q = sqlx::query_as(&sql).bind(&approver.username).bind(approver.method.as_str()).bind(comment).bind(batch_id).bind(now_ms);
        if let Some(due) = approve_due_at {
            q = q.bind(due);
        }
        q.fetch_all(pool).await?
    }))
}

/// Cancels every request of a batch that has not started running.
pub async fn cancel_batch(db: &Store, batch_id: i64, by: &str, now_ms: i64) -> Result<Vec<Changed>, sqlx::Error> {
    let sql = "UPDATE deletion_requests SET state = 'cancelled', cancelled_by = $1, finished_at_ms = $2 \
               WHERE batch_id = $3 AND state IN ('awaiting_approval', 'scheduled') \
               RETURNING id, meeting_id, requested_by, expected_count";
    Ok(on_pool!(db, pool => sqlx::query_as(sql).bind(by).bind(now_ms).bind(batch_id).fetch_all(pool).await?))
}
