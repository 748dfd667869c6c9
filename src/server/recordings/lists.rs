//! Meetings' recordings lists for the recordings page: the kept list while it is fresh, else one
//! vendor call per meeting at a time, shared by the views that wait for it. A view that finds no
//! kept list joins the call under way (its answer is as fresh as a kept list would be), unless a
//! deletion dropped a list since that call began. A "Refresh" never takes the answer to a call
//! that began before it was asked: refreshes that arrive while a call runs share the next one,
//! which begins when that call ends. So 25 people refreshing a 5,000-recording meeting at once
//! cost the vendor two calls, and memory two decoded lists, not 25 of each.
//!
//! The call runs in a task of its own: a view that gives up (its browser went away) does not
//! take the call from the views still waiting for it.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;
use tracing::Instrument;

use crate::server::clock::Clock;
use crate::server::recordings::cache::{Cached, RecordingsCache, Ticket};
use crate::domain::{IndexedRecordings, MeetingId, Recording, UpstreamError};

/// A list, or why the vendor gave none.
pub type Fetched = Result<Cached, UpstreamError>;

#[derive(Debug)]
pub struct RecordingLists {
    kept: Arc<RecordingsCache>,
    calls: Arc<Mutex<Calls>>,
}

#[derive(Debug, Default)]
struct Calls {
    by_meeting: HashMap<MeetingId, Slots>,
    /// Names each call, so that one that ends clears only itself.
    last_id: u64,
}

/// A meeting's call under way, and the one queued behind it.
#[derive(Debug, Default)]
struct Slots {
    running: Option<Running>,
    next: Option<Answer>,
}

#[derive(Debug)]
struct Running {
    id: u64,
    /// The kept lists' ticket when the call began: a view that finds no kept list joins the
    /// call only while no list has been forgotten since.
    ticket: Ticket,
    answer: Answer,
}

type Answer = watch::Receiver<Option<Fetched>>;

impl RecordingLists {
    pub fn new(kept: RecordingsCache) -> Self {
        Self { kept: Arc::new(kept), calls: Arc::default() }
    }

    /// The kept lists, for dropping what a deletion changed.
    pub fn kept(&self) -> &RecordingsCache {
        &self.kept
    }

    /// The meeting's list: the kept one while it is fresh (unless `refresh`), else the answer to
    /// a call this view may share, as the module says. `fetch` asks the vendor; it runs only if
    /// this view begins a call.
    pub async fn list<F, Fut>(&self, id: &MeetingId, refresh: bool, clock: &Clock, fetch: F) -> Fetched
    where
        F: FnOnce(MeetingId) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Vec<Recording>, UpstreamError>> + Send + 'static,
    {
        if !refresh {
            if let Some(kept) = self.kept.get(id, clock.now_ms()) {
                return Ok(kept);
            }
        }
        let mut answer = self.join_or_begin(id, refresh, clock, fetch);
        let fetched = match answer.wait_for(Option::is_some).await {
            Ok(fetched) => fetched.clone(),
            Err(_) => None,
        };
        fetched.unwrap_or_else(|| Err(ended_without_answer()))
    }

    fn join_or_begin<F, Fut>(&self, id: &MeetingId, refresh: bool, clock: &Clock, fetch: F) -> Answer
    where
        F: FnOnce(MeetingId) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Vec<Recording>, UpstreamError>> + Send + 'static,
    {
        let mut calls = lock(&self.calls);
        calls.last_id += 1;
        let call_id = calls.last_id;
        let slots = calls.by_meeting.entry(id.clone()).or_default();
        if let Some(running) = slots.running.as_ref().filter(|r| !refresh && r.ticket == self.kept.ticket()) {
            return running.answer.clone();
        }
        if let Some(next) = &slots.next {
            return next.clone();
        }
        let (tell, answer) = watch::channel(None);
        let start = match &slots.running {
            Some(running) => {
                slots.next = Some(answer.clone());
                Start::After(running.answer.clone())
            }
            None => {
                let ticket = self.kept.ticket();
                slots.running = Some(Running { id: call_id, ticket, answer: answer.clone() });
                Start::Now(ticket)
            }
        };
        let call = Call { id: id.clone(), call_id, kept: self.kept.clone(), calls: self.calls.clone(), clock: clock.clone() };
        tokio::spawn(call.run(start, answer.clone(), tell, fetch).in_current_span());
        answer
    }
}

/// When a call begins: at once (no call was running), or once the call ahead of it has answered.
enum Start {
    Now(Ticket),
    After(Answer),
}

/// One call to the vendor for a meeting's list, as a task.
struct Call {
    id: MeetingId,
    call_id: u64,
    kept: Arc<RecordingsCache>,
    calls: Arc<Mutex<Calls>>,
    clock: Clock,
}

