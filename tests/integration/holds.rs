//! Legal holds: admins place and lift them with a reason, both audited; while a meeting is held
//! nothing deletes its recordings, whoever asks.

use serde_json::Value;

use crate::support::{Browser, TestApp, OPERATOR, VENDOR_MEETING, VIEWER};

async fn hold(b: &Browser, place: bool, reason: &str) -> reqwest::Response {
    let path = if place { "/api/meetings/hold/place" } else { "/api/meetings/hold/lift" };
    b.post_form(path, &[("meeting_id", VENDOR_MEETING), ("reason", reason)]).await
}

async fn current(b: &Browser) -> Value {
    b.get(&format!("/api/meetings/hold?meeting_id={VENDOR_MEETING}")).await.json().await.unwrap()
}

async fn delete(b: &Browser) -> reqwest::Response {
    b.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "GDPR-881")]).await
}

async fn audit(app: &TestApp, action: &str) -> Vec<Value> {
    app.get(&format!("/api/audit/search?filter[action]={action}")).await.json::<Value>().await.unwrap()["entries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_held_meeting_keeps_its_recordings_until_the_hold_is_lifted() {
    let app = TestApp::spawn().await;
    let operator = app.as_user(OPERATOR).await;
    assert_eq!(hold(&operator, true, "LIT-7").await.status(), 403, "admins only");
    assert_eq!(hold(&app.http, true, "  ").await.status(), 422);
    let res = hold(&app.http, true, "Litigation LIT-7").await;
    assert_eq!(res.status(), 200);
    let h = current(&app.anonymous()).await;
    assert_eq!(h["kind"], "unauthenticated");
    let h = current(&app.as_user(VIEWER).await).await;
    assert_eq!((h["held_by"].as_str(), h["reason"].as_str()), (Some("ada"), Some("Litigation LIT-7")), "anyone who sees the meeting sees its hold");

    // Deleting is refused, audited as refused, and the vendor never hears of it.
    let res = delete(&app.http).await;
    assert_eq!(res.status(), 409);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["kind"], "on_legal_hold");
    assert_eq!(app.upstream.count("DELETE"), 0);
    let refused = &audit(&app, "delete_recordings").await[0];
    assert_eq!(refused["outcome"], "refused");
    assert!(refused["error"].as_str().unwrap().contains("legal hold"));
    let page = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await.text().await.unwrap();
    assert!(page.contains("On legal hold") && page.contains("Litigation LIT-7"));
    assert!(!page.contains("Delete all recordings"), "no delete button while held");

    // A second hold is refused; the first stands.
    let res = hold(&app.http, true, "again").await;
    assert_eq!(res.status(), 409);
    assert_eq!(current(&app.http).await["reason"], "Litigation LIT-7");

    assert_eq!(hold(&app.http, false, "Case closed").await.status(), 200);
    assert!(current(&app.http).await.is_null());
    assert_eq!(hold(&app.http, false, "twice").await.status(), 409, "nothing to lift");
    assert_eq!(delete(&app.http).await.status(), 200);
    assert_eq!(app.upstream.count("DELETE"), 1);

    let placed = audit(&app, "hold_meeting").await;
    let lifted = audit(&app, "release_hold").await;
    let outcomes = |v: &[Value]| v.iter().map(|e| (e["reason"].as_str().unwrap().to_owned(), e["outcome"].as_str().unwrap().to_owned())).collect::<Vec<_>>();
    assert_eq!(outcomes(&placed), [("again".to_owned(), "refused".to_owned()), ("Litigation LIT-7".to_owned(), "succeeded".to_owned())]);
    assert_eq!(outcomes(&lifted), [("twice".to_owned(), "refused".to_owned()), ("Case closed".to_owned(), "succeeded".to_owned())]);
    let history: Value = app.get(&format!("/api/audit/meeting?meeting_id={VENDOR_MEETING}")).await.json().await.unwrap();
    let actions: Vec<_> = history.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"hold_meeting") && actions.contains(&"release_hold"), "the meeting's history tells it: {actions:?}");
}

#[tokio::test]
async fn a_hold_placed_elsewhere_stops_a_delete_confirmed_before_it() {
    // Two replicas on one database: the hold placed on one stops the other's delete.
    let app = TestApp::spawn().await;
    let other = TestApp::replicas_on(&app.upstream, &app.database_url, 1).await.remove(0);
    assert_eq!(hold(&other.http, true, "LIT-9").await.status(), 200);
    assert_eq!(delete(&app.http).await.status(), 409);
    assert_eq!(app.upstream.count("DELETE"), 0);
}
