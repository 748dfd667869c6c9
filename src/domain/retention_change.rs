//! A change to the retention rules as the Retention page's forms send it, parsed once: the
//! general settings (default period, warning, vendor budget) or one host's rule. The same form
//! is previewed (a dry run) and then saved.

use serde::{Deserialize, Serialize};

use super::retention::{parse_host_id, HostRule, RetentionDays, Rules};
use crate::error::{AppError, FieldError};

/// The warning before a meeting is due: 1 to 90 days.
pub const MAX_WARN_DAYS: u32 = 90;
/// Vendor calls per hour the inventory may make: 1 to a million.
pub const MAX_CALLS_PER_HOUR: u32 = 1_000_000;

/// The fields as typed (every one a string, so a form without JavaScript posts them as they are).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleForm {
    /// "general" or "host".
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub default_days: String,
    #[serde(default)]
    pub warn_days: String,
    #[serde(default)]
    pub calls_per_hour: String,
    #[serde(default)]
    pub host_id: String,
    /// "days", "keep" or "remove".
    #[serde(default)]
    pub host_rule: String,
    #[serde(default)]
    pub host_days: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleChange {
    General { default: Option<RetentionDays>, warn_days: u32, calls_per_hour: u32 },
    /// `rule` `None`: the host goes back to the default.
    Host { host: u64, rule: Option<HostRule> },
}

fn bounded(raw: &str, field: &str, what: &str, max: u32, errors: &mut Vec<FieldError>) -> u32 {
    match raw.trim().parse::<i64>() {
        Ok(n) if (1..=i64::from(max)).contains(&n) => n as u32,
        Ok(_) => {
            errors.push(FieldError::new(field, format!("Give {what} from 1 to {max}.")));
            0
        }
        Err(_) => {
            errors.push(FieldError::new(field, format!("Give {what} as a whole number from 1 to {max}.")));
            0
        }
    }
}

impl RuleForm {
    /// The form of the rules as they stand (what the page's fields start with).
    pub fn general(default: Option<RetentionDays>, warn_days: u32, calls_per_hour: u32) -> Self {
        Self {
            kind: "general".into(),
            default_days: default.map(|d| d.get().to_string()).unwrap_or_default(),
            warn_days: warn_days.to_string(),
            calls_per_hour: calls_per_hour.to_string(),
            ..Self::default()
        }
    }

    pub fn parse(&self) -> Result<RuleChange, AppError> {
        let mut errors = Vec::new();
        let change = match self.kind.as_str() {
            "general" => {
                let default = match self.default_days.trim() {
                    "" | "off" => None,
                    d => RetentionDays::parse(d).map_err(|m| errors.push(FieldError::new("default_days", m))).ok(),
                };
                let warn_days = bounded(&self.warn_days, "warn_days", "the warning in days", MAX_WARN_DAYS, &mut errors);
                let calls_per_hour = bounded(&self.calls_per_hour, "calls_per_hour", "the vendor calls per hour", MAX_CALLS_PER_HOUR, &mut errors);
                RuleChange::General { default, warn_days, calls_per_hour }
            }
            "host" => {
                let host = parse_host_id(&self.host_id).map_err(|m| errors.push(FieldError::new("host_id", m))).unwrap_or(0);
                let rule = match self.host_rule.as_str() {
                    "keep" => Some(HostRule::Keep),
                    "remove" => None,
                    _ => RetentionDays::parse(&self.host_days).map_err(|m| errors.push(FieldError::new("host_days", m))).ok().map(HostRule::Days),
                };
                RuleChange::Host { host, rule }
            }
            _ => return Err(AppError::Invalid { fields: vec![], message: Some("The form was not one of the Retention page's.".into()) }),
        };
        if errors.is_empty() { Ok(change) } else { Err(AppError::Invalid { fields: errors, message: None }) }
    }
}

