//! `AdminClient`: the only code that talks to the ConnectyCube admin API.
//!
//! Security: the key header is marked sensitive and redirects are never followed (a redirect to
//! another host would carry the key with it). Neither the key nor a recording's presigned
//! `download_url` is ever logged.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{HeaderValue, ACCEPT, CONTENT_TYPE, HOST, USER_AGENT};
use http::{Method, Request};
use http_body_util::Full;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use rand::Rng;
use serde::de::DeserializeOwned;
use url::Url;

use crate::server::secret::Secret;
use super::links::linkable;
use super::connection::{RawReply, Transport, TransportError};
pub use crate::domain::{Reply, UpstreamError};
use crate::domain::{decode_reply, Meeting, MeetingId, NewMeeting, Recording, RecordingId, UserId};
use crate::error::AppError;
use crate::server::metrics::labels::{Call, VendorOutcome};
use crate::server::metrics::VendorMetrics;

pub const KEY_HEADER: &str = "CB-Administration-API-Key";

/// What a path segment keeps as it is; everything else is percent-encoded, so no segment can
/// climb out of the path or end it.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// How idempotent calls are retried. POST is never retried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub base_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the user is told instead.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: 2, base_delay: Duration::from_millis(200), max_retry_after: Duration::from_secs(5) }
    }
}

#[derive(Debug, Clone)]
pub struct ClientSettings {
    pub base_url: Url,
    pub key: Secret,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
}

#[derive(Clone)]
pub struct AdminClient {
    http: Transport,
    /// The base URL's host and port, as the `Host` header.
    host: HeaderValue,
    key: HeaderValue,
    /// The base URL's path, always ending in `/`, so any path prefix is kept.
    base_path: String,
    /// The base URL, for `Debug`.
    base: String,
    timeout: Duration,
    retry: RetryPolicy,
    /// An origin whose plain-http download links may be shown (demo mode's own files).
    http_link_origin: Option<String>,
    metrics: VendorMetrics,
}

impl std::fmt::Debug for AdminClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminClient").field("base", &self.base).finish_non_exhaustive()
    }
}

