//! Writing and reading the audit log. A change is written as an intent before the vendor is
//! called and completed with its outcome afterwards; the database refuses any other update.

use std::sync::Arc;

use sqlx::{Database, QueryBuilder};

pub mod chain;
pub mod verify;

use chain::ChainRow;

use super::audit_budget::{Admit, AnonymousBudget};
use super::clock::Clock;
use super::scrub::scrub;
use super::secret::Secret;
use super::store::{on_pool, Backend, Store};
use crate::domain::{AuditAction, AuditEntry, AuditPage, AuditQuery, Outcome, Role, SignInMethod, Staff, AUDIT_PAGE_SIZE};

/// The audit log of one deployment. Text that goes in is scrubbed of the API key and of
/// presigned URLs' signatures, whatever its source (vendor messages are echoed into errors).
#[derive(Clone, Debug)]
pub struct AuditLog {
    db: Store,
    key: Arc<Secret>,
    clock: Clock,
    /// Entries by clients nobody signed in, per address (`audit_budget`).
    anonymous: Arc<AnonymousBudget>,
}

/// A pending entry, written before the change is attempted: its id, and its hash, which its
/// outcome's hash is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryId {
    pub id: i64,
    hash: String,
}

/// Who did it, from where, and why: everything known before the change is attempted.
#[derive(Debug, Clone)]
pub struct Intent {
    pub actor: Option<Staff>,
    /// For a failed sign-in: the name that was tried.
    pub claimed_user: Option<String>,
    pub client_addr: String,
    pub action: AuditAction,
    pub meeting_id: Option<String>,
    pub reason: Option<String>,
    pub detail: Option<String>,
    pub request_id: String,
}

/// How it ended.
#[derive(Debug, Clone, Default)]
pub struct Completion {
    pub outcome: Option<Outcome>,
    pub vendor_status: Option<u16>,
    pub deleted_count: Option<u32>,
    pub new_meeting_id: Option<String>,
    pub error: Option<String>,
}

impl Completion {
    pub fn new(outcome: Outcome) -> Self {
        Self { outcome: Some(outcome), ..Self::default() }
    }

    pub fn error(mut self, e: impl std::fmt::Display) -> Self {
        self.error = Some(e.to_string());
        self
    }
}

fn clip(s: String, max_chars: usize) -> String {
    if s.chars().count() <= max_chars { s } else { s.chars().take(max_chars).collect::<String>() + "…" }
}

impl AuditLog {
    pub fn new(db: Store, key: Secret, clock: Clock) -> Self {
        Self { db, key: Arc::new(key), clock, anonymous: Arc::default() }
    }

    fn clean(&self, s: &Option<String>) -> Option<String> {
        s.as_deref().map(|s| clip(scrub(s, self.key.expose()), 2000))
    }

