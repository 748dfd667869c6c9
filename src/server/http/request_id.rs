//! Every request's id: made here before anything else runs, quoted by error messages, carried
//! by log lines and audit entries.

use axum::http::{HeaderMap, HeaderName, HeaderValue, Request};

/// The longest request id taken from a client, and only letters, digits and `. _ -`: what a
/// gateway's trace id looks like, and nothing that could stretch or forge a log line.
pub const CLIENT_ID_MAX: usize = 64;
use tower_http::request_id::{MakeRequestId, RequestId};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request's id, which `SetRequestIdLayer` gives every request before anything else runs:
/// error messages quote it and log lines carry it. "-" should a request somehow have none.
pub fn request_id(headers: &HeaderMap) -> String {
    headers.get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned()
}

/// A client's `x-request-id` is kept only from a proxy we were told stands in front
/// (`CLIENT_IP_HEADER`), and only in the shape of an id; any other is dropped before
/// `SetRequestIdLayer` runs, which then makes our own. (It is echoed, logged and stored.)
pub fn screen<B>(mut req: Request<B>, from_our_proxy: bool) -> Request<B> {
    let ours = from_our_proxy && {
        let mut values = req.headers().get_all(REQUEST_ID).iter();
        matches!((values.next(), values.next()), (Some(v), None) if well_formed(v))
    };
    if !ours {
        req.headers_mut().remove(REQUEST_ID);
    }
    req
}

fn well_formed(v: &HeaderValue) -> bool {
    let b = v.as_bytes();
    (1..=CLIENT_ID_MAX).contains(&b.len()) && b.iter().all(|c| c.is_ascii_alphanumeric() || b"._-".contains(c))
}

/// Request ids: random (v4) UUIDs from the thread's generator, which the OS seeds now and then,
/// rather than `MakeRequestUuid`'s system call on every request.
#[derive(Debug, Clone, Copy)]
pub struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
        let value = HeaderValue::from_str(id.hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer())).ok()?;
        Some(RequestId::new(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_id_is_kept_only_from_our_proxy_and_in_shape() {
        let with = |v: &str, proxy: bool| {
            let req = Request::builder().header(REQUEST_ID, v).body(()).unwrap();
            screen(req, proxy).headers().get(REQUEST_ID).map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(with("trace-1.a_B", true).as_deref(), Some("trace-1.a_B"));
        assert_eq!(with("trace-1", false), None, "no proxy in front: anyone could send one");
        assert_eq!(with(&"a".repeat(CLIENT_ID_MAX), true).map(|s| s.len()), Some(CLIENT_ID_MAX));
        assert_eq!(with(&"a".repeat(CLIENT_ID_MAX + 1), true), None);
        for bad in ["", "a b", "a\tb", "a/b", "<script>", "ä"] {
            assert_eq!(with(bad, true), None, "{bad:?}");
        }
        let twice = Request::builder().header(REQUEST_ID, "a").header(REQUEST_ID, "b").body(()).unwrap();
        assert!(screen(twice, true).headers().get(REQUEST_ID).is_none());
    }

    #[test]
    fn request_ids_are_distinct_v4_uuids() {
        let req = Request::new(());
        let ids: std::collections::HashSet<String> = (0..1000)
            .map(|_| RandomRequestId.make_request_id(&req).unwrap().header_value().to_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids.len(), 1000);
        for id in &ids {
            let parsed = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(parsed.get_version(), Some(uuid::Version::Random), "{id}");
            assert_eq!(id, &parsed.hyphenated().to_string());
        }
    }
}
