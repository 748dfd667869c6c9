//! Where log lines go: pretty for a console, or JSON lines (tracing-subscriber's format) handed
//! to a thread of their own that writes what has gathered in one go (tracing-appender), so a
//! request never waits on standard output: one `write` per line was a fifth of the proxy hop's
//! throughput, and a container runtime's log driver can stall its writer.

use std::io::{BufWriter, Stdout};
use std::sync::Mutex;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::server::config::LogFormat;

/// Without `RUST_LOG`: `info`, but for tower-sessions' span around every request, which says
/// nothing the request's own span does not and costs a span's bookkeeping on every request.
const DEFAULT_FILTER: &str = "info,tower_sessions=warn";

/// Lines waiting for the writer at most; past this a line waits for room rather than being
/// dropped or growing memory without bound (a stalled output then slows requests, not memory).
const LINES_WAITING: usize = 64 * 1024;

/// The writer thread of `LOG_FORMAT=json`, kept until `flush` at exit.
static WRITER: Mutex<Option<WorkerGuard>> = Mutex::new(None);

/// `RUST_LOG` replaces the default filter.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let _ = match format {
        LogFormat::Pretty => tracing_subscriber::fmt().with_env_filter(filter).with_target(false).compact().try_init(),
        LogFormat::Json => {
            // The writer drains every line waiting, then flushes: one `write` for all of them.
            let out: BufWriter<Stdout> = BufWriter::with_capacity(64 * 1024, std::io::stdout());
            let (writer, guard) = NonBlockingBuilder::default().lossy(false).buffered_lines_limit(LINES_WAITING).thread_name("log-writer").finish(out);
            *WRITER.lock().unwrap_or_else(|p| p.into_inner()) = Some(guard);
            json_logs(filter, writer)
        }
    };
}

/// Writes every line logged so far and stops the writer (at exit).
pub fn flush() {
    drop(WRITER.lock().unwrap_or_else(|p| p.into_inner()).take());
}

/// The JSON lines of `LOG_FORMAT=json`, to `writer`; the tests capture exactly this format:
/// `timestamp`, `level`, the event's fields at the top level, and the spans it is in under
/// `spans`, outermost (the request's, with its id) first.
pub fn json_logs<W>(filter: EnvFilter, writer: W) -> Result<(), Box<dyn std::error::Error + Send + Sync>>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_target(false)
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(true)
        .try_init()
}
