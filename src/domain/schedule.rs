//! Wall-clock times in a named zone, resolved to Unix seconds with daylight saving applied.

use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::Timestamp;

/// An IANA zone name that exists in the bundled database.
#[derive(Debug, Clone)]
pub struct Zone {
    name: String,
    tz: TimeZone,
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
        let tz = jiff::tz::db().get(name).map_err(|_| format!("'{name}' is not a time zone name such as Europe/Riga or UTC."))?;
        // The database's own spelling, e.g. "europe/riga" becomes "Europe/Riga".
        let name = tz.iana_name().unwrap_or(name).to_owned();
        Ok(Self { name, tz })
    }

    pub fn utc() -> Self {
        Self { name: "UTC".into(), tz: TimeZone::UTC }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The offset from UTC in minutes at that instant (daylight saving included).
    pub fn offset_minutes_at(&self, unix: i64) -> i32 {
        Timestamp::from_second(unix).map(|t| self.tz.to_offset(t).seconds() / 60).unwrap_or(0)
    }

    /// `2026-03-29 03:30` style text for that instant in this zone, with the zone's abbreviation.
    pub fn format(&self, unix: i64) -> String {
        match Timestamp::from_second(unix) {
            Ok(t) => t.to_zoned(self.tz.clone()).strftime("%Y-%m-%d %H:%M %Z").to_string(),
            Err(_) => unix.to_string(),
        }
    }

    /// Resolves a wall-clock time. A time the clocks skip over does not exist, so it is refused
    /// with an explanation; a time that happens twice (clocks going back) takes the first one.
    pub fn resolve(&self, local: LocalDateTime) -> Result<i64, String> {
        let amb = self.tz.to_ambiguous_zoned(local.0);
        match amb.offset() {
            AmbiguousOffset::Gap { .. } => Err(format!(
                "{} does not exist in {}: the clocks skip that hour for daylight saving. Choose another time.",
                local.display(),
                self.name
            )),
            _ => amb
                .compatible()
                .map(|z| z.timestamp().as_second())
                .map_err(|_| format!("{} cannot be placed in {}; choose another time.", local.display(), self.name)),
        }
    }
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
        let dt = s
            .replacen(' ', "T", 1)
            .parse::<DateTime>()
            .map_err(|_| format!("'{s}' is not a date and time such as 2026-05-04T09:30."))?;
        // ConnectyCube counts time in seconds from 1970 (earlier would be sent as a negative
        // number); the upper end is checked against today by `MeetingForm`, this only keeps
        // jiff's own range errors out of the message.
        match dt.year() {
            ..1970 => Err("Choose a date in 1970 or later.".into()),
            9000.. => Err(format!("Choose a date within {} years from now.", crate::domain::MAX_YEARS_AHEAD)),
            _ => Ok(Self(dt)),
        }
    }

    pub fn display(&self) -> String {
        self.0.strftime("%Y-%m-%d %H:%M").to_string()
    }

    /// The value an `<input type="datetime-local">` takes.
    pub fn input_value(&self) -> String {
        self.0.strftime("%Y-%m-%dT%H:%M").to_string()
    }

    /// The wall-clock time of `unix` in `zone`.
    pub fn of(unix: i64, zone: &Zone) -> Option<Self> {
        Timestamp::from_second(unix).ok().map(|t| Self(t.to_zoned(zone.tz.clone()).datetime()))
    }
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
        assert_eq!(at("2026-05-04 09:30:15").display(), "2026-05-04 09:30");
        assert!(LocalDateTime::parse("04/05/2026").is_err());
        assert!(LocalDateTime::parse("2026-02-30T10:00").is_err());
        let riga = Zone::parse("Europe/Riga").unwrap();
        assert_eq!(riga.format(1_784_098_800), "2026-07-15 10:00 EEST");
        assert_eq!(LocalDateTime::of(1_784_098_800, &riga).unwrap().input_value(), "2026-07-15T10:00");
    }
}
