//! Trusted identity headers, set by a gateway such as oauth2-proxy or an nginx `auth_request`.
//! Honoured only from the gateway's own address; a header that is doubled, or sent in an
//! underscore spelling some proxies pass through unfiltered, makes the request refused.

use std::net::IpAddr;

use http::{HeaderMap, HeaderName};

use super::cidr::Cidr;

#[derive(Debug, Clone)]
pub struct HeaderSettings {
    pub user: HeaderName,
    pub groups: Option<HeaderName>,
    pub trusted_proxies: Vec<Cidr>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromHeaders {
    Absent,
    /// Sent by someone other than the gateway: ignored.
    Untrusted,
    Identity { identity: String, groups: Vec<String> },
    Refused(String),
}

/// The header's value, refusing a request that sends it twice (which copy would a proxy have set?).
pub fn at_most_once<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<Option<&'h http::HeaderValue>, String> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(format!("the request carries the {name} header more than once"));
    }
    Ok(first)
}

/// The header's value, if it is there exactly once and not also in a look-alike spelling.
fn single(headers: &HeaderMap, name: &HeaderName) -> Result<Option<String>, String> {
    let twin = name.as_str().replace('-', "_");
    if headers.keys().any(|k| k.as_str() != name.as_str() && k.as_str().replace('-', "_") == twin) {
        return Err(format!("the request carries a look-alike of the {name} header"));
    }
    match at_most_once(headers, name)? {
        None => Ok(None),
        Some(v) => v.to_str().map(|s| Some(s.trim().to_owned())).map_err(|_| format!("the {name} header is not text")),
    }
}

pub fn identify(s: &HeaderSettings, headers: &HeaderMap, peer: Option<IpAddr>) -> FromHeaders {
    let user = match single(headers, &s.user) {
        Ok(u) => u,
        Err(why) => return FromHeaders::Refused(why),
    };
    let groups = match s.groups.as_ref().map(|g| single(headers, g)).transpose() {
        Ok(g) => g.flatten(),
        Err(why) => return FromHeaders::Refused(why),
    };
    let Some(user) = user.filter(|u| !u.is_empty()) else { return FromHeaders::Absent };
    let trusted = peer.is_some_and(|ip| s.trusted_proxies.iter().any(|c| c.contains(ip)));
    if !trusted {
        return FromHeaders::Untrusted;
    }
    FromHeaders::Identity { identity: user, groups: groups.map(|g| super::roles::parse_groups(&g)).unwrap_or_default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> HeaderSettings {
        HeaderSettings {
            user: HeaderName::from_static("x-forwarded-email"),
            groups: Some(HeaderName::from_static("x-forwarded-groups")),
            trusted_proxies: vec![Cidr::parse("10.0.0.5").unwrap()],
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn honoured_only_from_the_gateway() {
        let h = headers(&[("x-forwarded-email", "ada@example.com"), ("x-forwarded-groups", "ops, staff")]);
        let gw = Some("10.0.0.5".parse().unwrap());
        assert_eq!(
            identify(&settings(), &h, gw),
            FromHeaders::Identity { identity: "ada@example.com".into(), groups: vec!["ops".into(), "staff".into()] }
        );
        assert_eq!(identify(&settings(), &h, Some("10.0.0.6".parse().unwrap())), FromHeaders::Untrusted);
        assert_eq!(identify(&settings(), &HeaderMap::new(), gw), FromHeaders::Absent);
    }

    #[test]
    fn doubled_and_look_alike_headers_are_refused() {
        let gw = Some("10.0.0.5".parse().unwrap());
        let twice = headers(&[("x-forwarded-email", "a@x"), ("x-forwarded-email", "b@x")]);
        assert!(matches!(identify(&settings(), &twice, gw), FromHeaders::Refused(m) if m.contains("more than once")));
        let under = headers(&[("x-forwarded-email", "a@x"), ("x_forwarded_email", "b@x")]);
        assert!(matches!(identify(&settings(), &under, gw), FromHeaders::Refused(m) if m.contains("look-alike")));
        let groups_under = headers(&[("x-forwarded-email", "a@x"), ("x_forwarded_groups", "admins")]);
        assert!(matches!(identify(&settings(), &groups_under, gw), FromHeaders::Refused(_)));
    }
}
