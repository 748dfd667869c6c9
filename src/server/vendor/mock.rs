//! A faithful mock of the three ConnectyCube admin endpoints, as an axum `Router`.
//!
//! Demo mode, the Rust integration tests and the browser tests all run against this same code.
//! It keeps meetings and recordings in memory, checks the key like the vendor, validates
//! create-meeting bodies, serves real (small) video files behind presigned-style links, and has
//! switchable faults (`POST /_mock/faults`) for tests.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::server::clock::Clock;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::client::KEY_HEADER;
use crate::domain::{parse_amz_date, MeetingId, Recording};


/// A 2-second VP8 WebM clip: what every mock download delivers.
pub const SAMPLE_VIDEO: &[u8] = include_bytes!("sample.webm");

/// Seeded demo meetings: the vendor's example meeting first.
pub const DEMO_MEETINGS: [(&str, usize); 3] = [
    ("6932e0f8652986000d48148a", 2),
    ("65a1b2c3d4e5f60718293a4b", 5),
    ("65a1b2c3d4e5f60718293a4c", 0),
];

/// Faults applied to the admin endpoints (not to file downloads).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Added before answering.
    pub latency_ms: u64,
    /// Answer with this status and the vendor's error shape.
    pub status: Option<u16>,
    /// With `status`: this body in place of the vendor's usual error (a vendor, proxy or WAF
    /// that writes what it likes).
    pub error_body: Option<String>,
    /// With `status` 429 (or any): a `Retry-After` header, in seconds.
    pub retry_after: Option<u64>,
    /// Answer 502 with an HTML page, as a proxy in front of the vendor would.
    pub non_json: bool,
    /// Answer 200 with half a JSON document, then close.
    pub truncated: bool,
    /// Close the connection without a usable reply.
    pub drop_connection: bool,
    /// Answer 200 with exactly this body (complete, but not what the vendor sends: HTML from a
    /// captive proxy, cut-off JSON with a matching length, the wrong shape).
    pub raw_body: Option<String>,
    /// Fault one in this many matching requests (every Nth), the rest behave; for soak tests.
    pub one_in: Option<u32>,
    /// Fault only this many requests, then behave; `None` means until cleared.
    pub count: Option<u32>,
    /// Fault only requests with this method (e.g. `DELETE`); `None` means all.
    pub method: Option<String>,
}

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
struct Data {
    /// Vendor-shaped JSON (`_id` and all), exactly what the list endpoint answers.
    recordings: HashMap<String, Vec<Value>>,
    meetings: HashMap<String, Value>,
    requests: VecDeque<ReceivedRequest>,
    faults: Faults,
    /// Matching requests seen while `faults.one_in` is set.
    fault_tick: u64,
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
    key: String,
    requests_total: AtomicU64,
    connections_total: AtomicU64,
    /// Absolute base for download links, e.g. `http://127.0.0.1:3100/files`.
    files_base: String,
    data: Mutex<Data>,
    /// What its links' dates and expiries are reckoned by: the server's clock in demo mode.
    clock: Clock,
}

#[derive(Clone, Debug)]
pub struct MockUpstream(Arc<MockState>);

fn iso(unix: i64) -> String {
    let s = crate::domain::format_utc(unix); // "YYYY-MM-DD HH:MM UTC"
    format!("{}T{}:00Z", &s[..10], &s[11..16])
}

fn amz_date(unix: i64) -> String {
    iso(unix).replace(['-', ':'], "")
}

fn random_hex(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len).map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap()).collect()
}

fn random_uid() -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-";
    let mut rng = rand::thread_rng();
    (0..24).map(|_| ABC[rng.gen_range(0..ABC.len())] as char).collect()
}

