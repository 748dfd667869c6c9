//! What a reply from the vendor means: a decoded value, or which way it failed. Pure (bytes in,
//! a result out), so the same code is unit-tested, property-tested and fuzzed without a network.

use std::time::Duration;

use serde::de::DeserializeOwned;

use super::vendor_errors::VendorErrors;

/// Everything that can go wrong with one call to the vendor, transport included.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum UpstreamError {
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("connection failed while reading the reply: {0}")]
    Interrupted(String),
    #[error("key rejected (HTTP {status}): {}", messages.join("; "))]
    KeyRejected { status: u16, messages: Vec<String> },
    #[error("rate limited (retry after {retry_after:?})")]
    RateLimited { retry_after: Option<Duration> },
    #[error("HTTP {status}: {}", errors.all_messages().join("; "))]
    Status { status: u16, errors: VendorErrors },
    #[error("HTTP {status} with a body that is not the vendor's error JSON")]
    UnreadableError { status: u16 },
    #[error("unexpected redirect (HTTP {status}); not followed")]
    Redirect { status: u16 },
    #[error("reply could not be decoded: {0}")]
    BadReply(String),
}

/// A successful reply and the HTTP status it came with (the audit log records it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply<T> {
    pub status: u16,
    pub value: T,
}

impl UpstreamError {
    /// The same error with every text in it passed through `scrub`: what the vendor (or
    /// anything between) wrote, and what the connection's failure said.
    pub fn scrubbed(self, scrub: impl Fn(&str) -> String) -> Self {
        let all = |v: Vec<String>| v.iter().map(|s| scrub(s)).collect::<Vec<_>>();
        match self {
            Self::Connect(s) => Self::Connect(scrub(&s)),
            Self::Interrupted(s) => Self::Interrupted(scrub(&s)),
            Self::BadReply(s) => Self::BadReply(scrub(&s)),
            Self::KeyRejected { status, messages } => Self::KeyRejected { status, messages: all(messages) },
            Self::Status { status, errors } => Self::Status {
                status,
                errors: VendorErrors {
                    fields: errors.fields.into_iter().map(|(f, m)| (scrub(&f), all(m))).collect(),
                    general: all(errors.general),
                },
            },
            other @ (Self::Timeout(_) | Self::RateLimited { .. } | Self::UnreadableError { .. } | Self::Redirect { .. }) => other,
        }
    }

    /// The vendor's HTTP status, when it answered at all.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::KeyRejected { status, .. }
            | Self::Status { status, .. }
            | Self::UnreadableError { status }
            | Self::Redirect { status } => Some(*status),
            Self::RateLimited { .. } => Some(429),
            Self::Timeout(_) | Self::Connect(_) | Self::Interrupted(_) | Self::BadReply(_) => None,
        }
    }

    /// Worth another try for an idempotent call: nothing was done, or the vendor said "later".
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Connect(_) | Self::RateLimited { .. } => true,
            Self::UnreadableError { status } | Self::Status { status, .. } => matches!(status, 502..=504),
            _ => false,
        }
    }
}

/// Reads one complete reply: `status`, its `Retry-After` header if any, and the body.
pub fn decode_reply<T: DeserializeOwned>(status: u16, retry_after: Option<&str>, body: &[u8]) -> Result<Reply<T>, UpstreamError> {
    match status {
        200..=299 => serde_json::from_slice(body)
            .map(|value| Reply { status, value })
            .map_err(|e| UpstreamError::BadReply(e.to_string())),
        300..=399 => Err(UpstreamError::Redirect { status }),
        401 | 403 => Err(UpstreamError::KeyRejected {
            status,
            messages: VendorErrors::parse(body).map(|e| e.all_messages()).unwrap_or_default(),
        }),
        // Seconds only; an HTTP-date reads as "no hint", and we back off as usual.
        429 => Err(UpstreamError::RateLimited {
            retry_after: retry_after.and_then(|v| v.trim().parse::<u64>().ok()).map(Duration::from_secs),
        }),
        _ => Err(match VendorErrors::parse(body) {
            Some(errors) => UpstreamError::Status { status, errors },
            None => UpstreamError::UnreadableError { status },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Recording;

    #[test]
    fn success_decodes_and_keeps_the_status() {
        let r: Reply<Vec<Recording>> = decode_reply(200, None, br#"[{"_id":"a","size":12.0}]"#).unwrap();
        assert_eq!((r.status, r.value[0].id.as_str(), r.value[0].size), (200, "a", 12));
        let e = decode_reply::<Vec<Recording>>(200, None, b"<html>").unwrap_err();
        assert!(matches!(e, UpstreamError::BadReply(_)));
    }

    #[test]
    fn failures_by_status() {
        type V = serde_json::Value;
        assert_eq!(decode_reply::<V>(302, None, b""), Err(UpstreamError::Redirect { status: 302 }));
        assert_eq!(
            decode_reply::<V>(401, None, br#"{"errors":{"base":["Required session does not exist"]}}"#),
            Err(UpstreamError::KeyRejected { status: 401, messages: vec!["Required session does not exist".into()] })
        );
        assert_eq!(decode_reply::<V>(429, Some(" 7 "), b""), Err(UpstreamError::RateLimited { retry_after: Some(Duration::from_secs(7)) }));
        assert_eq!(
            decode_reply::<V>(429, Some("Wed, 21 Oct 2026 07:28:00 GMT"), b""),
            Err(UpstreamError::RateLimited { retry_after: None })
        );
        assert_eq!(decode_reply::<V>(502, None, b"<html>"), Err(UpstreamError::UnreadableError { status: 502 }));
        let e = decode_reply::<V>(422, None, br#"{"errors":["Bad"]}"#).unwrap_err();
        assert_eq!(e.status(), Some(422));
        assert!(!e.is_retryable());
        assert!(UpstreamError::UnreadableError { status: 503 }.is_retryable());
    }
}
