//! The inventory worker every replica runs: it re-lists each known meeting's recordings once a
//! day, a few at a time, within the vendor budget per hour the admin set (shared by all replicas
//! through the settings row), and pauses every replica when the vendor says "too many requests".
//! Each meeting is claimed with a lease; a replica killed mid-listing leaves it to another.

use std::time::Duration;

use crate::domain::{Recording, UpstreamError, DAY_MS};
use crate::domain::MeetingId;
use crate::server::metrics::labels::{Queue, WorkerName};
use crate::server::state::{AppState, Work};
use crate::server::store::{on_pool, Backend, Store};
use crate::server::workers::{Next, Taken};

/// How often each replica looks for meetings to list (tracking meetings wakes it at once).
pub const POLL: Duration = Duration::from_secs(15);
/// How long a listing stands before the meeting is listed again.
pub const RELIST_EVERY_MS: i64 = DAY_MS;
/// A meeting with no recordings left is listed again less often: it stays known at a seventh
/// of the cost, and what it records later is found within a week.
pub const RELIST_EMPTY_EVERY_MS: i64 = 7 * DAY_MS;
/// Listings in flight at once, per replica (their round is written in one transaction).
pub const AT_ONCE: i64 = 8;
/// After a failed listing, the next try waits this long times the tries so far (at most an hour).
const RETRY_STEP_MS: i64 = 5 * 60_000;

fn lock(db: &Store) -> &'static str {
    match db.backend() {
        Backend::Postgres => " FOR UPDATE OF k SKIP LOCKED",
        Backend::Sqlite => "",
    }
}

const STALLED: &str = "k.lease_owner IS NOT NULL AND k.lease_until_ms < $3";
const FREE: &str = "k.lease_owner IS NULL";

/// Takes up to `limit` meetings due for listing (or whose lister stopped).
pub async fn claim(db: &Store, owner: &str, now_ms: i64, lease_until_ms: i64, limit: i64) -> Result<Taken<(MeetingId, i64)>, sqlx::Error> {
    let claim = |held: &'static str, n: i64| async move {
        let sql = format!(
            "UPDATE known_meetings SET lease_owner = $1, lease_until_ms = $2, attempts = attempts + 1 \
             WHERE meeting_id IN (SELECT k.meeting_id FROM known_meetings k WHERE k.next_inventory_ms <= $3 AND {held} \
                                  ORDER BY k.next_inventory_ms LIMIT $4{}) \
             RETURNING meeting_id, attempts",
            lock(db)
        );
        let rows: Vec<(String, i64)> = on_pool!(db, pool => sqlx::query_as(&sql).bind(owner).bind(lease_until_ms).bind(now_ms).bind(n).fetch_all(pool).await?);
        Ok(rows.into_iter().filter_map(|(m, attempts)| Some((MeetingId::parse(&m).ok()?, attempts))).collect())
    };
    Taken::stalled_then_fresh(limit, |n| claim(STALLED, n), |n| claim(FREE, n)).await
}

/// What a step may spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// This many calls, taken from the hour's budget.
    Calls(i64),
    /// The hour's budget is spent.
    Spent,
    /// The vendor said "too many requests": nothing before then (Unix ms).
    PausedUntil(i64),
}

/// Takes up to `want` vendor calls from this hour's budget (every replica shares it).
pub async fn reserve(db: &Store, now_ms: i64, want: i64) -> Result<Budget, sqlx::Error> {
    let hour = now_ms.div_euclid(3_600_000);
    let read = "SELECT calls_per_hour, CASE WHEN budget_hour = $1 THEN budget_used ELSE 0 END, paused_until_ms FROM retention_settings WHERE id = 1";
    let (per_hour, used, paused): (i64, i64, i64) = on_pool!(db, pool => sqlx::query_as(read).bind(hour).fetch_one(pool).await?);
    if paused > now_ms {
        return Ok(Budget::PausedUntil(paused));
    }
    let n = want.min(per_hour - used);
    if n <= 0 {
        return Ok(Budget::Spent);
    }
    // Taken only if nobody took the same calls since the read (else this step takes none).
    let take = "UPDATE retention_settings SET budget_used = (CASE WHEN budget_hour = $1 THEN budget_used ELSE 0 END) + $2, budget_hour = $1 \
                WHERE id = 1 AND (CASE WHEN budget_hour = $1 THEN budget_used ELSE 0 END) = $3";
    let done = on_pool!(db, pool => sqlx::query(take).bind(hour).bind(n).bind(used).execute(pool).await?.rows_affected());
    // Another replica took calls since the read: this step takes none, the next reads again.
    Ok(if done == 1 { Budget::Calls(n) } else { Budget::Calls(0) })
}

