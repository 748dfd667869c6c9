//! Small bridges to the browser, for islands; on the server they do nothing.

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

/// A whole number the server wrote in an attribute (islands read what they need from the page).
#[cfg(feature = "hydrate")]
pub fn number_attr(el: &web_sys::Element, name: &str) -> Option<i64> {
    el.get_attribute(name)?.parse().ok()
}

/// The element an event happened on, or its nearest ancestor, that matches `selector`.
#[cfg(feature = "hydrate")]
pub fn target_closest(ev: &web_sys::Event, selector: &str) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    ev.target()?.dyn_into::<web_sys::Element>().ok()?.closest(selector).ok().flatten()
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

/// The text content of the element with this id.
pub fn text_of(id: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::document().get_element_by_id(id).and_then(|el| el.text_content())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
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

/// Whether this click will take the browser to another page of ours: a plain click on a link
/// that is neither a download nor meant for another window, and that nothing else handled.
pub fn leaves_page(ev: &leptos::ev::MouseEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        if ev.default_prevented() || ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
            return false;
        }
        let link = target_closest(ev, "a[href]");
        link.is_some_and(|a| !a.has_attribute("download") && a.get_attribute("target").is_none_or(|t| t == "_self"))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        false
    }
}

/// Whether a submit only closes a dialog (its form is `method="dialog"`), loading nothing.
pub fn closes_dialog(ev: &leptos::ev::SubmitEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|form| form.get_attribute("method"))
            .is_some_and(|m| m.eq_ignore_ascii_case("dialog"))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        false
    }
}

/// Runs `f` whenever the page is shown again from the browser's back-forward cache.
pub fn on_page_restored(f: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{closure::Closure, JsCast};
        let cb = Closure::<dyn Fn(web_sys::PageTransitionEvent)>::new(move |ev: web_sys::PageTransitionEvent| {
            if ev.persisted() {
                f();
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.add_event_listener_with_callback("pageshow", cb.as_ref().unchecked_ref());
        }
        // Lives as long as the page.
        cb.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = f;
}

/// Opens the `<dialog>` with this id as a modal; `on_close` runs once it closes, however it
/// is closed (Cancel, Escape). False when there is no such dialog.
pub fn show_modal(id: &str, on_close: impl FnOnce() + 'static) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{closure::Closure, JsCast};
        let Some(dialog) = leptos::prelude::document().get_element_by_id(id).and_then(|el| el.dyn_into::<web_sys::HtmlDialogElement>().ok()) else {
            return false;
        };
        let cb = Closure::once_into_js(on_close);
        dialog.set_onclose(Some(cb.unchecked_ref()));
        dialog.show_modal().is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (id, on_close);
        false
    }
}

/// Loads the page again from the server.
pub fn reload_page() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// GETs `url` (same origin, with the session cookie) and returns the body of a 2xx reply.
pub async fn fetch_text(url: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen_futures::JsFuture;
        let reply = JsFuture::from(web_sys::window()?.fetch_with_str(url)).await.ok()?.dyn_into::<web_sys::Response>().ok()?;
        if !reply.ok() {
            return None;
        }
        JsFuture::from(reply.text().ok()?).await.ok()?.as_string()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = url;
        None
    }
}
