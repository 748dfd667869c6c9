//! Erasure requests as cases: what a case is, its deadline as the law counts it, and the forms
//! that open and change one, parsed once here.
//!
//! The deadline is one calendar month from receipt (GDPR Art. 12(3)): the same day of the next
//! month, or its last day when it has no such day (received 31 January, due 28 or 29 February).
//! It may be extended once, by up to two more months, with reasons; days spent paused (waiting
//! for the requester's identity, say) move it later.

use jiff::civil::Date;

use super::schedule::format_day;
use jiff::ToSpan;
use serde::{Deserialize, Serialize};

use super::text::plain_text;
use crate::error::FieldError;

/// Meetings one case may hold: each is listed before and after its deletion when it closes.
pub const MAX_CASE_MEETINGS: usize = 200;
/// A case "due soon" on the list and the home page, and its first reminder.
pub const DUE_SOON_DAYS: i64 = 7;
/// What ConnectyCube keeps outside this tool, said in every record.
pub const BACKUPS_NOTE: &str = "ConnectyCube's own backups and any copies outside ConnectyCube (downloads, shared links already used) are outside this tool and are not covered by this record.";

/// The legal ground the erasure rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Ground {
    A,
    B,
    C,
    D,
    E,
    F,
    Other,
}

impl Ground {
    pub const ALL: [Self; 7] = [Self::A, Self::B, Self::C, Self::D, Self::E, Self::F, Self::Other];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::A => "Art. 17(1)(a): no longer necessary for its purpose",
            Self::B => "Art. 17(1)(b): consent withdrawn",
            Self::C => "Art. 17(1)(c): objection to processing",
            Self::D => "Art. 17(1)(d): processed unlawfully",
            Self::E => "Art. 17(1)(e): a legal obligation to erase",
            Self::F => "Art. 17(1)(f): a child's data (information society services)",
            Self::Other => "Another law (say which in the note)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CaseState {
    /// Meetings are being gathered; nothing deleted yet.
    Open,
    /// Deletion was requested for its meetings.
    InProgress,
    Done,
    PartlyDone,
    Refused,
}

impl CaseState {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::InProgress => "in progress",
            Self::Done => "done",
            Self::PartlyDone => "partly done",
            Self::Refused => "refused",
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, Self::Done | Self::PartlyDone | Self::Refused)
    }
}

/// A case as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: i64,
    pub reference: String,
    pub ground: Ground,
    pub note: String,
    pub received: Date,
    pub verified: Option<Date>,
    pub due: Date,
    pub extended_to: Option<Date>,
    pub extension_reason: Option<String>,
    pub paused_since_ms: Option<i64>,
    pub pause_reason: Option<String>,
    pub paused_days: i64,
    pub state: CaseState,
    pub refusal_reason: Option<String>,
    pub opened_by: String,
    pub opened_at_ms: i64,
    pub closed_by: Option<String>,
    pub closed_at_ms: Option<i64>,
    pub has_record: bool,
}

/// Where a case stands against its deadline today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseStanding {
    Closed,
    Paused,
    DueIn(i64),
    Overdue(i64),
}

impl CaseStanding {
    /// "due in 12 days", "due today", "overdue by 3 days", "paused".
    pub fn describe(self) -> String {
        let days = |n: i64| if n == 1 { "1 day".to_owned() } else { format!("{n} days") };
        match self {
            Self::Closed => "closed".to_owned(),
            Self::Paused => "paused: the deadline waits".to_owned(),
            Self::DueIn(0) => "due today".to_owned(),
            Self::DueIn(n) => format!("due in {}", days(n)),
            Self::Overdue(n) => format!("overdue by {}", days(n)),
        }
    }

    pub fn is_due_soon(self) -> bool {
        matches!(self, Self::DueIn(n) if n <= DUE_SOON_DAYS)
    }

    pub fn is_overdue(self) -> bool {
        matches!(self, Self::Overdue(_))
    }
}

/// The last day the law allows, received on `received`: one calendar month later.
pub fn one_month_after(received: Date) -> Date {
    received.checked_add(1.month()).unwrap_or(received)
}

/// The most an extension may give: two more months after the first deadline.
pub fn latest_extension(received: Date) -> Date {
    received.checked_add(3.months()).unwrap_or(received)
}

/// The UTC day of a Unix millisecond.
pub fn day_of_ms(ms: i64) -> Date {
    jiff::Timestamp::from_millisecond(ms).map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date()).unwrap_or(Date::ZERO)
}

fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

