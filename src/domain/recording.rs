use serde::{Deserialize, Deserializer, Serialize};

use super::civil_time::{parse_amz_date, parse_iso8601_utc};
use super::recording_id::RecordingId;
use super::units::{format_bytes, format_duration_ms};

/// One recording as the vendor sends it. `_id` is the wire name only; unknown fields are ignored
/// and missing or null ones take their default, because the vendor's examples leave that open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    #[serde(rename(deserialize = "_id"), alias = "id")]
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub room_id: String,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub participants_count: u64,
    #[serde(default, deserialize_with = "null_default")]
    pub participants_ids: Vec<u64>,
    #[serde(default, deserialize_with = "null_default")]
    pub file_uid: String,
    /// Milliseconds, as far as anyone can tell (see the module docs of `units`).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub duration: u64,
    /// Bytes, as far as anyone can tell.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub size: u64,
    #[serde(default, deserialize_with = "null_default")]
    pub created_at: String,
    #[serde(default, deserialize_with = "null_default")]
    pub updated_at: String,
    /// A presigned URL: a bearer credential. It leaves the server only as the answer to an
    /// audited download, preview or share; pages and our API carry a `RecordingRow` instead.
    #[serde(default, deserialize_with = "null_default")]
    pub download_url: String,
}

/// A recording as our pages and API show it: everything but its presigned link. Whether the
/// dashboard can hand out a file for it is all the row says about the link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingRow {
    pub id: String,
    pub participants_count: u64,
    pub participants_ids: Vec<u64>,
    /// Milliseconds.
    pub duration: u64,
    /// Bytes.
    pub size: u64,
    pub created_at: String,
    /// Set when the vendor sent an https link and the id is one our links can name.
    pub file: Option<RecordingId>,
}

/// A row copies only what it shows: the vendor's link, room and file names stay behind (a page
/// takes its 50 rows from a kept list, so they are not moved out of it).
impl From<&Recording> for RecordingRow {
    fn from(r: &Recording) -> Self {
        let file = if r.download_url.is_empty() { None } else { RecordingId::parse(&r.id).ok() };
        Self {
            id: r.id.clone(),
            participants_count: r.participants_count,
            participants_ids: r.participants_ids.clone(),
            duration: r.duration,
            size: r.size,
            created_at: r.created_at.clone(),
            file,
        }
    }
}

impl RecordingRow {
    pub fn duration_hms(&self) -> String {
        format_duration_ms(self.duration)
    }

    pub fn human_size(&self) -> String {
        format_bytes(self.size)
    }

    pub fn created_unix(&self) -> Option<i64> {
        parse_iso8601_utc(&self.created_at)
    }
}

/// What a downloaded file is called: `meeting-<id>-<created>.<ext>`, the creation time in UTC
/// as `YYYYMMDD-HHMMSS` (the recording's id when the vendor sent no readable time), so files
/// from one meeting sort by time and say where they came from.
pub fn download_name(meeting: &super::meeting_id::MeetingId, created_unix: Option<i64>, recording_id: &str, extension: &str) -> String {
    // Years 1970 to 9999, which the name's eight digits hold.
    let when = match created_unix.filter(|t| (0..253_402_300_800).contains(t)) {
        Some(t) => {
            let w = super::civil_time::utc_parts(t);
            format!("{:04}{:02}{:02}-{:02}{:02}{:02}", w.year, w.month, w.day, w.hour, w.minute, w.second)
        }
        None => recording_id.to_owned(),
    };
    format!("meeting-{meeting}-{when}.{extension}")
}

/// When a presigned download link stops working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkExpiry {
    /// Seconds left.
    ExpiresIn(i64),
    /// Seconds since it expired.
    Expired(i64),
    /// The link does not carry `X-Amz-Date` and `X-Amz-Expires`.
    Unknown,
}

impl LinkExpiry {
    /// From the moment a link expires (if it says), seen at `now_unix`.
    pub fn of(expires_at: Option<i64>, now_unix: i64) -> Self {
        match expires_at {
            Some(at) if at > now_unix => Self::ExpiresIn(at - now_unix),
            Some(at) => Self::Expired(now_unix - at),
            None => Self::Unknown,
        }
    }

    pub fn is_expired(self) -> bool {
        matches!(self, Self::Expired(_))
    }

    /// "expires in 6 days", "expired 2 hours ago", "expiry unknown".
    pub fn describe(self) -> String {
        match self {
            Self::ExpiresIn(s) => format!("expires in {}", span(s)),
            Self::Expired(s) => format!("expired {} ago", span(s)),
            Self::Unknown => "expiry unknown".to_owned(),
        }
    }
}

