//! Just enough calendar arithmetic for the vendor's timestamps (ISO-8601 UTC strings and S3's
//! `X-Amz-Date`), so the wasm bundle does not carry a date library for it.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn to_unix(y: u32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<i64> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(i64::from(y), mo, d);
    // Reject dates such as 02-31 that the arithmetic would silently roll over.
    if civil_from_days(days) != (i64::from(y), mo, d) {
        return None;
    }
    Some(days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s))
}

/// `2025-12-05T13:56:42Z` (optionally with fractional seconds) into Unix seconds.
pub fn parse_iso8601_utc(s: &str) -> Option<i64> {
    fixed_width(s.as_bytes()).unwrap_or_else(|| parse_any_width(s))
}

/// The vendor's own spelling, read by position: every view of a page reads its rows' dates, and
/// splitting the text apart was most of that. `None` when it is spelled any other way (then
/// `parse_any_width` decides); otherwise the answer `parse_any_width` gives.
fn fixed_width(b: &[u8]) -> Option<Option<i64>> {
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    // After the seconds: the zone alone, or a fraction (which is not read) and then the zone.
    let tail = &b[19..];
    let zoned = |t: &[u8]| t.ends_with(b"Z") || t.ends_with(b"+00:00");
    if !(tail == b"Z" || tail == b"+00:00" || (tail[0] == b'.' && zoned(tail))) {
        return None;
    }
    let n = |at: usize, len: usize| -> Option<u32> {
        b[at..at + len].iter().try_fold(0, |acc, &d| d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0')))
    };
    let parts = (n(0, 4), n(5, 2), n(8, 2), n(11, 2), n(14, 2), n(17, 2));
    let (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(se)) = parts else { return None };
    Some(to_unix(y, mo, d, h, mi, se))
}

fn parse_any_width(s: &str) -> Option<i64> {
    let s = s.strip_suffix('Z').or_else(|| s.strip_suffix("+00:00"))?;
    let (date, time) = s.split_once('T')?;
    let time = time.split('.').next()?;
    let mut d = date.split('-');
    let mut t = time.split(':');
    let (y, mo, da) = (num(d.next()?)?, num(d.next()?)?, num(d.next()?)?);
    let (h, mi, se) = (num(t.next()?)?, num(t.next()?)?, num(t.next()?)?);
    if d.next().is_some() || t.next().is_some() {
        return None;
    }
    to_unix(y, mo, da, h, mi, se)
}

/// S3's basic format `20251205T140817Z` into Unix seconds.
pub fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let f = |r: std::ops::Range<usize>| num(&s[r]);
    to_unix(f(0..4)?, f(4..6)?, f(6..8)?, f(9..11)?, f(11..13)?, f(13..15)?)
}

/// Unix seconds as the UTC calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UtcParts {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

pub(crate) fn utc_parts(unix: i64) -> UtcParts {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    let t = unix.rem_euclid(86_400) as u32;
    UtcParts { year, month, day, hour: t / 3600, minute: (t % 3600) / 60, second: t % 60 }
}

/// Unix milliseconds as `25 Nov 2026, 10:31:07 UTC`: the one format, to the second (tooltips,
/// and texts written once for everyone, such as a legal hold's description).
pub fn format_utc_ms(ms: i64) -> String {
    let mut out = String::with_capacity(24);
    push_shown(&mut out, &utc_parts(ms.div_euclid(1000)), "UTC", true);
    out
}

/// Unix milliseconds as `2026-11-25T10:31:07.123Z`, for machines.
pub fn format_rfc3339_ms(ms: i64) -> String {
    let UtcParts { year, month, day, hour, minute, second } = utc_parts(ms.div_euclid(1000));
    let milli = ms.rem_euclid(1000);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{milli:03}Z")
}

/// Unix seconds as `5 Dec 2025, 13:56 UTC`.
pub fn format_utc(unix: i64) -> String {
    let mut out = String::with_capacity(22);
    push_utc(&mut out, unix);
    out
}

/// `format_utc`, written onto `out`.
pub fn push_utc(out: &mut String, unix: i64) {
    push_shown(out, &utc_parts(unix), "UTC", false);
}

/// The UTC day of `unix` in the one format's words: `5 Dec 2025`.
pub fn format_utc_day(unix: i64) -> String {
    let mut out = String::with_capacity(11);
    push_day(&mut out, &utc_parts(unix));
    out
}

