//! `/bulk`: the list of meetings to work on, and the batches made so far.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::bulk::{bulk_batches, bulk_source, BatchSummary};
use crate::domain::{MeetingList, MAX_BATCH};
use crate::ui::components::{local_time_ms, ErrorAlert};

/// `/bulk`: paste or upload a list of meetings; it is checked and kept as a draft batch before
/// anything is asked of ConnectyCube. A plain multipart form, so it works without JavaScript.
#[component]
pub fn BulkPage() -> impl IntoView {
    let query = use_query_map();
    let from = move || query.read().get("from");
    let empty = move || query.read().get("empty").is_some();
    let source = Resource::new(from, |from| async move {
        match from {
            Some(id) => bulk_source(id).await.map(Some),
            None => Ok(None),
        }
    });
    let batches = Resource::new(|| (), |_| bulk_batches());
    view! {
        <Title text="Bulk work"/>
        <h1>"Bulk work"</h1>
        <p class="lead">{format!(
            "Many meetings at once, up to {MAX_BATCH} per batch: the list is checked first, then each meeting's recordings are looked up, \
             and nothing is deleted until you request it with a reason."
        )}</p>
        <section class="card" aria-labelledby="bulk-list-heading">
            <h2 id="bulk-list-heading">"Meetings"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (text, error) = match source.await {
                        Ok(t) => (t.unwrap_or_default(), None),
                        Err(e) => (String::new(), Some(e)),
                    };
                    let field_error = empty().then(|| "Paste meeting ids, or choose a file with them.".to_owned());
                    view! {
                        {error.map(|e| view! { <ErrorAlert error=e/> })}
                        <ListForm text field_error/>
                    }
                })}
            </Suspense>
        </section>
        <section class="card" aria-labelledby="bulk-batches-heading">
            <h2 id="bulk-batches-heading">"Recent batches"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match batches.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No batches yet."</p> }.into_any(),
                        Ok(list) => view! { <BatchesTable list/> }.into_any(),
                        Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The list: a plain multipart form.
#[component]
fn ListForm(text: String, field_error: Option<String>) -> impl IntoView {
    view! {
        <form method="post" action="/api/bulk/create" enctype="multipart/form-data" class="bulk-list">
            <IdsField text field_error/>
            <div class="field">
                <label for="bulk-file">"Or a CSV or text file"</label>
                <input id="bulk-file" name="file" type="file" accept=".csv,.txt,text/csv,text/plain" aria-describedby="bulk-file-hint"/>
                <p id="bulk-file-hint" class="hint">"A CSV whose first line names its columns is read by its meeting_id column. Both the box and the file are read."</p>
            </div>
            <button type="submit" class="primary">"Check the list"</button>
        </form>
    }
}

/// What the count under the box says for `text`: "3 meeting ids, 1 not a meeting id".
fn ids_summary(text: &str) -> String {
    let list = MeetingList::parse(text);
    if list.ids.is_empty() && list.problems.is_empty() {
        return String::new();
    }
    let mut parts = vec![format!("{} meeting id{}", list.ids.len(), if list.ids.len() == 1 { "" } else { "s" })];
    if list.invalid() > 0 {
        parts.push(format!("{} not a meeting id", list.invalid()));
    }
    if list.duplicates() > 0 {
        parts.push(format!("{} listed twice", list.duplicates()));
    }
    let mut s = parts.join(", ");
    if let Some(refusal) = list.refusal() {
        s = format!("{s}. {refusal}");
    }
    s
}

/// The box for the ids, with a count under it that follows what is pasted (`IdsCount`).
#[component]
fn IdsField(text: String, field_error: Option<String>) -> impl IntoView {
    let summary = ids_summary(&text);
    let aria_invalid = if field_error.is_some() { "true" } else { "false" };
    view! {
            <div class="field">
                <label for="bulk-ids">"Meeting ids"</label>
                {
                    // No child at all when empty: an empty text node would leave a hydration
                    // marker, and inside a textarea that is text the person would see.
                    if text.is_empty() {
                        Either::Left(view! {
                            <textarea id="bulk-ids" name="ids" rows="10" spellcheck="false" autocomplete="off"
                                aria-describedby="bulk-ids-hint bulk-ids-count bulk-ids-error" aria-invalid=aria_invalid></textarea>
                        })
                    } else {
                        Either::Right(view! {
                            <textarea id="bulk-ids" name="ids" rows="10" spellcheck="false" autocomplete="off"
                                aria-describedby="bulk-ids-hint bulk-ids-count bulk-ids-error" aria-invalid=aria_invalid>{text}</textarea>
                        })
                    }
                }
                <p id="bulk-ids-hint" class="hint">"One per line, or separated by spaces, commas or semicolons; links to a meeting work too. Ticket numbers and other words are reported, not sent."</p>
                <p id="bulk-ids-count" class="hint" aria-live="polite">{summary}</p>
                <p id="bulk-ids-error" class="field-error">{field_error}</p>
                <IdsCount/>
            </div>
    }
}

/// Counts the box's ids as they are typed or pasted: an island with nothing of its own to show,
/// working on the box and the count the server wrote.
#[island]
fn IdsCount() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::{closure::Closure, JsCast};
        let doc = document();
        let Some(field) = doc.get_element_by_id("bulk-ids").and_then(|el| el.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) else { return };
        let Some(count) = doc.get_element_by_id("bulk-ids-count") else { return };
        let box_ = field.clone();
        let cb = Closure::<dyn Fn()>::new(move || count.set_text_content(Some(&ids_summary(&box_.value()))));
        let _ = field.add_event_listener_with_callback("input", cb.as_ref().unchecked_ref());
        // Lives as long as the page.
        cb.forget();
    });
}

#[component]
fn BatchesTable(list: Vec<BatchSummary>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="batches cards">
                <caption class="visually-hidden">"The newest batches"</caption>
                <thead><tr>
                    <th scope="col">"Batch"</th><th scope="col">"Checked"</th><th scope="col">"Meetings"</th><th scope="col">"Deletion"</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|s| {
                        let b = s.batch;
                        let deletion = match (&b.requested_by, &b.reason) {
                            (Some(by), Some(reason)) => format!("requested by {by}: {reason}"),
                            _ if b.started_at_ms.is_some() => "not requested".to_owned(),
                            _ => "not looked up".to_owned(),
                        };
                        view! {
                            <tr>
                                <td data-label="Batch"><a href=b.path()>{format!("#{}", b.id)}</a>{b.retry_of.map(|r| format!(" (retry of #{r})"))}</td>
                                <td data-label="Checked">{b.created_by.clone()} ", " {local_time_ms(b.created_at_ms)}</td>
                                <td data-label="Meetings">{s.meetings}</td>
                                <td data-label="Deletion">{deletion}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::ids_summary;

    #[test]
    fn the_count_names_ids_words_and_repeats() {
        assert_eq!(ids_summary(""), "");
        assert_eq!(ids_summary("6932e0f8652986000d48148a"), "1 meeting id");
        let text = "6932e0f8652986000d48148a\n6932e0f8652986000d48148a, 6932e0f8652986000d48148b ZD-1234";
        assert_eq!(ids_summary(text), "2 meeting ids, 1 not a meeting id, 1 listed twice");
    }
}
