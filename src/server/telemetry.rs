use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use super::config::LogFormat;

/// `RUST_LOG` refines the default filter (`info`).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = match format {
        LogFormat::Pretty => tracing_subscriber::fmt().with_env_filter(filter).with_target(false).compact().try_init(),
        LogFormat::Json => json_logs(filter, std::io::stdout),
    };
}

/// The JSON lines of `LOG_FORMAT=json`, to `writer`; the tests capture exactly this format.
pub fn json_logs<W>(filter: EnvFilter, writer: W) -> Result<(), Box<dyn std::error::Error + Send + Sync>>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(writer)
        .json()
        .flatten_event(true)
        .with_current_span(true)
        // One span per request (`http.rs`), so the span list would only repeat the current span.
        .with_span_list(false)
        .try_init()
}
