//! Hostile and careless input, tried as an attacker or a hurried user would: redirects after
//! sign-in, hidden characters in free text, dates out of range, and what the vendor sends back.

use serde_json::{json, Value};

use crate::support::{create_form, TestApp, PASSWORD, VENDOR_MEETING, VIEWER};

#[tokio::test]
async fn next_after_sign_in_never_leads_to_another_origin() {
    let app = TestApp::spawn().await;
    for (next, lands) in [
        ("/\t/evil.example/", "/"),
        ("/\n/evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/.//evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/audit?page=2", "/audit?page=2"),
    ] {
        let res = app.anonymous().sign_in_to(VIEWER, PASSWORD, next).await;
        assert_eq!(res.status(), 200, "{next:?}");
        assert_eq!(res.headers()["location"], lands, "{next:?}");
    }
}

async fn create(app: &TestApp, overrides: &[(&'static str, &str)]) -> (u16, Value) {
    let mut form = create_form("Hostile input");
    for (k, v) in overrides {
        form.retain(|(key, _)| key != k);
        form.push((k, (*v).to_owned()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let operator = app.as_user(crate::support::OPERATOR).await;
    let res = operator.post_form("/api/meetings/create", &form).await;
    (res.status().as_u16(), res.json().await.unwrap())
}

fn field_message(body: &Value, field: &str) -> String {
    let fields = body["error"]["fields"].as_array().unwrap_or_else(|| panic!("no fields in {body}"));
    fields.iter().find(|f| f["field"] == field).unwrap_or_else(|| panic!("no {field} in {body}"))["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn hidden_characters_and_impossible_dates_are_refused_at_their_field() {
    let app = TestApp::spawn().await;
    let (status, body) = create(&app, &[("form[name]", "ab\u{1b}c")]).await;
    assert_eq!(status, 422);
    assert_eq!(field_message(&body, "name"), "Remove the control character U+001B: it is not allowed here.");
    let (_, body) = create(&app, &[("form[name]", "Invoice \u{202e}fdp.exe")]).await;
    assert!(field_message(&body, "name").contains("hidden text-direction character U+202E"));

    let (_, body) = create(&app, &[("form[start]", "9999-01-01T10:00"), ("form[end]", "9999-01-01T11:00")]).await;
    assert!(field_message(&body, "start").starts_with("Choose a date within 5 years from now"), "{body}");
    let (_, body) = create(&app, &[("form[start]", "2040-01-01T10:00"), ("form[end]", "2040-01-01T11:00")]).await;
    assert!(field_message(&body, "start").starts_with("Choose a date within 5 years from now (before "), "{body}");
    let (_, body) = create(&app, &[("form[start]", "1900-01-01T10:00")]).await;
    assert_eq!(field_message(&body, "start"), "Choose a date in 1970 or later.");
    let all = body.to_string();
    assert!(!all.contains("Unix timestamp") && !all.contains("error converting"), "{all}");
    assert_eq!(app.upstream.count("POST"), 0, "none of it reached the vendor");

    // A start in the past is allowed, and the meeting's page says so.
    let (status, created) = create(&app, &[("form[name]", "  Set up after the fact  "), ("form[start]", "2025-03-03T10:00"), ("form[end]", "2025-03-03T11:00")]).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["meeting"]["name"], "Set up after the fact", "trimmed");
    let page = app.get(&format!("/meetings/{}", created["meeting_id"].as_str().unwrap())).await.text().await.unwrap();
    assert!(page.contains("Its start had already passed when it was created"));
}

#[tokio::test]
async fn reasons_and_filters_refuse_hidden_characters_too() {
    let app = TestApp::spawn().await;
    let res = app
        .post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "ACC-1\u{2067}nimda")])
        .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "reason");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("U+2067"));
    assert_eq!(app.upstream.count("DELETE"), 0);
    let res = app.get("/api/audit/search?filter[user]=ada%0d%0a").await;
    assert_eq!(res.status(), 200, "surrounding line breaks are trimmed");
    let res = app.get("/api/audit/search?filter[user]=a%1bda").await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn a_meeting_id_pasted_as_a_link_is_understood() {
    let app = TestApp::spawn().await;
    let pasted = format!("https://meetings.example.com/meetings/{}/recordings?sort=size", VENDOR_MEETING.to_uppercase());
    let res = app.get(&format!("/api/recordings/list?meeting_id={}", url::form_urlencoded::byte_serialize(pasted.as_bytes()).collect::<String>())).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_vendor_link_that_is_not_https_never_becomes_a_link() {
    let app = TestApp::spawn().await;
    let mut recs = app.upstream.mock.raw_recordings(VENDOR_MEETING);
    recs[0]["download_url"] = json!("javascript:alert(document.cookie)");
    recs[1]["download_url"] = json!("http://files.example.com/r.webm?X-Amz-Signature=abc");
    app.upstream.mock.put_raw_recordings(VENDOR_MEETING, recs);
    let list: Value = app.get(&format!("/api/recordings/list?meeting_id={VENDOR_MEETING}")).await.json().await.unwrap();
    assert!(list["recordings"].as_array().unwrap().iter().all(|r| r["file"].is_null()), "nothing to hand out: {list}");
    let rid = list["recordings"][0]["id"].as_str().unwrap().to_owned();
    let res = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings/{rid}/download")).await;
    assert_eq!(res.status(), 502, "the download address refuses too");
    assert!(res.text().await.unwrap().contains("sent no https download link"));
    let page = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await.text().await.unwrap();
    assert!(!page.contains("javascript:") && !page.contains("files.example.com"));
    assert_eq!(page.matches("No safe download link").count(), 2);
}

/// Anyone can send `x-request-id`; it is echoed, logged and stored in the append-only audit
/// log. A client's id is taken only from the proxy we were told about, and only in an id's
/// shape; otherwise the request gets ours.
#[tokio::test]
async fn a_client_request_id_is_ours_unless_our_proxy_sent_a_well_formed_one() {
    let db_id = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let sql = "SELECT request_id FROM audit_log WHERE action = 'denied' ORDER BY id DESC LIMIT 1";
            let id: String = meeting_admin::on_pool!(&db, pool => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap());
            id
        }
    };
    let post = |app: &TestApp, id: String| {
        let b = app.anonymous();
        let req = b
            .client
            .post(format!("{}/api/recordings/delete", app.url))
            .header("origin", app.url.clone())
            .header("x-request-id", id)
            .form(&[("meeting_id", VENDOR_MEETING)]);
        async move { b.send(req).await }
    };
    let app = TestApp::spawn().await;
    for sent in ["a".repeat(60_000), "trace-1".to_owned(), "a <b>/c".to_owned()] {
        let res = post(&app, sent.clone()).await;
        assert_eq!(res.status(), 401);
        let echoed = res.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(echoed.len(), 36, "ours, a UUID: {echoed}");
        assert_eq!(db_id(&app).await, echoed, "the audit entry names our id, not the client's");
    }
    let behind = TestApp::spawn_with(&["--client-ip-header", "X-Forwarded-For"]).await;
    let res = post(&behind, "trace-1.b_C".to_owned()).await;
    assert_eq!(res.headers()["x-request-id"], "trace-1.b_C", "our proxy's trace id is kept");
    assert_eq!(db_id(&behind).await, "trace-1.b_C");
    let res = post(&behind, "x".repeat(65)).await;
    assert_eq!(res.headers()["x-request-id"].len(), 36, "too long, even from our proxy");
}

