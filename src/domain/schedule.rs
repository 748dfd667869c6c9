//! Wall-clock times in a named zone, resolved to Unix seconds with daylight saving applied.
//!
//! The server reads zone rules from the database compiled into it (jiff); the browser asks its
//! own `Intl` instead, so the wasm bundle carries no zone database.

use jiff::civil::DateTime;

use super::civil_time::{push_day, push_shown, utc_parts, UtcParts};
#[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
#[path = "zone_rules_tzdb.rs"]
mod rules;
#[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
#[path = "zone_rules_intl.rs"]
mod rules;

/// How far ahead a meeting may be planned. Meetings are booked weeks or months ahead; five years
/// leaves room for any real plan and still catches a mistyped year (2062 for 2026).
pub const MAX_YEARS_AHEAD: i64 = 5;

/// Where a wall-clock time falls in a zone.
enum Placed {
    At(i64),
    /// The clocks skip over it (daylight saving starts).
    Skipped,
    /// Outside what can be represented.
    Invalid,
}

/// An IANA zone name that the zone rules know.
#[derive(Debug, Clone)]
pub struct Zone {
    name: String,
    rules: rules::Rules,
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for Zone {}

impl Zone {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("Choose a time zone.".into());
        }
        // The rules' own spelling, e.g. "europe/riga" becomes "Europe/Riga".
        let (name, rules) = rules::Rules::find(name).ok_or_else(|| format!("'{name}' is not a time zone name such as Europe/Riga or UTC."))?;
        Ok(Self { name, rules })
    }

    pub fn utc() -> Self {
        Self { name: "UTC".into(), rules: rules::Rules::utc() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The offset from UTC in minutes at that instant (daylight saving included).
    pub fn offset_minutes_at(&self, unix: i64) -> i32 {
        self.rules.offset_seconds(unix) / 60
    }

    /// That instant in this zone, in the one format: `29 Mar 2026, 03:30 EEST`.
    pub fn format(&self, unix: i64) -> String {
        let mut out = String::with_capacity(24);
        self.push(&mut out, unix, false);
        out
    }

    /// `format`, written onto `out`, to the second if `seconds`.
    pub fn push(&self, out: &mut String, unix: i64, seconds: bool) {
        if self.name == "UTC" {
            // The common case without a JavaScript-set zone: no zone lookup per row.
            return push_shown(out, &utc_parts(unix), "UTC", seconds);
        }
        match self.rules.wall(unix) {
            Some(w) => push_shown(out, &wall_of(w), &self.rules.abbreviation(unix), seconds),
            None => push_shown(out, &utc_parts(unix), "UTC", seconds),
        }
    }

    /// Resolves a wall-clock time. A time the clocks skip over does not exist, so it is refused
    /// with an explanation; a time that happens twice (clocks going back) takes the first one.
    pub fn resolve(&self, local: LocalDateTime) -> Result<i64, String> {
        match self.rules.place(local.0) {
            Placed::At(unix) => Ok(unix),
            Placed::Skipped => Err(format!(
                "{} does not exist in {}: the clocks skip that hour for daylight saving. Choose another time.",
                local.display(),
                self.name
            )),
            Placed::Invalid => Err(format!("{} cannot be placed in {}; choose another time.", local.display(), self.name)),
        }
    }
}

/// A calendar day in the one format's words: `20 Dec 2026`.
pub fn format_day(d: jiff::civil::Date) -> String {
    let mut out = String::with_capacity(11);
    push_day(&mut out, &wall_of(d.to_datetime(jiff::civil::Time::midnight())));
    out
}

fn wall_of(d: DateTime) -> UtcParts {
    UtcParts { year: i64::from(d.year()), month: d.month() as u32, day: d.day() as u32, hour: d.hour() as u32, minute: d.minute() as u32, second: d.second() as u32 }
}

/// A date and time as typed into `<input type="datetime-local">`: `YYYY-MM-DDTHH:MM[:SS]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDateTime(DateTime);

impl LocalDateTime {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Enter a date and time.".into());
        }
        let dt = parse_civil(s).ok_or_else(|| format!("'{s}' is not a date and time such as 2026-05-04T09:30."))?;
        // ConnectyCube counts time in seconds from 1970 (earlier would be sent as a negative
        // number); the upper end is checked against today by `MeetingForm`.
        match dt.year() {
            ..1970 => Err("Choose a date in 1970 or later.".into()),
            9000.. => Err(format!("Choose a date within {} years from now.", MAX_YEARS_AHEAD)),
            _ => Ok(Self(dt)),
        }
    }

    /// In the one format, without a zone: `29 Mar 2026, 03:30`.
    pub fn display(&self) -> String {
        let mut out = String::with_capacity(18);
        push_shown(&mut out, &wall_of(self.0), "", false);
        out
    }

    /// The value an `<input type="datetime-local">` takes.
    pub fn input_value(&self) -> String {
        let d = self.0;
        format!("{:04}-{:02}-{:02}T{:02}:{:02}", d.year(), d.month(), d.day(), d.hour(), d.minute())
    }

    /// The wall-clock time of `unix` in `zone`.
    pub fn of(unix: i64, zone: &Zone) -> Option<Self> {
        zone.rules.wall(unix).map(Self)
    }
}

