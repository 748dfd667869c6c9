//! Following work that goes on (a batch, a case's deletions) from the page that shows it.

use leptos::prelude::*;

use super::browser::{fetch_text, reload_page};

/// Without JavaScript, the page reloads itself in `secs` while work goes on (a refresh inside
/// `<noscript>`, put there by `server::http::html_tidy`).
pub fn refresh_in(secs: i64) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(v) = http::HeaderValue::from_str(&secs.to_string()) {
            res.insert_header(http::HeaderName::from_static(crate::REFRESH_HEADER), v);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = secs;
}

/// While the work goes on, asks where the work stands every 2 s and reloads the page once it
/// moved on (an island with nothing to show). `seen` is the answer as the page was made, in the
/// reply's own JSON, so the browser compares text and decodes nothing.
#[island]
pub fn FollowProgress(progress_url: String, seen: String) -> impl IntoView {
    Effect::new(move |_| {
        let (url, seen) = (progress_url.clone(), seen.clone());
        let poll = move || {
            let (url, seen) = (url.clone(), seen.clone());
            leptos::task::spawn_local(async move {
                // A failed read tries again at the next tick.
                if fetch_text(&url).await.is_some_and(|now| now != seen) {
                    reload_page();
                }
            });
        };
        if let Ok(handle) = set_interval_with_handle(poll, std::time::Duration::from_secs(2)) {
            on_cleanup(move || handle.clear());
        }
    });
}

