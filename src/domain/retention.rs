//! Retention: when a known meeting's recordings are due for deletion, and what a change of the
//! rules would make due. The vendor deletes all of a meeting's recordings at once, so a meeting
//! is due when its *newest* recording is older than the period: no recording ever goes before
//! its own period ends.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::meeting_id::MeetingId;

pub const DAY_MS: i64 = 86_400_000;
/// Ten years: a longer period is a typo, not a policy.
pub const MAX_RETENTION_DAYS: u32 = 3_650;
/// The one sentence every due date is shown with.
pub const NEWEST_RULE: &str = "The vendor deletes all of a meeting's recordings at once, so a meeting is due when its newest recording is older than the period.";

/// A retention period: 1 to 3,650 whole days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RetentionDays(u32);

impl RetentionDays {
    pub fn new(days: u32) -> Option<Self> {
        (1..=MAX_RETENTION_DAYS).contains(&days).then_some(Self(days))
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Give a number of days.".to_owned());
        }
        let n: i64 = s.parse().map_err(|_| format!("'{}' is not a whole number of days.", super::text::visible(s, 20)))?;
        match n {
            ..=0 => Err("A period must be at least 1 day: 0 or less would delete recordings as soon as they are made.".to_owned()),
            n if n > i64::from(MAX_RETENTION_DAYS) => Err(format!("A period may be at most {MAX_RETENTION_DAYS} days (10 years).")),
            n => Ok(Self(n as u32)),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }

    pub fn ms(self) -> i64 {
        i64::from(self.0) * DAY_MS
    }
}

impl std::fmt::Display for RetentionDays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 == 1 { f.write_str("1 day") } else { write!(f, "{} days", self.0) }
    }
}

/// A host user id as typed into a rule or a tracking form.
pub fn parse_host_id(raw: &str) -> Result<u64, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("Give the host's ConnectyCube user id.".to_owned());
    }
    match s.parse::<u64>() {
        Ok(0) | Err(_) => Err(format!("'{}' is not a user id: ConnectyCube user ids are whole numbers above 0.", super::text::visible(s, 30))),
        Ok(n) => Ok(n),
    }
}

/// What a host's meetings are kept for, over the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HostRule {
    Days(RetentionDays),
    /// Never due by age (each meeting may still be deleted by hand).
    Keep,
}

/// A meeting's own rule, over its host's and the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeetingRule {
    /// Not due before this time (Unix ms), whatever the period says.
    ExtendedUntil(i64),
    /// Exempt: never due by age.
    Keep,
}

/// How far an extension goes: a few days past the due date (or past now, when it is due
/// already), or to a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extension {
    Days(u32),
    /// Unix ms of the end of that day (UTC).
    UntilDate(i64),
}

/// The extensions offered as buttons.
pub const EXTENSION_DAYS: [u32; 3] = [7, 30, 90];

impl Extension {
    /// `by` is "7", "30" or "90", or "date" with `date` as YYYY-MM-DD; `now_ms` rules out the past.
    pub fn parse(by: &str, date: &str, now_ms: i64) -> Result<Self, String> {
        match by.trim() {
            "date" => {
                let d = date.trim();
                if d.is_empty() {
                    return Err("Give the date to keep the recordings until.".to_owned());
                }
                let start = super::civil_time::parse_iso8601_utc(&format!("{d}T00:00:00Z"))
                    .ok_or_else(|| format!("'{}' is not a date; write it as 2027-01-31.", super::text::visible(d, 20)))?;
                let end_ms = (start + 86_400) * 1000 - 1;
                if end_ms <= now_ms {
                    return Err("That date has passed; an extension must end in the future.".to_owned());
                }
                if end_ms - now_ms > i64::from(MAX_RETENTION_DAYS) * DAY_MS {
                    return Err(format!("An extension may reach at most {MAX_RETENTION_DAYS} days (10 years) ahead."));
                }
                Ok(Self::UntilDate(end_ms))
            }
            n => match n.parse::<u32>() {
                Ok(days) if EXTENSION_DAYS.contains(&days) => Ok(Self::Days(days)),
                _ => Err("Extend by 7, 30 or 90 days, or to a date.".to_owned()),
            },
        }
    }

    /// Until when the meeting is kept, given when it is due now (if it is due at all).
    pub fn until_ms(self, due_at_ms: Option<i64>, now_ms: i64) -> i64 {
        match self {
            Self::Days(d) => due_at_ms.unwrap_or(now_ms).max(now_ms).saturating_add(i64::from(d) * DAY_MS),
            Self::UntilDate(at) => at,
        }
    }
}

/// Every rule there is, as the store holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// `None`: off; meetings are due only by a host's rule.
    pub default: Option<RetentionDays>,
    pub hosts: HashMap<u64, HostRule>,
}

impl Rules {
    /// The period that applies to a meeting of `host` (unknown: the default).
    pub fn period(&self, host: Option<u64>) -> Option<RetentionDays> {
        match host.and_then(|h| self.hosts.get(&h)) {
            Some(HostRule::Days(d)) => Some(*d),
            Some(HostRule::Keep) => None,
            None => self.default,
        }
    }
}

