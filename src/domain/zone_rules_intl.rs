//! Zone rules from the browser's own `Intl`, so the wasm bundle carries no zone database.

use jiff::civil::DateTime;

use crate::domain::civil_time::{days_from_civil, utc_parts};
use js_sys::{Array, Date, Intl, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::Placed;

#[derive(Debug, Clone)]
pub enum Rules {
    Utc,
    Intl {
        /// Wall-clock parts in the zone (24-hour).
        parts: Intl::DateTimeFormat,
        /// The zone's short name at an instant ("EEST", or "GMT+3" where none is in use).
        label: Intl::DateTimeFormat,
    },
}

/// `new Intl.DateTimeFormat("en-GB", options)`, or None when the browser refuses the zone
/// (the constructor throws a RangeError for an unknown one).
fn format_for(zone: &str, fields: &[(&str, &str)]) -> Option<Intl::DateTimeFormat> {
    let options = Object::new();
    Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
    for (k, v) in fields {
        Reflect::set(&options, &(*k).into(), &(*v).into()).ok()?;
    }
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let ctor = Reflect::get(&intl, &"DateTimeFormat".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    let args = Array::of2(&"en-GB".into(), &options);
    Reflect::construct(&ctor, &args).ok().map(JsValue::unchecked_into)
}

fn date(unix: i64) -> Date {
    Date::new(&JsValue::from_f64(unix as f64 * 1000.0))
}

/// Two days either side of a moment hold at most one transition in any zone in use.
const NEAR: i64 = 2 * 86_400;

impl Rules {
    pub fn find(name: &str) -> Option<(String, Self)> {
        let parts = format_for(
            name,
            &[("hourCycle", "h23"), ("year", "numeric"), ("month", "numeric"), ("day", "numeric"), ("hour", "numeric"), ("minute", "numeric"), ("second", "numeric")],
        )?;
        let canonical = Reflect::get(&parts.resolved_options(), &"timeZone".into()).ok()?.as_string()?;
        let label = format_for(name, &[("timeZoneName", "short")])?;
        Some((canonical, Self::Intl { parts, label }))
    }

    pub fn utc() -> Self {
        Self::Utc
    }

    pub fn wall(&self, unix: i64) -> Option<DateTime> {
        let Self::Intl { parts, .. } = self else {
            let p = utc_parts(unix);
            return DateTime::new(i16::try_from(p.year).ok()?, p.month as i8, p.day as i8, p.hour as i8, p.minute as i8, p.second as i8, 0).ok();
        };
        let (mut y, mut mo, mut d, mut h, mut mi, mut s) = (0i64, 0i64, 0i64, 0i64, 0i64, 0i64);
        for part in parts.format_to_parts(&date(unix)).iter() {
            let kind = Reflect::get(&part, &"type".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
            let value: i64 = Reflect::get(&part, &"value".into()).ok().and_then(|v| v.as_string()).and_then(|v| v.parse().ok()).unwrap_or(0);
            match kind.as_str() {
                "year" => y = value,
                "month" => mo = value,
                "day" => d = value,
                "hour" => h = value,
                "minute" => mi = value,
                "second" => s = value,
                _ => {}
            }
        }
        DateTime::new(y as i16, mo as i8, d as i8, h as i8, mi as i8, s as i8, 0).ok()
    }

    pub fn offset_seconds(&self, unix: i64) -> i32 {
        self.wall(unix).and_then(as_utc_seconds).map(|w| (w - unix) as i32).unwrap_or(0)
    }

    /// The zone's short name at that instant ("EEST", or "GMT+3" where none is in use).
    pub fn abbreviation(&self, unix: i64) -> String {
        match self {
            Self::Utc => "UTC".to_owned(),
            Self::Intl { label, .. } => label
                .format_to_parts(&date(unix))
                .iter()
                .find(|p| Reflect::get(p, &"type".into()).ok().and_then(|v| v.as_string()).as_deref() == Some("timeZoneName"))
                .and_then(|p| Reflect::get(&p, &"value".into()).ok())
                .and_then(|v| v.as_string())
                .unwrap_or_default(),
        }
    }

    /// Tries the offsets in force two days before and after: each candidate that shows the same
    /// wall-clock time is a real one; none means the time was skipped, two means it repeats
    /// (the earlier is taken, as on the server).
    pub(super) fn place(&self, local: DateTime) -> Placed {
        let Some(as_utc) = as_utc_seconds(local) else { return Placed::Invalid };
        let mut found: Option<i64> = None;
        for probe in [as_utc - NEAR, as_utc + NEAR] {
            let candidate = as_utc - i64::from(self.offset_seconds(probe));
            if self.wall(candidate) == Some(local) {
                found = Some(found.map_or(candidate, |f| f.min(candidate)));
            }
        }
        found.map_or(Placed::Skipped, Placed::At)
    }
}

/// Plain calendar arithmetic (`civil_time`), so jiff's time zone machinery stays off the bundle.
fn as_utc_seconds(wall: DateTime) -> Option<i64> {
    let days = days_from_civil(i64::from(wall.year()), wall.month() as u32, wall.day() as u32);
    Some(days * 86_400 + i64::from(wall.hour()) * 3600 + i64::from(wall.minute()) * 60 + i64::from(wall.second()))
}
