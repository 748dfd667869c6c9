//! The create-meeting form as typed, and the one parser that turns it into a `NewMeeting`.
//! The browser runs it for instant feedback and the server runs it again before any call.

use serde::{Deserialize, Serialize};

use super::meeting::{Attendee, Email, NewMeeting, NotifyBefore, NotifyMetric, Timezone, UserId};
use super::schedule::{LocalDateTime, Zone, MAX_YEARS_AHEAD};
use crate::error::FieldError;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttendeeRow {
    pub id: String,
    pub email: String,
}

impl AttendeeRow {
    pub fn is_blank(&self) -> bool {
        self.id.trim().is_empty() && self.email.trim().is_empty()
    }
}

/// Every field as the user typed it; checkboxes are present ("on") when ticked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MeetingForm {
    pub host_id: String,
    pub name: String,
    pub start: String,
    pub end: String,
    pub timezone: String,
    pub attendees: Vec<AttendeeRow>,
    pub record: Option<String>,
    pub chat: Option<String>,
    pub public: Option<String>,
    pub scheduled: Option<String>,
    pub notify: Option<String>,
    pub notify_metric: String,
    pub notify_value: String,
}

/// A form that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedMeeting {
    pub host: UserId,
    pub meeting: NewMeeting,
    pub zone: Zone,
}

pub const MAX_ATTENDEES: usize = 200;

/// Unix seconds by the browser's clock, for the checks an island makes as the form is typed (the
/// server renders islands too, but decides by its own `Clock`: `parse_at`).
pub fn browser_now_unix() -> i64 {
    #[cfg(all(target_arch = "wasm32", feature = "hydrate"))]
    return (js_sys::Date::now() / 1000.0) as i64;
    #[cfg(not(all(target_arch = "wasm32", feature = "hydrate")))]
    return std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
}

pub fn attendee_field(i: usize, part: &str) -> String {
    format!("attendees[{i}][{part}]")
}

fn parse_user_id(raw: &str, what: &str) -> Result<Option<UserId>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<u64>()
        .ok()
        .and_then(UserId::new)
        .map(Some)
        .ok_or_else(|| format!("{what} is a ConnectyCube user id: a whole number above 0, not '{s}'."))
}

impl MeetingForm {
    /// A blank form: times on the next full hour for an hour, in `zone`.
    pub fn blank(now_unix: i64, zone: &Zone) -> Self {
        let start = (now_unix / 3600 + 1) * 3600;
        let at = |t| LocalDateTime::of(t, zone).map(|l| l.input_value()).unwrap_or_default();
        Self {
            start: at(start),
            end: at(start + 3600),
            timezone: zone.name().to_owned(),
            attendees: vec![AttendeeRow::default()],
            notify_metric: "minutes".into(),
            notify_value: "15".into(),
            ..Self::default()
        }
    }

    pub fn parse(&self) -> Result<ParsedMeeting, Vec<FieldError>> {
        self.parse_at(browser_now_unix())
    }

    /// As `parse`, with "now" given (Unix seconds): dates more than `MAX_YEARS_AHEAD` years after
    /// it are refused. A start before it is allowed (a meeting set up after the fact); the
    /// meeting's page says so.
    pub fn parse_at(&self, now: i64) -> Result<ParsedMeeting, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |field: &str, msg: String| errors.push(FieldError::new(field, msg));

        let host = match parse_user_id(&self.host_id, "The host") {
            Ok(Some(h)) => Some(h),
            Ok(None) => {
                err("host_id", "Enter the host's ConnectyCube user id.".into());
                None
            }
            Err(m) => {
                err("host_id", m);
                None
            }
        };
        let name = NewMeeting::check_name(&self.name).map_err(|m| err("name", m)).ok();
        let zone = Zone::parse(&self.timezone).map_err(|m| err("timezone", m)).ok();
        let start = LocalDateTime::parse(&self.start).map_err(|m| err("start", m)).ok();
        let end = LocalDateTime::parse(&self.end).map_err(|m| err("end", m)).ok();
        let (mut start_unix, mut end_unix) = (None, None);
        if let Some(zone) = &zone {
            start_unix = start.and_then(|s| zone.resolve(s).map_err(|m| err("start", m)).ok());
            end_unix = end.and_then(|e| zone.resolve(e).map_err(|m| err("end", m)).ok());
        }
        let latest = now.saturating_add(MAX_YEARS_AHEAD * 31_557_600); // Julian years of 365.25 days
        for (field, t) in [("start", &mut start_unix), ("end", &mut end_unix)] {
            match *t {
                // A zone west of UTC can put 1970-01-01 00:30 local before the epoch.
                Some(u) if u < 0 => err(field, "Choose a date in 1970 or later.".into()),
                Some(u) if u > latest => err(
                    field,
                    format!("Choose a date within {MAX_YEARS_AHEAD} years from now (before {}).", super::civil_time::format_utc_day(latest)),
                ),
                _ => continue,
            }
            *t = None;
        }
        if let (Some(s), Some(e)) = (start_unix, end_unix) {
            if let Err(m) = NewMeeting::check_times(s, e) {
                err("end", m);
            }
        }

