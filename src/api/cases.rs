//! Erasure cases over HTTP, for those who may delete recordings. Each change is audited in
//! `server::cases::service`; a form's bad field comes back beside it.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use crate::domain::{Case, CaseFilter, CaseForm, CaseView};
use crate::error::AppError;

/// The cases a filter admits, with today's date for their countdowns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseList {
    pub cases: Vec<Case>,
    pub today: jiff::civil::Date,
    pub filter: CaseFilter,
    /// Open cases due within 7 days, and overdue: what the list's tabs count.
    pub due_soon: usize,
    pub overdue: usize,
}

#[cfg(feature = "ssr")]
mod edge {
    use crate::error::AppError;
    use crate::server::cases::service::Asker;
    use crate::server::fn_context::{client_addr, request_id, require};

    pub async fn asker() -> Result<Asker, AppError> {
        let staff = require(crate::domain::Permission::DeleteRecordings).await?;
        Ok(Asker { staff, addr: client_addr(), request_id: request_id() })
    }

    pub fn case_id(raw: &str) -> Result<i64, AppError> {
        raw.trim().parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| AppError::CaseNotFound { id: crate::domain::visible(raw, 20) })
    }
}

#[server(prefix = "/api", endpoint = "cases/list", input = GetUrl)]
pub async fn list_cases(filter: Option<String>) -> Result<CaseList, AppError> {
    use crate::server::fn_context::{require, state, store_failed};
    require(crate::domain::Permission::DeleteRecordings).await?;
    let state = state()?;
    let filter = filter.as_deref().and_then(|f| f.parse::<CaseFilter>().ok()).unwrap_or_default();
    let today = crate::domain::day_of_ms(state.clock.now_ms());
    let all = crate::server::cases::store::list(&state.db, 1000).await.map_err(store_failed("cannot read the cases"))?;
    let due_soon = all.iter().filter(|c| c.standing(today).is_due_soon()).count();
    let overdue = all.iter().filter(|c| c.standing(today).is_overdue()).count();
    let cases = all.into_iter().filter(|c| filter.admits(c, today)).collect();
    Ok(CaseList { cases, today, filter, due_soon, overdue })
}

#[server(prefix = "/api", endpoint = "cases/get", input = GetUrl)]
pub async fn read_case(case_id: String) -> Result<CaseView, AppError> {
    use crate::server::fn_context::{require, state};
    require(crate::domain::Permission::DeleteRecordings).await?;
    let id = edge::case_id(&case_id)?;
    crate::server::cases::service::view(&state()?, id, &crate::server::fn_context::request_id()).await
}

/// Where a case's deletions stand, in one line, for the page that follows them.
#[server(prefix = "/api", endpoint = "cases/progress", input = GetUrl)]
pub async fn case_progress(case_id: String) -> Result<String, AppError> {
    read_case(case_id).await.map(|v| v.progress_key())
}

#[server(prefix = "/api", endpoint = "cases/open")]
pub async fn open_case(form: CaseForm) -> Result<i64, AppError> {
    use crate::server::fn_context::{fail, state};
    let asker = edge::asker().await?;
    let state = state()?;
    let new = form.parse(crate::domain::day_of_ms(state.clock.now_ms())).map_err(|fields| fail(AppError::Invalid { fields, message: None }))?;
    let id = crate::server::cases::service::open(&state, &asker, new).await.map_err(fail)?;
    leptos_axum::redirect(&format!("/cases/{id}?opened=1"));
    Ok(id)
}

/// Adds meetings pasted as a list, or those of an existing bulk batch (`batch`).
#[server(prefix = "/api", endpoint = "cases/add")]
pub async fn add_case_meetings(case_id: String, ids: Option<String>, batch: Option<String>) -> Result<u64, AppError> {
    use crate::server::cases::service::{add_meetings, Source};
    use crate::server::fn_context::{fail, state};
    let asker = edge::asker().await?;
    let id = edge::case_id(&case_id)?;
    let source = match batch.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        Some(b) => Source::Batch(
            b.trim_start_matches('#').parse::<i64>().map_err(|_| fail(AppError::invalid_field("batch", format!("“{}” is not a batch number.", crate::domain::visible(b, 20)))))?,
        ),
        None => Source::List { text: ids.unwrap_or_default(), uploaded: false },
    };
    let n = add_meetings(&state()?, &asker, id, source).await.map_err(fail)?;
    leptos_axum::redirect(&format!("/cases/{id}?added={n}"));
    Ok(n)
}

#[server(prefix = "/api", endpoint = "cases/request")]
pub async fn request_case_deletion(case_id: String) -> Result<i64, AppError> {
    use crate::server::fn_context::{fail, state};
    let asker = edge::asker().await?;
    let id = edge::case_id(&case_id)?;
    let batch = crate::server::cases::service::request_deletion(&state()?, &asker, id).await.map_err(fail)?;
    leptos_axum::redirect(&format!("/cases/{id}?requested={batch}"));
    Ok(batch)
}

