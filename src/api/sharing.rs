//! "Share link": the one way a recording's presigned link leaves the dashboard on purpose, to be
//! passed on to a customer. Sharing is audited (with an optional note); the link is then shown
//! only to the person who shared it, for a short while, by reading it from the vendor again.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use crate::domain::{MeetingId, RecordingId};
use crate::error::AppError;

/// How long after sharing the link is shown again to whoever shared it (a reload, JavaScript off).
pub const SHARE_SHOWN_FOR_MINUTES: u32 = 15;

/// A share that was recorded: its audit entry names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shared {
    pub entry: i64,
}

/// What the share page shows: the presigned link and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedLink {
    pub meeting_id: MeetingId,
    pub recording_id: RecordingId,
    /// A bearer credential: anyone holding it can download the recording until it expires.
    pub url: String,
    /// Unix seconds, from the link itself; `None` when it does not say.
    pub expires_at: Option<i64>,
    pub shared_at_ms: i64,
    pub note: Option<String>,
    /// Unix seconds on the server when the link was read, so its expiry reads the same on the
    /// server and in the browser.
    pub fetched_at: i64,
}

#[cfg(feature = "ssr")]
fn parse_recording_id(raw: &str) -> Result<RecordingId, AppError> {
    RecordingId::parse(raw).map_err(|e| crate::server::fn_context::fail(AppError::invalid_field("recording_id", e.to_string())))
}

/// The share page for this recording, showing the share `entry`.
pub fn share_page_path(meeting: &MeetingId, recording: &RecordingId, entry: Option<i64>) -> String {
    let path = meeting.recording_path(recording, crate::domain::RecordingAccess::Share);
    match entry {
        Some(e) => format!("{path}?shared={e}"),
        None => path,
    }
}

/// Records that the person asking shares this recording's link, then sends them to the page
/// that shows it.
#[server(prefix = "/api", endpoint = "recordings/share")]
pub async fn share_recording_link(meeting_id: String, recording_id: String, note: String) -> Result<Shared, AppError> {
    use crate::server::fn_context::{fail, intent, request_id, require_on, state};
    use crate::domain::{Outcome, Permission, RecordingAccess};
    use crate::server::audit::Completion;
    // The meeting is parsed first so that a refused role is audited against it.
    let meeting = crate::server::fn_context::parse_meeting_id(&meeting_id)?;
    let staff = require_on(Permission::ShareRecordingLinks, Some(&meeting)).await?;
    let recording = parse_recording_id(&recording_id)?;
    let note = match crate::domain::plain_text(&note) {
        Ok(n) if n.chars().count() > 500 => Err("Keep the note under 500 characters.".to_owned()),
        Ok(n) => Ok(n.to_owned()),
        Err(m) => Err(m),
    }
    .map_err(|m| fail(AppError::invalid_field("note", m)))?;
    let state = state()?;
    let access = RecordingAccess::Share;
    let mut entry = intent(access.audit_action(), Some(staff.clone()), Some(meeting.to_string()), (!note.is_empty()).then_some(note));
    entry.detail = Some(RecordingAccess::audit_detail(&recording));
    let id = state.audit.begin(&entry).await.map_err(|_| fail(AppError::AccessNotRecorded { request_id: request_id() }))?;
    match state.client.current_link(&meeting, &recording, request_id()).await {
        Ok(_) => state.audit.complete(&id, &Completion::new(Outcome::Succeeded)).await,
        Err(e) => {
            state.audit.complete(&id, &Completion::new(Outcome::Failed).error(&e)).await;
            return Err(fail(e));
        }
    }
    tracing::info!(meeting_id = %meeting, recording = %recording, user = %staff.username, "recording link shared");
    leptos_axum::redirect(&share_page_path(&meeting, &recording, Some(id.id)));
    Ok(Shared { entry: id.id })
}

/// The link of a share just made, for the person who made it: read from the vendor again, as
/// the link itself is never stored.
#[server(prefix = "/api", endpoint = "recordings/shared", input = GetUrl)]
pub async fn show_shared_link(meeting_id: String, recording_id: String, entry: String) -> Result<SharedLink, AppError> {
    use crate::server::fn_context::{fail, request_id, require, state, store_failed};
    use crate::domain::{AuditAction, Outcome, Permission, RecordingAccess};
    let staff = require(Permission::ShareRecordingLinks).await?;
    let (meeting, recording) = (crate::server::fn_context::parse_meeting_id(&meeting_id)?, parse_recording_id(&recording_id)?);
    let gone = || fail(AppError::ShareNoLongerShown { minutes: SHARE_SHOWN_FOR_MINUTES });
    let entry_id: i64 = entry.trim().parse().map_err(|_| gone())?;
    let state = state()?;
    let found = state.audit.find(entry_id).await.map_err(store_failed("cannot read a share's audit entry"))?;
    let since_ms = state.clock.now_ms() - i64::from(SHARE_SHOWN_FOR_MINUTES) * 60_000;
    let detail = RecordingAccess::audit_detail(&recording);
    let share = found.filter(|e| {
        e.action == AuditAction::ShareRecordingLink
            && e.outcome == Some(Outcome::Succeeded)
            && e.username.as_deref() == Some(staff.username.as_str())
            && e.method == Some(staff.method)
            && e.meeting_id.as_deref() == Some(meeting.as_str())
            && e.detail.as_deref() == Some(detail.as_str())
            && e.at_ms >= since_ms
    });
    let Some(share) = share else { return Err(gone()) };
    let r = state.client.current_link(&meeting, &recording, request_id()).await.map_err(fail)?;
    Ok(SharedLink {
        expires_at: r.link_expires_at(),
        url: r.download_url,
        meeting_id: meeting,
        recording_id: recording,
        shared_at_ms: share.at_ms,
        note: share.reason,
        fetched_at: state.clock.now_unix(),
    })
}
