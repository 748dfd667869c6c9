use leptos::prelude::*;

use crate::api::deletions::{CancelDeletion, DeletionView};
use crate::domain::DeletionState;
use crate::ui::components::ErrorAlert;

/// An open deletion request, stated plainly where it matters (the recordings page, the
/// request's own page), with Cancel for whoever may cancel it. `from` names the page, so the
/// cancel comes back to it.
#[component]
pub fn DeletionNotice(view: DeletionView, from: &'static str) -> impl IntoView {
    let r = view.request.clone();
    let line = r.status_line(view.now_ms);
    let class = if r.held { "notice warning deletion-notice" } else { "notice deletion-notice" };
    let review = (from != "request").then(|| {
        let label = if view.may_decide { "Review and approve or reject" } else { "Details" };
        view! { <a href=r.path()>{format!("{label} (request #{})", r.id)}</a> }
    });
    let waits_for_someone = r.state == DeletionState::AwaitingApproval && view.own;
    view! {
        <div class=class role="status">
            <p>{line}</p>
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
