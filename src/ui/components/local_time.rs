use leptos::prelude::*;

use crate::domain::{format_utc, push_utc};

/// A moment shown in UTC by the server, then in the reader's own zone once a `LocalTimes` island
/// on the page is live; UTC stays in the tooltip. A plain element, not an island of its own: an
/// island per table row made a page of 50 recordings 9% larger (its wrapper, its serialized
/// props) and gave the browser 50 islands to hydrate for one small job.
pub fn local_time(unix: i64) -> impl IntoView {
    let utc = format_utc(unix);
    let iso = iso_of(&utc);
    let title = utc.clone();
    view! { <time datetime=iso title=title data-unix=unix>{utc}</time> }
}

/// `local_time`'s element, written into `out` as HTML: for rows rendered as one string (the
/// recordings table). Both spellings are here, side by side, to stay the same element.
pub fn push_local_time(out: &mut String, unix: i64) {
    // Digits, '-', ':', ' ' and "UTC" only: nothing to escape. Pushed piece by piece rather than
    // `format!`ed: a page writes fifty, and formatting was a tenth of rendering it.
    let mut utc = String::with_capacity(24);
    push_utc(&mut utc, unix);
    out.push_str("<time datetime=\"");
    push_iso(out, &utc);
    out.push_str("\" title=\"");
    out.push_str(&utc);
    out.push_str("\" data-unix=\"");
    out.push_str(itoa::Buffer::new().format(unix));
    out.push_str("\">");
    out.push_str(&utc);
    out.push_str("</time>");
}

/// "2026-11-24 10:10 UTC" as "2026-11-24T10:10:00Z".
fn iso_of(utc: &str) -> String {
    let mut out = String::with_capacity(20);
    push_iso(&mut out, utc);
    out
}

fn push_iso(out: &mut String, utc: &str) {
    out.push_str(&utc[..10]);
    out.push('T');
    out.push_str(&utc[11..16]);
    out.push_str(":00Z");
}

/// Shows every `local_time` of its page in the reader's zone; it renders nothing itself. Put
/// it beside the times, so a page without any loads no code for it; a second one on a page
/// repeats the same work harmlessly.
#[island]
pub fn LocalTimes() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        to_local_times();
    });
}

#[cfg(feature = "hydrate")]
fn to_local_times() {
    use wasm_bindgen::JsCast;
    let Ok(times) = document().query_selector_all("time[data-unix]") else { return };
    for i in 0..times.length() {
        let Some(el) = times.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        if let Some(unix) = el.get_attribute("data-unix").and_then(|s| s.parse::<i64>().ok()) {
            el.set_text_content(Some(&local_string(unix)));
        }
    }
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
