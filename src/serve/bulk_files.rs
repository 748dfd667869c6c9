//! The two bulk routes that are plain HTTP rather than server functions: making a batch from a
//! pasted list and an uploaded file (a multipart form, which works without JavaScript), and a
//! batch's results as CSV.

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::Deserialize;

use crate::server::bulk::store::{self, NewBatch};
use crate::domain::{batch_csv, MeetingList};
use crate::error::AppError;
use crate::server::access::{need, Allowed};
use crate::server::http::error_page::ErrorReply;
use crate::server::http::request_id::request_id;
use crate::server::state::AppState;

/// Where the list comes from: either field, or both (joined).
#[derive(Debug, Default, Deserialize)]
struct ListForm {
    #[serde(default)]
    ids: String,
}

fn refuse(html: bool, err: AppError) -> Response {
    ErrorReply::new(err, html).titled("Bulk work").back("/bulk", "Back to bulk work").into_response()
}

/// `POST /api/bulk/create`: checks the list and keeps it as a draft batch (nothing is asked of
/// the vendor yet), then shows it: a browser is sent to the batch's page, a script gets JSON.
pub async fn create(Allowed { staff, .. }: Allowed<need::DeleteRecordings>, State(state): State<AppState>, req: Request) -> Response {
    let headers = req.headers().clone();
    let html = ErrorReply::wants_html(&headers);
    let text = match read_list(req).await {
        Ok(t) => t,
        Err(message) => return refuse(html, AppError::invalid_field("ids", message)),
    };
    let list = MeetingList::parse(&text);
    if list.ids.is_empty() && list.problems.is_empty() && list.header.is_none() {
        let message = list.refusal().unwrap_or_default();
        if html {
            return Redirect::to("/bulk?empty=1").into_response();
        }
        return refuse(false, AppError::invalid_field("ids", message));
    }
    let new = NewBatch { creator: &staff, source_text: &text, list: &list, retry_of: None, now_ms: state.clock.now_ms(), start: false, preset: None };
    match store::create(&state.db, &new).await {
        Ok(id) => {
            tracing::info!(batch = id, user = %staff.username, meetings = list.ids.len(), problems = list.problems.len(), "bulk batch checked");
            if html {
                Redirect::to(&format!("/bulk/{id}")).into_response()
            } else {
                Json(serde_json::json!({ "batch_id": id, "meetings": list.ids.len(), "problems": list.problems, "refusal": list.refusal() })).into_response()
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot store a bulk batch");
            refuse(html, crate::server::store::user_error(&e, request_id(&headers)))
        }
    }
}

/// The pasted text and the uploaded file's text, one after the other.
pub async fn read_list(req: Request) -> Result<String, String> {
    let multipart = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("multipart/form-data"));
    if !multipart {
        let Form(form) = Form::<ListForm>::from_request(req, &()).await.map_err(|e| format!("The list could not be read: {e}"))?;
        return Ok(form.ids);
    }
    let mut parts = Multipart::from_request(req, &()).await.map_err(|e| format!("The form could not be read: {e}"))?;
    let mut text = String::new();
    while let Some(field) = parts.next_field().await.map_err(|e| format!("The form could not be read: {e}"))? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(|e| format!("The form could not be read: {e}"))?;
        match name.as_str() {
            "ids" => text.push_str(&String::from_utf8_lossy(&bytes)),
            "file" if !bytes.is_empty() => {
                let Ok(content) = String::from_utf8(bytes.to_vec()) else {
                    let file = file_name.unwrap_or_else(|| "the file".to_owned());
                    return Err(format!("{file} is not a text or CSV file (it is not UTF-8 text)."));
                };
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(&content);
            }
            _ => {}
        }
    }
    Ok(text)
}

/// `GET /bulk/{id}/results.csv`: one row per meeting with its result, and one per line of the
/// list that was not taken; evidence for the ticket.
pub async fn results_csv(_: Allowed<need::DeleteRecordings>, State(state): State<AppState>, Path(raw): Path<String>, headers: HeaderMap) -> Response {
    let html = ErrorReply::wants_html(&headers);
    let Some(id) = raw.parse::<i64>().ok().filter(|n| *n > 0) else {
        return refuse(html, AppError::invalid_field("batch_id", "A batch is named by its number, such as 12."));
    };
    let found = match store::find(&state.db, id).await {
        Ok(Some(b)) => store::items(&state.db, id).await.map(|items| Some((b, items))),
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    match found {
        Ok(Some((batch, items))) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"bulk-batch-{id}.csv\"")),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            batch_csv(&batch, &items, &state.guard.public_origin),
        )
            .into_response(),
        Ok(None) => refuse(html, AppError::BatchNotFound { id }),
        Err(e) => {
            tracing::error!(error = %e, batch = id, "cannot read a batch for export");
            refuse(html, crate::server::store::user_error(&e, request_id(&headers)))
        }
    }
}

/// `POST /cases/{id}/upload`: a file of meeting ids added to a case (a multipart form, which
/// works without JavaScript); back to the case, or its error page naming the bad line.
pub async fn case_upload(Allowed { staff, .. }: Allowed<need::DeleteRecordings>, State(state): State<AppState>, Path(raw): Path<String>, req: Request) -> Response {
    use crate::server::cases::service::{add_meetings, Asker, Source};
    let headers = req.headers().clone();
    let html = ErrorReply::wants_html(&headers);
    let back = format!("/cases/{}", raw.parse::<i64>().unwrap_or(0));
    let refuse = |err: AppError| ErrorReply::new(err, html).titled("Meetings not added").back(&back, "Back to the case").into_response();
    let Some(id) = raw.parse::<i64>().ok().filter(|n| *n > 0) else {
        return refuse(AppError::CaseNotFound { id: crate::domain::visible(&raw, 20) });
    };
    let header = state.auth.client_ip_header.clone();
    let addr = crate::server::http::client_addr::client_addr(&headers, req.extensions(), header.as_ref());
    let text = match read_list(req).await {
        Ok(t) => t,
        Err(message) => return refuse(AppError::invalid_field("ids", message)),
    };
    let asker = Asker { staff, addr, request_id: request_id(&headers) };
    match add_meetings(&state, &asker, id, Source::List { text, uploaded: true }).await {
        Ok(n) if html => Redirect::to(&format!("/cases/{id}?added={n}")).into_response(),
        Ok(n) => Json(serde_json::json!({ "added": n })).into_response(),
        Err(e) => refuse(e),
    }
}
