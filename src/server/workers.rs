//! The background workers' lives, one runner for all: each worker is only its step, which
//! `Workers::poll` takes again and again until the replica stops: at once when the step says
//! there is more, else after its interval or when woken. A stop lets the step under way
//! finish, since it holds a lease and may be between two vendor calls, for at most the time it
//! is given; a step cut short then is left as a SIGKILL would leave it, to be taken again when
//! its lease runs out.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::server::metrics::labels::WorkerName;
use crate::server::metrics::Metrics;

/// What a step found: more work waiting now (take another step at once), or none (wait).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    More,
    Wait,
}

/// This replica's claim on a row of work: who holds it, and for how long without renewal. A
/// replica that stops mid-step gives its rows up when the lease runs out.
#[derive(Debug, Clone)]
pub struct Lease {
    /// Names this replica's claims (unique per process start).
    pub owner: String,
    pub ttl: Duration,
}

impl Lease {
    /// A lease owned by this process alone.
    pub fn for_this_replica(ttl: Duration) -> Self {
        Self { owner: format!("replica-{}", uuid::Uuid::new_v4().simple()), ttl }
    }

    /// When a claim taken at `now_ms` runs out (Unix ms).
    pub fn until(&self, now_ms: i64) -> i64 {
        now_ms.saturating_add(i64::try_from(self.ttl.as_millis()).unwrap_or(i64::MAX))
    }
}

/// What one claim took: rows now held, and how many of them another worker held until its lease
/// ran out (it stopped mid-step; `/metrics` counts these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken<T> {
    pub items: Vec<T>,
    pub taken_over: usize,
}

impl<T> Taken<T> {
    /// Claims the stalled rows first (`stalled`), then fresh ones (`fresh`, given what is left
    /// of `limit`): two conditional UPDATEs, each atomic, so the count is exact.
    pub async fn stalled_then_fresh<E, S, F>(limit: i64, stalled: impl FnOnce(i64) -> S, fresh: impl FnOnce(i64) -> F) -> Result<Self, E>
    where
        S: Future<Output = Result<Vec<T>, E>>,
        F: Future<Output = Result<Vec<T>, E>>,
    {
        let mut items = stalled(limit).await?;
        let taken_over = items.len();
        let left = limit - taken_over as i64;
        if left > 0 {
            items.extend(fresh(left).await?);
        }
        Ok(Self { items, taken_over })
    }
}

#[derive(Debug)]
pub struct Workers {
    stop: watch::Sender<bool>,
    running: Mutex<Vec<JoinHandle<()>>>,
    metrics: Metrics,
}

/// What a worker waits on between steps, to hear that it should stop.
#[derive(Debug, Clone)]
pub struct StopSignal(watch::Receiver<bool>);

impl StopSignal {
    pub fn is_given(&self) -> bool {
        *self.0.borrow()
    }

    /// Ends once a stop is asked for (at once if it already was).
    pub async fn given(&mut self) {
        // An error means `Workers` is gone, which also means stop.
        let _ = self.0.wait_for(|stop| *stop).await;
    }
}

impl Default for Workers {
    fn default() -> Self {
        Self::new(Metrics::default())
    }
}

impl Workers {
    /// Workers whose steps are counted in `metrics`.
    pub fn new(metrics: Metrics) -> Self {
        Self { stop: watch::channel(false).0, running: Mutex::default(), metrics }
    }

