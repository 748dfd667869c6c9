//! What "Go to" (the header's box) and the command palette search.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::Destination;
use crate::error::AppError;

/// The places to go for the person asking: the pages they may open, the meetings they opened
/// lately, the deletion requests waiting for them or asked for by them, and recent batches.
#[server(prefix = "/api", endpoint = "go/places", input = GetUrl)]
pub async fn go_places() -> Result<Vec<Destination>, AppError> {
    use crate::domain::{pages_for, Permission};
    let staff = crate::server::fn_context::require(Permission::ViewRecordings).await?;
    let mut out = pages_for(&staff);
    for m in super::meetings::opened_meetings().await? {
        let label = m.name.clone().unwrap_or_else(|| format!("Meeting {}", m.meeting_id));
        out.push(Destination::new(label, format!("Meeting {} · opened lately", m.meeting_id), m.meeting_id.recordings_path()));
    }
    if staff.may(Permission::DeleteRecordings) {
        let waiting = super::deletions::awaiting_my_approval().await?;
        let mine = super::deletions::my_deletions(None).await?.into_iter().filter(|v| v.request.state.is_open());
        for (v, why) in waiting.into_iter().map(|v| (v, "awaits your approval")).chain(mine.map(|v| (v, "asked for by you"))) {
            let r = v.request;
            out.push(Destination::new(format!("Request #{}", r.id), format!("Deletion · {} · {why} · meeting {}", r.state.label(), r.meeting_id), r.path()));
        }
        for b in super::bulk::bulk_batches().await?.into_iter().take(10) {
            out.push(Destination::new(format!("Batch #{}", b.batch.id), format!("Bulk deletion · {} meetings · by {}", b.meetings, b.batch.created_by), b.batch.path()));
        }
    }
    Ok(out)
}
