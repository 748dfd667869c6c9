use leptos::prelude::*;

/// What sets one search form apart from the other (`FindRecordingsForm`, `GoForm`).
struct Search {
    action: &'static str,
    field: &'static str,
    /// The input's id after the prefix (`{prefix}-{id}`).
    id: &'static str,
    label: &'static str,
    /// The landmark's name in main; in the header both are "Quick find, on every page".
    landmark: &'static str,
    placeholder: &'static str,
    button: &'static str,
    class: &'static str,
    maxlength: Option<usize>,
    inputmode: Option<&'static str>,
}

/// A GET search form with its hint and, after a failed search, its error. Works the same with
/// and without JavaScript.
#[component]
fn SearchForm(search: Search, id_prefix: &'static str, compact: bool, value: String, error: Option<String>, children: Children) -> impl IntoView {
    let input_id = format!("{id_prefix}-{}", search.id);
    let hint_id = format!("{input_id}-hint");
    let error_id = format!("{input_id}-error");
    let described = if error.is_some() { format!("{hint_id} {error_id}") } else { hint_id.clone() };
    view! {
        <form method="get" action=search.action class=if compact { format!("{} compact", search.class) } else { search.class.to_owned() } role="search"
            // Two search landmarks can share a page (header and main): each needs its own name.
            aria-label=if compact { "Quick find, on every page" } else { search.landmark }>
            <label for=input_id.clone()>{search.label}</label>
            <div class="find-row">
                <input
                    id=input_id
                    name=search.field
                    type="text"
                    inputmode=search.inputmode
                    autocomplete="off"
                    spellcheck="false"
                    maxlength=search.maxlength.map(|n| n.to_string())
                    // Not an example id: one reads as a value already filled in.
                    placeholder=search.placeholder
                    value=value
                    aria-invalid=if error.is_some() { "true" } else { "false" }
                    aria-describedby=described
                />
                <button type="submit">{search.button}</button>
            </div>
            <p id=hint_id class="hint" class:visually-hidden=compact>{children()}</p>
            {error.map(|e| view! { <p id=error_id class="field-error">{e}</p> })}
        </form>
    }
}

/// "Find recordings": a GET form to `/recordings?meeting_id=...`, which checks the id and goes on
/// to the meeting's page.
#[component]
pub fn FindRecordingsForm(
    /// Keeps ids unique when the form appears twice on a page.
    id_prefix: &'static str,
    #[prop(optional)] compact: bool,
    #[prop(optional, into)] value: String,
    #[prop(default = None)] error: Option<String>,
) -> impl IntoView {
    let search = Search {
        action: "/recordings",
        field: "meeting_id",
        id: "meeting-id",
        label: "Find recordings by meeting id",
        landmark: "Find recordings",
        placeholder: "Paste a meeting id",
        button: "Find",
        class: "find-form",
        maxlength: None,
        inputmode: Some("text"),
    };
    view! { <SearchForm search id_prefix compact value error>"24 characters, 0-9 and a-f."</SearchForm> }
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
    let search = Search {
        action: "/go",
        field: "q",
        id: "go",
        label: "Go to",
        landmark: "Search places",
        placeholder: "Meeting id or link, #request, page…",
        button: "Go",
        class: "find-form go-form",
        maxlength: Some(crate::domain::MAX_GO_QUERY),
        inputmode: None,
    };
    view! {
        <SearchForm search id_prefix compact value error>
            "A meeting id or a link with one, #12 for a deletion request, batch 3, or a page's name. "
            <kbd>"Ctrl"</kbd>"+"<kbd>"K"</kbd>" or "<kbd>"/"</kbd>" opens it from anywhere, "<kbd>"?"</kbd>" lists the shortcuts."
        </SearchForm>
    }
}
