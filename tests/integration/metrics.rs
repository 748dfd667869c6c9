//! `/metrics`: each counter moves when its event happens, nothing is served on the app's own
//! address, and no label carries an id, a user name, a link or the key.

use std::time::Duration;

use meeting_admin::server::vendor::mock::Faults;

use crate::support::{TestApp, KEY, PASSWORD, VENDOR_MEETING, VIEWER};

#[tokio::test]
async fn each_counter_moves_when_its_event_happens_and_no_label_names_an_id_a_person_or_a_link() {
    let app = TestApp::spawn_with(&["--metrics-addr", "127.0.0.1:0"]).await;
    let before = app.metrics().await;
    let list = format!("/api/recordings/list?meeting_id={VENDOR_MEETING}");

    // A page's vendor call, answered.
    assert_eq!(app.get(&list).await.status(), 200);
    // The vendor rate-limits once with a short Retry-After: waited out, then answered.
    app.upstream.faults(Faults { status: Some(429), retry_after: Some(1), count: Some(1), ..Default::default() });
    assert_eq!(app.get(&list).await.status(), 200);
    // A viewer refused the audit export, a wrong password.
    let viewer = app.as_user(VIEWER).await;
    assert_eq!(viewer.get("/audit.csv").await.status(), 403);
    assert_eq!(app.anonymous().sign_in(VIEWER, "not the password").await.status(), 401);

    let after = app.metrics().await;
    let moved = |series: &str| after.value(series) - before.value(series);
    assert_eq!(moved(r#"meeting_admin_vendor_calls_total{call="list",outcome="ok",status="200"}"#), 2.0, "{}", after.0);
    assert_eq!(moved(r#"meeting_admin_vendor_calls_total{call="list",outcome="429",status="429"}"#), 1.0);
    assert_eq!(moved(r#"meeting_admin_vendor_retry_after_waits_total{call="list"}"#), 1.0);
    assert_eq!(moved(r#"meeting_admin_vendor_call_duration_seconds_count{call="list"}"#), 3.0);
    assert_eq!(moved(r#"meeting_admin_refusals_total{permission="read_audit"}"#), 1.0);
    assert_eq!(moved(r#"meeting_admin_sign_ins_total{method="password",outcome="failed"}"#), 1.0);
    assert_eq!(moved(r#"meeting_admin_sign_ins_total{method="password",outcome="ok"}"#), 1.0, "the viewer's");
    assert_eq!(moved(r#"meeting_admin_http_requests_total{route="/api/recordings/list",status="2xx"}"#), 2.0);
    assert_eq!(moved(r#"meeting_admin_http_requests_total{route="/audit.csv",status="4xx"}"#), 1.0);
    assert_eq!(moved(r#"meeting_admin_http_request_duration_seconds_count{route="/api/recordings/list"}"#), 2.0);
    assert_eq!(after.value("meeting_admin_ready"), 1.0);
    assert!(after.value(r#"meeting_admin_db_pool_max_connections"#) >= 1.0);

    // An unknown path is counted under one label, whatever was asked.
    let unknown = format!("/no/such/{VENDOR_MEETING}");
    assert_eq!(app.get(&unknown).await.status(), 404);
    let text = app.metrics().await.0;
    assert!(text.contains(r#"meeting_admin_http_requests_total{route="unmatched",status="4xx"} 1"#), "{text}");

    // Labels: routes as declared, never ids, names, links or the key.
    let links: Vec<String> = app.upstream.mock.recordings(VENDOR_MEETING).into_iter().map(|r| r.download_url).collect();
    for banned in [VENDOR_MEETING, KEY, PASSWORD, VIEWER, crate::support::ADMIN, "not the password", "http://", "https://"]
        .into_iter()
        .chain(links.iter().map(String::as_str))
    {
        assert!(!text.contains(banned), "{banned:?} in /metrics:\n{text}");
    }
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        assert!(line.starts_with("meeting_admin_"), "every series is ours: {line}");
    }
}

#[tokio::test]
async fn metrics_are_not_served_on_the_apps_own_address() {
    let app = TestApp::spawn_with(&["--metrics-addr", "127.0.0.1:0"]).await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status(), 404, "signed in: no such page");
    assert!(!res.text().await.unwrap().contains("meeting_admin_"));
    let res = app.anonymous().get("/metrics").await;
    assert_eq!(res.status(), 303, "anonymous: sent to sign in, like any page");
    assert!(!res.text().await.unwrap().contains("meeting_admin_"));
}

/// Without METRICS_ADDR requests are not counted (the layer is not there), while what costs
/// nothing on the hot path still is.
#[tokio::test]
async fn without_a_metrics_address_requests_are_not_counted() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get(&format!("/api/recordings/list?meeting_id={VENDOR_MEETING}")).await.status(), 200);
    let m = app.metrics().await;
    assert!(!m.0.contains("meeting_admin_http_requests_total{"), "{}", m.0);
    assert_eq!(m.value(r#"meeting_admin_vendor_calls_total{call="list",outcome="ok",status="200"}"#), 1.0);
}

/// The queues read at the scrape: a deletion request waiting for its grace period, then due.
#[tokio::test]
async fn the_queues_say_what_waits_and_since_when() {
    let app = TestApp::spawn_with(&["--delete-grace", "60s"]).await;
    let count = app.upstream.mock.recordings(VENDOR_MEETING).len().to_string();
    let res = app
        .http
        .post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", &count), ("reason", "metrics test")])
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let m = app.metrics().await;
    assert_eq!(m.value(r#"meeting_admin_deletion_requests{state="scheduled"}"#), 1.0, "{}", m.0);
    assert_eq!(m.value(r#"meeting_admin_oldest_due_seconds{queue="deletion_requests"}"#), 0.0, "not due yet");
    app.clock.advance(Duration::from_secs(90));
    let m = app.metrics().await;
    let waited = m.value(r#"meeting_admin_oldest_due_seconds{queue="deletion_requests"}"#);
    assert!((30.0..31.0).contains(&waited), "due 30 s ago, not {waited}");
    meeting_admin::server::deletions::worker::tick(&app.state.work()).await;
    let m = app.metrics().await;
    assert_eq!(m.value(r#"meeting_admin_deletion_requests{state="scheduled"}"#), 0.0);
    assert_eq!(m.value(r#"meeting_admin_oldest_due_seconds{queue="deletion_requests"}"#), 0.0);
}
