use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde_json::Value;

use crate::api::cases::read_case_record;
use crate::ui::components::ErrorAlert;

/// `/cases/:case_id/record`: the deletion record, to print or file. It shows the record the
/// server signed (checked against its key before it is shown); the JSON download is the proof.
#[component]
pub fn CaseRecordPage() -> impl IntoView {
    let params = use_params_map();
    let raw = move || params.read().get("case_id").unwrap_or_default();
    let record = Resource::new(raw, read_case_record);
    view! {
        <Title text="Deletion record"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the record…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok((reference, json)) => {
                        let v: Value = serde_json::from_str(&json).unwrap_or_default();
                        view! { <Record reference v id=raw()/> }.into_any()
                    }
                    Err(e) => view! { <h1>"Deletion record"</h1> <ErrorAlert error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "-".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[component]
fn Facts(v: Value, keys: &'static [(&'static str, &'static str)]) -> impl IntoView {
    view! {
        <dl class="details">
            {keys.iter().map(|(k, label)| view! { <dt>{*label}</dt><dd>{text(&v[*k])}</dd> }).collect_view()}
        </dl>
    }
}

#[component]
fn Listing(v: Value, caption: String) -> impl IntoView {
    let rows = v.as_array().cloned().unwrap_or_default();
    if rows.is_empty() {
        return view! { <p>{format!("{caption}: none.")}</p> }.into_any();
    }
    view! {
        <table class="record-listing cards">
            <caption>{caption}</caption>
            <thead><tr><th scope="col">"Recording"</th><th scope="col">"Created"</th><th scope="col">"Size (bytes)"</th><th scope="col">"Duration (ms)"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr><td data-label="Recording"><code>{text(&r["id"])}</code></td><td data-label="Created">{text(&r["created_at"])}</td><td data-label="Size (bytes)">{text(&r["size_bytes"])}</td><td data-label="Duration (ms)">{text(&r["duration_ms"])}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Record(reference: String, v: Value, id: String) -> impl IntoView {
    let meetings = v["meetings"].as_array().cloned().unwrap_or_default();
    view! {
        <article class="record">
            <h1>{format!("Deletion record: case {reference}")}</h1>
            <p class="no-print"><a href=format!("/cases/{id}/record.json") download="">"Download it, signed (JSON)"</a>" · "<a href=format!("/cases/{id}")>"Back to the case"</a></p>
            <h2>"The case"</h2>
            <Facts v=v["case"].clone() keys=&[
                ("reference", "Reference"), ("legal_ground", "Legal ground"), ("note", "Note"), ("received", "Received"),
                ("identity_verified", "Identity verified"), ("due", "Due"), ("extended_to", "Extended to"), ("extension_reason", "Why extended"),
                ("days_paused", "Days paused"), ("deadline", "Deadline"), ("opened_by", "Opened by"), ("opened_at", "Opened at"),
                ("closed_by", "Closed by"), ("closed_at", "Closed at"), ("state", "Outcome"),
            ]/>
            <h2>"Summary"</h2>
            <Facts v=v["summary"].clone() keys=&[
                ("meetings", "Meetings"), ("recordings_listed_before", "Recordings listed before deletion"),
                ("recordings_deleted", "Recordings deleted"), ("recordings_left_after", "Recordings left after"),
            ]/>
            {meetings.into_iter().map(|m| {
                let d = m["deletion"].clone();
                view! {
                    <section class="record-meeting">
                        <h2>{format!("Meeting {}", text(&m["meeting_id"]))}</h2>
                        <Facts v=m.clone() keys=&[("added_by", "Added by"), ("added_at", "Added at"), ("added_from", "From"), ("on_legal_hold", "On legal hold"), ("outcome", "Outcome")]/>
                        <Listing v=m["listed_before_deletion"].clone() caption="Listed before deletion".to_owned()/>
                        {(!d.is_null()).then(|| view! {
                            <h3>"Deletion"</h3>
                            <Facts v=d.clone() keys=&[
                                ("request_id", "Request"), ("batch_id", "Batch"), ("state", "State"), ("requested_by", "Requested by"), ("requested_at", "Requested at"),
                                ("decided_by", "Approved by"), ("decided_at", "Approved at"), ("finished_at", "Ran at"), ("vendor_status", "ConnectyCube answered (HTTP)"),
                                ("deleted_count", "Deleted"), ("vendor_answer", "Result"),
                            ]/>
                        })}
                        <Listing v=m["listed_after"]["recordings"].clone() caption=format!("Listed after, {}", text(&m["listed_after"]["at"]))/>
                    </section>
                }
            }).collect_view()}
            <h2>"Scope"</h2>
            <p>{format!("Systems searched: {}.", text(&v["systems_searched"]))}</p>
            <p>{text(&v["outside_this_record"])}</p>
            <p>{format!("Audit log chain head when this record was made: position {}, {}.", text(&v["audit_chain_head"]["position"]), text(&v["audit_chain_head"]["hash"]))}</p>
        </article>
    }
}