        let mut attendees = Vec::new();
        let mut seen_ids = std::collections::HashSet::new();
        let mut seen_emails = std::collections::HashSet::new();
        for (i, row) in self.attendees.iter().enumerate().filter(|(_, r)| !r.is_blank()) {
            let id = parse_user_id(&row.id, "An attendee's id").map_err(|m| err(&attendee_field(i, "id"), m)).ok().flatten();
            let email = if row.email.trim().is_empty() {
                None
            } else if row.email.contains([',', '\n', ';']) {
                err(&attendee_field(i, "email"), "One email per row.".into());
                None
            } else {
                Email::parse(&row.email).map_err(|m| err(&attendee_field(i, "email"), m)).ok()
            };
            if let Some(id) = id {
                if !seen_ids.insert(id) {
                    err(&attendee_field(i, "id"), format!("User {id} is already listed."));
                }
            }
            if let Some(e) = &email {
                if !seen_emails.insert(e.as_str().to_lowercase()) {
                    err(&attendee_field(i, "email"), format!("{} is already listed.", e.as_str()));
                }
            }
            attendees.extend(Attendee::from_parts(id, email));
        }
        if attendees.len() > MAX_ATTENDEES {
            err("attendees", format!("A meeting made here has at most {MAX_ATTENDEES} attendees."));
        }

        let notify = self.notify.is_some();
        let notify_before = if notify {
            let metric = NotifyMetric::parse(&self.notify_metric);
            if metric.is_none() {
                err("notify_metric", "Choose minutes, hours, days or weeks.".into());
            }
            let value = self.notify_value.trim();
            match (metric, value.parse::<u32>()) {
                (Some(m), Ok(v)) => NotifyBefore::new(m, v).map_err(|msg| err("notify_value", msg)).ok(),
                (_, Err(_)) => {
                    err("notify_value", format!("Enter how many {} before the start, as a whole number.", metric.map_or("units", NotifyMetric::as_str)));
                    None
                }
                (None, Ok(_)) => None,
            }
        } else {
            None
        };

        if !errors.is_empty() {
            return Err(errors);
        }
        // Every piece parsed when there were no errors.
        match (host, name, zone, start_unix, end_unix) {
            (Some(host), Some(name), Some(zone), Some(start_date), Some(end_date)) => Ok(ParsedMeeting {
                host,
                meeting: NewMeeting {
                    name,
                    start_date,
                    end_date,
                    attendees,
                    record: self.record.is_some(),
                    chat: self.chat.is_some(),
                    public: self.public.is_some(),
                    scheduled: self.scheduled.is_some(),
                    notify,
                    notify_before,
                    timezone: Some(Timezone { offset: zone.offset_minutes_at(start_date), name: zone.name().to_owned() }),
                },
                zone,
            }),
            _ => Err(vec![FieldError::new("form", "The form is incomplete.")]),
        }
    }
}

