//! Legal holds over HTTP: anyone who may see a meeting sees its hold; admins place and lift it,
//! each with a reason, each audited.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::LegalHold;
use crate::error::AppError;

/// The meeting's hold, if it has one.
#[server(prefix = "/api", endpoint = "meetings/hold", input = GetUrl)]
pub async fn meeting_hold(meeting_id: String) -> Result<Option<LegalHold>, AppError> {
    use crate::server::fn_context::{meeting_rows, parse_meeting_id, require};
    require(crate::domain::Permission::ViewRecordings).await?;
    let id = parse_meeting_id(&meeting_id)?;
    Ok(meeting_rows(&id).await?.hold.clone())
}

/// What the two changes share: who may, the reason, the audit entry around the store write.
#[cfg(feature = "ssr")]
async fn change_hold(meeting_id: &str, reason: &str, place: bool) -> Result<(), AppError> {
    use crate::server::fn_context::{begin_change, fail, intent, parse_meeting_id, require_on, state, store_failed};
    use crate::domain::{AuditAction, Outcome, Permission};
    use crate::server::audit::Completion;
    use crate::server::meetings::holds as legal_holds;
    let id = parse_meeting_id(meeting_id)?;
    let staff = require_on(Permission::ManageLegalHolds, Some(&id)).await?;
    let reason = crate::domain::required_reason(reason).map_err(|m| fail(AppError::invalid_field("reason", m)))?;
    let state = state()?;
    let action = if place { AuditAction::HoldMeeting } else { AuditAction::ReleaseHold };
    let audit_id = begin_change(&state, &intent(action, Some(staff.clone()), Some(id.to_string()), Some(reason.clone()))).await?;
    let result = if place {
        let hold = LegalHold { meeting_id: id.clone(), reason, held_by: staff.username.clone(), held_at_ms: state.clock.now_ms() };
        match legal_holds::place(&state.db, &hold).await {
            Ok(true) => Ok(()),
            Ok(false) => match legal_holds::find(&state.db, &id).await {
                Ok(Some(h)) => Err(AppError::AlreadyOnHold { detail: h.describe() }),
                // Lifted in the meantime: say so rather than pretend it is held.
                Ok(None) => Err(AppError::NotOnHold),
                Err(e) => Err(store_failed("cannot read a legal hold")(e)),
            },
            Err(e) => Err(store_failed("cannot place a legal hold")(e)),
        }
    } else {
        match legal_holds::lift(&state.db, &id).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(AppError::NotOnHold),
            Err(e) => Err(store_failed("cannot lift a legal hold")(e)),
        }
    };
    match result {
        Ok(()) => {
            state.audit.complete(&audit_id, &Completion::new(Outcome::Succeeded)).await;
            tracing::info!(meeting_id = %id, user = %staff.username, placed = place, "legal hold changed");
            let flag = if place { "held" } else { "released" };
            leptos_axum::redirect(&format!("{}?{flag}=1", id.recordings_path()));
            Ok(())
        }
        Err(e) => {
            let outcome = if matches!(e, AppError::AlreadyOnHold { .. } | AppError::NotOnHold) { Outcome::Refused } else { Outcome::Failed };
            state.audit.complete(&audit_id, &Completion::new(outcome).error(&e)).await;
            // Store failures were logged and given their status where they happened.
            Err(if outcome == Outcome::Refused { fail(e) } else { e })
        }
    }
}

/// Puts the meeting on legal hold: its recordings are not deleted until the hold is lifted.
#[server(prefix = "/api", endpoint = "meetings/hold/place")]
pub async fn place_hold(meeting_id: String, reason: String) -> Result<(), AppError> {
    change_hold(&meeting_id, &reason, true).await
}

/// Lifts the meeting's legal hold.
#[server(prefix = "/api", endpoint = "meetings/hold/lift")]
pub async fn lift_hold(meeting_id: String, reason: String) -> Result<(), AppError> {
    change_hold(&meeting_id, &reason, false).await
}