/// A vendor (or a proxy or WAF in front of it) that echoes the key it was sent and a presigned
/// link in its errors: neither reaches a page, a JSON reply, a log line or the audit log.
#[tokio::test]
async fn a_vendor_echoing_the_key_and_a_signature_is_scrubbed_everywhere() {
    use crate::support::{logs, KEY};
    use meeting_admin::server::vendor::mock::Faults;
    logs::capture();
    let app = TestApp::spawn().await;
    let echo = format!(r#"{{"errors":["key {KEY} is not valid for https://s3.example/r.webm?X-Amz-Signature=zq9sig&X-Amz-Credential=AKIA, Bearer tok3n"]}}"#);
    app.upstream.faults(Faults { status: Some(400), error_body: Some(echo), ..Default::default() });
    let viewer = app.as_user(VIEWER).await;
    let json = viewer.get(&format!("/api/recordings/list?meeting_id={VENDOR_MEETING}")).await.text().await.unwrap();
    let page = viewer.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await.text().await.unwrap();
    let delete = app.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "echo")]).await;
    let deleted = delete.text().await.unwrap();
    // A string where the vendor sends a number: the decoder's message quotes it.
    let quoted = format!(r#"[{{"_id":"6932e49ab470430179b26dcb","room_id":"{VENDOR_MEETING}","duration":"{KEY} https://x.example/?X-Amz-Signature=zq9sig"}}]"#);
    app.upstream.faults(Faults { raw_body: Some(quoted), ..Default::default() });
    let decoded = viewer.get(&format!("/api/recordings/list?meeting_id={VENDOR_MEETING}")).await.text().await.unwrap();
    app.upstream.faults(Faults::default());
    let audit = app.get("/audit.csv").await.text().await.unwrap();
    for (what, text) in [("JSON", &json), ("page", &page), ("delete", &deleted), ("decoder", &decoded), ("audit", &audit)] {
        assert!(!text.contains(KEY) && !text.contains("zq9sig") && !text.contains("tok3n"), "{what}: {text}");
    }
    assert!(json.contains("is not valid for https://s3.example/r.webm?[redacted]"), "the message itself is still told: {json}");
    assert!(logs::lines_with(KEY).is_empty() && logs::lines_with("zq9sig").is_empty(), "{:?}", logs::lines_with(KEY));
}

