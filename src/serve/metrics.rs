//! `/metrics` for Prometheus, on its own address (`METRICS_ADDR`) so it is never served where
//! staff reach the app: the live counters, and what is read at each scrape (the store's queues,
//! the caches, the database pool, readiness).

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

use crate::server::metrics::labels::{DeletionStateLabel, QueueLabel};
use crate::server::metrics::queues::{self, OPEN_STATES};
use crate::server::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new().route("/metrics", get(metrics)).with_state(state)
}

async fn metrics(State(state): State<AppState>) -> Response {
    let mut registry = Registry::with_prefix("meeting_admin");
    state.metrics.register(&mut registry);
    scraped(&state, &mut registry).await;
    let mut text = String::new();
    match prometheus_text::encode(&mut text, &registry) {
        Ok(()) => ([(CONTENT_TYPE, prometheus_text::CONTENT_TYPE)], text).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot write the metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// What is read at the scrape rather than counted as it happens.
async fn scraped(state: &AppState, r: &mut Registry) {
    let ready = state.db.ping().await;
    r.register("ready", "1 when this replica can serve (its database answers), as /readyz says", ConstGauge::new(i64::from(ready)));
    r.register("identity_cache_live", "1 while sessions and accounts are answered from memory (changes are followed), 0 while every request reads the database", ConstGauge::new(i64::from(state.identity.is_live())));
    r.register("identity_cache_invalidations", "Times the identity cache forgot what it kept (a change heard, or the change signal lost)", ConstCounter::new(state.identity.invalidations()));
    let kept = state.recordings.kept();
    let (hits, misses) = kept.hits_and_misses();
    r.register("recordings_cache_hits", "Recordings lists answered from memory", ConstCounter::new(hits));
    r.register("recordings_cache_misses", "Recordings lists looked for in memory in vain", ConstCounter::new(misses));
    r.register("recordings_cache_bytes", "What the kept recordings lists take", ConstGauge::new(i64::try_from(kept.bytes()).unwrap_or(i64::MAX)));
    r.register("lease_seconds", "How long a worker's claim on a row lasts without renewal (DELETION_LEASE)", ConstGauge::new(i64::try_from(state.lease.ttl.as_secs()).unwrap_or(i64::MAX)));
    let (open, idle, max) = state.db.connections();
    let pool: Family<PoolLabel, Gauge> = Family::default();
    pool.get_or_create(&PoolLabel { state: "in_use" }).set(i64::from(open) - idle as i64);
    pool.get_or_create(&PoolLabel { state: "idle" }).set(idle as i64);
    r.register("db_pool_connections", "The database pool's connections, in use and idle", pool);
    r.register("db_pool_max_connections", "The most connections the pool opens; in use at this figure means requests wait for one", ConstGauge::new(i64::from(max)));
    match queues::read(&state.db, state.clock.now_ms()).await {
        Ok(q) => {
            let by_state: Family<DeletionStateLabel, Gauge> = Family::default();
            for (s, n) in OPEN_STATES.iter().zip(q.deletions) {
                by_state.get_or_create(&DeletionStateLabel::from(*s)).set(n);
            }
            r.register("deletion_requests", "Open deletion requests, by state", by_state);
            r.register("bulk_items_waiting", "Bulk items waiting to be looked up or to get their deletion request", ConstGauge::new(q.bulk_waiting));
            r.register("approval_notices_waiting", "Approval notices not yet taken by the webhook", ConstGauge::new(q.notices_waiting));
            let oldest: Family<QueueLabel, Gauge<f64, AtomicU64>> = Family::default();
            for (queue, ms) in q.oldest_due_ms {
                oldest.get_or_create(&QueueLabel { queue }).set(ms.unwrap_or(0) as f64 / 1000.0);
            }
            r.register("oldest_due_seconds", "How long the oldest row a worker could take now has waited, by queue (0 when none is due)", oldest);
            r.register("retention_known_meetings", "Meetings retention covers (created, opened, named in a bulk list or tracked here)", ConstGauge::new(q.known_meetings));
            let listing = q.oldest_listing_ms.unwrap_or(0) as f64 / 1000.0;
            r.register("retention_oldest_listing_seconds", "Age of the oldest recordings listing retention rests on (a meeting never listed counts from when it became known)", ConstGauge::new(listing));
        }
        Err(e) => tracing::warn!(error = %e, "metrics: cannot read the store's queues"),
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelSet)]
struct PoolLabel {
    state: &'static str,
}
