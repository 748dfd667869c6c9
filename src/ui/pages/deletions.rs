use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::deletions::{deletion_requests, find_deletion, ApproveDeletion, DeletionView, RejectDeletion};
use crate::domain::{DeletionRequest, DeletionState};
use crate::ui::components::{countdown, local_text, local_time_ms, CancelForm, DeletionNotice, ErrorAlert, ReasonField};

/// `/deletions`: every deletion request, open ones first with their countdown, then what became
/// of the rest; filtered by state and meeting with a plain GET form.
#[component]
pub fn DeletionsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        (q.get("state"), q.get("meeting"), q.get("cancelled"))
    };
    let list = Resource::new(filter, |(state, meeting, _)| deletion_requests(state, meeting));
    view! {
        <Title text="Deletions"/>
        <h1>"Deletions"</h1>
        <p class="lead">"Every deletion confirmed here waits as a request until it runs: open requests can be cancelled until then."</p>
        {move || filter().2.map(|id| view! {
            <p class="notice success" role="status">{format!("Deletion request #{id} cancelled: nothing was deleted.")}</p>
        })}
        <Suspense fallback=|| view! { <p class="loading">"Loading deletion requests…"</p> }>
            {move || Suspend::new(async move {
                let (state, meeting, _) = filter();
                let result = list.await;
                let meeting_error = result.as_ref().err().and_then(|e| e.field("meeting"));
                view! {
                    <FilterForm state=state.unwrap_or_default() meeting=meeting.unwrap_or_default() meeting_error/>
                    {match result {
                        Ok(list) if list.rows.is_empty() => view! { <p class="muted">"No deletion requests match."</p> }.into_any(),
                        Ok(list) => view! { <RequestsTable rows=list.rows/> }.into_any(),
                        Err(e) if e.field("meeting").is_some() => ().into_any(),
                        Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                    }}
                }
            })}
        </Suspense>
    }
}