impl Call {
    async fn run<F, Fut>(self, start: Start, answer: Answer, tell: watch::Sender<Option<Fetched>>, fetch: F)
    where
        F: FnOnce(MeetingId) -> Fut,
        Fut: Future<Output = Result<Vec<Recording>, UpstreamError>>,
    {
        // Cleared however the task ends, so a meeting is never left waiting on a call that is gone.
        let _done = Done { id: &self.id, call_id: self.call_id, answer: answer.clone(), calls: &self.calls };
        let ticket = match start {
            Start::Now(ticket) => ticket,
            Start::After(mut ahead) => {
                // From here on this call is the one running, and a refresh queues behind it.
                let _ = ahead.wait_for(Option::is_some).await;
                let mut calls = lock(&self.calls);
                let slots = calls.by_meeting.entry(self.id.clone()).or_default();
                let ticket = self.kept.ticket();
                slots.next = None;
                slots.running = Some(Running { id: self.call_id, ticket, answer });
                ticket
            }
        };
        let fetched_ms = self.clock.now_ms();
        let fetched = fetch(self.id.clone()).await.map(|recordings| {
            let list = Arc::new(IndexedRecordings::new(recordings));
            self.kept.put(self.id.clone(), list.clone(), fetched_ms, ticket);
            Cached { list, fetched_ms }
        });
        tell.send_replace(Some(fetched));
    }
}

/// Takes an ended call out of its meeting's slots.
struct Done<'a> {
    id: &'a MeetingId,
    call_id: u64,
    answer: Answer,
    calls: &'a Mutex<Calls>,
}

impl Drop for Done<'_> {
    fn drop(&mut self) {
        let mut calls = lock(self.calls);
        if let Some(slots) = calls.by_meeting.get_mut(self.id) {
            if slots.running.as_ref().is_some_and(|r| r.id == self.call_id) {
                slots.running = None;
            }
            // A queued call that never began (the runtime is shutting down).
            if slots.next.as_ref().is_some_and(|n| n.same_channel(&self.answer)) {
                slots.next = None;
            }
            if slots.running.is_none() && slots.next.is_none() {
                calls.by_meeting.remove(self.id);
            }
        }
    }
}

fn ended_without_answer() -> UpstreamError {
    UpstreamError::Interrupted("the call for the list ended without an answer".into())
}

