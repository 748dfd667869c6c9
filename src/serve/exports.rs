//! The CSV exports: a meeting's recordings, and the audit log's filtered rows.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, Response};
use axum::response::IntoResponse;

use crate::domain::{self, MeetingId};
use crate::error::AppError;
use crate::server::access::{need, Allowed};
use crate::server::http::error_page::ErrorReply;
use crate::server::http::request_id::request_id;
use crate::server::state::AppState;
use crate::server::vendor::errors::{to_app_error, Call};

/// The recordings table as a CSV download.
pub async fn recordings_csv(
    _: Allowed<need::ViewRecordings>,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Response<Body> {
    let reply = |err: AppError| ErrorReply::new(err, ErrorReply::wants_html(&headers)).titled("Export not made").into_response();
    let id = match MeetingId::parse(&raw) {
        Ok(id) => id,
        Err(e) => return reply(AppError::invalid_field("meeting_id", e.to_string())),
    };
    match state.client.list_recordings(&id).await {
        Ok(recs) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"recordings-{id}.csv\"")),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            domain::recordings_csv(&id, &recs, &state.guard.public_origin),
        )
            .into_response(),
        Err(e) => {
            let err = to_app_error(e, Call::ListRecordings, request_id(&headers));
            tracing::warn!(error = %err, "CSV export failed");
            reply(err)
        }
    }
}

/// The audit log's filtered rows as CSV (admins only), newest first.
pub async fn audit_csv(
    _: Allowed<need::ReadAudit>,
    State(state): State<AppState>,
    Query(filter): Query<domain::AuditFilterForm>,
    headers: HeaderMap,
) -> Response<Body> {
    /// Enough for any ticket; a SIEM takes everything with `meeting-admin audit export`.
    const MAX_ROWS: i64 = 100_000;
    let reply = |err: AppError| {
        ErrorReply::new(err, ErrorReply::wants_html(&headers)).titled("Export not made").back("/audit", "Back to the audit log").into_response()
    };
    let query = match filter.parse() {
        Ok(q) => q,
        Err(fields) => return reply(AppError::Invalid { fields, message: None }),
    };
    match state.audit.all_matching(&query, MAX_ROWS).await {
        Ok(entries) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"audit-log.csv\""),
                (header::CACHE_CONTROL, "no-store"),
            ],
            domain::audit_csv(&entries),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot read the audit log for export");
            reply(crate::server::store::user_error(&e, request_id(&headers)))
        }
    }
}

/// The retention report per host as CSV (anyone who may see recordings).
pub async fn retention_csv(_: Allowed<need::ViewRecordings>, State(state): State<AppState>, headers: HeaderMap) -> Response<Body> {
    match crate::server::retention::service::report(&state).await {
        Ok(report) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"retention-report.csv\""),
                (header::CACHE_CONTROL, "no-store"),
            ],
            report.csv(),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot read the retention inventory for export");
            let err = crate::server::store::user_error(&e, request_id(&headers));
            ErrorReply::new(err, ErrorReply::wants_html(&headers)).titled("Export not made").back("/retention/report", "Back to the report").into_response()
        }
    }
}

/// A closed case's signed deletion record, as the file a privacy officer files (exactly the
/// bytes that were signed around, so `meeting-admin evidence verify` accepts it).
pub async fn case_record(_: Allowed<need::DeleteRecordings>, State(state): State<AppState>, Path(raw): Path<String>, headers: HeaderMap) -> Response<Body> {
    let reply = |err: AppError| ErrorReply::new(err, ErrorReply::wants_html(&headers)).titled("No record").back("/cases", "Back to the cases").into_response();
    let Some(id) = raw.parse::<i64>().ok().filter(|n| *n > 0) else {
        return reply(AppError::CaseNotFound { id: domain::visible(&raw, 20) });
    };
    match crate::server::cases::store::record(&state.db, id).await {
        Ok(Some((reference, file))) => {
            // The reference is staff's text: only letters, digits and dashes reach the file name.
            let safe: String = reference.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).take(64).collect();
            (
                [
                    (header::CONTENT_TYPE, "application/json".to_owned()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"deletion-record-{safe}.json\"")),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                file,
            )
                .into_response()
        }
        Ok(None) => reply(AppError::CaseNotNow { reference: format!("#{id}"), why: "has no deletion record: it is made when the case is closed as done or partly done.".to_owned() }),
        Err(e) => {
            tracing::error!(error = %e, case = id, "cannot read a case's record");
            reply(crate::server::store::user_error(&e, request_id(&headers)))
        }
    }
}
