//! Counts each request by its route template and status class, with its time to the response's
//! head, for `/metrics`. Only installed when metrics are served (`METRICS_ADDR`).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::server::metrics::labels::Route;
use crate::server::metrics::Metrics;

pub async fn count(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map_or_else(Route::unmatched, Route::template);
    let started = Instant::now();
    let res = next.run(req).await;
    metrics.served(route, res.status().as_u16(), started.elapsed());
    res
}
