//! The recordings server functions over HTTP, against the mock.

use meeting_admin::domain::{format_utc, format_utc_ms, parse_iso8601_utc, Zone};
use meeting_admin::server::vendor::mock::Faults;
use serde_json::Value;

use crate::support::{logs, TestApp, VENDOR_MEETING};

async fn json(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

async fn list(app: &TestApp, id: &str) -> (u16, Value) {
    json(app.get(&format!("/api/recordings/list?meeting_id={id}")).await).await
}

async fn delete(app: &TestApp, id: &str, expected: &str, reason: &str) -> (u16, Value) {
    json(app.post_form("/api/recordings/delete", &[("meeting_id", id), ("expected_count", expected), ("reason", reason)]).await).await
}

#[tokio::test]
async fn lists_a_meetings_recordings() {
    let app = TestApp::spawn().await;
    let res = app.get(&format!("/api/recordings/list?meeting_id={VENDOR_MEETING}")).await;
    assert_eq!(res.headers()["content-type"], "application/json");
    let (status, body) = json(res).await;
    assert_eq!(status, 200);
    assert_eq!(body["meeting_id"], VENDOR_MEETING);
    let recs = body["recordings"].as_array().unwrap();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["id"], "6932e49ab470430179b26dcb");
    assert!(body["fetched_at"].as_i64().unwrap() > 1_700_000_000);
}

#[tokio::test]
async fn a_bad_meeting_id_never_reaches_the_vendor() {
    let app = TestApp::spawn().await;
    for bad in ["abc", "6932e0f8652986000d48148g", "%2e%2e%2fadmin"] {
        let (status, body) = list(&app, bad).await;
        assert_eq!(status, 422, "{bad}");
        assert_eq!(body["kind"], "invalid");
        assert_eq!(body["fields"][0]["field"], "meeting_id");
    }
    // No meeting id at all reads as an empty one, on its field too.
    let (status, body) = json(app.get("/api/recordings/list").await).await;
    assert_eq!((status, &body["fields"][0]["field"]), (422, &Value::from("meeting_id")), "{body}");
    assert!(app.upstream.mock.requests().is_empty());
}

#[tokio::test]
async fn delete_removes_all_recordings_once() {
    let app = TestApp::spawn().await;
    let (status, body) = delete(&app, VENDOR_MEETING, "2", "TICKET-123 customer request").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["count"], 2);
    let deletes: Vec<_> = app.upstream.mock.requests().into_iter().filter(|r| r.method == "DELETE").collect();
    assert_eq!(deletes.len(), 1);
    assert!(deletes[0].key_ok);
    assert!(app.upstream.mock.recordings(VENDOR_MEETING).is_empty());
    let (_, body) = list(&app, VENDOR_MEETING).await;
    assert_eq!(body["recordings"].as_array().unwrap().len(), 0);

    // The empty page says what the app knows, not ConnectyCube's three-way guess.
    let (_, page) = json(app.get(&format!("/api/recordings/page?meeting_id={VENDOR_MEETING}&refresh=1")).await).await;
    let known = page["known"].as_str().unwrap_or_default();
    assert!(known.starts_with("All 2 recordings were deleted at ") && known.contains("asked by ada (TICKET-123 customer request)"), "{page}");
    let html = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await.text().await.unwrap();
    assert!(html.contains("All 2 recordings were deleted at") && !html.contains("ConnectyCube answers the same for all three"));
    // A meeting made here and not recorded yet: its name and start.
    let form = crate::support::create_form("Empty standup");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, created) = json(app.http.post_form("/api/meetings/create", &form).await).await;
    assert_eq!(status, 200, "{created}");
    let id = created["meeting_id"].as_str().unwrap();
    let (_, page) = json(app.get(&format!("/api/recordings/page?meeting_id={id}")).await).await;
    assert!(page["known"].as_str().unwrap_or_default().starts_with("Created here as “Empty standup”, starting "), "{page}");
    // Unknown to the app: the vendor's plain answer.
    let (_, page) = json(app.get("/api/recordings/page?meeting_id=6932e0f8652986000d4814ff").await).await;
    assert_eq!(page["known"], Value::Null);
}