fn span(secs: i64) -> String {
    let (n, unit) = match secs {
        s if s < 60 => (s.max(0), "second"),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

impl Recording {
    pub fn created_unix(&self) -> Option<i64> {
        parse_iso8601_utc(&self.created_at)
    }

    /// Unix time at which the presigned link expires, from its own query string.
    pub fn link_expires_at(&self) -> Option<i64> {
        let query = self.download_url.split_once('?')?.1;
        let query = query.split('#').next().unwrap_or_default();
        let mut date = None;
        let mut expires = None;
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("X-Amz-Date", v)) => date = parse_amz_date(v),
                Some(("X-Amz-Expires", v)) => expires = v.parse::<i64>().ok(),
                _ => {}
            }
        }
        date?.checked_add(expires?)
    }

    pub fn link_expiry(&self, now_unix: i64) -> LinkExpiry {
        LinkExpiry::of(self.link_expires_at(), now_unix)
    }
}

/// What a set of recordings amounts to: for the summary line and the delete confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RecordingSummary {
    pub count: usize,
    pub total_duration_ms: u64,
    pub total_size: u64,
    pub first_created: Option<i64>,
    pub last_created: Option<i64>,
    /// Of the recording ids, in any order: what a deletion confirms, so it can tell later
    /// whether the recordings are still the same ones (not only as many).
    pub fingerprint: String,
}

