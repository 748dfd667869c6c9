use leptos::prelude::*;

/// "Copy …": copies the text of the element `from` (by id) to the clipboard. The button is
/// the server's; the island reads the text from the page at the click, so nothing it copies
/// travels in the page twice. Hidden without JavaScript (`js-only`), where the text is selected by hand.
pub fn copy_button(from: &'static str, label: &'static str, class: Option<&'static str>) -> impl IntoView {
    let class = class.map_or_else(|| "js-only".to_owned(), |c| format!("{c} js-only"));
    view! { <CopyButton><button type="button" class=class data-copy-from=from>{label}</button></CopyButton> }
}

#[island]
fn CopyButton(children: Children) -> impl IntoView {
    let copy = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use crate::ui::components::browser::{copy_text, target_closest, text_of};
            if let Some(button) = target_closest(&ev, "button[data-copy-from]") {
                let from = button.get_attribute("data-copy-from").unwrap_or_default();
                if text_of(&from).is_some_and(|t| copy_text(t.trim())) {
                    button.set_text_content(Some("Copied"));
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! { <span class="copy-button" on:click=copy>{children()}</span> }
}
