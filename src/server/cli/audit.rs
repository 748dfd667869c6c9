//! `meeting-admin audit export --since ...`: the audit log as JSON lines, for a SIEM.

use std::io::Write;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::server::audit::AuditLog;
use crate::server::clock::Clock;
use crate::server::config::{parse_duration, AuditCommand, Config};
use crate::server::store;
use crate::server::secret::Secret;
use crate::domain::{format_rfc3339_ms, AuditEntry};

/// `--since` as Unix milliseconds.
pub fn parse_since(raw: &str, now_ms: i64) -> Result<i64, String> {
    let s = raw.trim();
    if let Ok(d) = s.parse::<Date>() {
        return d.to_zoned(TimeZone::UTC).map(|z| z.timestamp().as_millisecond()).map_err(|e| e.to_string());
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t.as_millisecond());
    }
    let span = match s.strip_suffix('d').and_then(|n| n.parse::<u64>().ok()) {
        Some(days) => std::time::Duration::from_secs(days * 86_400),
        None => parse_duration(s)
            .map_err(|_| format!("--since: '{raw}' is not a date (2026-11-01), a time (2026-11-01T08:00:00Z) or a span (24h, 7d)"))?,
    };
    Ok(now_ms - i64::try_from(span.as_millis()).unwrap_or(i64::MAX))
}

/// One line of the export: every field, with the time both as text and as milliseconds.
pub fn json_line(e: &AuditEntry) -> String {
    let mut v = serde_json::to_value(e).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("time".into(), format_rfc3339_ms(e.at_ms).into());
        obj.insert("outcome".into(), e.outcome.map(|o| o.as_str()).unwrap_or("unknown").into());
        obj.insert("outcome_recorded".into(), e.outcome.is_some().into());
    }
    v.to_string()
}

pub async fn run(config: &Config, cmd: AuditCommand) -> Result<(), String> {
    match cmd {
        AuditCommand::Export { since } => export(config, &since).await,
        AuditCommand::Verify => verify(config).await,
    }
}

/// Walks the chain; a problem found is an error (exit 1) naming the entry.
async fn verify(config: &Config) -> Result<(), String> {
    let pool = store::connect(&config.database, config.pool).await?;
    let log = AuditLog::new(pool, Secret::new(""), Clock::system());
    let v = log.verify().await.map_err(|e| format!("cannot read the audit log: {e}"))?;
    let before = match v.before_chain {
        0 => String::new(),
        n => format!(" ({n} older entries were written before the chain began and are not covered)"),
    };
    match &v.problem {
        None => {
            println!("valid: {} entries in the chain, head at position {} ({}){before}", v.chained, v.head_seq, v.head_hash);
            Ok(())
        }
        Some(p) => Err(format!("NOT VALID: {p} ({} entries checked before it){before}", v.chained)),
    }
}

async fn export(config: &Config, since: &str) -> Result<(), String> {
    let now = Clock::system().now_ms();
    let since = parse_since(since, now)?;
    let pool = store::connect(&config.database, config.pool).await?;
    // Reading only: nothing is written, so nothing needs scrubbing with the key.
    let log = AuditLog::new(pool, Secret::new(""), Clock::system());
    let entries = log.since(since).await.map_err(|e| format!("cannot read the audit log: {e}"))?;
    let mut out = std::io::stdout().lock();
    for e in &entries {
        writeln!(out, "{}", json_line(e)).map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_since;

    #[test]
    fn since_forms() {
        let now = 1_764_000_000_000;
        assert_eq!(parse_since("2026-11-01", now), Ok(1_793_491_200_000));
        assert_eq!(parse_since("2026-11-01T08:00:00Z", now), Ok(1_793_491_200_000 + 8 * 3_600_000));
        assert_eq!(parse_since("24h", now), Ok(now - 86_400_000));
        assert_eq!(parse_since("7d", now), Ok(now - 7 * 86_400_000));
        assert!(parse_since("last week", now).unwrap_err().contains("--since"));
    }
}
