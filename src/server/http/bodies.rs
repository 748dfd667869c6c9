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

#[cfg(test)]
mod tests {
    use axum::routing::post;
    use axum::Router;
    use tower::ServiceExt;
    use tower_http::limit::RequestBodyLimitLayer;

    use super::*;

    fn app() -> Router {
        let echo = post(|body: axum::body::Bytes| async move { body.len().to_string() });
        Router::new()
            .route("/", echo)
            .layer(axum::middleware::from_fn(read_unsized))
            .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
    }

    /// A body with no length: parts of `chunk` bytes, `parts` times.
    fn unsized_body(parts: usize, chunk: usize) -> Body {
        let parts = (0..parts).map(move |_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'x'; chunk])));
        Body::from_stream(futures_util::stream::iter(parts))
    }

    async fn status(body: Body) -> StatusCode {
        let req = Request::post("/").body(body).unwrap();
        app().oneshot(req).await.unwrap().status()
    }

    #[tokio::test]
    async fn a_body_without_a_length_is_held_to_the_same_limit() {
        assert_eq!(status(unsized_body(8, 8 * 1024)).await, StatusCode::OK, "exactly the limit");
        assert_eq!(status(unsized_body(9, 8 * 1024)).await, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(status(Body::from(vec![b'x'; MAX_BODY_BYTES + 1])).await, StatusCode::PAYLOAD_TOO_LARGE, "one that says its length");
        assert_eq!(status(Body::empty()).await, StatusCode::OK);
    }

    #[test]
    fn another_cause_is_not_taken_for_the_limit() {
        let reset = axum::Error::new(std::io::Error::other("reset"));
        assert!(!caused_by_length(&reset));
    }
}
