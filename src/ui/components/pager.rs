use leptos::prelude::*;

/// Previous/next links around where the reader is; plain links, so it works without JavaScript.
/// Each link is `(href, text)`, and absent on the first or last page.
#[component]
pub fn Pager(
    label: &'static str,
    status: String,
    prev: Option<(String, &'static str)>,
    next: Option<(String, &'static str)>,
) -> impl IntoView {
    view! {
        <nav class="pager" aria-label=label>
            {prev.map(|(href, text)| view! { <a rel="prev" href=href>{text}</a> })}
            <span>{status}</span>
            {next.map(|(href, text)| view! { <a rel="next" href=href>{text}</a> })}
        </nav>
    }
}
