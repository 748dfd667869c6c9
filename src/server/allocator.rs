//! How the server's allocator (mimalloc, `src/main.rs`) hands memory back to the OS.
//!
//! Freed memory waits `PURGE_DELAY_MS` before it is returned, so memory a request frees is there
//! for the next request instead of being returned and faulted back in (page faults, zeroing, TLB
//! shootdowns across threads). Against returning it at once (A/B, BENCHMARKS.md): proxy hop
//! 108 -> 92 us CPU per request, uncached 1,000-recording page 177 -> 277 pages/s. 100 ms held
//! about 8 MiB more at the peak of 25 concurrent 5,000-recording views than 25 ms, for no gain on
//! the hop or the kept page (A/B); 25 ms gives up some of the uncached page's gain (about 15%).
//!
//! mimalloc returns memory only from inside its own calls, so a thread gone quiet would keep what
//! it freed: each of the runtime's workers looks when it runs out of work, at most every
//! `TIDY_EVERY` (`on_idle`, from `src/main.rs`), and a task looks every `TIDY_EVERY`
//! (`give_back_freed_memory`), so once the load ends a replica is back to its idle footprint
//! within about that long.

use std::time::Duration;

/// How long freed memory stays with the process before it goes back to the OS.
pub const PURGE_DELAY_MS: i64 = 25;
/// How often an idle thread's freed memory is returned.
pub const TIDY_EVERY: Duration = Duration::from_secs(1);

/// Sets the allocator's options; mimalloc's own variables still win, for whoever tunes a replica
/// (`MIMALLOC_PURGE_DELAY=0` returns memory at once, at the CPU cost above).
pub fn tune() {
    // Indices in mimalloc v3's `mi_option_e` (libmimalloc-sys 0.1.49, pinned in Cargo.toml; the
    // crate does not name these two).
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // Arenas are committed as they are used (the first one: `.cargo/config.toml`).
    for (option, var, value) in [(ARENA_EAGER_COMMIT, "MIMALLOC_ARENA_EAGER_COMMIT", 0), (PURGE_DELAY, "MIMALLOC_PURGE_DELAY", PURGE_DELAY_MS)] {
        if std::env::var_os(var).is_none() {
            // SAFETY: a plain setter of a global option, read when mimalloc next purges or
            // reserves an arena; both values are within the options' documented ranges.
            unsafe { libmimalloc_sys::mi_option_set(option, value as std::os::raw::c_long) };
        }
    }
}

/// Runs for as long as the runtime it is spawned on: returns what this thread freed and no longer
/// uses. One call costs a few microseconds, and nothing when there is nothing to return.
pub async fn give_back_freed_memory() {
    let mut ticks = tokio::time::interval(TIDY_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        // SAFETY: collects the calling thread's own heap; callable from any thread at any time.
        unsafe { libmimalloc_sys::mi_collect(false) };
    }
}

/// For the runtime's `on_thread_park`: a worker about to sleep returns what it freed, unless it
/// did within `TIDY_EVERY` (under load workers park thousands of times a second).
pub fn on_idle() {
    use std::cell::Cell;
    use std::time::Instant;
    thread_local! {
        static LAST: Cell<Option<Instant>> = const { Cell::new(None) };
    }
    let now = Instant::now();
    if LAST.get().is_none_or(|at| now.duration_since(at) >= TIDY_EVERY) {
        LAST.set(Some(now));
        // SAFETY: collects the calling thread's own heap; callable from any thread at any time.
        unsafe { libmimalloc_sys::mi_collect(false) };
    }
}

/// Returns at once what the calling thread has freed: for a pool thread after a burst of work
/// (an argon2 hash frees 19 MiB), which may then sit idle with no tick to return it.
pub fn give_back_now() {
    // SAFETY: as above, the calling thread's own heap.
    unsafe { libmimalloc_sys::mi_collect(true) };
}
