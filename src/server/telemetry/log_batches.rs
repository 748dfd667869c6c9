//! Log lines gathered in memory and written out in batches by a thread of their own.
//!
//! One `write` per request line was a fifth of the proxy hop's throughput (BENCHMARKS.md). And
//! standard output can stall: a container runtime's default log mode blocks the writer while its
//! driver is behind. So the threads that serve requests only append to a buffer; the writer
//! thread swaps it for an empty one and writes it out without holding it, so a stalled output
//! holds up no request until `HOLD_AT` bytes are waiting. Past that, a line waits for room
//! rather than being dropped or growing memory without bound.

use std::io::Write;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// How long a line may wait in memory: what a SIGKILL loses at most (the audit log is in the
/// database, never here).
pub const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// A batch this big is written at once rather than at the next tick.
pub const FLUSH_AT: usize = 64 * 1024;
/// With this much waiting (the output has stalled), a new line waits until the writer has
/// taken the batch.
pub const HOLD_AT: usize = 8 * 1024 * 1024;

#[derive(Debug)]
pub struct LogBatches<W> {
    waiting: Mutex<Waiting>,
    /// Wakes the writer when a batch is big enough, and lines held at `hold_at` once there is room.
    changed: Condvar,
    /// Held while a batch is written, taken before the batch is: batches go out in order
    /// whoever writes them (the writer thread, or `flush_now` at exit).
    out: Mutex<W>,
    flush_at: usize,
    hold_at: usize,
}

#[derive(Debug, Default)]
struct Waiting {
    lines: Vec<u8>,
    /// Without a writer thread, whoever fills a batch writes it.
    writer: bool,
}

impl<W: Write + Send + 'static> LogBatches<W> {
    pub fn new(out: W, flush_at: usize, hold_at: usize) -> Self {
        Self { waiting: Mutex::default(), changed: Condvar::new(), out: Mutex::new(out), flush_at, hold_at: hold_at.max(flush_at) }
    }

    /// Starts the thread that writes the batches every `every`, or sooner when one fills.
    pub fn start_writer(&'static self, every: Duration) -> std::io::Result<()> {
        std::thread::Builder::new().name("log-writer".into()).spawn(move || loop {
            let waiting = lock(&self.waiting);
            let (waiting, _) = self.changed.wait_timeout_while(waiting, every, |w| w.lines.len() < self.flush_at).unwrap_or_else(|e| e.into_inner());
            drop(waiting);
            self.flush_now();
        })?;
        lock(&self.waiting).writer = true;
        Ok(())
    }

    /// Writes out what is waiting now (the writer's ticks, at exit, and before a panic's message).
    pub fn flush_now(&self) {
        let mut out = lock(&self.out);
        let batch = std::mem::take(&mut lock(&self.waiting).lines);
        // Room again for lines held at `hold_at`.
        self.changed.notify_all();
        if !batch.is_empty() {
            // Nowhere to report a failed write to: the log is where it would go.
            let _ = out.write_all(&batch).and_then(|()| out.flush());
        }
    }

    fn append(&self, line: &[u8]) {
        let mut waiting = lock(&self.waiting);
        if waiting.writer {
            waiting = self.changed.wait_while(waiting, |w| w.lines.len() >= self.hold_at).unwrap_or_else(|e| e.into_inner());
        }
        let was = waiting.lines.len();
        waiting.lines.extend_from_slice(line);
        if was < self.flush_at && waiting.lines.len() >= self.flush_at {
            if waiting.writer {
                self.changed.notify_all();
            } else {
                drop(waiting);
                self.flush_now();
            }
        }
    }
}

impl<W: Write + Send + 'static> Write for &LogBatches<W> {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        self.append(line);
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a, W: Write + Send + 'static> tracing_subscriber::fmt::MakeWriter<'a> for &'static LogBatches<W> {
    type Writer = &'static LogBatches<W>;

    fn make_writer(&'a self) -> Self::Writer {
        self
    }
}

