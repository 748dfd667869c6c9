use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::bulk::{
    bulk_batch, bulk_batches, bulk_source, ApproveBulk, BulkProgress, BatchSummary, BatchView, CancelBulk, LookUpBulkAgain, RejectBulk, RequestBulkDeletion, RetryBulk,
    StartBulkLookup,
};
use crate::domain::{format_bytes, format_utc, format_utc_ms, BatchPhase, BulkItem, MeetingList, MAX_BATCH};
use crate::ui::components::browser::{fetch_text, reload_page};
use crate::ui::components::{ErrorAlert, ReasonField};

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

/// The box for the ids, with a count that follows what is pasted (an island).
#[island]
fn IdsField(text: String, field_error: Option<String>) -> impl IntoView {
    let current = RwSignal::new(text.clone());
    let summary = move || {
        let list = MeetingList::parse(&current.read());
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
    };
    let invalid = field_error.is_some();
    view! {
            <div class="field">
                <label for="bulk-ids">"Meeting ids"</label>
                {
                    let aria_invalid = if invalid { "true" } else { "false" };
                    let on_input = move |ev| current.set(event_target_value(&ev));
                    // No child at all when empty: an empty text node would leave a hydration
                    // marker, and inside a textarea that is text the person would see.
                    // (`Either`, not `into_any`: an island's erased views cost bundle size.)
                    if text.is_empty() {
                        Either::Left(view! {
                            <textarea id="bulk-ids" name="ids" rows="10" spellcheck="false" autocomplete="off"
                                aria-describedby="bulk-ids-hint bulk-ids-count bulk-ids-error" aria-invalid=aria_invalid on:input=on_input></textarea>
                        })
                    } else {
                        Either::Right(view! {
                            <textarea id="bulk-ids" name="ids" rows="10" spellcheck="false" autocomplete="off"
                                aria-describedby="bulk-ids-hint bulk-ids-count bulk-ids-error" aria-invalid=aria_invalid on:input=on_input>{text}</textarea>
                        })
                    }
                }
                <p id="bulk-ids-hint" class="hint">"One per line, or separated by spaces, commas or semicolons; links to a meeting work too. Ticket numbers and other words are reported, not sent."</p>
                <p id="bulk-ids-count" class="hint" aria-live="polite">{summary}</p>
                <p id="bulk-ids-error" class="field-error">{field_error}</p>
            </div>
    }
}

