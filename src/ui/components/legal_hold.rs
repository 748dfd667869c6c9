use leptos::prelude::*;

use crate::api::holds::{LiftHold, PlaceHold};
use crate::domain::{LegalHold, MeetingId};
use crate::ui::components::{ErrorAlert, ReasonField};

/// A meeting's legal hold as the recordings page states it.
#[component]
pub fn HoldNotice(hold: LegalHold) -> impl IntoView {
    view! {
        <p class="notice warning" role="note">
            <strong>"On legal hold: "</strong>
            {format!("{}. Its recordings cannot be deleted until an administrator lifts the hold.", hold.describe())}
        </p>
    }
}

/// For admins: put the meeting on legal hold, or lift its hold, with a reason either way.
#[component]
pub fn HoldControls(meeting_id: MeetingId, held: bool) -> impl IntoView {
    let place = ServerAction::<PlaceHold>::new();
    let lift = ServerAction::<LiftHold>::new();
    let error = move || (if held { lift.value().get() } else { place.value().get() }).and_then(Result::err);
    let reason_error = move || error().and_then(|e| e.field("reason"));
    let general_error = move || error().filter(|e| e.field("reason").is_none());
    let pending = move || place.pending().get() || lift.pending().get();
    // Labels of their own: the delete dialog on the same page asks for a "reason or ticket reference".
    let (heading, label, hint, button) = if held {
        ("Lift the legal hold", "Why the hold ends", "Kept in the audit log with your name.", "Lift the hold")
    } else {
        ("Legal hold", "Reason for the hold", "The case or ticket the recordings are kept for: kept in the audit log with your name.", "Put on legal hold")
    };
    let fields = view! {
        <input type="hidden" name="meeting_id" value=meeting_id.to_string()/>
        <ReasonField id="hold-reason" label hint error=Signal::derive(reason_error)/>
        {move || general_error().map(|e| view! { <ErrorAlert error=e/> })}
        // Placing a hold protects, so it is not red like Delete; lifting one is the step that lets deletion go on.
        <button type="submit" class={if held { "danger" } else { "primary" }} disabled=pending>{button}</button>
    };
    view! {
        <section aria-labelledby="hold-heading" class="card legal-hold">
            <h2 id="hold-heading">{heading}</h2>
            {if held {
                view! { <ActionForm action=lift>{fields}</ActionForm> }.into_any()
            } else {
                // Folded until wanted (open again when it came back with an error).
                view! {
                    <details class="hold-form" open=move || error().is_some()>
                        <summary>"Put this meeting on legal hold…"</summary>
                        <p>"While a meeting is on legal hold, Meeting Admin deletes none of its recordings."</p>
                        <ActionForm action=place>{fields}</ActionForm>
                    </details>
                }.into_any()
            }}
        </section>
    }
}
