use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::list::Field;
use crate::api::cases::{read_case, AddCaseMeetings, CaseProgress, ChangeCase, CloseCase, RequestCaseDeletion};
use crate::domain::{format_day, CaseView};
use crate::error::AppError;
use crate::ui::components::{local_time_ms, refresh_in, ErrorAlert, follow_progress, ReasonField};

/// `/cases/:case_id`: where a case stands, its meetings and their deletion, and its steps.
#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let raw = move || params.read().get("case_id").unwrap_or_default();
    let view = Resource::new(move || (raw(), query.read().get("added"), query.read().get("changed")), |(id, _, _)| read_case(id));
    let notice = move || {
        let q = query.read();
        if q.get("opened").is_some() {
            Some("Case opened. Add the meetings it covers.".to_owned())
        } else if let Some(n) = q.get("added") {
            Some(format!("{n} meeting(s) added."))
        } else if let Some(b) = q.get("requested") {
            Some(format!("Deletion requested in batch #{b}: each meeting is looked up, then its deletion request is made."))
        } else if q.get("closed").is_some() {
            Some("Case closed; its deletion record is signed and kept.".to_owned())
        } else {
            q.get("changed").map(|_| "Case changed.".to_owned())
        }
    };
    view! {
        <Title text="Erasure case"/>
        {move || notice().map(|n| view! { <p class="notice success" role="status">{n}</p> })}
        <Suspense fallback=|| view! { <p class="loading">"Loading the case…"</p> }>
            {move || Suspend::new(async move {
                match view.await {
                    Ok(v) => view! { <CaseDetail v/> }.into_any(),
                    Err(e) => view! { <h1>"Erasure case"</h1> <ErrorAlert error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <p><a href="/cases">"All cases"</a></p>
    }
}

#[component]
fn CaseDetail(v: CaseView) -> impl IntoView {
    let c = v.case.clone();
    let id = c.id.to_string();
    let standing = c.standing(v.today);
    let follow = (v.running > 0).then(|| {
        refresh_in(3);
        let progress_url = format!("{}?case_id={}", CaseProgress::PATH, c.id);
        let seen = serde_json::to_string(&v.progress_key()).unwrap_or_default();
        follow_progress(progress_url, seen)
    });
    let open = !c.state.is_closed();
    let pause_line = c.paused_since_ms.map(|at| view! { "Paused since " {local_time_ms(at)} ": " {c.pause_reason.clone().unwrap_or_default()} });
    let extension = c.extended_to.map(|d| format!("{} ({})", format_day(d), c.extension_reason.clone().unwrap_or_default()));
    let record = c.has_record.then(|| (format!("/cases/{}/record", c.id), format!("/cases/{}/record.json", c.id)));
    view! {
        {follow}
        <h1>{format!("Case {}", c.reference)}</h1>
        <section class="card" aria-labelledby="case-facts">
            <h2 id="case-facts">{format!("{}: {}", c.state.label(), standing.describe())}</h2>
            {pause_line.map(|l| view! { <p class="notice warning" role="note">{l}</p> })}
            <dl class="details">
                <dt>"Legal ground"</dt><dd>{c.ground.label()}</dd>
                {(!c.note.is_empty()).then(|| view! { <dt>"Note"</dt><dd>{c.note.clone()}</dd> })}
                <dt>"Received"</dt><dd>{format_day(c.received)}</dd>
                <dt>"Identity verified"</dt><dd>{c.verified.map(|d| d.to_string()).unwrap_or_else(|| "not yet".to_owned())}</dd>
                <dt>"Due"</dt><dd>{c.due.to_string()}</dd>
                {extension.map(|e| view! { <dt>"Extended to"</dt><dd>{e}</dd> })}
                {(c.paused_days > 0).then(|| view! { <dt>"Days paused"</dt><dd>{c.paused_days}</dd> })}
                <dt>"Deadline"</dt><dd>{format_day(c.deadline())}</dd>
                <dt>"Opened"</dt><dd>"by " {c.opened_by.clone()} ", " {local_time_ms(c.opened_at_ms)}</dd>
                {c.closed_at_ms.map(|at| view! { <dt>"Closed"</dt><dd>"by " {c.closed_by.clone().unwrap_or_default()} ", " {local_time_ms(at)}</dd> })}
                {c.refusal_reason.clone().map(|r| view! { <dt>"Refused"</dt><dd>{r}</dd> })}
            </dl>
            {record.map(|(page, file)| view! {
                <p><a href=page>"The deletion record"</a>" · "<a href=file download="">"Download it, signed (JSON)"</a></p>
            })}
        </section>
        <Meetings v=v.clone()/>
        {open.then(|| view! { <Steps v=v.clone() id=id.clone()/> })}
    }
}

#[component]
fn Meetings(v: CaseView) -> impl IntoView {
    let running = v.running;
    view! {
        <section class="card" aria-labelledby="case-meetings">
            <h2 id="case-meetings">{format!("Meetings ({})", v.meetings.len())}</h2>
            {(running > 0).then(|| view! { <p role="status">{format!("Deleting: {running} meeting(s) still under way. This page follows them.")}</p> })}
            {v.meetings.is_empty().then(|| view! { <p>"No meetings yet."</p> })}
            {(!v.meetings.is_empty()).then(|| view! {
                <div class="table-scroll">
                    <table class="case-meetings cards">
                        <thead><tr>
                            <th scope="col">"Meeting"</th>
                            <th scope="col">"Added"</th>
                            <th scope="col">"Batch"</th>
                            <th scope="col">"Deletion"</th>
                            <th scope="col">"Left after"</th>
                        </tr></thead>
                        <tbody>
                            {v.meetings.into_iter().map(|m| {
                                let result = m.result.as_ref().map(|r| r.label()).unwrap_or_else(|| "not requested yet".to_owned());
                                let key = m.result.as_ref().map(|r| r.key()).unwrap_or("unrequested");
                                view! {
                                    <tr>
                                        <td data-label="Meeting"><a href=m.meeting_id.recordings_path()><code>{m.meeting_id.to_string()}</code></a></td>
                                        <td data-label="Added">{format!("{} by {}", m.source, m.added_by)}</td>
                                        <td data-label="Batch">{m.batch_id.map(|b| view! { <a href=format!("/bulk/{b}")>{format!("#{b}")}</a> })}</td>
                                        <td class=format!("result {key}") data-label="Deletion">{result}</td>
                                        <td data-label="Left after">{m.left_after.map(|n| if n == 0 { "nothing".to_owned() } else { format!("{n} recording(s)") })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

#[component]
fn Steps(v: CaseView, id: String) -> impl IntoView {
    let add = ServerAction::<AddCaseMeetings>::new();
    let request = ServerAction::<RequestCaseDeletion>::new();
    let change = ServerAction::<ChangeCase>::new();
    let close = ServerAction::<CloseCase>::new();
    let add_error = move || add.value().get().and_then(Result::err);
    let change_error = move || change.value().get().and_then(Result::err);
    let other = move |e: Option<AppError>| e.filter(|e| !matches!(e, AppError::Invalid { .. })).map(|e| view! { <ErrorAlert error=e/> });
    let paused = v.case.paused_since_ms.is_some();
    let extended = v.case.extended_to.is_some();
    let unrequested = v.unrequested;
    let (i1, i2, i3, i4, i5, i6, i7, i8) = (id.clone(), id.clone(), id.clone(), id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
    view! {
        <section class="card" aria-labelledby="add-heading">
            <h2 id="add-heading">"Add meetings"</h2>
            <ActionForm action=add>
                <input type="hidden" name="case_id" value=i1/>
                <div class="field">
                    <label for="case-ids">"Meeting ids or links, one per line"</label>
                    <textarea id="case-ids" name="ids" rows="4" aria-describedby="case-ids-error"></textarea>
                    <p id="case-ids-error" class="field-error">{move || add_error().and_then(|e| e.field("ids"))}</p>
                </div>
                <Field id="case-batch" name="batch" label="Or the meetings of bulk batch number" kind="text" hint="" error=move || add_error().and_then(|e| e.field("batch"))/>
                {move || other(add_error())}
                <button type="submit">"Add"</button>
            </ActionForm>
            <form method="post" action=format!("/cases/{i2}/upload") enctype="multipart/form-data" class="upload">
                <label for="case-file">"Or upload a file of meeting ids (CSV or text)"</label>
                <input id="case-file" name="file" type="file" accept=".csv,.txt,text/csv,text/plain"/>
                <button type="submit">"Upload"</button>
            </form>
        </section>
        {(unrequested > 0).then(|| view! {
            <section class="card" aria-labelledby="request-heading">
                <h2 id="request-heading">"Request deletion"</h2>
                <p>{format!("Requests the deletion of every recording of the {unrequested} meeting(s) not requested yet, in one batch that carries this case's reference. Approval and the grace period apply as to any deletion.")}</p>
                <ActionForm action=request>
                    <input type="hidden" name="case_id" value=i3/>
                    {move || request.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert error=e/> })}
                    <button type="submit" class="danger">{format!("Request deletion for {unrequested} meeting(s)")}</button>
                </ActionForm>
            </section>
        })}
        <section class="card" aria-labelledby="dates-heading">
            <h2 id="dates-heading">"Dates"</h2>
            {move || other(change_error())}
            <ActionForm action=change>
                <input type="hidden" name="case_id" value=i4/>
                <input type="hidden" name="what" value="verified"/>
                <Field id="case-verified-day" name="day" label="Identity verified on" kind="date" hint="" error=move || change_error().and_then(|e| e.field("verified"))/>
                <button type="submit">"Save"</button>
            </ActionForm>
            {(!extended).then(|| view! {
                <ActionForm action=change>
                    <input type="hidden" name="case_id" value=i5.clone()/>
                    <input type="hidden" name="what" value="extend"/>
                    <Field id="case-extend-to" name="day" label="Extend to (once, two more months at most)" kind="date" hint="" error=move || change_error().and_then(|e| e.field("to"))/>
                    <ReasonField id="case-extend-reason" label="Why (told to the requester within the first month)" hint="Kept in the audit log and the record." error=Signal::derive(move || change_error().and_then(|e| e.field("reason")))/>
                    <button type="submit">"Extend"</button>
                </ActionForm>
            })}
            <ActionForm action=change>
                <input type="hidden" name="case_id" value=i6/>
                <input type="hidden" name="what" value=if paused { "resume" } else { "pause" }/>
                {(!paused).then(|| view! { <ReasonField id="case-pause-reason" label="Pause the deadline: why" hint="For example, waiting for the requester's identity." error=Signal::derive(move || change_error().and_then(|e| e.field("reason")))/> })}
                <button type="submit">{if paused { "Resume the deadline" } else { "Pause" }}</button>
            </ActionForm>
        </section>
        <section class="card" aria-labelledby="close-heading">
            <h2 id="close-heading">"Close"</h2>
            <p>"Closing lists each meeting once more, then keeps a signed record of what was listed before, what was deleted, by whom, and what is left. Done when nothing is left, partly done otherwise."</p>
            <ActionForm action=close>
                <input type="hidden" name="case_id" value=i8/>
                {move || close.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit">"Close the case"</button>
            </ActionForm>
            <ActionForm action=change>
                <input type="hidden" name="case_id" value=i7/>
                <input type="hidden" name="what" value="refuse"/>
                <ReasonField id="case-refuse-reason" label="Or refuse the request: why" hint="Nothing is deleted; the reason is kept." error=Signal::derive(move || None::<String>)/>
                <button type="submit">"Refuse"</button>
            </ActionForm>
        </section>
    }
}
