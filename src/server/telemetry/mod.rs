//! Where log lines go: pretty for a console, or JSON lines written in batches (`json_log`,
//! `log_batches`).

pub mod json_log;
pub mod log_batches;

use std::io::Stdout;
use std::sync::OnceLock;

use tracing_subscriber::fmt::format::JsonFields;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::server::config::LogFormat;
use self::json_log::JsonLine;
use self::log_batches::LogBatches;

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

static STDOUT: OnceLock<LogBatches<Stdout>> = OnceLock::new();

fn batched_stdout() -> &'static LogBatches<Stdout> {
    let mut started = false;
    let batches = STDOUT.get_or_init(|| {
        started = true;
        LogBatches::new(std::io::stdout(), log_batches::FLUSH_AT, log_batches::HOLD_AT)
    });
    if started {
        if let Err(e) = batches.start_writer(log_batches::FLUSH_EVERY) {
            eprintln!("meeting-admin: cannot start the log writer ({e}); log lines are written when 64 KiB gather and at exit");
        }
    }
    batches
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
