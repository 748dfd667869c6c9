//! Zone rules from the database compiled into the server (jiff's bundle).

use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::Timestamp;

use super::Placed;

#[derive(Debug, Clone)]
pub struct Rules(TimeZone);

impl Rules {
    /// The zone and its canonical name, if the database has it.
    pub fn find(name: &str) -> Option<(String, Self)> {
        let tz = jiff::tz::db().get(name).ok()?;
        let canonical = tz.iana_name().unwrap_or(name).to_owned();
        Some((canonical, Self(tz)))
    }

    pub fn utc() -> Self {
        Self(TimeZone::UTC)
    }

    pub fn offset_seconds(&self, unix: i64) -> i32 {
        Timestamp::from_second(unix).map(|t| self.0.to_offset(t).seconds()).unwrap_or(0)
    }

    /// The zone's short name at that instant ("EEST"; "+03" where the database has none).
    pub fn abbreviation(&self, unix: i64) -> String {
        Timestamp::from_second(unix).map(|t| self.0.to_offset_info(t).abbreviation().to_owned()).unwrap_or_default()
    }

    pub fn wall(&self, unix: i64) -> Option<DateTime> {
        Timestamp::from_second(unix).ok().map(|t| t.to_zoned(self.0.clone()).datetime())
    }

    pub(super) fn place(&self, local: DateTime) -> Placed {
        let amb = self.0.to_ambiguous_zoned(local);
        match amb.offset() {
            AmbiguousOffset::Gap { .. } => Placed::Skipped,
            _ => amb.compatible().map(|z| Placed::At(z.timestamp().as_second())).unwrap_or(Placed::Invalid),
        }
    }
}
