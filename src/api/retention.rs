//! Retention over HTTP: anyone who may see recordings sees the rules and what is due; operators
//! may keep a meeting longer; admins set the rules (after a dry run), exempt meetings and track
//! meetings for the inventory. Every change is audited.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::{RetentionOverview, RetentionPreview};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "retention/overview", input = GetUrl)]
pub async fn read_retention() -> Result<RetentionOverview, AppError> {
    use crate::server::fn_context::{require, state};
    let staff = require(crate::domain::Permission::ViewRecordings).await?;
    crate::server::retention::service::overview(&state()?, &staff).await
}

/// For the home page: what is due now or soon, for those who may set the rules (empty for others).
#[server(prefix = "/api", endpoint = "retention/due_soon", input = GetUrl)]
/// The server's time comes along, for the countdowns.
pub async fn retention_due_soon() -> Result<(i64, Vec<crate::domain::DueRow>), AppError> {
    use crate::server::fn_context::{require, state};
    let staff = require(crate::domain::Permission::ViewRecordings).await?;
    let state = state()?;
    let now = state.clock.now_ms();
    if !staff.may(crate::domain::Permission::ManageRetention) {
        return Ok((now, vec![]));
    }
    Ok((now, crate::server::retention::service::due_soon(&state, 10).await?))
}

/// What the inventory holds per host, and its bytes by age.
#[server(prefix = "/api", endpoint = "retention/report", input = GetUrl)]
pub async fn read_retention_report() -> Result<crate::domain::RetentionReport, AppError> {
    use crate::server::fn_context::{require, state, store_failed};
    require(crate::domain::Permission::ViewRecordings).await?;
    crate::server::retention::service::report(&state()?).await.map_err(store_failed("cannot read the retention inventory"))
}

/// One meeting's standing under the rules.
#[server(prefix = "/api", endpoint = "retention/meeting", input = GetUrl)]
pub async fn read_retention_meeting(meeting_id: String) -> Result<crate::domain::RetentionMeeting, AppError> {
    use crate::server::fn_context::{parse_meeting_id, require_on, state};
    let id = parse_meeting_id(&meeting_id)?;
    let staff = require_on(crate::domain::Permission::ViewRecordings, Some(&id)).await?;
    crate::server::retention::service::meeting(&state()?, &staff, &id).await
}

/// A rule change's dry run: what the sweep would take now and soon, before and after it.
#[server(prefix = "/api", endpoint = "retention/preview", input = GetUrl)]
#[allow(clippy::too_many_arguments)]
pub async fn preview_retention_rule(
    kind: String,
    default_days: Option<String>,
    warn_days: Option<String>,
    calls_per_hour: Option<String>,
    host_id: Option<String>,
    host_rule: Option<String>,
    host_days: Option<String>,
) -> Result<RetentionPreview, AppError> {
    use crate::server::fn_context::{fail, require, state};
    require(crate::domain::Permission::ManageRetention).await?;
    let form = form(kind, default_days, warn_days, calls_per_hour, host_id, host_rule, host_days);
    let change = form.parse().map_err(fail)?;
    crate::server::retention::service::preview(&state()?, change).await
}

#[cfg(feature = "ssr")]
fn form(
    kind: String,
    default_days: Option<String>,
    warn_days: Option<String>,
    calls_per_hour: Option<String>,
    host_id: Option<String>,
    host_rule: Option<String>,
    host_days: Option<String>,
) -> crate::domain::RuleForm {
    crate::domain::RuleForm {
        kind,
        default_days: default_days.unwrap_or_default(),
        warn_days: warn_days.unwrap_or_default(),
        calls_per_hour: calls_per_hour.unwrap_or_default(),
        host_id: host_id.unwrap_or_default(),
        host_rule: host_rule.unwrap_or_default(),
        host_days: host_days.unwrap_or_default(),
    }
}

/// Saves a rule change (the preview's Save button), with a reason for the audit log.
#[server(prefix = "/api", endpoint = "retention/save")]
#[allow(clippy::too_many_arguments)]
pub async fn save_retention_rule(
    kind: String,
    default_days: Option<String>,
    warn_days: Option<String>,
    calls_per_hour: Option<String>,
    host_id: Option<String>,
    host_rule: Option<String>,
    host_days: Option<String>,
    reason: String,
) -> Result<(), AppError> {
    use crate::server::fn_context::{fail, require, state};
    let staff = require(crate::domain::Permission::ManageRetention).await?;
    let change = form(kind, default_days, warn_days, calls_per_hour, host_id, host_rule, host_days).parse().map_err(fail)?;
    let reason = crate::domain::required_reason(&reason).map_err(|m| fail(AppError::invalid_field("reason", m)))?;
    crate::server::retention::service::save_rule(&state()?, &staff, change, reason).await?;
    leptos_axum::redirect("/retention?saved=1");
    Ok(())
}

