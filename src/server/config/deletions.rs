//! How confirmed deletions are held before the vendor is asked (`DELETE_*`, `DELETION_LEASE`).

use std::time::Duration;

use clap::Args;

use super::values::{bad, parse_duration, parse_http_url, ConfigError};
use crate::server::secret::Secret;

#[derive(Debug, Clone, Args)]
pub struct DeletionArgs {
    /// How long a confirmed deletion waits, cancellable, before ConnectyCube is asked (e.g. 10m;
    /// 0 deletes at once, as soon as it is confirmed and, where required, approved).
    #[arg(long = "delete-grace", env = "DELETE_GRACE", default_value = "10m", global = true)]
    pub grace: String,
    /// `required`: a deletion waits for a second person allowed to delete; `off`: it does not.
    #[arg(long = "delete-approval", env = "DELETE_APPROVAL", default_value = "off", global = true)]
    pub approval: String,
    /// A deletion nobody approved or rejected expires after this long.
    #[arg(long = "delete-approval-ttl", env = "DELETE_APPROVAL_TTL", default_value = "24h", global = true)]
    pub approval_ttl: String,
    /// Where to POST (JSON with a Slack-compatible `text`) when a deletion waits for approval.
    #[arg(long = "approval-webhook-url", env = "APPROVAL_WEBHOOK_URL", hide_env_values = true, global = true)]
    pub approval_webhook_url: Option<String>,
    /// How long a replica's claim on work in progress (a running deletion, a bulk item, a notice)
    /// lasts unrenewed: after a replica stops mid-step, another takes the work over this long
    /// after (and never deletes twice).
    #[arg(long = "deletion-lease", env = "DELETION_LEASE", default_value = "30s", global = true)]
    pub lease: String,
}

/// How confirmed deletions are held before the vendor is asked (`DELETE_*`).
#[derive(Debug, Clone)]
pub struct DeletionPolicy {
    /// Zero: at once.
    pub grace: Duration,
    pub approval_required: bool,
    pub approval_ttl: Duration,
    /// May carry a token in its path (Slack's do), so it is kept as a secret.
    pub webhook: Option<Secret>,
}

/// The policy, and the lease a replica's workers hold their claims under.
pub fn parse(a: &DeletionArgs) -> Result<(DeletionPolicy, Duration), ConfigError> {
    let policy = DeletionPolicy {
        grace: match a.grace.trim() {
            "0" | "0s" | "0m" => Duration::ZERO,
            other => parse_duration(other).map_err(|p| bad("DELETE_GRACE", "delete-grace", p))?,
        },
        approval_required: match a.approval.trim() {
            "required" => true,
            "off" | "" => false,
            other => return Err(bad("DELETE_APPROVAL", "delete-approval", format!("'{other}' is not required or off"))),
        },
        approval_ttl: parse_duration(&a.approval_ttl).map_err(|p| bad("DELETE_APPROVAL_TTL", "delete-approval-ttl", p))?,
        webhook: match a.approval_webhook_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(raw) => {
                // The message never says where it went wrong in the URL: it may hold a token.
                let url = parse_http_url(raw).map_err(|_| bad("APPROVAL_WEBHOOK_URL", "approval-webhook-url", "is not an http:// or https:// URL with a host"))?;
                Some(Secret::new(url.as_str()))
            }
            None => None,
        },
    };
    let lease = parse_duration(&a.lease).map_err(|p| bad("DELETION_LEASE", "deletion-lease", p))?;
    Ok((policy, lease))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        deletions: DeletionArgs,
    }

    fn settings(flags: &[&str]) -> (DeletionPolicy, Duration) {
        parse(&Flags::try_parse_from([&["meeting-admin"], flags].concat()).unwrap().deletions).unwrap()
    }

    fn err(flags: &[&str]) -> ConfigError {
        parse(&Flags::try_parse_from([&["meeting-admin"], flags].concat()).unwrap().deletions).unwrap_err()
    }

    #[test]
    fn deletion_policy() {
        let c = settings(&[]).0;
        assert_eq!(c.grace, Duration::from_secs(600));
        assert!(!c.approval_required);
        assert_eq!(c.approval_ttl, Duration::from_secs(86_400));
        let c = settings(&["--delete-grace", "0", "--delete-approval", "required", "--approval-webhook-url", "https://hooks.example.com/T0/secret"]).0;
        assert_eq!(c.grace, Duration::ZERO);
        assert!(c.approval_required);
        assert!(!format!("{c:?}").contains("secret"));
        assert_eq!(err(&["--delete-grace", "soon"]).var, "DELETE_GRACE");
        assert_eq!(err(&["--delete-approval", "yes"]).var, "DELETE_APPROVAL");
        assert_eq!(err(&["--delete-approval-ttl", "0"]).var, "DELETE_APPROVAL_TTL");
        let e = err(&["--approval-webhook-url", "ftp://hooks.example.com/T0/secret"]);
        assert_eq!(e.var, "APPROVAL_WEBHOOK_URL");
        assert!(!e.to_string().contains("secret"));
    }
}