/// The audit log is append-only: a client nobody signed in may add at most ten entries a
/// minute from one address, and the next entry says how many were left out.
#[tokio::test]
async fn refusals_of_clients_nobody_signed_in_fill_no_disk() {
    let app = TestApp::spawn().await;
    let refused = || {
        let b = app.anonymous();
        let req = b.client.post(format!("{}/api/recordings/delete", app.url)).header("origin", app.url.clone()).form(&[("meeting_id", VENDOR_MEETING)]);
        async move { b.send(req).await.status().as_u16() }
    };
    for _ in 0..30 {
        assert_eq!(refused().await, 401);
    }
    let count = || async {
        let sql = "SELECT detail FROM audit_log WHERE action = 'denied' ORDER BY id";
        let rows: Vec<Option<String>> = meeting_admin::on_pool!(&app.db, pool => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap());
        rows
    };
    assert_eq!(count().await.len(), 10, "ten a minute");
    app.clock.advance(std::time::Duration::from_secs(61));
    assert_eq!(refused().await, 401);
    let rows = count().await;
    assert_eq!(rows.len(), 11);
    let last = rows[10].clone().unwrap_or_default();
    assert!(last.contains("20 more refused from this address before this one, not recorded"), "{last}");
    // Signed in, every refusal is recorded.
    let viewer = app.as_user(VIEWER).await;
    for _ in 0..15 {
        assert_eq!(viewer.post_form("/api/recordings/delete", &[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "x")]).await.status(), 403);
    }
    assert_eq!(count().await.len(), 26);
}

/// A vendor (or anything in front of it) sending a list far longer than any meeting's: it is
/// read no further than `MAX_BODY` (8 MiB), the viewer is told, and the connection is dropped.
#[tokio::test]
async fn a_vendor_list_longer_than_any_meeting_has_is_not_read_to_its_end() {
    use meeting_admin::server::vendor::mock::Faults;
    let app = TestApp::spawn().await;
    let one = format!(r#"{{"_id":"6932e49ab470430179b26dcb","room_id":"{VENDOR_MEETING}","size":1000}}"#);
    let huge = format!("[{}]", vec![one.as_str(); (9 << 20) / one.len()].join(","));
    app.upstream.faults(Faults { raw_body: Some(huge), ..Default::default() });
    let viewer = app.as_user(VIEWER).await;
    let res = viewer.get(&format!("/api/recordings/list?meeting_id={VENDOR_MEETING}")).await;
    assert_eq!(res.status(), 502);
    let body = res.text().await.unwrap();
    assert!(body.contains("longer than 8 MiB"), "{body}");
    app.upstream.faults(Faults::default());
    let res = viewer.get(&format!("/api/recordings/list?meeting_id={VENDOR_MEETING}")).await;
    assert_eq!(res.status(), 200, "the next list is read as usual");
}
