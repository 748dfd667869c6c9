//! `/bulk/{id}`: one batch, followed live, with a row per meeting.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::forms::Actions;
use crate::api::bulk::{bulk_batch, BatchView, BulkProgress};
use crate::domain::{counted, format_bytes, BatchPhase, BulkItem};
use crate::ui::components::{countdown, local_text, local_time_ms, refresh_in, ErrorAlert, follow_progress};

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
                            refresh_in(3);
                            let progress_url = format!("{}?batch_id={}", BulkProgress::PATH, v.batch.id);
                            let seen = serde_json::to_string(&v.progress_key()).unwrap_or_default();
                            follow_progress(progress_url, seen)
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

#[component]
fn BatchDetail(v: BatchView) -> impl IntoView {
    let b = v.batch.clone();
    let t = v.totals.clone();
    let pct = t.percent(v.phase);
    let m = |n: u64| counted(n, "meeting");
    let waiting = t.meetings.saturating_sub(t.finished);
    let status = match v.phase {
        BatchPhase::Draft => format!("Checked: {} to look up. Nothing has been asked of ConnectyCube yet.", m(t.meetings)),
        BatchPhase::LookingUp => format!("Looking up recordings: {} of {}.", t.looked_up, m(t.meetings)),
        BatchPhase::Ready => format!("Looked up: {} of {} have recordings. Nothing is deleted until you request it.", t.with_recordings, m(t.meetings)),
        // Nothing runs while every open request waits for a second person: say that, not "deleting".
        BatchPhase::Running if t.awaiting_approval > 0 && t.awaiting_approval == waiting => format!(
            "Waiting for approval: {} {} a second person; nothing is deleted until then.",
            counted(t.awaiting_approval, "deletion request"),
            if t.awaiting_approval == 1 { "awaits" } else { "await" }
        ),
        BatchPhase::Running => format!("Deleting: {} of {} have their result.", t.finished, m(t.meetings)),
        BatchPhase::Finished => format!(
            "Finished: recordings of {} deleted ({}), {} failed or unclear.",
            m(t.deleted_meetings),
            counted(t.deleted_recordings, "recording"),
            t.failed + t.lookup_failed
        ),
    };
    let requested_line = match (&b.requested_by, &b.reason, b.requested_at_ms) {
        (Some(by), Some(reason), Some(at)) => Some(view! { "Deletion requested by " {by.clone()} ", " {local_time_ms(at)} ": " {reason.clone()} }),
        _ => None,
    };
    let started = b.started_at_ms.is_some();
    let csv = format!("{}/results.csv", b.path());
    view! {
        <p class="muted">
            "Checked by " {b.created_by.clone()} ", " {local_time_ms(b.created_at_ms)}
            {b.retry_of.map(|r| view! { " · a retry of the failed meetings of " <a href=format!("/bulk/{r}")>{format!("batch #{r}")}</a> })}
        </p>
        <section class="card batch-status" aria-labelledby="batch-status-heading">
            <h2 id="batch-status-heading">"Progress"</h2>
            <p id="batch-status-text" role="status">{status}</p>
            {match t.bar(v.phase) {
                (_, 0) => view! { <progress max="100" value=pct.to_string() aria-labelledby="batch-status-text">{format!("{pct}%")}</progress> }.into_any(),
                // Failures in their own colour: a solid bar would say all went well.
                (ok, bad) => view! {
                    <svg class="batch-bar" viewBox="0 0 100 4" preserveAspectRatio="none" role="img" aria-label=format!("{}% done, {bad}% failed", ok + bad)>
                        <rect class="bar-ok" x="0" y="0" width=ok.to_string() height="4"/>
                        <rect class="bar-failed" x=ok.to_string() y="0" width=bad.to_string() height="4"/>
                    </svg>
                }.into_any(),
            }}
            {requested_line.map(|l| view! { <p>{l}</p> })}
            <Counts v=v.clone()/>
            {started.then(|| view! { <p><a href=csv download="">"Download the results (CSV)"</a></p> })}
        </section>
        <Problems v=v.clone()/>
        <Actions v=v.clone()/>
        <ItemsTable items=v.items.clone() requested=b.requested_at_ms.is_some() now_ms=v.now_ms/>
    }
}

#[component]
fn Counts(v: BatchView) -> impl IntoView {
    let t = v.totals;
    let range = match (t.first_created, t.last_created) {
        (Some(a), Some(b)) if a == b => format!(", recorded {}", local_text(a)),
        (Some(a), Some(b)) => format!(", recorded between {} and {}", local_text(a), local_text(b)),
        _ => String::new(),
    };
    let looked_up = !matches!(v.phase, BatchPhase::Draft | BatchPhase::LookingUp);
    looked_up.then(|| {
        // Each meeting is counted once: a held one is among those with recordings, said as such.
        let held = match t.held {
            0 => String::new(),
            n => format!(" ({n} of them on legal hold, skipped)"),
        };
        let mut lines = vec![format!(
            "{} with recordings{held}: {}, {} in total{range}.",
            counted(t.with_recordings, "meeting"),
            counted(t.recordings, "recording"),
            format_bytes(t.size)
        )];
        let without = t.meetings - t.with_recordings - t.lookup_failed;
        if without > 0 {
            lines.push(format!("{} no recordings.", if without == 1 { "1 meeting has".to_owned() } else { format!("{without} meetings have") }));
        }
        if t.lookup_failed > 0 {
            lines.push(format!("{} could not be looked up.", counted(t.lookup_failed, "meeting")));
        }
        if t.awaiting_approval > 0 {
            lines.push(format!("{} {} approval by a second person.", counted(t.awaiting_approval, "deletion request"), if t.awaiting_approval == 1 { "awaits" } else { "await" }));
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

#[component]
fn ItemsTable(items: Vec<BulkItem>, requested: bool, now_ms: i64) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="batch-items cards">
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
                                <td data-label="Line">{i.line}</td>
                                <td data-label="Meeting"><a href=i.meeting_id.recordings_path()><code>{i.meeting_id.to_string()}</code></a></td>
                                <td data-label="Recordings">{recordings}</td>
                                <td data-label="Result">
                                    <span class=format!("state state-{}", result.key())>{result.label()}</span>
                                    // A scheduled deletion says when it runs, counting down.
                                    {i.request.as_ref().filter(|r| r.state == crate::domain::DeletionState::Scheduled).and_then(|r| r.due_at_ms).map(|at| view! {
                                        " " {countdown(at, now_ms, false)}
                                    })}
                                    {link.map(|r| view! { " " <a href=format!("/deletions/{r}")>{format!("request #{r}")}</a> })}
                                </td>
                                <td data-label="Note">{note}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
