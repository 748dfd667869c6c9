//! The two bulk routes that are plain HTTP rather than server functions: making a batch from a
//! pasted list and an uploaded file (a multipart form, which works without JavaScript), and a
//! batch's results as CSV.

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use serde::Deserialize;

use super::store::{self, NewBatch};
use crate::domain::{batch_csv, MeetingList, Permission, Staff};
use crate::error::AppError;
use crate::server::auth::CurrentStaff;
use crate::server::error_page::error_response;
use crate::server::http::request_id;
use crate::server::state::AppState;

/// Where the list comes from: either field, or both (joined).
#[derive(Debug, Default, Deserialize)]
struct ListForm {
    #[serde(default)]
    ids: String,
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"))
}

fn refuse(html: bool, status: StatusCode, err: &AppError) -> Response {
    error_response(status, "Bulk work", err, !html, Some(("/bulk", "Back to bulk work")))
}

fn allowed(current: &CurrentStaff, html: bool) -> Result<Staff, Response> {
    match &current.0 {
        Some(staff) if staff.may(Permission::DeleteRecordings) => Ok(staff.clone()),
        Some(staff) => Err(refuse(html, StatusCode::FORBIDDEN, &AppError::forbidden(staff.role, Permission::DeleteRecordings))),
        None => Err(refuse(html, StatusCode::UNAUTHORIZED, &AppError::Unauthenticated)),
    }
}

/// `POST /api/bulk/create`: checks the list and keeps it as a draft batch (nothing is asked of
/// the vendor yet), then shows it: a browser is sent to the batch's page, a script gets JSON.
pub async fn create(State(state): State<AppState>, Extension(current): Extension<CurrentStaff>, req: Request) -> Response {
    let headers = req.headers().clone();
    let html = wants_html(&headers);
    let staff = match allowed(&current, html) {
        Ok(s) => s,
        Err(res) => return res,
    };
    let text = match read_list(req).await {
        Ok(t) => t,
        Err(message) => return refuse(html, StatusCode::UNPROCESSABLE_ENTITY, &AppError::invalid_field("ids", message)),
    };
    let list = MeetingList::parse(&text);
    if list.ids.is_empty() && list.problems.is_empty() && list.header.is_none() {
        let message = list.refusal().unwrap_or_default();
        if html {
            return Redirect::to("/bulk?empty=1").into_response();
        }
        return refuse(false, StatusCode::UNPROCESSABLE_ENTITY, &AppError::invalid_field("ids", message));
    }
    let new = NewBatch { creator: &staff, source_text: &text, list: &list, retry_of: None, now_ms: state.clock.now_ms(), start: false };
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
            let request_id = request_id(&headers);
            let unavailable = crate::server::store::is_unavailable(&e);
            let err = if unavailable { AppError::DatabaseUnavailable { request_id } } else { AppError::Internal { request_id } };
            refuse(html, StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), &err)
        }
    }
}

/// The pasted text and the uploaded file's text, one after the other.
async fn read_list(req: Request) -> Result<String, String> {
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
pub async fn results_csv(State(state): State<AppState>, Path(raw): Path<String>, Extension(current): Extension<CurrentStaff>, headers: HeaderMap) -> Response {
    if let Err(res) = allowed(&current, true) {
        return res;
    }
    let Some(id) = raw.parse::<i64>().ok().filter(|n| *n > 0) else {
        return refuse(true, StatusCode::NOT_FOUND, &AppError::invalid_field("batch_id", "A batch is named by its number, such as 12."));
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
        Ok(None) => refuse(true, StatusCode::NOT_FOUND, &AppError::BatchNotFound { id }),
        Err(e) => {
            tracing::error!(error = %e, batch = id, "cannot read a batch for export");
            refuse(true, StatusCode::SERVICE_UNAVAILABLE, &AppError::DatabaseUnavailable { request_id: request_id(&headers) })
        }
    }
}