impl MockUpstream {
    /// An empty mock accepting `key`, whose download links start with `files_base`.
    pub fn new(key: impl Into<String>, files_base: impl Into<String>, clock: Clock) -> Self {
        Self(Arc::new(MockState {
            clock,
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

    fn data(&self) -> std::sync::MutexGuard<'_, Data> {
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

    pub fn router(&self) -> Router {
        Router::new()
            .merge(files_router("/files", self.0.clock.clone()))
            .route("/admin/meetings", post(create_meeting))
            .route("/admin/meetings/recordings/{id}", get(list_recordings).delete(delete_recordings))
            .route("/_mock/faults", post(set_faults).delete(clear_faults))
            .route("/_mock/requests", get(get_requests).delete(clear_requests))
            .route("/_mock/seed/{id}", post(seed))
            .route("/_mock/stats", get(get_stats))
            .route("/_mock/recordings/{id}", axum::routing::put(put_raw))
            .with_state(self.clone())
    }

    /// Record the request, check the key, then apply any fault. `Err` is the reply to send.
    async fn admit(&self, method: &str, path: String, headers: &HeaderMap, body: Option<Value>) -> Result<(), Response> {
        let key_ok = headers.get(KEY_HEADER).and_then(|v| v.to_str().ok()) == Some(self.0.key.as_str());
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        self.0.requests_total.fetch_add(1, Ordering::Relaxed);
        let fault = {
            let mut data = self.data();
            if data.requests.len() == REQUEST_LOG_CAP {
                data.requests.pop_front();
            }
            let f = data.faults.clone();
            let mut active = f != Faults::default()
                && f.count != Some(0)
                && f.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method));
            if let (true, Some(n)) = (active, f.one_in) {
                data.fault_tick += 1;
                active = data.fault_tick % u64::from(n.max(1)) == 0;
            }
            if active {
                if let Some(n) = data.faults.count.as_mut() {
                    *n -= 1;
                }
            }
            let faulted = active && (f.status.is_some() || f.non_json || f.truncated || f.drop_connection || f.raw_body.is_some());
            data.requests.push_back(ReceivedRequest {
                method: method.to_owned(),
                path,
                key_ok,
                content_type: header("content-type"),
                user_agent: header("user-agent"),
                body,
                faulted: faulted || !key_ok,
            });
            active.then_some(f)
        };
        if let Some(f) = &fault {
            if f.latency_ms > 0 {
                tokio::time::sleep(Duration::from_millis(f.latency_ms)).await;
            }
        }
        if !key_ok {
            return Err(vendor_error(StatusCode::UNAUTHORIZED, json!({"errors": {"base": ["Required session does not exist"]}})));
        }
        let Some(f) = fault else { return Ok(()) };
        if f.drop_connection {
            return Err(broken_body(b""));
        }
        if f.truncated {
            return Err(broken_body(br#"[{"_id":"6932e49ab470430179b26dcb","room_id":"69"#));
        }
        if let Some(body) = f.raw_body {
            return Err((StatusCode::OK, [("content-type", "application/json")], body).into_response());
        }
        if f.non_json {
            return Err((StatusCode::BAD_GATEWAY, [("content-type", "text/html")], "<html><body><h1>502 Bad Gateway</h1></body></html>").into_response());
        }
        if let Some(code) = f.status {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = match code {
                401 | 403 => json!({"errors": {"base": ["Required session does not exist"]}}),
                404 => json!({"errors": ["Not found"]}),
                422 => json!({"errors": {"name": ["can't be blank"]}}),
                429 => json!({"errors": ["Too many requests"]}),
                _ => json!({"errors": ["Internal server error"]}),
            };
            let body = f.error_body.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or(body);
            let mut resp = vendor_error(status, body);
            if let Some(after) = f.retry_after {
                resp.headers_mut().insert("retry-after", HeaderValue::from(after));
            }
            return Err(resp);
        }
        Ok(())
    }
}

fn vendor_error(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// A 200 whose body fails part-way: the client sees the connection break.
fn broken_body(prefix: &'static [u8]) -> Response {
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = vec![
        Ok(bytes::Bytes::from_static(prefix)),
        Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "mock dropped the connection")),
    ];
    let mut resp = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    resp.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    resp
}

/// The vendor's 422 shape for a create body that misses what it needs.
fn validate_create(body: &Value) -> Result<(), Value> {
    let mut errors = serde_json::Map::new();
    let mut add = |field: &str, msg: &str| {
        errors.entry(field.to_owned()).or_insert_with(|| json!([])).as_array_mut().unwrap().push(json!(msg));
    };
    if !body.get("user_id").is_some_and(|v| v.as_u64().is_some_and(|n| n > 0)) {
        add("user_id", "must be a positive integer");
    }
    match body.get("name").and_then(Value::as_str) {
        Some(n) if !n.trim().is_empty() => {}
        _ => add("name", "can't be blank"),
    }
    for field in ["start_date", "end_date"] {
        if body.get(field).and_then(Value::as_i64).is_none() {
            add(field, "can't be blank");
        }
    }
    match body.get("attendees") {
        Some(Value::Array(list)) => {
            if list.iter().any(|a| a.get("id").is_none() && a.get("email").is_none()) {
                add("attendees", "each attendee needs an id or an email");
            }
        }
        _ => add("attendees", "can't be blank"),
    }
    if errors.is_empty() { Ok(()) } else { Err(json!({ "errors": errors })) }
}

async fn create_meeting(State(mock): State<MockUpstream>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    if let Err(resp) = mock.admit("POST", "/admin/meetings".into(), &headers, parsed.clone()).await {
        return resp;
    }
    let Some(body) = parsed.filter(Value::is_object) else {
        return vendor_error(StatusCode::BAD_REQUEST, json!({"errors": ["Invalid JSON"]}));
    };
    if let Err(errors) = validate_create(&body) {
        return vendor_error(StatusCode::UNPROCESSABLE_ENTITY, errors);
    }
    let id = random_hex(24);
    let now = iso(mock.0.clock.now_unix());
    let get = |k: &str, default: Value| body.get(k).cloned().unwrap_or(default);
    let meeting = json!({
        "_id": id,
        "name": get("name", Value::Null),
        "start_date": get("start_date", Value::Null),
        "end_date": get("end_date", Value::Null),
        "attendees": get("attendees", json!([])),
        "public": get("public", json!(false)),
        "scheduled": get("scheduled", json!(false)),
        "record": get("record", json!(false)),
        "created_at": now,
        "updated_at": now,
        "host_id": get("user_id", Value::Null),
        "notify": get("notify", json!(false)),
        "chat_dialog_id": if body.get("chat") == Some(&json!(true)) { json!(random_hex(24)) } else { Value::Null },
        "notify_before": get("notify_before", Value::Null),
        "timezone": get("timezone", Value::Null),
    });
    {
        let mut data = mock.data();
        data.meetings.insert(id.clone(), meeting.clone());
        data.recordings.entry(id).or_default();
    }
    (StatusCode::CREATED, Json(meeting)).into_response()
}

async fn list_recordings(State(mock): State<MockUpstream>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(resp) = mock.admit("GET", format!("/admin/meetings/recordings/{id}"), &headers, None).await {
        return resp;
    }
    if MeetingId::parse(&id).is_err() {
        return vendor_error(StatusCode::NOT_FOUND, json!({"errors": ["Not found"]}));
    }
    Json(mock.raw_recordings(&id)).into_response()
}

async fn delete_recordings(State(mock): State<MockUpstream>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(resp) = mock.admit("DELETE", format!("/admin/meetings/recordings/{id}"), &headers, None).await {
        return resp;
    }
    mock.data().recordings.remove(&id);
    Json(json!({})).into_response()
}

#[derive(Deserialize)]
struct Presigned {
    #[serde(rename = "X-Amz-Date")]
    date: Option<String>,
    #[serde(rename = "X-Amz-Expires")]
    expires: Option<i64>,
}

/// Like S3: a link past its expiry is refused; otherwise the file.
async fn download(State(clock): State<Clock>, Path(uid): Path<String>, Query(q): Query<Presigned>) -> Response {
    let expires_at = q.date.as_deref().and_then(parse_amz_date).zip(q.expires).map(|(d, e)| d + e);
    match expires_at {
        Some(at) if at > clock.now_unix() => (
            [
                ("content-type", "video/webm".to_owned()),
                ("content-disposition", format!("attachment; filename=\"{}.webm\"", uid.replace('"', ""))),
                ("cache-control", "private, max-age=600".to_owned()),
            ],
            SAMPLE_VIDEO,
        )
            .into_response(),
        Some(_) => (StatusCode::FORBIDDEN, "Request has expired").into_response(),
        None => (StatusCode::FORBIDDEN, "Missing presigned query").into_response(),
    }
}

async fn set_faults(State(mock): State<MockUpstream>, Json(f): Json<Faults>) -> StatusCode {
    mock.set_faults(f);
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(mock): State<MockUpstream>) -> StatusCode {
    mock.set_faults(Faults::default());
    StatusCode::NO_CONTENT
}

async fn get_requests(State(mock): State<MockUpstream>) -> Json<Vec<ReceivedRequest>> {
    Json(mock.requests())
}

async fn get_stats(State(mock): State<MockUpstream>) -> Json<MockStats> {
    Json(mock.stats())
}

async fn clear_requests(State(mock): State<MockUpstream>) -> StatusCode {
    mock.data().requests.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct SeedBody {
    count: usize,
}

async fn seed(State(mock): State<MockUpstream>, Path(id): Path<String>, Json(b): Json<SeedBody>) -> Response {
    if MeetingId::parse(&id).is_err() || b.count > 100_000 {
        return StatusCode::UNPROCESSABLE_ENTITY.into_response();
    }
    mock.seed(&id, b.count);
    StatusCode::NO_CONTENT.into_response()
}

async fn put_raw(State(mock): State<MockUpstream>, Path(id): Path<String>, Json(list): Json<Vec<Value>>) -> StatusCode {
    mock.put_raw_recordings(&id, list);
    StatusCode::NO_CONTENT
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

    #[test]
    fn create_validation_uses_the_vendor_shape() {
        let ok = json!({"user_id": 1, "name": "x", "start_date": 1, "end_date": 2, "attendees": []});
        assert!(validate_create(&ok).is_ok());
        let bad = json!({"user_id": 1, "name": " ", "end_date": 2, "attendees": [{}]});
        let e = validate_create(&bad).unwrap_err();
        assert_eq!(e["errors"]["name"], json!(["can't be blank"]));
        assert_eq!(e["errors"]["start_date"], json!(["can't be blank"]));
        assert!(e["errors"]["attendees"].is_array());
    }
}

/// Just the download route, to mount inside the dashboard in demo mode so links work wherever the
/// dashboard itself is reachable.
pub fn files_router<S: Clone + Send + Sync + 'static>(prefix: &str, clock: Clock) -> Router<S> {
    Router::new().route(&format!("{}/{{uid}}", prefix.trim_end_matches('/')), get(download)).with_state(clock)
}
