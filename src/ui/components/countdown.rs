use leptos::prelude::*;

use crate::domain::{format_rfc3339_ms, format_utc_ms, relative};

/// "1 Dec 2026, 15:05 CET (in 12 min)": `shown` is the moment as the page writes it (in the
/// reader's zone, see `moment`); the part in brackets is counted from the server's clock when
/// the page was made and keeps counting once the page is live, in seconds in the last minute.
/// `reload_when_due`: the page is made again 2 s after the time, once, to show what happened.
#[island]
pub fn Countdown(at_ms: i64, now_ms: i64, shown: String, reload_when_due: bool) -> impl IntoView {
    let text = RwSignal::new(relative(at_ms - now_ms));
    #[cfg(not(feature = "hydrate"))]
    let _ = reload_when_due;
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            // The browser's clock may be off; only its ticks are used.
            let skew = now_ms - js_sys::Date::now() as i64;
            // Only a page made before the time reloads, so a late run cannot make a reload loop.
            let reload = std::cell::Cell::new(reload_when_due && now_ms < at_ms);
            let tick = move || {
                let now = js_sys::Date::now() as i64 + skew;
                let _ = text.try_set(relative(at_ms - now));
                if reload.get() && now >= at_ms + 2_000 {
                    reload.set(false);
                    super::browser::reload_page();
                }
            };
            if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
                on_cleanup(move || handle.clear());
            }
        }
    });
    view! {
        <span class="countdown">
            <time datetime=format_rfc3339_ms(at_ms) title=format_utc_ms(at_ms)>{shown}</time>
            " " <span class="countdown-relative">{move || format!("({})", text.get())}</span>
        </span>
    }
}

/// A `Countdown` to `at_ms`, written in the reader's zone.
pub fn countdown(at_ms: i64, now_ms: i64, reload_when_due: bool) -> impl IntoView {
    let shown = super::reader_zone().format(at_ms.div_euclid(1000));
    view! { <Countdown at_ms now_ms shown reload_when_due/> }
}