/// Dates and pauses: `what` is `verified`, `extend`, `pause`, `resume` or `refuse`.
#[server(prefix = "/api", endpoint = "cases/change")]
pub async fn change_case(case_id: String, what: String, day: Option<String>, reason: Option<String>) -> Result<(), AppError> {
    use crate::server::cases::service::{change, find, Change};
    use crate::server::fn_context::{fail, state};
    let asker = edge::asker().await?;
    let id = edge::case_id(&case_id)?;
    let state = state()?;
    let reason_of = |r: &Option<String>| crate::domain::required_reason(r.as_deref().unwrap_or_default()).map_err(|m| fail(AppError::invalid_field("reason", m)));
    let c = match what.as_str() {
        "verified" => {
            let d = day.as_deref().unwrap_or_default().trim().parse::<jiff::civil::Date>().map_err(|_| fail(AppError::invalid_field("verified", "Give a date such as 2026-12-07.")))?;
            Change::Verified(d)
        }
        "extend" => {
            let case = find(&state, id, &asker.request_id).await?;
            let (to, reason) = crate::domain::parse_extension(&case, day.as_deref().unwrap_or_default(), reason.as_deref().unwrap_or_default(), crate::domain::day_of_ms(state.clock.now_ms()))
                .map_err(|fields| fail(AppError::Invalid { fields, message: None }))?;
            Change::Extend { to, reason }
        }
        "pause" => Change::Pause { reason: reason_of(&reason)? },
        "resume" => Change::Resume,
        "refuse" => Change::Refuse { reason: reason_of(&reason)? },
        other => return Err(fail(AppError::invalid_field("what", format!("“{}” is not a change of a case.", crate::domain::visible(other, 20))))),
    };
    change(&state, &asker, id, c).await.map_err(fail)?;
    leptos_axum::redirect(&format!("/cases/{id}?changed={what}"));
    Ok(())
}

/// Closes the case with its signed deletion record (done, or partly done).
#[server(prefix = "/api", endpoint = "cases/close")]
pub async fn close_case(case_id: String) -> Result<String, AppError> {
    use crate::server::fn_context::{fail, state};
    let asker = edge::asker().await?;
    let id = edge::case_id(&case_id)?;
    let closed = crate::server::cases::service::close(&state()?, &asker, id).await.map_err(fail)?;
    leptos_axum::redirect(&format!("/cases/{id}?closed=1"));
    Ok(closed.as_str().to_owned())
}

/// The record as the page shows it: the signed file's record, checked against this server's key.
#[server(prefix = "/api", endpoint = "cases/record", input = GetUrl)]
pub async fn read_case_record(case_id: String) -> Result<(String, String), AppError> {
    use crate::server::fn_context::{require, state, store_failed};
    require(crate::domain::Permission::DeleteRecordings).await?;
    let id = edge::case_id(&case_id)?;
    let state = state()?;
    let (reference, file) = crate::server::cases::store::record(&state.db, id)
        .await
        .map_err(store_failed("cannot read a case's record"))?
        .ok_or_else(|| AppError::CaseNotNow { reference: format!("#{id}"), why: "has no deletion record: it is made when the case is closed as done or partly done.".to_owned() })?;
    let record = crate::server::evidence::signed::verify(&file, crate::server::evidence::signed::DELETION_RECORD, state.evidence.public()).map_err(|e| {
        tracing::error!(case = id, error = %e, "a case's stored record does not verify");
        AppError::Internal { request_id: crate::server::fn_context::request_id() }
    })?;
    Ok((reference, serde_json::to_string_pretty(&record).unwrap_or_default()))
}

/// For the home page: open cases due within 7 days or overdue, soonest first, for those who may
/// delete (empty for others), with today's date.
#[server(prefix = "/api", endpoint = "cases/due_soon", input = GetUrl)]
pub async fn cases_due_soon() -> Result<(jiff::civil::Date, Vec<Case>), AppError> {
    use crate::server::fn_context::{require, state, store_failed};
    let staff = require(crate::domain::Permission::ViewRecordings).await?;
    let state = state()?;
    let today = crate::domain::day_of_ms(state.clock.now_ms());
    if !staff.may(crate::domain::Permission::DeleteRecordings) {
        return Ok((today, vec![]));
    }
    let mut due: Vec<Case> = crate::server::cases::store::list(&state.db, 1000)
        .await
        .map_err(store_failed("cannot read the cases"))?
        .into_iter()
        .filter(|c| CaseFilter::DueSoon.admits(c, today) || CaseFilter::Overdue.admits(c, today))
        .collect();
    due.sort_by_key(Case::deadline);
    Ok((today, due))
}
