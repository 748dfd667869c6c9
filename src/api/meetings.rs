use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, JsonEncoding};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Deserializer, Serialize};

use crate::domain::{CreatedMeeting, MeetingForm};
use crate::error::AppError;

/// A failed create: the error, and the form as submitted, so that a browser without JavaScript
/// (which gets the error back in the URL) can show the form again filled in.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[error("{error}")]
pub struct CreateFailed {
    pub error: AppError,
    pub form: Option<MeetingForm>,
}

impl<'de> Deserialize<'de> for CreateFailed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Refusals made before the function runs (401 from the sign-in guard) are plain errors.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Full { error: AppError, form: Option<MeetingForm> },
            Plain(AppError),
        }
        Ok(match Either::deserialize(d)? {
            Either::Full { error, form } => Self { error, form },
            Either::Plain(error) => Self { error, form: None },
        })
    }
}

impl From<AppError> for CreateFailed {
    fn from(error: AppError) -> Self {
        Self { error, form: None }
    }
}

impl FromServerFnError for CreateFailed {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::from_server_fn_error(value).into()
    }
}

/// Creates a meeting on behalf of its host. The form is parsed by the same code the browser
/// runs; a vendor refusal naming a field comes back on that field.
#[server(prefix = "/api", endpoint = "meetings/create")]
pub async fn create_meeting(form: MeetingForm) -> Result<CreatedMeeting, CreateFailed> {
    use crate::server::fn_context::{begin_change, fail, intent, request_id, require, state};
    use crate::server::vendor::errors::{to_app_error, Call};
    use crate::domain::{AuditAction, MeetingId, Outcome, Permission};
    use crate::server::audit::Completion;

    let with_form = |error: AppError| CreateFailed { error, form: Some(form.clone()) };
    let staff = require(Permission::CreateMeeting).await.map_err(with_form)?;
    let state = state().map_err(with_form)?;
    let parsed = form.parse_at(state.clock.now_unix()).map_err(|fields| with_form(fail(AppError::Invalid { fields, message: None })))?;
    let mut entry = intent(AuditAction::CreateMeeting, Some(staff.clone()), None, None);
    entry.detail = Some(format!("'{}' for host {}", parsed.meeting.name, parsed.host));
    let audit_id = begin_change(&state, &entry).await.map_err(with_form)?;
    let reply = match state.client.create_meeting(parsed.host, &parsed.meeting).await {
        Ok(reply) => reply,
        Err(e) => {
            let vendor_status = e.status();
            let err = fail(to_app_error(e, Call::CreateMeeting, request_id()));
            let outcome = if matches!(err, AppError::OutcomeUnknown { .. }) { Outcome::Unknown } else { Outcome::Failed };
            state.audit.complete(&audit_id, &Completion { vendor_status, ..Completion::new(outcome) }.error(&err)).await;
            return Err(with_form(err));
        }
    };
    let meeting_id = match MeetingId::parse(&reply.value.id) {
        Ok(id) => id,
        Err(e) => {
            let err = fail(AppError::UpstreamBadReply { detail: format!("the new meeting's id: {e}"), request_id: request_id() });
            // The vendor said yes, so something may exist there under an id we cannot use.
            let done = Completion { vendor_status: Some(reply.status), ..Completion::new(Outcome::Unknown) };
            state.audit.complete(&audit_id, &done.error(&err)).await;
            return Err(with_form(err));
        }
    };
    let done = Completion {
        vendor_status: Some(reply.status),
        new_meeting_id: Some(meeting_id.to_string()),
        ..Completion::new(Outcome::Succeeded)
    };
    state.audit.complete(&audit_id, &done).await;
    let now = state.clock.now_unix();
    let created = CreatedMeeting { meeting_id, host: parsed.host, meeting: parsed.meeting, created_by: staff.username.clone(), created_at: now };
    // The meeting exists at the vendor now: failing to note it locally must not read as "not created".
    if let Err(e) = crate::server::meetings::created::insert(&state.db, &created).await {
        tracing::error!(error = %e, meeting_id = %created.meeting_id, "meeting created but not recorded locally");
    }
    tracing::info!(meeting_id = %created.meeting_id, user = %staff.username, "meeting created");
    leptos_axum::redirect(&format!("{}?created=1", created.path()));
    Ok(created)
}

/// The most recent meetings created through Meeting Admin, newest first.
#[server(prefix = "/api", endpoint = "meetings/recent", input = GetUrl)]
pub async fn recent_meetings() -> Result<Vec<CreatedMeeting>, AppError> {
    use crate::server::fn_context::{require, state, store_failed};
    require(crate::domain::Permission::ViewRecordings).await?;
    crate::server::meetings::created::recent(&state()?.db, 20).await.map_err(store_failed("cannot read created meetings"))
}

/// One meeting created here; `None` when it was made elsewhere (the vendor cannot tell us more).
#[server(prefix = "/api", endpoint = "meetings/record", input = GetUrl)]
pub async fn meeting_record(meeting_id: String) -> Result<Option<CreatedMeeting>, AppError> {
    use crate::server::fn_context::{parse_meeting_id, require, state, store_failed};
    require(crate::domain::Permission::ViewRecordings).await?;
    let id = parse_meeting_id(&meeting_id)?;
    crate::server::meetings::created::find(&state()?.db, &id).await.map_err(store_failed("cannot read a created meeting"))
}

/// A meeting the person signed in opened lately, and its name when it was created here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedMeeting {
    pub meeting_id: crate::domain::MeetingId,
    /// Unix milliseconds.
    pub opened_ms: i64,
    pub name: Option<String>,
}

/// The meetings the person asking opened most recently (any meeting, not only those created
/// here), newest first.
#[server(prefix = "/api", endpoint = "meetings/opened", input = GetUrl)]
pub async fn opened_meetings() -> Result<Vec<OpenedMeeting>, AppError> {
    use crate::server::fn_context::{require, state, store_failed};
    let staff = require(crate::domain::Permission::ViewRecordings).await?;
    let rows = crate::server::meetings::opened::recent(&state()?.db, &staff.username, 10)
        .await
        .map_err(store_failed("cannot read opened meetings"))?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let meeting_id = crate::domain::MeetingId::parse(&r.meeting_id).ok()?;
            Some(OpenedMeeting { meeting_id, opened_ms: r.opened_ms, name: r.name })
        })
        .collect())
}
