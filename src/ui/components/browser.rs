//! Small bridges to the browser, for the hydrated app only; on the server they do nothing.

/// The browser's IANA time zone (e.g. "Europe/Riga").
pub fn browser_zone() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new()).resolved_options();
        js_sys::Reflect::get(&options, &"timeZone".into()).ok().and_then(|v| v.as_string())
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Moves focus to the element with this id (and scrolls it into view).
pub fn focus_id(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = leptos::prelude::document().get_element_by_id(id) {
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Copies text to the clipboard; true when the browser accepted the request.
pub fn copy_text(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(text);
            return true;
        }
        false
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        false
    }
}

/// The plain text being pasted.
pub fn pasted_text(ev: &leptos::ev::ClipboardEvent) -> String {
    #[cfg(feature = "hydrate")]
    {
        ev.clipboard_data().and_then(|d| d.get_data("text").ok()).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        String::new()
    }
}