#[tokio::test]
async fn delete_needs_a_reason_and_the_current_count() {
    let app = TestApp::spawn().await;
    let (status, body) = delete(&app, VENDOR_MEETING, "2", "   ").await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["field"], "reason");
    let (status, body) = delete(&app, VENDOR_MEETING, "3", "ticket").await;
    assert_eq!(status, 409);
    assert_eq!(body, serde_json::json!({"kind": "list_changed", "expected": 3, "found": 2}));
    assert_eq!(app.upstream.count("DELETE"), 0);
    assert_eq!(app.upstream.mock.recordings(VENDOR_MEETING).len(), 2);
}

#[tokio::test]
async fn a_form_post_without_javascript_is_redirected_to_the_result() {
    let app = TestApp::spawn().await;
    let res = app.http.send(app
        .http.client
        .post(format!("{}/api/recordings/delete", app.url))
        .header("accept", "text/html")
        .header("origin", &app.url)
        .form(&[("meeting_id", VENDOR_MEETING), ("expected_count", "2"), ("reason", "ticket 9")]))
        .await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], format!("/meetings/{VENDOR_MEETING}/recordings?deleted=2"));
}

#[tokio::test]
async fn a_delete_that_times_out_has_an_unknown_outcome() {
    let app = TestApp::spawn().await;
    // The count check (a GET) answers; the DELETE hangs past our 1 s timeout.
    app.upstream.faults(Faults { latency_ms: 1500, method: Some("DELETE".into()), ..Default::default() });
    let (status, body) = delete(&app, VENDOR_MEETING, "2", "ticket").await;
    assert_eq!(status, 504, "{body}");
    assert_eq!(body["kind"], "outcome_unknown");
    assert!(body["request_id"].as_str().unwrap().len() >= 32);
    assert_eq!(app.upstream.count("DELETE"), 1, "a timed-out DELETE is not repeated");
}

#[tokio::test]
async fn the_recordings_page_renders_the_table_without_javascript() {
    let app = TestApp::spawn().await;
    let res = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let download = format!("/meetings/{VENDOR_MEETING}/recordings/6932e49ab470430179b26dcb/download");
    for needle in ["<table", "<thead>", "<tbody>", "6932e49ab470430179b26dcb", "0:01:00", "1.00 MB", download.as_str(), "Delete all recordings", "2 recordings"] {
        assert!(html.contains(needle), "missing {needle}");
    }
    assert!(!html.contains("X-Amz-"), "no presigned link in the page");
    let res = app.get("/meetings/nothex/recordings").await;
    let html = res.text().await.unwrap();
    assert!(html.contains("A meeting id uses only 0-9 and a-f"), "{html}");
}

