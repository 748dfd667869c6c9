//! What the recordings page shows about a meeting from our own store (its legal hold, its open
//! deletion request, its history), kept in memory while the meeting's version stands. Every
//! change to those rows moves the version in the same transaction (migration 0013's triggers,
//! whoever writes: this replica, another one, the console, plain SQL), so a view reads one small
//! row instead of three queries and never shows what a committed change has replaced: unlike a
//! TTL or a notification, there is no window in which a replica answers from a stale copy.

use std::sync::Arc;

use crate::server::audit::AuditLog;
use crate::server::lru::SharedLru;
use crate::server::store::{local_reads, on_pool, Store};
use crate::domain::{AuditEntry, DeletionRequest, LegalHold, MeetingId};

/// How many of a meeting's latest audit entries its page lists.
pub const HISTORY_SHOWN: i64 = 200;

/// The store's rows about one meeting, as of one version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingRows {
    pub hold: Option<LegalHold>,
    /// Its open deletion request (at most one is open).
    pub open: Option<DeletionRequest>,
    /// Its latest entries in the audit log, newest first.
    pub history: Vec<AuditEntry>,
}

#[derive(Debug)]
pub struct MeetingStateCache {
    inner: SharedLru<MeetingId, Kept>,
}

#[derive(Debug)]
struct Kept {
    version: i64,
    rows: Arc<MeetingRows>,
}

impl MeetingStateCache {
    /// `max_bytes` zero keeps nothing (every view reads the three queries).
    pub fn new(max_bytes: usize) -> Self {
        Self { inner: SharedLru::new(max_bytes) }
    }

    /// The meeting's rows: the kept ones while its version is unchanged, else read afresh.
    pub async fn rows(&self, db: &Store, audit: &AuditLog, meeting: &MeetingId) -> Result<Arc<MeetingRows>, sqlx::Error> {
        // Read before the rows, so rows kept under a version are never older than it: a change
        // that lands between the two reads moves the version past the one they are kept under.
        let version = version(db, meeting).await?;
        let kept = self.inner.lock().get(meeting).filter(|k| k.version == version).map(|k| k.rows.clone());
        if let Some(rows) = kept {
            return Ok(rows);
        }
        // Side by side, each on a connection of its own: on PostgreSQL a miss then waits one
        // round trip rather than three.
        let (hold, open, history) = tokio::try_join!(
            crate::server::meetings::holds::find(db, meeting),
            crate::server::deletions::store::open_for(db, meeting),
            audit.for_meeting(meeting.as_str(), HISTORY_SHOWN),
        )?;
        let rows = Arc::new(MeetingRows { hold, open, history });
        self.inner.lock().put(meeting.clone(), Kept { version, rows: rows.clone() }, bytes_of(&rows));
        Ok(rows)
    }

    /// What the kept rows take, by `bytes_of`.
    pub fn bytes(&self) -> usize {
        self.inner.lock().bytes()
    }
}

/// The meeting's version (0 while nothing about it was ever written).
pub async fn version(db: &Store, meeting: &MeetingId) -> Result<i64, sqlx::Error> {
    let sql = "SELECT v FROM meeting_versions WHERE meeting_id = $1";
    // Every view reads this, so on SQLite it is read on the serving thread itself.
    if let Store::Sqlite(pool) = db {
        if let Some(v) = local_reads::one_i64(pool, sql, meeting.as_str()) {
            return Ok(v.unwrap_or(0));
        }
    }
    let v: Option<i64> = on_pool!(db, pool => sqlx::query_scalar(sql).bind(meeting.as_str()).fetch_optional(pool).await?);
    Ok(v.unwrap_or(0))
}

/// What kept rows hold in memory, near enough: the structs and the text in them.
pub fn bytes_of(rows: &MeetingRows) -> usize {
    let text = |s: &Option<String>| s.as_ref().map_or(0, String::len);
    let hold = rows.hold.as_ref().map_or(0, |h| h.reason.len() + h.held_by.len());
    let open = rows.open.as_ref().map_or(0, |r| {
        r.reason.len() + r.requested_by.len() + text(&r.decided_by) + text(&r.decision_comment) + text(&r.cancelled_by) + text(&r.result)
    });
    let history: usize = rows
        .history
        .iter()
        .map(|e| {
            std::mem::size_of::<AuditEntry>()
                + text(&e.username)
                + e.client_addr.len()
                + text(&e.meeting_id)
                + text(&e.reason)
                + text(&e.detail)
                + e.request_id.len()
                + text(&e.new_meeting_id)
                + text(&e.error)
        })
        .sum();
    std::mem::size_of::<MeetingRows>() + hold + open + history
}
