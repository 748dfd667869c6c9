use leptos::prelude::*;

/// "Find recordings": a GET form to `/recordings?meeting_id=...`, which checks the id and goes on
/// to the meeting's page. Works the same with and without JavaScript.
#[component]
pub fn FindRecordingsForm(
    /// Keeps ids unique when the form appears twice on a page.
    id_prefix: &'static str,
    #[prop(optional)] compact: bool,
    #[prop(optional, into)] value: String,
    #[prop(default = None)] error: Option<String>,
) -> impl IntoView {
    let input_id = format!("{id_prefix}-meeting-id");
    let hint_id = format!("{id_prefix}-meeting-id-hint");
    let error_id = format!("{id_prefix}-meeting-id-error");
    let described = if error.is_some() { format!("{hint_id} {error_id}") } else { hint_id.clone() };
    view! {
        <form method="get" action="/recordings" class=if compact { "find-form compact" } else { "find-form" } role="search"
            // Two search landmarks can share a page (header and main): each needs its own name.
            aria-label=if compact { "Quick find, on every page" } else { "Find recordings" }>
            <label for=input_id.clone()>"Find recordings by meeting id"</label>
            <div class="find-row">
                <input
                    id=input_id
                    name="meeting_id"
                    type="text"
                    inputmode="text"
                    autocomplete="off"
                    spellcheck="false"
                    // Not an example id: one reads as a value already filled in.
                    placeholder="Paste a meeting id"
                    value=value
                    aria-invalid=if error.is_some() { "true" } else { "false" }
                    aria-describedby=described
                />
                <button type="submit">"Find"</button>
            </div>
            <p id=hint_id class="hint" class:visually-hidden=compact>"24 characters, 0-9 and a-f."</p>
            {error.map(|e| view! { <p id=error_id class="field-error">{e}</p> })}
        </form>
    }
}

/// "Go to": a GET form to `/go?q=...` (`GoPage`), in the header of every page. With JavaScript,
/// Ctrl+K or / opens the same search as a palette with suggestions (`public/palette.js`).
#[component]
pub fn GoForm(
    id_prefix: &'static str,
    #[prop(optional)] compact: bool,
    #[prop(optional, into)] value: String,
    #[prop(default = None)] error: Option<String>,
) -> impl IntoView {
    let input_id = format!("{id_prefix}-go");
    let hint_id = format!("{id_prefix}-go-hint");
    let error_id = format!("{id_prefix}-go-error");
    let described = if error.is_some() { format!("{hint_id} {error_id}") } else { hint_id.clone() };
    view! {
        <form method="get" action="/go" class=if compact { "find-form compact go-form" } else { "find-form go-form" } role="search"
            aria-label=if compact { "Quick find, on every page" } else { "Search places" }>
            <label for=input_id.clone()>"Go to"</label>
            <div class="find-row">
                <input
                    id=input_id
                    name="q"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    maxlength=crate::domain::MAX_GO_QUERY.to_string()
                    // Not an example id: one reads as a value already filled in.
                    placeholder="Meeting id or link, #request, page…"
                    value=value
                    aria-invalid=if error.is_some() { "true" } else { "false" }
                    aria-describedby=described
                />
                <button type="submit">"Go"</button>
            </div>
            <p id=hint_id class="hint" class:visually-hidden=compact>
                "A meeting id or a link with one, #12 for a deletion request, batch 3, or a page's name. "
                <kbd>"Ctrl"</kbd>"+"<kbd>"K"</kbd>" or "<kbd>"/"</kbd>" opens it from anywhere, "<kbd>"?"</kbd>" lists the shortcuts."
            </p>
            {error.map(|e| view! { <p id=error_id class="field-error">{e}</p> })}
        </form>
    }
}
