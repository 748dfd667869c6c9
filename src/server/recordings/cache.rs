//! The vendor's recordings list of a meeting, kept for a few seconds so that paging and sorting
//! the recordings page cost no vendor call (ConnectyCube's list has no paging: every view would
//! fetch and decode all of a meeting's recordings again). Bounded by bytes, not entries: one
//! meeting can hold 5,000 recordings. Only pages read it (through `recording_lists`); "Refresh"
//! takes the answer of a vendor call begun after it was asked, downloads, deletions and the
//! checks before a deletion always ask the vendor, and a deletion run by any replica drops the
//! meeting (`store::changes` tells the others).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::server::lru::SharedLru;
use crate::domain::{IndexedRecordings, MeetingId, Recording};

#[derive(Debug)]
pub struct RecordingsCache {
    ttl_ms: i64,
    inner: SharedLru<MeetingId, Cached>,
    /// Counts `forget` and `forget_all` (changed only under the lock, read under it by `put`).
    forgets: AtomicU64,
    /// Lists found kept and young enough, and looked for in vain (for `/metrics`).
    hits: AtomicU64,
    misses: AtomicU64,
}

/// Taken before the vendor is asked: the list it gives is kept only if nothing was forgotten
/// meanwhile. Otherwise a list read just before a deletion, and answered just after it dropped
/// the meeting, would be kept and shown for a whole TTL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Ticket(u64);

/// A list as kept, and when the vendor gave it.
#[derive(Debug, Clone)]
pub struct Cached {
    pub list: Arc<IndexedRecordings>,
    pub fetched_ms: i64,
}