/// Calls taken but not made (the claim found fewer meetings) go back to the hour's budget.
async fn give_back(db: &Store, now_ms: i64, n: i64) -> Result<(), sqlx::Error> {
    let sql = "UPDATE retention_settings SET budget_used = CASE WHEN budget_used > $2 THEN budget_used - $2 ELSE 0 END WHERE id = 1 AND budget_hour = $1";
    on_pool!(db, pool => sqlx::query(sql).bind(now_ms.div_euclid(3_600_000)).bind(n).execute(pool).await?.rows_affected());
    Ok(())
}

/// Every replica holds back until then.
async fn pause(db: &Store, until_ms: i64) -> Result<(), sqlx::Error> {
    let sql = "UPDATE retention_settings SET paused_until_ms = $1 WHERE id = 1 AND paused_until_ms < $1";
    on_pool!(db, pool => sqlx::query(sql).bind(until_ms).execute(pool).await?.rows_affected());
    Ok(())
}

/// Writes a round of listings (the recordings as they are now, no links) in one transaction (one
/// commit, not one per meeting), each only where `owner` still holds the meeting; how many.
pub async fn write_found(db: &Store, owner: &str, found: &[(&MeetingId, Vec<Recording>)], now_ms: i64) -> Result<usize, sqlx::Error> {
    use crate::domain::Measured;
    let meeting = "UPDATE known_meetings SET recording_count = $1, total_size = $2, newest_created = $3, oldest_created = $4, \
                   inventoried_at_ms = $5, next_inventory_ms = $6, attempts = 0, last_error = NULL, lease_owner = NULL, lease_until_ms = NULL \
                   WHERE meeting_id = $7 AND lease_owner = $8";
    let insert = "INSERT INTO known_recordings (meeting_id, recording_id, created, size, duration_ms) VALUES ($1, $2, $3, $4, $5) \
                  ON CONFLICT (meeting_id, recording_id) DO NOTHING";
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let mut written = 0;
        for (id, recordings) in found {
            let created: Vec<Option<i64>> = recordings.iter().map(|r| r.created_unix()).collect();
            let total: u64 = recordings.iter().map(|r| r.size_bytes()).sum();
            let relist = if recordings.is_empty() { RELIST_EMPTY_EVERY_MS } else { RELIST_EVERY_MS };
            let n = sqlx::query(meeting)
                .bind(recordings.len() as i64)
                .bind(i64::try_from(total).unwrap_or(i64::MAX))
                .bind(created.iter().flatten().max().copied())
                .bind(created.iter().flatten().min().copied())
                .bind(now_ms)
                .bind(now_ms + relist + spread(id))
                .bind(id.as_str())
                .bind(owner)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            // Its lease ran out (another replica lists it now): its listing is that one's to write.
            if n == 0 {
                continue;
            }
            written += 1;
            sqlx::query("DELETE FROM known_recordings WHERE meeting_id = $1").bind(id.as_str()).execute(&mut *tx).await?;
            for (r, created) in recordings.iter().zip(&created) {
                sqlx::query(insert)
                    .bind(id.as_str())
                    .bind(r.recording_id())
                    .bind(created)
                    .bind(i64::try_from(r.size_bytes()).unwrap_or(i64::MAX))
                    .bind(i64::try_from(r.duration_ms()).unwrap_or(i64::MAX))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(written)
    })
}

/// Up to an hour either way, fixed per meeting: listings made together (a list tracked at once)
/// drift apart over the day instead of coming due in one burst every day.
fn spread(id: &MeetingId) -> i64 {
    let h = id.as_str().bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    i64::from(h % 7_200_000) - 3_600_000
}

/// Notes a failed listing: the meeting keeps what was listed before, tried again at `retry_at_ms`.
async fn write_failed(db: &Store, id: &MeetingId, owner: &str, error: &str, retry_at_ms: i64, count_try: bool) -> Result<(), sqlx::Error> {
    let sql = "UPDATE known_meetings SET last_error = $1, next_inventory_ms = $2, lease_owner = NULL, lease_until_ms = NULL, \
               attempts = CASE WHEN $3 THEN attempts ELSE attempts - 1 END WHERE meeting_id = $4 AND lease_owner = $5";
    on_pool!(db, pool => sqlx::query(sql).bind(error).bind(retry_at_ms).bind(count_try).bind(id.as_str()).bind(owner).execute(pool).await?.rows_affected());
    Ok(())
}