impl Case {
    /// The deadline now: the extension's day or the due day, moved by the days spent paused.
    pub fn deadline(&self) -> Date {
        let base = self.extended_to.unwrap_or(self.due);
        base.checked_add(self.paused_days.days()).unwrap_or(base)
    }

    pub fn standing(&self, today: Date) -> CaseStanding {
        if self.state.is_closed() {
            return CaseStanding::Closed;
        }
        if self.paused_since_ms.is_some() {
            return CaseStanding::Paused;
        }
        let left = days_between(today, self.deadline());
        if left < 0 { CaseStanding::Overdue(-left) } else { CaseStanding::DueIn(left) }
    }

    pub fn path(&self) -> String {
        format!("/cases/{}", self.id)
    }
}

/// Days paused from `since_ms` to `now_ms`: calendar days (UTC) from the day it was paused to
/// the day it resumed, as a person counts them.
pub fn paused_days(since_ms: i64, now_ms: i64) -> i64 {
    days_between(day_of_ms(since_ms), day_of_ms(now_ms)).max(0)
}

/// A ticket reference: what ties the case to the request that caused it.
pub fn parse_reference(raw: &str) -> Result<String, String> {
    match plain_text(raw) {
        Ok("") => Err("Give the request's reference (its ticket number).".to_owned()),
        Ok(r) if r.chars().count() > 64 => Err("Keep the reference to 64 characters.".to_owned()),
        Ok(r) => Ok(r.to_owned()),
        Err(m) => Err(m),
    }
}

fn parse_day(raw: &str, what: &str) -> Result<Option<Date>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<Date>().map(Some).map_err(|_| format!("{what} is not a date such as 2026-12-07."))
}

fn check<T>(errors: &mut Vec<FieldError>, field: &str, r: Result<T, String>) -> Option<T> {
    r.map_err(|m| errors.push(FieldError::new(field, m))).ok()
}

fn text_of(raw: &str, max: usize, what: &str) -> Result<String, String> {
    let t = plain_text(raw)?;
    if t.chars().count() > max {
        return Err(format!("Keep the {what} to {max} characters."));
    }
    Ok(t.to_owned())
}

/// The form that opens a case, as typed (a field left out reads as empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseForm {
    pub reference: String,
    pub ground: String,
    pub note: String,
    pub received: String,
    pub verified: String,
    /// Optional: an earlier target than the law's (company policy). Empty: one month.
    pub due: String,
}

/// A case to open, every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub reference: String,
    pub ground: Ground,
    pub note: String,
    pub received: Date,
    pub verified: Option<Date>,
    pub due: Date,
}

impl CaseForm {
    /// Every field's problem at once; `today` bounds the dates (nothing received in the future).
    pub fn parse(&self, today: Date) -> Result<NewCase, Vec<FieldError>> {
        let mut errors = Vec::new();
        let reference = check(&mut errors, "reference", parse_reference(&self.reference));
        let ground = check(&mut errors, "ground", self.ground.trim().parse::<Ground>().map_err(|_| "Choose the legal ground.".to_owned()));
        let note = check(&mut errors, "note", text_of(&self.note.replace(['\r', '\n'], " "), 1000, "note"));
        let received = parse_day(&self.received, "The day received")
            .and_then(|d| d.ok_or_else(|| "Give the day the request was received.".to_owned()))
            .and_then(|d| if d > today { Err("The request cannot have been received after today.".to_owned()) } else { Ok(d) });
        let received = check(&mut errors, "received", received);
        let verified = check(&mut errors, "verified", parse_day(&self.verified, "The day identity was verified"));
        let due = check(&mut errors, "due", parse_day(&self.due, "The due day"));
        let (Some(reference), Some(ground), Some(note), Some(received), Some(verified), Some(due)) = (reference, ground, note, received, verified, due) else {
            return Err(errors);
        };
        if verified.is_some_and(|v| v < received) {
            errors.push(FieldError::new("verified", "Identity cannot be verified before the request was received."));
        }
        if verified.is_some_and(|v| v > today) {
            errors.push(FieldError::new("verified", "Identity cannot be verified after today."));
        }
        let law = one_month_after(received);
        let due = match due {
            None => law,
            Some(d) if d < received => {
                errors.push(FieldError::new("due", format!("The due day cannot be before the day received ({}).", format_day(received))));
                law
            }
            Some(d) if d > law => {
                errors.push(FieldError::new("due", format!("The law gives one month: due by {} at the latest. Extend the case once it is open, with reasons.", format_day(law))));
                law
            }
            Some(d) => d,
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewCase { reference, ground, note, received, verified, due })
    }
}

