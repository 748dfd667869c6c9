//! Downloads relayed through the dashboard, so a file arrives named for people
//! (`meeting-<id>-<created>.<ext>`): the vendor signs its link's whole query, so a
//! `response-content-disposition` cannot be added to it, and a browser ignores a `download`
//! name on a link that ends on another origin. Previews still go to the link itself (a player
//! seeks with ranges, and nobody saves a preview).
//!
//! Limits (`Limits::STATED`, each tested): at most 8 relays at once per replica (one more is
//! told to try again in a minute, 503, rather than queued); the storage must answer within 20 s
//! and then never pause longer than 60 s between chunks (else the download ends as failed); bytes pass one chunk at a time, so memory does not
//! grow with the file. Only links on the recordings' storage (`MEDIA_ORIGINS`, and the mock's
//! origin when one is configured) are fetched, so a changed vendor reply cannot point the server
//! at an address inside the network.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub at_once: usize,
    pub answer_within: Duration,
    pub stall: Duration,
}

impl Limits {
    pub const STATED: Self = Self { at_once: 8, answer_within: Duration::from_secs(20), stall: Duration::from_secs(60) };
}

/// Where recordings may be fetched from: `scheme://host[:port]`, the host may start with `*.`
/// and the port may be `*` (as in a CSP source).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: Option<String>,
}