pub fn spawn(state: AppState) {
    let env = state.clone();
    state.workers.poll(WorkerName::Inventory, POLL, state.retention.wake.clone(), move || {
        let state = env.clone();
        async move { step(&state.work()).await }
    });
}

/// One step: claim as many meetings as the budget allows (at most `AT_ONCE`), list them, write
/// what was found. Tests call it to drive the worker by hand.
pub async fn step(state: &Work<'_>) -> Next {
    let now = state.clock.now_ms();
    let budget = match reserve(state.db, now, AT_ONCE).await {
        Ok(Budget::Calls(0)) => return Next::More,
        Ok(Budget::Calls(n)) => n,
        Ok(Budget::Spent) => return Next::Wait,
        // A short pause (a rate limit's second or two) is waited out here rather than for a
        // whole poll; a long one is left to the poll.
        Ok(Budget::PausedUntil(at)) => {
            let wait = Duration::from_millis(u64::try_from(at - now).unwrap_or(0));
            if wait > POLL {
                return Next::Wait;
            }
            tokio::time::sleep(wait).await;
            return Next::More;
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the retention budget");
            state.metrics.step_failed(WorkerName::Inventory);
            return Next::Wait;
        }
    };
    let claimed = match claim(state.db, &state.lease.owner, now, state.lease.until(now), budget).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "cannot look for meetings to list");
            state.metrics.step_failed(WorkerName::Inventory);
            let _ = give_back(state.db, now, budget).await;
            return Next::Wait;
        }
    };
    state.metrics.taken_over(Queue::KnownMeetings, claimed.taken_over);
    let unused = budget - claimed.items.len() as i64;
    if unused > 0 {
        if let Err(e) = give_back(state.db, now, unused).await {
            tracing::warn!(error = %e, "cannot give unused vendor calls back to the budget");
        }
    }
    if claimed.items.is_empty() {
        return Next::Wait;
    }
    let listed = futures_util::future::join_all(claimed.items.iter().map(|(id, _)| state.client.list_recordings(id))).await;
    let mut more = claimed.items.len() as i64 == budget;
    let mut found = Vec::with_capacity(listed.len());
    for ((id, attempts), result) in claimed.items.iter().zip(listed) {
        let e = match result {
            Ok(recordings) => {
                found.push((id, recordings));
                continue;
            }
            Err(e) => e,
        };
        let now = state.clock.now_ms();
        let (retry_at, count_try) = match &e {
            UpstreamError::RateLimited { retry_after } => {
                let at = now + retry_after.unwrap_or(Duration::from_secs(30)).max(Duration::from_secs(1)).as_millis() as i64;
                if let Err(e) = pause(state.db, at).await {
                    tracing::warn!(error = %e, "cannot pause the inventory");
                }
                more = false;
                // Not this meeting's fault: its try is not counted.
                (at, false)
            }
            _ => (now + (RETRY_STEP_MS * attempts).min(3_600_000), true),
        };
        let error = crate::server::vendor::errors::to_app_error(e, crate::server::vendor::errors::Call::ListRecordings, "inventory".into());
        tracing::warn!(meeting_id = %id, error = %error, "inventory listing failed; the meeting keeps its last listing");
        state.metrics.step_failed(WorkerName::Inventory);
        if let Err(e) = write_failed(state.db, id, &state.lease.owner, &error.to_string(), retry_at, count_try).await {
            tracing::error!(meeting_id = %id, error = %e, "cannot note a failed listing; listed again after the lease");
        }
    }
    match write_found(state.db, &state.lease.owner, &found, state.clock.now_ms()).await {
        Ok(n) if n < found.len() => tracing::info!(lost = found.len() - n, "listings whose lease ran out; other workers have them"),
        Ok(_) => {}
        Err(e) => {
            tracing::error!(error = %e, "cannot store listings; listed again after the lease");
            state.metrics.step_failed(WorkerName::Inventory);
        }
    }
    if more { Next::More } else { Next::Wait }
}

#[cfg(test)]
mod tests {
    #[test]
    fn listings_spread_within_an_hour_either_way() {
        let id = |s: &str| crate::domain::MeetingId::parse(s).unwrap();
        for s in ["aaaaaaaaaaaaaaaaaaaaaaaa", "0123456789abcdef01234567", "ffffffffffffffffffffffff"] {
            assert!((-3_600_000..3_600_000).contains(&super::spread(&id(s))));
        }
        assert_ne!(super::spread(&id("aaaaaaaaaaaaaaaaaaaaaaaa")), super::spread(&id("aaaaaaaaaaaaaaaaaaaaaaab")));
    }
}