/// The one extension: to a day after the deadline, at most two months after the first one, and
/// decided within the first month (the requester is told, with reasons, before it ends).
pub fn parse_extension(case: &Case, to: &str, reason: &str, today: Date) -> Result<(Date, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    if case.extended_to.is_some() {
        errors.push(FieldError::new("to", format!("The case was extended already (to {}); the law allows one extension.", format_day(case.extended_to.unwrap_or(case.due)))));
        return Err(errors);
    }
    if today > case.deadline() {
        errors.push(FieldError::new("to", format!("An extension is decided within the first month, by {}; that day has passed.", format_day(case.deadline()))));
        return Err(errors);
    }
    let to = match parse_day(to, "The new due day") {
        Ok(Some(d)) if d <= case.due => {
            errors.push(FieldError::new("to", format!("Extend to a day after the current due day ({}).", format_day(case.due))));
            None
        }
        Ok(Some(d)) if d > latest_extension(case.received) => {
            errors.push(FieldError::new("to", format!("An extension gives two more months at most: {} at the latest.", format_day(latest_extension(case.received)))));
            None
        }
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push(FieldError::new("to", "Give the new due day."));
            None
        }
        Err(m) => {
            errors.push(FieldError::new("to", m));
            None
        }
    };
    let reason = match super::legal_hold::required_reason(reason) {
        Ok(r) => Some(r),
        Err(m) => {
            errors.push(FieldError::new("reason", m));
            None
        }
    };
    match (to, reason) {
        (Some(to), Some(reason)) if errors.is_empty() => Ok((to, reason)),
        _ => Err(errors),
    }
}

/// Which cases a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CaseFilter {
    #[default]
    Open,
    DueSoon,
    Overdue,
    Closed,
    All,
}

impl CaseFilter {
    pub const ALL: [Self; 5] = [Self::Open, Self::DueSoon, Self::Overdue, Self::Closed, Self::All];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::DueSoon => "Due within 7 days",
            Self::Overdue => "Overdue",
            Self::Closed => "Closed",
            Self::All => "All",
        }
    }

    pub fn admits(self, c: &Case, today: Date) -> bool {
        let s = c.standing(today);
        match self {
            Self::Open => !c.state.is_closed(),
            Self::DueSoon => s.is_due_soon(),
            Self::Overdue => s.is_overdue(),
            Self::Closed => c.state.is_closed(),
            Self::All => true,
        }
    }
}

/// A recording as a case's record lists it: never its link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedRecording {
    pub id: String,
    pub created_unix: Option<i64>,
    pub size_bytes: u64,
    pub duration_ms: u64,
}

impl ListedRecording {
    /// As the vendor listed it: an id that is not one (text from outside) is shown spelled out,
    /// never as it came.
    pub fn of<R: super::Measured>(r: &R) -> Self {
        let id = match super::RecordingId::parse(r.recording_id()) {
            Ok(id) => id.as_str().to_owned(),
            Err(_) => format!("(not a recording id: {})", super::text::visible(r.recording_id(), 40)),
        };
        Self { id, created_unix: r.created_unix(), size_bytes: r.size_bytes(), duration_ms: r.duration_ms() }
    }

    pub fn all<R: super::Measured>(rs: &[R]) -> Vec<Self> {
        rs.iter().map(Self::of).collect()
    }
}

/// One meeting of a case, with how its deletion went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseMeeting {
    pub meeting_id: super::MeetingId,
    pub added_by: String,
    pub added_at_ms: i64,
    pub source: String,
    /// The latest of the case's batches it went in, and how it stands there.
    pub batch_id: Option<i64>,
    pub result: Option<super::ItemResult>,
    /// Recordings left when the case closed (`None` until then).
    pub left_after: Option<usize>,
}

/// A case with its meetings, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    pub case: Case,
    pub meetings: Vec<CaseMeeting>,
    pub today: Date,
    /// Deletion requests of the case's meetings not finished yet: the case cannot close.
    pub running: usize,
    /// Meetings not yet in a deletion batch.
    pub unrequested: usize,
}

