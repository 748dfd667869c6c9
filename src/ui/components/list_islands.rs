//! The islands of the recordings list: what it does in the browser beyond plain links and forms.

use leptos::ev::{MouseEvent, SubmitEvent};
use leptos::prelude::*;

use crate::ui::components::browser::{closes_dialog, leaves_page, on_page_restored};
#[cfg(feature = "hydrate")]
use crate::ui::components::browser::{show_modal, target_closest};

/// The list, marked busy while the next page, order or refresh loads. Those are plain links
/// and forms, so the browser keeps this page on screen until the next one arrives.
#[island]
pub fn PendingList(children: Children) -> impl IntoView {
    let busy = RwSignal::new(false);
    let on_click = move |ev: MouseEvent| {
        if leaves_page(&ev) {
            busy.set(true);
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        // A dialog's Cancel loads nothing: the list is not waiting for anything.
        if !ev.default_prevented() && !closes_dialog(&ev) {
            busy.set(true);
        }
    };
    // Back to this page from the browser's memory: it is no longer waiting.
    on_page_restored(move || busy.set(false));
    view! {
        <div class="recordings-list" aria-busy=move || if busy.get() { "true" } else { "false" } on:click=on_click on:submit=on_submit>
            {children()}
        </div>
    }
}

/// "Delete all recordings": a link to the confirmation page, which with JavaScript opens the
/// confirmation dialog `dialog` instead (named in the link's `data-dialog`, as islands take no
/// props). Focus comes back to the link however the dialog closes.
pub fn delete_opener(href: String, dialog: &'static str) -> impl IntoView {
    view! { <DeleteOpener><a class="button danger" href=href data-dialog=dialog>"Delete all recordings"</a></DeleteOpener> }
}

#[island]
fn DeleteOpener(children: Children) -> impl IntoView {
    let open = move |ev: MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(link) = target_closest(&ev, "a[data-dialog]") {
                let dialog = link.get_attribute("data-dialog").unwrap_or_default();
                let back = move || {
                    if let Some(a) = link.dyn_ref::<web_sys::HtmlElement>() {
                        let _ = a.focus();
                    }
                };
                if show_modal(&dialog, back) {
                    ev.prevent_default();
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! { <span class="delete-opener" on:click=open>{children()}</span> }
}
