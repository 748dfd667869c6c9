//! The background workers' lives: each takes steps until the replica stops. A stop lets the
//! step under way finish, since it holds a lease and may be between two vendor calls, for at
//! most the time it is given; a step cut short then is left as a SIGKILL would leave it, to be
//! taken again when its lease runs out.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

#[derive(Debug)]
pub struct Workers {
    stop: watch::Sender<bool>,
    running: Mutex<Vec<JoinHandle<()>>>,
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
        Self { stop: watch::channel(false).0, running: Mutex::default() }
    }
}

impl Workers {
    /// Starts a worker: `work` gets the signal to watch between its steps.
    pub fn spawn<F, Fut>(&self, work: F)
    where
        F: FnOnce(StopSignal) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handle = tokio::spawn(work(StopSignal(self.stop.subscribe())));
        self.running.lock().unwrap_or_else(|e| e.into_inner()).push(handle);
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
}
