use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::sharing::{show_shared_link, ShareRecordingLink, SharedLink, SHARE_SHOWN_FOR_MINUTES};
use crate::domain::LinkExpiry;
use crate::ui::components::{local_text, local_time_ms, copy_button, ErrorAlert};

/// `/meetings/{id}/recordings/{rid}/share`: hands a recording's presigned link over, to pass on to
/// a customer. Sharing is recorded (with the note) before the link is shown, and it is shown
/// only to the person who shared it, for a short while.
#[component]
pub fn ShareLinkPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let meeting = move || params.read().get("meeting_id").unwrap_or_default();
    let recording = move || params.read().get("recording_id").unwrap_or_default();
    let shared = move || query.read().get("shared");
    let link = Resource::new(
        move || (meeting(), recording(), shared()),
        |(m, r, entry)| async move {
            match entry {
                Some(e) => Some(show_shared_link(m, r, e).await),
                None => None,
            }
        },
    );
    let back = move || format!("/meetings/{}/recordings", meeting());
    view! {
        <Title text="Share a recording link"/>
        <h1>"Share a recording link"</h1>
        <p class="meeting-line">"Meeting " <code class="meeting-id">{meeting}</code> ", recording " <code>{recording}</code></p>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match link.await {
                    Some(Ok(l)) => view! { <LinkShown link=l/> }.into_any(),
                    Some(Err(e)) => view! { <ErrorAlert error=e/> <ShareForm meeting=meeting() recording=recording()/> }.into_any(),
                    None => view! { <ShareForm meeting=meeting() recording=recording()/> }.into_any(),
                }
            })}
        </Suspense>
        <p><a href=back>"Back to the meeting's recordings"</a></p>
    }
}

#[component]
fn ShareForm(meeting: String, recording: String) -> impl IntoView {
    let action = ServerAction::<ShareRecordingLink>::new();
    let error = move || action.value().get().and_then(Result::err);
    let note_error = move || error().and_then(|e| e.field("note"));
    let general_error = move || error().filter(|e| e.field("note").is_none());
    view! {
        <ActionForm action=action attr:class="card share-form">
            <p class="notice warning" role="note">
                <strong>"Anyone holding this link can download the recording, without signing in, until it expires."</strong>
                " Send it only to whoever asked for the recording. Sharing is recorded in the audit log with your name and the note."
            </p>
            <input type="hidden" name="meeting_id" value=meeting/>
            <input type="hidden" name="recording_id" value=recording/>
            <div class="field">
                <label for="share-note">"Note (optional)"</label>
                <input
                    id="share-note"
                    name="note"
                    type="text"
                    maxlength="500"
                    autocomplete="off"
                    aria-describedby="share-note-hint share-note-error"
                    aria-invalid=move || if note_error().is_some() { "true" } else { "false" }
                />
                <p id="share-note-hint" class="hint">"Who it is for, or the ticket: kept in the audit log."</p>
                <p id="share-note-error" class="field-error">{note_error}</p>
            </div>
            {move || general_error().map(|e| view! { <ErrorAlert error=e/> })}
            <button type="submit" class="primary" disabled=move || action.pending().get()>
                {move || if action.pending().get() { "Sharing…" } else { "Share link" }}
            </button>
        </ActionForm>
    }
}

#[component]
fn LinkShown(link: SharedLink) -> impl IntoView {
    let expiry = LinkExpiry::of(link.expires_at, link.fetched_at);
    let until = match (expiry, link.expires_at) {
        (LinkExpiry::Unknown, _) | (_, None) => "The link does not say when it expires.".to_owned(),
        (e, Some(at)) if e.is_expired() => format!("This link {} ({}): share it again later for a fresh one.", e.describe(), local_text(at)),
        (e, Some(at)) => format!("It {} ({}).", e.describe(), local_text(at)),
    };
    view! {
        <section class="card shared-link" aria-labelledby="shared-heading">
            <h2 id="shared-heading">"Link shared"</h2>
            <p role="status">"Shared " {local_time_ms(link.shared_at_ms)} ". " {until}</p>
            {link.note.clone().map(|n| view! { <p>"Note: " {n}</p> })}
            <div class="field">
                <label for="shared-url">"Download link"</label>
                <textarea id="shared-url" readonly rows="4" aria-describedby="shared-url-hint">{link.url.clone()}</textarea>
                <p id="shared-url-hint" class="hint">
                    {format!("Anyone with it can download the recording. It is shown here to you alone, for {SHARE_SHOWN_FOR_MINUTES} minutes.")}
                </p>
            </div>
            {copy_button("shared-url", "Copy link", None)}
        </section>
    }
}
