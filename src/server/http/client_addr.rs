//! Where a request came from, for throttles and the audit log.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use http::{Extensions, HeaderMap, HeaderName};

/// The configured proxy header's last entry (the one our own proxy appended), else the TCP peer.
/// Always an IP address (or "-"): an entry that is none is not believed, so no client text
/// reaches a throttle key, a log line or the audit log this way.
pub fn client_addr(headers: &HeaderMap, extensions: &Extensions, proxy_header: Option<&HeaderName>) -> String {
    let from_header = proxy_header
        .and_then(|h| headers.get(h).and_then(|v| v.to_str().ok()))
        .and_then(|v| v.rsplit(',').next())
        .and_then(|s| {
            let s = s.trim();
            s.parse::<std::net::IpAddr>().ok().or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
        })
        .map(|ip| ip.to_string());
    from_header
        .or_else(|| extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()))
        .unwrap_or_else(|| "-".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_address_is_believed() {
        let name = HeaderName::from_static("x-forwarded-for");
        let peer = {
            let mut e = Extensions::new();
            e.insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 9], 5000))));
            e
        };
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(name.clone(), v.parse().unwrap());
            client_addr(&h, &peer, Some(&name))
        };
        assert_eq!(with("1.2.3.4, 192.0.2.7"), "192.0.2.7");
        assert_eq!(with("[2001:db8::1]:443"), "2001:db8::1");
        assert_eq!(with(&"A".repeat(5000)), "10.0.0.9", "not an address: the peer");
        assert_eq!(with("192.0.2.7, evil<script>"), "10.0.0.9");
        assert_eq!(client_addr(&HeaderMap::new(), &Extensions::new(), Some(&name)), "-");
    }
}
