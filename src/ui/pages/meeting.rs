use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::meetings::meeting_record;
use crate::domain::{Attendee, CreatedMeeting};
use crate::ui::components::{local_time, reader_zone, zoned_time_ms, copy_button, ErrorAlert};

/// `/meetings/{id}`: a meeting created through Meeting Admin (the confirmation after creating
/// one), with a way on to its recordings.
#[component]
pub fn MeetingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let raw_id = move || params.read().get("meeting_id").unwrap_or_default();
    let just_created = move || query.read().get("created").is_some();
    let record = Resource::new(raw_id, meeting_record);
    view! {
        <Title text="Meeting"/>
        {move || just_created().then(|| view! { <p class="notice success" role="status">"Meeting created."</p> })}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(Some(m)) => view! { <MeetingSummary m/> }.into_any(),
                    Ok(None) => view! {
                        <h1>"Meeting"</h1>
                        <p>"Meeting " <code>{raw_id()}</code> " was not created through Meeting Admin, so only its recordings can be shown: ConnectyCube has no way to read a meeting back."</p>
                        <p><a href=format!("/meetings/{}/recordings", raw_id())>"Recordings of this meeting"</a></p>
                    }.into_any(),
                    Err(e) => view! { <h1>"Meeting"</h1><ErrorAlert error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MeetingSummary(m: CreatedMeeting) -> impl IntoView {
    let zone = m.zone();
    let reader = reader_zone();
    let id = m.meeting_id.to_string();
    let n = &m.meeting;
    let flags: Vec<&str> = [("record", n.record), ("chat", n.chat), ("public", n.public), ("scheduled", n.scheduled), ("notify", n.notify)]
        .into_iter()
        .filter_map(|(name, on)| on.then_some(name))
        .collect();
    let notify = n.notify_before.map(|nb| format!("{} {} before the start", nb.value(), nb.metric().as_str()));
    // In the meeting's own zone, as it was planned; in the reader's too when that differs.
    let when = |t: i64| {
        let yours = (reader != zone).then(|| view! { " (" {local_time(t)} ")" });
        view! { {zoned_time_ms(t.saturating_mul(1000), &zone)} {yours} }
    };
    let past = m.started_before_creation().then(|| view! {
        <p class="notice warning" role="note">"Its start had already passed when it was created: attendees were not notified ahead of it."</p>
    });
    view! {
        <h1>{n.name.clone()}</h1>
        {past}
        <section class="card meeting-summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading" class="visually-hidden">"Meeting details"</h2>
            <dl class="details">
                <dt>"Meeting id"</dt>
                <dd>
                    <code class="meeting-id" id="meeting-id-value">{id.clone()}</code>" "
                    {copy_button("meeting-id-value", "Copy id", Some("link-button"))}
                </dd>
                <dt>"Host"</dt><dd>{format!("User {}", m.host)}</dd>
                <dt>"Starts"</dt><dd>{when(n.start_date)}</dd>
                <dt>"Ends"</dt><dd>{when(n.end_date)}</dd>
                <dt>"Time zone"</dt><dd>{zone.name().to_owned()}</dd>
                <dt>"Attendees"</dt>
                <dd>
                    {if n.attendees.is_empty() {
                        view! { <span class="muted">"None"</span> }.into_any()
                    } else {
                        view! { <ul class="attendees-list">{n.attendees.iter().map(|a| view! { <li>{describe(a)}</li> }).collect_view()}</ul> }.into_any()
                    }}
                </dd>
                <dt>"Options"</dt><dd>{if flags.is_empty() { "none".to_owned() } else { flags.join(", ") }}</dd>
                {notify.map(|t| view! { <dt>"Notify"</dt><dd>{t}</dd> })}
                <dt>"Created"</dt><dd>"by " {m.created_by.clone()} ", " {local_time(m.created_at)}</dd>
            </dl>
            <p><a class="button" href=m.meeting_id.recordings_path()>"Recordings of this meeting"</a></p>
        </section>
    }
}

fn describe(a: &Attendee) -> String {
    match (a.id(), a.email()) {
        (Some(id), Some(e)) => format!("User {id} <{}>", e.as_str()),
        (Some(id), None) => format!("User {id}"),
        (None, Some(e)) => e.as_str().to_owned(),
        (None, None) => String::new(),
    }
}
