//! The mock's routes: the three admin endpoints as the vendor answers them, the presigned file
//! downloads, and the `/_mock/*` controls tests use.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::faults::{vendor_error, Faults};
use super::state::{iso, random_hex, MockStats, MockUpstream, ReceivedRequest, SAMPLE_VIDEO};
use crate::domain::{parse_amz_date, MeetingId};
use crate::server::clock::Clock;

impl MockUpstream {
    pub fn router(&self) -> Router {
        Router::new()
            .merge(files_router("/files", self.0.clock.clone()))
            .route("/admin/meetings", post(create_meeting))
            .route("/admin/meetings/recordings/{id}", get(list_recordings).delete(delete_recordings))
            .route("/_mock/faults", post(set_faults).delete(clear_faults))
            .route("/_mock/requests", get(get_requests).delete(clear_requests))
            .route("/_mock/seed/{id}", post(seed))
            .route("/_mock/stats", get(get_stats))
            .route("/_mock/recordings/{id}", axum::routing::put(put_raw))
            .with_state(self.clone())
    }
}

/// The vendor's 422 shape for a create body that misses what it needs.
fn validate_create(body: &Value) -> Result<(), Value> {
    let mut errors = serde_json::Map::new();
    let mut add = |field: &str, msg: &str| {
        errors.entry(field.to_owned()).or_insert_with(|| json!([])).as_array_mut().unwrap().push(json!(msg));
    };
    if !body.get("user_id").is_some_and(|v| v.as_u64().is_some_and(|n| n > 0)) {
        add("user_id", "must be a positive integer");
    }
    match body.get("name").and_then(Value::as_str) {
        Some(n) if !n.trim().is_empty() => {}
        _ => add("name", "can't be blank"),
    }
    for field in ["start_date", "end_date"] {
        if body.get(field).and_then(Value::as_i64).is_none() {
            add(field, "can't be blank");
        }
    }
    match body.get("attendees") {
        Some(Value::Array(list)) => {
            if list.iter().any(|a| a.get("id").is_none() && a.get("email").is_none()) {
                add("attendees", "each attendee needs an id or an email");
            }
        }
        _ => add("attendees", "can't be blank"),
    }
    if errors.is_empty() { Ok(()) } else { Err(json!({ "errors": errors })) }
}

async fn create_meeting(State(mock): State<MockUpstream>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    if let Err(resp) = mock.admit("POST", "/admin/meetings".into(), &headers, parsed.clone()).await {
        return resp;
    }
    let Some(body) = parsed.filter(Value::is_object) else {
        return vendor_error(StatusCode::BAD_REQUEST, json!({"errors": ["Invalid JSON"]}));
    };
    if let Err(errors) = validate_create(&body) {
        return vendor_error(StatusCode::UNPROCESSABLE_ENTITY, errors);
    }
    let id = random_hex(24);
    let now = iso(mock.0.clock.now_unix());
    let get = |k: &str, default: Value| body.get(k).cloned().unwrap_or(default);
    let meeting = json!({
        "_id": id,
        "name": get("name", Value::Null),
        "start_date": get("start_date", Value::Null),
        "end_date": get("end_date", Value::Null),
        "attendees": get("attendees", json!([])),
        "public": get("public", json!(false)),
        "scheduled": get("scheduled", json!(false)),
        "record": get("record", json!(false)),
        "created_at": now,
        "updated_at": now,
        "host_id": get("user_id", Value::Null),
        "notify": get("notify", json!(false)),
        "chat_dialog_id": if body.get("chat") == Some(&json!(true)) { json!(random_hex(24)) } else { Value::Null },
        "notify_before": get("notify_before", Value::Null),
        "timezone": get("timezone", Value::Null),
    });
    {
        let mut data = mock.data();
        data.meetings.insert(id.clone(), meeting.clone());
        data.recordings.entry(id).or_default();
    }
    (StatusCode::CREATED, Json(meeting)).into_response()
}

