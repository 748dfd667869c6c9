//! The server's only "now": what audit entries, sessions, holds, grace periods, approvals and
//! leases are timed by. Tests move it forward instead of sleeping through real minutes, and
//! everything moves with it. (The browser keeps its own, in `domain::browser_now_unix`.)

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// `None`: the system clock. `Some`: the system clock plus this many milliseconds.
    offset_ms: Option<Arc<AtomicI64>>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    /// The system clock, moved forward only by `advance` (tests; clones share the offset, so
    /// replicas started with one clock agree on the time).
    pub fn manual() -> Self {
        Self { offset_ms: Some(Arc::new(AtomicI64::new(0))) }
    }

    /// Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        let system = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        system + self.offset_ms.as_ref().map_or(0, |o| o.load(Ordering::SeqCst))
    }

    /// Unix seconds.
    pub fn now_unix(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Moves a manual clock forward; the system clock cannot be moved, and a call on it panics
    /// (only tests call this).
    pub fn advance(&self, by: Duration) {
        let offset = self.offset_ms.as_ref().expect("only a manual clock can be moved");
        offset.fetch_add(i64::try_from(by.as_millis()).unwrap_or(i64::MAX), Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_clones_agree() {
        let c = Clock::manual();
        let twin = c.clone();
        let before = c.now_ms();
        c.advance(Duration::from_secs(600));
        assert!(twin.now_ms() >= before + 600_000);
        assert!(Clock::system().now_ms() < twin.now_ms());
    }
}
