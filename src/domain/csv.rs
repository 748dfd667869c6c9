//! The recordings table as CSV, for tickets and spreadsheets. Download links are left out on
//! purpose: they are bearer credentials and CSV files travel far.

use super::civil_time::format_utc;
use super::recording::Recording;
use super::units::{format_bytes, format_duration_ms};

/// One CSV cell: quoted when needed, and defused when a spreadsheet would read it as a formula.
pub(crate) fn cell(raw: &str) -> String {
    let defused = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{raw}") } else { raw.to_owned() };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

pub fn recordings_csv(recordings: &[Recording], now_unix: i64) -> String {
    let mut out = String::from(
        "recording_id,meeting_id,created_at,duration_ms,duration,size_bytes,size,participants_count,participant_ids,link_expires_at,link_status\r\n",
    );
    for r in recordings {
        let expires = r.link_expires_at().map(format_utc).unwrap_or_default();
        let ids = r.participants_ids.iter().map(u64::to_string).collect::<Vec<_>>().join(" ");
        let row = [
            cell(&r.id),
            cell(&r.room_id),
            cell(&r.created_at),
            r.duration.to_string(),
            format_duration_ms(r.duration),
            r.size.to_string(),
            format_bytes(r.size),
            r.participants_count.to_string(),
            cell(&ids),
            expires,
            r.link_expiry(now_unix).describe(),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_follow_the_header_without_links() {
        let recs: Vec<Recording> = serde_json::from_str(include_str!("../../tests/fixtures/recordings.json")).unwrap();
        let csv = recordings_csv(&recs, 1_764_943_697);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 4, "header, two rows, trailing empty");
        assert_eq!(
            lines[1],
            "6932e49ab470430179b26dcb,6932e0f8652986000d48148a,2025-12-05T13:56:42Z,60000,0:01:00,1000000,1.00 MB,1,10786,2025-12-12 14:08 UTC,expires in 7 days"
        );
        assert!(!csv.contains("X-Amz"), "no presigned links");
    }

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
    }
}
