//! Failed sign-ins slow down guessing: after a few failures an account (and, as a second line, a
//! client address) is locked for a while that doubles with each further failure. Kept in the
//! database so every replica sees the same counts.

use crate::server::store::{on_pool, Store};

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Failures allowed before the first lock.
    pub free: i64,
    /// The first lock; each further failure doubles it, up to `max_lock`.
    pub base_lock_secs: i64,
    pub max_lock_secs: i64,
    /// A failure older than this no longer counts.
    pub window_secs: i64,
}

pub const PER_ACCOUNT: Limit = Limit { free: 5, base_lock_secs: 30, max_lock_secs: 15 * 60, window_secs: 15 * 60 };
pub const PER_ADDRESS: Limit = Limit { free: 20, base_lock_secs: 30, max_lock_secs: 15 * 60, window_secs: 15 * 60 };

pub fn account_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

pub fn address_key(addr: &str) -> String {
    format!("addr:{addr}")
}

/// Seconds until the longest of these locks ends, if any is in force.
pub async fn locked_for(db: &Store, keys: &[&str], now: i64) -> Result<Option<u64>, sqlx::Error> {
    let mut longest = 0;
    for key in keys {
        let sql = "SELECT locked_until FROM sign_in_failures WHERE throttle_key = $1";
        let until: Option<i64> = on_pool!(db, pool => sqlx::query_scalar(sql).bind(key).fetch_optional(pool).await)?;
        longest = longest.max(until.unwrap_or(0) - now);
    }
    Ok((longest > 0).then_some(longest as u64))
}

/// Counts a failure; returns how long the key is now locked for (0 when not locked).
pub async fn record_failure(db: &Store, key: &str, limit: Limit, now: i64) -> Result<i64, sqlx::Error> {
    // One statement, so failures counted at once on two replicas are both counted.
    let sql = "INSERT INTO sign_in_failures (throttle_key, failures, last_failure, locked_until) VALUES ($1, 1, $2, 0)
         ON CONFLICT (throttle_key) DO UPDATE SET
           failures = CASE WHEN sign_in_failures.last_failure < $2 - $3 THEN 1 ELSE sign_in_failures.failures + 1 END,
           last_failure = $2
         RETURNING failures";
    let failures: i64 = on_pool!(db, pool => sqlx::query_scalar(sql).bind(key).bind(now).bind(limit.window_secs).fetch_one(pool).await)?;
    let lock = lock_secs(failures, limit);
    if lock > 0 {
        let sql = "UPDATE sign_in_failures SET locked_until = $1 WHERE throttle_key = $2";
        on_pool!(db, pool => sqlx::query(sql).bind(now + lock).bind(key).execute(pool).await.map(|_| ()))?;
    }
    Ok(lock)
}

pub async fn clear(db: &Store, key: &str) -> Result<(), sqlx::Error> {
    let sql = "DELETE FROM sign_in_failures WHERE throttle_key = $1";
    on_pool!(db, pool => sqlx::query(sql).bind(key).execute(pool).await.map(|_| ()))?;
    Ok(())
}

fn lock_secs(failures: i64, limit: Limit) -> i64 {
    if failures < limit.free {
        return 0;
    }
    let doublings = (failures - limit.free).min(20) as u32;
    (limit.base_lock_secs.saturating_mul(1 << doublings)).min(limit.max_lock_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_grow_then_cap() {
        let l = PER_ACCOUNT;
        assert_eq!(lock_secs(4, l), 0);
        assert_eq!(lock_secs(5, l), 30);
        assert_eq!(lock_secs(6, l), 60);
        assert_eq!(lock_secs(7, l), 120);
        assert_eq!(lock_secs(50, l), 900);
    }

    #[test]
    fn keys_ignore_case() {
        assert_eq!(account_key(" Alice "), "user:alice");
    }
}
