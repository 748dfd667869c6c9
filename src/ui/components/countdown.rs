use leptos::prelude::*;

use crate::domain::relative;

/// A live "(in 12 min)" after a moment the server wrote: the island reads the moment, the
/// server's clock and whether to reload from its element's data attributes (islands take no
/// props, so the bundle carries no JSON decoder) and counts on in seconds in the last minute.
#[island]
pub fn Countdown(children: Children) -> impl IntoView {
    let me = NodeRef::<leptos::html::Span>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(el) = me.get() {
            live::count(&el);
        }
    });
    view! { <span class="countdown" node_ref=me>{children()}</span> }
}

/// "1 Dec 2026, 15:05 CET (in 12 min)": the moment in the reader's zone (see `moment`), then
/// how far it is, counted from the server's clock when the page was made.
/// `reload_when_due`: the page is made again 2 s after the time, once, to show what happened.
pub fn countdown(at_ms: i64, now_ms: i64, reload_when_due: bool) -> impl IntoView {
    view! {
        <Countdown>
            {super::local_time_ms(at_ms)}
            " "
            <span class="countdown-relative" data-at=at_ms data-now=now_ms data-reload=reload_when_due.then_some("")>
                {format!("({})", relative(at_ms - now_ms))}
            </span>
        </Countdown>
    }
}

#[cfg(feature = "hydrate")]
mod live {
    use crate::domain::relative;
    use crate::ui::components::browser::{number_attr, reload_page};

    pub fn count(root: &web_sys::Element) {
        let Ok(Some(text)) = root.query_selector(".countdown-relative") else { return };
        let (Some(at_ms), Some(now_ms)) = (number_attr(&text, "data-at"), number_attr(&text, "data-now")) else { return };
        // The browser's clock may be off; only its ticks are used.
        let skew = now_ms - js_sys::Date::now() as i64;
        // Only a page made before the time reloads, so a late run cannot make a reload loop.
        let reload = std::cell::Cell::new(text.has_attribute("data-reload") && now_ms < at_ms);
        leptos::prelude::set_interval(
            move || {
                let now = js_sys::Date::now() as i64 + skew;
                text.set_text_content(Some(&format!("({})", relative(at_ms - now))));
                if reload.get() && now >= at_ms + 2_000 {
                    reload.set(false);
                    reload_page();
                }
            },
            std::time::Duration::from_secs(1),
        );
    }
}