impl RecordingsCache {
    /// `ttl` zero keeps nothing.
    pub fn new(ttl: Duration, max_bytes: usize) -> Self {
        Self { ttl_ms: i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX), inner: SharedLru::new(max_bytes), forgets: AtomicU64::new(0), hits: AtomicU64::new(0), misses: AtomicU64::new(0) }
    }

    /// To be taken before the vendor is asked for a list that `put` will keep.
    pub fn ticket(&self) -> Ticket {
        let _inner = self.inner.lock();
        Ticket(self.forgets.load(Ordering::Relaxed))
    }

    /// The meeting's list if it is younger than the TTL.
    pub fn get(&self, id: &MeetingId, now_ms: i64) -> Option<Cached> {
        let found = self.find(id, now_ms);
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    fn find(&self, id: &MeetingId, now_ms: i64) -> Option<Cached> {
        let mut inner = self.inner.lock();
        match inner.get(id) {
            Some(c) if now_ms - c.fetched_ms < self.ttl_ms && now_ms >= c.fetched_ms => Some(c.clone()),
            Some(_) => {
                inner.remove(id);
                None
            }
            None => None,
        }
    }

    /// Keeps `list` for the meeting, making room by dropping the least recently used lists;
    /// not if a list was forgotten since `ticket` was taken (the rare deletion costs the next
    /// view a vendor call, never a stale list).
    pub fn put(&self, id: MeetingId, list: Arc<IndexedRecordings>, now_ms: i64, ticket: Ticket) {
        if self.ttl_ms == 0 {
            return;
        }
        let bytes = bytes_of(&list);
        let mut inner = self.inner.lock();
        if self.forgets.load(Ordering::Relaxed) == ticket.0 {
            inner.put(id, Cached { list, fetched_ms: now_ms }, bytes);
        }
    }

    /// Drops the meeting's list (its recordings were deleted, here or by another replica).
    pub fn forget(&self, id: &MeetingId) {
        let mut inner = self.inner.lock();
        inner.remove(id);
        self.forgets.fetch_add(1, Ordering::Relaxed);
    }

    /// Drops every list (deletions by other replicas may have gone unheard).
    pub fn forget_all(&self) {
        let mut inner = self.inner.lock();
        inner.clear();
        self.forgets.fetch_add(1, Ordering::Relaxed);
    }

    /// Lookups so far that found a list, and that did not.
    pub fn hits_and_misses(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// What the kept lists take, by `bytes_of`.
    pub fn bytes(&self) -> usize {
        self.inner.lock().bytes()
    }
}

/// What a kept list counts for against the bound: its recordings and their orders.
pub fn bytes_of(list: &IndexedRecordings) -> usize {
    size_of(list.list()) + list.index_bytes()
}

/// What a list holds in memory, near enough: each recording's own size and its strings and ids.
fn size_of(list: &[Recording]) -> usize {
    list.iter()
        .map(|r| {
            std::mem::size_of::<Recording>()
                + r.id.len()
                + r.room_id.len()
                + r.file_uid.len()
                + r.created_at.len()
                + r.updated_at.len()
                + r.download_url.len()
                + r.participants_ids.len() * std::mem::size_of::<u64>()
        })
        .sum::<usize>()
        + std::mem::size_of::<Vec<Recording>>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(n: usize, tag: &str) -> Arc<IndexedRecordings> {
        Arc::new(IndexedRecordings::new(
            (0..n)
                .map(|i| Recording {
                    id: format!("{tag}{i:020}"),
                    room_id: "room".into(),
                    participants_count: 2,
                    participants_ids: vec![1, 2],
                    file_uid: format!("file-{i}"),
                    duration: 1_000,
                    size: 1_000_000,
                    created_at: "2026-11-24T10:10:10Z".into(),
                    updated_at: "2026-11-24T10:10:10Z".into(),
                    download_url: format!("https://s3.example.com/{i}?X-Amz-Signature=abc"),
                })
                .collect(),
        ))
    }

    fn meeting(n: usize) -> MeetingId {
        MeetingId::parse(&format!("{n:024x}")).unwrap()
    }

    #[test]
    fn a_list_is_kept_for_its_ttl_and_forgotten_on_request() {
        let cache = RecordingsCache::new(Duration::from_secs(10), 1 << 20);
        cache.put(meeting(1), list(3, "a"), 1_000, cache.ticket());
        assert_eq!(cache.get(&meeting(1), 10_999).unwrap().list.list().len(), 3);
        assert_eq!(cache.get(&meeting(1), 10_999).unwrap().fetched_ms, 1_000);
        assert!(cache.get(&meeting(1), 11_000).is_none(), "expired at the TTL");
        assert_eq!(cache.bytes(), 0, "an expired list is dropped when found");
        cache.put(meeting(1), list(3, "a"), 20_000, cache.ticket());
        cache.forget(&meeting(1));
        assert!(cache.get(&meeting(1), 20_001).is_none());
        let off = RecordingsCache::new(Duration::ZERO, 1 << 20);
        off.put(meeting(1), list(3, "a"), 0, off.ticket());
        assert!(off.get(&meeting(1), 0).is_none(), "a zero TTL keeps nothing");
    }

    /// A list the vendor gave for a request made before a deletion dropped the meeting (here or
    /// on another replica, or all meetings after a lost listener) is not kept; one asked for
    /// after it is.
    #[test]
    fn a_list_asked_for_before_a_forget_is_not_kept() {
        let cache = RecordingsCache::new(Duration::from_secs(10), 1 << 20);
        let before = cache.ticket();
        cache.forget(&meeting(1));
        cache.put(meeting(1), list(3, "a"), 1_000, before);
        assert!(cache.get(&meeting(1), 1_001).is_none(), "kept a list older than the deletion");
        let before = cache.ticket();
        cache.forget_all();
        cache.put(meeting(2), list(3, "b"), 1_000, before);
        assert!(cache.get(&meeting(2), 1_001).is_none(), "kept a list older than forget_all");
        cache.put(meeting(1), list(3, "a"), 2_000, cache.ticket());
        assert_eq!(cache.get(&meeting(1), 2_001).unwrap().fetched_ms, 2_000);
        assert_eq!(cache.bytes(), bytes_of(&list(3, "a")));
    }

    /// 25 meetings of 5,000 recordings each: the kept lists stay under the bound, the least
    /// recently used go first, and a list larger than the bound is never kept.
    #[test]
    fn the_byte_bound_holds_under_25_meetings_of_5000_recordings() {
        let one = bytes_of(&list(5_000, "x"));
        let bound = one * 4 + one / 2;
        let cache = RecordingsCache::new(Duration::from_secs(60), bound);
        for m in 0..25 {
            cache.put(meeting(m), list(5_000, "x"), 1_000 + m as i64, cache.ticket());
            assert!(cache.bytes() <= bound, "{} > {bound} after {m}", cache.bytes());
            // The first meeting is read every time, so it stays.
            assert!(cache.get(&meeting(0), 1_100).is_some(), "the most used list was evicted");
        }
        assert_eq!(cache.bytes(), one * 4);
        assert!(cache.get(&meeting(24), 1_100).is_some());
        assert!(cache.get(&meeting(1), 1_100).is_none());
        let small = RecordingsCache::new(Duration::from_secs(60), one / 2);
        small.put(meeting(1), list(5_000, "x"), 0, small.ticket());
        assert_eq!(small.bytes(), 0);
        println!("one list of 5,000 recordings: {one} bytes as counted");
    }
}
