//! What can be done with a batch now: the look-up, the request with its reason, the decision,
//! and the single-button actions (one component for those).

use leptos::prelude::*;
use leptos::server_fn::client::Client;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::{Http, ServerFn};
use leptos::web_sys::FormData;
use serde::de::DeserializeOwned;

use crate::api::bulk::{ApproveBulk, BatchView, CancelBulk, LookUpBulkAgain, RejectBulk, RequestBulkDeletion, RetryBulk, StartBulkLookup};
use crate::domain::BatchPhase;
use crate::error::AppError;
use crate::ui::components::{ErrorAlert, ReasonField};

/// What can be done with the batch now, each a plain form.
#[component]
pub(super) fn Actions(v: BatchView) -> impl IntoView {
    let id = v.batch.id;
    let t = v.totals.clone();
    let deletable = t.with_recordings.saturating_sub(t.held);
    let (start, look_up_again) = (ServerAction::<StartBulkLookup>::new(), ServerAction::<LookUpBulkAgain>::new());
    let (cancel, retry) = (ServerAction::<CancelBulk>::new(), ServerAction::<RetryBulk>::new());
    match v.phase {
        BatchPhase::Draft => view! {
            <section class="card" aria-labelledby="batch-start-heading">
                <h2 id="batch-start-heading">"Look up"</h2>
                {match v.refusal.clone() {
                    Some(r) => view! { <div class="alert error" role="alert"><p>{r}</p></div> }.into_any(),
                    None => view! {
                        <BatchButton action=start id primary=true
                            explains="Looking up only reads: it lists each meeting's recordings, a few at a time."
                            label=format!("Look up {} meetings", t.meetings)/>
                    }.into_any(),
                }}
                <p><a href=format!("/bulk?from={id}")>"Edit the list"</a></p>
            </section>
        }
        .into_any(),
        BatchPhase::LookingUp => ().into_any(),
        BatchPhase::Ready => view! {
            {(t.lookup_failed > 0).then(|| view! {
                <BatchButton action=look_up_again id card=true
                    label=format!("Look up the {} failed meetings again", t.lookup_failed)/>
            })}
            {if deletable > 0 {
                view! { <RequestForm v=v.clone() meetings=deletable/> }.into_any()
            } else {
                view! { <p class="notice">"Nothing to delete: no meeting of this batch has recordings that can be deleted."</p> }.into_any()
            }}
        }
        .into_any(),
        BatchPhase::Running | BatchPhase::Finished => view! {
            {(v.awaiting > 0 && v.own).then(|| view! {
                <p class="notice">"You requested this deletion, so someone else allowed to delete must approve it."</p>
            })}
            {(v.awaiting > 0 && !v.own).then(|| view! { <DecideForms id awaiting=v.awaiting/> })}
            {(v.cancellable > 0).then(|| view! {
                <BatchButton action=cancel id card=true
                    explains="Requests that have not started running can still be cancelled; nothing of them is deleted then."
                    label=format!("Cancel the {} open deletion requests", v.cancellable)/>
            })}
            {(t.retryable > 0).then(|| view! {
                <BatchButton action=retry id card=true
                    explains="The meetings that failed, or whose outcome is unknown or whose recordings changed, go into a new batch: they are looked up again, and you request their deletion once more."
                    label=format!("Retry the {} failed meetings", t.retryable)/>
            })}
        }
        .into_any(),
    }
}

