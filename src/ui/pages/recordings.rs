use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::audit::meeting_history;
use crate::api::deletions::{open_deletion, DeletionView};
use crate::api::holds::meeting_hold;
use crate::api::recordings::recordings_page;
use crate::domain::{format_bytes, format_duration_ms, format_utc_ms, DeletionRules, LegalHold, MeetingId, Permission, RecordingAccess, RecordingPage, RecordingRow, RecordingView, SortKey};
use crate::error::AppError;
use crate::ui::components::{local_time, use_frame, DeleteOpener, DeletionNotice, ErrorAlert, FindRecordingsForm, HoldControls, HoldNotice, LocalTimes, Pager, PendingList};
use crate::ui::pages::{ConfirmDelete, EntryTable};

#[component]
pub fn RecordingsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let raw_id = move || params.read().get("meeting_id").unwrap_or_default();
    let deleted = move || query.read().get("deleted");
    let view_query = move || {
        let q = query.read();
        (q.get("sort"), q.get("dir"), q.get("page"))
    };
    // "Refresh" (a plain form) sends `refresh` to ask ConnectyCube again; paging and sorting
    // after it use the list just read.
    let refresh_query = move || query.read().get("refresh").is_some();
    let list = Resource::new(
        move || (raw_id(), view_query(), deleted(), refresh_query()),
        move |(id, (sort, dir, page), _, asked)| recordings_page(id, sort, dir, page, asked.then(|| "1".to_owned())),
    );
    // `held`/`released` come back after a hold changes, so the hold is read again.
    let hold_changed = move || {
        let q = query.read();
        (q.get("held"), q.get("released"))
    };
    // `requested`/`cancelled` come back after a deletion request is made or cancelled.
    let deletion_changed = move || {
        let q = query.read();
        (q.get("requested"), q.get("cancelled"))
    };
    // The hold and the open deletion request decide together what the page offers, so they come
    // as one resource, read by the one boundary that shows them (fewer boundaries sharing
    // resources: see leptos#4578).
    let meeting_state = Resource::new(
        move || (raw_id(), hold_changed(), deletion_changed(), deleted(), refresh_query()),
        |(id, _, _, _, _)| async move { (meeting_hold(id.clone()).await, open_deletion(id).await) },
    );
    let frame = use_frame();
    let fallback = || view! { <p class="loading">"Loading recordings…"</p> };
    let body = move || Suspend::new(async move {
        let info = frame.0.await.ok();
        let may = |p| info.as_ref().and_then(|i| i.staff.as_ref()).is_some_and(|s| s.may(p));
        let rules = info.as_ref().map(|i| i.deletion_rules).unwrap_or_default();
        let (held, open) = meeting_state.await;
        // A hold that cannot be read offers no delete (the server would refuse it anyway), nor
        // does a meeting with an open request (it gets no second one).
        let may_delete = may(Permission::DeleteRecordings) && matches!(held, Ok(None)) && matches!(open, Ok(None));
        let hold_controls = match (may(Permission::ManageLegalHolds), MeetingId::parse(&raw_id()), &held) {
            (true, Ok(meeting), Ok(h)) => Some(view! { <HoldControls meeting_id=meeting held=h.is_some()/> }),
            _ => None,
        };
        let held = held.ok().flatten();
        let open = open.ok().flatten();
        let may_share = may(Permission::ShareRecordingLinks);
        match list.await {
            Ok(page) => view! { <RecordingsView page may_delete may_share held open rules/> {hold_controls} }.into_any(),
            Err(e) => {
                let bad_id = e.field("meeting_id");
                view! {
                    <ErrorAlert error=e/>
                    {bad_id.map(|msg| view! { <FindRecordingsForm id_prefix="retry" value=raw_id() error=Some(msg)/> })}
                    <form method="get" class="inline-actions">
                        <input type="hidden" name="refresh" value="1"/>
                        <button type="submit">"Try again"</button>
                    </form>
                    {hold_controls}
                }
                .into_any()
            }
        }
    });
    view! {
        <Title text="Recordings"/>
        <h1>"Recordings"</h1>
        <p class="meeting-line">"Meeting " <code class="meeting-id">{raw_id}</code></p>
        {move || deleted().and_then(|n| n.parse::<usize>().ok()).map(|n| view! {
            <p class="notice success" role="status">
                {format!("Deleted {n} recording{}.", if n == 1 { "" } else { "s" })}
            </p>
        })}
        // `try_get`: the soak also caught this closure reading the signal after its disposal.
        {move || hold_changed().0.map(|_| view! { <p class="notice success" role="status">"The meeting is on legal hold."</p> })}
        {move || hold_changed().1.map(|_| view! { <p class="notice success" role="status">"The legal hold was lifted."</p> })}
        {move || deletion_changed().0.map(|id| view! {
            <p class="notice success" role="status">{format!("Deletion requested (request #{id}). Nothing is deleted until it runs.")}</p>
        })}
        {move || deletion_changed().1.map(|id| view! {
            <p class="notice success" role="status">{format!("Deletion request #{id} cancelled: nothing was deleted.")}</p>
        })}
        <PendingList>
            <Suspense fallback>{body}</Suspense>
        </PendingList>
        <LocalTimes/>
        <MeetingHistory raw_id=Signal::derive(raw_id) changed=Signal::derive(move || (deleted(), hold_changed(), deletion_changed(), refresh_query()))/>
    }
}

