//! The retention rules, the settings row and the inventory as the store holds them.

use crate::domain::{HostRule, HostRuleRow, Known, MeetingId, MeetingRule, MeetingRuleRow, RetentionDays, Rules};
use crate::server::store::{on_pool, Store};

/// The settings row: what the admin set, and when.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Settings {
    pub default_days: Option<i64>,
    pub warn_days: i64,
    pub calls_per_hour: i64,
    pub set_by: Option<String>,
    pub set_at_ms: Option<i64>,
    pub last_sweep_ms: Option<i64>,
    pub paused_until_ms: i64,
}

pub async fn settings(db: &Store) -> Result<Settings, sqlx::Error> {
    let sql = "SELECT default_days, warn_days, calls_per_hour, set_by, set_at_ms, last_sweep_ms, paused_until_ms FROM retention_settings WHERE id = 1";
    Ok(on_pool!(db, pool => sqlx::query_as(sql).fetch_one(pool).await?))
}

/// What the admin sets on the Retention page's first form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct General {
    pub default: Option<RetentionDays>,
    pub warn_days: u32,
    pub calls_per_hour: u32,
}

pub async fn set_general(db: &Store, g: General, by: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    let sql = "UPDATE retention_settings SET default_days = $1, warn_days = $2, calls_per_hour = $3, set_by = $4, set_at_ms = $5 WHERE id = 1";
    on_pool!(db, pool => sqlx::query(sql)
        .bind(g.default.map(|d| i64::from(d.get())))
        .bind(i64::from(g.warn_days))
        .bind(i64::from(g.calls_per_hour))
        .bind(by)
        .bind(now_ms)
        .execute(pool)
        .await?
        .rows_affected());
    Ok(())
}

pub async fn host_rules(db: &Store) -> Result<Vec<HostRuleRow>, sqlx::Error> {
    let sql = "SELECT host_id, days, reason, set_by, set_at_ms FROM retention_hosts ORDER BY host_id";
    let rows: Vec<(i64, Option<i64>, String, String, i64)> = on_pool!(db, pool => sqlx::query_as(sql).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .filter_map(|(host, days, reason, set_by, set_at_ms)| {
            let rule = match days {
                None => HostRule::Keep,
                Some(d) => HostRule::Days(RetentionDays::new(u32::try_from(d).ok()?)?),
            };
            Some(HostRuleRow { host_id: u64::try_from(host).ok()?, rule, reason, set_by, set_at_ms })
        })
        .collect())
}

pub async fn set_host_rule(db: &Store, host: u64, rule: Option<HostRule>, reason: &str, by: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    let host = i64::try_from(host).unwrap_or(i64::MAX);
    match rule {
        None => on_pool!(db, pool => sqlx::query("DELETE FROM retention_hosts WHERE host_id = $1").bind(host).execute(pool).await?.rows_affected()),
        Some(rule) => {
            let days = match rule {
                HostRule::Days(d) => Some(i64::from(d.get())),
                HostRule::Keep => None,
            };
            let sql = "INSERT INTO retention_hosts (host_id, days, reason, set_by, set_at_ms) VALUES ($1, $2, $3, $4, $5) \
                       ON CONFLICT (host_id) DO UPDATE SET days = excluded.days, reason = excluded.reason, set_by = excluded.set_by, set_at_ms = excluded.set_at_ms";
            on_pool!(db, pool => sqlx::query(sql).bind(host).bind(days).bind(reason).bind(by).bind(now_ms).execute(pool).await?.rows_affected())
        }
    };
    Ok(())
}

/// The rules in force.
pub async fn rules(db: &Store) -> Result<Rules, sqlx::Error> {
    Ok(rules_of(&settings(db).await?, &host_rules(db).await?))
}

/// The rules in force, from the settings row and the host rules already read.
pub fn rules_of(s: &Settings, hosts: &[HostRuleRow]) -> Rules {
    let default = s.default_days.and_then(|d| RetentionDays::new(u32::try_from(d).ok()?));
    Rules { default, hosts: hosts.iter().map(|h| (h.host_id, h.rule)).collect() }
}

fn meeting_rule(keep: bool, until_ms: Option<i64>) -> Option<MeetingRule> {
    if keep { Some(MeetingRule::Keep) } else { until_ms.map(MeetingRule::ExtendedUntil) }
}

pub async fn meeting_rule_of(db: &Store, id: &MeetingId) -> Result<Option<MeetingRuleRow>, sqlx::Error> {
    let sql = "SELECT keep, until_ms, reason, set_by, set_at_ms FROM retention_meetings WHERE meeting_id = $1";
    let row: Option<(bool, Option<i64>, String, String, i64)> = on_pool!(db, pool => sqlx::query_as(sql).bind(id.as_str()).fetch_optional(pool).await?);
    Ok(row.and_then(|(keep, until, reason, set_by, set_at_ms)| Some(MeetingRuleRow { rule: meeting_rule(keep, until)?, reason, set_by, set_at_ms })))
}

/// Sets a meeting's own rule (`None`: back to its host's or the default).
pub async fn set_meeting_rule(db: &Store, id: &MeetingId, rule: Option<MeetingRule>, reason: &str, by: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    match rule {
        None => on_pool!(db, pool => sqlx::query("DELETE FROM retention_meetings WHERE meeting_id = $1").bind(id.as_str()).execute(pool).await?.rows_affected()),
        Some(rule) => {
            let (keep, until) = match rule {
                MeetingRule::Keep => (true, None),
                MeetingRule::ExtendedUntil(at) => (false, Some(at)),
            };
            let sql = "INSERT INTO retention_meetings (meeting_id, keep, until_ms, reason, set_by, set_at_ms) VALUES ($1, $2, $3, $4, $5, $6) \
                       ON CONFLICT (meeting_id) DO UPDATE SET keep = excluded.keep, until_ms = excluded.until_ms, reason = excluded.reason, \
                       set_by = excluded.set_by, set_at_ms = excluded.set_at_ms";
            on_pool!(db, pool => sqlx::query(sql).bind(id.as_str()).bind(keep).bind(until).bind(reason).bind(by).bind(now_ms).execute(pool).await?.rows_affected())
        }
    };
    Ok(())
}

