use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::{AuditEntry, AuditFilterForm, AuditPage};
use crate::error::AppError;

/// One page of the audit log, filtered; admins only.
#[server(prefix = "/api", endpoint = "audit/search", input = GetUrl)]
pub async fn search_audit(filter: AuditFilterForm) -> Result<AuditPage, AppError> {
    use crate::server::fn_context::{fail, require, state, store_failed};
    require(crate::domain::Permission::ReadAudit).await?;
    let query = filter.parse().map_err(|fields| fail(AppError::Invalid { fields, message: None }))?;
    state()?.audit.search(&query).await.map_err(store_failed("cannot read the audit log"))
}

/// What was done to one meeting, newest first. Anyone who may see the meeting's recordings may
/// see why they changed; where the request came from is kept for admins.
#[server(prefix = "/api", endpoint = "audit/meeting", input = GetUrl)]
pub async fn meeting_history(meeting_id: String) -> Result<Vec<AuditEntry>, AppError> {
    use crate::server::fn_context::{meeting_rows, parse_meeting_id, require};
    use crate::domain::Permission;
    let staff = require(Permission::ViewRecordings).await?;
    let id = parse_meeting_id(&meeting_id)?;
    let mut entries = meeting_rows(&id).await?.history.clone();
    if !staff.may(Permission::ReadAudit) {
        for e in &mut entries {
            e.client_addr.clear();
        }
    }
    Ok(entries)
}