/// Nothing the buffer holds can be left half-changed by a panic elsewhere.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use std::io::{self, Write};
    use std::sync::mpsc;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::LogBatches;

    /// An output that takes nothing until the test opens it, as a stalled log driver does.
    #[derive(Clone, Default)]
    struct Stalled {
        open: Arc<(Mutex<bool>, std::sync::Condvar)>,
        written: Arc<Mutex<Vec<u8>>>,
    }

    impl Stalled {
        fn open(&self) {
            *self.open.0.lock().unwrap() = true;
            self.open.1.notify_all();
        }

        fn text(&self) -> String {
            String::from_utf8(self.written.lock().unwrap().clone()).unwrap()
        }
    }

    impl Write for Stalled {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let (open, opened) = &*self.open;
            drop(opened.wait_while(open.lock().unwrap(), |o| !*o).unwrap());
            self.written.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn leaked(out: Stalled, flush_at: usize, hold_at: usize) -> &'static LogBatches<Stalled> {
        let batches = Box::leak(Box::new(LogBatches::new(out, flush_at, hold_at)));
        batches.start_writer(Duration::from_millis(5)).unwrap();
        batches
    }

    /// Runs `log` on a thread of its own; the answer says whether it finished within `within`.
    fn finishes(within: Duration, log: impl FnOnce() + Send + 'static) -> bool {
        let (done, finished) = mpsc::channel();
        std::thread::spawn(move || {
            log();
            let _ = done.send(());
        });
        finished.recv_timeout(within).is_ok()
    }

    fn lines(from: usize, to: usize) -> impl Iterator<Item = String> {
        (from..to).map(|n| format!("line {n:05}\n"))
    }

    #[test]
    fn a_stalled_output_holds_up_no_line_below_the_bound_and_loses_none() {
        let out = Stalled::default();
        let batches = leaked(out.clone(), 64, 1 << 20);
        // Far more than one batch while the output takes nothing: the writer thread is stuck in
        // its write, and the lines still go straight into memory.
        assert!(finishes(Duration::from_secs(10), move || {
            for line in lines(0, 2_000) {
                (&*batches).write_all(line.as_bytes()).unwrap();
            }
        }));
        out.open();
        batches.flush_now();
        assert_eq!(out.text(), lines(0, 2_000).collect::<String>());
    }

    #[test]
    fn past_the_bound_a_line_waits_for_room_and_none_is_lost() {
        let out = Stalled::default();
        let batches = leaked(out.clone(), 16, 160);
        let (logged, seen) = mpsc::channel();
        std::thread::spawn(move || {
            for (n, line) in lines(0, 200).enumerate() {
                (&*batches).write_all(line.as_bytes()).unwrap();
                let _ = logged.send(n);
            }
        });
        // The writer has taken one batch and is stuck writing it; the next fills to the bound.
        let mut last = 0;
        while let Ok(n) = seen.recv_timeout(Duration::from_millis(500)) {
            last = n;
        }
        assert!(last < 199, "every line was taken with the output stalled");
        assert!(out.text().is_empty());
        out.open();
        while last < 199 {
            last = seen.recv_timeout(Duration::from_secs(10)).expect("a held line is let through once the output takes batches again");
        }
        batches.flush_now();
        assert_eq!(out.text(), lines(0, 200).collect::<String>());
    }

    #[test]
    fn without_a_writer_thread_whoever_fills_a_batch_writes_it() {
        let out = Stalled::default();
        out.open();
        let batches = LogBatches::new(out.clone(), 32, 64);
        for line in lines(0, 3) {
            (&batches).write_all(line.as_bytes()).unwrap();
        }
        assert_eq!(out.text(), lines(0, 3).collect::<String>(), "33 bytes fill a 32-byte batch");
        (&batches).write_all(b"tail\n").unwrap();
        batches.flush_now();
        assert!(out.text().ends_with("tail\n"));
    }
}
