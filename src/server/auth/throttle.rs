//! Failed sign-ins slow down guessing: after a few failures an account (and, as a second line, a
//! client address) is locked for a while that doubles with each further failure. Kept in the
//! database so every replica sees the same counts.
//!
//! An attempt is counted before its password is checked (`attempt`), in one statement, so
//! guesses sent in parallel, to one replica or several, are counted as they arrive: only the
//! first `free` of them are checked at all, and a success gives its count back.

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

/// What an attempt may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Counted as the `n`th in the window: check the password.
    Check { n: i64 },
    /// Locked: refused without a check, for this many more seconds.
    Locked { secs: u64 },
}

/// Counts an attempt on `key` (unless a lock is in force, which it leaves as it is), and says
/// whether its password may be checked. One statement: parallel attempts get distinct counts.
pub async fn attempt(db: &Store, key: &str, limit: Limit, now: i64) -> Result<Attempt, sqlx::Error> {
    let sql = "INSERT INTO sign_in_failures (throttle_key, failures, last_failure, locked_until) VALUES ($1, 1, $2, 0)
         ON CONFLICT (throttle_key) DO UPDATE SET
           failures = CASE WHEN sign_in_failures.locked_until > $2 THEN sign_in_failures.failures
                           WHEN sign_in_failures.last_failure < $2 - $3 THEN 1
                           ELSE sign_in_failures.failures + 1 END,
           last_failure = CASE WHEN sign_in_failures.locked_until > $2 THEN sign_in_failures.last_failure ELSE $2 END
         RETURNING failures, locked_until";
    let (n, locked_until): (i64, i64) =
        on_pool!(db, pool => sqlx::query_as(sql).bind(key).bind(now).bind(limit.window_secs).fetch_one(pool).await)?;
    if locked_until > now {
        return Ok(Attempt::Locked { secs: (locked_until - now) as u64 });
    }
    if n > limit.free {
        // Beyond the free attempts, counted while an earlier one was still being checked.
        let secs = lock(db, key, n, limit, now).await?;
        return Ok(Attempt::Locked { secs: secs.max(1) as u64 });
    }
    Ok(Attempt::Check { n })
}

/// The password of the `n`th attempt was wrong: lock when that used up the free attempts.
pub async fn failed(db: &Store, key: &str, n: i64, limit: Limit, now: i64) -> Result<i64, sqlx::Error> {
    lock(db, key, n, limit, now).await
}

/// The password was right: the attempt is given back (a busy office behind one address signs
/// in many times a day).
pub async fn succeeded(db: &Store, key: &str) -> Result<(), sqlx::Error> {
    let sql = "UPDATE sign_in_failures SET failures = failures - 1 WHERE throttle_key = $1 AND failures > 0";
    on_pool!(db, pool => sqlx::query(sql).bind(key).execute(pool).await.map(|_| ()))?;
    Ok(())
}

async fn lock(db: &Store, key: &str, n: i64, limit: Limit, now: i64) -> Result<i64, sqlx::Error> {
    let secs = lock_secs(n, limit);
    if secs > 0 {
        let sql = "UPDATE sign_in_failures SET locked_until = $1 WHERE throttle_key = $2 AND locked_until < $1";
        on_pool!(db, pool => sqlx::query(sql).bind(now + secs).bind(key).execute(pool).await.map(|_| ()))?;
    }
    Ok(secs)
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
