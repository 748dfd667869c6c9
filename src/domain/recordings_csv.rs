//! The recordings table as CSV, for tickets and spreadsheets. The vendor's presigned links are
//! left out on purpose: they are bearer credentials and CSV files travel far. Each row links to
//! the dashboard's own download address instead, which asks for sign-in and is audited.

use super::civil_time::format_rfc3339_ms;
use super::csv::cell;
use super::meeting_id::MeetingId;
use super::recording::{Recording, RecordingRow};
use super::recording_id::RecordingAccess;
use super::units::{format_bytes, format_duration_ms};

/// `origin`: the dashboard's public origin (`PUBLIC_URL`), so the links work from a spreadsheet.
pub fn recordings_csv(meeting: &MeetingId, recordings: &[Recording], origin: &str) -> String {
    let mut out = String::from(
        "recording_id,meeting_id,created_at,duration_ms,duration,size_bytes,size,participants_count,participant_ids,download\r\n",
    );
    for r in recordings {
        let download = RecordingRow::from(r)
            .file
            .map(|f| format!("{}{}", origin.trim_end_matches('/'), meeting.recording_path(&f, RecordingAccess::Download)))
            .unwrap_or_default();
        let ids = r.participants_ids.iter().map(u64::to_string).collect::<Vec<_>>().join(" ");
        let row = [
            cell(&r.id),
            cell(&r.room_id),
            // ISO-8601 UTC whatever spelling the vendor used; as sent if it cannot be read.
            r.created_unix().map(|t| format_rfc3339_ms(t.saturating_mul(1000))).unwrap_or_else(|| cell(&r.created_at)),
            r.duration.to_string(),
            format_duration_ms(r.duration),
            r.size.to_string(),
            format_bytes(r.size),
            r.participants_count.to_string(),
            cell(&ids),
            cell(&download),
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
    fn rows_follow_the_header_with_our_links_only() {
        let mut recs: Vec<Recording> = serde_json::from_str(include_str!("../../tests/fixtures/recordings.json")).unwrap();
        recs[1].download_url.clear();
        let meeting = MeetingId::parse("6932e0f8652986000d48148a").unwrap();
        let csv = recordings_csv(&meeting, &recs, "https://meetings.example.com/");
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 4, "header, two rows, trailing empty");
        assert_eq!(
            lines[1],
            "6932e49ab470430179b26dcb,6932e0f8652986000d48148a,2025-12-05T13:56:42.000Z,60000,0:01:00,1000000,1.00 MB,1,10786,\
             https://meetings.example.com/meetings/6932e0f8652986000d48148a/recordings/6932e49ab470430179b26dcb/download"
        );
        assert!(lines[2].ends_with(",10786,"), "no safe link, no download address: {}", lines[2]);
        assert!(!csv.contains("X-Amz"), "no presigned links");
    }
}
