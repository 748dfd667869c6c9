//! Which download links the vendor sends may be handed out, and in what form.

use url::Url;

/// Whether a download link the vendor sent may be handed out: https to a named host or a public
/// address, or plain http only from `http_origin` (demo files, or a mock vendor that is itself
/// plain http). Anything else (`javascript:`, `data:`, http elsewhere, an address on this
/// machine or a private network, text that is no URL) never is: the vendor's replies are
/// untrusted input too, and a link is a redirect we send a person's browser to. The link comes back as a browser would read it, so what is handed out is what was
/// checked.
pub fn linkable(raw: &str, http_origin: Option<&str>) -> Option<String> {
    // A presigned link is mostly its query (the signature), and every list checks every link.
    // The query never decides scheme or host, and the parser keeps a query of these bytes as it
    // is, so parsing the part before it gives the same answer at a fraction of the cost. (The
    // parser trims spaces and controls at the end of what it is given: the head must not end
    // in one, or it would be trimmed where the whole link keeps it.)
    if let Some((head, query)) = raw.split_once('?') {
        let ends_plainly = head.as_bytes().last().is_some_and(|&b| b > b' ');
        if ends_plainly && !head.contains('#') && query.bytes().all(kept_in_query) {
            let mut link = String::from(checked(head, http_origin)?);
            link.reserve(1 + query.len());
            link.push('?');
            link.push_str(query);
            return Some(link);
        }
    }
    checked(raw, http_origin).map(String::from)
}

/// Bytes a special URL's query keeps as they are: printable ASCII but for the query
/// percent-encode set (`"`, `#`, `<`, `>`, and `'` for http and https). Anything else (spaces,
/// controls, tabs the parser drops, non-ASCII) takes the full parse.
fn kept_in_query(b: u8) -> bool {
    matches!(b, 0x21..=0x7e) && !matches!(b, b'"' | b'#' | b'<' | b'>' | b'\'')
}

fn checked(raw: &str, http_origin: Option<&str>) -> Option<Url> {
    let u = Url::parse(raw).ok()?;
    let ok = match u.scheme() {
        "https" => u.host().is_some_and(|h| !internal(&h)),
        "http" => http_origin.is_some_and(|o| u.origin().ascii_serialization() == o),
        _ => false,
    };
    ok.then_some(u)
}

/// A host that names this machine or a private network rather than the vendor's storage.
fn internal(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Ipv4(ip) => ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified(),
        url::Host::Ipv6(ip) => {
            let unique_local = (ip.segments()[0] & 0xfe00) == 0xfc00;
            let link_local = (ip.segments()[0] & 0xffc0) == 0xfe80;
            ip.is_loopback() || ip.is_unspecified() || unique_local || link_local || ip.to_ipv4_mapped().is_some_and(|v4| internal(&url::Host::Ipv4(v4)))
        }
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.');
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{checked, linkable};

    const ORIGIN: Option<&str> = Some("http://meetings.internal:3000");

    #[test]
    fn only_https_links_are_handed_out() {
        let shown = |raw: &str| linkable(raw, ORIGIN);
        let s3 = "https://bucket.s3.amazonaws.com/r.webm?X-Amz-Signature=x";
        assert_eq!(shown(s3).as_deref(), Some(s3));
        assert!(linkable("http://127.0.0.1:3457/files/r.webm", Some("http://127.0.0.1:3457")).is_some(), "a plain-http mock vendor's own links");
        assert!(shown("http://meetings.internal:3000/demo-files/r.webm").is_some());
        // What a browser would make of it, not the raw text.
        assert_eq!(shown(" https://x/a\tb\u{1b}").as_deref(), Some("https://x/ab"));
        assert_eq!(shown("HTTPS://X.example:443/a/../b?s=1").as_deref(), Some("https://x.example/b?s=1"));
        for bad in [
            "http://bucket.s3.amazonaws.com/r.webm",
            "http://bucket.s3.amazonaws.com/r.webm?X-Amz-Signature=x",
            "javascript:alert(1)",
            "javascript:alert(1)?x=1",
            "data:text/html,x",
            "//evil.example/x",
            "",
            "ftp://h/x",
            "https://",
            "https://?x=1",
            "http://meetings.internal:3001/x?y",
            "http://127.0.0.1:3457/files/r.webm",
            "http://[::1]/r.webm",
            "http://0x7f.1/r.webm",
            "https://127.0.0.1/r.webm?X-Amz-Signature=x",
            "https://0x7f.1/r.webm",
            "https://[::1]/r.webm",
            "https://[::ffff:10.0.0.1]/r.webm",
            "https://10.1.2.3/r.webm",
            "https://192.168.0.1/r.webm",
            "https://169.254.169.254/latest/meta-data",
            "https://[fd00::1]/r.webm",
            "https://localhost/r.webm",
            "https://a.localhost./r.webm",
        ] {
            assert_eq!(shown(bad), None, "{bad}");
        }
    }

    /// The shortcut against the whole parse, over links built from the pieces that change how
    /// a URL parses: schemes as typed, hosts, userinfo, ports, dot segments, backslashes, and
    /// every byte the query encoding treats specially.
    #[test]
    fn the_query_shortcut_answers_as_the_whole_parse_does() {
        let heads = [
            "https://h.example", "HTTPS://H.EXAMPLE:443", " https://h.example", "\thttps://h.example", "https:h.example",
            "https:/h.example", "https:///h", "http://127.0.0.1:3457", "http://[::1]", "http://localhost", "http://LOCALHOST.",
            "http://meetings.internal:3000", "http://meetings.internal:3001", "http://0x7f.1", "http://u:p@evil.example",
            "https://u?:p@h.example", "javascript:alert(1)", "data:text/html,x", "//h.example", "https://h%2eexample",
            "https://xn--nxasmq6b", "https://h.example\\a\\..\\b", "https://h.example/a/./b/../c", "https://h.example/%2e%2E/x",
            "https://h.example/é", "https://h.example/a b", "https://h.example#frag", "https://h.example/\u{0}", "https://h.example/\u{0}\t",
            "https://h.example/ ", "https://h.example/\u{7f}", "",
        ];
        let tails = [
            "", "?", "?X-Amz-Signature=abc&X-Amz-Expires=3600", "?a=%zz", "?a=é", "?a b", "?a\tb", "?a\nb", "?a'b", "?a\"b",
            "?a<b>", "?a#b", "?a`b{}^|\\", "??", "?a=b ", "?a=\u{1}", "#x?y", "?x#y", "?/../..", "?%2e%2E",
        ];
        let mut cases = 0;
        for head in heads {
            for tail in tails {
                for tail2 in ["", "&z=1", " ", "'"] {
                    let raw = format!("{head}{tail}{tail2}");
                    let whole = checked(&raw, ORIGIN).map(String::from);
                    assert_eq!(linkable(&raw, ORIGIN), whole, "{raw:?}");
                    cases += 1;
                }
            }
        }
        // Every byte (as a character) just before the first `?`, and just after it.
        for b in 0..=255u8 {
            let c = char::from(b);
            for raw in [format!("https://h.example/r{c}?a=b"), format!("https://h.example/r.webm?a={c}b")] {
                assert_eq!(linkable(&raw, ORIGIN), checked(&raw, ORIGIN).map(String::from), "{raw:?}");
                cases += 1;
            }
        }
        assert!(cases > 2_000);
    }
}