/// Keeps a meeting's recordings 7, 30 or 90 days longer (`by`), or until `date` (`by` = "date").
#[server(prefix = "/api", endpoint = "retention/extend")]
pub async fn extend_retention(meeting_id: String, by: String, date: Option<String>, reason: String) -> Result<(), AppError> {
    use crate::server::fn_context::{fail, parse_meeting_id, require_on, state};
    use crate::server::retention::service::{change_meeting, MeetingChange};
    let id = parse_meeting_id(&meeting_id)?;
    let staff = require_on(crate::domain::Permission::ExtendRetention, Some(&id)).await?;
    let state = state()?;
    let ext = crate::domain::Extension::parse(&by, date.as_deref().unwrap_or_default(), state.clock.now_ms());
    let reason = crate::domain::required_reason(&reason);
    let (ext, reason) = match (ext, reason) {
        (Ok(e), Ok(r)) => (e, r),
        (ext, reason) => {
            let mut fields = vec![];
            if let Err(m) = ext {
                fields.push(crate::error::FieldError::new(if by.trim() == "date" { "date" } else { "by" }, m));
            }
            if let Err(m) = reason {
                fields.push(crate::error::FieldError::new("reason", m));
            }
            return Err(fail(AppError::Invalid { fields, message: None }));
        }
    };
    change_meeting(&state, &staff, &id, MeetingChange::Extend(ext), reason).await?;
    leptos_axum::redirect(&format!("/retention?extended={id}"));
    Ok(())
}

/// Exempts a meeting from retention: never due by age until the exemption is lifted.
#[server(prefix = "/api", endpoint = "retention/keep")]
pub async fn keep_recordings(meeting_id: String, reason: String) -> Result<(), AppError> {
    meeting_rule(meeting_id, reason, true).await
}

/// Puts a meeting back under the rules (its extension or exemption lifted).
#[server(prefix = "/api", endpoint = "retention/clear")]
pub async fn clear_retention_rule(meeting_id: String, reason: String) -> Result<(), AppError> {
    meeting_rule(meeting_id, reason, false).await
}

#[cfg(feature = "ssr")]
async fn meeting_rule(meeting_id: String, reason: String, keep: bool) -> Result<(), AppError> {
    use crate::server::fn_context::{fail, parse_meeting_id, require_on, state};
    use crate::server::retention::service::{change_meeting, MeetingChange};
    let id = parse_meeting_id(&meeting_id)?;
    let staff = require_on(crate::domain::Permission::ManageRetention, Some(&id)).await?;
    let reason = crate::domain::required_reason(&reason).map_err(|m| fail(AppError::invalid_field("reason", m)))?;
    let change = if keep { MeetingChange::Keep } else { MeetingChange::Clear };
    change_meeting(&state()?, &staff, &id, change, reason).await?;
    leptos_axum::redirect(&format!("/retention?{}={id}", if keep { "kept" } else { "cleared" }));
    Ok(())
}

/// Adds pasted meetings to the inventory ("Track these meetings"), with their host if given.
#[server(prefix = "/api", endpoint = "retention/track")]
pub async fn track_meetings(meetings: String, host_id: Option<String>) -> Result<(), AppError> {
    use crate::server::fn_context::{fail, require, state};
    let staff = require(crate::domain::Permission::ManageRetention).await?;
    let list = crate::domain::MeetingList::parse(&meetings);
    let mut fields = vec![];
    if let Some(refusal) = list.tracking_refusal() {
        fields.push(crate::error::FieldError::new("meetings", refusal));
    }
    let host = match host_id.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
        None => None,
        Some(h) => match crate::domain::parse_host_id(h) {
            Ok(h) => Some(h),
            Err(m) => {
                fields.push(crate::error::FieldError::new("host_id", m));
                None
            }
        },
    };
    if !fields.is_empty() {
        return Err(fail(AppError::Invalid { fields, message: None }));
    }
    let added = crate::server::retention::service::track(&state()?, &staff, &list, host).await?;
    leptos_axum::redirect(&format!("/retention?tracked={}&new={added}", list.ids.len()));
    Ok(())
}
