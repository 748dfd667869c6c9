//! The lines of `LOG_FORMAT=json`: `timestamp`, `level`, the event's own fields at the top level,
//! and the request span's fields under `span` (with its `name`). The same lines as
//! tracing-subscriber's JSON format with `flatten_event` and the current span (a test compares
//! them), but for which span goes in (the outermost, not the innermost), and written straight
//! out: that format parses the span's stored fields back into a JSON tree for every line. Under
//! the proxy hop, serde_json and tracing-subscriber together fell from 5.8% to 4.6% of the CPU
//! samples.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{JsonFields, Writer};
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

/// The event formatter; span fields are stored by `JsonFields`, as JSON objects.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonLine;

impl<S> FormatEvent<S, JsonFields> for JsonLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, JsonFields>, mut w: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        w.write_str("{\"timestamp\":\"")?;
        SystemTime.format_time(&mut w)?;
        write!(w, "\",\"level\":\"{}\"", event.metadata().level())?;
        let mut fields = Fields { w: &mut w, result: Ok(()) };
        event.record(&mut fields);
        fields.result?;
        // The outermost span: the request's (`http.rs`). A library's own span inside it (one
        // per request in tower-sessions) would otherwise stand in its place and hide the
        // request id from every line a handler logs.
        if let Some(span) = ctx.event_scope().and_then(|scope| scope.from_root().next()) {
            let extensions = span.extensions();
            if let Some(stored) = extensions.get::<FormattedFields<JsonFields>>() {
                // A JSON object, as `JsonFields` wrote it: its members are copied as they are.
                let members = stored.fields.trim().strip_prefix('{').and_then(|s| s.strip_suffix('}')).unwrap_or("").trim();
                w.write_str(",\"span\":{")?;
                if !members.is_empty() {
                    w.write_str(members)?;
                    w.write_char(',')?;
                }
                w.write_str("\"name\":")?;
                string(&mut w, format_args!("{}", span.name()))?;
                w.write_char('}')?;
            }
        }
        w.write_str("}\n")
    }
}

/// The event's fields as members of the line's object.
struct Fields<'a, 'w> {
    w: &'a mut Writer<'w>,
    result: fmt::Result,
}

impl Fields<'_, '_> {
    fn member(&mut self, field: &Field, value: impl FnOnce(&mut Writer<'_>) -> fmt::Result) {
        if self.result.is_ok() {
            self.result = write!(self.w, ",\"{}\":", field.name()).and_then(|()| value(self.w));
        }
    }
}

impl Visit for Fields<'_, '_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.member(field, |w| string(w, format_args!("{value:?}")));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.member(field, |w| string(w, format_args!("{value}")));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.member(field, |w| string(w, format_args!("{value}")));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.member(field, |w| write!(w, "{value}"));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.member(field, |w| write!(w, "{value}"));
    }

    // 128-bit integers arrive through `record_debug`, as strings, as tracing-subscriber writes them.

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.member(field, |w| write!(w, "{value}"));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        // JSON has no NaN or infinity; serde_json writes null for them too.
        self.member(field, |w| if value.is_finite() { write!(w, "{value:?}") } else { w.write_str("null") });
    }
}

/// `value` as a JSON string, escaped as it is written.
fn string(w: &mut Writer<'_>, value: fmt::Arguments<'_>) -> fmt::Result {
    w.write_char('"')?;
    Escaping(w).write_fmt(value)?;
    w.write_char('"')
}

struct Escaping<'a, 'w>(&'a mut Writer<'w>);

impl fmt::Write for Escaping<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut plain = 0;
        for (at, b) in s.bytes().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..=0x1f => "",
                _ => continue,
            };
            self.0.write_str(&s[plain..at])?;
            if escape.is_empty() {
                write!(self.0, "\\u{b:04x}")?;
            } else {
                self.0.write_str(escape)?;
            }
            plain = at + 1;
        }
        self.0.write_str(&s[plain..])
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use serde_json::Value;
    use tracing_subscriber::fmt::MakeWriter;

    use super::JsonLine;

    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Lines {
        type Writer = Lines;
        fn make_writer(&'a self) -> Lines {
            self.clone()
        }
    }

    #[derive(Debug)]
    struct Failure;

    impl std::fmt::Display for Failure {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("it \"broke\"\n\tbadly \u{7}")
        }
    }

    impl std::error::Error for Failure {}

    /// Events of every field type, inside a request span, in a nested span, and outside any.
    fn log_some() {
        let odd = "quote \" backslash \\ newline \n tab \t bell \u{7} del \u{7f} é ✓ 😀 \u{2067}";
        tracing::info!(status = 200_u16, latency_ms = 1.25, whole = 3.0, "served");
        let span = tracing::info_span!("request", request_id = %"4f1c-id", method = %"GET", path = %odd);
        let _in = span.enter();
        tracing::warn!(error = &Failure as &(dyn std::error::Error + 'static), detail = ?Some(odd), "upstream said {}", odd);
        tracing::error!(negative = -7_i64, big = u64::MAX, huge = i128::MIN, yes = true, nan = f64::NAN, tiny = 1e-300, text = odd);
        let inner = tracing::info_span!("inner", n = 1);
        let _inner = inner.enter();
        tracing::info!(message = "in the inner span");
        let empty = tracing::info_span!("bare");
        let _empty = empty.enter();
        tracing::info!("no span fields");
    }

    fn lines(format: impl FnOnce(Lines) -> tracing::Dispatch) -> Vec<Value> {
        let out = Lines::default();
        tracing::dispatcher::with_default(&format(out.clone()), log_some);
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
    }

    #[test]
    fn lines_are_those_of_tracing_subscribers_json_format() {
        let ours = lines(|out| {
            tracing_subscriber::fmt().with_writer(out).fmt_fields(tracing_subscriber::fmt::format::JsonFields::new()).event_format(JsonLine).into()
        });
        let theirs = lines(|out| {
            tracing_subscriber::fmt().with_writer(out).with_target(false).json().flatten_event(true).with_current_span(true).with_span_list(false).into()
        });
        assert_eq!(ours.len(), 5);
        assert_eq!(ours.len(), theirs.len());
        let request_span = theirs[1]["span"].clone();
        assert_eq!(request_span["request_id"], "4f1c-id");
        for (n, (mut a, mut b)) in ours.into_iter().zip(theirs).enumerate() {
            let (ta, tb) = (a["timestamp"].take(), b["timestamp"].take());
            assert!(ta.as_str().is_some_and(|t| t.len() == tb.as_str().unwrap().len() && t.ends_with('Z')), "{ta} {tb}");
            if n >= 3 {
                // Inside spans within the request's: theirs names the innermost, ours the request.
                assert_ne!(b["span"], request_span);
                b["span"] = request_span.clone();
            }
            assert_eq!(a, b);
        }
    }
}