/// Times are written in the zone the browser reported (the `tz` cookie), in the one format, with
/// UTC to the second on hover; a cookie naming no known zone leaves them in UTC.
#[tokio::test]
async fn times_are_written_in_the_zone_the_browser_reported() {
    let app = TestApp::spawn().await;
    let session = app.http.cookie().expect("signed in");
    let page = |tz: &str| {
        let req = app.http.client.get(format!("{}/meetings/{VENDOR_MEETING}/recordings", app.url)).header("cookie", format!("{session}; tz={tz}"));
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    // Each row's time, as the page writes it, against the zone rules read here.
    let rows = |html: &str| -> Vec<(i64, String, String)> {
        html.split(r#"<td data-label="Created"><time datetime=""#)
            .skip(1)
            .map(|rest| {
                let (iso, rest) = rest.split_once('"').unwrap();
                let title = rest.split("title=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
                let shown = rest.split_once('>').unwrap().1.split('<').next().unwrap().to_owned();
                (parse_iso8601_utc(iso).unwrap(), title, shown)
            })
            .collect()
    };
    let kolkata = Zone::parse("Asia/Kolkata").unwrap();
    let html = page("Asia/Kolkata").await;
    assert_eq!(rows(&html).len(), 2, "{html}");
    for (at, title, shown) in rows(&html) {
        assert_eq!((title, shown.as_str()), (format_utc_ms(at * 1000), kolkata.format(at).as_str()));
        assert!(shown.ends_with(" IST"), "{shown}");
    }
    for other in ["Mars/Olympus", "%3Cscript%3E", ""] {
        let html = page(other).await;
        for (at, _, shown) in rows(&html) {
            assert_eq!(shown, format_utc(at), "{other}");
        }
    }
}

#[tokio::test]
async fn the_find_box_redirects_a_valid_id_and_explains_a_bad_one() {
    let app = TestApp::spawn().await;
    let res = app.http.send(app
        .http.client
        .get(format!("{}/recordings?meeting_id=%20{}%20", app.url, VENDOR_MEETING.to_uppercase()))
        .header("accept", "text/html"))
        .await;
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], format!("/meetings/{VENDOR_MEETING}/recordings"));
    let html = app.get("/recordings?meeting_id=12345").await.text().await.unwrap();
    assert!(html.contains("A meeting id has 24 characters; this one has 5."));
}

#[tokio::test]
async fn demo_mode_says_so_and_its_links_download() {
    let app = TestApp::spawn_demo().await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains("Demo mode"));
    let (status, body) = list(&app, VENDOR_MEETING).await;
    assert_eq!(status, 200);
    let rid = body["recordings"][0]["id"].as_str().unwrap();
    // A download passes the file through from /demo-files, on the dashboard's own origin.
    let res = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings/{rid}/download")).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with(&format!("attachment; filename=\"meeting-{VENDOR_MEETING}-")));
    assert_eq!(res.headers()["content-type"], "video/webm");
    assert!(res.bytes().await.unwrap().starts_with(&[0x1a, 0x45, 0xdf, 0xa3]), "a WebM file");
}

#[tokio::test]
async fn exports_the_table_as_csv_with_our_links_only() {
    let app = TestApp::spawn().await;
    let res = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings.csv")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains(&format!("recordings-{VENDOR_MEETING}.csv")));
    let csv = res.text().await.unwrap();
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.starts_with("recording_id,meeting_id,created_at"));
    let created = csv.lines().nth(1).unwrap().split(',').nth(2).unwrap();
    assert!(created.len() == 24 && created.ends_with(".000Z") && parse_iso8601_utc(created).is_some(), "ISO-8601 UTC in the file: {created}");
    assert!(csv.contains("6932e49ab470430179b26dcb"));
    assert!(csv.lines().next().unwrap().ends_with(",download"));
    assert!(csv.contains(&format!("{}/meetings/{VENDOR_MEETING}/recordings/6932e49ab470430179b26dcb/download\r\n", app.url)), "{csv}");
    assert!(!csv.contains("X-Amz-"));
    app.upstream.faults(Faults { status: Some(503), ..Default::default() });
    assert_eq!(app.get(&format!("/meetings/{VENDOR_MEETING}/recordings.csv")).await.status(), 503);
}

