//! Failed sign-ins slow down guessing: after a few failures an account (and, as a second line, a
//! client address) is locked for a while that doubles with each further failure. Kept in the
//! database so every replica sees the same counts.

use sqlx::SqlitePool;

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
pub async fn locked_for(db: &SqlitePool, keys: &[&str], now: i64) -> Result<Option<u64>, sqlx::Error> {
    let mut longest = 0;
    for key in keys {
        let until: Option<i64> = sqlx::query_scalar("SELECT locked_until FROM sign_in_failures WHERE throttle_key = ?")
            .bind(key)
            .fetch_optional(db)
            .await?;
        longest = longest.max(until.unwrap_or(0) - now);
    }
    Ok((longest > 0).then_some(longest as u64))
}

/// Counts a failure; returns how long the key is now locked for (0 when not locked).
pub async fn record_failure(db: &SqlitePool, key: &str, limit: Limit, now: i64) -> Result<i64, sqlx::Error> {
    let failures: i64 = sqlx::query_scalar(
        "INSERT INTO sign_in_failures (throttle_key, failures, last_failure, locked_until) VALUES (?1, 1, ?2, 0)
         ON CONFLICT (throttle_key) DO UPDATE SET
           failures = CASE WHEN last_failure < ?2 - ?3 THEN 1 ELSE failures + 1 END,
           last_failure = ?2
         RETURNING failures",
    )
    .bind(key)
    .bind(now)
    .bind(limit.window_secs)
    .fetch_one(db)
    .await?;
    let lock = lock_secs(failures, limit);
    if lock > 0 {
        sqlx::query("UPDATE sign_in_failures SET locked_until = ? WHERE throttle_key = ?")
            .bind(now + lock)
            .bind(key)
            .execute(db)
            .await?;
    }
    Ok(lock)
}

pub async fn clear(db: &SqlitePool, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_failures WHERE throttle_key = ?").bind(key).execute(db).await?;
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
