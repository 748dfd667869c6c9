use leptos::prelude::*;

use leptos::server_fn::ServerFn;

use crate::api::deletions::{CancelDeletion, DeletionState as DeletionState_, DeletionView};
use crate::domain::DeletionState;
use crate::ui::components::{countdown, reader_zone, refresh_in, ErrorAlert, follow_progress};

/// An open deletion request, stated plainly where it matters (the recordings page, the
/// request's own page), with Cancel for whoever may cancel it. `from` names the page, so the
/// cancel comes back to it.
#[component]
pub fn DeletionNotice(view: DeletionView, from: &'static str) -> impl IntoView {
    let r = view.request.clone();
    let line = r.status_line(view.now_ms, &reader_zone());
    let class = if r.held { "notice warning deletion-notice" } else { "notice deletion-notice" };
    let review = (from != "request").then(|| {
        let label = if view.may_decide { "Review and approve or reject" } else { "Details" };
        view! { <a href=r.path()>{format!("{label} (request #{})", r.id)}</a> }
    });
    let waits_for_someone = r.state == DeletionState::AwaitingApproval && view.own;
    let now = view.now_ms;
    // A scheduled run counts down live; once due (or running) the page follows it to its result,
    // with JavaScript by asking where it stands, without by refreshing itself.
    let due = r.due_at_ms.filter(|_| r.state == DeletionState::Scheduled && !r.held);
    let text = match due {
        Some(at) if at > now => {
            refresh_in(((at - now) / 1000 + 3).clamp(3, 60));
            let retry = if r.attempts > 0 { " (trying again after a ConnectyCube error)" } else { "" };
            let rest = format!("{retry}, requested by {}: {}", r.requested_by, r.reason);
            view! { <p>"Deletion scheduled for " {countdown(at, now, true)} {rest}</p> }.into_any()
        }
        _ => view! { <p>{line}</p> }.into_any(),
    };
    let follow = (due.is_some_and(|at| at <= now) || r.state == DeletionState::Running).then(|| {
        refresh_in(3);
        let progress_url = format!("{}?request_id={}", DeletionState_::PATH, r.id);
        let seen = serde_json::to_string(r.state.as_str()).unwrap_or_default();
        follow_progress(progress_url, seen)
    });
    view! {
        {follow}
        <div class=class role="status">
            {text}
            {waits_for_someone.then(|| view! { <p class="hint">"You asked for it, so someone else allowed to delete must approve it."</p> })}
            <div class="inline-actions">
                {review}
                {view.may_cancel.then(|| view! { <CancelForm id=r.id from/> })}
            </div>
        </div>
    }
}

/// "Cancel deletion": a plain form, so it works without JavaScript too.
#[component]
pub fn CancelForm(id: i64, from: &'static str) -> impl IntoView {
    let action = ServerAction::<CancelDeletion>::new();
    let error = move || action.value().get().and_then(Result::err);
    view! {
        <ActionForm action=action attr:class="cancel-deletion">
            <input type="hidden" name="request_id" value=id.to_string()/>
            <input type="hidden" name="from" value=from/>
            <button type="submit" disabled=move || action.pending().get()>"Cancel deletion"</button>
            {move || error().map(|e| view! { <ErrorAlert error=e/> })}
        </ActionForm>
    }
}
