//! The store's queues as an operator watches them, read at each scrape: open deletion requests
//! by state, bulk items and approval notices waiting, and how long the oldest due row of each
//! queue has waited. A few indexed counts; every replica reports the same figures (dashboards
//! take the largest).

use crate::domain::DeletionState;
use crate::on_pool;
use crate::server::store::Store;

use super::labels::Queue;

/// The deletion states that are still work to do.
pub const OPEN_STATES: [DeletionState; 3] = [DeletionState::AwaitingApproval, DeletionState::Scheduled, DeletionState::Running];

#[derive(Debug, Default, PartialEq)]
pub struct Queues {
    /// Open deletion requests, per state in `OPEN_STATES`' order.
    pub deletions: [i64; 3],
    pub bulk_waiting: i64,
    pub notices_waiting: i64,
    /// Per queue, how long its oldest due row has waited (ms), if one is due.
    pub oldest_due_ms: Vec<(Queue, Option<i64>)>,
    /// Meetings retention knows, and how old the oldest listing is (a meeting never listed counts
    /// from when it became known), in ms.
    pub known_meetings: i64,
    pub oldest_listing_ms: Option<i64>,
}

/// What is due, and since when, per queue. A row is due when a worker could claim it now.
const OLDEST_DELETION: &str = "SELECT min(r.due_at_ms) FROM deletion_requests r \
    WHERE (r.state = 'scheduled' AND r.due_at_ms <= $1 \
           AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.meeting_id = r.meeting_id)) \
       OR (r.state = 'running' AND r.lease_until_ms < $1)";
/// A look-up is due from its batch's start (or its retry time); a request from the batch's request.
const OLDEST_BULK: &str = "SELECT min(since) FROM ( \
    SELECT CASE WHEN i.not_before_ms > b.started_at_ms THEN i.not_before_ms ELSE b.started_at_ms END AS since \
      FROM bulk_items i JOIN bulk_batches b ON b.id = i.batch_id \
     WHERE i.lookup_state = 'pending' AND i.not_before_ms <= $1 AND (i.lease_until_ms IS NULL OR i.lease_until_ms < $1) \
    UNION ALL \
    SELECT b.requested_at_ms FROM bulk_items i JOIN bulk_batches b ON b.id = i.batch_id \
     WHERE b.requested_at_ms IS NOT NULL AND i.outcome IS NULL AND i.lookup_state IN ('found', 'failed') \
       AND (i.lease_until_ms IS NULL OR i.lease_until_ms < $1)) AS due";
const OLDEST_NOTICE: &str = "SELECT min(due_at_ms) FROM approval_notices \
    WHERE outcome IS NULL AND due_at_ms <= $1 AND (lease_until_ms IS NULL OR lease_until_ms < $1)";

const BULK_WAITING: &str = "SELECT count(*) FROM bulk_items i JOIN bulk_batches b ON b.id = i.batch_id \
    WHERE i.lookup_state = 'pending' \
       OR (b.requested_at_ms IS NOT NULL AND i.outcome IS NULL AND i.lookup_state IN ('found', 'failed'))";
const KNOWN_MEETINGS: &str = "SELECT count(*) FROM known_meetings";
const OLDEST_LISTING: &str = "SELECT min(COALESCE(inventoried_at_ms, known_at_ms)) FROM known_meetings WHERE COALESCE(inventoried_at_ms, known_at_ms) <= $1";
const NOTICES_WAITING: &str = "SELECT count(*) FROM approval_notices WHERE outcome IS NULL";

pub async fn read(db: &Store, now_ms: i64) -> Result<Queues, sqlx::Error> {
    let by_state: Vec<(String, i64)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT state, count(*) FROM deletion_requests WHERE state IN ('awaiting_approval', 'scheduled', 'running') GROUP BY state"
    ).fetch_all(pool).await?);
    let mut deletions = [0; 3];
    for (state, n) in by_state {
        if let Some(i) = OPEN_STATES.iter().position(|s| s.as_str() == state) {
            deletions[i] = n;
        }
    }
    let count = |sql: &'static str| async move { on_pool!(db, pool => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await) };
    let oldest = |sql: &'static str| async move {
        let since: Option<i64> = on_pool!(db, pool => sqlx::query_scalar(sql).bind(now_ms).fetch_one(pool).await)?;
        Ok::<_, sqlx::Error>(since.map(|t| now_ms.saturating_sub(t).max(0)))
    };
    Ok(Queues {
        deletions,
        bulk_waiting: count(BULK_WAITING).await?,
        notices_waiting: count(NOTICES_WAITING).await?,
        oldest_due_ms: vec![
            (Queue::DeletionRequests, oldest(OLDEST_DELETION).await?),
            (Queue::BulkItems, oldest(OLDEST_BULK).await?),
            (Queue::ApprovalNotices, oldest(OLDEST_NOTICE).await?),
        ],
        known_meetings: count(KNOWN_MEETINGS).await?,
        oldest_listing_ms: oldest(OLDEST_LISTING).await?,
    })
}