/// What was done to this meeting through Meeting Admin, from the audit log.
#[component]
fn MeetingHistory(raw_id: Signal<String>, changed: Signal<(Option<String>, (Option<String>, Option<String>), (Option<String>, Option<String>), bool)>) -> impl IntoView {
    let history = Resource::new(move || (raw_id.get(), changed.get()), |(id, _)| meeting_history(id));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let entries = match history.await {
                    Ok(entries) => entries,
                    // A bad id is already explained above.
                    Err(AppError::Invalid { .. }) => return None,
                    Err(e) => return Some(view! { <section class="card"><ErrorAlert error=e/></section> }.into_any()),
                };
                let show_addr = entries.iter().any(|e| !e.client_addr.is_empty());
                Some(view! {
                    <section aria-labelledby="history-heading" class="card history">
                        <h2 id="history-heading">"History of this meeting"</h2>
                        {if entries.is_empty() {
                            view! { <p class="muted">"Nothing has been done to this meeting through Meeting Admin."</p> }.into_any()
                        } else {
                            view! { <EntryTable entries show_addr/> }.into_any()
                        }}
                    </section>
                }.into_any())
            })}
        </Suspense>
    }
}

/// The confirmation dialog on the list page (an ordinary, closed `<dialog>` without JavaScript).
const DIALOG_ID: &str = "delete-dialog";

#[component]
fn RecordingsView(
    page: RecordingPage,
    may_delete: bool,
    may_share: bool,
    held: Option<LegalHold>,
    open: Option<DeletionView>,
    rules: DeletionRules,
) -> impl IntoView {
    let summary = page.summary.clone();
    let id = page.meeting_id.clone();
    let delete_href = format!("{}/delete", id.recordings_path());
    let csv_href = format!("{}.csv", id.recordings_path());
    let count = summary.count;
    view! {
        {held.map(|hold| view! { <HoldNotice hold/> })}
        {open.map(|view| view! { <DeletionNotice view from="meeting"/> })}
        <p class="summary" aria-live="polite">
            {format!(
                "{} recording{}, total duration {}, total size {}",
                count,
                if count == 1 { "" } else { "s" },
                format_duration_ms(summary.total_duration_ms),
                format_bytes(summary.total_size)
            )}
            <span class="muted">{format!(" · as listed by ConnectyCube at {}", format_utc_ms(page.fetched_at * 1000))}</span>
        </p>
        <div class="toolbar">
            <form method="get">
                <input type="hidden" name="sort" value=page.view.sort.as_str()/>
                <input type="hidden" name="dir" value=if page.view.descending { "desc" } else { "asc" }/>
                <input type="hidden" name="page" value=page.view.page.to_string()/>
                <input type="hidden" name="refresh" value="1"/>
                <button type="submit">"Refresh"</button>
            </form>
            {(count > 0).then(|| view! {
                <a class="button" href=csv_href.clone() download="">"Export CSV"</a>
            })}
            {(count > 0 && may_delete).then(|| view! {
                <DeleteOpener href=delete_href.clone() dialog=DIALOG_ID.to_owned()/>
            })}
        </div>
        {if count == 0 {
            view! {
                <div class="empty-state">
                    <h2>"No recordings for this meeting"</h2>
                    <p>"Either the meeting was not recorded, its recordings were deleted, or the id belongs to no meeting: ConnectyCube answers the same for all three."</p>
                </div>
            }
            .into_any()
        } else {
            view! {
                <RecordingsTable page=page.clone() may_share/>
                {may_delete.then(|| view! {
                <dialog id=DIALOG_ID class="confirm-dialog" aria-labelledby="confirm-heading">
                    <ConfirmDelete meeting_id=id.clone() summary=summary.clone() rules in_dialog=true/>
                </dialog>
                })}
            }
            .into_any()
        }}
    }
}

