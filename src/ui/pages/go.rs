use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::api::go::go_places;
use crate::domain::{straight_to, Destination, MAX_GO_QUERY};
use crate::ui::components::{ErrorAlert, GoForm};

/// `/go?q=...`: the header's "Go to" box without JavaScript, and what the command palette falls
/// back to. A meeting id or link, `#12` or `batch 3` goes straight there; other words list the
/// pages, meetings, requests and batches they match.
#[component]
pub fn GoPage() -> impl IntoView {
    let query = use_query_map();
    move || {
        let raw = query.read().get("q").unwrap_or_default();
        if let Some(path) = (raw.len() <= MAX_GO_QUERY).then(|| straight_to(&raw)).flatten() {
            return view! { <Redirect path/> }.into_any();
        }
        let too_long = (raw.len() > MAX_GO_QUERY).then(|| format!("Keep it under {MAX_GO_QUERY} characters: a meeting id, a link, #12, batch 3, or a page's name."));
        let q = if too_long.is_some() { String::new() } else { raw.trim().to_owned() };
        let places = Resource::new(|| (), |_| go_places());
        let shown = q.clone();
        view! {
            <Title text="Go to"/>
            <h1>"Go to"</h1>
            <GoForm id_prefix="go" value=q.clone() error=too_long/>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    let q = q.clone();
                    let shown = shown.clone();
                    Suspend::new(async move {
                        match places.await {
                            Ok(all) => {
                                let found: Vec<Destination> = all.into_iter().filter(|d| d.matches(&q)).collect();
                                if found.is_empty() {
                                    return view! {
                                        <p role="status">{format!("Nothing here matches “{shown}”.")}" A meeting id is 24 characters, 0-9 and a-f (a link with one in it works too); a deletion request is #12; a batch is batch 3."</p>
                                    }.into_any();
                                }
                                view! {
                                    <ul class="go-list" aria-label="Places">
                                        {found.into_iter().map(|d| view! { <li><a href=d.path>{d.label}</a>" " <span class="muted">{d.hint}</span></li> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }
                            Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        }
        .into_any()
    }
}