#[component]
fn BatchesTable(list: Vec<BatchSummary>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="batches">
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
                                <td><a href=b.path()>{format!("#{}", b.id)}</a>{b.retry_of.map(|r| format!(" (retry of #{r})"))}</td>
                                <td>{format!("{}, {}", b.created_by, format_utc_ms(b.created_at_ms))}</td>
                                <td>{s.meetings}</td>
                                <td>{deletion}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/bulk/{id}`: the batch's progress and a row per meeting; what can be done with it now.
/// It follows the work live with JavaScript, and reloads itself every few seconds without it.
#[component]
pub fn BatchPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let raw_id = move || params.read().get("batch_id").unwrap_or_default();
    let notices = move || {
        let q = query.read();
        (q.get("requested"), q.get("approved"), q.get("rejected"), q.get("cancelled"))
    };
    // Any change of the query (a step just taken) reads the batch again.
    let steps = move || {
        let started = query.read().get("started");
        let again = query.read().get("again");
        (notices(), started, again)
    };
    let batch = Resource::new(move || (raw_id(), steps()), |(id, _)| bulk_batch(id));
    view! {
        <Title text="Bulk batch"/>
        <h1>{move || format!("Batch #{}", raw_id().trim_start_matches('#'))}</h1>
        {move || {
            let (requested, approved, rejected, cancelled) = notices();
            let text = if requested.is_some() {
                Some("Deletion requested: each meeting with recordings gets a deletion request of its own.".to_owned())
            } else if let Some(n) = approved {
                Some(format!("Approved {n} deletion requests: they run when their grace period ends."))
            } else if let Some(n) = rejected {
                Some(format!("Rejected {n} deletion requests: nothing of them will be deleted."))
            } else {
                cancelled.map(|n| format!("Cancelled {n} deletion requests: nothing of them was deleted."))
            };
            text.map(|t| view! { <p class="notice success" role="status">{t}</p> })
        }}
        <Suspense fallback=|| view! { <p class="loading">"Loading the batch…"</p> }>
            {move || Suspend::new(async move {
                match batch.await {
                    Ok(v) => {
                        let follow = is_live(v.phase).then(|| {
                            ask_to_refresh();
                            let progress_url = format!("{}?batch_id={}", BulkProgress::PATH, v.batch.id);
                            let seen = serde_json::to_string(&v.progress_key()).unwrap_or_default();
                            view! { <FollowBatch progress_url seen/> }
                        });
                        view! { {follow} <BatchDetail v/> }.into_any()
                    }
                    Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <p><a href="/bulk">"All batches"</a></p>
    }
}

fn is_live(phase: BatchPhase) -> bool {
    matches!(phase, BatchPhase::LookingUp | BatchPhase::Running)
}

/// While the work goes on, asks where the batch stands every 2 s and reloads the page once it
/// moved on (an island with nothing to show). `seen` is the answer as the page was made, in the
/// reply's own JSON, so the browser compares text and decodes nothing.
#[island]
fn FollowBatch(progress_url: String, seen: String) -> impl IntoView {
    Effect::new(move |_| {
        let (url, seen) = (progress_url.clone(), seen.clone());
        let poll = move || {
            let (url, seen) = (url.clone(), seen.clone());
            leptos::task::spawn_local(async move {
                // A failed read tries again at the next tick.
                if fetch_text(&url).await.is_some_and(|now| now != seen) {
                    reload_page();
                }
            });
        };
        if let Ok(handle) = set_interval_with_handle(poll, std::time::Duration::from_secs(2)) {
            on_cleanup(move || handle.clear());
        }
    });
}

/// Without JavaScript the page reloads itself while work goes on (see `server::http::html_tidy`).
fn ask_to_refresh() {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(http::HeaderName::from_static(crate::REFRESH_HEADER), http::HeaderValue::from_static("3"));
    }
}

#[component]
fn BatchDetail(v: BatchView) -> impl IntoView {
    let b = v.batch.clone();
    let t = v.totals.clone();
    let pct = t.percent(v.phase);
    let status = match v.phase {
        BatchPhase::Draft => format!("Checked: {} meetings to look up. Nothing has been asked of ConnectyCube yet.", t.meetings),
        BatchPhase::LookingUp => format!("Looking up recordings: {} of {} meetings.", t.looked_up, t.meetings),
        BatchPhase::Ready => format!("Looked up: {} of {} meetings have recordings. Nothing is deleted until you request it.", t.with_recordings, t.meetings),
        BatchPhase::Running => format!("Deleting: {} of {} meetings have their result.", t.finished, t.meetings),
        BatchPhase::Finished => format!(
            "Finished: recordings of {} meetings deleted ({} recordings), {} failed or unclear.",
            t.deleted_meetings, t.deleted_recordings, t.failed + t.lookup_failed
        ),
    };
    let requested_line = match (&b.requested_by, &b.reason, b.requested_at_ms) {
        (Some(by), Some(reason), Some(at)) => Some(format!("Deletion requested by {by}, {}: {reason}", format_utc_ms(at))),
        _ => None,
    };
    let started = b.started_at_ms.is_some();
    let csv = format!("{}/results.csv", b.path());
    view! {
        <p class="muted">
            {format!("Checked by {}, {}", b.created_by, format_utc_ms(b.created_at_ms))}
            {b.retry_of.map(|r| view! { " · a retry of the failed meetings of " <a href=format!("/bulk/{r}")>{format!("batch #{r}")}</a> })}
        </p>
        <section class="card batch-status" aria-labelledby="batch-status-heading">
            <h2 id="batch-status-heading">"Progress"</h2>
            <p id="batch-status-text" role="status">{status}</p>
            <progress max="100" value=pct.to_string() aria-labelledby="batch-status-text">{format!("{pct}%")}</progress>
            {requested_line.map(|l| view! { <p>{l}</p> })}
            <Counts v=v.clone()/>
            {started.then(|| view! { <p><a href=csv download="">"Download the results (CSV)"</a></p> })}
        </section>
        <Problems v=v.clone()/>
        <Actions v=v.clone()/>
        <ItemsTable items=v.items.clone() requested=b.requested_at_ms.is_some()/>
    }
}

#[component]
fn Counts(v: BatchView) -> impl IntoView {
    let t = v.totals;
    let range = match (t.first_created, t.last_created) {
        (Some(a), Some(b)) if a == b => format!(", recorded {}", format_utc(a)),
        (Some(a), Some(b)) => format!(", recorded between {} and {}", format_utc(a), format_utc(b)),
        _ => String::new(),
    };
    let looked_up = !matches!(v.phase, BatchPhase::Draft | BatchPhase::LookingUp);
    looked_up.then(|| {
        let mut lines = vec![format!(
            "{} meetings with recordings: {} recordings, {} in total{range}.",
            t.with_recordings,
            t.recordings,
            format_bytes(t.size)
        )];
        let without = t.meetings - t.with_recordings - t.lookup_failed;
        if without > 0 {
            lines.push(format!("{without} meetings have no recordings."));
        }
        if t.held > 0 {
            lines.push(format!("{} meetings are on legal hold and are skipped.", t.held));
        }
        if t.lookup_failed > 0 {
            lines.push(format!("{} meetings could not be looked up.", t.lookup_failed));
        }
        if t.awaiting_approval > 0 {
            lines.push(format!("{} deletion requests await approval by a second person.", t.awaiting_approval));
        }
        view! { <ul class="batch-counts">{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul> }
    })
}

#[component]
fn Problems(v: BatchView) -> impl IntoView {
    let b = v.batch;
    (!b.problems.is_empty() || b.header.is_some()).then(|| {
        view! {
            <section class="card" aria-labelledby="batch-problems-heading">
                <h2 id="batch-problems-heading">{format!("Lines not taken ({})", b.problems.len())}</h2>
                {b.header.map(|h| view! { <p class="muted">{format!("The first line, “{h}”, was read as column names.")}</p> })}
                <ul class="batch-problems">
                    {b.problems.iter().map(|p| view! { <li>{p.describe()}</li> }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// What can be done with the batch now, each a plain form.
#[component]
fn Actions(v: BatchView) -> impl IntoView {
    let id = v.batch.id;
    let t = v.totals.clone();
    let deletable = t.with_recordings.saturating_sub(t.held);
    match v.phase {
        BatchPhase::Draft => view! {
            <section class="card" aria-labelledby="batch-start-heading">
                <h2 id="batch-start-heading">"Look up"</h2>
                {match v.refusal.clone() {
                    Some(r) => view! { <div class="alert error" role="alert"><p>{r}</p></div> }.into_any(),
                    None => view! { <StartForm id count=t.meetings/> }.into_any(),
                }}
                <p><a href=format!("/bulk?from={id}")>"Edit the list"</a></p>
            </section>
        }
        .into_any(),
        BatchPhase::LookingUp => ().into_any(),
        BatchPhase::Ready => view! {
            {(t.lookup_failed > 0).then(|| view! { <LookUpAgainForm id count=t.lookup_failed/> })}
            {if deletable > 0 {
                view! { <RequestForm v=v.clone() meetings=deletable/> }.into_any()
            } else {
                view! { <p class="notice">"Nothing to delete: no meeting of this batch has recordings that can be deleted."</p> }.into_any()
            }}
        }
        .into_any(),
        BatchPhase::Running | BatchPhase::Finished => view! {
            {(v.awaiting > 0 && v.own).then(|| view! {
                <p class="notice">"You requested this deletion, so someone else allowed to delete must approve it."</p>
            })}
            {(v.awaiting > 0 && !v.own).then(|| view! { <DecideForms id awaiting=v.awaiting/> })}
            {(v.cancellable > 0).then(|| view! { <CancelBatchForm id count=v.cancellable/> })}
            {(t.retryable > 0).then(|| view! { <RetryForm id count=t.retryable/> })}
        }
        .into_any(),
    }
}

#[component]
fn StartForm(id: i64, count: u64) -> impl IntoView {
    let action = ServerAction::<StartBulkLookup>::new();
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <p>"Looking up only reads: it lists each meeting's recordings, a few at a time."</p>
        <ActionForm action=action>
            <input type="hidden" name="batch_id" value=id.to_string()/>
            {move || error().map(|e| view! { <ErrorAlert error=e/> })}
            <button type="submit" class="primary" disabled=move || action.pending().get()>{format!("Look up {count} meetings")}</button>
        </ActionForm>
    }
}

#[component]
fn LookUpAgainForm(id: i64, count: u64) -> impl IntoView {
    let action = ServerAction::<LookUpBulkAgain>::new();
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <ActionForm action=action attr:class="card">
            <input type="hidden" name="batch_id" value=id.to_string()/>
            {move || error().map(|e| view! { <ErrorAlert error=e/> })}
            <button type="submit" disabled=move || action.pending().get()>{format!("Look up the {count} failed meetings again")}</button>
        </ActionForm>
    }
}

#[component]
fn RequestForm(v: BatchView, meetings: u64) -> impl IntoView {
    let action = ServerAction::<RequestBulkDeletion>::new();
    let error = move || action.value().get().and_then(Result::err);
    let reason_error = move || error().and_then(|e| e.field("reason"));
    let general_error = move || error().filter(|e| e.field("reason").is_none());
    let t = v.totals;
    let recordings: u64 = v.items.iter().filter(|i| !i.held).filter_map(|i| i.recording_count).sum();
    view! {
        <section class="card" aria-labelledby="batch-request-heading">
            <h2 id="batch-request-heading">"Request deletion"</h2>
            <ActionForm action=action attr:class="confirm-delete">
                <p>{format!(
                    "Each of the {meetings} meetings with recordings gets a deletion request of its own, with this reason. {}",
                    if t.held > 0 { format!("The {} on legal hold are skipped.", t.held) } else { String::new() }
                )}</p>
                <p class="notice">{v.rules.explain()}</p>
                <p class="warning"><strong>"Once it runs, it cannot be undone."</strong>" ConnectyCube deletes every recording of each meeting, permanently. A meeting whose recordings changed since the look-up is not deleted."</p>
                <input type="hidden" name="batch_id" value=v.batch.id.to_string()/>
                <ReasonField id="bulk-reason" label="Reason or ticket reference" hint="Kept in the audit log with your name, for every meeting of the batch."
                    value=v.suggested_reason.clone().unwrap_or_default() error=Signal::derive(reason_error)/>
                {move || general_error().map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit" class="danger" disabled=move || action.pending().get()>
                    {format!("Request deletion of {recordings} recordings in {meetings} meetings")}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn DecideForms(id: i64, awaiting: u64) -> impl IntoView {
    let approve = ServerAction::<ApproveBulk>::new();
    let reject = ServerAction::<RejectBulk>::new();
    let approve_error = move || approve.value().get().and_then(Result::err);
    let reject_error = move || reject.value().get().and_then(Result::err);
    let pending = move || approve.pending().get() || reject.pending().get();
    view! {
        <section class="card decide" aria-labelledby="batch-decide-heading">
            <h2 id="batch-decide-heading">"Approve or reject the batch"</h2>
            <p>{format!("One decision for the {awaiting} deletion requests of this batch awaiting approval. Approving starts their grace period, after which ConnectyCube deletes the recordings for good.")}</p>
            <ActionForm action=approve attr:class="approve">
                <input type="hidden" name="batch_id" value=id.to_string()/>
                <ReasonField id="bulk-approve-comment" name="comment" required=false label="Comment (optional)" hint="Kept in the audit log with your name."
                    error=Signal::derive(move || approve_error().and_then(|e| e.field("comment")))/>
                {move || approve_error().filter(|e| e.field("comment").is_none()).map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit" class="danger" disabled=pending>{format!("Approve {awaiting} deletions")}</button>
            </ActionForm>
            <ActionForm action=reject attr:class="reject">
                <input type="hidden" name="batch_id" value=id.to_string()/>
                <ReasonField id="bulk-reject-comment" name="comment" label="Why it is rejected" hint="The requester sees it; kept in the audit log with your name."
                    error=Signal::derive(move || reject_error().and_then(|e| e.field("comment")))/>
                {move || reject_error().filter(|e| e.field("comment").is_none()).map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit" disabled=pending>{format!("Reject {awaiting} deletions")}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn CancelBatchForm(id: i64, count: u64) -> impl IntoView {
    let action = ServerAction::<CancelBulk>::new();
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <ActionForm action=action attr:class="card">
            <input type="hidden" name="batch_id" value=id.to_string()/>
            <p>"Requests that have not started running can still be cancelled; nothing of them is deleted then."</p>
            {move || error().map(|e| view! { <ErrorAlert error=e/> })}
            <button type="submit" disabled=move || action.pending().get()>{format!("Cancel the {count} open deletion requests")}</button>
        </ActionForm>
    }
}

#[component]
fn RetryForm(id: i64, count: u64) -> impl IntoView {
    let action = ServerAction::<RetryBulk>::new();
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <ActionForm action=action attr:class="card">
            <input type="hidden" name="batch_id" value=id.to_string()/>
            <p>"The meetings that failed, or whose outcome is unknown or whose recordings changed, go into a new batch: they are looked up again, and you request their deletion once more."</p>
            {move || error().map(|e| view! { <ErrorAlert error=e/> })}
            <button type="submit" disabled=move || action.pending().get()>{format!("Retry the {count} failed meetings")}</button>
        </ActionForm>
    }
}

#[component]
fn ItemsTable(items: Vec<BulkItem>, requested: bool) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="batch-items">
                <caption>"Meetings of the batch, in the order listed"</caption>
                <thead><tr>
                    <th scope="col">"Line"</th><th scope="col">"Meeting"</th><th scope="col">"Recordings"</th>
                    <th scope="col">"Result"</th><th scope="col">"Note"</th>
                </tr></thead>
                <tbody>
                    {items.into_iter().map(|i| {
                        let result = i.result(requested);
                        let link = match &result {
                            crate::domain::ItemResult::Request { request_id, .. } => Some(*request_id),
                            crate::domain::ItemResult::AlreadyOpen { request_id } => *request_id,
                            _ => None,
                        };
                        let recordings = i.recording_count.map(|n| {
                            let size = i.total_size.map(|s| format!(", {}", format_bytes(s))).unwrap_or_default();
                            let when = i.recorded().map(|r| format!(", {r}")).unwrap_or_default();
                            format!("{n}{size}{when}")
                        });
                        let note = i.outcome_detail.clone().or(i.note.clone()).or_else(|| (i.held && !requested).then(|| "on legal hold: will be skipped".to_owned()));
                        view! {
                            <tr>
                                <td>{i.line}</td>
                                <td><a href=i.meeting_id.recordings_path()><code>{i.meeting_id.to_string()}</code></a></td>
                                <td>{recordings}</td>
                                <td>
                                    <span class=format!("state state-{}", result.key())>{result.label()}</span>
                                    {link.map(|r| view! { " " <a href=format!("/deletions/{r}")>{format!("request #{r}")}</a> })}
                                </td>
                                <td>{note}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
