//! Request bodies within `MAX_BODY_BYTES`, whether or not they say their length. One that says
//! it is longer is refused before it is read (tower-http's `RequestBodyLimitLayer`); one sent
//! without a length (chunked) is read here, up to the limit, so one too long gets the same 413
//! instead of a 500 from whichever handler reads it first.

use axum::body::{Body, HttpBody as _};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};
use http_body_util::LengthLimitError;

/// Forms here are small; anything bigger is refused before it is parsed.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub async fn read_unsized(req: Request, next: Next) -> Response {
    if req.headers().contains_key(header::CONTENT_LENGTH) || req.body().is_end_stream() {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(e) if caused_by_length(&e) => (StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded").into_response(),
        // A client that paused past CLIENT_TIMEOUT or broke off: nobody is left to read more.
        Err(e) => (StatusCode::BAD_REQUEST, format!("the request's body could not be read: {e}")).into_response(),
    }
}

fn caused_by_length(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(e) = cause {
        if e.is::<LengthLimitError>() {
            return true;
        }
        cause = e.source();
    }
    false
}
