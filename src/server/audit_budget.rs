//! How many entries a client that is not signed in may add to the append-only audit log: at
//! most `PER_MINUTE` a minute from one address (per replica). The rest are counted, and the next
//! entry from that address says how many were left out, so nothing is lost without a trace and
//! nobody can fill the disk with refusals (1,000 unauthenticated POSTs once added 1,000 rows).

use std::collections::HashMap;
use std::sync::Mutex;

/// Entries a minute from one address, while nobody is signed in.
pub const PER_MINUTE: u32 = 10;
/// Addresses followed at once; past it, an address seen first is not recorded until the oldest
/// minute has passed (counted in `unfollowed`, and said in the log).
const ADDRESSES: usize = 4096;
const MINUTE_MS: i64 = 60_000;

#[derive(Debug, Default)]
pub struct AnonymousBudget {
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started_ms: i64,
    recorded: u32,
    left_out: u64,
}

/// Whether to write the entry, and how many from the same address were left out before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    Record { left_out: u64 },
    LeaveOut,
}

impl AnonymousBudget {
    pub fn admit(&self, addr: &str, now_ms: i64) -> Admit {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= ADDRESSES && !windows.contains_key(addr) {
            windows.retain(|_, w| now_ms - w.started_ms < MINUTE_MS || w.left_out > 0);
            if windows.len() >= ADDRESSES {
                tracing::warn!(addresses = ADDRESSES, "refusals from more addresses than followed; this one is not recorded");
                return Admit::LeaveOut;
            }
        }
        let w = windows.entry(addr.to_owned()).or_insert(Window { started_ms: now_ms, recorded: 0, left_out: 0 });
        if now_ms - w.started_ms >= MINUTE_MS {
            w.started_ms = now_ms;
            w.recorded = 0;
        }
        if w.recorded >= PER_MINUTE {
            w.left_out += 1;
            return Admit::LeaveOut;
        }
        w.recorded += 1;
        Admit::Record { left_out: std::mem::take(&mut w.left_out) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_a_minute_from_one_address_and_the_next_says_how_many_were_left_out() {
        let b = AnonymousBudget::default();
        for _ in 0..PER_MINUTE {
            assert_eq!(b.admit("192.0.2.7", 0), Admit::Record { left_out: 0 });
        }
        for _ in 0..25 {
            assert_eq!(b.admit("192.0.2.7", 30_000), Admit::LeaveOut);
        }
        assert_eq!(b.admit("192.0.2.8", 30_000), Admit::Record { left_out: 0 }, "each address its own");
        assert_eq!(b.admit("192.0.2.7", 60_000), Admit::Record { left_out: 25 });
        assert_eq!(b.admit("192.0.2.7", 60_001), Admit::Record { left_out: 0 });
    }

    #[test]
    fn the_addresses_followed_are_bounded() {
        let b = AnonymousBudget::default();
        for i in 0..ADDRESSES {
            assert!(matches!(b.admit(&format!("a{i}"), 0), Admit::Record { .. }));
        }
        assert_eq!(b.admit("one more", 1), Admit::LeaveOut, "all followed within their minute");
        assert!(matches!(b.admit("one more", MINUTE_MS), Admit::Record { .. }), "the old minutes make room");
        assert!(b.windows.lock().unwrap().len() <= ADDRESSES);
    }
}