    /// Writes one entry as the chain's next link. The head row is taken first, so writers (in
    /// this replica or another) join the chain one at a time and in the order of their ids.
    async fn insert(&self, i: &Intent, c: Option<&Completion>) -> Result<EntryId, sqlx::Error> {
        let now = self.clock.now_ms();
        let username = i.actor.as_ref().map(|s| s.username.clone()).or_else(|| i.claimed_user.clone());
        // Made here or screened at the edge already; clipped all the same, so no field of an
        // append-only row is longer than its purpose.
        let mut row = ChainRow {
            at_ms: now,
            username: self.clean(&username.map(|u| clip(u, 200))),
            role: i.actor.as_ref().map(|s| s.role.as_str().to_owned()),
            sign_in_method: i.actor.as_ref().map(|s| s.method.as_str().to_owned()),
            client_addr: clip(i.client_addr.clone(), 64),
            action: i.action.as_str().to_owned(),
            meeting_id: i.meeting_id.clone(),
            reason: self.clean(&i.reason),
            detail: self.clean(&i.detail),
            request_id: clip(i.request_id.clone(), 64),
            ..ChainRow::default()
        };
        if let Some(c) = c {
            row.outcome = c.outcome.map(|o| o.as_str().to_owned());
            row.vendor_status = c.vendor_status.map(i64::from);
            row.deleted_count = c.deleted_count.map(i64::from);
            row.new_meeting_id = c.new_meeting_id.clone();
            row.error = self.clean(&c.error);
            row.completed_ms = Some(now);
        }
        let sql = "INSERT INTO audit_log (at_ms, username, role, sign_in_method, client_addr, action, meeting_id, reason, detail, \
                   request_id, outcome, vendor_status, deleted_count, new_meeting_id, error, completed_ms, \
                   chain_seq, chain_prev, chain_hash, outcome_hash) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id";
        let (id, hash) = on_pool!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let (seq, prev): (i64, String) = sqlx::query_as("UPDATE audit_chain SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash")
                .fetch_one(&mut *tx)
                .await?;
            let hash = chain::entry_hash(seq, &prev, &row);
            let outcome_hash = row.outcome.as_ref().map(|_| chain::outcome_hash(&hash, &row));
            let id: i64 = sqlx::query_scalar(sql)
                .bind(row.at_ms)
                .bind(&row.username)
                .bind(&row.role)
                .bind(&row.sign_in_method)
                .bind(&row.client_addr)
                .bind(&row.action)
                .bind(&row.meeting_id)
                .bind(&row.reason)
                .bind(&row.detail)
                .bind(&row.request_id)
                .bind(&row.outcome)
                .bind(row.vendor_status)
                .bind(row.deleted_count)
                .bind(&row.new_meeting_id)
                .bind(&row.error)
                .bind(row.completed_ms)
                .bind(seq)
                .bind(&prev)
                .bind(&hash)
                .bind(&outcome_hash)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query("UPDATE audit_chain SET last_hash = $1, last_id = $2 WHERE id = 1").bind(&hash).bind(id).execute(&mut *tx).await?;
            tx.commit().await?;
            (id, hash)
        });
        Ok(EntryId { id, hash })
    }

    /// Writes the intent of a change. If this fails the change must not be attempted.
    pub async fn begin(&self, intent: &Intent) -> Result<EntryId, sqlx::Error> {
        self.insert(intent, None).await.inspect_err(|e| tracing::error!(error = %e, action = %intent.action, "cannot write an audit intent"))
    }

    /// Writes a pending entry's outcome. A failure is logged loudly; the entry then reads as
    /// "outcome unknown", which is the truth as far as the log can tell.
    pub async fn complete(&self, entry: &EntryId, c: &Completion) {
        let sql = "UPDATE audit_log SET outcome = $1, vendor_status = $2, deleted_count = $3, new_meeting_id = $4, error = $5, completed_ms = $6, \
                   outcome_hash = $7 WHERE id = $8 AND outcome IS NULL";
        let row = ChainRow {
            outcome: Some(c.outcome.unwrap_or(Outcome::Unknown).as_str().to_owned()),
            vendor_status: c.vendor_status.map(i64::from),
            deleted_count: c.deleted_count.map(i64::from),
            new_meeting_id: c.new_meeting_id.clone(),
            error: self.clean(&c.error),
            completed_ms: Some(self.clock.now_ms()),
            ..ChainRow::default()
        };
        let outcome_hash = chain::outcome_hash(&entry.hash, &row);
        let result = on_pool!(&self.db, pool => sqlx::query(sql)
            .bind(&row.outcome)
            .bind(row.vendor_status)
            .bind(row.deleted_count)
            .bind(&row.new_meeting_id)
            .bind(&row.error)
            .bind(row.completed_ms)
            .bind(&outcome_hash)
            .bind(entry.id)
            .execute(pool)
            .await
            .map(|_| ()));
        if let Err(e) = result {
            tracing::error!(error = %e, entry = entry.id, outcome = ?c.outcome, "cannot write an audit outcome");
        }
    }

    /// An event that is over as soon as it happens (sign-in, sign-out, a refusal).
    /// From a client nobody signed in (a refused sign-in, a cross-site post, a bad assertion)
    /// at most `audit_budget::PER_MINUTE` a minute per address; the next says how many were left out.
    pub async fn record(&self, intent: &Intent, c: &Completion) {
        let left_out = match intent.actor {
            Some(_) => 0,
            None => match self.anonymous.admit(&intent.client_addr, self.clock.now_ms()) {
                Admit::Record { left_out } => left_out,
                Admit::LeaveOut => return,
            },
        };
        let with_count;
        let intent = if left_out == 0 {
            intent
        } else {
            let mut i = intent.clone();
            let more = format!("{left_out} more refused from this address before this one, not recorded");
            i.detail = Some(match i.detail.take() {
                Some(d) => format!("{d} ({more})"),
                None => more,
            });
            with_count = i;
            &with_count
        };
        if let Err(e) = self.insert(intent, Some(c)).await {
            tracing::error!(error = %e, action = %intent.action, "cannot write an audit entry");
        }
    }

    pub async fn search(&self, q: &AuditQuery) -> Result<AuditPage, sqlx::Error> {
        let backend = self.db.backend();
        let offset = i64::from(q.page.saturating_sub(1)) * i64::from(AUDIT_PAGE_SIZE);
        let (total, entries): (i64, Vec<AuditRow>) = on_pool!(&self.db, pool => {
            let mut count = QueryBuilder::new("SELECT COUNT(*) FROM audit_log");
            push_filters(&mut count, q, backend);
            let total = count.build_query_scalar().fetch_one(pool).await?;
            let mut select = QueryBuilder::new(SELECT);
            push_filters(&mut select, q, backend);
            select.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(AUDIT_PAGE_SIZE));
            select.push(" OFFSET ").push_bind(offset);
            (total, select.build_query_as().fetch_all(pool).await?)
        });
        let entries = entries.into_iter().map(AuditRow::entry).collect();
        let chain = self.last_verification().await?;
        Ok(AuditPage { entries, total: total.max(0) as u64, page: q.page, per_page: AUDIT_PAGE_SIZE, chain })
    }

    /// Every entry matching the filters, newest first (the CSV export), up to `limit`.
    pub async fn all_matching(&self, q: &AuditQuery, limit: i64) -> Result<Vec<AuditEntry>, sqlx::Error> {
        let backend = self.db.backend();
        let rows: Vec<AuditRow> = on_pool!(&self.db, pool => {
            let mut select = QueryBuilder::new(SELECT);
            push_filters(&mut select, q, backend);
            select.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
            select.build_query_as().fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(AuditRow::entry).collect())
    }

    /// Entries at or after `since_ms`, oldest first (the SIEM export).
    pub async fn since(&self, since_ms: i64) -> Result<Vec<AuditEntry>, sqlx::Error> {
        let sql = format!("{SELECT} WHERE at_ms >= $1 ORDER BY id");
        let rows: Vec<AuditRow> = on_pool!(&self.db, pool => sqlx::query_as(&sql).bind(since_ms).fetch_all(pool).await?);
        Ok(rows.into_iter().map(AuditRow::entry).collect())
    }

    /// One entry by its id.
    pub async fn find(&self, id: i64) -> Result<Option<AuditEntry>, sqlx::Error> {
        let sql = format!("{SELECT} WHERE id = $1");
        let row: Option<AuditRow> = on_pool!(&self.db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
        Ok(row.map(AuditRow::entry))
    }

    /// Whether `username` already has a succeeded `action` entry on this meeting with this
    /// detail since `since_ms` (a preview player asks for its file several times a minute).
    pub async fn has_recent(&self, action: AuditAction, username: &str, meeting_id: &str, detail: &str, since_ms: i64) -> Result<bool, sqlx::Error> {
        // The meeting index narrows it to the meeting's own entries.
        let sql = "SELECT id FROM audit_log WHERE meeting_id = $1 AND action = $2 AND username = $3 AND detail = $4 \
                   AND at_ms >= $5 AND outcome = 'succeeded' LIMIT 1";
        let found: Option<i64> = on_pool!(&self.db, pool => sqlx::query_scalar(sql)
            .bind(meeting_id)
            .bind(action.as_str())
            .bind(username)
            .bind(detail)
            .bind(since_ms)
            .fetch_optional(pool)
            .await?);
        Ok(found.is_some())
    }

    /// A meeting's own history: what was done to it, and its creation. Newest first.
    pub async fn for_meeting(&self, meeting_id: &str, limit: i64) -> Result<Vec<AuditEntry>, sqlx::Error> {
        let sql = format!("{SELECT} WHERE meeting_id = $1 OR new_meeting_id = $1 ORDER BY id DESC LIMIT $2");
        let rows: Vec<AuditRow> = on_pool!(&self.db, pool => sqlx::query_as(&sql).bind(meeting_id).bind(limit).fetch_all(pool).await?);
        Ok(rows.into_iter().map(AuditRow::entry).collect())
    }
}

const SELECT: &str = "SELECT id, at_ms, username, role, sign_in_method, client_addr, action, meeting_id, reason, detail, \
                      request_id, outcome, vendor_status, deleted_count, new_meeting_id, error FROM audit_log";

fn push_filters<'a, DB: Database>(b: &mut QueryBuilder<'a, DB>, q: &AuditQuery, backend: Backend)
where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'static str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut sep = " WHERE ";
    let mut next = |b: &mut QueryBuilder<'a, DB>| {
        b.push(sep);
        sep = " AND ";
    };
    if let Some(u) = &q.user {
        next(b);
        // Case-insensitive as usernames are; each form matches its backend's index.
        match backend {
            Backend::Sqlite => b.push("username = ").push_bind(u.clone()).push(" COLLATE NOCASE"),
            Backend::Postgres => b.push("lower(username) = lower(").push_bind(u.clone()).push(")"),
        };
    }
    if let Some(a) = q.action {
        next(b);
        b.push("action = ").push_bind(a.as_str());
    }
    if let Some(m) = &q.meeting_id {
        next(b);
        b.push("(meeting_id = ").push_bind(m.as_str().to_owned()).push(" OR new_meeting_id = ").push_bind(m.as_str().to_owned()).push(")");
    }
    let (from, to) = q.time_range_ms();
    if let Some(f) = from {
        next(b);
        b.push("at_ms >= ").push_bind(f);
    }
    if let Some(t) = to {
        next(b);
        b.push("at_ms < ").push_bind(t);
    }
}

