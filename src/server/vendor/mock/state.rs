//! The mock's data: meetings and recordings in memory, the requests it saw, and the faults in
//! force; how a request is admitted (recorded, its key checked, a fault applied).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::faults::{reply, vendor_error, Faults};
use crate::domain::Recording;
use crate::server::clock::Clock;
use crate::server::vendor::client::KEY_HEADER;

/// A 2-second VP8 WebM clip: what every mock download delivers.
pub const SAMPLE_VIDEO: &[u8] = include_bytes!("sample.webm");

/// Seeded demo meetings: the vendor's example meeting first.
pub const DEMO_MEETINGS: [(&str, usize); 3] = [
    ("6932e0f8652986000d48148a", 2),
    ("65a1b2c3d4e5f60718293a4b", 5),
    ("65a1b2c3d4e5f60718293a4c", 0),
];

/// What the mock saw: for tests to compare with the vendor's example request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReceivedRequest {
    pub method: String,
    pub path: String,
    /// Whether `CB-Administration-API-Key` matched (the key itself is not kept).
    pub key_ok: bool,
    pub content_type: Option<String>,
    pub user_agent: Option<String>,
    pub body: Option<Value>,
    /// Answered with a fault instead of being carried out (latency alone still carries it out).
    #[serde(default)]
    pub faulted: bool,
}

#[derive(Debug)]
pub(super) struct Data {
    /// Vendor-shaped JSON (`_id` and all), exactly what the list endpoint answers.
    pub(super) recordings: HashMap<String, Vec<Value>>,
    pub(super) meetings: HashMap<String, Value>,
    pub(super) requests: VecDeque<ReceivedRequest>,
    pub(super) faults: Faults,
    /// Matching requests seen while `faults.one_in` is set.
    pub(super) fault_tick: u64,
    /// `faults.rate_per_second`: the second being counted (since the mock started), and its count.
    pub(super) rate_window: (u64, u32),
}

/// Requests and TCP connections the mock has taken, for the benchmark's connection-reuse share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct MockStats {
    pub requests: u64,
    pub connections: u64,
}

/// The request log keeps the newest entries only, so a benchmark's million calls cannot grow it.
const REQUEST_LOG_CAP: usize = 10_000;

#[derive(Debug)]
pub struct MockState {
    pub(super) key: String,
    pub(super) requests_total: AtomicU64,
    pub(super) connections_total: AtomicU64,
    /// Absolute base for download links, e.g. `http://127.0.0.1:3100/files`.
    pub(super) files_base: String,
    pub(super) data: Mutex<Data>,
    /// What its links' dates and expiries are reckoned by: the server's clock in demo mode.
    pub(super) clock: Clock,
    /// When it started: the rate limit counts whole seconds from here.
    pub(super) started: std::time::Instant,
}

#[derive(Clone, Debug)]
pub struct MockUpstream(pub(super) Arc<MockState>);

pub(super) fn iso(unix: i64) -> String {
    let s = crate::domain::format_rfc3339_ms(unix.saturating_mul(1000)); // "YYYY-MM-DDTHH:MM:SS.mmmZ"
    format!("{}:00Z", &s[..16])
}

pub(super) fn amz_date(unix: i64) -> String {
    iso(unix).replace(['-', ':'], "")
}

pub(super) fn random_hex(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len).map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap()).collect()
}

pub(super) fn random_uid() -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-";
    let mut rng = rand::thread_rng();
    (0..24).map(|_| ABC[rng.gen_range(0..ABC.len())] as char).collect()
}

impl MockUpstream {
    /// An empty mock accepting `key`, whose download links start with `files_base`.
    pub fn new(key: impl Into<String>, files_base: impl Into<String>, clock: Clock) -> Self {
        Self(Arc::new(MockState {
            clock,
            started: std::time::Instant::now(),
            key: key.into(),
            requests_total: AtomicU64::new(0),
            connections_total: AtomicU64::new(0),
            files_base: files_base.into().trim_end_matches('/').to_owned(),
            data: Mutex::new(Data {
                recordings: HashMap::new(),
                meetings: HashMap::new(),
                requests: VecDeque::new(),
                faults: Faults::default(),
                fault_tick: 0,
                rate_window: (0, 0),
            }),
        }))
    }