async fn list_recordings(State(mock): State<MockUpstream>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(resp) = mock.admit("GET", format!("/admin/meetings/recordings/{id}"), &headers, None).await {
        return resp;
    }
    if MeetingId::parse(&id).is_err() {
        return vendor_error(StatusCode::NOT_FOUND, json!({"errors": ["Not found"]}));
    }
    Json(mock.raw_recordings(&id)).into_response()
}

async fn delete_recordings(State(mock): State<MockUpstream>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(resp) = mock.admit("DELETE", format!("/admin/meetings/recordings/{id}"), &headers, None).await {
        return resp;
    }
    mock.data().recordings.remove(&id);
    Json(json!({})).into_response()
}

#[derive(Deserialize)]
struct Presigned {
    #[serde(rename = "X-Amz-Date")]
    date: Option<String>,
    #[serde(rename = "X-Amz-Expires")]
    expires: Option<i64>,
}

/// Like S3: a link past its expiry is refused; otherwise the file.
async fn download(State(clock): State<Clock>, Path(uid): Path<String>, Query(q): Query<Presigned>) -> Response {
    let expires_at = q.date.as_deref().and_then(parse_amz_date).zip(q.expires).map(|(d, e)| d + e);
    match expires_at {
        Some(at) if at > clock.now_unix() => (
            [
                ("content-type", "video/webm".to_owned()),
                ("content-disposition", format!("attachment; filename=\"{}.webm\"", uid.replace('"', ""))),
                ("cache-control", "private, max-age=600".to_owned()),
            ],
            SAMPLE_VIDEO,
        )
            .into_response(),
        Some(_) => (StatusCode::FORBIDDEN, "Request has expired").into_response(),
        None => (StatusCode::FORBIDDEN, "Missing presigned query").into_response(),
    }
}

async fn set_faults(State(mock): State<MockUpstream>, Json(f): Json<Faults>) -> StatusCode {
    mock.set_faults(f);
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(mock): State<MockUpstream>) -> StatusCode {
    mock.set_faults(Faults::default());
    StatusCode::NO_CONTENT
}

async fn get_requests(State(mock): State<MockUpstream>) -> Json<Vec<ReceivedRequest>> {
    Json(mock.requests())
}

async fn get_stats(State(mock): State<MockUpstream>) -> Json<MockStats> {
    Json(mock.stats())
}

async fn clear_requests(State(mock): State<MockUpstream>) -> StatusCode {
    mock.data().requests.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct SeedBody {
    count: usize,
}

async fn seed(State(mock): State<MockUpstream>, Path(id): Path<String>, Json(b): Json<SeedBody>) -> Response {
    if MeetingId::parse(&id).is_err() || b.count > 100_000 {
        return StatusCode::UNPROCESSABLE_ENTITY.into_response();
    }
    mock.seed(&id, b.count);
    StatusCode::NO_CONTENT.into_response()
}

async fn put_raw(State(mock): State<MockUpstream>, Path(id): Path<String>, Json(list): Json<Vec<Value>>) -> StatusCode {
    mock.put_raw_recordings(&id, list);
    StatusCode::NO_CONTENT
}

/// Just the download route, to mount inside the dashboard in demo mode so links work wherever the
/// dashboard itself is reachable.
pub fn files_router<S: Clone + Send + Sync + 'static>(prefix: &str, clock: Clock) -> Router<S> {
    Router::new().route(&format!("{}/{{uid}}", prefix.trim_end_matches('/')), get(download)).with_state(clock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_validation_uses_the_vendor_shape() {
        let ok = json!({"user_id": 1, "name": "x", "start_date": 1, "end_date": 2, "attendees": []});
        assert!(validate_create(&ok).is_ok());
        let bad = json!({"user_id": 1, "name": " ", "end_date": 2, "attendees": [{}]});
        let e = validate_create(&bad).unwrap_err();
        assert_eq!(e["errors"]["name"], json!(["can't be blank"]));
        assert_eq!(e["errors"]["start_date"], json!(["can't be blank"]));
        assert!(e["errors"]["attendees"].is_array());
    }
}

