//! How often the retention sweep runs (`RETENTION_SWEEP_EVERY`). The rules themselves are set on
//! the Retention page and kept in the store, where every replica reads them.

use std::time::Duration;

use clap::Args;

use super::values::{bad, parse_duration, ConfigError};

#[derive(Debug, Clone, Args)]
pub struct RetentionArgs {
    /// How often one replica sweeps for meetings the retention rules make due (1m to 24h).
    #[arg(long = "retention-sweep-every", env = "RETENTION_SWEEP_EVERY", default_value = "15m", global = true)]
    pub sweep_every: String,
}

pub fn parse(a: &RetentionArgs) -> Result<Duration, ConfigError> {
    let every = parse_duration(&a.sweep_every).map_err(|p| bad("RETENTION_SWEEP_EVERY", "retention-sweep-every", p))?;
    if !(Duration::from_secs(60)..=Duration::from_secs(86_400)).contains(&every) {
        return Err(bad("RETENTION_SWEEP_EVERY", "retention-sweep-every", "must be from 1m to 24h"));
    }
    Ok(every)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sweep_runs_every_minute_to_every_day() {
        let p = |s: &str| parse(&RetentionArgs { sweep_every: s.into() });
        assert_eq!(p("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(p("30s").unwrap_err().var, "RETENTION_SWEEP_EVERY");
        assert!(p("2d").is_err() && p("soon").is_err());
    }
}