/// FNV-1a (64 bits) of the sorted ids: stable across builds and the same in the browser. Not a
/// security measure: it only tells one list of recordings from another.
pub fn fingerprint<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let mut ids: Vec<&str> = ids.collect();
    ids.sort_unstable();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for id in ids {
        for b in id.bytes().chain(std::iter::once(b'\n')) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// What a summary needs of a recording, as the vendor sent it or as a page shows it.
pub trait Measured {
    fn recording_id(&self) -> &str;
    fn created_unix(&self) -> Option<i64>;
    fn duration_ms(&self) -> u64;
    fn size_bytes(&self) -> u64;
}

impl Measured for Recording {
    fn recording_id(&self) -> &str {
        &self.id
    }
    fn created_unix(&self) -> Option<i64> {
        Recording::created_unix(self)
    }
    fn duration_ms(&self) -> u64 {
        self.duration
    }
    fn size_bytes(&self) -> u64 {
        self.size
    }
}

impl Measured for RecordingRow {
    fn recording_id(&self) -> &str {
        &self.id
    }
    fn created_unix(&self) -> Option<i64> {
        RecordingRow::created_unix(self)
    }
    fn duration_ms(&self) -> u64 {
        self.duration
    }
    fn size_bytes(&self) -> u64 {
        self.size
    }
}

impl RecordingSummary {
    pub fn of<R: Measured>(recordings: &[R]) -> Self {
        let created = recordings.iter().filter_map(Measured::created_unix);
        Self {
            count: recordings.len(),
            total_duration_ms: recordings.iter().map(Measured::duration_ms).fold(0, u64::saturating_add),
            total_size: recordings.iter().map(Measured::size_bytes).fold(0, u64::saturating_add),
            first_created: created.clone().min(),
            last_created: created.max(),
            fingerprint: fingerprint(recordings.iter().map(Measured::recording_id)),
        }
    }
}

fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A count or size that may arrive as an integer, a float (`60000.0`) or null.
fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    use serde::de::Error;
    match Option::<serde_json::Number>::deserialize(d)? {
        None => Ok(0),
        Some(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite() && *f >= 0.0).map(|f| f as u64))
            .ok_or_else(|| D::Error::custom(format!("expected a non-negative number, got {n}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_is_named_for_its_meeting_and_time() {
        let m = crate::domain::MeetingId::parse("6932e0f8652986000d48148a").unwrap();
        assert_eq!(download_name(&m, Some(1_764_943_002), "r1", "webm"), "meeting-6932e0f8652986000d48148a-20251205-135642.webm");
        assert_eq!(download_name(&m, None, "6932e49ab470430179b26dcb", "mp4"), "meeting-6932e0f8652986000d48148a-6932e49ab470430179b26dcb.mp4");
        assert_eq!(download_name(&m, Some(-5), "r1", "bin"), "meeting-6932e0f8652986000d48148a-r1.bin", "no name from a time out of range");
    }

    /// The vendor's own example reply, verbatim.
    pub const VENDOR_EXAMPLE: &str = include_str!("../../tests/fixtures/recordings.json");

    fn example() -> Vec<Recording> {
        serde_json::from_str(VENDOR_EXAMPLE).unwrap()
    }

    #[test]
    fn parses_the_vendor_example_exactly() {
        let r = example();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].id, "6932e49ab470430179b26dcb");
        assert_eq!(r[0].room_id, "6932e0f8652986000d48148a");
        assert_eq!(r[0].participants_count, 1);
        assert_eq!(r[0].participants_ids, vec![10786]);
        assert_eq!(r[0].file_uid, "cPVjAzs8aLbHFsB9DOAL6fBp");
        assert_eq!((r[0].duration, r[0].size), (60_000, 1_000_000));
        assert_eq!(r[0].created_at, "2025-12-05T13:56:42Z");
        assert!(r[0].download_url.starts_with("https://cloud-folder-recordings.s3"));
        assert_eq!(r[1].id, "6932e49ab470430179b26dcc");
    }

    #[test]
    fn tolerates_unknown_fields_nulls_and_floats() {
        let r: Recording = serde_json::from_str(
            r#"{"_id":"a","room_id":null,"participants_ids":null,"duration":60000.0,"size":null,"new_field":{"x":1}}"#,
        )
        .unwrap();
        assert_eq!((r.duration, r.size, r.room_id.as_str()), (60_000, 0, ""));
        assert!(serde_json::from_str::<Recording>(r#"{"_id":"a","size":-5}"#).is_err());
    }

    #[test]
    fn large_sizes_sent_as_floats_stay_exact() {
        // Found by proptest in CI: serde_json's default float parser is off by one
        // unit in the last place here; the `float_roundtrip` feature keeps it exact.
        let r: Recording = serde_json::from_str(r#"{"_id":"a","size":1917934585382361.0}"#).unwrap();
        assert_eq!(r.size, 1_917_934_585_382_361);
    }

    #[test]
    fn derived_views() {
        let r = &example()[0];
        let row = RecordingRow::from(r);
        assert_eq!(row.duration_hms(), "0:01:00");
        assert_eq!(row.human_size(), "1.00 MB");
        assert_eq!(row.file.as_ref().map(RecordingId::as_str), Some("6932e49ab470430179b26dcb"));
        assert!(!serde_json::to_string(&row).unwrap().contains("X-Amz"), "a row never carries the link");
        // X-Amz-Date=20251205T140817Z plus 604800 s.
        assert_eq!(r.link_expires_at(), Some(1_764_943_697 + 604_800));
        let six_days_before = 1_764_943_697 + 604_800 - 6 * 86_400 - 5;
        assert_eq!(r.link_expiry(six_days_before).describe(), "expires in 6 days");
        let later = r.link_expiry(1_764_943_697 + 604_800 + 7200);
        assert!(later.is_expired());
        assert_eq!(later.describe(), "expired 2 hours ago");
        let mut no_query = r.clone();
        no_query.download_url = "https://example.com/file.mp4".into();
        assert_eq!(no_query.link_expiry(0), LinkExpiry::Unknown);
        no_query.download_url.clear();
        assert_eq!(RecordingRow::from(&no_query).file, None, "no safe link, no file to hand out");
    }

    #[test]
    fn summary() {
        let s = RecordingSummary::of(&example());
        assert_eq!((s.count, s.total_duration_ms, s.total_size), (2, 120_000, 2_000_000));
        assert_eq!(s.first_created, Some(1_764_943_002));
        assert_eq!(RecordingSummary::of::<Recording>(&[]).count, 0);
        // The same recordings in any order confirm the same; others do not.
        let mut reversed = example();
        reversed.reverse();
        assert_eq!(RecordingSummary::of(&reversed).fingerprint, s.fingerprint);
        assert_ne!(RecordingSummary::of(&example()[..1]).fingerprint, s.fingerprint);
        let rows: Vec<RecordingRow> = example().iter().map(RecordingRow::from).collect();
        assert_eq!(RecordingSummary::of(&rows), s, "rows sum up as the vendor's list does");
    }

    #[test]
    fn serialises_with_plain_id_for_our_own_api() {
        let json = serde_json::to_value(&example()[0]).unwrap();
        assert_eq!(json["id"], "6932e49ab470430179b26dcb");
        assert!(json.get("_id").is_none());
        let back: Recording = serde_json::from_value(json).unwrap();
        assert_eq!(back, example()[0]);
    }
}