/// A day on its own, as `push_shown` writes it: `7 Dec 2026`.
pub(crate) fn push_day(out: &mut String, wall: &UtcParts) {
    push_num(out, i64::from(wall.day));
    out.push(' ');
    out.push_str(MONTHS[(wall.month.clamp(1, 12) - 1) as usize]);
    out.push(' ');
    push_num(out, wall.year);
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The one way a moment is written for people, in every zone: `7 Dec 2026, 14:20 CET` (with
/// `:SS` after the minutes when `seconds`). Unambiguous in every locale, unlike 07/12; digit by
/// digit, since a page of recordings writes fifty and `format!` was a tenth of rendering it.
pub(crate) fn push_shown(out: &mut String, wall: &UtcParts, zone: &str, seconds: bool) {
    push_day(out, wall);
    out.push_str(", ");
    push_2(out, wall.hour);
    out.push(':');
    push_2(out, wall.minute);
    if seconds {
        out.push(':');
        push_2(out, wall.second);
    }
    if !zone.is_empty() {
        out.push(' ');
        out.push_str(zone);
    }
}

fn push_num(out: &mut String, n: i64) {
    if (0..100).contains(&n) && n >= 10 {
        push_2(out, n as u32);
    } else if (0..10).contains(&n) {
        out.push(char::from(b'0' + n as u8));
    } else {
        out.push_str(itoa::Buffer::new().format(n));
    }
}

/// `n` (below 100) as two digits.
pub(crate) fn push_2(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_vendor_timestamps() {
        assert_eq!(parse_iso8601_utc("2025-12-05T13:56:42Z"), Some(1_764_943_002));
        assert_eq!(parse_iso8601_utc("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_iso8601_utc("2024-02-29T12:00:00.123Z"), Some(1_709_208_000));
        assert_eq!(parse_amz_date("20251205T140817Z"), Some(1_764_943_697));
    }

    #[test]
    fn rejects_malformed_timestamps() {
        for bad in ["", "2025-12-05", "2025-13-05T00:00:00Z", "2025-02-30T00:00:00Z", "2025-12-05T13:56:42", "x025-12-05T13:56:42Z", "2025-12-05T13:56:42:1Z"] {
            assert_eq!(parse_iso8601_utc(bad), None, "{bad}");
        }
        for bad in ["", "20251205140817Z", "20251205T140817", "2025120XT140817Z", "20251205T250817Z"] {
            assert_eq!(parse_amz_date(bad), None, "{bad}");
        }
    }

    /// Read by position or split apart, a timestamp means the same, whatever is around it.
    #[test]
    fn fixed_width_reads_as_any_width() {
        let dates = ["2025-12-05", "1970-01-01", "2024-02-29", "2025-02-29", "0000-01-01", "9999-12-31", "2025-13-05", "2025-00-10", "2025-1a-05", "20x5-12-05"];
        let times = ["13:56:42", "00:00:00", "23:59:60", "24:00:00", "12:60:00", "1a:00:00"];
        let tails = ["Z", "+00:00", ".1Z", ".123456+00:00", ".Z", ".x+00:00", "", "z", "+01:00", ".5", "ZZ", "Z ", "+00:00Z", ".5+00:00Z"];
        for date in dates {
            for time in times {
                for tail in tails {
                    let s = format!("{date}T{time}{tail}");
                    assert_eq!(parse_iso8601_utc(&s), parse_any_width(&s), "{s}");
                    if let Some(fixed) = fixed_width(s.as_bytes()) {
                        assert_eq!(fixed, parse_any_width(&s), "{s}");
                    }
                }
            }
        }
        assert!(fixed_width(b"2025-12-05T13:56:42.123Z").is_some(), "the vendor's spelling is read by position");
        assert_eq!(parse_iso8601_utc("2025-1-5T1:2:3Z"), Some(1_736_038_923), "other widths still read");
    }

    #[test]
    fn formats_round_trip() {
        assert_eq!(format_utc(1_764_943_002), "5 Dec 2025, 13:56 UTC");
        assert_eq!(format_utc(0), "1 Jan 1970, 00:00 UTC");
        assert_eq!(format_utc_day(1_764_943_002), "5 Dec 2025");
        assert_eq!(format_utc_ms(1_764_943_002_999), "5 Dec 2025, 13:56:42 UTC");
        assert_eq!(format_rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(utc_parts(1_764_943_002), UtcParts { year: 2025, month: 12, day: 5, hour: 13, minute: 56, second: 42 });
        for days in [-1000_i64, 0, 365, 19_000, 60_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    /// The digit-by-digit writer says what `format!` would, over a spread of moments including
    /// years of one to five digits and before 1970.
    #[test]
    fn utc_written_digit_by_digit_reads_as_formatted() {
        for unix in [-62_200_000_000_i64, -86_401, -1, 0, 59, 3_599, 951_782_400, 1_764_943_002, 4_102_444_799, 253_402_300_800] {
            let UtcParts { year, month, day, hour, minute, .. } = utc_parts(unix);
            let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][month as usize - 1];
            assert_eq!(format_utc(unix), format!("{day} {month} {year}, {hour:02}:{minute:02} UTC"), "{unix}");
        }
    }
}