#[component]
fn RecordingsTable(page: RecordingPage, may_share: bool) -> impl IntoView {
    let RecordingView { sort: key, descending, page: current } = page.view;
    let header = move |col: SortKey, label: &'static str| {
        let active = col == key;
        let next_desc = if active { !descending } else { true };
        // A new order starts again at its first page.
        let href = RecordingView { sort: col, descending: next_desc, page: 1 }.query();
        let aria = if !active { "none" } else if descending { "descending" } else { "ascending" };
        let arrow = if !active { "" } else if descending { " ↓" } else { " ↑" };
        view! {
            <th scope="col" aria-sort=aria>
                <a href=href>{label}{arrow}</a>
            </th>
        }
    };
    let pages = page.pages;
    let pager = (pages > 1).then(|| view! {
        <Pager
            label="Pages of recordings"
            status=format!("Page {current} of {pages} · {}", page.range_text())
            prev=(current > 1).then(|| (page.page_href(current - 1), "← Previous"))
            next=(current < pages).then(|| (page.page_href(current + 1), "Next →"))
        />
    });
    let meeting = page.meeting_id.clone();
    view! {
        <div class="table-wrap">
            <table class="recordings">
                <caption>"Recordings of this meeting"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Recording"</th>
                        {header(SortKey::Created, "Created")}
                        {header(SortKey::Duration, "Duration")}
                        {header(SortKey::Size, "Size")}
                        <th scope="col">"Participants"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|r| row_view(r, &meeting, may_share)).collect_view()}
                </tbody>
            </table>
        </div>
        {pager}
    }
}

/// One recording. Its file is reached only through our own addresses, which audit each use and
/// redirect to a fresh presigned link: no bearer link is ever in the page. A plain function, not
/// a component: a row has no state of its own, and a component's reactive owner per row was a
/// measurable share of rendering a page of 50.
fn row_view(r: RecordingRow, meeting: &MeetingId, may_share: bool) -> impl IntoView {
    let participants = r.participants_ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
    let actions = match &r.file {
        // The vendor's link was not https (the server never hands such links out).
        None => view! { <span class="muted">"No safe download link"</span> }.into_any(),
        Some(file) => {
            let path = |access| meeting.recording_path(file, access);
            view! {
                <a href=path(RecordingAccess::Download) rel="noreferrer" download="">"Download"</a>
                {may_share.then(|| view! { <a href=path(RecordingAccess::Share)>"Share link"</a> })}
                <details class="preview">
                    <summary>"Preview"</summary>
                    <video controls preload="none" src=path(RecordingAccess::Preview) width="320"></video>
                </details>
            }
            .into_any()
        }
    };
    view! {
        <tr>
            <td><code>{r.id.clone()}</code></td>
            <td>{match r.created_unix() {
                Some(t) => local_time(t).into_any(),
                None => view! { <span title="ConnectyCube sent no readable date">{r.created_at.clone()}</span> }.into_any(),
            }}</td>
            <td class="num" title=format!("{} (raw value, read as milliseconds)", r.duration)>{r.duration_hms()}</td>
            <td class="num" title=format!("{} (raw value, read as bytes)", r.size)>{r.human_size()}</td>
            <td>{r.participants_count} {(!participants.is_empty()).then(|| view! { <span class="muted">" (" {participants} ")"</span> })}</td>
            <td class="actions">{actions}</td>
        </tr>
    }
}
