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

const VENDOR: &str = crate::support::VENDOR_MEETING;
