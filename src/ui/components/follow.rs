//! Following work that goes on (a batch, a case's deletions) from the page that shows it.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
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

/// While the work goes on, asks `progress_url` where the work stands every 2 s and reloads the
/// page once it moved on. `seen` is the answer as the page was made, in the reply's own JSON, so
/// the browser compares text and decodes nothing.
pub fn follow_progress(progress_url: String, seen: String) -> impl IntoView {
    view! { <FollowProgress><span hidden data-progress-url=progress_url data-seen=seen></span></FollowProgress> }
}

/// An island with nothing to show: it reads the address and the answer seen from its element's
/// data attributes (islands take no props, so the bundle carries no JSON decoder).
#[island]
fn FollowProgress(children: Children) -> impl IntoView {
    let me = NodeRef::<leptos::html::Span>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let Some(data) = me.get().and_then(|el| el.query_selector("[data-progress-url]").ok().flatten()) else { return };
        let (Some(url), Some(seen)) = (data.get_attribute("data-progress-url"), data.get_attribute("data-seen")) else { return };
        let poll = move || {
            let (url, seen) = (url.clone(), seen.clone());
            leptos::task::spawn_local(async move {
                // A failed read tries again at the next tick.
                if fetch_text(&url).await.is_some_and(|now| now != seen) {
                    reload_page();
                }
            });
        };
        set_interval(poll, std::time::Duration::from_secs(2));
    });
    view! { <span class="follow-progress" node_ref=me>{children()}</span> }
}
