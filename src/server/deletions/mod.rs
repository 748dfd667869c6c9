//! Deletions that wait: a confirmed deletion becomes a request in the store, held for a second
//! person's approval where policy says so and for a grace period anyone allowed to delete can
//! cancel in; then a worker in one replica runs it (see `run`), exactly once.

pub mod notice_store;
pub mod notices;
pub mod open;
pub mod run;
pub mod store;
pub mod webhook;
pub mod worker;

use std::sync::Arc;

use tokio::sync::Notify;

use crate::server::config::DeletionPolicy;

/// This replica's part in it.
#[derive(Debug)]
pub struct Deletions {
    pub policy: DeletionPolicy,
    /// Wakes this replica's worker early (a request approved or made due here).
    pub wake: Arc<Notify>,
    pub webhook: Option<webhook::Webhook>,
    /// Wakes this replica's approval notice worker (a request made here waits for approval).
    pub notices: Arc<Notify>,
}

impl Deletions {
    pub fn new(policy: DeletionPolicy) -> Result<Self, String> {
        let webhook = policy.webhook.clone().map(webhook::Webhook::new).transpose()?;
        Ok(Self { policy, wake: Arc::default(), webhook, notices: Arc::default() })
    }

    /// A request made here may wait for approval: the approval notice worker (`notices`) looks
    /// at once rather than at its next poll. Its notice is made from the store either way.
    pub fn wake_notices(&self) {
        if self.policy.approval_required && self.webhook.is_some() {
            self.notices.notify_one();
        }
    }
}