/// What the inventory knows of one meeting, and what stands on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Known {
    pub meeting_id: MeetingId,
    pub host: Option<u64>,
    pub recordings: u64,
    pub bytes: u64,
    /// Unix seconds of the newest recording listed.
    pub newest_created: Option<i64>,
    pub rule: Option<MeetingRule>,
    pub held: bool,
}

/// Where a meeting stands under the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    /// No period applies (the default is off, or its host's rule keeps it).
    NoPeriod,
    NoRecordings,
    Held,
    Kept,
    /// Due at this time (Unix ms): now or later.
    Due { at_ms: i64 },
}

impl Standing {
    pub fn of(k: &Known, rules: &Rules) -> Self {
        if k.held {
            return Self::Held;
        }
        if k.rule == Some(MeetingRule::Keep) {
            return Self::Kept;
        }
        let Some(period) = rules.period(k.host) else { return Self::NoPeriod };
        let Some(newest) = k.newest_created.filter(|_| k.recordings > 0) else { return Self::NoRecordings };
        let by_age = newest.saturating_mul(1000).saturating_add(period.ms());
        let at_ms = match k.rule {
            Some(MeetingRule::ExtendedUntil(until)) => by_age.max(until),
            _ => by_age,
        };
        Self::Due { at_ms }
    }

    pub fn due_at(self) -> Option<i64> {
        match self {
            Self::Due { at_ms } => Some(at_ms),
            _ => None,
        }
    }

    pub fn is_due(self, now_ms: i64) -> bool {
        self.due_at().is_some_and(|at| at <= now_ms)
    }

    /// Due within `within_ms` from now, not yet due.
    pub fn is_due_within(self, now_ms: i64, within_ms: i64) -> bool {
        self.due_at().is_some_and(|at| at > now_ms && at <= now_ms.saturating_add(within_ms))
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NoPeriod => "no period applies",
            Self::NoRecordings => "no recordings",
            Self::Held => "on legal hold",
            Self::Kept => "kept (exempt)",
            Self::Due { .. } => "due",
        }
    }
}

/// How much: meetings, recordings, bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub meetings: u64,
    pub recordings: u64,
    pub bytes: u64,
}

impl Tally {
    pub fn add(&mut self, k: &Known) {
        self.meetings += 1;
        self.recordings += k.recordings;
        self.bytes += k.bytes;
    }
}

/// What rules would make due: now, within 7 days and within 30 days (each after the one
/// before), with the meetings due now by id (the sweep's list).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DryRun {
    pub due_now: Tally,
    pub within_7: Tally,
    pub within_30: Tally,
    pub due_now_ids: Vec<MeetingId>,
}