/// The recordings page asks for one page at a time; the summary still covers every recording.
#[tokio::test]
async fn the_page_endpoint_sorts_then_pages_and_summarises_all() {
    let app = TestApp::spawn().await;
    let id = "aaaaaaaaaaaaaaaaaaaa0120";
    app.upstream.mock.seed(id, 120);
    let page = |q: &str| {
        let url = format!("/api/recordings/page?meeting_id={id}{q}");
        let app = &app;
        async move { json(app.get(&url).await).await }
    };
    let (status, first) = page("&sort=size&dir=asc").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!((first["summary"]["count"].as_u64(), first["pages"].as_u64(), first["first_row"].as_u64()), (Some(120), Some(3), Some(1)));
    assert_eq!(first["rows"].as_array().unwrap().len(), 50);
    let (_, last) = page("&sort=size&dir=asc&page=3").await;
    assert_eq!((last["rows"].as_array().unwrap().len(), last["first_row"].as_u64()), (20, Some(101)));
    // Past the end shows the last page; junk shows the first, by date, newest first.
    let (_, past) = page("&sort=size&dir=asc&page=99").await;
    assert_eq!(past["view"]["page"], 3);
    assert_eq!(past["rows"], last["rows"]);
    let (status, junk) = page("&sort=colour&dir=sideways&page=minus-one").await;
    assert_eq!(status, 200);
    assert_eq!(junk["view"], serde_json::json!({"sort": "Created", "descending": true, "page": 1}));
    // Every recording on exactly one page, in order of size.
    let mut sizes = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for n in 1..=3 {
        let (_, p) = page(&format!("&sort=size&dir=asc&page={n}")).await;
        for r in p["rows"].as_array().unwrap() {
            sizes.push(r["size"].as_u64().unwrap());
            assert!(ids.insert(r["id"].as_str().unwrap().to_owned()), "{} twice", r["id"]);
        }
    }
    assert_eq!(ids.len(), 120);
    assert!(sizes.windows(2).all(|w| w[0] <= w[1]));
    // One vendor call per page view, each the whole list.
    let gets = app.upstream.mock.requests().into_iter().filter(|r| r.method == "GET").count();
    assert_eq!(gets, 7);
}

/// Without JavaScript the pager is plain links that keep the order.
#[tokio::test]
async fn the_server_rendered_page_shows_one_page_and_a_pager() {
    let app = TestApp::spawn().await;
    let id = "aaaaaaaaaaaaaaaaaaaa0121";
    app.upstream.mock.seed(id, 121);
    let html = app.get(&format!("/meetings/{id}/recordings?sort=duration&dir=asc&page=2")).await.text().await.unwrap();
    assert_eq!(html.matches(r#"<tr><td data-label="Recording"><code>"#).count(), 50, "50 rows on page 2");
    assert!(html.contains("121 recordings, total duration"), "the summary covers all");
    assert!(html.contains("Page 2 of 3 · Showing 51–100 of 121"));
    assert!(html.contains(r#"<a rel="prev" href="?sort=duration&amp;dir=asc">"#), "page 1 has the plain link");
    assert!(html.contains(r#"<a rel="next" href="?sort=duration&amp;dir=asc&amp;page=3">"#));
    // A new order starts again on page 1.
    assert!(html.contains(r#"href="?sort=size&amp;dir=desc""#));
    // Rows link to our own download address; no presigned link is in the page or its data.
    assert_eq!(html.matches("/download\"").count(), 50);
    assert!(!html.contains("X-Amz-"));
}

/// Readers who close the tab while the page still waits on the vendor: their renders are dropped
/// mid-way, and nothing on the server panics or stops serving.
#[tokio::test]
async fn readers_leaving_mid_render_panic_nothing() {
    logs::capture();
    let app = TestApp::spawn().await;
    let before = logs::server_panics();
    app.upstream.faults(Faults { latency_ms: 300, ..Default::default() });
    let path = format!("/meetings/{VENDOR_MEETING}/recordings");
    let cookie = app.http.cookie().unwrap();
    for _ in 0..5 {
        let req = app.http.client.get(format!("{}{path}", app.url)).header("cookie", &cookie);
        // Gone long before the vendor answers.
        let left = tokio::time::timeout(std::time::Duration::from_millis(50), req.send()).await;
        assert!(left.is_err(), "the page should still be waiting on the vendor");
    }
    // The vendor answers the abandoned renders now.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    app.upstream.faults(Faults::default());
    assert_eq!(app.get(&path).await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
    assert_eq!(logs::server_panics(), before, "no panic after readers left mid-render");
}
