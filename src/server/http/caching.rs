//! `Cache-Control` for what a response did not set itself: content-hashed assets are cached for
//! good, pages are checked with the server on every use, the other static files for a day, and
//! what carries data or a presigned link (every `/api/` reply, the share page) is never stored.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};

use super::assets::AssetNames;

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages name the signed-in person and fresh data: never from a shared cache, never reused unchecked.
pub const PAGE: &str = "private, no-cache";
pub const STATIC: &str = "public, max-age=86400";
/// Replies with personal data or a bearer link: not even the browser's own cache keeps them.
pub const NO_STORE: &str = "no-store";

/// `path`: a static file's path (else empty); `never_stored`: `never_stored(path)` of the request.
pub fn policy(path: &str, never_stored: bool, status: StatusCode, headers: &HeaderMap, assets: &AssetNames) -> Option<&'static str> {
    if headers.contains_key(header::CACHE_CONTROL) {
        return None;
    }
    // A 304 refreshes the cached copy's headers, so it must say the same as the 200.
    if matches!(status, StatusCode::OK | StatusCode::NOT_MODIFIED) && assets.is_immutable(path) {
        return Some(IMMUTABLE);
    }
    if never_stored {
        return Some(NO_STORE);
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.starts_with("text/html") || path.starts_with("/pkg/") || path == super::assets::PALETTE_SCRIPT || !status.is_success() {
        // Unhashed assets (a development build) change under the same name.
        return Some(PAGE);
    }
    is_public_file(path).then_some(STATIC)
}

/// Every `/api/` reply (data about people, a shared link) and the share page
/// (`/meetings/{id}/recordings/{id}/share`, which shows its sharer the presigned link).
pub fn never_stored(path: &str) -> bool {
    path.starts_with("/api/") || (path.starts_with("/meetings/") && path.ends_with("/share"))
}

/// The files the site serves: the build's assets, the palette's script, `public/`'s other files.
pub fn is_static_file(path: &str) -> bool {
    path.starts_with("/pkg/") || path == super::assets::PALETTE_SCRIPT || is_public_file(path)
}

/// The files in `public/` that anyone may cache for a day.
pub fn is_public_file(path: &str) -> bool {
    matches!(path, "/favicon.svg" | "/robots.txt")
}

pub fn apply(path: &str, never_stored: bool, status: StatusCode, headers: &mut HeaderMap, assets: &AssetNames) {
    if let Some(p) = policy(path, never_stored, status, headers, assets) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(p));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(content_type: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        h
    }

    #[test]
    fn hashed_assets_for_good_pages_checked_each_time() {
        let hashed = AssetNames::from_hashes("js: a\nwasm: b\ncss: c\n", "hash.txt").unwrap();
        assert_eq!(policy("/pkg/meeting-admin.b.wasm", never_stored("/pkg/meeting-admin.b.wasm"), StatusCode::OK, &with("application/wasm"), &hashed), Some(IMMUTABLE));
        assert_eq!(policy("/pkg/meeting-admin.c.css", never_stored("/pkg/meeting-admin.c.css"), StatusCode::OK, &with("text/css"), &hashed), Some(IMMUTABLE));
        assert_eq!(policy("/pkg/meeting-admin.c.css", never_stored("/pkg/meeting-admin.c.css"), StatusCode::NOT_MODIFIED, &HeaderMap::new(), &hashed), Some(IMMUTABLE));
        // A name that is not this build's is not promised to stay.
        assert_eq!(policy("/pkg/meeting-admin.old.wasm", never_stored("/pkg/meeting-admin.old.wasm"), StatusCode::NOT_FOUND, &with("text/html"), &hashed), Some(PAGE));
        assert_eq!(policy("/meetings/x/recordings", never_stored("/meetings/x/recordings"), StatusCode::OK, &with("text/html; charset=utf-8"), &hashed), Some(PAGE));
        assert_eq!(policy("/pkg/meeting-admin.wasm", never_stored("/pkg/meeting-admin.wasm"), StatusCode::OK, &with("application/wasm"), &AssetNames::plain()), Some(PAGE));
        assert_eq!(policy("/robots.txt", never_stored("/robots.txt"), StatusCode::OK, &with("text/plain"), &hashed), Some(STATIC));
        // Unhashed, so never reused unchecked: a new release's palette is taken at once.
        assert!(is_static_file("/palette.js"));
        assert_eq!(policy("/palette.js", never_stored("/palette.js"), StatusCode::OK, &with("text/javascript"), &hashed), Some(PAGE));
        assert_eq!(policy("/api/recordings/shared", never_stored("/api/recordings/shared"), StatusCode::OK, &with("application/json"), &hashed), Some(NO_STORE));
        assert_eq!(policy("/api/audit/search", never_stored("/api/audit/search"), StatusCode::FORBIDDEN, &with("application/json"), &hashed), Some(NO_STORE));
        assert_eq!(policy("/meetings/x/recordings/y/share", never_stored("/meetings/x/recordings/y/share"), StatusCode::OK, &with("text/html"), &hashed), Some(NO_STORE));
        let mut own = with("text/html");
        own.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        assert_eq!(policy("/x", never_stored("/x"), StatusCode::OK, &own, &hashed), None);
    }
}