/// Splits pasted text ("a@x.com, b@y.com\nc@z.com") into addresses, dropping blanks.
pub fn split_pasted_emails(text: &str) -> Vec<String> {
    text.split([',', ';', '\n', '\r', '\t', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> MeetingForm {
        MeetingForm {
            host_id: "32242".into(),
            name: "  Friday weekly sync ".into(),
            start: "2026-07-15T10:00".into(),
            end: "2026-07-15T11:00".into(),
            timezone: "Europe/Riga".into(),
            attendees: vec![
                AttendeeRow { id: "245".into(), email: "email1@domen.com".into() },
                AttendeeRow::default(),
                AttendeeRow { id: "".into(), email: "email2@domen.com".into() },
            ],
            record: Some("on".into()),
            chat: Some("on".into()),
            notify: Some("on".into()),
            notify_metric: "hours".into(),
            notify_value: "2".into(),
            ..MeetingForm::default()
        }
    }

    fn fields(form: &MeetingForm) -> Vec<(String, String)> {
        form.parse().unwrap_err().into_iter().map(|e| (e.field, e.message)).collect()
    }

    #[test]
    fn a_good_form_becomes_the_vendors_json() {
        let p = good().parse().unwrap();
        assert_eq!(p.host.get(), 32242);
        let json = serde_json::to_value(&p.meeting).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "name": "Friday weekly sync",
                "start_date": 1_784_098_800, "end_date": 1_784_102_400,
                "attendees": [{"id": 245, "email": "email1@domen.com"}, {"email": "email2@domen.com"}],
                "record": true, "chat": true, "public": false, "scheduled": false, "notify": true,
                "notify_before": {"metric": "hours", "value": 2},
                "timezone": {"offset": 180, "name": "Europe/Riga"}
            })
        );
    }

    #[test]
    fn every_rule_names_its_field() {
        let mut f = good();
        f.host_id = "0".into();
        f.name = "   ".into();
        f.end = "2026-07-15T09:00".into();
        f.attendees[0].email = "not-an-email".into();
        f.attendees[2].id = "x".into();
        f.notify_value = "25".into();
        let got = fields(&f);
        let names: Vec<&str> = got.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, ["host_id", "name", "end", "attendees[0][email]", "attendees[2][id]", "notify_value"]);
        assert!(got[2].1.contains("after the start"));
        assert_eq!(got[5].1, "For hours the value must be between 1 and 24.");
    }

    #[test]
    fn required_fields() {
        let f = MeetingForm::default();
        let names: Vec<String> = fields(&f).into_iter().map(|(f, _)| f).collect();
        assert_eq!(names, ["host_id", "name", "timezone", "start", "end"]);
    }

    #[test]
    fn notify_fields_count_only_when_notify_is_on() {
        let mut f = good();
        f.notify = None;
        f.notify_value = "999".into();
        let p = f.parse().unwrap();
        assert!(!p.meeting.notify);
        assert_eq!(p.meeting.notify_before, None);
        let mut f = good();
        f.notify_metric = "months".into();
        assert_eq!(fields(&f)[0].0, "notify_metric");
        let mut f = good();
        f.notify_metric = "minutes".into();
        f.notify_value = "0".into();
        assert!(f.parse().is_ok(), "0 minutes is in the vendor's range");
    }

    #[test]
    fn timezone_offset_follows_daylight_saving_at_the_start() {
        let mut f = good();
        f.start = "2026-01-15T10:00".into();
        f.end = "2026-01-15T11:00".into();
        let p = f.parse().unwrap();
        assert_eq!(p.meeting.timezone.unwrap().offset, 120);
        assert_eq!(p.meeting.start_date, 1_768_464_000);
        f.start = "2026-03-29T03:30".into();
        assert!(fields(&f)[0].1.contains("does not exist"));
        f.timezone = "Nowhere/Land".into();
        assert_eq!(fields(&f)[0].0, "timezone");
    }

    #[test]
    fn attendees_need_an_id_or_email_and_no_repeats() {
        let mut f = good();
        f.attendees = vec![
            AttendeeRow { id: "".into(), email: "A@x.com".into() },
            AttendeeRow { id: "".into(), email: "a@x.com".into() },
            AttendeeRow { id: "7".into(), email: "".into() },
            AttendeeRow { id: "7".into(), email: "".into() },
            AttendeeRow { id: "".into(), email: "a@x.com, b@y.com".into() },
        ];
        let names: Vec<String> = fields(&f).into_iter().map(|(f, _)| f).collect();
        assert_eq!(names, ["attendees[1][email]", "attendees[3][id]", "attendees[4][email]"]);
        f.attendees = vec![];
        assert!(f.parse().unwrap().meeting.attendees.is_empty(), "no attendees is allowed");
    }

    #[test]
    fn pasted_lists_split_into_addresses() {
        assert_eq!(split_pasted_emails("a@x.com, b@y.com\nc@z.com;;\n"), ["a@x.com", "b@y.com", "c@z.com"]);
    }

    #[test]
    fn blank_form_starts_on_the_next_hour() {
        let f = MeetingForm::blank(1_784_098_800 + 60, &Zone::utc());
        assert_eq!((f.start.as_str(), f.end.as_str(), f.timezone.as_str()), ("2026-07-15T08:00", "2026-07-15T09:00", "UTC"));
    }
}