/// `YYYY-MM-DDTHH:MM`, with optional seconds (and a fraction, ignored) and a space allowed for
/// the `T`: what a `datetime-local` input sends. Parsed by hand rather than by jiff's general
/// parser, which would be most of the browser's share of jiff.
fn parse_civil(s: &str) -> Option<DateTime> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        part.iter().all(u8::is_ascii_digit).then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' {
        return None;
    }
    let second = match b.len() {
        16 => 0,
        _ if b[16] == b':' && (b.len() == 19 || (b.len() > 20 && b[19] == b'.' && b[20..].iter().all(u8::is_ascii_digit))) => num(17, 2)?,
        _ => return None,
    };
    let (y, mo, d, h, mi) = (num(0, 4)?, num(5, 2)?, num(8, 2)?, num(11, 2)?, num(14, 2)?);
    DateTime::new(y as i16, mo as i8, d as i8, h as i8, mi as i8, second as i8, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> LocalDateTime {
        LocalDateTime::parse(s).unwrap()
    }

    #[test]
    fn zones_are_checked_and_named_canonically() {
        assert_eq!(Zone::parse("Europe/Riga").unwrap().name(), "Europe/Riga");
        assert_eq!(Zone::parse(" europe/riga ").unwrap().name(), "Europe/Riga");
        assert!(Zone::parse("Mars/Olympus").unwrap_err().contains("not a time zone"));
        assert!(Zone::parse("").is_err());
    }

    #[test]
    fn resolves_with_daylight_saving() {
        let riga = Zone::parse("Europe/Riga").unwrap();
        // Winter: UTC+2. Summer: UTC+3.
        let winter = riga.resolve(at("2026-01-15T10:00")).unwrap();
        assert_eq!(winter, 1_768_464_000); // 2026-01-15T08:00:00Z
        assert_eq!(riga.offset_minutes_at(winter), 120);
        let summer = riga.resolve(at("2026-07-15T10:00")).unwrap();
        assert_eq!(summer, 1_784_098_800); // 2026-07-15T07:00:00Z
        assert_eq!(riga.offset_minutes_at(summer), 180);
        let ny = Zone::parse("America/New_York").unwrap();
        assert_eq!(ny.offset_minutes_at(ny.resolve(at("2026-01-15T10:00")).unwrap()), -300);
        assert_eq!(Zone::utc().resolve(at("1970-01-01T00:01")).unwrap(), 60);
    }

    #[test]
    fn a_skipped_hour_is_refused_and_a_repeated_hour_takes_the_first() {
        let riga = Zone::parse("Europe/Riga").unwrap();
        // 2026-03-29 03:00 -> 04:00 in Riga.
        let e = riga.resolve(at("2026-03-29T03:30")).unwrap_err();
        assert!(e.contains("does not exist in Europe/Riga"), "{e}");
        // 2026-10-25 04:00 -> 03:00: 03:30 happens twice; the first is still UTC+3.
        let t = riga.resolve(at("2026-10-25T03:30")).unwrap();
        assert_eq!(riga.offset_minutes_at(t), 180);
    }

    #[test]
    fn local_inputs() {
        assert_eq!(at("2026-05-04T09:30").input_value(), "2026-05-04T09:30");
        assert_eq!(at("2026-05-04 09:30:15").display(), "4 May 2026, 09:30");
        assert!(LocalDateTime::parse("04/05/2026").is_err());
        assert!(LocalDateTime::parse("2026-02-30T10:00").is_err());
        assert!(LocalDateTime::parse("2026-05-04T24:00").is_err());
        assert!(LocalDateTime::parse("2026-05-04T09:30:15.250").is_ok());
        assert!(LocalDateTime::parse("2026-05-04T09:3").is_err());
        assert!(LocalDateTime::parse("2026-05-04T09:30x").is_err());
        assert!(LocalDateTime::parse("+026-05-04T09:30").is_err());
        assert_eq!(LocalDateTime::parse("1969-12-31T23:59").unwrap_err(), "Choose a date in 1970 or later.");
        let riga = Zone::parse("Europe/Riga").unwrap();
        assert_eq!(riga.format(1_784_098_800), "15 Jul 2026, 10:00 EEST");
        assert_eq!(Zone::utc().format(1_784_098_800), "15 Jul 2026, 07:00 UTC");
        let mut s = String::new();
        riga.push(&mut s, 1_784_098_805, true);
        assert_eq!(s, "15 Jul 2026, 10:00:05 EEST");
        assert_eq!(LocalDateTime::of(1_784_098_800, &riga).unwrap().input_value(), "2026-07-15T10:00");
        assert_eq!(format_day(jiff::civil::date(2026, 12, 20)), "20 Dec 2026");
        assert_eq!(format_day(jiff::civil::date(2027, 1, 5)), "5 Jan 2027");
    }
}