    /// A mock with the demo meetings and their recordings.
    pub fn seeded(key: impl Into<String>, files_base: impl Into<String>, clock: Clock) -> Self {
        let mock = Self::new(key, files_base, clock);
        for (id, n) in DEMO_MEETINGS {
            mock.seed(id, n);
        }
        mock
    }

    pub(super) fn data(&self) -> std::sync::MutexGuard<'_, Data> {
        // A panic while holding the lock cannot leave the maps half-written in a way that matters
        // for a mock, so recover rather than poison every later request.
        self.0.data.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replace a meeting's recordings with `n` generated ones. The vendor example meeting gets the
    /// vendor's own two recordings (ids, counts, sizes) with links pointing at this mock.
    pub fn seed(&self, meeting_id: &str, n: usize) {
        let now = self.0.clock.now_unix();
        let vendor_example = meeting_id == DEMO_MEETINGS[0].0;
        let list = (0..n)
            .map(|i| {
                let (id, uid, duration, size, participants) = if vendor_example && i < 2 {
                    (
                        ["6932e49ab470430179b26dcb", "6932e49ab470430179b26dcc"][i].to_owned(),
                        ["cPVjAzs8aLbHFsB9DOAL6fBp", "UF4wqqkvZgPt9YaLBkj-P2xS"][i].to_owned(),
                        60_000,
                        1_000_000,
                        vec![10786],
                    )
                } else {
                    let k = i as u64 + 1;
                    (
                        random_hex(24),
                        random_uid(),
                        (k * 754_321) % 5_400_000 + 30_000,
                        (k * 73_456_789) % 2_500_000_000 + 500_000,
                        (0..(i % 4 + 1) as u64).map(|p| 10_000 + p * 7 + k).collect(),
                    )
                };
                let created = now - 86_400 * (n - i) as i64 - 3_600;
                json!({
                    "_id": id,
                    "room_id": meeting_id,
                    "participants_count": participants.len(),
                    "participants_ids": participants,
                    "file_uid": uid,
                    "duration": duration,
                    "size": size,
                    "updated_at": iso(created),
                    "created_at": iso(created),
                    "download_url": self.presign(&uid, now - 3_600, 604_800),
                })
            })
            .collect();
        self.data().recordings.insert(meeting_id.to_owned(), list);
    }

    /// A download link shaped like S3's presigned URLs.
    fn presign(&self, file_uid: &str, signed_at: i64, expires: i64) -> String {
        format!(
            "{}/{file_uid}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD&X-Amz-Credential=MOCKCREDENTIAL%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date={}&X-Amz-Expires={expires}&X-Amz-Signature={}&X-Amz-SignedHeaders=host&x-id=GetObject",
            self.0.files_base,
            amz_date(signed_at),
            random_hex(64),
        )
    }

