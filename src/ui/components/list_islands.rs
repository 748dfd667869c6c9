//! The islands of the recordings list: what it does in the browser beyond plain links and forms.

use leptos::ev::{MouseEvent, SubmitEvent};
use leptos::prelude::*;

use crate::ui::components::browser::{closes_dialog, leaves_page, on_page_restored, show_modal};

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

/// "Delete all recordings": opens the confirmation dialog `dialog` when JavaScript runs, and is
/// a link to the confirmation page otherwise. Focus comes back here however the dialog closes.
#[island]
pub fn DeleteOpener(href: String, dialog: String) -> impl IntoView {
    let opener = NodeRef::<leptos::html::A>::new();
    let open = move |ev: MouseEvent| {
        let back = move || {
            if let Some(a) = opener.get_untracked() {
                let _ = a.focus();
            }
        };
        if show_modal(&dialog, back) {
            ev.prevent_default();
        }
    };
    view! { <a class="button danger" href=href node_ref=opener on:click=open>"Delete all recordings"</a> }
}
