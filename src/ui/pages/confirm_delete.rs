use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::holds::meeting_hold;
use crate::api::deletions::RequestDeletion;
use crate::api::recordings::list_recordings;
use crate::domain::{format_bytes, DeletionRules, MeetingId, RecordingSummary};
use crate::ui::components::{local_text, use_frame, ErrorAlert, HoldNotice, ReasonField};

/// The confirmation itself: in a modal dialog when JavaScript runs, on its own page otherwise.
/// States exactly what goes and asks for a reason before anything is deleted.
#[component]
pub fn ConfirmDelete(
    meeting_id: MeetingId,
    summary: RecordingSummary,
    rules: DeletionRules,
    /// In the list page's dialog, "Cancel" closes it (it submits a `method="dialog"` form of its
    /// own, so Enter in the reason field still means "Delete", as on the page without
    /// JavaScript); on the page of its own it links back to the list.
    #[prop(optional)]
    in_dialog: bool,
) -> impl IntoView {
    let action = ServerAction::<RequestDeletion>::new();
    let error = move || action.value().get().and_then(Result::err);
    let reason_error = move || error().and_then(|e| e.field("reason"));
    let general_error = move || error().filter(|e| e.field("reason").is_none());
    let n = summary.count;
    let plural = if n == 1 { "" } else { "s" };
    let range = match (summary.first_created, summary.last_created) {
        (Some(a), Some(b)) if a == b => format!("recorded {}", local_text(a)),
        (Some(a), Some(b)) => format!("recorded between {} and {}", local_text(a), local_text(b)),
        _ => "with unknown recording dates".to_owned(),
    };
    let back = meeting_id.recordings_path();
    view! {
        <ActionForm action=action attr:class="confirm-delete">
            <h2 id="confirm-heading">{format!("Delete all {n} recording{plural} of this meeting?")}</h2>
            <p>"Meeting " <code>{meeting_id.to_string()}</code></p>
            <ul class="what-goes">
                <li><strong>{format!("{n} recording{plural}")}</strong>{format!(", {} in total", format_bytes(summary.total_size))}</li>
                <li>{range}</li>
            </ul>
            {(!rules.immediate()).then(|| view! { <p class="notice">{rules.explain()}</p> })}
            <p class="warning">
                <strong>{if rules.immediate() { "This cannot be undone." } else { "Once it runs, it cannot be undone." }}</strong>
                " ConnectyCube deletes every recording of the meeting at once, permanently."
            </p>
            <input type="hidden" name="meeting_id" value=meeting_id.to_string()/>
            <input type="hidden" name="expected_count" value=n.to_string()/>
            <input type="hidden" name="fingerprint" value=summary.fingerprint.clone()/>
            <ReasonField id="delete-reason" label="Reason or ticket reference" hint="Kept in the audit log with your name." error=Signal::derive(reason_error)/>
            {move || general_error().map(|e| view! { <ErrorAlert error=e/> })}
            <div class="dialog-actions">
                {if in_dialog {
                    view! { <button type="submit" form=CANCEL_FORM formnovalidate="">"Cancel"</button> }.into_any()
                } else {
                    view! { <a class="button" href=back>"Cancel"</a> }.into_any()
                }}
                <button type="submit" class="danger" disabled=move || action.pending().get()>
                    {move || match (action.pending().get(), rules.immediate()) {
                        (true, true) => "Deleting…".to_owned(),
                        (true, false) => "Scheduling…".to_owned(),
                        (false, _) => format!("Delete {n} recording{plural}"),
                    }}
                </button>
            </div>
        </ActionForm>
        // Outside the deletion's form: a form's default button (what Enter presses) is its first
        // submit button, and this one is not the deletion form's.
        {in_dialog.then(|| view! { <form id=CANCEL_FORM method="dialog"></form> })}
    }
}

const CANCEL_FORM: &str = "delete-dialog-cancel";

/// `/meetings/{id}/recordings/delete`: the confirmation as a page, for browsers without
/// JavaScript (the list page's button leads here). A GET never deletes anything.
#[component]
pub fn ConfirmDeletePage() -> impl IntoView {
    let params = use_params_map();
    let raw_id = move || params.read().get("meeting_id").unwrap_or_default();
    let list = Resource::new(raw_id, list_recordings);
    let hold = Resource::new(raw_id, meeting_hold);
    let frame = use_frame();
    view! {
        <Title text="Delete recordings"/>
        <h1>"Delete recordings"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading recordings…"</p> }>
            {move || Suspend::new(async move {
                if let Ok(Some(hold)) = hold.await {
                    let back = hold.meeting_id.recordings_path();
                    return view! { <HoldNotice hold/> <p><a href=back>"Back to the meeting"</a></p> }.into_any();
                }
                match list.await {
                    Ok(list) if list.recordings.is_empty() => view! {
                        <p>"This meeting has no recordings to delete. "
                            <a href=list.meeting_id.recordings_path()>"Back to the meeting"</a></p>
                    }.into_any(),
                    Ok(list) => {
                        let summary = RecordingSummary::of(&list.recordings);
                        let rules = frame.deletion_rules().await;
                        view! { <div class="card"><ConfirmDelete meeting_id=list.meeting_id summary rules/></div> }.into_any()
                    }
                    Err(e) => view! { <ErrorAlert error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