impl Origin {
    fn parse(raw: &str) -> Option<Self> {
        let (scheme, rest) = raw.trim().trim_end_matches('/').split_once("://")?;
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if p == "*" || p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p.to_owned())),
            _ => (rest, None),
        };
        (!host.is_empty() && !host.contains('/')).then(|| Self { scheme: scheme.to_ascii_lowercase(), host: host.to_ascii_lowercase(), port })
    }

    fn admits(&self, url: &url::Url) -> bool {
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else { return false };
        let host_ok = match self.host.strip_prefix("*.") {
            Some(suffix) => host.len() > suffix.len() + 1 && host.ends_with(suffix) && host.as_bytes()[host.len() - suffix.len() - 1] == b'.',
            None => host == self.host,
        };
        let port_ok = match self.port.as_deref() {
            Some("*") => true,
            Some(p) => url.port_or_known_default().map(|n| n.to_string()).as_deref() == Some(p),
            None => url.port().is_none(),
        };
        url.scheme() == self.scheme && host_ok && port_ok
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RelayError {
    #[error("every download slot is in use")]
    Busy,
    #[error("the link is not on the recordings' storage")]
    NotStorage,
    #[error("the recordings' storage did not answer: {0}")]
    Unreachable(String),
    #[error("the recordings' storage answered {0}")]
    Refused(u16),
}

#[derive(Debug)]
pub struct Relay {
    http: reqwest::Client,
    slots: Arc<Semaphore>,
    origins: Vec<Origin>,
    limits: Limits,
}

/// The storage's answer, ready to pass on.
pub struct Relayed {
    pub status: StatusCode,
    /// Content type, length, range and validators, as the storage sent them.
    pub headers: HeaderMap,
    /// The file's own extension, from the storage's name for it or its type.
    pub extension: String,
    pub body: Body,
}

/// The headers passed on from the storage's answer.
const PASSED_ON: [header::HeaderName; 6] =
    [header::CONTENT_TYPE, header::CONTENT_LENGTH, header::CONTENT_RANGE, header::ACCEPT_RANGES, header::LAST_MODIFIED, header::ETAG];

impl Relay {
    /// `origins`: `MEDIA_ORIGINS`, plus the mock's origin when links may be plain http.
    pub fn new(origins: &[String], limits: Limits) -> Result<Self, String> {
        let origins = origins.iter().map(|o| Origin::parse(o).ok_or_else(|| format!("'{o}' is not an origin"))).collect::<Result<Vec<_>, _>>()?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(limits.stall)
            // A presigned link is the file; a redirect would lead off the storage.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self { http, slots: Arc::new(Semaphore::new(limits.at_once)), origins, limits })
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Asks the storage for `link` (passing on a `Range`), holding a slot until the body ends.
    pub async fn fetch(&self, link: &str, range: Option<&HeaderValue>) -> Result<Relayed, RelayError> {
        let url = url::Url::parse(link).map_err(|_| RelayError::NotStorage)?;
        if !self.origins.iter().any(|o| o.admits(&url)) {
            return Err(RelayError::NotStorage);
        }
        let permit = self.slots.clone().try_acquire_owned().map_err(|_| RelayError::Busy)?;
        let mut req = self.http.get(url);
        if let Some(r) = range {
            req = req.header(header::RANGE, r.clone());
        }
        let res = tokio::time::timeout(self.limits.answer_within, req.send())
            .await
            .map_err(|_| RelayError::Unreachable(format!("no answer within {} s", self.limits.answer_within.as_secs())))?
            .map_err(|e| RelayError::Unreachable(e.without_url().to_string()))?;
        let status = res.status();
        if !(status == StatusCode::OK || status == StatusCode::PARTIAL_CONTENT) {
            return Err(RelayError::Refused(status.as_u16()));
        }
        let mut headers = HeaderMap::new();
        for name in PASSED_ON {
            if let Some(v) = res.headers().get(&name) {
                headers.insert(name, v.clone());
            }
        }
        let extension = extension_of(res.headers(), res.url().path());
        Ok(Relayed { status, headers, extension, body: streamed(res, permit, self.limits.stall) })
    }
}

/// The body, chunk by chunk; it ends with an error when the storage stalls, so the browser
/// shows the download as failed rather than complete.
fn streamed(res: reqwest::Response, permit: OwnedSemaphorePermit, stall: Duration) -> Body {
    let stream = futures_util::stream::unfold(Some((res, permit)), move |state| async move {
        let (mut res, permit) = state?;
        match tokio::time::timeout(stall, res.chunk()).await {
            Ok(Ok(Some(bytes))) => Some((Ok(bytes), Some((res, permit)))),
            Ok(Ok(None)) => None,
            // After an error the stream ends (and the slot is given back).
            Ok(Err(e)) => Some((Err(std::io::Error::other(e.without_url())), None)),
            Err(_) => Some((Err(std::io::Error::other("the recordings' storage stalled")), None)),
        }
    });
    Body::from_stream(stream)
}

/// The file's extension: from the storage's own file name, else its content type, else the
/// link's path; `bin` when none says.
fn extension_of(headers: &HeaderMap, path: &str) -> String {
    let clean = |e: &str| -> Option<String> {
        let e = e.trim().trim_matches('"').to_ascii_lowercase();
        (!e.is_empty() && e.len() <= 5 && e.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(e)
    };
    let from_name = headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').find_map(|p| p.trim().strip_prefix("filename=")))
        .and_then(|name| name.trim_matches('"').rsplit_once('.').map(|(_, e)| e.to_owned()))
        .and_then(|e| clean(&e));
    let from_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(|t| {
        let essence = t.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        let e = match essence.as_str() {
            "video/webm" | "audio/webm" => "webm",
            "video/mp4" => "mp4",
            "audio/mp4" => "m4a",
            "video/x-matroska" => "mkv",
            "video/quicktime" => "mov",
            "audio/mpeg" => "mp3",
            "audio/ogg" | "video/ogg" => "ogg",
            _ => return None,
        };
        Some(e.to_owned())
    });
    let from_path = path.rsplit('/').next().and_then(|last| last.rsplit_once('.')).and_then(|(_, e)| clean(e));
    from_name.or(from_type).or(from_path).unwrap_or_else(|| "bin".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admits(origin: &str, link: &str) -> bool {
        Origin::parse(origin).unwrap().admits(&url::Url::parse(link).unwrap())
    }

    #[test]
    fn only_the_storage_is_fetched() {
        assert!(admits("https://*.amazonaws.com", "https://cloud-folder-recordings.s3.us-east-1.amazonaws.com/videos/x?a=1"));
        assert!(!admits("https://*.amazonaws.com", "https://amazonaws.com/x"));
        assert!(!admits("https://*.amazonaws.com", "https://evil-amazonaws.com/x"));
        assert!(!admits("https://*.amazonaws.com", "https://s3.amazonaws.com.evil.net/x"));
        assert!(!admits("https://*.amazonaws.com", "http://s3.amazonaws.com/x"));
        assert!(!admits("https://*.amazonaws.com", "https://s3.amazonaws.com:8443/x"));
        assert!(admits("http://127.0.0.1:*", "http://127.0.0.1:4312/files/x"));
        assert!(!admits("http://127.0.0.1:*", "http://127.0.0.2:4312/files/x"));
        assert!(admits("http://127.0.0.1:4312", "http://127.0.0.1:4312/files/x"));
        assert!(!admits("http://127.0.0.1:4312", "http://127.0.0.1:4313/files/x"));
        assert!(admits("https://files.example.com:443", "https://files.example.com/x"));
    }

    #[test]
    fn the_extension_comes_from_the_name_the_type_or_the_path() {
        let mut h = HeaderMap::new();
        assert_eq!(extension_of(&h, "/videos/cPVjAzs8aLbHFsB9DOAL6fBp"), "bin");
        assert_eq!(extension_of(&h, "/videos/a.MP4"), "mp4");
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("video/webm; codecs=vp9"));
        assert_eq!(extension_of(&h, "/videos/a.mp4"), "webm");
        h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"x.mkv\""));
        assert_eq!(extension_of(&h, "/videos/a.mp4"), "mkv");
        h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"x.<script>\""));
        assert_eq!(extension_of(&h, "/videos/a"), "webm", "a name that is not an extension is not taken");
    }
}
