//! Who is asking, answered from memory: sessions and the local accounts behind them, kept in the
//! process so a request reads nothing from the database when nothing changed.
//!
//! Correctness rests on two rules:
//! - Entries are used only while a change signal is live (`store::changes`: LISTEN/NOTIFY on
//!   PostgreSQL, a polled change counter on SQLite). While it is down nothing is kept or served.
//! - Every change, and every loss of the signal, moves a generation counter. A database read keeps
//!   its result only when the generation did not move while it read, so a read that raced a change
//!   can never put the old state back after the change was forgotten.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tower_sessions::cookie::time;
use tower_sessions::session::{Id, Record};

use crate::domain::Role;

/// Beyond these, the maps start again empty: rarer than a restart in any real deployment, and it
/// bounds memory whatever the traffic (a session record is a few hundred bytes).
const MAX_SESSIONS: usize = 50_000;
const MAX_ACCOUNTS: usize = 20_000;

/// What a session check needs of a local account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountState {
    pub role: Role,
    pub disabled: bool,
    /// Unix milliseconds of the last password set from the console; older sessions end.
    pub password_changed_ms: i64,
}

/// A snapshot of the generation, taken before a database read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation(u64);

#[derive(Debug, Clone, Default)]
pub struct IdentityCache(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    live: AtomicBool,
    generation: AtomicU64,
    sessions: Mutex<HashMap<Id, Record>>,
    /// By lower-cased username.
    accounts: Mutex<HashMap<String, AccountState>>,
}

fn key(username: &str) -> String {
    username.trim().to_lowercase()
}

impl IdentityCache {
    /// Whether entries are being kept and served (the change signal is live).
    pub fn is_live(&self) -> bool {
        self.0.live.load(Ordering::SeqCst)
    }

    /// The change signal is up (after everything was forgotten) or down (forget, keep nothing).
    pub fn set_live(&self, live: bool) {
        self.forget_all();
        self.0.live.store(live, Ordering::SeqCst);
        // Forgotten again: a read that kept something between the two steps above is dropped.
        self.forget_all();
    }

    /// How many times entries were forgotten since start (each change heard, each loss of the
    /// change signal), for `/metrics`.
    pub fn invalidations(&self) -> u64 {
        self.0.generation.load(Ordering::SeqCst)
    }

    pub fn generation(&self) -> Generation {
        Generation(self.0.generation.load(Ordering::SeqCst))
    }

    /// Something changed, or may have: every entry goes, and reads in flight keep nothing.
    pub fn forget_all(&self) {
        self.0.generation.fetch_add(1, Ordering::SeqCst);
        lock(&self.0.sessions).clear();
        lock(&self.0.accounts).clear();
    }

    /// A session this replica saved or deleted itself.
    pub fn forget_session(&self, id: &Id) {
        self.0.generation.fetch_add(1, Ordering::SeqCst);
        lock(&self.0.sessions).remove(id);
    }

    /// The kept record, unless it is past the expiry it was kept with (another replica may have
    /// moved that on since, so an expired entry is a miss, never a verdict).
    pub fn session(&self, id: &Id, now: time::OffsetDateTime) -> Option<Record> {
        if !self.is_live() {
            return None;
        }
        lock(&self.0.sessions).get(id).filter(|r| r.expiry_date > now).cloned()
    }

    pub fn keep_session(&self, read_at: Generation, record: Record) {
        self.keep(read_at, &self.0.sessions, MAX_SESSIONS, record.id, record);
    }

    pub fn account(&self, username: &str) -> Option<AccountState> {
        if !self.is_live() {
            return None;
        }
        lock(&self.0.accounts).get(&key(username)).cloned()
    }

    pub fn keep_account(&self, read_at: Generation, username: &str, state: AccountState) {
        self.keep(read_at, &self.0.accounts, MAX_ACCOUNTS, key(username), state);
    }

    fn keep<K: std::hash::Hash + Eq, V>(&self, read_at: Generation, map: &Mutex<HashMap<K, V>>, max: usize, k: K, v: V) {
        let mut map = lock(map);
        // Checked under the lock: `forget_*` moves the generation before it takes the lock, so a
        // change is either seen here or clears this entry after it is inserted.
        if !self.is_live() || self.generation() != read_at {
            return;
        }
        if map.len() >= max {
            map.clear();
        }
        map.insert(k, v);
    }

    #[cfg(test)]
    fn len(&self) -> (usize, usize) {
        (lock(&self.0.sessions).len(), lock(&self.0.accounts).len())
    }
}

/// A panic elsewhere while holding the lock leaves a map that is still consistent.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_sessions::cookie::time::{Duration, OffsetDateTime};

    fn record(id: i128, expires_in: Duration) -> Record {
        Record { id: Id(id), data: Default::default(), expiry_date: OffsetDateTime::now_utc() + expires_in }
    }

    fn account() -> AccountState {
        AccountState { role: Role::Operator, disabled: false, password_changed_ms: 0 }
    }

    #[test]
    fn nothing_is_kept_or_served_while_the_signal_is_down() {
        let cache = IdentityCache::default();
        let now = OffsetDateTime::now_utc();
        cache.keep_session(cache.generation(), record(1, Duration::hours(1)));
        cache.keep_account(cache.generation(), "Otto", account());
        assert_eq!(cache.len(), (0, 0));
        cache.set_live(true);
        cache.keep_session(cache.generation(), record(1, Duration::hours(1)));
        cache.keep_account(cache.generation(), "Otto", account());
        assert!(cache.session(&Id(1), now).is_some());
        assert_eq!(cache.account("otto "), Some(account()), "names match whatever their case");
        cache.set_live(false);
        assert_eq!(cache.len(), (0, 0), "losing the signal forgets everything");
        assert!(cache.session(&Id(1), now).is_none());
    }

    #[test]
    fn a_read_that_raced_a_change_keeps_nothing() {
        let cache = IdentityCache::default();
        cache.set_live(true);
        let before = cache.generation();
        cache.forget_all(); // the change lands while the read is in flight
        cache.keep_account(before, "otto", account());
        assert_eq!(cache.account("otto"), None);
        let before = cache.generation();
        cache.forget_session(&Id(9));
        cache.keep_session(before, record(1, Duration::hours(1)));
        assert_eq!(cache.len(), (0, 0));
    }

    #[test]
    fn an_expired_entry_is_a_miss_and_the_maps_are_bounded() {
        let cache = IdentityCache::default();
        cache.set_live(true);
        cache.keep_session(cache.generation(), record(1, Duration::seconds(-1)));
        assert!(cache.session(&Id(1), OffsetDateTime::now_utc()).is_none());
        for i in 0..(MAX_SESSIONS as i128 + 10) {
            cache.keep_session(cache.generation(), record(i, Duration::hours(1)));
        }
        assert!(cache.len().0 <= MAX_SESSIONS);
    }
}
