use leptos::prelude::*;

use crate::ui::components::browser::{copy_text, text_of};

/// "Copy …": copies the text of the element `from` (by id) to the clipboard. An island that
/// reads the text from the page at the click, so nothing it copies travels in its props; hidden
/// without JavaScript (`js-only`), where the text is selected by hand.
#[island]
pub fn CopyButton(from: String, label: String, #[prop(optional)] class: Option<String>) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| copied.set(text_of(&from).is_some_and(|t| copy_text(t.trim())));
    let class = class.map_or_else(|| "js-only".to_owned(), |c| format!("{c} js-only"));
    view! {
        <button type="button" class=class on:click=copy>{move || if copied.get() { "Copied".to_owned() } else { label.clone() }}</button>
    }
}
