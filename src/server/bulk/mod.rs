//! Bulk work: a batch of meetings is looked up, then each meeting with recordings gets a
//! deletion request of its own (with the batch's reason), made by a worker in every replica.
//! The deletion requests then run as any other does: grace period, approval, hold, exactly once.

pub mod claims;
pub mod store;
pub mod worker;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

/// This replica's part in it.
#[derive(Debug, Default)]
pub struct Bulk {
    /// Wakes this replica's bulk worker early (a batch started or requested here).
    pub wake: Arc<Notify>,
    /// After the vendor said "too many requests": no look-up from this replica before then (ms).
    paused_until_ms: AtomicI64,
}

impl Bulk {
    pub fn pause_until(&self, at_ms: i64) {
        self.paused_until_ms.fetch_max(at_ms, Ordering::Relaxed);
    }

    pub fn paused_until(&self) -> i64 {
        self.paused_until_ms.load(Ordering::Relaxed)
    }
}