/// The slots hold no invariant a panic elsewhere could break half-way, so a poisoned lock is used as is.
fn lock(calls: &Mutex<Calls>) -> MutexGuard<'_, Calls> {
    calls.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use tokio::sync::Semaphore;
    use tokio::task::JoinHandle;

    use super::*;

    /// A vendor whose calls wait until the test lets them answer; call n lists n recordings.
    #[derive(Clone)]
    struct Vendor {
        calls: Arc<AtomicUsize>,
        gate: Arc<Semaphore>,
        fail: bool,
    }

    impl Vendor {
        fn new() -> Self {
            Self { calls: Arc::default(), gate: Arc::new(Semaphore::new(0)), fail: false }
        }

        fn failing() -> Self {
            Self { fail: true, ..Self::new() }
        }

        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }

        /// Lets the next `n` calls answer.
        fn answer(&self, n: usize) {
            self.gate.add_permits(n);
        }

        fn fetch(&self) -> impl FnOnce(MeetingId) -> std::pin::Pin<Box<dyn Future<Output = Result<Vec<Recording>, UpstreamError>> + Send>> + Send + 'static {
            let vendor = self.clone();
            move |_id| {
                Box::pin(async move {
                    let n = vendor.calls.fetch_add(1, Ordering::SeqCst) + 1;
                    vendor.gate.acquire().await.unwrap().forget();
                    if vendor.fail {
                        return Err(UpstreamError::Connect("refused".into()));
                    }
                    Ok((0..n).map(recording).collect())
                })
            }
        }
    }

    fn recording(i: usize) -> Recording {
        Recording {
            id: format!("{i:024x}"),
            room_id: "room".into(),
            participants_count: 1,
            participants_ids: vec![1],
            file_uid: format!("file-{i}"),
            duration: 1_000,
            size: 1_000,
            created_at: "2026-11-24T10:10:10Z".into(),
            updated_at: "2026-11-24T10:10:10Z".into(),
            download_url: format!("https://s3.example.com/{i}"),
        }
    }

    fn meeting() -> MeetingId {
        MeetingId::parse("cac4e0000000000000000001").unwrap()
    }

    fn lists() -> Arc<RecordingLists> {
        Arc::new(RecordingLists::new(RecordingsCache::new(Duration::from_secs(10), 1 << 20)))
    }

    fn view(lists: &Arc<RecordingLists>, vendor: &Vendor, refresh: bool) -> JoinHandle<Fetched> {
        let (lists, fetch) = (lists.clone(), vendor.fetch());
        tokio::spawn(async move { lists.list(&meeting(), refresh, &Clock::system(), fetch).await })
    }

    /// Lets every spawned task run as far as it can (the tests run on one thread).
    async fn settle() {
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
    }

    async fn listed(view: JoinHandle<Fetched>) -> usize {
        view.await.unwrap().unwrap().list.list().len()
    }

    fn idle(lists: &RecordingLists) -> bool {
        lock(&lists.calls).by_meeting.is_empty()
    }

    #[tokio::test]
    async fn views_that_find_no_kept_list_share_the_call_under_way() {
        let (lists, vendor) = (lists(), Vendor::new());
        let views: Vec<_> = (0..5).map(|_| view(&lists, &vendor, false)).collect();
        settle().await;
        assert_eq!(vendor.calls(), 1);
        vendor.answer(1);
        let mut answers = Vec::new();
        for v in views {
            answers.push(v.await.unwrap().unwrap());
        }
        assert!(answers.iter().all(|a| Arc::ptr_eq(&a.list, &answers[0].list)), "one list shared");
        assert!(idle(&lists));
        // And it is kept: the next view asks nothing.
        assert_eq!(listed(view(&lists, &vendor, false)).await, 1);
        assert_eq!(vendor.calls(), 1);
    }

    /// Refreshes that arrive while a call runs wait for the next call, which begins when that one
    /// ends, and share it; none gets the answer of the call begun before it was asked.
    #[tokio::test]
    async fn a_refresh_never_takes_the_answer_of_a_call_begun_before_it() {
        let (lists, vendor) = (lists(), Vendor::new());
        let first = view(&lists, &vendor, true);
        settle().await;
        let refreshes: Vec<_> = (0..5).map(|_| view(&lists, &vendor, true)).collect();
        let plain = view(&lists, &vendor, false);
        settle().await;
        assert_eq!(vendor.calls(), 1, "the next call waits for the one under way");
        vendor.answer(1);
        assert_eq!(listed(first).await, 1);
        assert_eq!(listed(plain).await, 1, "a view without refresh takes the call under way");
        settle().await;
        assert_eq!(vendor.calls(), 2, "the next call began when the first ended");
        vendor.answer(1);
        for r in refreshes {
            assert_eq!(listed(r).await, 2, "a refresh took an answer begun before it");
        }
        assert_eq!(vendor.calls(), 2);
        assert!(idle(&lists));
    }

    /// After a deletion dropped a list, a view does not join a call begun before it: that call's
    /// answer may still list what was deleted.
    #[tokio::test]
    async fn a_view_does_not_join_a_call_begun_before_a_deletion() {
        let (lists, vendor) = (lists(), Vendor::new());
        let before = view(&lists, &vendor, false);
        settle().await;
        lists.kept().forget(&meeting());
        let after = view(&lists, &vendor, false);
        settle().await;
        vendor.answer(2);
        assert_eq!(listed(before).await, 1);
        assert_eq!(listed(after).await, 2);
        assert_eq!(vendor.calls(), 2);
        // The first answer came across the deletion and was not kept; the second was.
        assert_eq!(lists.kept().get(&meeting(), Clock::system().now_ms()).unwrap().list.list().len(), 2);
    }

    #[tokio::test]
    async fn a_failed_call_answers_every_view_waiting_and_the_next_view_asks_again() {
        let (lists, vendor) = (lists(), Vendor::failing());
        let views: Vec<_> = (0..3).map(|_| view(&lists, &vendor, false)).collect();
        settle().await;
        vendor.answer(1);
        for v in views {
            assert_eq!(v.await.unwrap().unwrap_err(), UpstreamError::Connect("refused".into()));
        }
        assert!(idle(&lists), "a failed call leaves nothing behind");
        let again = view(&lists, &vendor, false);
        settle().await;
        assert_eq!(vendor.calls(), 2, "nothing failed was kept");
        vendor.answer(1);
        assert!(again.await.unwrap().is_err());
    }

    /// The view that began a call gives up (its browser went away): the others still get the answer.
    #[tokio::test]
    async fn a_view_that_gives_up_does_not_take_the_call_from_the_others() {
        let (lists, vendor) = (lists(), Vendor::new());
        let gives_up = view(&lists, &vendor, false);
        settle().await;
        let waits = view(&lists, &vendor, false);
        settle().await;
        gives_up.abort();
        assert!(gives_up.await.unwrap_err().is_cancelled());
        vendor.answer(1);
        assert_eq!(listed(waits).await, 1);
        assert_eq!(vendor.calls(), 1);
        assert!(idle(&lists));
    }
}
