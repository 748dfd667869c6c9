//! "Go to": the header's plain form (`/go`) and the places the command palette suggests.

use serde_json::Value;

use crate::support::{TestApp, VENDOR_MEETING, VIEWER};

async fn location(app: &TestApp, q: &str) -> (u16, String) {
    let req = app.http.client.get(format!("{}/go", app.url)).query(&[("q", q)]).header("accept", "text/html");
    let res = app.http.send(req).await;
    let to = res.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
    (res.status().as_u16(), to)
}

#[tokio::test]
async fn an_id_a_link_a_request_or_a_batch_goes_straight_there() {
    let app = TestApp::spawn().await;
    let recordings = format!("/meetings/{VENDOR_MEETING}/recordings");
    for q in [VENDOR_MEETING.to_owned(), format!("https://admin.example.com/meetings/{}/recordings?page=2", VENDOR_MEETING.to_uppercase())] {
        assert_eq!(location(&app, &q).await, (302, recordings.clone()), "{q}");
    }
    assert_eq!(location(&app, "#12").await, (302, "/deletions/12".to_owned()));
    assert_eq!(location(&app, "batch 3").await, (302, "/bulk/3".to_owned()));
    // Anything else is searched, on a page that keeps what was typed.
    let (status, _) = location(&app, "retention").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn words_list_the_places_they_match_and_only_those_the_person_may_open() {
    let app = TestApp::spawn().await;
    let html = app.get("/go?q=audit").await.text().await.unwrap();
    assert!(html.contains(r#"<a href="/audit">Audit log</a>"#), "an admin may read the log: {html}");
    assert!(html.contains(r#"value="audit""#), "what was typed stays in the box");
    let viewer = app.as_user(VIEWER).await;
    let html = viewer.get("/go?q=audit").await.text().await.unwrap();
    assert!(!html.contains(r#"href="/audit""#) && html.contains("Nothing here matches “audit”."), "{html}");
    let html = app.get(&format!("/go?q={}", "x".repeat(501))).await.text().await.unwrap();
    assert!(html.contains("Keep it under 500 characters"), "{html}");
}

#[tokio::test]
async fn the_palette_suggests_pages_opened_meetings_and_open_requests() {
    // A grace period, so the request stays open.
    let app = TestApp::spawn_with(&["--delete-grace", "10m"]).await;
    let places = |b: &crate::support::Browser| {
        let b = b.clone();
        async move { b.get("/api/go/places").await.json::<Vec<Value>>().await.unwrap() }
    };
    let paths = |v: &[Value]| v.iter().map(|d| d["path"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    let before = places(&app.http).await;
    assert!(paths(&before).contains(&"/audit".to_owned()) && paths(&before).contains(&"/bulk".to_owned()));
    // Opening a meeting and asking for its deletion makes both suggestions.
    assert_eq!(app.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await.status(), 200);
    let form = [("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "palette check")];
    assert_eq!(app.post_form("/api/recordings/delete", &form).await.status(), 200);
    let after = places(&app.http).await;
    let meeting = after.iter().find(|d| d["path"] == format!("/meetings/{VENDOR_MEETING}/recordings")).expect("the opened meeting");
    assert!(meeting["hint"].as_str().unwrap().contains(VENDOR_MEETING), "{meeting}");
    let request = after.iter().find(|d| d["path"].as_str().unwrap().starts_with("/deletions/")).expect("the open request");
    assert!(request["hint"].as_str().unwrap().contains("asked for by you"), "{request}");
    let viewer = app.as_user(VIEWER).await;
    let theirs = paths(&places(&viewer).await);
    assert!(!theirs.contains(&"/audit".to_owned()) && !theirs.iter().any(|p| p.starts_with("/deletions")), "{theirs:?}");
    assert_eq!(app.anonymous().get("/api/go/places").await.status(), 401);
}