#[component]
fn FilterForm(state: String, meeting: String, meeting_error: Option<String>) -> impl IntoView {
    let invalid = meeting_error.is_some();
    view! {
        <form method="get" action="/deletions" class="card filters">
            <div class="field">
                <label for="deletions-state">"State"</label>
                <select id="deletions-state" name="state">
                    <option value="" selected=state.is_empty()>"Any"</option>
                    {DeletionState::ALL.into_iter().map(|s| {
                        let selected = state == s.as_str();
                        view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="deletions-meeting">"Meeting id"</label>
                <input id="deletions-meeting" name="meeting" type="text" value=meeting autocomplete="off" spellcheck="false"
                    aria-describedby="deletions-meeting-error" aria-invalid=if invalid { "true" } else { "false" }/>
                <p id="deletions-meeting-error" class="field-error">{meeting_error}</p>
            </div>
            <button type="submit">"Filter"</button>
        </form>
    }
}

#[component]
fn RequestsTable(rows: Vec<DeletionView>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="deletions cards">
                <caption>"Deletion requests, open ones first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Request"</th>
                        <th scope="col">"Meeting"</th>
                        <th scope="col">"What goes"</th>
                        <th scope="col">"Requested"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|v| view! { <RequestRow v/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn RequestRow(v: DeletionView) -> impl IntoView {
    let r = v.request.clone();
    let state_text = if r.held && r.state.is_open() { format!("{} (waits: meeting on legal hold)", r.state.label()) } else { r.state.label().to_owned() };
    let when = match r.state {
        DeletionState::AwaitingApproval => r.expires_at_ms.map(|t| ("expires", t)),
        DeletionState::Scheduled => r.due_at_ms.map(|t| ("runs", t)),
        _ => r.finished_at_ms.map(|t| ("", t)),
    };
    view! {
        <tr>
            <td data-label="Request"><a href=r.path()>{format!("#{}", r.id)}</a></td>
            <td data-label="Meeting"><a href=r.meeting_id.recordings_path()><code>{r.meeting_id.to_string()}</code></a></td>
            <td data-label="What goes">{r.what_goes()}</td>
            <td data-label="Requested">{r.requested_by.clone()} ", " {local_time_ms(r.requested_at_ms)}<br/><span class="muted">{r.reason.clone()}</span></td>
            <td data-label="State">
                <span class=format!("state state-{}", r.state.as_str())>{state_text}</span>
                {when.map(|(label, at)| view! {
                    <br/>
                    {(!label.is_empty()).then(|| format!("{label} "))}
                    {if r.state.is_open() { countdown(at, v.now_ms, false).into_any() } else { local_time_ms(at).into_any() }}
                })}
            </td>
            <td class="actions" data-label="Actions">
                {v.may_decide.then(|| view! { <a href=r.path()>"Review"</a> })}
                {v.may_cancel.then(|| view! { <CancelForm id=r.id from="list"/> })}
            </td>
        </tr>
    }
}

/// `/deletions/{id}`: one request, what it deletes and why, its story so far; the approver
/// approves or rejects it here.
#[component]
pub fn DeletionPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let raw_id = move || params.read().get("request_id").unwrap_or_default();
    let changed = move || {
        let q = query.read();
        (q.get("approved"), q.get("rejected"), q.get("cancelled"))
    };
    let request = Resource::new(move || (raw_id(), changed()), |(id, _)| find_deletion(id));
    view! {
        <Title text="Deletion request"/>
        <h1>{move || format!("Deletion request #{}", raw_id())}</h1>
        {move || {
            let (approved, rejected, cancelled) = changed();
            let text = if approved.is_some() {
                Some("Approved: the deletion runs when its grace period ends.")
            } else if rejected.is_some() {
                Some("Rejected: nothing will be deleted.")
            } else if cancelled.is_some() {
                Some("Cancelled: nothing was deleted.")
            } else {
                None
            };
            text.map(|t| view! { <p class="notice success" role="status">{t}</p> })
        }}
        <Suspense fallback=|| view! { <p class="loading">"Loading the request…"</p> }>
            {move || Suspend::new(async move {
                match request.await {
                    Ok(v) => view! { <RequestDetail v/> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <p><a href="/deletions">"All deletion requests"</a></p>
    }
}

#[component]
fn RequestDetail(v: DeletionView) -> impl IntoView {
    let r = v.request.clone();
    let may_decide = v.may_decide;
    let range = match (r.first_created, r.last_created) {
        (Some(a), Some(b)) if a == b => Some(format!("recorded {}", local_text(a))),
        (Some(a), Some(b)) => Some(format!("recorded between {} and {}", local_text(a), local_text(b))),
        _ => None,
    };
    let method = r.requested_method.map(|m| if m.as_str() == "sso" { " (signed in through SSO)" } else { " (local account)" }).unwrap_or_default();
    view! {
        <DeletionNotice view=v.clone() from="request"/>
        <section class="card" aria-labelledby="what-heading">
            <h2 id="what-heading">"What it deletes, and why"</h2>
            <dl class="details">
                <dt>"Meeting"</dt>
                <dd><a href=r.meeting_id.recordings_path()><code>{r.meeting_id.to_string()}</code></a></dd>
                <dt>"Recordings"</dt>
                <dd>{r.what_goes()}{range.map(|t| format!(", {t}"))}</dd>
                <dt>"Reason"</dt>
                <dd>{r.reason.clone()}</dd>
                {r.batch_id.map(|b| view! { <dt>"Batch"</dt><dd><a href=format!("/bulk/{b}")>{format!("Part of bulk batch #{b}")}</a></dd> })}
                <dt>"Requested"</dt>
                <dd>{format!("by {}{method}, ", r.requested_by)} {local_time_ms(r.requested_at_ms)}</dd>
                <Decision r=r.clone()/>
                {r.result.clone().map(|res| view! { <dt>"Result"</dt><dd>{res}</dd> })}
            </dl>
        </section>
        <section class="card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">"Timeline"</h2>
            <ol class="timeline">
                {r.timeline().into_iter().map(|(at, what)| view! {
                    <li>{local_time_ms(at)}" · "{what}</li>
                }).collect_view()}
            </ol>
        </section>
        {may_decide.then(|| view! { <DecideForms id=r.id/> })}
    }
}

#[component]
fn Decision(r: DeletionRequest) -> impl IntoView {
    let by = r.decided_by.clone()?;
    let verb = if r.state == DeletionState::Rejected { "Rejected" } else { "Approved" };
    let at = r.decided_at_ms.map(|at| view! { ", " {local_time_ms(at)} });
    let comment = r.decision_comment.clone().map(|c| format!(": {c}")).unwrap_or_default();
    Some(view! {
        <dt>{verb}</dt>
        <dd>{format!("by {by}")} {at} {comment}</dd>
    })
}

/// Approve (a comment is optional) or reject (say why), for a second person allowed to delete.
#[component]
fn DecideForms(id: i64) -> impl IntoView {
    let approve = ServerAction::<ApproveDeletion>::new();
    let reject = ServerAction::<RejectDeletion>::new();
    let approve_error = move || approve.value().get().and_then(Result::err);
    let reject_error = move || reject.value().get().and_then(Result::err);
    let pending = move || approve.pending().get() || reject.pending().get();
    view! {
        <section class="card decide" aria-labelledby="decide-heading">
            <h2 id="decide-heading">"Approve or reject"</h2>
            <p>"You are the second person: approving starts the grace period, after which ConnectyCube deletes these recordings for good."</p>
            <ActionForm action=approve attr:class="approve">
                <input type="hidden" name="request_id" value=id.to_string()/>
                <ReasonField id="approve-comment" name="comment" required=false label="Comment (optional)" hint="Kept in the audit log with your name."
                    error=Signal::derive(move || approve_error().and_then(|e| e.field("comment")))/>
                {move || approve_error().filter(|e| e.field("comment").is_none()).map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit" class="danger" disabled=pending>"Approve deletion"</button>
            </ActionForm>
            <ActionForm action=reject attr:class="reject">
                <input type="hidden" name="request_id" value=id.to_string()/>
                <ReasonField id="reject-comment" name="comment" label="Why it is rejected" hint="The requester sees it; kept in the audit log with your name."
                    error=Signal::derive(move || reject_error().and_then(|e| e.field("comment")))/>
                {move || reject_error().filter(|e| e.field("comment").is_none()).map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit" disabled=pending>"Reject deletion"</button>
            </ActionForm>
        </section>
    }
}