#[component]
fn RequestForm(v: BatchView, meetings: u64) -> impl IntoView {
    let action = ServerAction::<RequestBulkDeletion>::new();
    let error = move || action.value().get().and_then(Result::err);
    let reason_error = move || error().and_then(|e| e.field("reason"));
    let general_error = move || error().filter(|e| e.field("reason").is_none());
    let t = v.totals;
    let recordings: u64 = v.items.iter().filter(|i| !i.held).filter_map(|i| i.recording_count).sum();
    view! {
        <section class="card" aria-labelledby="batch-request-heading">
            <h2 id="batch-request-heading">"Request deletion"</h2>
            <ActionForm action=action attr:class="confirm-delete">
                <p>{format!(
                    "Each of the {meetings} meetings with recordings gets a deletion request of its own, with this reason. {}",
                    if t.held > 0 { format!("The {} on legal hold are skipped.", t.held) } else { String::new() }
                )}</p>
                <p class="notice">{v.rules.explain()}</p>
                <p class="warning"><strong>"Once it runs, it cannot be undone."</strong>" ConnectyCube deletes every recording of each meeting, permanently. A meeting whose recordings changed since the look-up is not deleted."</p>
                <input type="hidden" name="batch_id" value=v.batch.id.to_string()/>
                <ReasonField id="bulk-reason" label="Reason or ticket reference" hint="Kept in the audit log with your name, for every meeting of the batch."
                    value=v.suggested_reason.clone().unwrap_or_default() error=Signal::derive(reason_error)/>
                {move || general_error().map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit" class="danger" disabled=move || action.pending().get()>
                    {format!("Request deletion of {recordings} recordings in {meetings} meetings")}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn DecideForms(id: i64, awaiting: u64) -> impl IntoView {
    let approve = ServerAction::<ApproveBulk>::new();
    let reject = ServerAction::<RejectBulk>::new();
    let approve_error = move || approve.value().get().and_then(Result::err);
    let reject_error = move || reject.value().get().and_then(Result::err);
    let pending = move || approve.pending().get() || reject.pending().get();
    view! {
        <section class="card decide" aria-labelledby="batch-decide-heading">
            <h2 id="batch-decide-heading">"Approve or reject the batch"</h2>
            <p>{format!("One decision for the {awaiting} deletion requests of this batch awaiting approval. Approving starts their grace period, after which ConnectyCube deletes the recordings for good.")}</p>
            <ActionForm action=approve attr:class="approve">
                <input type="hidden" name="batch_id" value=id.to_string()/>
                <ReasonField id="bulk-approve-comment" name="comment" required=false label="Comment (optional)" hint="Kept in the audit log with your name."
                    error=Signal::derive(move || approve_error().and_then(|e| e.field("comment")))/>
                {move || approve_error().filter(|e| e.field("comment").is_none()).map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit" class="danger" disabled=pending>{format!("Approve {awaiting} deletions")}</button>
            </ActionForm>
            <ActionForm action=reject attr:class="reject">
                <input type="hidden" name="batch_id" value=id.to_string()/>
                <ReasonField id="bulk-reject-comment" name="comment" label="Why it is rejected" hint="The requester sees it; kept in the audit log with your name."
                    error=Signal::derive(move || reject_error().and_then(|e| e.field("comment")))/>
                {move || reject_error().filter(|e| e.field("comment").is_none()).map(|e| view! { <ErrorAlert error=e/> })}
                <button type="submit" disabled=pending>{format!("Reject {awaiting} deletions")}</button>
            </ActionForm>
        </section>
    }
}

/// A batch action that is one button: the batch's id, what the action does, and the button,
/// with the action's error above it. A plain form, so it works without JavaScript.
#[component]
fn BatchButton<S, P>(
    action: ServerAction<S>,
    id: i64,
    label: String,
    #[prop(optional)] explains: Option<&'static str>,
    /// The page's main action (the look-up): a primary button, the sentence outside the form.
    #[prop(optional)]
    primary: bool,
    /// On a card of its own.
    #[prop(optional)]
    card: bool,
) -> impl IntoView
where
    S: DeserializeOwned + ServerFn<Protocol = Http<PostUrl, P>, Error = AppError> + Clone + Send + Sync + 'static,
    <<S::Client as Client<AppError>>::Request as ClientReq<AppError>>::FormData: From<FormData>,
    S::Output: Clone + Send + Sync + 'static,
    S::Client: Client<AppError>,
    P: 'static,
{
    let error = move || action.value().get().and_then(Result::err);
    view! {
        {(primary).then(|| explains.map(|e| view! { <p>{e}</p> }))}
        <ActionForm action=action attr:class=card.then_some("card")>
            <input type="hidden" name="batch_id" value=id.to_string()/>
            {(!primary).then(|| explains.map(|e| view! { <p>{e}</p> }))}
            {move || error().map(|e| view! { <ErrorAlert error=e/> })}
            <button type="submit" class=primary.then_some("primary") disabled=move || action.pending().get()>{label}</button>
        </ActionForm>
    }
}
