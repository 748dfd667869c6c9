//! `/retention`: the rules, how much the inventory covers and how fresh it is, what is due now
//! and soon, the exceptions, and (for admins) the forms that change them. Rule changes go
//! through `/retention/preview` (a dry run) before they are saved; a meeting's extension or
//! exemption is made on `/retention/meetings/:id`.

mod forms;
mod meeting;
mod preview;
mod report;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::retention::{read_retention, TrackMeetings};
use crate::domain::{format_bytes, DueRow, HostRule, MeetingId, RetentionOverview, RuleForm, NEWEST_RULE};
use crate::ui::components::{countdown, local_time, local_time_ms, ErrorAlert};
use forms::{GeneralForm, HostForm};

pub use meeting::RetentionMeetingPage;
pub use preview::RetentionPreviewPage;
pub use report::RetentionReportPage;

pub fn meeting_path(id: &MeetingId) -> String {
    format!("/retention/meetings/{id}")
}

#[component]
pub fn RetentionPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let done = status_line(|k| query.get(k));
    let overview = Resource::new(|| (), |_| read_retention());
    view! {
        <Title text="Retention"/>
        <h1>"Retention"</h1>
        <p class="lead">"Recordings of the meetings known here are deleted once they are older than the period the rules set, through the same deletion requests as a person's: grace period, approval where required, legal holds respected. " <a href="/retention/report">"Report per host"</a></p>
        {done.map(|text| view! { <p class="notice success" role="status">{text}</p> })}
        <Suspense fallback=|| view! { <p class="loading">"Loading retention…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <Overview o/> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What a change that brought the person back here did.
fn status_line(get: impl Fn(&str) -> Option<String>) -> Option<String> {
    if get("saved").is_some() {
        return Some("Retention rule saved. The next sweep uses it.".to_owned());
    }
    if let Some(id) = get("extended") {
        return Some(format!("Meeting {id} is kept longer."));
    }
    if let Some(id) = get("kept") {
        return Some(format!("Meeting {id} is exempt from retention: it is never due by age."));
    }
    if let Some(id) = get("cleared") {
        return Some(format!("Meeting {id} is back under the retention rules."));
    }
    let tracked = get("tracked")?;
    let new = get("new").unwrap_or_default();
    Some(format!("{tracked} meetings tracked ({new} new to the inventory); they are listed within the vendor budget."))
}

#[component]
fn Overview(o: RetentionOverview) -> impl IntoView {
    let now = o.now_ms;
    let rules_text = match o.default {
        Some(d) => format!("Recordings are kept {d} after a meeting's newest recording, unless a host's or the meeting's own rule says otherwise."),
        None => "There is no default period: only meetings of hosts with a rule of their own are ever due.".to_owned(),
    };
    view! {
        <Coverage o=o.clone()/>
        <section class="card" aria-labelledby="rules-heading">
            <h2 id="rules-heading">"Rules"</h2>
            <p>{rules_text}</p>
            <p class="muted">{NEWEST_RULE}</p>
            <p class="muted">{format!("Due soon: {} days before. Vendor budget for the inventory: {} calls an hour.", o.warn_days, o.calls_per_hour)}</p>
            {o.set_by.clone().zip(o.set_at_ms).map(|(by, at)| view! { <p class="muted">"Last changed by " {by} " " {local_time_ms(at)}</p> })}
            {o.may_manage.then(|| view! { <GeneralForm form=o.form.clone() errors=None/> })}
        </section>
        <HostRules o=o.clone()/>
        <section class="card" aria-labelledby="due-now-heading">
            <h2 id="due-now-heading">{format!("Due now ({})", o.due_now.len())}</h2>
            <p class="muted">
                {format!("The sweep runs every {} minutes and opens deletion requests for these; ", o.sweep_every_minutes)}
                {match o.last_sweep_ms {
                    Some(t) => view! { "the last ran " {local_time_ms(t)} "." }.into_any(),
                    None => "it has not run yet.".into_any(),
                }}
            </p>
            <DueTable rows=o.due_now.clone() now caption="Meetings due now" empty="Nothing is due."/>
        </section>
        <section class="card" aria-labelledby="due-soon-heading">
            <h2 id="due-soon-heading">{format!("Due within {} days ({})", o.warn_days, o.due_soon.len())}</h2>
            <DueTable rows=o.due_soon.clone() now caption="Meetings due soon" empty="Nothing is due soon."/>
        </section>
        <section class="card" aria-labelledby="exceptions-heading">
            <h2 id="exceptions-heading">{format!("Kept longer or exempt ({})", o.exceptions.len())}</h2>
            <DueTable rows=o.exceptions.clone() now caption="Meetings with a rule of their own" empty="No meeting has a rule of its own."/>
        </section>
        {o.may_manage.then(|| view! { <TrackForm/> })}
    }
}

#[component]
fn Coverage(o: RetentionOverview) -> impl IntoView {
    let c = o.coverage;
    let sources = c.by_source.iter().filter(|(_, n)| *n > 0).map(|(label, n)| format!("{n} {label}")).collect::<Vec<_>>().join(", ");
    view! {
        <section class="card" aria-labelledby="coverage-heading">
            <h2 id="coverage-heading">"What it covers"</h2>
            <p>
                <strong>{format!("{} meetings known here", c.known)}</strong>
                {(!sources.is_empty()).then(|| format!(": {sources}"))}
                ". ConnectyCube cannot list meetings, so meetings never created, opened, named in a bulk list or tracked here are not covered."
            </p>
            <p>
                "Inventory as of: "
                {match (c.oldest_listing_ms, c.newest_listing_ms) {
                    (Some(old), Some(new)) => view! { "listings from " {local_time_ms(old)} " to " {local_time_ms(new)} }.into_any(),
                    _ => "nothing listed yet".into_any(),
                }}
                {(c.never_listed > 0).then(|| format!("; {} not listed yet", c.never_listed))}
                {(c.failing > 0).then(|| format!("; {} whose last listing failed (they keep the listing before)", c.failing))}
                {(c.held > 0).then(|| format!("; {} on legal hold", c.held))}
                ". Each meeting is listed again once a day."
            </p>
            {o.paused_until_ms.map(|t| view! {
                <p class="notice warning" role="status">"ConnectyCube asked us to slow down: the inventory waits until " {local_time_ms(t)} "."</p>
            })}
        </section>
    }
}

fn host_rule_text(rule: HostRule) -> String {
    match rule {
        HostRule::Days(d) => format!("kept {d}"),
        HostRule::Keep => "kept (never due by age)".to_owned(),
    }
}

#[component]
fn HostRules(o: RetentionOverview) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="hosts-heading">
            <h2 id="hosts-heading">"Host rules"</h2>
            <p class="muted">"A host's rule applies to the meetings whose host is known here: those created here, or tracked with their host."</p>
            {if o.hosts.is_empty() {
                view! { <p class="muted">"No host has a rule of its own."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="deletions cards">
                            <caption>"Hosts with a rule of their own"</caption>
                            <thead><tr><th scope="col">"Host user id"</th><th scope="col">"Rule"</th><th scope="col">"Set"</th></tr></thead>
                            <tbody>
                                {o.hosts.iter().map(|h| view! {
                                    <tr>
                                        <td data-label="Host user id">{h.host_id.to_string()}</td>
                                        <td data-label="Rule">{host_rule_text(h.rule)}</td>
                                        <td data-label="Set">{h.set_by.clone()} ", " {local_time_ms(h.set_at_ms)}<br/><span class="muted">{h.reason.clone()}</span></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {o.may_manage.then(|| view! { <HostForm form=RuleForm::default() errors=None/> })}
        </section>
    }
}

#[component]
fn DueTable(rows: Vec<DueRow>, now: i64, caption: &'static str, empty: &'static str) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="deletions retention cards">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Meeting"</th>
                        <th scope="col">"Host"</th>
                        <th scope="col">"Recordings"</th>
                        <th scope="col">"Newest recording"</th>
                        <th scope="col">"Due"</th>
                        <th scope="col">"As of"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| view! { <DueLine r now/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn DueLine(r: DueRow, now: i64) -> impl IntoView {
    use crate::domain::MeetingRule;
    let rule = r.rule.as_ref().map(|m| match m.rule {
        MeetingRule::Keep => format!("exempt by {}: {}", m.set_by, m.reason),
        MeetingRule::ExtendedUntil(_) => format!("extended by {}: {}", m.set_by, m.reason),
    });
    view! {
        <tr>
            <td data-label="Meeting"><a href=r.meeting_id.recordings_path()><code>{r.meeting_id.to_string()}</code></a></td>
            <td data-label="Host">{r.host.map(|h| h.to_string()).unwrap_or_else(|| "unknown".to_owned())}</td>
            <td data-label="Recordings">{format!("{} · {}", r.recordings, format_bytes(r.bytes))}</td>
            <td data-label="Newest recording">{r.newest_created.map(local_time)}</td>
            <td data-label="Due">
                {match r.due_at_ms {
                    Some(at) => view! { {countdown(at, now, false)} }.into_any(),
                    None => "never (exempt)".into_any(),
                }}
                {r.in_hand.then(|| view! { <br/><span class="muted">"deletion under way"</span> })}
                {rule.map(|t| view! { <br/><span class="muted">{t}</span> })}
            </td>
            <td data-label="As of">{r.inventoried_at_ms.map(local_time_ms)}</td>
            <td class="actions" data-label="Actions"><a href=meeting_path(&r.meeting_id)>"Extend or keep"</a></td>
        </tr>
    }
}

#[component]
fn TrackForm() -> impl IntoView {
    let action = ServerAction::<TrackMeetings>::new();
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <section class="card" aria-labelledby="track-heading">
            <h2 id="track-heading">"Track these meetings"</h2>
            <p>"Meetings created elsewhere are covered once they are known here. Paste their ids (one per line, or a CSV with a meeting_id column); each is listed within the vendor budget."</p>
            <ActionForm action=action>
                <div class="field">
                    <label for="track-meetings">"Meeting ids"</label>
                    <textarea id="track-meetings" name="meetings" rows="5" spellcheck="false"
                        aria-describedby="track-meetings-error"
                        aria-invalid=move || if error().and_then(|e| e.field("meetings")).is_some() { "true" } else { "false" }></textarea>
                    <p id="track-meetings-error" class="field-error">{move || error().and_then(|e| e.field("meetings"))}</p>
                </div>
                <div class="field">
                    <label for="track-host">"Their host's user id (optional)"</label>
                    <input id="track-host" name="host_id" type="text" inputmode="numeric" autocomplete="off"
                        aria-describedby="track-host-hint track-host-error"
                        aria-invalid=move || if error().and_then(|e| e.field("host_id")).is_some() { "true" } else { "false" }/>
                    <p id="track-host-hint" class="hint">"So a host's rule applies to them."</p>
                    <p id="track-host-error" class="field-error">{move || error().and_then(|e| e.field("host_id"))}</p>
                </div>
                {move || error().filter(|e| e.field("meetings").is_none() && e.field("host_id").is_none()).map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit" disabled=move || action.pending().get()>"Track these meetings"</button>
            </ActionForm>
        </section>
    }
}
