//! Moments on a page, in the one format (`7 Dec 2026, 14:20 CET`), in the reader's zone, with
//! UTC to the second on hover and ISO-8601 UTC for machines in `datetime`.
//!
//! The server writes them in the zone the reader's browser reported in the `tz` cookie (the
//! page's head script sets it), so times read the same with and without JavaScript and no code
//! runs in the browser to convert them. Until the cookie is there (a first visit, or a browser
//! without JavaScript) they are written in UTC, in the same format.

use leptos::prelude::*;

use crate::domain::{format_rfc3339_ms, format_utc_ms, Zone};

/// The cookie the head script writes the browser's zone into.
pub const ZONE_COOKIE: &str = "tz";

/// The zone this page's times are written in.
#[derive(Debug, Clone)]
pub struct ReaderZone(pub Zone);

impl ReaderZone {
    /// From a request's `Cookie` header values: the `tz` cookie if it names a zone the
    /// database knows, UTC otherwise. The zone lookup is the check; nothing else of the cookie
    /// reaches a page.
    pub fn from_cookies<'a>(headers: impl Iterator<Item = &'a str>) -> Self {
        let named = headers
            .flat_map(|h| h.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == ZONE_COOKIE)
            .map(|(_, v)| v.trim())
            // The longest IANA name is 32 bytes ("America/Argentina/ComodRivadavia").
            .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b)));
        Self(named.and_then(|v| Zone::parse(v).ok()).unwrap_or_else(Zone::utc))
    }
}

/// The zone the current page writes its times in.
pub fn reader_zone() -> Zone {
    use_context::<ReaderZone>().map(|z| z.0).unwrap_or_else(Zone::utc)
}

/// A moment (Unix seconds) as a `<time>` element in the reader's zone.
pub fn local_time(unix: i64) -> impl IntoView {
    local_time_ms(unix.saturating_mul(1000))
}

/// A moment (Unix milliseconds) as a `<time>` element in the reader's zone.
pub fn local_time_ms(ms: i64) -> impl IntoView {
    zoned_time_ms(ms, &reader_zone())
}

/// A moment (Unix milliseconds) as a `<time>` element in `zone` (a meeting's own, say).
pub fn zoned_time_ms(ms: i64, zone: &Zone) -> impl IntoView {
    let shown = zone.format(ms.div_euclid(1000));
    view! { <time datetime=format_rfc3339_ms(ms) title=format_utc_ms(ms)>{shown}</time> }
}

/// A moment (Unix seconds) as text in the reader's zone, for sentences built as one string.
pub fn local_text(unix: i64) -> String {
    reader_zone().format(unix)
}

/// `local_time`'s element, written into `out` as HTML, for rows rendered as one string (the
/// recordings table). Both spellings are here, side by side, to stay the same element.
pub fn push_local_time(out: &mut String, zone: &Zone, unix: i64) {
    // Digits, letters, '+', '-', ':', ',' and ' ' only (zone abbreviations come from the zone
    // database): nothing to escape.
    let ms = unix.saturating_mul(1000);
    out.push_str("<time datetime=\"");
    out.push_str(&format_rfc3339_ms(ms));
    out.push_str("\" title=\"");
    out.push_str(&format_utc_ms(ms));
    out.push_str("\">");
    zone.push(out, unix, false);
    out.push_str("</time>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zone_cookie_is_read_and_checked() {
        assert_eq!(ReaderZone::from_cookies(["a=1; tz=Europe/Riga; b=2"].into_iter()).0.name(), "Europe/Riga");
        assert_eq!(ReaderZone::from_cookies(["a=1", "tz=Asia/Kolkata"].into_iter()).0.name(), "Asia/Kolkata");
        for bad in ["tz=Mars/Olympus", "tz=", "tz=<script>", "tz=Europe/Riga\"", "tzx=Europe/Riga", ""] {
            assert_eq!(ReaderZone::from_cookies([bad].into_iter()).0.name(), "UTC", "{bad}");
        }
    }

    #[test]
    fn a_row_time_is_the_one_format_with_utc_on_hover() {
        let mut out = String::new();
        push_local_time(&mut out, &Zone::parse("Europe/Riga").unwrap(), 1_795_515_010);
        assert_eq!(out, "<time datetime=\"2026-11-24T10:10:10.000Z\" title=\"24 Nov 2026, 10:10:10 UTC\">24 Nov 2026, 12:10 EET</time>");
    }
}
