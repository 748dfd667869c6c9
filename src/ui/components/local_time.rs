use leptos::prelude::*;

use crate::domain::format_utc;

/// A moment shown in UTC by the server, then in the reader's own zone once the page is live;
/// UTC stays in the tooltip. An island: the only part of its page that needs the browser.
#[island]
pub fn LocalTime(unix: i64) -> impl IntoView {
    let utc = format_utc(unix);
    let text = RwSignal::new(utc.clone());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        text.set(local_string(unix));
    });
    let iso = {
        let s = utc.clone();
        format!("{}T{}:00Z", &s[..10], &s[11..16])
    };
    view! { <time datetime=iso title=utc>{move || text.get()}</time> }
}

#[cfg(feature = "hydrate")]
fn local_string(unix: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    let options = js_sys::Object::new();
    for (k, v) in [("year", "numeric"), ("month", "short"), ("day", "numeric"), ("hour", "2-digit"), ("minute", "2-digit"), ("timeZoneName", "short")] {
        let _ = js_sys::Reflect::set(&options, &k.into(), &v.into());
    }
    date.to_locale_string("en-GB", &options).into()
}
