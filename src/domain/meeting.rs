use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A ConnectyCube user id (positive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(u64);

impl UserId {
    pub fn new(id: u64) -> Option<Self> {
        (id > 0).then_some(Self(id))
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An email address, checked for shape (one `@`, a dotted domain, no spaces); the vendor decides
/// whether it exists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        let invalid = || format!("'{s}' is not an email address.");
        if s.is_empty() {
            return Err("Enter an email address.".into());
        }
        if s.len() > Self::MAX_LEN {
            return Err(format!("An email address has at most {} characters.", Self::MAX_LEN));
        }
        let (local, domain) = s.split_once('@').ok_or_else(invalid)?;
        let ok = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !s.chars().any(|c| c.is_whitespace() || c.is_control() || "<>,;\"()[]\\".contains(c));
        if ok { Ok(Self(s.to_owned())) } else { Err(invalid()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// An attendee needs a user id, an email, or both; "neither" cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attendee {
    Id(UserId),
    Email(Email),
    Both(UserId, Email),
}

impl Attendee {
    pub fn from_parts(id: Option<UserId>, email: Option<Email>) -> Option<Self> {
        match (id, email) {
            (Some(i), Some(e)) => Some(Self::Both(i, e)),
            (Some(i), None) => Some(Self::Id(i)),
            (None, Some(e)) => Some(Self::Email(e)),
            (None, None) => None,
        }
    }

    pub fn id(&self) -> Option<UserId> {
        match self {
            Self::Id(i) | Self::Both(i, _) => Some(*i),
            Self::Email(_) => None,
        }
    }

    pub fn email(&self) -> Option<&Email> {
        match self {
            Self::Email(e) | Self::Both(_, e) => Some(e),
            Self::Id(_) => None,
        }
    }
}

/// The vendor's shape: `{"id": 245, "email": "..."}` with either key left out.
#[derive(Serialize, Deserialize)]
struct AttendeeWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<Email>,
}

impl Serialize for Attendee {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        AttendeeWire { id: self.id(), email: self.email().cloned() }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Attendee {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = AttendeeWire::deserialize(d)?;
        Attendee::from_parts(w.id, w.email)
            .ok_or_else(|| serde::de::Error::custom("an attendee needs an id or an email"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "snake_case")]
pub enum NotifyMetric {
    Minutes,
    Hours,
    Days,
    Weeks,
}

impl NotifyMetric {
    pub const ALL: [Self; 4] = [Self::Minutes, Self::Hours, Self::Days, Self::Weeks];

    /// The vendor's allowed values for each metric.
    pub fn range(self) -> std::ops::RangeInclusive<u32> {
        match self {
            Self::Minutes => 0..=55,
            Self::Hours => 1..=24,
            Self::Days => 1..=30,
            Self::Weeks => 1..=4,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.trim().parse().ok()
    }
}

/// How long before the start attendees are notified; the value is within the metric's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "NotifyWire")]
pub struct NotifyBefore {
    metric: NotifyMetric,
    value: u32,
}

#[derive(Deserialize)]
struct NotifyWire {
    metric: NotifyMetric,
    value: u32,
}

impl TryFrom<NotifyWire> for NotifyBefore {
    type Error = String;
    fn try_from(w: NotifyWire) -> Result<Self, String> {
        Self::new(w.metric, w.value)
    }
}

impl NotifyBefore {
    pub fn new(metric: NotifyMetric, value: u32) -> Result<Self, String> {
        let range = metric.range();
        if range.contains(&value) {
            Ok(Self { metric, value })
        } else {
            Err(format!(
                "For {} the value must be between {} and {}.",
                metric.as_str(),
                range.start(),
                range.end()
            ))
        }
    }

    pub fn metric(self) -> NotifyMetric {
        self.metric
    }

    pub fn value(self) -> u32 {
        self.value
    }
}

/// The meeting's time zone as the vendor wants it: offset in minutes from UTC and an IANA name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timezone {
    pub offset: i32,
    pub name: String,
}

/// Everything needed to create a meeting. Built only by parsing, so it is always valid:
/// a non-blank name, end after start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMeeting {
    pub name: String,
    pub start_date: i64,
    pub end_date: i64,
    pub attendees: Vec<Attendee>,
    pub record: bool,
    pub chat: bool,
    pub public: bool,
    pub scheduled: bool,
    pub notify: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_before: Option<NotifyBefore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<Timezone>,
}

/// A meeting created through Meeting Admin, as we keep it: what was sent, the id the vendor gave
/// it, and who made it when. The vendor cannot list meetings, so this is how staff find them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedMeeting {
    pub meeting_id: crate::domain::MeetingId,
    pub host: UserId,
    pub meeting: NewMeeting,
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
}

impl CreatedMeeting {
    /// Its start had already passed when it was created (allowed, but worth saying).
    pub fn started_before_creation(&self) -> bool {
        self.meeting.start_date < self.created_at
    }

    /// The zone the times were entered in (UTC when none was sent).
    pub fn zone(&self) -> crate::domain::Zone {
        self.meeting
            .timezone
            .as_ref()
            .and_then(|t| crate::domain::Zone::parse(&t.name).ok())
            .unwrap_or_else(crate::domain::Zone::utc)
    }

    pub fn path(&self) -> String {
        format!("/meetings/{}", self.meeting_id)
    }
}

impl NewMeeting {
    pub const NAME_MAX: usize = 200;

    pub fn check_name(raw: &str) -> Result<String, String> {
        let name = crate::domain::plain_text(raw)?;
        if name.is_empty() {
            Err("Enter a meeting name.".into())
        } else if name.chars().count() > Self::NAME_MAX {
            Err(format!("A meeting name has at most {} characters.", Self::NAME_MAX))
        } else {
            Ok(name.to_owned())
        }
    }

    pub fn check_times(start: i64, end: i64) -> Result<(), String> {
        if end > start { Ok(()) } else { Err("The end must be after the start.".into()) }
    }
}

/// A meeting as the vendor returns it after creation. Lenient: unknown fields are ignored and
/// the optional ones may be absent or null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    #[serde(rename(deserialize = "_id"), alias = "id")]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub start_date: i64,
    #[serde(default)]
    pub end_date: i64,
    #[serde(default)]
    pub attendees: Vec<serde_json::Value>,
    #[serde(default)]
    pub host_id: Option<u64>,
    #[serde(default)]
    pub record: Option<bool>,
    #[serde(default)]
    pub chat: Option<bool>,
    #[serde(default)]
    pub public: Option<bool>,
    #[serde(default)]
    pub scheduled: Option<bool>,
    #[serde(default)]
    pub notify: Option<bool>,
    #[serde(default)]
    pub chat_dialog_id: Option<String>,
    #[serde(default)]
    pub notify_before: Option<serde_json::Value>,
    #[serde(default)]
    pub timezone: Option<serde_json::Value>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const VENDOR_EXAMPLE: &str = include_str!("../../tests/fixtures/meeting.json");

    #[test]
    fn parses_the_vendor_reply() {
        let m: Meeting = serde_json::from_str(VENDOR_EXAMPLE).unwrap();
        assert_eq!(m.id, "6932e0f8652986000d48148a");
        assert_eq!(m.name, "Friday weekly sync");
        assert_eq!((m.start_date, m.end_date), (1_613_729_948, 1_613_731_012));
        assert_eq!(m.host_id, Some(32242));
        assert_eq!(m.attendees.len(), 2);
        assert_eq!(m.chat_dialog_id, None);
        assert_eq!(m.notify_before, None);
        assert_eq!(m.created_at.as_deref(), Some("2025-12-05T13:41:12Z"));
    }

    #[test]
    fn a_bare_reply_still_parses() {
        let m: Meeting = serde_json::from_str(r#"{"_id":"x","extra":[1,2]}"#).unwrap();
        assert_eq!(m.id, "x");
        assert!(serde_json::from_str::<Meeting>(r#"{"name":"no id"}"#).is_err());
    }

    #[test]
    fn attendees_need_an_id_or_an_email() {
        assert_eq!(Attendee::from_parts(None, None), None);
        let a = Attendee::from_parts(UserId::new(245), Some(Email::parse("email1@domen.com").unwrap()))
            .unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), r#"{"id":245,"email":"email1@domen.com"}"#);
        let e = Attendee::Email(Email::parse("email2@domen.com").unwrap());
        assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"email":"email2@domen.com"}"#);
        assert!(serde_json::from_str::<Attendee>("{}").is_err());
        assert_eq!(UserId::new(0), None);
    }

    #[test]
    fn emails() {
        for ok in ["a@b.co", " x.y+z@sub.example.org "] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a", "a@b", "@b.co", "a@.co", "a@b.co.", "a b@c.co", "a@b@c.co", "a@b..co", "<a@b.co>"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn notify_ranges_follow_the_vendor() {
        assert!(NotifyBefore::new(NotifyMetric::Minutes, 0).is_ok());
        assert!(NotifyBefore::new(NotifyMetric::Minutes, 55).is_ok());
        assert!(NotifyBefore::new(NotifyMetric::Minutes, 56).is_err());
        assert!(NotifyBefore::new(NotifyMetric::Hours, 0).is_err());
        assert!(NotifyBefore::new(NotifyMetric::Hours, 24).is_ok());
        assert!(NotifyBefore::new(NotifyMetric::Days, 31).is_err());
        assert_eq!(
            NotifyBefore::new(NotifyMetric::Weeks, 5).unwrap_err(),
            "For weeks the value must be between 1 and 4."
        );
        let n = NotifyBefore::new(NotifyMetric::Hours, 2).unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), r#"{"metric":"hours","value":2}"#);
        assert_eq!(NotifyMetric::parse("days"), Some(NotifyMetric::Days));
        assert_eq!(NotifyMetric::parse("months"), None);
    }

    #[test]
    fn names_and_times() {
        assert_eq!(NewMeeting::check_name("  Sync "), Ok("Sync".into()));
        assert!(NewMeeting::check_name("   ").is_err());
        assert!(NewMeeting::check_name(&"x".repeat(201)).is_err());
        assert!(NewMeeting::check_times(10, 11).is_ok());
        assert!(NewMeeting::check_times(10, 10).is_err());
    }
}
