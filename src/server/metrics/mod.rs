//! What the app counts for an operator's Prometheus: requests, vendor calls, workers' steps,
//! sign-ins and refusals, as they happen. Every label is one of the enums in `labels`, so no
//! meeting id, user name or link can become a label. `serve::metrics` adds what is read at each
//! scrape (queues in the store, caches, the pool) and serves the text on `METRICS_ADDR` only.

pub mod labels;
pub mod queues;

use std::time::Duration;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::{Family, MetricConstructor};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use labels::{Call, CallLabel, Permission, Queue, QueueLabel, RequestLabels, SignInLabels, VendorCallLabels, WorkerLabel, WorkerName};

/// Seconds, from a fast page (1 ms) to the vendor timeout (30 s).
const BUCKETS: [f64; 14] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

#[derive(Debug, Clone, Copy, Default)]
pub struct Buckets;

impl MetricConstructor<Histogram> for Buckets {
    fn new_metric(&self) -> Histogram {
        Histogram::new(BUCKETS)
    }
}

/// A latency histogram per label set; `Default` gives one with `BUCKETS`.
#[derive(Debug, Clone)]
pub struct Seconds<L>(pub Family<L, Histogram, Buckets>);

impl<L: Clone + std::hash::Hash + Eq> Default for Seconds<L> {
    fn default() -> Self {
        Self(Family::new_with_constructor(Buckets))
    }
}

/// The live counters; cheap to clone (each family is shared), one per replica.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    /// Requests by route and status class; its `_count` is the request counter.
    pub requests: Seconds<RequestLabels>,
    pub vendor: VendorMetrics,
    pub steps: Family<WorkerLabel, Counter>,
    pub step_failures: Family<WorkerLabel, Counter>,
    pub leases_taken_over: Family<QueueLabel, Counter>,
    pub sign_ins: Family<SignInLabels, Counter>,
    pub refusals: Family<Permission, Counter>,
}

/// What the vendor client counts.
#[derive(Debug, Clone, Default)]
pub struct VendorMetrics {
    pub calls: Family<VendorCallLabels, Counter>,
    pub seconds: Seconds<CallLabel>,
    pub retry_after_waits: Family<CallLabel, Counter>,
}

impl VendorMetrics {
    pub fn waited_retry_after(&self, call: Call) {
        self.retry_after_waits.get_or_create(&CallLabel { call }).inc();
    }

    /// One attempt's outcome: its status if the vendor answered, else what broke.
    pub fn attempt(&self, call: Call, outcome: labels::VendorOutcome, took: Duration) {
        self.calls.get_or_create(&VendorCallLabels::new(call, outcome)).inc();
        self.seconds.0.get_or_create(&CallLabel { call }).observe(took.as_secs_f64());
    }
}

impl Metrics {
    /// Counters with every label set known in advance written as 0 from the start, so a rate
    /// over them begins at 0 rather than when the first event happens.
    pub fn primed() -> Self {
        use labels::{SignInMethod as M, SignInOutcome as O};
        let m = Self::default();
        for worker in [WorkerName::Deletion, WorkerName::Bulk, WorkerName::ApprovalNotice, WorkerName::Inventory, WorkerName::RetentionSweep, WorkerName::CaseReminders] {
            let _ = m.steps.get_or_create(&WorkerLabel { worker });
            let _ = m.step_failures.get_or_create(&WorkerLabel { worker });
        }
        for queue in [Queue::DeletionRequests, Queue::BulkItems, Queue::ApprovalNotices, Queue::KnownMeetings] {
            let _ = m.leases_taken_over.get_or_create(&QueueLabel { queue });
        }
        for call in [Call::Create, Call::List, Call::Delete] {
            let _ = m.vendor.retry_after_waits.get_or_create(&CallLabel { call });
            let _ = m.vendor.seconds.0.get_or_create(&CallLabel { call });
            let _ = m.vendor.calls.get_or_create(&VendorCallLabels::new(call, labels::VendorOutcome::Answered(200)));
        }
        for p in <crate::domain::Permission as strum::IntoEnumIterator>::iter() {
            let _ = m.refusals.get_or_create(&Permission::from(p));
        }
        for (method, outcome) in [(M::Password, O::Ok), (M::Password, O::Failed), (M::Password, O::Throttled), (M::Sso, O::Ok), (M::Sso, O::NoRole), (M::Sso, O::Refused), (M::Oidc, O::Ok), (M::Oidc, O::Failed), (M::Oidc, O::NoRole)] {
            let _ = m.sign_ins.get_or_create(&SignInLabels { method, outcome });
        }
        m
    }

    /// A worker's step taken (the runner counts them).
    pub fn step(&self, worker: WorkerName) {
        self.steps.get_or_create(&WorkerLabel { worker }).inc();
    }

    /// Something in a worker's step failed (the store or the vendor); it is tried again later.
    pub fn step_failed(&self, worker: WorkerName) {
        self.step_failures.get_or_create(&WorkerLabel { worker }).inc();
    }

    pub fn taken_over(&self, queue: Queue, n: usize) {
        if n > 0 {
            self.leases_taken_over.get_or_create(&QueueLabel { queue }).inc_by(n as u64);
        }
    }

    pub fn sign_in(&self, method: labels::SignInMethod, outcome: labels::SignInOutcome) {
        self.sign_ins.get_or_create(&SignInLabels { method, outcome }).inc();
    }

    pub fn refused(&self, p: crate::domain::Permission) {
        self.refusals.get_or_create(&Permission::from(p)).inc();
    }

    /// Puts the live counters in `registry` (its prefix already set).
    pub fn register(&self, registry: &mut Registry) {
        registry.register("http_request_duration_seconds", "Requests served and their time to the response's head, by route template and status class", self.requests.0.clone());
        registry.register("vendor_calls", "ConnectyCube calls (each attempt), by call and outcome", self.vendor.calls.clone());
        registry.register("vendor_call_duration_seconds", "ConnectyCube call latency, by call", self.vendor.seconds.0.clone());
        registry.register("vendor_retry_after_waits", "Retries that waited out the vendor's Retry-After, by call", self.vendor.retry_after_waits.clone());
        registry.register("worker_steps", "Background workers' steps, by worker", self.steps.clone());
        registry.register("worker_step_failures", "Failures in workers' steps (store or vendor), each tried again later, by worker", self.step_failures.clone());
        registry.register("leases_taken_over", "Rows of work taken over after another replica's lease ran out, by queue", self.leases_taken_over.clone());
        registry.register("sign_ins", "Sign-ins by method and outcome (for the gateway: each request carrying an assertion)", self.sign_ins.clone());
        registry.register("refusals", "Requests refused by role, by the permission they needed", self.refusals.clone());
    }
}
