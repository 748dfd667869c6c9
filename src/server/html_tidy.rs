//! Leptos' server-rendered documents, made valid HTML without changing the DOM they build:
//! - its empty hydration markers `<!>` are parse errors ("bogus comment"); `<!---->` is the valid
//!   spelling of the same empty comment node;
//! - it appends the resolved-resources `<script>` after `</html>`, where a parser has to guess;
//!   moved to the end of `<body>`, it still runs before the (deferred) module that hydrates.
//!
//! And two additions to the head, which is written before the body is rendered:
//! - a page that asked for `REFRESH_HEADER` gets a refresh inside `<noscript>`, so it reloads
//!   itself without JavaScript and never with it (a `Refresh` header or a plain `<meta>` would
//!   reload a live page too, and a removed `<meta>` still fires);
//! - a page with islands gets a preload link for the wasm, so it downloads beside the stylesheet
//!   rather than after the page's script ran; a page without islands loads no wasm at all.

use axum::body::{to_bytes, Body};
use axum::response::Response;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::StatusCode;

/// Far above the largest page (5,000 recordings is ~11 MB).
const MAX_DOCUMENT: usize = 256 * 1024 * 1024;

/// A rendered page, tidied; any other response as it is.
pub async fn tidy(res: Response) -> Response {
    let html = res.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"));
    if !html {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let refresh = parts.headers.remove(crate::REFRESH_HEADER).and_then(|v| v.to_str().ok().and_then(|s| s.parse::<u32>().ok()));
    match to_bytes(body, MAX_DOCUMENT).await {
        Ok(bytes) => {
            parts.headers.remove(CONTENT_LENGTH);
            let (mut page, islands) = tidy_document(&bytes);
            if let Some(secs) = refresh {
                page = into_head(page, &format!("<noscript><meta http-equiv=\"refresh\" content=\"{secs}\"></noscript>"));
            }
            if islands {
                page = into_head(page, &wasm_preload(&super::assets::names().wasm));
            }
            Response::from_parts(parts, Body::from(page))
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot read a rendered page");
            let mut res = Response::new(Body::from("The page could not be rendered."));
            *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            res
        }
    }
}

/// The document with both fixes, and whether it has islands; anything that is not a whole
/// document comes back unchanged.
pub fn tidy_document(html: &[u8]) -> (Vec<u8>, bool) {
    let (Some(html_end), Some(body_end)) = (rfind(html, b"</html>"), rfind(html, b"</body>")) else {
        return (html.to_vec(), false);
    };
    if body_end > html_end || !html.starts_with(b"<!DOCTYPE html>") {
        return (html.to_vec(), false);
    }
    let trailing = &html[html_end + b"</html>".len()..];
    let mut out = Vec::with_capacity(html.len() + html.len() / 50);
    let islands = replace_markers(&html[..body_end], &mut out);
    out.extend_from_slice(trailing);
    out.extend_from_slice(&html[body_end..html_end]);
    out.extend_from_slice(b"</html>");
    (out, islands)
}

/// The preload link for the wasm, as the page's loader fetches it (`app::IslandScripts`).
fn wasm_preload(href: &str) -> String {
    format!("<link rel=\"preload\" href=\"{href}\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"\">")
}

/// `tag` right after `<head>` (a `<noscript>` with a `<meta>`, or a `<link>`: both valid there).
pub fn into_head(page: Vec<u8>, tag: &str) -> Vec<u8> {
    let Some(at) = find_from(&page, 0, b"<head>").map(|p| p + b"<head>".len()) else { return page };
    let mut out = Vec::with_capacity(page.len() + tag.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn find_from(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// Copies `html`, spelling each `<!>` between tags as `<!---->`. Comments, the insides of tags
/// (attribute values may hold any text) and of `<script>`/`<style>` are copied as they are.
/// True when it met an island.
fn replace_markers(html: &[u8], out: &mut Vec<u8>) -> bool {
    let mut islands = false;
    let mut i = 0;
    while i < html.len() {
        let Some(lt) = html[i..].iter().position(|&b| b == b'<').map(|p| p + i) else {
            out.extend_from_slice(&html[i..]);
            return islands;
        };
        out.extend_from_slice(&html[i..lt]);
        let rest = &html[lt..];
        let end = if rest.starts_with(b"<!>") {
            out.extend_from_slice(b"<!---->");
            i = lt + 3;
            continue;
        } else if rest.starts_with(b"<!--") {
            find_from(html, lt + 4, b"-->").map(|e| e + 3)
        } else if rest.starts_with(b"<script") || rest.starts_with(b"<style") {
            let close: &[u8] = if rest.starts_with(b"<script") { b"</script>" } else { b"</style>" };
            find_from(html, lt, close).map(|e| e + close.len())
        } else {
            islands |= rest.starts_with(b"<leptos-island ");
            tag_end(html, lt)
        };
        let end = end.unwrap_or(html.len());
        out.extend_from_slice(&html[lt..end]);
        i = end;
    }
    islands
}

/// Just past the `>` that closes the tag starting at `start`, skipping quoted attribute values.
fn tag_end(html: &[u8], start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in html.iter().enumerate().skip(start + 1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::tidy_document;

    fn tidy(s: &str) -> String {
        String::from_utf8(tidy_document(s.as_bytes()).0).unwrap()
    }

    #[test]
    fn markers_become_empty_comments_and_the_trailing_script_moves_into_body() {
        let page = r#"<!DOCTYPE html><html><head></head><body><!><p>a</p><!><!></body></html><script nonce="n">__R.push("<!>")</script>"#;
        assert_eq!(
            tidy(page),
            r#"<!DOCTYPE html><html><head></head><body><!----><p>a</p><!----><!----><script nonce="n">__R.push("<!>")</script></body></html>"#
        );
    }

    #[test]
    fn text_that_only_looks_like_a_marker_is_kept() {
        let page = r#"<!DOCTYPE html><html><body><input value="<!>" title='a>b'><!-- <!> --><script>x("<!>")</script><style>p::before{content:"<!>"}</style>&lt;!&gt;</body></html>"#;
        assert_eq!(tidy(page), page);
        // A quoted `>` does not end the tag, so the marker after it is still found.
        let page = r#"<!DOCTYPE html><html><body><a title="x>" data-y='>'><!></a><b title=""><!></b></body></html>"#;
        assert_eq!(tidy(page), page.replace("<!>", "<!---->"));
    }

    #[test]
    fn a_tag_goes_first_into_the_head() {
        let page = super::into_head(b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body></body></html>".to_vec(), "<noscript></noscript>");
        assert_eq!(
            String::from_utf8(page).unwrap(),
            r#"<!DOCTYPE html><html><head><noscript></noscript><meta charset="utf-8"></head><body></body></html>"#
        );
        assert_eq!(super::into_head(b"{}".to_vec(), "<link>"), b"{}");
    }

    #[test]
    fn islands_are_noticed_where_they_are_elements() {
        let with = r#"<!DOCTYPE html><html><head></head><body><leptos-island data-component="X_1"><p>a</p></leptos-island></body></html>"#;
        assert!(tidy_document(with.as_bytes()).1);
        // Not in a script, an attribute, a comment or text.
        let without = r#"<!DOCTYPE html><html><head></head><body><p title="<leptos-island x>">&lt;leptos-island </p><!-- <leptos-island a> --><script>"<leptos-island b>"</script></body></html>"#;
        assert!(!tidy_document(without.as_bytes()).1);
        assert_eq!(
            super::wasm_preload("/pkg/m.H.wasm"),
            r#"<link rel="preload" href="/pkg/m.H.wasm" as="fetch" type="application/wasm" crossorigin="">"#
        );
    }

    #[test]
    fn anything_but_a_whole_document_is_left_alone() {
        for s in ["<p><!></p>", "", "<!DOCTYPE html><html><body><!>", "{\"kind\":\"x\"}"] {
            assert_eq!(tidy(s), s);
        }
    }
}
