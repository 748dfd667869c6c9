//! A page's reads begun at once, as a task of their own, the way a resource's fetch is, but
//! without the resource: pages render once, on the server, and never refetch, and a resource per
//! read (an async derived value with its owner and tracking) cost a tenth of rendering the
//! recordings page (BENCHMARKS.md).
//!
//! A task, and not just a future awaited inside the `Suspense`: awaited only there (first polled
//! by the render's dry run), the recordings page's reads served two replicas over PostgreSQL a
//! quarter of the pages, its database reads ten times slower at p90 than on one replica.

use std::future::Future;
use std::sync::Arc;

use futures_util::future::{BoxFuture, FutureExt, Shared};
use leptos::reactive::computed::ScopedFuture;

/// The answer of reads begun by `begun`: awaited by as many as want it, each getting the one answer.
pub type Begun<T> = Shared<BoxFuture<'static, Arc<T>>>;

/// Begins `reads` now, under the current owner (where server functions find the request), as a
/// task of its own.
pub fn begun<T: Send + Sync + 'static>(reads: impl Future<Output = T> + Send + 'static) -> Begun<T> {
    let answer = ScopedFuture::new(async move { Arc::new(reads.await) }).boxed().shared();
    // Whichever polls first drives the reads; the task makes sure something does from the start.
    // Dropped with the runtime, it leaves them to the page's own await.
    let driver = answer.clone();
    leptos::reactive::spawn(async move {
        driver.await;
    });
    answer
}
