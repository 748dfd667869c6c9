//! Creating meetings over HTTP against the mock, and the local record of them.

use meeting_admin::server::vendor::mock::Faults;
use serde_json::{json, Value};

use crate::support::{TestApp, OPERATOR};

/// The form as a browser posts it (field names included).
fn form(overrides: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut f = vec![
        ("form[host_id]", "32242"),
        ("form[name]", "Friday weekly sync"),
        ("form[start]", "2026-07-15T10:00"),
        ("form[end]", "2026-07-15T11:00"),
        ("form[timezone]", "Europe/Riga"),
        ("form[attendees][0][id]", "245"),
        ("form[attendees][0][email]", "email1@domen.com"),
        ("form[attendees][1][id]", ""),
        ("form[attendees][1][email]", "email2@domen.com"),
        ("form[attendees][2][id]", ""),
        ("form[attendees][2][email]", ""),
        ("form[record]", "on"),
        ("form[chat]", "on"),
        ("form[public]", "on"),
        ("form[scheduled]", "on"),
        ("form[notify]", "on"),
        ("form[notify_metric]", "hours"),
        ("form[notify_value]", "2"),
    ];
    for (k, v) in overrides {
        match f.iter_mut().find(|(key, _)| key == k) {
            Some(pair) => pair.1 = v,
            None => f.push((k, v)),
        }
    }
    f
}

#[tokio::test]
async fn creates_a_meeting_with_every_field_as_the_vendor_expects() {
    let app = TestApp::spawn().await;
    let operator = app.as_user(OPERATOR).await;
    let res = operator.post_form("/api/meetings/create", &form(&[])).await;
    assert_eq!(res.status(), 200);
    let created: Value = res.json().await.unwrap();
    let id = created["meeting_id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 24);
    assert_eq!(created["created_by"], OPERATOR);

    let posts: Vec<_> = app.upstream.mock.requests().into_iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posts.len(), 1);
    assert!(posts[0].key_ok);
    assert_eq!(posts[0].content_type.as_deref(), Some("application/json"));
    assert_eq!(
        posts[0].body.clone().unwrap(),
        json!({
            "user_id": 32242,
            "name": "Friday weekly sync",
            "start_date": 1_784_098_800, "end_date": 1_784_102_400,
            "attendees": [{"id": 245, "email": "email1@domen.com"}, {"email": "email2@domen.com"}],
            "record": true, "chat": true, "public": true, "scheduled": true, "notify": true,
            "notify_before": {"metric": "hours", "value": 2},
            "timezone": {"offset": 180, "name": "Europe/Riga"}
        })
    );

    // It is kept locally: listed on the home page and readable again.
    let recent: Value = operator.get("/api/meetings/recent").await.json().await.unwrap();
    assert_eq!(recent[0]["meeting_id"], id.as_str());
    let record: Value = operator.get(&format!("/api/meetings/record?meeting_id={id}")).await.json().await.unwrap();
    assert_eq!(record["meeting"]["name"], "Friday weekly sync");
    let home = operator.get("/").await.text().await.unwrap();
    assert!(home.contains("Friday weekly sync") && home.contains(&id), "the home page lists it");
    let page = operator.get(&format!("/meetings/{id}?created=1")).await.text().await.unwrap();
    assert!(page.contains("Meeting created.") && page.contains("15 Jul 2026, 10:00 EEST") && page.contains("15 Jul 2026, 07:00 UTC"), "{page}");
}

#[tokio::test]
async fn bad_input_comes_back_per_field_and_never_reaches_the_vendor() {
    let app = TestApp::spawn().await;
    let res = app
        .post_form(
            "/api/meetings/create",
            &form(&[("form[host_id]", "abc"), ("form[name]", " "), ("form[end]", "2026-07-15T09:00"), ("form[attendees][1][email]", "nope"), ("form[notify_value]", "30")]),
        )
        .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["kind"], "invalid");
    let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["host_id", "name", "end", "attendees[1][email]", "notify_value"]);
    assert_eq!(body["form"]["host_id"], "abc", "the input comes back as typed");
    assert_eq!(app.upstream.count("POST"), 0);
}

#[tokio::test]
async fn vendor_refusals_and_outages_are_clear_and_keep_the_input() {
    let app = TestApp::spawn().await;
    app.upstream.faults(Faults { status: Some(422), ..Default::default() });
    let res = app.post_form("/api/meetings/create", &form(&[])).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "name", "the vendor's field maps to ours");
    assert!(body["error"]["fields"][0]["message"].as_str().unwrap().contains("can't be blank"));

    app.upstream.faults(Faults { status: Some(503), ..Default::default() });
    let res = app.post_form("/api/meetings/create", &form(&[])).await;
    assert_eq!(res.status(), 503);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["kind"], "upstream_unavailable");
    assert_eq!(body["form"]["name"], "Friday weekly sync");
    // A create is never retried: a repeat could make two meetings.
    assert_eq!(app.upstream.count("POST"), 2);
}

#[tokio::test]
async fn without_javascript_errors_return_to_the_filled_form_and_success_to_the_meeting() {
    let app = TestApp::spawn().await;
    let new_page = format!("{}/meetings/new", app.url);
    let post = |f: Vec<(&'static str, &'static str)>| {
        let req = app.http.client.post(format!("{}/api/meetings/create", app.url)).header("origin", &app.url).header("referer", &new_page).header("accept", "text/html").form(&f);
        app.http.send(req)
    };
    let res = post(form(&[("form[name]", ""), ("form[host_id]", "32242x")])).await;
    // The form again, as the answer to the post: no address carries the attendees' e-mails.
    assert_eq!(res.status(), 422);
    assert!(res.headers().get("location").is_none());
    let html = res.text().await.unwrap();
    assert!(html.contains("Enter a meeting name."), "the message is at the field");
    assert!(html.contains(r#"value="32242x""#), "what was typed is kept");
    assert!(html.contains(r#"value="email2@domen.com""#));

    let res = post(form(&[])).await;
    assert_eq!(res.status(), 302);
    let to = res.headers()["location"].to_str().unwrap();
    assert!(to.starts_with("/meetings/") && to.ends_with("?created=1"), "{to}");
}
