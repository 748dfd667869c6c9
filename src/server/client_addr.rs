//! Where a request came from, for throttles and the audit log.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use http::{Extensions, HeaderMap, HeaderName};

/// The configured proxy header's last entry (the one our own proxy appended), else the TCP peer.
pub fn client_addr(headers: &HeaderMap, extensions: &Extensions, proxy_header: Option<&HeaderName>) -> String {
    let from_header = proxy_header
        .and_then(|h| headers.get(h).and_then(|v| v.to_str().ok()))
        .and_then(|v| v.rsplit(',').next().map(|s| s.trim().to_owned()))
        .filter(|s| !s.is_empty());
    from_header
        .or_else(|| extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()))
        .unwrap_or_else(|| "-".to_owned())
}
