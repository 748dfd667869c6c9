use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::audit::meeting_history;
use crate::api::deletions::{open_deletion, DeletionView};
use crate::api::holds::meeting_hold;
use crate::api::recordings::recordings_page;
use crate::domain::{format_bytes, format_duration_ms, push_bytes, push_duration_ms, push_u64, DeletionRules, LegalHold, MeetingId, Permission, RecordingAccess, RecordingPage, RecordingRow, RecordingView, SortKey, Zone};
use crate::error::AppError;
use crate::ui::components::{push_local_time, use_frame, delete_opener, DeletionNotice, ErrorAlert, FindRecordingsForm, HoldControls, HoldNotice, Pager, PendingList, local_text, local_time, reader_zone};
use crate::ui::pages::{ConfirmDelete, EntryTable};
use crate::ui::reads::begun;

#[component]
pub fn RecordingsPage() -> impl IntoView {
    // Islands: this page is rendered once per request, on the server, and never again in the
    // browser (only its islands are). So it reads its address once and begins its reads at once
    // (`ui::reads`), without a resource per read.
    let params = use_params_map().get_untracked();
    let query = use_query_map().get_untracked();
    let raw_id = params.get("meeting_id").unwrap_or_default();
    let deleted = query.get("deleted").and_then(|n| n.parse::<usize>().ok());
    let reads = {
        let raw_id = raw_id.clone();
        // "Refresh" (a plain form) sends `refresh` to ask ConnectyCube again; paging and sorting
        // after it use the list just read.
        let refresh = query.get("refresh").is_some().then(|| "1".to_owned());
        let (sort, dir, page) = (query.get("sort"), query.get("dir"), query.get("page"));
        begun(async move {
            // The hold and the open deletion request decide together what the page offers.
            futures_util::join!(
                meeting_hold(raw_id.clone()),
                open_deletion(raw_id.clone()),
                // Shared with the page as it renders, so never copied.
                async move { recordings_page(raw_id, sort, dir, page, refresh).await.map(Arc::new) },
            )
        })
    };
    let frame = use_frame();
    let fallback = || view! { <p class="loading">"Loading recordings…"</p> };
    let body = {
        let raw_id = raw_id.clone();
        move || {
            let (raw_id, reads) = (raw_id.clone(), reads.clone());
            Suspend::new(async move {
                let info = frame.0.await;
                let (held, open, list) = Arc::unwrap_or_clone(reads.await);
                let info = info.ok();
                let may = |p| info.as_ref().and_then(|i| i.staff.as_ref()).is_some_and(|s| s.may(p));
                let rules = info.as_ref().map(|i| i.deletion_rules).unwrap_or_default();
                // A hold that cannot be read offers no delete (the server would refuse it anyway),
                // nor does a meeting with an open request (it gets no second one).
                let may_delete = may(Permission::DeleteRecordings) && matches!(held, Ok(None)) && matches!(open, Ok(None));
                let hold_controls = match (may(Permission::ManageLegalHolds), MeetingId::parse(&raw_id), &held) {
                    (true, Ok(meeting), Ok(h)) => Some(view! { <HoldControls meeting_id=meeting held=h.is_some()/> }),
                    _ => None,
                };
                let held = held.ok().flatten();
                let open = open.ok().flatten();
                let may_share = may(Permission::ShareRecordingLinks);
                match list {
                    Ok(page) => view! { <RecordingsView page may_delete may_share held open rules/> {hold_controls} }.into_any(),
                    Err(e) => {
                        let bad_id = e.field("meeting_id");
                        view! {
                            <ErrorAlert error=e/>
                            {bad_id.map(|msg| view! { <FindRecordingsForm id_prefix="retry" value=raw_id.clone() error=Some(msg)/> })}
                            <form method="get" class="inline-actions">
                                <input type="hidden" name="refresh" value="1"/>
                                <button type="submit">"Try again"</button>
                            </form>
                            {hold_controls}
                        }
                        .into_any()
                    }
                }
            })
        }
    };
    view! {
        <Title text="Recordings"/>
        <h1>"Recordings"</h1>
        <p class="meeting-line">"Meeting " <code class="meeting-id">{raw_id.clone()}</code></p>
        {deleted.map(|n| view! {
            <p class="notice success" role="status">
                {format!("Deleted {n} recording{}.", if n == 1 { "" } else { "s" })}
            </p>
        })}
        // Where a hold or a deletion request just changed, the form that changed it came back here.
        {query.get("released").map(|_| view! { <p class="notice success" role="status">"The legal hold was lifted."</p> })}
        {query.get("requested").map(|id| view! {
            <p class="notice success" role="status">{format!("Deletion requested (request #{id}). Nothing is deleted until it runs.")}</p>
        })}
        {query.get("cancelled").map(|id| view! {
            <p class="notice success" role="status">{format!("Deletion request #{id} cancelled: nothing was deleted.")}</p>
        })}
        <RejectionNotice raw_id=raw_id.clone()/>
        <PendingList>
            <Suspense fallback>{body}</Suspense>
        </PendingList>
        <MeetingHistory raw_id/>
    }
}

