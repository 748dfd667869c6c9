//! The mock's switchable faults (`POST /_mock/faults`) and the replies they make: what a
//! vendor, a proxy or a network gone wrong would answer.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

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
    /// A rate limit as a vendor's: at most this many requests per second (of every method), the
    /// rest answered 429 with `Retry-After: 1`.
    pub rate_per_second: Option<u32>,
}

/// The reply a fault makes in place of the vendor's, if it makes one (latency alone does not).
pub(super) fn reply(f: Faults) -> Option<Response> {
    if f.drop_connection {
        return Some(broken_body(b""));
    }
    if f.truncated {
        return Some(broken_body(br#"[{"_id":"6932e49ab470430179b26dcb","room_id":"69"#));
    }
    if let Some(body) = f.raw_body {
        return Some((StatusCode::OK, [("content-type", "application/json")], body).into_response());
    }
    if f.non_json {
        return Some((StatusCode::BAD_GATEWAY, [("content-type", "text/html")], "<html><body><h1>502 Bad Gateway</h1></body></html>").into_response());
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
        return Some(resp);
    }
    None
}

pub(super) fn vendor_error(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// A 200 whose body fails part-way: the client sees the connection break.
pub(super) fn broken_body(prefix: &'static [u8]) -> Response {
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = vec![
        Ok(bytes::Bytes::from_static(prefix)),
        Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "mock dropped the connection")),
    ];
    let mut resp = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    resp.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_fault_makes_its_reply_and_latency_alone_makes_none() {
        assert!(reply(Faults { latency_ms: 50, ..Faults::default() }).is_none());
        let limited = reply(Faults { status: Some(429), retry_after: Some(7), ..Faults::default() }).unwrap();
        assert_eq!((limited.status(), limited.headers()["retry-after"].to_str().unwrap()), (StatusCode::TOO_MANY_REQUESTS, "7"));
        let proxy = reply(Faults { non_json: true, ..Faults::default() }).unwrap();
        assert_eq!((proxy.status(), proxy.headers()["content-type"].to_str().unwrap()), (StatusCode::BAD_GATEWAY, "text/html"));
        let raw = reply(Faults { raw_body: Some("[]".into()), ..Faults::default() }).unwrap();
        assert_eq!(raw.status(), StatusCode::OK);
        assert_eq!(reply(Faults { status: Some(404), ..Faults::default() }).unwrap().status(), StatusCode::NOT_FOUND);
    }
}
