use leptos::prelude::*;

use crate::domain::when;

/// "2026-12-01 14:05 UTC (in 12 min)", counted from the server's clock when the page was made
/// and kept counting once the page is live (an island).
#[island]
pub fn Countdown(at_ms: i64, now_ms: i64) -> impl IntoView {
    let text = RwSignal::new(when(at_ms, now_ms));
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            // The browser's clock may be off; only its ticks are used.
            let skew = now_ms - js_sys::Date::now() as i64;
            let tick = move || {
                let _ = text.try_set(when(at_ms, js_sys::Date::now() as i64 + skew));
            };
            if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
                on_cleanup(move || handle.clear());
            }
        }
    });
    view! { <span class="countdown">{move || text.get()}</span> }
}