impl AdminClient {
    pub fn new(s: ClientSettings) -> Result<Self, String> {
        let mut key = HeaderValue::from_str(s.key.expose())
            .map_err(|_| "the administration key contains characters not allowed in a header".to_string())?;
        key.set_sensitive(true);
        let base = s.base_url;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(format!("the ConnectyCube API URL must be http or https, not {}", base.scheme()));
        }
        if !base.has_host() {
            return Err("the ConnectyCube API URL has no host".to_string());
        }
        let authority = &base[url::Position::BeforeHost..url::Position::AfterPort];
        let host = HeaderValue::from_str(authority).map_err(|_| "the ConnectyCube API URL has a host that cannot be a header".to_string())?;
        let origin = http::Uri::builder()
            .scheme(base.scheme())
            .authority(authority)
            .path_and_query("/")
            .build()
            .map_err(|e| format!("the ConnectyCube API URL cannot be used: {e}"))?;
        let mut base_path = base.path().to_owned();
        if !base_path.ends_with('/') {
            base_path.push('/');
        }
        let http = Transport::new(origin, s.connect_timeout)?;
        // A vendor reached over plain http (a mock on this machine) may link to its own files
        // over plain http too; the real one is https and its links must be.
        let http_link_origin = (base.scheme() == "http").then(|| base.origin().ascii_serialization());
        // Without any user:password the URL may carry.
        let base = format!("{}://{authority}{base_path}", base.scheme());
        Ok(Self { http, host, key, base_path, base, timeout: s.timeout, retry: s.retry, http_link_origin, metrics: VendorMetrics::default() })
    }

    /// Lets plain-http download links from `origin` through (demo mode serves its files there).
    pub fn allow_http_links_from(mut self, origin: String) -> Self {
        self.http_link_origin = Some(origin);
        self
    }

    /// Counts every attempt into `metrics` (the replica's, served on `/metrics`).
    pub fn with_metrics(mut self, metrics: VendorMetrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// The base path with `segments` appended, each percent-encoded.
    fn path(&self, segments: &[&str]) -> String {
        let mut path = self.base_path.clone();
        for (i, segment) in segments.iter().enumerate() {
            if i > 0 {
                path.push('/');
            }
            path.extend(utf8_percent_encode(segment, SEGMENT));
        }
        path
    }

    /// A request for `segments` with our headers; `body` is JSON.
    fn request(&self, method: Method, segments: &[&str], body: Option<Vec<u8>>) -> Result<Request<Full<Bytes>>, UpstreamError> {
        let json = body.is_some();
        let mut req = Request::new(Full::new(body.map(Bytes::from).unwrap_or_default()));
        *req.method_mut() = method;
        *req.uri_mut() = self.path(segments).parse().map_err(|e| UpstreamError::Connect(format!("cannot form the request path: {e}")))?;
        let headers = req.headers_mut();
        headers.insert(HOST, self.host.clone());
        headers.insert(KEY_HEADER, self.key.clone());
        headers.insert(USER_AGENT, HeaderValue::from_static(concat!("meeting-admin/", env!("CARGO_PKG_VERSION"))));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if json {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        Ok(req)
    }

    pub async fn create_meeting(&self, host: UserId, meeting: &NewMeeting) -> Result<Reply<Meeting>, UpstreamError> {
        #[derive(serde::Serialize)]
        struct Body<'a> {
            user_id: UserId,
            #[serde(flatten)]
            meeting: &'a NewMeeting,
        }
        let body = serde_json::to_vec(&Body { user_id: host, meeting }).map_err(|e| UpstreamError::BadReply(format!("cannot encode the meeting: {e}")))?;
        let req = self.request(Method::POST, &["admin", "meetings"], Some(body))?;
        self.attempt(Call::Create, 0, req).await
    }

    /// The recording as the vendor lists it now, with a link we may hand out.
    /// The plain-http origin links may come from (the mock's, in tests and demo mode).
    pub fn http_link_origin(&self) -> Option<&str> {
        self.http_link_origin.as_deref()
    }

    pub async fn current_link(&self, meeting: &MeetingId, recording: &RecordingId, request_id: String) -> Result<Recording, AppError> {
        let all = self.list_recordings(meeting).await.map_err(|e| super::errors::to_app_error(e, super::errors::Call::ListRecordings, request_id))?;
        let found = all.into_iter().find(|r| r.id == recording.as_str());
        match found {
            None => Err(AppError::RecordingGone { recording_id: recording.to_string() }),
            Some(r) if r.download_url.is_empty() => Err(AppError::NoSafeLink { recording_id: recording.to_string() }),
            Some(r) => Ok(r),
        }
    }

    pub async fn list_recordings(&self, id: &MeetingId) -> Result<Vec<Recording>, UpstreamError> {
        let path = ["admin", "meetings", "recordings", id.as_str()];
        let mut recordings: Vec<Recording> = self.send_idempotent(Call::List, Method::GET, &path).await?.value;
        for r in &mut recordings {
            match linkable(&r.download_url, self.http_link_origin.as_deref()) {
                Some(link) => r.download_url = link,
                None => {
                    let scheme = r.download_url.split(':').next().unwrap_or_default().chars().take(16).collect::<String>();
                    tracing::warn!(recording = %r.id, scheme = %scheme, "ConnectyCube sent a download link that is not https; it is not shown");
                    r.download_url.clear();
                }
            }
        }
        Ok(recordings)
    }

    pub async fn delete_recordings(&self, id: &MeetingId) -> Result<Reply<()>, UpstreamError> {
        let path = ["admin", "meetings", "recordings", id.as_str()];
        let reply: Reply<serde_json::Value> = self.send_idempotent(Call::Delete, Method::DELETE, &path).await?;
        Ok(Reply { status: reply.status, value: () })
    }

    async fn send_idempotent<T: DeserializeOwned>(
        &self,
        call: Call,
        method: Method,
        path: &[&str],
    ) -> Result<Reply<T>, UpstreamError> {
        let mut attempt = 0;
        loop {
            let req = self.request(method.clone(), path, None)?;
            let result = self.attempt(call, attempt, req).await;
            let err = match result {
                Ok(v) => return Ok(v),
                Err(e) if attempt < self.retry.max_retries && e.is_retryable() => e,
                Err(e) => return Err(e),
            };
            let delay = match &err {
                UpstreamError::RateLimited { retry_after: Some(after) } if *after > self.retry.max_retry_after => {
                    return Err(err);
                }
                UpstreamError::RateLimited { retry_after: Some(after) } => {
                    self.metrics.waited_retry_after(call);
                    *after
                }
                _ => {
                    let backoff = self.retry.base_delay * 2u32.pow(attempt);
                    backoff.mul_f64(rand::thread_rng().gen_range(0.5..1.5))
                }
            };
            let endpoint = endpoint(call);
            tracing::warn!(endpoint, attempt, delay_ms = delay.as_millis() as u64, error = %err, "retrying ConnectyCube call");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn attempt<T: DeserializeOwned>(
        &self,
        call: Call,
        attempt: u32,
        req: Request<Full<Bytes>>,
    ) -> Result<Reply<T>, UpstreamError> {
        let endpoint = endpoint(call);
        let started = Instant::now();
        let result = self.exchange(req).await.map_err(|e| self.scrubbed(e));
        let took = started.elapsed();
        self.metrics.attempt(call, outcome_of(&result), took);
        let latency_ms = took.as_secs_f64() * 1000.0;
        match &result {
            // A successful read is already on its request's line (path, status, latency); a second
            // line per page view was a tenth of the proxy hop's cost. Changes, and refusals, stay.
            Ok((status, _, _)) if *status < 400 && endpoint.starts_with("list") => {
                tracing::debug!(endpoint, attempt, status, latency_ms, "ConnectyCube call")
            }
            Ok((status, _, _)) => tracing::info!(endpoint, attempt, status, latency_ms, "ConnectyCube call"),
            Err(e) => tracing::warn!(endpoint, attempt, latency_ms, error = %e, "ConnectyCube call failed"),
        }
        let (status, retry_after, body) = result?;
        decode_reply(status, retry_after.as_deref(), &body).map_err(|e| self.scrubbed(e)).inspect_err(|err| {
            if matches!(err, UpstreamError::BadReply(_)) {
                tracing::warn!(endpoint, error = %err, "ConnectyCube reply not understood");
            }
        })
    }

    /// Whatever the vendor's error says, it never carries on the key it was sent, a presigned
    /// link or a token: every page, JSON reply, log line and audit entry gets it from here.
    fn scrubbed(&self, e: UpstreamError) -> UpstreamError {
        let key = self.key.to_str().unwrap_or_default();
        e.scrubbed(|text| crate::server::scrub::scrub(text, key))
    }

    /// The status, the `Retry-After` header and the whole body, or what broke on the way.
    async fn exchange(&self, req: Request<Full<Bytes>>) -> Result<(u16, Option<String>, Bytes), UpstreamError> {
        match tokio::time::timeout(self.timeout, self.http.send(req)).await {
            Ok(Ok(RawReply { status, retry_after, body })) => Ok((status, retry_after, body)),
            Ok(Err(TransportError::Connect(why))) => Err(UpstreamError::Connect(why)),
            Ok(Err(TransportError::Interrupted(why))) => Err(UpstreamError::Interrupted(why)),
            Ok(Err(TransportError::TooLarge)) => Err(UpstreamError::BadReply(format!(
                "the reply was longer than {} MiB, more than any list we read; it was not read further",
                crate::server::vendor::connection::MAX_BODY >> 20
            ))),
            Err(_elapsed) => Err(UpstreamError::Timeout(self.timeout)),
        }
    }
}

/// The call's name in log lines.
fn endpoint(call: Call) -> &'static str {
    match call {
        Call::Create => "create_meeting",
        Call::List => "list_recordings",
        Call::Delete => "delete_recordings",
    }
}

fn outcome_of(result: &Result<(u16, Option<String>, Bytes), UpstreamError>) -> VendorOutcome {
    match result {
        Ok((status, _, _)) => VendorOutcome::Answered(*status),
        Err(UpstreamError::Timeout(_)) => VendorOutcome::Timeout,
        Err(UpstreamError::Connect(_)) => VendorOutcome::Connect,
        Err(UpstreamError::Interrupted(_)) => VendorOutcome::Interrupted,
        // `exchange` fails in no other way: its `BadReply` is a reply longer than we read.
        Err(_) => VendorOutcome::TooLarge,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> AdminClient {
        AdminClient::new(ClientSettings {
            base_url: Url::parse(base).unwrap(),
            key: Secret::new("k"),
            timeout: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(1),
            retry: RetryPolicy::default(),
        })
        .unwrap()
    }

    #[test]
    fn joins_paths_with_or_without_a_trailing_slash() {
        let id = MeetingId::parse("6932e0f8652986000d48148a").unwrap();
        for base in ["https://api.connectycube.com", "https://api.connectycube.com/"] {
            assert_eq!(
                client(base).path(&["admin", "meetings", "recordings", id.as_str()]),
                "/admin/meetings/recordings/6932e0f8652986000d48148a"
            );
        }
        for base in ["https://x.example.com/cc", "https://x.example.com/cc/"] {
            assert_eq!(client(base).path(&["admin", "meetings"]), "/cc/admin/meetings");
        }
        // Segments are encoded, so nothing can climb out of the path.
        assert_eq!(client("http://h/").path(&["a b", "../x", "?#%"]), "/a%20b/..%2Fx/%3F%23%25");
    }

    #[test]
    fn a_key_that_cannot_be_a_header_is_refused() {
        let err = AdminClient::new(ClientSettings {
            base_url: Url::parse("http://h/").unwrap(),
            key: Secret::new("bad\nkey"),
            timeout: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(1),
            retry: RetryPolicy::default(),
        })
        .unwrap_err();
        assert!(!err.contains("bad"));
    }

    #[test]
    fn debug_shows_no_key() {
        assert_eq!(format!("{:?}", client("http://h/")), "AdminClient { base: \"http://h/\", .. }");
        assert_eq!(format!("{:?}", client("https://user:pw@h:8443/cc")), "AdminClient { base: \"https://h:8443/cc/\", .. }");
    }
}