impl RuleChange {
    /// The rules with this change made.
    pub fn apply(&self, rules: &Rules) -> Rules {
        let mut next = rules.clone();
        match *self {
            Self::General { default, .. } => next.default = default,
            Self::Host { host, rule: Some(rule) } => {
                next.hosts.insert(host, rule);
            }
            Self::Host { host, rule: None } => {
                next.hosts.remove(&host);
            }
        }
        next
    }

    /// For the audit log and the page: "default 90 days, warn 7 days before, 600 vendor calls an hour".
    pub fn describe(&self) -> String {
        match *self {
            Self::General { default, warn_days, calls_per_hour } => format!(
                "default {}, warn {warn_days} day{} before, {calls_per_hour} vendor calls an hour",
                default.map_or_else(|| "off".to_owned(), |d| d.to_string()),
                if warn_days == 1 { "" } else { "s" }
            ),
            Self::Host { host, rule: Some(HostRule::Days(d)) } => format!("host {host}: {d}"),
            Self::Host { host, rule: Some(HostRule::Keep) } => format!("host {host}: keep (never due by age)"),
            Self::Host { host, rule: None } => format!("host {host}: back to the default"),
        }
    }

    /// The form that posts this change again (the preview's Save button).
    pub fn form(&self) -> RuleForm {
        match *self {
            Self::General { default, warn_days, calls_per_hour } => RuleForm::general(default, warn_days, calls_per_hour),
            Self::Host { host, rule } => RuleForm {
                kind: "host".into(),
                host_id: host.to_string(),
                host_rule: match rule {
                    Some(HostRule::Days(_)) => "days",
                    Some(HostRule::Keep) => "keep",
                    None => "remove",
                }
                .into(),
                host_days: match rule {
                    Some(HostRule::Days(d)) => d.get().to_string(),
                    _ => String::new(),
                },
                ..RuleForm::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn general(d: &str, w: &str, c: &str) -> RuleForm {
        RuleForm { kind: "general".into(), default_days: d.into(), warn_days: w.into(), calls_per_hour: c.into(), ..RuleForm::default() }
    }

    #[test]
    fn every_bad_field_is_named_with_its_own_message() {
        let e = general("0", "0", "x").parse().unwrap_err();
        assert!(e.field("default_days").unwrap().contains("at least 1 day"));
        assert!(e.field("warn_days").unwrap().contains("from 1 to 90"));
        assert!(e.field("calls_per_hour").unwrap().contains("whole number"));
        assert!(general("3651", "7", "600").parse().unwrap_err().field("default_days").unwrap().contains("10 years"));
        let host = RuleForm { kind: "host".into(), host_id: "abc".into(), host_rule: "days".into(), host_days: "-1".into(), ..RuleForm::default() };
        let e = host.parse().unwrap_err();
        assert!(e.field("host_id").unwrap().contains("not a user id"));
        assert!(e.field("host_days").unwrap().contains("at least 1 day"));
    }

    #[test]
    fn a_change_round_trips_through_its_form_and_applies() {
        let c = general("", "7", "600").parse().unwrap();
        assert_eq!(c, RuleChange::General { default: None, warn_days: 7, calls_per_hour: 600 });
        assert_eq!(c.form().parse().unwrap(), c);
        assert_eq!(c.describe(), "default off, warn 7 days before, 600 vendor calls an hour");
        let h = RuleChange::Host { host: 42, rule: Some(HostRule::Days(RetentionDays::new(90).unwrap())) };
        assert_eq!(h.form().parse().unwrap(), h);
        let rules = h.apply(&Rules::default());
        assert_eq!(rules.period(Some(42)), RetentionDays::new(90));
        assert_eq!(RuleChange::Host { host: 42, rule: None }.apply(&rules), Rules::default());
        assert_eq!(RuleChange::Host { host: 42, rule: Some(HostRule::Keep) }.form().parse().unwrap().describe(), "host 42: keep (never due by age)");
    }
}
