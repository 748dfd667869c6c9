//! `/retention/meetings/:meeting_id`: where one meeting stands under the rules, and the forms
//! that keep it longer (operators), exempt it or put it back under the rules (admins).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::retention::{read_retention_meeting, ClearRetentionRule, ExtendRetention, KeepRecordings};
use crate::domain::{format_bytes, MeetingRule, RetentionMeeting, EXTENSION_DAYS, NEWEST_RULE};
use crate::ui::components::{countdown, local_time, local_time_ms, ErrorAlert, ReasonField};

#[component]
pub fn RetentionMeetingPage() -> impl IntoView {
    let raw = use_params_map().get_untracked().get("meeting_id").unwrap_or_default();
    let id = raw.clone();
    let meeting = Resource::new(|| (), move |_| read_retention_meeting(id.clone()));
    view! {
        <Title text="Retention: meeting"/>
        <h1>"Retention of a meeting"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match meeting.await {
                    Ok(m) => view! { <Standing m/> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e/> <p><a href="/retention">"Back to Retention"</a></p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Standing(m: RetentionMeeting) -> impl IntoView {
    let r = m.row.clone();
    let id = r.meeting_id.to_string();
    let due = match (r.due_at_ms, m.standing_label.as_str()) {
        (Some(at), _) => view! { "Due " {countdown(at, m.now_ms, false)} }.into_any(),
        (None, label) => format!("Not due: {label}.").into_any(),
    };
    view! {
        <p class="lead"><a href=r.meeting_id.recordings_path()><code>{id.clone()}</code></a></p>
        <section class="card" aria-labelledby="standing-heading">
            <h2 id="standing-heading">"Where it stands"</h2>
            <p>{due}</p>
            <p class="muted">{NEWEST_RULE}</p>
            <p>
                {format!("{} recordings, {}", r.recordings, format_bytes(r.bytes))}
                {r.newest_created.map(|t| view! { "; the newest from " {local_time(t)} })}
                {match r.inventoried_at_ms {
                    Some(t) => view! { " (as of " {local_time_ms(t)} ")." }.into_any(),
                    None => " (not listed yet).".into_any(),
                }}
            </p>
            <p>{m.period_text.clone()}</p>
            {r.rule.as_ref().map(|rule| view! {
                <p class="notice">{match rule.rule {
                    MeetingRule::Keep => view! { "Exempt by " {rule.set_by.clone()} " on " {local_time_ms(rule.set_at_ms)} ": " {rule.reason.clone()} }.into_any(),
                    MeetingRule::ExtendedUntil(at) => view! { "Kept until " {local_time_ms(at)} " by " {rule.set_by.clone()} " on " {local_time_ms(rule.set_at_ms)} ": " {rule.reason.clone()} }.into_any(),
                }}</p>
            })}
        </section>
        {m.may_extend.then(|| view! { <ExtendForm id=id.clone()/> })}
        {m.may_manage.then(|| view! { <KeepForms id=id.clone() has_rule=r.rule.is_some()/> })}
    }
}

#[component]
fn ExtendForm(id: String) -> impl IntoView {
    let action = ServerAction::<ExtendRetention>::new();
    let error = move || action.value().get().and_then(Result::err);
    let field = move |f: &'static str| move || error().and_then(|e| e.field(f));
    view! {
        <section class="card" aria-labelledby="extend-heading">
            <h2 id="extend-heading">"Keep it longer"</h2>
            <ActionForm action=action>
                <input type="hidden" name="meeting_id" value=id/>
                <fieldset>
                    <legend>"Extend by"</legend>
                    {EXTENSION_DAYS.into_iter().map(|d| view! {
                        <label class="choice"><input type="radio" name="by" value=d.to_string() checked=d == 30/>{format!(" {d} days")}</label>
                    }).collect_view()}
                    <label class="choice"><input type="radio" name="by" value="date"/>" to a date:"</label>
                    <input id="extend-date" name="date" type="date" aria-label="Keep until" aria-describedby="extend-date-error"/>
                    <p id="extend-date-error" class="field-error">{field("date")}</p>
                    <p class="field-error">{field("by")}</p>
                </fieldset>
                <ReasonField id="extend-reason" label="Reason or ticket reference" hint="Kept in the audit log with your name." error=Signal::derive(field("reason"))/>
                {move || error().filter(|e| e.field("reason").is_none() && e.field("date").is_none() && e.field("by").is_none()).map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit" disabled=move || action.pending().get()>"Extend"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn KeepForms(id: String, has_rule: bool) -> impl IntoView {
    let keep = ServerAction::<KeepRecordings>::new();
    let clear = ServerAction::<ClearRetentionRule>::new();
    let keep_error = move || keep.value().get().and_then(Result::err);
    let clear_error = move || clear.value().get().and_then(Result::err);
    let clear_id = id.clone();
    view! {
        <section class="card" aria-labelledby="keep-heading">
            <h2 id="keep-heading">"Exempt it"</h2>
            <p>"An exempt meeting is never due by age; its recordings stay until someone deletes them."</p>
            <ActionForm action=keep>
                <input type="hidden" name="meeting_id" value=id.clone()/>
                <ReasonField id="keep-reason" label="Why it is kept" hint="Kept in the audit log with your name."
                    error=Signal::derive(move || keep_error().and_then(|e| e.field("reason")))/>
                {move || keep_error().filter(|e| e.field("reason").is_none()).map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit" disabled=move || keep.pending().get()>"Keep (exempt)"</button>
            </ActionForm>
        </section>
        {has_rule.then(|| view! {
            <section class="card" aria-labelledby="clear-heading">
                <h2 id="clear-heading">"Put it back under the rules"</h2>
                <ActionForm action=clear>
                    <input type="hidden" name="meeting_id" value=clear_id.clone()/>
                    <ReasonField id="clear-reason" label="Why" hint="Kept in the audit log with your name."
                        error=Signal::derive(move || clear_error().and_then(|e| e.field("reason")))/>
                    {move || clear_error().filter(|e| e.field("reason").is_none()).map(|e| view! { <ErrorAlert error=e/> })}
                    <button type="submit" disabled=move || clear.pending().get()>"Remove its own rule"</button>
                </ActionForm>
            </section>
        })}
    }
}