/// Tells whoever asked for this meeting's latest deletion that it was rejected, by whom and why
/// (the approver was told "the requester sees it").
#[component]
fn RejectionNotice(raw_id: String) -> impl IntoView {
    let mine = Resource::new(move || raw_id.clone(), |id| crate::api::deletions::my_deletions(Some(id)));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let latest = mine.await.ok()?.into_iter().next()?.request;
                (latest.state == crate::domain::DeletionState::Rejected).then(|| {
                    let by = latest.decided_by.clone().unwrap_or_default();
                    let at = latest.decided_at_ms.map(|t| format!(" at {}", local_text(t.div_euclid(1000)))).unwrap_or_default();
                    let why = latest.decision_comment.clone().map(|c| format!(": {c}")).unwrap_or_default();
                    view! {
                        <p class="notice warning" role="note">
                            <a href=latest.path()>{format!("Your deletion request #{}", latest.id)}</a>
                            {format!(" was rejected by {by}{at}{why}. Nothing was deleted.")}
                        </p>
                    }
                })
            })}
        </Suspense>
    }
}

/// What was done to this meeting through Meeting Admin, from the audit log.
#[component]
fn MeetingHistory(raw_id: String) -> impl IntoView {
    let history = begun(meeting_history(raw_id));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let history = history.clone();
                Suspend::new(async move {
                    let entries = match Arc::unwrap_or_clone(history.await) {
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
                                view! { <EntryTable entries show_addr in_meeting=true/> }.into_any()
                            }}
                        </section>
                    }.into_any())
                })
            }}
        </Suspense>
    }
}

/// The confirmation dialog on the list page (an ordinary, closed `<dialog>` without JavaScript).
const DIALOG_ID: &str = "delete-dialog";

#[component]
fn RecordingsView(
    page: Arc<RecordingPage>,
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
            <span class="muted">" · as listed by ConnectyCube at " {local_time(page.fetched_at)}</span>
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
                <a class="button" href=csv_href download="">"Export CSV"</a>
            })}
            {(count > 0 && may_delete).then(|| view! {
                {delete_opener(delete_href, DIALOG_ID)}
            })}
        </div>
        {if count == 0 {
            let known = page.known.clone();
            view! {
                <div class="empty-state">
                    <h2>"No recordings for this meeting"</h2>
                    {match known {
                        Some(k) => view! { <p>{k}</p> }.into_any(),
                        None => view! { <p>"Either the meeting was not recorded, its recordings were deleted, or the id belongs to no meeting: ConnectyCube answers the same for all three."</p> }.into_any(),
                    }}
                </div>
            }
            .into_any()
        } else {
            view! {
                <RecordingsTable page may_share/>
                {may_delete.then(|| view! {
                <dialog id=DIALOG_ID class="confirm-dialog" aria-labelledby="confirm-heading">
                    <ConfirmDelete meeting_id=id summary rules in_dialog=true/>
                </dialog>
                })}
            }
            .into_any()
        }}
    }
}

#[component]
fn RecordingsTable(page: Arc<RecordingPage>, may_share: bool) -> impl IntoView {
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
            <table class="recordings cards">
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
                <tbody inner_html=rows_html(&page.rows, &meeting, may_share, &reader_zone())></tbody>
            </table>
        </div>
        {pager}
    }
}