/// One row as both backends return it (integers are 64-bit on both).
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at_ms: i64,
    username: Option<String>,
    role: Option<String>,
    sign_in_method: Option<String>,
    client_addr: String,
    action: String,
    meeting_id: Option<String>,
    reason: Option<String>,
    detail: Option<String>,
    request_id: String,
    outcome: Option<String>,
    vendor_status: Option<i64>,
    deleted_count: Option<i64>,
    new_meeting_id: Option<String>,
    error: Option<String>,
}

impl AuditRow {
    fn entry(self) -> AuditEntry {
        AuditEntry {
            id: self.id,
            at_ms: self.at_ms,
            username: self.username,
            role: self.role.and_then(|r| Role::parse(&r).ok()),
            method: self.sign_in_method.as_deref().and_then(SignInMethod::parse),
            client_addr: self.client_addr,
            // The CHECK constraint admits only known actions.
            action: AuditAction::parse(&self.action).unwrap_or(AuditAction::Denied),
            meeting_id: self.meeting_id,
            reason: self.reason,
            detail: self.detail,
            request_id: self.request_id,
            outcome: self.outcome.and_then(|o| Outcome::parse(&o)),
            vendor_status: self.vendor_status.and_then(|s| u16::try_from(s).ok()),
            deleted_count: self.deleted_count.and_then(|s| u32::try_from(s).ok()),
            new_meeting_id: self.new_meeting_id,
            error: self.error,
        }
    }
}
