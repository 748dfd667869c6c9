use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use crate::domain::{MeetingId, RecordingPage, RecordingRow};
use crate::error::AppError;

/// A meeting's recordings as of `fetched_at` (Unix seconds, the server's clock). The rows carry
/// no presigned links: files are handed out by the audited download address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordingList {
    pub meeting_id: MeetingId,
    pub recordings: Vec<RecordingRow>,
    pub fetched_at: i64,
}

/// One page of a meeting's recordings, for the recordings page. `sort`, `dir` and `page` are
/// the page's query string as typed; see `RecordingView::from_query`. The vendor's list is kept
/// a few seconds (`RECORDINGS_CACHE_TTL`), so paging and sorting ask it nothing; `refresh` asks
/// it again. `fetched_at` says when the list was ConnectyCube's answer.
#[server(prefix = "/api", endpoint = "recordings/page", input = GetUrl)]
pub async fn recordings_page(
    meeting_id: String,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
    refresh: Option<String>,
) -> Result<RecordingPage, AppError> {
    let (staff, id, all, fetched_ms) = fetch_for_page(&meeting_id, refresh.is_some()).await?;
    note_opened(&staff, &id).await;
    let view = crate::domain::RecordingView::from_query(sort.as_deref(), dir.as_deref(), page.as_deref());
    let mut page = RecordingPage::of(id, &all, view, fetched_ms / 1000);
    if page.summary.count == 0 {
        page.known = known_when_empty(&page.meeting_id).await;
    }
    Ok(page)
}

/// What the app knows of a meeting ConnectyCube lists no recording for: its recordings' deletion
/// through here (the newest), or else its creation here. A read that fails leaves the vendor's
/// plain answer, which is true too.
#[cfg(feature = "ssr")]
async fn known_when_empty(id: &MeetingId) -> Option<String> {
    use crate::domain::{format_utc, format_utc_ms, AuditAction, Outcome};
    let rows = crate::server::fn_context::meeting_rows(id).await.ok()?;
    let deleted = rows.history.iter().find(|e| e.action == AuditAction::DeleteRecordings && e.outcome == Some(Outcome::Succeeded) && e.deleted_count.unwrap_or(0) > 0);
    if let Some(e) = deleted {
        let n = e.deleted_count.unwrap_or(0);
        let what = if n == 1 { "Its 1 recording was".to_owned() } else { format!("All {n} recordings were") };
        let by = e.username.as_deref().unwrap_or("Meeting Admin");
        let request = e.detail.as_deref().and_then(|d| d.split(':').next()).filter(|d| d.starts_with("request #")).map(|r| format!(" by {r}")).unwrap_or_default();
        let reason = e.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
        return Some(format!("{what} deleted at {} UTC{request}, asked by {by}{reason}.", format_utc_ms(e.at_ms)));
    }
    let state = crate::server::fn_context::state().ok()?;
    let created = crate::server::meetings::created::find(&state.db, id).await.ok()??;
    Some(format!(
        "Created here as “{}”, starting {} UTC. ConnectyCube lists no recording of it yet.",
        created.meeting.name,
        format_utc(created.meeting.start_date)
    ))
}

/// Who asks, which meeting, and everything the vendor lists for it.
#[cfg(feature = "ssr")]
async fn fetch(meeting_id: &str) -> Result<(crate::domain::Staff, MeetingId, Vec<crate::domain::Recording>), AppError> {
    let (staff, id) = asker_and_meeting(meeting_id).await?;
    let recordings = vendor_list(&id).await?;
    Ok((staff, id, recordings))
}

/// `fetch` for the recordings page: the kept list while it is fresh (unless `refresh`), else a
/// vendor call it may share with other views (`RecordingLists`), and the time (ms) the vendor
/// was asked.
#[cfg(feature = "ssr")]
async fn fetch_for_page(meeting_id: &str, refresh: bool) -> Result<(crate::domain::Staff, MeetingId, std::sync::Arc<crate::domain::IndexedRecordings>, i64), AppError> {
    use crate::server::fn_context::{fail, request_id};
    use crate::server::vendor::errors::{to_app_error, Call};
    let (staff, id) = asker_and_meeting(meeting_id).await?;
    let state = crate::server::fn_context::state()?;
    let vendor = state.clone();
    let fetch = move |id: MeetingId| async move { vendor.client.list_recordings(&id).await };
    match state.recordings.list(&id, refresh, &state.clock, fetch).await {
        Ok(kept) => Ok((staff, id, kept.list, kept.fetched_ms)),
        Err(e) => Err(fail(to_app_error(e, Call::ListRecordings, request_id()))),
    }
}

/// Who asks (allowed to see recordings), and which meeting: both before the vendor is asked.
#[cfg(feature = "ssr")]
async fn asker_and_meeting(meeting_id: &str) -> Result<(crate::domain::Staff, MeetingId), AppError> {
    let staff = crate::server::fn_context::require(crate::domain::Permission::ViewRecordings).await?;
    Ok((staff, crate::server::fn_context::parse_meeting_id(meeting_id)?))
}

/// Everything the vendor lists for the meeting.
#[cfg(feature = "ssr")]
async fn vendor_list(id: &MeetingId) -> Result<Vec<crate::domain::Recording>, AppError> {
    use crate::server::fn_context::{fail, request_id, state};
    use crate::server::vendor::errors::{to_app_error, Call};
    state()?.client.list_recordings(id).await.map_err(|e| fail(to_app_error(e, Call::ListRecordings, request_id())))
}

/// Puts the meeting on the person's "opened recently" list. The page does not depend on it, so
/// a failure is logged and the page still shows.
#[cfg(feature = "ssr")]
async fn note_opened(staff: &crate::domain::Staff, id: &MeetingId) {
    use crate::server::http::protection::from_another_site;
    // A page opened by another site's link is shown, but not put on the person's list.
    if crate::server::fn_context::with_parts(|p| from_another_site(&p.headers)).unwrap_or(false) {
        return;
    }
    let Ok(state) = crate::server::fn_context::state() else { return };
    if let Err(e) = crate::server::meetings::opened::record(&state.db, &state.opened, &staff.username, id.as_str(), state.clock.now_ms()).await {
        tracing::warn!(error = %e, meeting_id = %id, "cannot note an opened meeting");
    }
}

#[cfg(feature = "ssr")]
impl RecordingList {
    /// The vendor's answer for `meeting_id`, as of `fetched_at` (Unix seconds).
    pub fn of(meeting_id: MeetingId, all: &[crate::domain::Recording], fetched_at: i64) -> Self {
        Self { meeting_id, recordings: all.iter().map(RecordingRow::from).collect(), fetched_at }
    }
}

/// A meeting's recordings, for pages rendering on the server. Its address is served without
/// Leptos by `serve::recordings_json`, which answers the same.
#[server(prefix = "/api", endpoint = "recordings/list", input = GetUrl)]
pub async fn list_recordings(meeting_id: String) -> Result<RecordingList, AppError> {
    let (_, id, all) = fetch(&meeting_id).await?;
    Ok(RecordingList::of(id, &all, crate::server::fn_context::state()?.clock.now_unix()))
}