    pub fn set_faults(&self, faults: Faults) {
        let mut data = self.data();
        data.faults = faults;
        data.fault_tick = 0;
    }

    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.data().requests.iter().cloned().collect()
    }

    /// Call for each accepted connection (see `start_mock`).
    pub fn count_connection(&self) {
        self.0.connections_total.fetch_add(1, Ordering::Relaxed);
    }

    pub fn stats(&self) -> MockStats {
        MockStats {
            requests: self.0.requests_total.load(Ordering::Relaxed),
            connections: self.0.connections_total.load(Ordering::Relaxed),
        }
    }

    /// The meeting's recordings as the vendor would send them.
    pub fn raw_recordings(&self, meeting_id: &str) -> Vec<Value> {
        self.data().recordings.get(meeting_id).cloned().unwrap_or_default()
    }

    pub fn recordings(&self, meeting_id: &str) -> Vec<Recording> {
        self.raw_recordings(meeting_id).into_iter().filter_map(|v| serde_json::from_value(v).ok()).collect()
    }

    /// Store vendor-shaped recordings verbatim (e.g. the vendor's own example reply).
    pub fn put_raw_recordings(&self, meeting_id: &str, recordings: Vec<Value>) {
        self.data().recordings.insert(meeting_id.to_owned(), recordings);
    }

    /// Record the request, check the key, then apply any fault. `Err` is the reply to send.
    pub(super) async fn admit(&self, method: &str, path: String, headers: &HeaderMap, body: Option<Value>) -> Result<(), Response> {
        let key_ok = headers.get(KEY_HEADER).and_then(|v| v.to_str().ok()) == Some(self.0.key.as_str());
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        self.0.requests_total.fetch_add(1, Ordering::Relaxed);
        let fault = {
            let mut data = self.data();
            if data.requests.len() == REQUEST_LOG_CAP {
                data.requests.pop_front();
            }
            let f = data.faults.clone();
            let limited = f.rate_per_second.is_some_and(|per_second| {
                let second = self.0.started.elapsed().as_secs();
                if data.rate_window.0 != second {
                    data.rate_window = (second, 0);
                }
                data.rate_window.1 += 1;
                data.rate_window.1 > per_second
            });
            let f = if limited { Faults { status: Some(429), retry_after: Some(1), ..f } } else { Faults { rate_per_second: None, ..f } };
            let mut active = limited
                || f != Faults::default()
                && f.count != Some(0)
                && f.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method));
            if let (true, Some(n)) = (active, f.one_in) {
                data.fault_tick += 1;
                active = data.fault_tick % u64::from(n.max(1)) == 0;
            }
            if active && !limited {
                if let Some(n) = data.faults.count.as_mut() {
                    *n -= 1;
                }
            }
            let faulted = limited || active && (f.status.is_some() || f.non_json || f.truncated || f.drop_connection || f.raw_body.is_some());
            data.requests.push_back(ReceivedRequest {
                method: method.to_owned(),
                path,
                key_ok,
                content_type: header("content-type"),
                user_agent: header("user-agent"),
                body,
                faulted: faulted || !key_ok,
            });
            // Over the rate limit: the 429 alone, whatever else the faults say.
            if limited {
                Some(Faults { latency_ms: f.latency_ms, status: Some(429), retry_after: Some(1), ..Faults::default() })
            } else {
                active.then_some(f)
            }
        };
        if let Some(f) = &fault {
            if f.latency_ms > 0 {
                tokio::time::sleep(Duration::from_millis(f.latency_ms)).await;
            }
        }
        if !key_ok {
            return Err(vendor_error(StatusCode::UNAUTHORIZED, json!({"errors": {"base": ["Required session does not exist"]}})));
        }
        match fault {
            Some(f) => reply(f).map_or(Ok(()), Err),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_vendor_formats() {
        assert_eq!(iso(1_764_943_002 - 42), "2025-12-05T13:56:00Z");
        assert_eq!(amz_date(1_764_943_697 - 17), "20251205T140800Z");
    }

    #[test]
    fn seeded_links_are_presigned_and_fresh() {
        let mock = MockUpstream::seeded("k", "http://127.0.0.1:1/files/", Clock::system());
        let recs = mock.recordings(DEMO_MEETINGS[0].0);
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].id, "6932e49ab470430179b26dcb");
        // On the wire the mock speaks the vendor's shape.
        let raw = mock.raw_recordings(DEMO_MEETINGS[0].0);
        assert_eq!(raw[0]["_id"], "6932e49ab470430179b26dcb");
        assert!(raw[0].get("id").is_none());
        assert!(recs[0].download_url.starts_with("http://127.0.0.1:1/files/cPVjAzs8aLbHFsB9DOAL6fBp?"));
        assert!(matches!(recs[0].link_expiry(Clock::system().now_unix()), crate::domain::LinkExpiry::ExpiresIn(s) if s > 6 * 86_400));
        assert_eq!(mock.recordings(DEMO_MEETINGS[1].0).len(), 5);
        assert!(mock.recordings(DEMO_MEETINGS[2].0).is_empty());
    }
}
