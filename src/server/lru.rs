//! A map bounded by the bytes its values hold, not by how many there are (one meeting may hold
//! 5,000 recordings, another none), dropping the least recently used first: the `lru` crate's
//! list, weighed here. The caller says what each value weighs and keeps the map behind its own
//! lock.

use std::hash::Hash;
use std::sync::{Mutex, MutexGuard};

use lru::LruCache;

#[derive(Debug)]
pub struct BytesLru<K: Eq + Hash, V> {
    max_bytes: usize,
    /// Each value with its weight.
    entries: LruCache<K, (V, usize)>,
    bytes: usize,
}

impl<K: Eq + Hash, V> BytesLru<K, V> {
    pub fn new(max_bytes: usize) -> Self {
        Self { max_bytes, entries: LruCache::unbounded(), bytes: 0 }
    }

    /// The value, counted as a use.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        self.entries.get(key).map(|(value, _)| value)
    }

    /// Keeps `value` (weighing `bytes`) in place of any for `key`, making room by dropping the
    /// least recently used; one heavier than the whole bound is not kept. Whether it was kept.
    pub fn put(&mut self, key: K, value: V, bytes: usize) -> bool {
        self.remove(&key);
        if bytes > self.max_bytes {
            return false;
        }
        while self.bytes + bytes > self.max_bytes {
            let Some((_, (_, weight))) = self.entries.pop_lru() else { break };
            self.bytes -= weight;
        }
        self.bytes += bytes;
        self.entries.put(key, (value, bytes));
        true
    }

    pub fn remove(&mut self, key: &K) {
        if let Some((_, weight)) = self.entries.pop(key) {
            self.bytes -= weight;
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    /// What the kept values weigh together, as their callers counted them.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

/// A `BytesLru` shared between requests.
#[derive(Debug)]
pub struct SharedLru<K: Eq + Hash, V>(Mutex<BytesLru<K, V>>);

impl<K: Eq + Hash, V> SharedLru<K, V> {
    pub fn new(max_bytes: usize) -> Self {
        Self(Mutex::new(BytesLru::new(max_bytes)))
    }

    pub fn lock(&self) -> MutexGuard<'_, BytesLru<K, V>> {
        // Nothing here is left half-written by a panic that matters: recover rather than poison.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_go_first_and_the_bound_holds() {
        let mut lru = BytesLru::new(100);
        assert!(lru.put("a", 1, 40));
        assert!(lru.put("b", 2, 40));
        assert_eq!(lru.get(&"a"), Some(&1));
        assert!(lru.put("c", 3, 40), "room is made by dropping b, used longest ago");
        assert_eq!(lru.get(&"b"), None);
        assert_eq!(lru.get(&"a"), Some(&1));
        assert_eq!(lru.get(&"c"), Some(&3));
        assert_eq!(lru.bytes(), 80);
        assert!(lru.put("a", 4, 10), "a replaced value's bytes are given back");
        assert_eq!(lru.bytes(), 50);
        assert!(!lru.put("big", 5, 101));
        assert_eq!(lru.bytes(), 50, "a value heavier than the bound is not kept and drops nothing");
        lru.remove(&"c");
        assert_eq!(lru.bytes(), 10);
        lru.clear();
        assert_eq!(lru.bytes(), 0);
        assert_eq!(lru.get(&"a"), None);
    }
}
