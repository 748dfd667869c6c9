use tracing_subscriber::EnvFilter;

use super::config::LogFormat;

/// `RUST_LOG` refines the default filter (`info`).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let _ = match format {
        LogFormat::Pretty => builder.compact().try_init(),
        // One span per request (`http.rs`), so the span list would only repeat the current span.
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).try_init(),
    };
}