impl CaseView {
    /// What changes as its deletions go on: each meeting's result, in one line (a page compares
    /// it as text, to reload when it moves).
    pub fn progress_key(&self) -> String {
        let mut key = format!("{}:{}", self.case.state.as_str(), self.running);
        for m in &self.meetings {
            key.push(' ');
            key.push_str(m.result.as_ref().map(|r| r.key()).unwrap_or("-"));
        }
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn case(received: Date) -> Case {
        Case {
            id: 1,
            reference: "ZD-1".into(),
            ground: Ground::A,
            note: String::new(),
            received,
            verified: None,
            due: one_month_after(received),
            extended_to: None,
            extension_reason: None,
            paused_since_ms: None,
            pause_reason: None,
            paused_days: 0,
            state: CaseState::Open,
            refusal_reason: None,
            opened_by: "ada".into(),
            opened_at_ms: 0,
            closed_by: None,
            closed_at_ms: None,
            has_record: false,
        }
    }

    #[test]
    fn one_calendar_month_with_the_end_of_a_short_month() {
        assert_eq!(one_month_after(date(2026, 1, 3)), date(2026, 2, 3));
        assert_eq!(one_month_after(date(2026, 1, 31)), date(2026, 2, 28));
        assert_eq!(one_month_after(date(2028, 1, 31)), date(2028, 2, 29));
        assert_eq!(latest_extension(date(2026, 1, 31)), date(2026, 4, 30));
    }

    #[test]
    fn the_deadline_counts_down_pauses_and_extends() {
        let mut c = case(date(2026, 11, 10));
        assert_eq!(c.standing(date(2026, 12, 3)), CaseStanding::DueIn(7));
        assert!(c.standing(date(2026, 12, 3)).is_due_soon());
        assert_eq!(c.standing(date(2026, 12, 10)).describe(), "due today");
        assert_eq!(c.standing(date(2026, 12, 13)).describe(), "overdue by 3 days");
        c.paused_days = 4;
        assert_eq!(c.deadline(), date(2026, 12, 14));
        c.paused_since_ms = Some(1);
        assert_eq!(c.standing(date(2027, 3, 1)), CaseStanding::Paused);
        c.paused_since_ms = None;
        c.extended_to = Some(date(2027, 1, 10));
        assert_eq!(c.deadline(), date(2027, 1, 14));
        c.state = CaseState::Done;
        assert_eq!(c.standing(date(2027, 3, 1)), CaseStanding::Closed);
        assert_eq!(paused_days(0, 1), 0);
        assert_eq!(paused_days(86_399_999, 86_400_000), 1);
        assert_eq!(paused_days(0, 10 * 86_400_000 + 5), 10);
    }

    #[test]
    fn the_form_names_every_bad_field() {
        let today = date(2026, 12, 7);
        let form = CaseForm { reference: "ZD-\u{7}1".into(), ground: "z".into(), received: "2026-12-08".into(), ..Default::default() };
        let errs = form.parse(today).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["reference", "ground", "received"]);
        let form = CaseForm { reference: "ZD-1".into(), ground: "a".into(), received: "2026-12-01".into(), due: "2026-11-30".into(), verified: "2026-11-30".into(), ..Default::default() };
        let errs = form.parse(today).unwrap_err();
        assert!(errs.iter().any(|e| e.field == "due" && e.message.contains("before the day received")), "{errs:?}");
        assert!(errs.iter().any(|e| e.field == "verified"), "{errs:?}");
        let form = CaseForm { reference: "ZD-1".into(), ground: "a".into(), received: "2026-12-01".into(), due: "2027-01-02".into(), ..Default::default() };
        assert!(form.parse(today).unwrap_err()[0].message.contains("1 Jan 2027"));
        let ok = CaseForm { reference: " ZD-1 ".into(), ground: "other".into(), received: "2026-12-01".into(), note: "UK DPA".into(), ..Default::default() }.parse(today).unwrap();
        assert_eq!((ok.reference.as_str(), ok.due), ("ZD-1", date(2027, 1, 1)));
    }

    #[test]
    fn one_extension_of_two_months_at_most() {
        let c = case(date(2026, 12, 1));
        let today = date(2026, 12, 20);
        assert!(parse_extension(&c, "2027-03-02", "complex", today).unwrap_err()[0].message.contains("1 Mar 2027"));
        assert!(parse_extension(&c, "2026-12-20", "complex", today).unwrap_err()[0].message.contains("after the current due day"));
        assert!(parse_extension(&c, "2027-02-01", "", today).unwrap_err()[0].field == "reason");
        assert_eq!(parse_extension(&c, "2027-03-01", "many systems", today).unwrap().0, date(2027, 3, 1));
        assert!(parse_extension(&c, "2027-02-01", "late", date(2027, 1, 2)).unwrap_err()[0].message.contains("within the first month"));
        let extended = Case { extended_to: Some(date(2027, 2, 1)), ..c };
        assert!(parse_extension(&extended, "2027-03-01", "again", today).unwrap_err()[0].message.contains("one extension"));
    }
}