/// The table's rows, written straight into one string: a view tree per cell (an allocation per
/// attribute and text, a reactive owner per component) was most of the cost of rendering a page
/// of 50, and a row has no state to hydrate. Every text from the vendor goes through `escape`.
/// A recording's file is reached only through our own addresses, which audit each use and
/// redirect to a fresh presigned link: no bearer link is ever in the page.
fn rows_html(rows: &[RecordingRow], meeting: &MeetingId, may_share: bool, zone: &Zone) -> String {
    // Pieces pushed one after another, numbers through `itoa`: `format!` and its temporary
    // strings were most of this function's cost (BENCHMARKS.md).
    let mut out = String::with_capacity(rows.len() * 1024);
    // A meeting id is hex and a recording id letters, digits, '-' and '_' (both checked when
    // parsed): our addresses need no escaping.
    let base = meeting.recordings_path();
    for r in rows {
        out.push_str("<tr><td data-label=\"Recording\"><code>");
        escape(&mut out, &r.id);
        out.push_str("</code></td><td data-label=\"Created\">");
        match r.created_unix() {
            Some(t) => push_local_time(&mut out, zone, t),
            None => {
                out.push_str("<span title=\"ConnectyCube sent no readable date\">");
                escape(&mut out, &r.created_at);
                out.push_str("</span>");
            }
        }
        out.push_str("</td><td class=\"num\" data-label=\"Duration\" title=\"");
        push_u64(&mut out, r.duration);
        out.push_str(" (raw value, read as milliseconds)\">");
        push_duration_ms(&mut out, r.duration);
        out.push_str("</td><td class=\"num\" data-label=\"Size\" title=\"");
        push_u64(&mut out, r.size);
        out.push_str(" (raw value, read as bytes)\">");
        push_bytes(&mut out, r.size);
        out.push_str("</td><td data-label=\"Participants\">");
        push_u64(&mut out, r.participants_count);
        if let Some((first, rest)) = r.participants_ids.split_first() {
            out.push_str(" <span class=\"muted\">(");
            push_u64(&mut out, *first);
            for id in rest {
                out.push_str(", ");
                push_u64(&mut out, *id);
            }
            out.push_str(")</span>");
        }
        out.push_str("</td><td class=\"actions\" data-label=\"Actions\">");
        match &r.file {
            // The vendor's link was not https (the server never hands such links out).
            None => out.push_str("<span class=\"muted\">No safe download link</span>"),
            Some(file) => {
                let href = |out: &mut String, access| {
                    out.push_str(&base);
                    file.push_path_tail(out, access);
                };
                out.push_str("<a href=\"");
                href(&mut out, RecordingAccess::Download);
                out.push_str("\" rel=\"noreferrer\" download=\"\">Download</a>");
                if may_share {
                    out.push_str("<a href=\"");
                    href(&mut out, RecordingAccess::Share);
                    out.push_str("\">Share link</a>");
                }
                out.push_str("<details class=\"preview\"><summary>Preview</summary><video controls preload=\"none\" src=\"");
                href(&mut out, RecordingAccess::Preview);
                out.push_str("\" width=\"320\"></video></details>");
            }
        }
        out.push_str("</td></tr>");
    }
    out
}

/// `text` as HTML text or a quoted attribute value, byte by byte (a five-character search per
/// piece of text showed in profiles; the texts are short).
fn escape(out: &mut String, text: &str) {
    let mut copied = 0;
    for (at, b) in text.bytes().enumerate() {
        let with = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // Only ASCII bytes are replaced, so `at` is on a character boundary.
        out.push_str(&text[copied..at]);
        out.push_str(with);
        copied = at + 1;
    }
    out.push_str(&text[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, created_at: &str) -> RecordingRow {
        RecordingRow { id: id.into(), participants_count: 2, participants_ids: vec![7, 9], duration: 61_000, size: 2_000_000, created_at: created_at.into(), file: None }
    }

    #[test]
    fn vendor_text_in_a_row_is_escaped() {
        let meeting = MeetingId::parse("6932e0f8652986000d48148a").unwrap();
        let html = rows_html(&[row("<img src=x onerror=alert(1)>", "\"><script>alert('x')</script>")], &meeting, true, &Zone::utc());
        assert!(!html.contains("<img") && !html.contains("<script"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(html.contains("<td data-label=\"Participants\">2 <span class=\"muted\">(7, 9)</span></td>"));
        let mut out = String::new();
        escape(&mut out, "é<ü>&\"'x");
        assert_eq!(out, "é&lt;ü&gt;&amp;&quot;&#39;x", "text around what is escaped is kept whole");
        assert!(html.contains("No safe download link") && !html.contains("Share link"));
    }

    #[test]
    fn a_row_with_a_file_links_only_to_our_own_addresses() {
        let meeting = MeetingId::parse("6932e0f8652986000d48148a").unwrap();
        let mut r = row("6932e11b652986000d48148c", "2026-11-24T10:10:10Z");
        r.file = crate::domain::RecordingId::parse(&r.id).ok();
        let html = rows_html(&[r.clone()], &meeting, true, &Zone::utc());
        let base = "/meetings/6932e0f8652986000d48148a/recordings/6932e11b652986000d48148c";
        for access in ["download", "share", "preview"] {
            assert!(html.contains(&format!("\"{base}/{access}\"")), "{access}: {html}");
        }
        assert!(html.contains("<time datetime=\"2026-11-24T10:10:10.000Z\" title=\"24 Nov 2026, 10:10:10 UTC\">24 Nov 2026, 10:10 UTC</time>"), "{html}");
        assert!(!rows_html(&[r], &meeting, false, &Zone::utc()).contains("Share link"), "sharing only for those who may");
    }
}
