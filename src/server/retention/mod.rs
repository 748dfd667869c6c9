//! Retention: recordings deleted on a schedule the company sets. The vendor cannot list
//! meetings, so it covers the meetings known here (`known`); the inventory worker keeps what
//! each holds (`inventory`), the rules say when each is due (`domain::retention`), and the sweep
//! opens their deletion requests through a bulk batch (`sweep`), so they run the way a person's
//! do: grace period, approval, hold check, exactly once.

pub mod digest;
pub mod inventory;
pub mod known;
pub mod service;
pub mod store;
pub mod sweep;

use std::sync::Arc;

use tokio::sync::Notify;

/// This replica's part in it.
#[derive(Debug)]
pub struct Retention {
    /// Wakes this replica's inventory worker (meetings were tracked here).
    pub wake: Arc<Notify>,
    /// Wakes this replica's sweep (a rule changed here).
    pub sweep_wake: Arc<Notify>,
    /// The next sweep here runs at once, not `sweep_every` after the last: a rule changed here,
    /// or the last sweep found more due than one batch takes.
    pub sweep_at_once: std::sync::atomic::AtomicBool,
    /// How often one replica sweeps (`RETENTION_SWEEP_EVERY`).
    pub sweep_every: std::time::Duration,
}

impl Retention {
    /// After a rule changed here: this replica sweeps at once.
    pub fn rule_changed(&self) {
        self.sweep_at_once.store(true, std::sync::atomic::Ordering::SeqCst);
        self.sweep_wake.notify_one();
        self.wake.notify_one();
    }

    pub fn new(sweep_every: std::time::Duration) -> Self {
        Self { wake: Arc::default(), sweep_wake: Arc::default(), sweep_at_once: Default::default(), sweep_every }
    }
}
