use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::audit::search_audit;
use crate::domain::{AuditAction, ChainCheck, AuditEntry, AuditFilterForm, AuditPage as Page, MeetingId};
use crate::error::AppError;
use crate::ui::components::{local_time_ms, ErrorAlert, Pager};

/// `/audit`: the whole log, newest first, for admins. Filters live in the query string (a GET
/// form), so every view has a URL and works without JavaScript.
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        AuditFilterForm { user: get("user"), action: get("action"), meeting_id: get("meeting_id"), from: get("from"), to: get("to"), page: get("page") }
    });
    let results = Resource::new(move || filter.get(), search_audit);
    view! {
        <Title text="Audit log"/>
        <h1>"Audit log"</h1>
        <p class="lead">"Every change and every refused attempt, newest first. Times are UTC."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading the audit log…"</p> }>
            {move || Suspend::new(async move {
                let f = filter.get_untracked();
                match results.await {
                    Ok(page) => view! { <Filters form=f error=None/> <Results page filter=filter.get_untracked()/> }.into_any(),
                    Err(e @ AppError::Invalid { .. }) => view! { <Filters form=f error=Some(e)/> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Filters(form: AuditFilterForm, error: Option<AppError>) -> impl IntoView {
    let err = |field: &str| error.as_ref().and_then(|e| e.field(field));
    let field = move |name: &'static str, label: &'static str, kind: &'static str, value: String, hint: &'static str| {
        let message = err(name);
        let id = format!("audit-{name}");
        let error_id = format!("{id}-error");
        let hint_id = format!("{id}-hint");
        let described = match (message.is_some(), hint.is_empty()) {
            (true, true) => error_id.clone(),
            (true, false) => format!("{hint_id} {error_id}"),
            (false, true) => String::new(),
            (false, false) => hint_id.clone(),
        };
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input
                    id=id
                    name=name
                    type=kind
                    value=value
                    autocomplete="off"
                    aria-invalid=if message.is_some() { "true" } else { "false" }
                    aria-describedby=(!described.is_empty()).then_some(described)
                />
                {(!hint.is_empty()).then(|| view! { <p id=hint_id class="hint">{hint}</p> })}
                {message.map(|m| view! { <p id=error_id class="field-error">{m}</p> })}
            </div>
        }
    };
    let action_error = err("action");
    let chosen = form.action.clone();
    view! {
        <form method="get" action="/audit" class="card audit-filters" role="search" aria-label="Filter the audit log">
            <div class="filter-grid">
                {field("user", "User", "text", form.user.clone(), "")}
                <div class="field">
                    <label for="audit-action">"Action"</label>
                    <select id="audit-action" name="action" aria-invalid=if action_error.is_some() { "true" } else { "false" }
                        aria-describedby=action_error.is_some().then_some("audit-action-error")>
                        <option value="" selected=chosen.is_empty()>"Any action"</option>
                        {AuditAction::ALL.into_iter().map(|a| view! {
                            <option value=a.as_str() selected=chosen == a.as_str()>{a.label()}</option>
                        }).collect_view()}
                    </select>
                    {action_error.map(|m| view! { <p id="audit-action-error" class="field-error">{m}</p> })}
                </div>
                {field("meeting_id", "Meeting id", "text", form.meeting_id.clone(), "")}
                {field("from", "From (UTC)", "date", form.from.clone(), "")}
                {field("to", "To (UTC, included)", "date", form.to.clone(), "")}
            </div>
            {err("page").map(|m| view! { <p class="field-error">{m}</p> })}
            <div class="inline-actions">
                <button type="submit" class="primary">"Filter"</button>
                <a href="/audit">"Clear filters"</a>
            </div>
        </form>
    }
}

#[component]
fn Results(page: Page, filter: AuditFilterForm) -> impl IntoView {
    // Parsing succeeded on the server, so it succeeds here too.
    let query = filter.parse().unwrap_or_default();
    let base = query.query_string();
    let link = move |p: u32| {
        let sep = if base.is_empty() { "" } else { "&" };
        format!("/audit?{base}{sep}page={p}")
    };
    let csv_href = if query.query_string().is_empty() { "/audit.csv".to_owned() } else { format!("/audit.csv?{}", query.query_string()) };
    let pages = page.pages();
    let current = page.page;
    let total = page.total;
    let summary = match total {
        0 => "No entries match.".to_owned(),
        1 => "1 entry.".to_owned(),
        n => format!("{n} entries; page {current} of {pages}."),
    };
    let chain = page.chain.clone();
    view! {
        <ChainStatus check=chain/>
        <section aria-labelledby="audit-results" class="card">
            <h2 id="audit-results" class="visually-hidden">"Entries"</h2>
            <div class="table-actions">
                <p role="status">{summary}</p>
                {(total > 0).then(|| view! { <a class="button" href=csv_href download="audit-log.csv">"Export CSV"</a> })}
            </div>
            {(!page.entries.is_empty()).then(|| view! { <EntryTable entries=page.entries.clone() show_addr=true/> })}
            {(pages > 1).then(|| view! {
                <Pager
                    label="Pages"
                    status=format!("Page {current} of {pages}")
                    prev=(current > 1).then(|| (link(current - 1), "← Newer"))
                    next=(current < pages).then(|| (link(current + 1), "Older →"))
                />
            })}
        </section>
    }
}

/// When the log's hash chain was last walked, and what the walk found.
#[component]
fn ChainStatus(check: Option<ChainCheck>) -> impl IntoView {
    match check {
        None => view! {
            <p class="notice" role="note">"The chain of entries has not been verified yet. Run "<code>"meeting-admin audit verify"</code>" to check that no entry was edited, removed or added by hand."</p>
        }
        .into_any(),
        Some(c) if c.ok => view! {
            <p class="notice success" role="note">"Chain verified " {local_time_ms(c.at_ms)} {format!(": {} entries, none edited, removed or added by hand.", c.chained)}</p>
        }
        .into_any(),
        Some(c) => view! {
            <div class="alert error" role="alert">
                <p class="alert-title">"Chain verified " {local_time_ms(c.at_ms)} ": the log was changed by hand."</p>
                <p>{c.problem.unwrap_or_default()}</p>
            </div>
        }
        .into_any(),
    }
}

/// Entries as a table; also a meeting's history under its recordings (`in_meeting`: without the
/// meeting's id on every row, or the HTTP request ids that read like deletion request numbers).
#[component]
pub fn EntryTable(entries: Vec<AuditEntry>, show_addr: bool, #[prop(optional)] in_meeting: bool) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="audit cards">
                <thead><tr>
                    <th scope="col">"Time"</th>
                    <th scope="col">"Who"</th>
                    {show_addr.then(|| view! { <th scope="col">"From"</th> })}
                    <th scope="col">"Action"</th>
                    {(!in_meeting).then(|| view! { <th scope="col">"Meeting"</th> })}
                    <th scope="col">"Reason / detail"</th>
                    <th scope="col">"Outcome"</th>
                    <th scope="col">"Result"</th>
                </tr></thead>
                <tbody>
                    {entries.into_iter().map(|e| {
                        let who = match (&e.username, e.role) {
                            (Some(u), Some(r)) => format!("{u} ({r}, {})", e.method.map(|m| m.as_str()).unwrap_or("-")),
                            (Some(u), None) => u.clone(),
                            (None, _) => "not signed in".to_owned(),
                        };
                        let meeting = e.meeting().and_then(|m| MeetingId::parse(m).ok());
                        let outcome_class = format!("outcome {}", e.outcome.map(|o| o.as_str()).unwrap_or("unknown"));
                        let detail = [e.reason.clone(), e.detail.clone()].into_iter().flatten().collect::<Vec<_>>();
                        view! {
                            <tr data-entry=e.id>
                                <td data-label="Time">{local_time_ms(e.at_ms)}</td>
                                <td data-label="Who">{who}</td>
                                {show_addr.then(|| view! { <td data-label="From"><code>{e.client_addr.clone()}</code></td> })}
                                <td data-label="Action">{e.action.label()}</td>
                                {(!in_meeting).then(|| view! { <td data-label="Meeting">{meeting.map(|id| view! { <a href=id.recordings_path()><code>{id.to_string()}</code></a> })}</td> })}
                                <td class="audit-detail" data-label="Reason / detail">
                                    {detail.into_iter().enumerate().map(|(i, d)| view! {
                                        <span class=if i == 0 && e.reason.is_some() { "reason" } else { "detail" }>{d}</span>
                                    }).collect_view()}
                                </td>
                                <td data-label="Outcome"><span class=outcome_class>{e.outcome_label()}</span></td>
                                <td class="audit-result" data-label="Result">
                                    {e.result_text()}
                                    {(!in_meeting).then(|| view! { <span class="request-id">{format!("trace {}", e.request_id)}</span> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