impl DryRun {
    pub fn of<'a>(known: impl IntoIterator<Item = &'a Known>, rules: &Rules, now_ms: i64) -> Self {
        let mut run = Self::default();
        for k in known {
            let s = Standing::of(k, rules);
            if s.is_due(now_ms) {
                run.due_now.add(k);
                run.due_now_ids.push(k.meeting_id.clone());
            } else if s.is_due_within(now_ms, 7 * DAY_MS) {
                run.within_7.add(k);
            } else if s.is_due_within(now_ms, 30 * DAY_MS) {
                run.within_30.add(k);
            }
        }
        run.due_now_ids.sort();
        run
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_800_000_000_000;

    fn known(id: &str, newest_s: i64, host: Option<u64>) -> Known {
        Known {
            meeting_id: MeetingId::parse(id).unwrap(),
            host,
            recordings: 2,
            bytes: 300,
            newest_created: Some(newest_s),
            rule: None,
            held: false,
        }
    }

    fn days(n: u32) -> Option<RetentionDays> {
        RetentionDays::new(n)
    }

    #[test]
    fn a_period_is_whole_days_from_one_to_ten_years() {
        assert_eq!(RetentionDays::parse(" 30 ").unwrap().get(), 30);
        assert!(RetentionDays::parse("0").unwrap_err().contains("at least 1 day"));
        assert!(RetentionDays::parse("-5").unwrap_err().contains("at least 1 day"));
        assert!(RetentionDays::parse("3651").unwrap_err().contains("at most 3650"));
        assert!(RetentionDays::parse("3650").is_ok());
        assert!(RetentionDays::parse("1.5").unwrap_err().contains("not a whole number"));
        assert!(RetentionDays::parse("").unwrap_err().contains("number of days"));
        assert_eq!(RetentionDays::new(1).unwrap().to_string(), "1 day");
    }

    #[test]
    fn a_host_id_is_a_number_above_zero() {
        assert_eq!(parse_host_id(" 42 "), Ok(42));
        assert!(parse_host_id("ada").unwrap_err().contains("not a user id"));
        assert!(parse_host_id("0").unwrap_err().contains("not a user id"));
        assert!(parse_host_id("").is_err());
    }

    #[test]
    fn an_extension_is_one_of_the_offered_lengths_or_a_future_date() {
        assert_eq!(Extension::parse("30", "", NOW), Ok(Extension::Days(30)));
        assert!(Extension::parse("12", "", NOW).unwrap_err().contains("7, 30 or 90"));
        assert!(Extension::parse("date", "2020-01-01", NOW).unwrap_err().contains("has passed"));
        assert!(Extension::parse("date", "31/01/2099", NOW).unwrap_err().contains("not a date"));
        assert!(Extension::parse("date", "2099-01-01", NOW).unwrap_err().contains("at most"));
        let Ok(Extension::UntilDate(at)) = Extension::parse("date", "2027-01-31", NOW) else { panic!() };
        assert_eq!((crate::domain::format_utc(at / 1000).as_str(), at % 60_000), ("31 Jan 2027, 23:59 UTC", 59_999), "the end of that day");
        // From the due date when it is ahead, else from now.
        assert_eq!(Extension::Days(7).until_ms(Some(NOW + DAY_MS), NOW), NOW + 8 * DAY_MS);
        assert_eq!(Extension::Days(7).until_ms(Some(NOW - DAY_MS), NOW), NOW + 7 * DAY_MS);
    }

    #[test]
    fn a_host_rule_beats_the_default_and_keep_means_no_period() {
        let mut rules = Rules { default: days(30), hosts: HashMap::new() };
        rules.hosts.insert(7, HostRule::Days(days(90).unwrap()));
        rules.hosts.insert(8, HostRule::Keep);
        assert_eq!(rules.period(None), days(30));
        assert_eq!(rules.period(Some(1)), days(30));
        assert_eq!(rules.period(Some(7)), days(90));
        assert_eq!(rules.period(Some(8)), None);
    }

    #[test]
    fn the_dry_run_sorts_meetings_into_now_seven_and_thirty_days() {
        let rules = Rules { default: days(30), hosts: HashMap::new() };
        let now_s = NOW / 1000;
        let list = [
            known("aaaaaaaaaaaaaaaaaaaaaaa1", now_s - 40 * 86_400, None),
            known("aaaaaaaaaaaaaaaaaaaaaaa2", now_s - 25 * 86_400, None),
            known("aaaaaaaaaaaaaaaaaaaaaaa3", now_s - 10 * 86_400, None),
            known("aaaaaaaaaaaaaaaaaaaaaaa4", now_s, None),
        ];
        let run = DryRun::of(&list, &rules, NOW);
        // The last is due in exactly 30 days: within the 30.
        assert_eq!((run.due_now.meetings, run.within_7.meetings, run.within_30.meetings), (1, 1, 2));
        assert_eq!(run.due_now, Tally { meetings: 1, recordings: 2, bytes: 300 });
        assert_eq!(run.due_now_ids, vec![list[0].meeting_id.clone()]);
        assert_eq!(DryRun::of(&list, &Rules::default(), NOW), DryRun::default(), "off: nothing is due");
    }

    fn rule() -> impl Strategy<Value = Option<MeetingRule>> {
        prop_oneof![Just(None), Just(Some(MeetingRule::Keep)), (0i64..4_000).prop_map(|d| Some(MeetingRule::ExtendedUntil(NOW + (d - 2_000) * DAY_MS)))]
    }

    proptest! {
        /// Never due before the newest recording's period ends; holds and exemptions win;
        /// an extension only ever moves the date later, to at least its own end.
        #[test]
        fn due_dates_respect_the_newest_recording_holds_keeps_and_extensions(
            newest_ago_days in 0i64..5_000, period in 1u32..=MAX_RETENTION_DAYS, rule in rule(), held: bool, host in proptest::option::of(1u64..4),
            host_keep: bool,
        ) {
            let mut rules = Rules { default: days(period), hosts: HashMap::new() };
            if host_keep { rules.hosts.insert(3, HostRule::Keep); }
            let newest = NOW / 1000 - newest_ago_days * 86_400;
            let k = Known { rule, held, host, ..known("bbbbbbbbbbbbbbbbbbbbbbbb", newest, host) };
            let s = Standing::of(&k, &rules);
            if held { prop_assert_eq!(s, Standing::Held); }
            else if rule == Some(MeetingRule::Keep) { prop_assert_eq!(s, Standing::Kept); }
            else if host_keep && host == Some(3) { prop_assert_eq!(s, Standing::NoPeriod); }
            else {
                let at = s.due_at().expect("a period applies");
                prop_assert!(at >= newest * 1000 + i64::from(period) * DAY_MS, "never before the newest recording's period ends");
                if let Some(MeetingRule::ExtendedUntil(until)) = rule { prop_assert!(at >= until); }
                let plain = Standing::of(&Known { rule: None, ..k.clone() }, &rules).due_at().unwrap();
                prop_assert!(at >= plain, "an extension never brings the date forward");
                prop_assert_eq!(s.is_due(NOW), at <= NOW);
            }
        }
    }
}
