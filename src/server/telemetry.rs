use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use tracing_subscriber::fmt::format::JsonFields;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use super::config::LogFormat;
use super::json_log::JsonLine;

/// Without `RUST_LOG`: `info`, but for tower-sessions' span around every request, which says
/// nothing the request's own span does not and costs a span's bookkeeping on every request.
const DEFAULT_FILTER: &str = "info,tower_sessions=warn";

/// `RUST_LOG` replaces the default filter.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let _ = match format {
        LogFormat::Pretty => tracing_subscriber::fmt().with_env_filter(filter).with_target(false).compact().try_init(),
        LogFormat::Json => json_logs(filter, batched_stdout()),
    };
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        flush();
        previous(info);
    }));
}

/// Writes what the log holds now (at exit, and before a panic's message).
pub fn flush() {
    if let Some(out) = STDOUT.get() {
        out.flush_now();
    }
}

/// How long a log line may wait in memory. One `write` per request line was a fifth of the
/// proxy hop's throughput (BENCHMARKS.md); batched, a busy server writes a few times per
/// `FLUSH_EVERY` whatever its rate. What a SIGKILL loses is at most this much of the log (the
/// audit log is in the database, never here).
const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// A batch this big is written at once, so memory stays bounded under any burst.
const FLUSH_AT: usize = 64 * 1024;

static STDOUT: OnceLock<BatchedStdout> = OnceLock::new();

/// Standard output through a buffer that a thread of its own writes out every `FLUSH_EVERY`.
#[derive(Debug, Default)]
pub struct BatchedStdout(Mutex<Vec<u8>>);

fn batched_stdout() -> &'static BatchedStdout {
    STDOUT.get_or_init(|| {
        let spawned = std::thread::Builder::new().name("log-writer".into()).spawn(|| loop {
            std::thread::sleep(FLUSH_EVERY);
            flush();
        });
        if let Err(e) = spawned {
            eprintln!("meeting-admin: cannot start the log writer ({e}); log lines are written when 64 KiB gather and at exit");
        }
        BatchedStdout::default()
    })
}

impl BatchedStdout {
    fn flush_now(&self) {
        let mut buffer = self.0.lock().unwrap_or_else(|e| e.into_inner());
        self.write_out(&mut buffer);
    }

    /// Called with the buffer locked: taking stdout before letting the buffer go keeps batches
    /// in the order their lines were logged.
    fn write_out(&self, buffer: &mut Vec<u8>) {
        if buffer.is_empty() {
            return;
        }
        let mut out = std::io::stdout().lock();
        // Nowhere to report a failed write to: the log is where it would go.
        let _ = out.write_all(buffer).and_then(|()| out.flush());
        buffer.clear();
    }
}

impl Write for &BatchedStdout {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        let mut buffer = self.0.lock().unwrap_or_else(|e| e.into_inner());
        buffer.extend_from_slice(line);
        if buffer.len() >= FLUSH_AT {
            self.write_out(&mut buffer);
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for &'static BatchedStdout {
    type Writer = &'static BatchedStdout;

    fn make_writer(&'a self) -> Self::Writer {
        self
    }
}

/// The JSON lines of `LOG_FORMAT=json`, to `writer`; the tests capture exactly this format.
pub fn json_logs<W>(filter: EnvFilter, writer: W) -> Result<(), Box<dyn std::error::Error + Send + Sync>>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    // Only the current span's fields are written: one span per request (`http.rs`).
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .fmt_fields(JsonFields::new())
        .event_format(JsonLine)
        .try_init()
}
