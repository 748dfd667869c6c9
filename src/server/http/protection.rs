//! What protects every response and every change: the deployment's origin, the Content
//! Security Policy with its per-request nonce, the other protective headers, and the check that
//! a state-changing request came from our own pages.

use axum::http::{header, HeaderMap, HeaderValue};

/// Where the guards get their view of the deployment.
#[derive(Debug, Clone)]
pub struct GuardSettings {
    /// `PUBLIC_URL` as an origin, e.g. `https://meetings.example.com`.
    pub public_origin: String,
    pub https: bool,
    /// The Content-Security-Policy, all but its per-request nonce.
    pub csp: Csp,
}

/// Why a state-changing request was refused (also what the audit log records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrossSite {
    FetchSite(String),
    Origin(String),
    Referer(String),
    NoProvenance,
}

impl std::fmt::Display for CrossSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::FetchSite(s) => write!(f, "Sec-Fetch-Site is '{s}'"),
            Self::Origin(o) => write!(f, "Origin '{o}' is not ours"),
            Self::Referer(r) => write!(f, "Referer '{r}' is not ours"),
            Self::NoProvenance => f.write_str("no Sec-Fetch-Site, Origin or Referer"),
        }
    }
}

/// A request another site's page started (a link, an image, a form): `Sec-Fetch-Site:
/// cross-site`. A GET that writes something (an audit entry, a person's own list) writes nothing
/// for it, since with `SameSite=Lax` the visitor's session comes along.
pub fn from_another_site(headers: &HeaderMap) -> bool {
    headers.get("sec-fetch-site").is_some_and(|v| v == "cross-site")
}

/// `Sec-Fetch-Site: same-origin` or an `Origin` equal to ours passes; `Referer` is consulted
/// only when both are absent; a request with none of the three is refused.
pub fn check_provenance(headers: &HeaderMap, public_origin: &str) -> Result<(), CrossSite> {
    let get = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).map(str::to_owned);
    if fetch_site.as_deref() == Some("same-origin") {
        return Ok(());
    }
    if let Some(origin) = get(header::ORIGIN) {
        return if origin.trim_end_matches('/') == public_origin { Ok(()) } else { Err(CrossSite::Origin(origin)) };
    }
    if let Some(site) = fetch_site {
        return Err(CrossSite::FetchSite(site));
    }
    match get(header::REFERER) {
        Some(r) => {
            let ours = url::Url::parse(&r).map(|u| u.origin().ascii_serialization() == public_origin).unwrap_or(false);
            if ours { Ok(()) } else { Err(CrossSite::Referer(r)) }
        }
        None => Err(CrossSite::NoProvenance),
    }
}

/// The per-request CSP nonce; Leptos puts it on the hydration scripts.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// 128 random bits as hex.
pub fn new_nonce() -> String {
    use rand::RngCore;
    use std::fmt::Write as _;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let mut hex = String::with_capacity(32);
    for b in bytes {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// The policy around its nonce, put together once at start-up rather than on every response.
#[derive(Debug, Clone)]
pub struct Csp {
    before_nonce: String,
    after_nonce: String,
}

impl Csp {
    /// `media_origins`: where the preview player may load video from (the recordings' storage).
    /// `sign_out_origins`: the OpenID Connect providers' origins, where signing out goes on to
    /// (a form's redirect is held to `form-action` too).
    pub fn new(media_origins: &[String], sign_out_origins: &[String]) -> Self {
        let media = std::iter::once("'self'").chain(media_origins.iter().map(String::as_str)).collect::<Vec<_>>().join(" ");
        let forms = std::iter::once("'self'").chain(sign_out_origins.iter().map(String::as_str)).collect::<Vec<_>>().join(" ");
        Self {
            before_nonce: "default-src 'self'; script-src 'self' 'nonce-".to_owned(),
            after_nonce: format!(
                "' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; media-src {media}; connect-src 'self'; \
                 object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action {forms}"
            ),
        }
    }

    pub fn with_nonce(&self, nonce: &str) -> String {
        let mut csp = String::with_capacity(self.before_nonce.len() + nonce.len() + self.after_nonce.len());
        csp.push_str(&self.before_nonce);
        csp.push_str(nonce);
        csp.push_str(&self.after_nonce);
        csp
    }
}

/// The protective headers every response gets; `nonce` is the one this response's scripts carry.
pub fn security_headers(settings: &GuardSettings, nonce: &str, h: &mut HeaderMap) {
    if let Ok(v) = HeaderValue::from_str(&settings.csp.with_nonce(nonce)) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // `same-origin`, not `no-referrer`: cross-origin requests (such as a presigned download) get
    // no Referer either way, but our own no-JavaScript form posts need it to show their errors.
    h.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if settings.https {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = "https://meetings.example.com";

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn provenance_rules() {
        assert!(check_provenance(&headers(&[("sec-fetch-site", "same-origin")]), OURS).is_ok());
        assert!(check_provenance(&headers(&[("origin", OURS)]), OURS).is_ok());
        assert!(check_provenance(&headers(&[("sec-fetch-site", "same-site"), ("origin", OURS)]), OURS).is_ok());
        assert_eq!(
            check_provenance(&headers(&[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")]), OURS),
            Err(CrossSite::Origin("https://evil.example".into()))
        );
        assert_eq!(
            check_provenance(&headers(&[("sec-fetch-site", "cross-site")]), OURS),
            Err(CrossSite::FetchSite("cross-site".into()))
        );
        assert!(check_provenance(&headers(&[("referer", "https://meetings.example.com/x?y")]), OURS).is_ok());
        // Referer counts only when Origin is absent.
        assert!(check_provenance(&headers(&[("origin", "null"), ("referer", "https://meetings.example.com/")]), OURS).is_err());
        assert!(check_provenance(&headers(&[("referer", "https://meetings.example.com.evil.example/")]), OURS).is_err());
        assert_eq!(check_provenance(&HeaderMap::new(), OURS), Err(CrossSite::NoProvenance));
    }

    #[test]
    fn csp_has_what_the_review_asks_for() {
        let csp = Csp::new(&["https://*.amazonaws.com".into()], &["https://acme.okta.com".into()]).with_nonce("abc");
        for part in ["'nonce-abc'", "'wasm-unsafe-eval'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "media-src 'self' https://*.amazonaws.com", "form-action 'self' https://acme.okta.com"] {
            assert!(csp.contains(part), "{part} in {csp}");
        }
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.starts_with("default-src 'self'; script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'; style-src 'self';"), "{csp}");
        let nonce = new_nonce();
        assert!(nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_hexdigit()), "{nonce}");
    }
}
