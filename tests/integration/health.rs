use serde_json::Value;

use crate::support::TestApp;

#[tokio::test]
async fn healthz_and_readyz_answer_json_with_a_request_id() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("x-request-id").is_some_and(|v| v.len() >= 32));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");

    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    assert_eq!(body["backend"], if crate::support::database::is_postgres() { "postgres" } else { "sqlite" });
    assert_eq!(body["demo"], false);
    assert!(body.get("upstream").is_none(), "a public probe names no address: {body}");
}

#[tokio::test]
async fn request_ids_differ_per_request() {
    let app = TestApp::spawn().await;
    let a = app.get("/healthz").await.headers()["x-request-id"].clone();
    let b = app.get("/healthz").await.headers()["x-request-id"].clone();
    assert_ne!(a, b);
}

#[tokio::test]
async fn pages_render_on_the_server() {
    let app = TestApp::spawn().await;
    let res = app.get("/").await;
    assert_eq!(res.status(), 200);
    // Pages are checked with the server each time, and kept out of shared caches.
    assert_eq!(res.headers()["cache-control"], "private, no-cache");
    let html = res.text().await.unwrap();
    assert!(html.contains("<h1>Meeting Admin</h1>"), "{html}");
    assert!(html.contains("/pkg/meeting-admin.js"));
    // Islands: the page's own data is not sent again for hydration, only the islands' props.
    assert!(!html.contains("__RESOLVED_RESOURCES["), "{html}");
    assert!(!html.contains("Demo mode"), "not in demo mode with a key");
    let res = app.get("/nope").await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_parsing() {
    let app = TestApp::spawn().await;
    let big = "x".repeat(100 * 1024);
    let res = app.post_form("/api/recordings/delete", &[("meeting_id", VENDOR), ("expected_count", "2"), ("reason", &big)]).await;
    assert_eq!(res.status(), 413);
    assert_eq!(app.upstream.count("DELETE"), 0);
}

/// The same limit for a body sent without its length (chunked): 413, not the handler's 500, and
/// one within the limit is read as usual.
#[tokio::test]
async fn oversized_chunked_bodies_get_413_too() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    let admin = app.as_user(crate::support::ADMIN).await;
    let cookie = admin.cookie().expect("signed in");
    let host = app.url.trim_start_matches("http://").to_owned();
    let send = |chunks: usize| {
        let (host, cookie, origin) = (host.clone(), cookie.clone(), app.url.clone());
        async move {
            let mut s = tokio::net::TcpStream::connect(&host).await.unwrap();
            let head = format!(
                "POST /api/recordings/delete HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nCookie: {cookie}\r\nAccept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            );
            s.write_all(head.as_bytes()).await.unwrap();
            let first = format!("meeting_id={VENDOR}&expected_count=2&reason=");
            s.write_all(format!("{:x}\r\n{first}\r\n", first.len()).as_bytes()).await.unwrap();
            let chunk = "x".repeat(8 * 1024);
            for _ in 0..chunks {
                // The server may stop reading once the limit is passed.
                if s.write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes()).await.is_err() {
                    break;
                }
            }
            let _ = s.write_all(b"0\r\n\r\n").await;
            let mut reply = Vec::new();
            let _ = s.read_to_end(&mut reply).await;
            String::from_utf8_lossy(&reply).into_owned()
        }
    };
    let reply = send(10).await;
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    assert_eq!(app.upstream.count("DELETE"), 0);
    let reply = send(1).await;
    assert!(!reply.starts_with("HTTP/1.1 413") && !reply.starts_with("HTTP/1.1 5"), "{reply}");
}

const VENDOR: &str = crate::support::VENDOR_MEETING;