    /// Starts a worker: `work` gets the signal to watch between its steps.
    pub fn spawn<F, Fut>(&self, work: F)
    where
        F: FnOnce(StopSignal) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handle = tokio::spawn(work(StopSignal(self.stop.subscribe())));
        self.running.lock().unwrap_or_else(|e| e.into_inner()).push(handle);
    }

    /// Starts the worker `worker`: `step` again and again, at once after `Next::More`, else after
    /// `every` or when `wake` is notified, until the replica stops.
    pub fn poll<F, Fut>(&self, worker: WorkerName, every: Duration, wake: Arc<Notify>, mut step: F)
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = Next> + Send,
    {
        let metrics = self.metrics.clone();
        self.spawn(move |mut stop| async move {
            let name: &'static str = worker.into();
            tracing::info!(worker = name, "{name} worker started");
            while !stop.is_given() {
                let next = step().await;
                metrics.step(worker);
                if next == Next::More {
                    continue;
                }
                tokio::select! {
                    () = tokio::time::sleep(every) => {}
                    () = wake.notified() => {}
                    () = stop.given() => {}
                }
            }
            tracing::info!(worker = name, "{name} worker stopped");
        });
    }

    /// Asks every worker to stop after its step, and waits up to `within` for them. Returns how
    /// many were still in a step then; those are cancelled where they stand.
    pub async fn stop(&self, within: Duration) -> usize {
        self.stop.send_replace(true);
        let running = std::mem::take(&mut *self.running.lock().unwrap_or_else(|e| e.into_inner()));
        let deadline = tokio::time::Instant::now() + within;
        let mut cut = 0;
        for mut handle in running {
            if tokio::time::timeout_at(deadline, &mut handle).await.is_err() {
                handle.abort();
                cut += 1;
            }
        }
        cut
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::Workers;
    use crate::server::metrics::labels::WorkerName;

    /// A worker in the shape of ours: a step, then a wait that a stop cuts short.
    fn worker(workers: &Workers, step: Duration, steps: Arc<AtomicUsize>, finished: Arc<AtomicUsize>) {
        workers.spawn(move |mut stop| async move {
            loop {
                tokio::time::sleep(step).await;
                steps.fetch_add(1, Ordering::SeqCst);
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(3600)) => {}
                    () = stop.given() => break,
                }
            }
            finished.fetch_add(1, Ordering::SeqCst);
        });
    }

    #[tokio::test]
    async fn a_stop_lets_the_step_under_way_finish() {
        let workers = Workers::default();
        let (steps, finished) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        worker(&workers, Duration::from_millis(300), steps.clone(), finished.clone());
        worker(&workers, Duration::from_millis(150), steps.clone(), finished.clone());
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(workers.stop(Duration::from_secs(30)).await, 0);
        assert_eq!(steps.load(Ordering::SeqCst), 2, "both steps under way were finished");
        assert_eq!(finished.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_step_longer_than_the_stop_allows_is_cut() {
        let workers = Workers::default();
        let (steps, finished) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        worker(&workers, Duration::from_secs(3600), steps.clone(), finished.clone());
        worker(&workers, Duration::from_millis(50), steps.clone(), finished.clone());
        let started = std::time::Instant::now();
        assert_eq!(workers.stop(Duration::from_millis(300)).await, 1);
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert_eq!(finished.load(Ordering::SeqCst), 1, "the short step finished, the long one was cut");
        assert_eq!(steps.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_worker_started_after_the_stop_stops_after_its_first_step() {
        let workers = Workers::default();
        workers.stop(Duration::from_secs(1)).await;
        let (steps, finished) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        worker(&workers, Duration::from_millis(10), steps.clone(), finished.clone());
        assert_eq!(workers.stop(Duration::from_secs(30)).await, 0);
        assert_eq!((steps.load(Ordering::SeqCst), finished.load(Ordering::SeqCst)), (1, 1));
    }

    /// A counter a step bumps, then says `Next::More` until it reached `more_until`.
    fn counting(workers: &Workers, wake: Arc<tokio::sync::Notify>, steps: Arc<AtomicUsize>, more_until: usize) {
        workers.poll(WorkerName::Bulk, Duration::from_secs(3600), wake, move || {
            let steps = steps.clone();
            async move {
                let n = steps.fetch_add(1, Ordering::SeqCst) + 1;
                if n < more_until { super::Next::More } else { super::Next::Wait }
            }
        });
    }

    async fn until(steps: &AtomicUsize, n: usize) {
        let started = std::time::Instant::now();
        while steps.load(Ordering::SeqCst) < n {
            assert!(started.elapsed() < Duration::from_secs(5), "{} steps, not {n}", steps.load(Ordering::SeqCst));
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    #[tokio::test]
    async fn a_step_with_more_to_do_is_followed_at_once_and_a_wake_cuts_the_wait_short() {
        let workers = Workers::default();
        let (wake, steps) = (Arc::new(tokio::sync::Notify::new()), Arc::new(AtomicUsize::new(0)));
        counting(&workers, wake.clone(), steps.clone(), 5);
        // Five steps without waiting the hour between them, then it waits.
        until(&steps, 5).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(steps.load(Ordering::SeqCst), 5);
        wake.notify_one();
        until(&steps, 6).await;
        assert_eq!(workers.stop(Duration::from_secs(5)).await, 0, "a waiting worker stops at once");
    }

    #[test]
    fn a_lease_runs_its_time_from_the_claim_and_names_this_replica() {
        let lease = super::Lease::for_this_replica(Duration::from_secs(30));
        assert_eq!(lease.until(1_000), 31_000);
        assert!(lease.owner.starts_with("replica-"));
        assert_ne!(lease.owner, super::Lease::for_this_replica(Duration::from_secs(30)).owner);
        assert_eq!(super::Lease { owner: "x".into(), ttl: Duration::MAX }.until(i64::MAX - 1), i64::MAX);
    }
}
