//! The parsing every section of the configuration shares: durations, URLs, and the error that
//! names the bad variable.

use std::time::Duration;

use url::Url;

/// A bad setting: which variable (and flag), and what is wrong with it.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{var} (--{flag}): {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub flag: &'static str,
    pub problem: String,
}

pub fn bad(var: &'static str, flag: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError { var, flag, problem: problem.into() }
}

/// `10s`, `500ms`, `2m`, or a bare number of seconds.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    let s = raw.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().map_err(|_| format!("'{raw}' is not a duration such as 10s or 500ms"))?;
    let d = match unit.trim() {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        other => return Err(format!("unknown unit '{other}' in '{raw}' (use ms, s, m or h)")),
    };
    if d.is_zero() {
        return Err("must be more than zero".into());
    }
    Ok(d)
}

pub fn parse_http_url(raw: &str) -> Result<Url, String> {
    let url = Url::parse(raw.trim()).map_err(|e| format!("'{raw}' is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("'{raw}' must be an http:// or https:// URL with a host"));
    }
    Ok(url)
}

