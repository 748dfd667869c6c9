//! The one scrubber for text that came from outside and goes on to a page, a log line, the
//! audit log or a webhook: the vendor's error messages above all, which a vendor (or a proxy or
//! WAF in front of it) may fill with the key it was sent or a presigned link. It removes the
//! API key, every URL's query string (where presigned signatures live), presigned parameters
//! standing on their own, and bearer tokens.

const REDACTED: &str = "[redacted]";

/// `text` without the key (when it is long enough to be one), query strings, presigned
/// parameters or bearer tokens.
pub fn scrub(text: &str, key: &str) -> String {
    let text = if key.len() >= 8 { text.replace(key, REDACTED) } else { text.to_owned() };
    let text = without_url_queries(&text);
    let text = after_each(&text, "X-Amz-", |value| value.find('=').map(|eq| eq + 1));
    after_each(&text, "Bearer ", |_| Some(0))
}

fn token_len(s: &str) -> usize {
    s.find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ',' | ';' | '&')).unwrap_or(s.len())
}

/// Each `marker` (case-insensitive), with the token after it redacted from the offset `from`
/// gives into it (`None`: left as it is).
fn after_each(text: &str, marker: &str, from: impl Fn(&str) -> Option<usize>) -> String {
    let lower = text.to_ascii_lowercase();
    let needle = marker.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(i) = lower[at..].find(&needle).map(|i| i + at) {
        let start = i + marker.len();
        let token = &text[start..start + token_len(&text[start..])];
        match from(token) {
            Some(keep) if keep < token.len() => {
                out.push_str(&text[at..start + keep]);
                out.push_str(REDACTED);
            }
            _ => out.push_str(&text[at..start + token.len()]),
        }
        at = start + token.len();
    }
    out.push_str(&text[at..]);
    out
}

fn without_url_queries(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("http://").into_iter().chain(rest.find("https://")).min() {
        out.push_str(&rest[..start]);
        let url_len = rest[start..].find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>')).unwrap_or(rest.len() - start);
        let url = &rest[start..start + url_len];
        match url.find('?') {
            Some(q) => {
                out.push_str(&url[..q]);
                out.push('?');
                out.push_str(REDACTED);
            }
            None => out.push_str(url),
        }
        rest = &rest[start + url_len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::scrub;

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn scrubs_key_and_signatures() {
        let text = format!(
            "refused key {KEY}; see https://s3.amazonaws.com/b/r.webm?X-Amz-Signature=abc&X-Amz-Credential=x, or http://h/p"
        );
        assert_eq!(scrub(&text, KEY), "refused key [redacted]; see https://s3.amazonaws.com/b/r.webm?[redacted] or http://h/p");
    }

    #[test]
    fn loose_presigned_parameters_and_bearer_tokens_go_too() {
        assert_eq!(
            scrub("bad query X-Amz-Signature=deadbeef&x-amz-credential=AKIA/2026 for r.webm", KEY),
            "bad query X-Amz-Signature=[redacted]&x-amz-credential=[redacted] for r.webm"
        );
        assert_eq!(scrub("header was 'Authorization: Bearer eyJhbGciOi.x.y'", KEY), "header was 'Authorization: Bearer [redacted]'");
        assert_eq!(scrub("X-Amz- alone, Bearer", KEY), "X-Amz- alone, Bearer");
        assert_eq!(scrub("Zoë — 会議 ✓ has no secret", KEY), "Zoë — 会議 ✓ has no secret");
        assert_eq!(scrub("short key k stays", "k"), "short key k stays", "a key too short to be one is not searched for");
    }
}