/// One known meeting with what the inventory found and what stands on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryRow {
    pub known: Known,
    pub source: String,
    pub inventoried_at_ms: Option<i64>,
    pub last_error: Option<String>,
    pub oldest_created: Option<i64>,
    /// A deletion request is open, or one ran after the last listing: the sweep leaves it.
    pub in_hand: bool,
    /// The meeting's own rule with who set it and why.
    pub rule_row: Option<MeetingRuleRow>,
}

#[derive(sqlx::FromRow)]
struct Row {
    meeting_id: String,
    host_id: Option<i64>,
    source: String,
    inventoried_at_ms: Option<i64>,
    last_error: Option<String>,
    recording_count: i64,
    total_size: i64,
    newest_created: Option<i64>,
    oldest_created: Option<i64>,
    keep: Option<bool>,
    until_ms: Option<i64>,
    reason: Option<String>,
    set_by: Option<String>,
    set_at_ms: Option<i64>,
    held: bool,
    in_hand: bool,
}

/// Every known meeting (10,000 rows read in one query: the page and the sweep work on all).
pub async fn inventory(db: &Store) -> Result<Vec<InventoryRow>, sqlx::Error> {
    read_inventory(db, None).await
}

/// One known meeting, if it is known.
pub async fn inventory_of(db: &Store, id: &MeetingId) -> Result<Option<InventoryRow>, sqlx::Error> {
    Ok(read_inventory(db, Some(id)).await?.pop())
}

async fn read_inventory(db: &Store, one: Option<&MeetingId>) -> Result<Vec<InventoryRow>, sqlx::Error> {
    let filter = if one.is_some() { "WHERE k.meeting_id = $1 " } else { "" };
    let sql = format!("SELECT k.meeting_id, k.host_id, k.source, k.inventoried_at_ms, k.last_error, k.recording_count, k.total_size, \
               k.newest_created, k.oldest_created, r.keep, r.until_ms, r.reason, r.set_by, r.set_at_ms, \
               EXISTS (SELECT 1 FROM legal_holds h WHERE h.meeting_id = k.meeting_id) AS held, \
               EXISTS (SELECT 1 FROM deletion_requests d WHERE d.meeting_id = k.meeting_id \
                       AND (d.state IN ('awaiting_approval', 'scheduled', 'running') \
                            OR (d.state = 'done' AND d.finished_at_ms >= COALESCE(k.inventoried_at_ms, 0))) \
                       UNION ALL SELECT 1 FROM bulk_items i WHERE i.meeting_id = k.meeting_id AND i.outcome IS NULL \
                       AND i.keep_after IS NOT NULL) AS in_hand \
               FROM known_meetings k LEFT JOIN retention_meetings r ON r.meeting_id = k.meeting_id {filter}ORDER BY k.meeting_id");
    let rows: Vec<Row> = on_pool!(db, pool => {
        let q = sqlx::query_as(&sql);
        let q = match one { Some(id) => q.bind(id.as_str()), None => q };
        q.fetch_all(pool).await?
    });
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let rule = r.keep.and_then(|keep| meeting_rule(keep, r.until_ms));
            let rule_row = rule.map(|rule| MeetingRuleRow {
                rule,
                reason: r.reason.clone().unwrap_or_default(),
                set_by: r.set_by.clone().unwrap_or_default(),
                set_at_ms: r.set_at_ms.unwrap_or_default(),
            });
            Some(InventoryRow {
                known: Known {
                    meeting_id: MeetingId::parse(&r.meeting_id).ok()?,
                    host: r.host_id.and_then(|h| u64::try_from(h).ok()),
                    recordings: u64::try_from(r.recording_count).unwrap_or(0),
                    bytes: u64::try_from(r.total_size).unwrap_or(0),
                    newest_created: r.newest_created,
                    rule,
                    held: r.held,
                },
                source: r.source,
                inventoried_at_ms: r.inventoried_at_ms,
                last_error: r.last_error,
                oldest_created: r.oldest_created,
                in_hand: r.in_hand,
                rule_row,
            })
        })
        .collect())
}

/// Recordings and their bytes per age bucket (`domain::AGE_BUCKETS`), by their dates.
pub async fn ages(db: &Store, now_unix: i64) -> Result<Vec<(usize, i64, i64)>, sqlx::Error> {
    let mut cases = String::from("CASE WHEN created IS NULL THEN -1");
    for (i, (bound, _)) in crate::domain::AGE_BUCKETS.iter().enumerate() {
        match bound {
            Some(days) => cases.push_str(&format!(" WHEN created > $1 - {} THEN {i}", days * 86_400)),
            None => cases.push_str(&format!(" ELSE {i}")),
        }
    }
    cases.push_str(" END");
    let sql = format!("SELECT {cases} AS bucket, COUNT(*), CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM known_recordings GROUP BY 1");
    let rows: Vec<(i32, i64, i64)> = on_pool!(db, pool => sqlx::query_as(&sql).bind(now_unix).fetch_all(pool).await?);
    Ok(rows.into_iter().filter_map(|(b, n, bytes)| Some((usize::try_from(b).ok()?, n, bytes))).collect())
}
