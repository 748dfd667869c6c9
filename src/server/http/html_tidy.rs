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
use memchr::memmem;

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
            let refresh = refresh.map(|secs| format!("<noscript><meta http-equiv=\"refresh\" content=\"{secs}\"></noscript>"));
            let page = tidy_document(&bytes, refresh.as_deref().unwrap_or(""), wasm_preload());
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

/// The document with both fixes, `head` first in its head, and `if_islands` before that when
/// the page has islands; anything that is not a whole document comes back unchanged. One pass
/// and one buffer: this runs on every page, and a copy per addition to the head showed in
/// profiles.
pub fn tidy_document(html: &[u8], head: &str, if_islands: &str) -> Vec<u8> {
    let (Some(html_end), Some(body_end)) = (memmem::rfind(html, b"</html>"), memmem::rfind(html, b"</body>")) else {
        return html.to_vec();
    };
    if body_end > html_end || !html.starts_with(b"<!DOCTYPE html>") {
        return html.to_vec();
    }
    let trailing = &html[html_end + b"</html>".len()..];
    let mut out = Vec::with_capacity(html.len() + html.len() / 50 + head.len() + if_islands.len());
    // Only the doctype and `<html>` come before `<head>`: nothing there to mend.
    let head_at = memmem::find(&html[..body_end], b"<head>").map_or(0, |p| p + b"<head>".len());
    out.extend_from_slice(&html[..head_at]);
    // The preload goes in before the page is copied whenever its text is there, and comes out
    // again in the rare page where that text is no element (in an attribute, a script or a
    // comment): added after the copy, it would move the whole page along.
    let at = out.len();
    let maybe_islands = head_at > 0 && memmem::find(&html[head_at..body_end], ISLAND).is_some();
    if maybe_islands {
        out.extend_from_slice(if_islands.as_bytes());
    }
    if head_at > 0 {
        out.extend_from_slice(head.as_bytes());
    }
    let islands = replace_markers(&html[head_at..body_end], &mut out);
    out.extend_from_slice(trailing);
    out.extend_from_slice(&html[body_end..html_end]);
    out.extend_from_slice(b"</html>");
    if maybe_islands && !islands {
        out.drain(at..at + if_islands.len());
    }
    out
}

/// How an island's element starts.
const ISLAND: &[u8] = b"<leptos-island ";

/// The preload link for the wasm, as the page's loader fetches it (`app::IslandScripts`).
fn wasm_preload() -> &'static str {
    static LINK: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LINK.get_or_init(|| preload_link(&super::assets::names().wasm))
}

fn preload_link(href: &str) -> String {
    format!("<link rel=\"preload\" href=\"{href}\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"\">")
}

fn find_from(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memmem::find(haystack.get(from..)?, needle).map(|p| p + from)
}

/// Copies `html`, spelling each `<!>` between tags as `<!---->`. Comments, the insides of tags
/// (attribute values may hold any text) and of `<script>`/`<style>` are copied as they are.
/// True when it met an island.
fn replace_markers(html: &[u8], out: &mut Vec<u8>) -> bool {
    let mut islands = false;
    // Copied in runs between markers, not piece by piece: most of a page needs no change.
    let mut copied = 0;
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &html[i..]).map(|p| p + i) {
        let rest = &html[lt..];
        let end = if rest.starts_with(b"<!>") {
            out.extend_from_slice(&html[copied..lt]);
            out.extend_from_slice(b"<!---->");
            copied = lt + 3;
            Some(lt + 3)
        } else if rest.starts_with(b"<!--") {
            find_from(html, lt + 4, b"-->").map(|e| e + 3)
        } else if rest.starts_with(b"<script") || rest.starts_with(b"<style") {
            let close: &[u8] = if rest.starts_with(b"<script") { b"</script>" } else { b"</style>" };
            find_from(html, lt, close).map(|e| e + close.len())
        } else {
            islands |= rest.starts_with(ISLAND);
            tag_end(html, lt)
        };
        match end {
            Some(end) => i = end,
            None => break,
        }
    }
    out.extend_from_slice(&html[copied..]);
    islands
}

/// Just past the `>` that closes the tag starting at `start`, skipping quoted attribute values.
fn tag_end(html: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        let at = i + memchr::memchr3(b'"', b'\'', b'>', html.get(i..)?)?;
        match html[at] {
            b'>' => return Some(at + 1),
            quote => i = at + 1 + memchr::memchr(quote, &html[at + 1..])? + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tidy_document;

    fn tidy(s: &str) -> String {
        String::from_utf8(tidy_document(s.as_bytes(), "", "<link>")).unwrap()
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
    fn tags_go_first_into_the_head_the_preload_only_with_islands() {
        let page = |body: &str| format!(r#"<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>{body}</body></html>"#);
        let tidy = |s: &str| String::from_utf8(tidy_document(s.as_bytes(), "<noscript></noscript>", "<link>")).unwrap();
        assert_eq!(tidy(&page("<p><!></p>")), page("<p><!----></p>").replace("<head>", "<head><noscript></noscript>"));
        let island = r#"<leptos-island data-component="X_1"><!></leptos-island>"#;
        assert_eq!(tidy(&page(island)), page(&island.replace("<!>", "<!---->")).replace("<head>", "<head><link><noscript></noscript>"));
        let headless = "<!DOCTYPE html><html><body><!></body></html>";
        assert_eq!(tidy(headless), "<!DOCTYPE html><html><body><!----></body></html>", "no head, nothing added");
    }

    #[test]
    fn islands_are_noticed_where_they_are_elements() {
        let preloads = |page: &str| tidy_document(page.as_bytes(), "", "<link>").starts_with(b"<!DOCTYPE html><html><head><link>");
        let with = r#"<!DOCTYPE html><html><head></head><body><leptos-island data-component="X_1"><p>a</p></leptos-island></body></html>"#;
        assert!(preloads(with));
        // Not in a script, an attribute, a comment or text.
        let without = r#"<!DOCTYPE html><html><head></head><body><p title="<leptos-island x>">&lt;leptos-island </p><!-- <leptos-island a> --><script>"<leptos-island b>"</script></body></html>"#;
        assert!(!preloads(without));
        assert_eq!(
            super::preload_link("/pkg/m.H.wasm"),
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
