//! How staff search the audit log: the filters as they arrive in the URL, checked into a
//! query, and a page of entries.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::audit::{AuditAction, AuditEntry};
use super::meeting_id::MeetingId;
use crate::error::FieldError;

/// The audit page's filters as they arrive in the URL, before they are checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilterForm {
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub meeting_id: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: String,
}

/// Checked filters. Dates are whole UTC days, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub user: Option<String>,
    pub action: Option<AuditAction>,
    pub meeting_id: Option<MeetingId>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// 1-based.
    pub page: u32,
}

pub const AUDIT_PAGE_SIZE: u32 = 50;

fn parse_date(field: &str, raw: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<Date>() {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(field, format!("'{raw}' is not a date; use YYYY-MM-DD.")));
            None
        }
    }
}

fn day_start_ms(d: Date) -> i64 {
    d.to_zoned(TimeZone::UTC).map(|z| z.timestamp().as_millisecond()).unwrap_or(i64::MAX)
}

impl AuditFilterForm {
    pub fn parse(&self) -> Result<AuditQuery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let user = match crate::domain::plain_text(&self.user) {
            Ok("") => None,
            Ok(u) if u.chars().count() > 200 => {
                errors.push(FieldError::new("user", "Keep the user name under 200 characters."));
                None
            }
            Ok(u) => Some(u.to_owned()),
            Err(m) => {
                errors.push(FieldError::new("user", m));
                None
            }
        };
        let action = match self.action.trim() {
            "" => None,
            a => AuditAction::parse(a).or_else(|| {
                errors.push(FieldError::new("action", format!("'{a}' is not an action this log records.")));
                None
            }),
        };
        let meeting_id = match self.meeting_id.trim() {
            "" => None,
            m => MeetingId::parse(m).map_err(|e| errors.push(FieldError::new("meeting_id", e.to_string()))).ok(),
        };
        let from = parse_date("from", &self.from, &mut errors);
        let to = parse_date("to", &self.to, &mut errors);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                errors.push(FieldError::new("to", "The end date is before the start date."));
            }
        }
        let page = match self.page.trim() {
            "" => 1,
            p => p.parse::<u32>().ok().filter(|p| *p >= 1).unwrap_or_else(|| {
                errors.push(FieldError::new("page", format!("'{p}' is not a page number.")));
                1
            }),
        };
        if errors.is_empty() { Ok(AuditQuery { user, action, meeting_id, from, to, page }) } else { Err(errors) }
    }
}

impl AuditQuery {
    /// `[from, to)` in Unix milliseconds.
    pub fn time_range_ms(&self) -> (Option<i64>, Option<i64>) {
        (self.from.map(day_start_ms), self.to.and_then(|t| t.tomorrow().ok()).map(day_start_ms))
    }

    /// The same filters as a query string (without the page), for links and the CSV export.
    pub fn query_string(&self) -> String {
        let pairs = [
            ("user", self.user.clone()),
            ("action", self.action.map(|a| a.as_str().to_owned())),
            ("meeting_id", self.meeting_id.as_ref().map(|m| m.as_str().to_owned())),
            ("from", self.from.map(|d| d.to_string())),
            ("to", self.to.map(|d| d.to_string())),
        ];
        pairs
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={}", crate::domain::encode_component(&v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// One page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    /// The newest walk of the log's hash chain, if one was ever made.
    pub chain: Option<ChainCheck>,
}

/// What one walk of the audit log's hash chain found (`meeting-admin audit verify`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainCheck {
    pub at_ms: i64,
    pub ok: bool,
    /// Entries in the chain, and entries written before it began (not covered).
    pub chained: u64,
    pub before_chain: u64,
    pub head_seq: i64,
    pub head_hash: String,
    /// The first entry that does not match, in words.
    pub problem: Option<String>,
}

impl AuditPage {
    pub fn pages(&self) -> u32 {
        (self.total.div_ceil(u64::from(self.per_page.max(1)))).max(1) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> AuditFilterForm {
        let mut f = AuditFilterForm::default();
        for (k, v) in pairs {
            let v = (*v).to_owned();
            match *k {
                "user" => f.user = v,
                "action" => f.action = v,
                "meeting_id" => f.meeting_id = v,
                "from" => f.from = v,
                "to" => f.to = v,
                "page" => f.page = v,
                _ => unreachable!(),
            }
        }
        f
    }

    #[test]
    fn filters_parse_and_round_trip() {
        let q = form(&[("user", " ada "), ("action", "delete_recordings"), ("from", "2026-11-01"), ("to", "2026-11-02"), ("page", "3")])
            .parse()
            .unwrap();
        assert_eq!(q.user.as_deref(), Some("ada"));
        assert_eq!(q.action, Some(AuditAction::DeleteRecordings));
        assert_eq!(q.page, 3);
        let (from, to) = q.time_range_ms();
        assert_eq!(from, Some(1_793_491_200_000));
        assert_eq!(to.unwrap() - from.unwrap(), 2 * 86_400_000, "both days included");
        assert_eq!(q.query_string(), "user=ada&action=delete_recordings&from=2026-11-01&to=2026-11-02");
        let q = form(&[("user", "o'brien & co")]).parse().unwrap();
        assert_eq!(q.query_string(), "user=o%27brien%20%26%20co");
    }

    #[test]
    fn each_bad_filter_is_named() {
        let errs = form(&[("action", "drop"), ("meeting_id", "xyz"), ("from", "yesterday"), ("page", "0")]).parse().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["action", "meeting_id", "from", "page"]);
        let errs = form(&[("from", "2026-11-02"), ("to", "2026-11-01")]).parse().unwrap_err();
        assert_eq!(errs[0].field, "to");
    }
}
