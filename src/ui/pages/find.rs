use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::domain::MeetingId;
use crate::ui::components::FindRecordingsForm;

/// `/recordings?meeting_id=...`: a valid id goes on to its page; anything else comes back here
/// with the reason next to the field.
#[component]
pub fn FindRecordingsPage() -> impl IntoView {
    let query = use_query_map();
    move || {
        let raw = query.read().get("meeting_id").unwrap_or_default();
        match MeetingId::parse(&raw) {
            Ok(id) => view! { <Redirect path=id.recordings_path()/> }.into_any(),
            Err(e) => {
                let error = (!raw.is_empty() || query.read().get("meeting_id").is_some()).then(|| e.to_string());
                view! {
                    <Title text="Find recordings"/>
                    <h1>"Find a meeting's recordings"</h1>
                    <FindRecordingsForm id_prefix="find" value=raw error=error/>
                }
                .into_any()
            }
        }
    }
}
