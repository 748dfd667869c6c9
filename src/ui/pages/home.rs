use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::deletions::{awaiting_my_approval, my_deletions};
use crate::api::cases::cases_due_soon;
use crate::api::retention::retention_due_soon;
use crate::api::meetings::{opened_meetings, recent_meetings};
use crate::domain::{MeetingId, Permission};
use crate::ui::components::{local_time, local_time_ms, reader_zone, use_frame, ErrorAlert, FindRecordingsForm};

#[component]
pub fn HomePage() -> impl IntoView {
    let frame = use_frame();
    let recent = Resource::new(|| (), |_| recent_meetings());
    let opened = Resource::new(|| (), |_| opened_meetings());
    let awaiting = Resource::new(|| (), |_| awaiting_my_approval());
    let retention = Resource::new(|| (), |_| retention_due_soon());
    let cases = Resource::new(|| (), |_| cases_due_soon());
    let mine = Resource::new(|| (), |_| my_deletions(None));
    view! {
        <Title text=""/>
        <h1>"Meeting Admin"</h1>
        <p class="lead">"Look up a meeting's recordings, download them, or delete them on a customer's request."</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // Shown only when something waits: most people never approve anything.
                let list = awaiting.await.ok().filter(|l| !l.is_empty())?;
                Some(view! {
                    <section aria-labelledby="awaiting-heading" class="card">
                        <h2 id="awaiting-heading">"Deletions waiting for your approval"</h2>
                        <ul class="opened-meetings">
                            {awaiting_lines(list).into_iter().map(|(href, link, text)| view! {
                                <li><a href=href>{link}</a>{text}</li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // Admins only (the list is empty for others), and only when something is due.
                let (now_ms, list) = retention.await.ok().filter(|(_, l)| !l.is_empty())?;
                Some(view! { <RetentionDue list now_ms/> })
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // Those who may delete, and only when a case is due within 7 days or late.
                let (today, list) = cases.await.ok().filter(|(_, l)| !l.is_empty())?;
                Some(view! {
                    <section aria-labelledby="cases-due-heading" class="card">
                        <h2 id="cases-due-heading">"Erasure cases due soon"</h2>
                        <ul class="opened-meetings">
                            {list.into_iter().map(|c| view! {
                                <li><a href=c.path()>{c.reference.clone()}</a>{format!(" · {} · deadline {}", c.standing(today).describe(), crate::domain::format_day(c.deadline()))}</li>
                            }).collect_view()}
                        </ul>
                        <p><a href="/cases">"All cases"</a></p>
                    </section>
                })
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // What became of the deletions you asked for (a rejection too, with why).
                let list = mine.await.ok().filter(|l| !l.is_empty())?;
                Some(view! {
                    <section aria-labelledby="mine-heading" class="card">
                        <h2 id="mine-heading">"Your deletion requests"</h2>
                        <ul class="opened-meetings">
                            {list.into_iter().map(|v| {
                                let r = v.request;
                                let decided = match (r.state, &r.decided_by) {
                                    (crate::domain::DeletionState::Rejected, Some(by)) => {
                                        format!(" by {by}{}", r.decision_comment.as_deref().map(|c| format!(": {c}")).unwrap_or_default())
                                    }
                                    _ => String::new(),
                                };
                                view! {
                                    <li>
                                        <a href=r.path()>{format!("Request #{}", r.id)}</a>
                                        " · " <code>{r.meeting_id.to_string()}</code>
                                        {format!(" · {}{decided}", r.state.label())}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
        <section aria-labelledby="find-heading" class="card">
            <h2 id="find-heading">"Find recordings"</h2>
            <FindRecordingsForm id_prefix="home"/>
        </section>
        <section aria-labelledby="opened-heading" class="card">
            <h2 id="opened-heading">"Opened recently"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match opened.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted">"Meetings whose recordings you look up appear here, so a support case can be picked up again in one click."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="opened-meetings">
                                {list.into_iter().map(|m| view! {
                                    <li>
                                        <a href=m.meeting_id.recordings_path()><code>{m.meeting_id.to_string()}</code></a>
                                        {m.name.map(|n| view! { " " <span>{n}</span> })}
                                        <span class="muted">" · opened " {local_time_ms(m.opened_ms)}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <section aria-labelledby="recent-heading" class="card">
            <h2 id="recent-heading">"Meetings created here"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let may_create = frame.may(Permission::CreateMeeting).await;
                    let new_link = may_create.then(|| view! { <p><a class="button primary" href="/meetings/new">"Create a meeting"</a></p> });
                    match recent.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted">"No meetings have been created through Meeting Admin yet. ConnectyCube cannot list meetings, so only those made here appear."</p>
                            {new_link}
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="recent cards">
                                <caption class="visually-hidden">"Most recent meetings created through Meeting Admin"</caption>
                                <thead><tr>
                                    <th scope="col">"Name"</th><th scope="col">"Meeting id"</th><th scope="col">"Host"</th>
                                    <th scope="col">"Starts"</th><th scope="col">"Created by"</th><th scope="col">"Recordings"</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|m| view! {
                                        <tr>
                                            <td data-label="Name"><a href=m.path()>{m.meeting.name.clone()}</a></td>
                                            <td data-label="Meeting id"><code>{m.meeting_id.to_string()}</code></td>
                                            <td data-label="Host">{m.host.to_string()}</td>
                                            <td data-label="Starts">{local_time(m.meeting.start_date)}</td>
                                            <td data-label="Created by">{m.created_by.clone()}</td>
                                            <td data-label="Recordings"><a href=m.meeting_id.recordings_path()>"Recordings"</a></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {new_link}
                        }.into_any(),
                        Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let demo = frame.0.await.ok().filter(|i| i.demo)?;
                Some(view! {
                    <section aria-labelledby="demo-heading" class="card">
                        <h2 id="demo-heading">"Demo meetings"</h2>
                        <p>"The built-in mock holds these meetings:"</p>
                        <ul class="demo-meetings">
                            {demo.demo_meetings.into_iter().filter_map(|raw| MeetingId::parse(&raw).ok()).map(|id| view! {
                                <li><a href=id.recordings_path()><code>{id.to_string()}</code></a></li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}

/// One line per request, except that a bulk batch's requests make one line: one approval there
/// covers them all.
fn awaiting_lines(list: Vec<crate::api::deletions::DeletionView>) -> Vec<(String, String, String)> {
    let mut lines = Vec::new();
    let mut batches: Vec<(i64, usize, String, String)> = Vec::new();
    for v in list {
        let r = v.request;
        match r.batch_id {
            Some(b) => match batches.iter_mut().find(|(id, ..)| *id == b) {
                Some(entry) => entry.1 += 1,
                None => batches.push((b, 1, r.requested_by.clone(), r.reason.clone())),
            },
            None => lines.push((
                r.path(),
                format!("Request #{}", r.id),
                format!(": {} of meeting {}, requested by {}: {}", r.what_goes(), r.meeting_id, r.requested_by, r.reason),
            )),
        }
    }
    let grouped = batches.into_iter().map(|(b, n, by, reason)| {
        (format!("/bulk/{b}"), format!("Batch #{b}"), format!(": {n} deletion request{}, requested by {by}: {reason}", if n == 1 { "" } else { "s" }))
    });
    grouped.chain(lines).collect()
}

/// The retention lines of the home page: soonest first, each linked to its extend-or-keep page.
#[component]
fn RetentionDue(list: Vec<crate::domain::DueRow>, now_ms: i64) -> impl IntoView {
    view! {
        <section aria-labelledby="retention-due-heading" class="card">
            <h2 id="retention-due-heading">"Recordings due for deletion soon"</h2>
            <ul class="opened-meetings">
                {list.into_iter().map(|r| view! {
                    <li>
                        <a href=format!("/retention/meetings/{}", r.meeting_id)><code>{r.meeting_id.to_string()}</code></a>
                        {format!(" · {} recordings · {}", r.recordings, crate::domain::format_bytes(r.bytes))}
                        <span class="muted">" · due " {r.due_at_ms.map(|at| crate::domain::when(&reader_zone(), at, now_ms))}</span>
                    </li>
                }).collect_view()}
            </ul>
            <p><a href="/retention">"All of retention"</a></p>
        </section>
    }
}
