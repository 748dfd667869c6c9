//! `/retention/preview?kind=…`: a rule change's dry run, side by side with the rules as they
//! stand, and the button that saves it. Bad values come back to their fields, nothing saved.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::forms::{GeneralForm, HostForm};
use crate::api::retention::{preview_retention_rule, SaveRetentionRule};
use crate::domain::{format_bytes, RetentionPreview, RuleForm, Tally, NEWEST_RULE};
use crate::ui::components::{ErrorAlert, ReasonField};

#[component]
pub fn RetentionPreviewPage() -> impl IntoView {
    let q = use_query_map().get_untracked();
    let get = |k: &str| q.get(k).unwrap_or_default();
    let form = RuleForm {
        kind: get("kind"),
        default_days: get("default_days"),
        warn_days: get("warn_days"),
        calls_per_hour: get("calls_per_hour"),
        host_id: get("host_id"),
        host_rule: get("host_rule"),
        host_days: get("host_days"),
    };
    let f = form.clone();
    let preview = Resource::new(
        || (),
        move |_| {
            let f = f.clone();
            preview_retention_rule(f.kind, Some(f.default_days), Some(f.warn_days), Some(f.calls_per_hour), Some(f.host_id), Some(f.host_rule), Some(f.host_days))
        },
    );
    view! {
        <Title text="Retention: preview"/>
        <h1>"Preview a retention rule"</h1>
        <p class="lead">"Nothing is saved until you save it below. " {NEWEST_RULE}</p>
        <Suspense fallback=|| view! { <p class="loading">"Working out what the change would make due…"</p> }>
            {move || {
                let form = form.clone();
                Suspend::new(async move {
                    match preview.await {
                        Ok(p) => view! { <Preview p/> }.into_any(),
                        Err(e) if matches!(e, crate::error::AppError::Invalid { ref fields, .. } if !fields.is_empty()) => view! {
                            <section class="card">
                                <h2>"Correct the rule"</h2>
                                {if form.kind == "host" {
                                    view! { <HostForm form errors=Some(e)/> }.into_any()
                                } else {
                                    view! { <GeneralForm form errors=Some(e)/> }.into_any()
                                }}
                            </section>
                        }.into_any(),
                        Err(e) => view! { <ErrorAlert error=e/> <p><a href="/retention">"Back to Retention"</a></p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

fn tally(t: Tally) -> String {
    format!("{} meetings, {} recordings, {}", t.meetings, t.recordings, format_bytes(t.bytes))
}

#[component]
fn Preview(p: RetentionPreview) -> impl IntoView {
    let save = ServerAction::<SaveRetentionRule>::new();
    let error = move || save.value().get().and_then(Result::err);
    let f = p.change.form();
    let ids = p.after.due_now_ids.clone();
    let more = p.more_due_now;
    view! {
        <section class="card" aria-labelledby="preview-heading">
            <h2 id="preview-heading">{format!("The change: {}", p.change.describe())}</h2>
            <div class="table-wrap">
                <table class="deletions cards">
                    <caption>"What the sweep would take, as the rules stand and with the change"</caption>
                    <thead><tr><th scope="col">"When"</th><th scope="col">"As the rules stand"</th><th scope="col">"With the change"</th></tr></thead>
                    <tbody>
                        {p.rows().into_iter().map(|(label, before, after)| view! {
                            <tr><th scope="row">{label}</th><td data-label="As the rules stand">{tally(before)}</td><td data-label="With the change">{tally(after)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="muted">"Meetings with a deletion already under way, on legal hold or exempt are not counted."</p>
            {(!ids.is_empty()).then(|| view! {
                <h3>"Due at the next sweep with the change"</h3>
                <ul class="due-ids">
                    {ids.into_iter().map(|id| view! { <li><a href=id.recordings_path()><code>{id.to_string()}</code></a></li> }).collect_view()}
                </ul>
                {(more > 0).then(|| view! { <p class="muted">{format!("and {more} more")}</p> })}
            })}
        </section>
        <section class="card" aria-labelledby="save-heading">
            <h2 id="save-heading">"Save the change"</h2>
            <ActionForm action=save>
                <input type="hidden" name="kind" value=f.kind/>
                <input type="hidden" name="default_days" value=f.default_days/>
                <input type="hidden" name="warn_days" value=f.warn_days/>
                <input type="hidden" name="calls_per_hour" value=f.calls_per_hour/>
                <input type="hidden" name="host_id" value=f.host_id/>
                <input type="hidden" name="host_rule" value=f.host_rule/>
                <input type="hidden" name="host_days" value=f.host_days/>
                <ReasonField id="retention-reason" label="Reason or policy reference" hint="Kept in the audit log with your name."
                    error=Signal::derive(move || error().and_then(|e| e.field("reason")))/>
                {move || error().filter(|e| e.field("reason").is_none()).map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit" class="primary" disabled=move || save.pending().get()>"Save the rule"</button>
                " "
                <a href="/retention">"Cancel"</a>
            </ActionForm>
        </section>
    }
}
