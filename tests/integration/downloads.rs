//! Recordings reached through the dashboard: after an audit entry, a download passes the file
//! through named for people and a preview redirects to a fresh presigned link; sharing a link is its own audited action; no page, API
//! reply or CSV carries a presigned link; the home page lists what each person opened.

use meeting_admin::server::vendor::mock::Faults;
use serde_json::Value;

use crate::support::{database, Browser, TestApp, ADMIN, OPERATOR, VENDOR_MEETING, VIEWER};

const RECORDING: &str = "6932e49ab470430179b26dcb";

fn path(access: &str) -> String {
    format!("/meetings/{VENDOR_MEETING}/recordings/{RECORDING}/{access}")
}

async fn audit(app: &TestApp, action: &str) -> Vec<Value> {
    let res = app.get(&format!("/api/audit/search?filter[action]={action}")).await;
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap()["entries"].as_array().unwrap().clone()
}

async fn share(b: &Browser, recording: &str, note: &str) -> reqwest::Response {
    b.post_form("/api/recordings/share", &[("meeting_id", VENDOR_MEETING), ("recording_id", recording), ("note", note)]).await
}

fn shown_path(entry: i64) -> String {
    format!("/api/recordings/shared?meeting_id={VENDOR_MEETING}&recording_id={RECORDING}&entry={entry}")
}

#[tokio::test]
async fn a_download_is_audited_then_passed_through_named_for_people_never_cached() {
    let app = TestApp::spawn().await;
    let viewer = app.as_user(VIEWER).await;
    let res = viewer.send(viewer.client.get(format!("{}{}", viewer.base, path("download"))).header("accept-encoding", "br, gzip")).await;
    assert_eq!(res.status(), 200);
    let created = app.upstream.mock.recordings(VENDOR_MEETING).into_iter().find(|r| r.id == RECORDING).unwrap().created_unix();
    let meeting = meeting_admin::domain::MeetingId::parse(VENDOR_MEETING).unwrap();
    let name = meeting_admin::domain::download_name(&meeting, created, RECORDING, "webm");
    assert!(name.starts_with(&format!("meeting-{VENDOR_MEETING}-20")) && name.ends_with(".webm"), "{name}");
    assert_eq!(res.headers()["content-disposition"], format!("attachment; filename=\"{name}\"").as_str());
    assert_eq!(res.headers()["content-type"], "video/webm");
    assert!(res.headers().get("content-encoding").is_none(), "a recording is passed on as stored");
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    assert!(!format!("{:?}", res.headers()).contains("X-Amz-"), "the presigned link stays on the server");
    assert!(res.bytes().await.unwrap().starts_with(&[0x1a, 0x45, 0xdf, 0xa3]), "the file itself, a WebM");
    let e = &audit(&app, "download_recording").await[0];
    assert_eq!((e["username"].as_str(), e["role"].as_str(), e["outcome"].as_str()), (Some(VIEWER), Some("viewer"), Some("succeeded")));
    assert_eq!((e["meeting_id"].as_str(), e["detail"].as_str()), (Some(VENDOR_MEETING), Some(format!("recording {RECORDING}").as_str())));
    // Nobody signed in: off to sign in, and back here afterwards; nothing handed out.
    let res = app.anonymous().get(&path("download")).await;
    assert!(res.status().is_redirection());
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/sign-in?next=%2Fmeetings%2F"));
    assert_eq!(audit(&app, "download_recording").await.len(), 1);
}

#[tokio::test]
async fn previews_of_one_recording_by_one_person_share_an_entry() {
    let app = TestApp::spawn().await;
    let operator = app.as_user(OPERATOR).await;
    for b in [&app.http, &app.http, &app.http, &operator] {
        assert_eq!(b.get(&path("preview")).await.status(), 303);
    }
    let entries = audit(&app, "preview_recording").await;
    let who: Vec<_> = entries.iter().map(|e| e["username"].as_str().unwrap()).collect();
    assert_eq!(who, [OPERATOR, ADMIN], "one entry per person, newest first");
    // A download is never folded into a preview.
    assert_eq!(app.get(&path("download")).await.status(), 200);
    assert_eq!(audit(&app, "download_recording").await.len(), 1);
}

#[tokio::test]
async fn a_recording_gone_or_a_vendor_fault_gets_a_page_and_a_failed_entry() {
    let app = TestApp::spawn().await;
    let res = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings/6932e49ab470430179b26dff/download")).await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    assert!(html.contains("Download not started") && html.contains("is not among this meeting&#39;s recordings any more"), "{html}");
    assert!(html.contains(&format!("href=\"/meetings/{VENDOR_MEETING}/recordings\"")), "a way back");
    let e = &audit(&app, "download_recording").await[0];
    assert_eq!(e["outcome"], "failed");
    assert!(e["error"].as_str().unwrap().contains("not among this meeting"));

    for (fault, status, says) in [
        (Faults { status: Some(503), ..Default::default() }, 503, "ConnectyCube is unavailable"),
        (Faults { status: Some(429), retry_after: Some(7), ..Default::default() }, 429, "rate limiting us"),
        (Faults { status: Some(401), ..Default::default() }, 502, "refused our administration key"),
        (Faults { latency_ms: 1500, ..Default::default() }, 503, "no answer within"),
        (Faults { truncated: true, ..Default::default() }, 503, "broke off"),
    ] {
        app.upstream.faults(fault);
        let res = app.get(&path("preview")).await;
        assert_eq!(res.status(), status, "{says}");
        let html = res.text().await.unwrap();
        assert!(html.contains("Preview not started") && html.contains(says), "{says}: {html}");
        assert!(!html.contains("X-Amz-"));
    }
    app.upstream.faults(Faults::default());
    let previews = audit(&app, "preview_recording").await;
    assert_eq!(previews.len(), 5, "a failed preview covers nothing");
    assert!(previews.iter().all(|e| e["outcome"] == "failed"));
    // Ids are checked before anything is asked.
    let res = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings/..%2Fx/download")).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("A recording id uses only letters"));
}

#[tokio::test]
async fn nothing_is_handed_out_when_the_access_cannot_be_recorded() {
    let app = TestApp::spawn().await;
    // Every new audit entry refused, as a full disk or a revoked grant would.
    match database::is_postgres() {
        false => {
            let sql = "CREATE TRIGGER refuse_all BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END";
            meeting_admin::on_pool!(&app.db, pool => { sqlx::query(sql).execute(pool).await.unwrap(); });
        }
        true => {
            for sql in [
                "CREATE FUNCTION refuse_all() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
                "CREATE TRIGGER refuse_all BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_all()",
            ] {
                meeting_admin::on_pool!(&app.db, pool => { sqlx::query(sql).execute(pool).await.unwrap(); });
            }
        }
    }
    let lists_before = app.upstream.count("GET");
    let res = app.get(&path("download")).await;
    assert_eq!(res.status(), 503);
    assert!(res.headers().get("location").is_none());
    assert!(res.text().await.unwrap().contains("Nothing was handed out"));
    let res = share(&app.http, RECORDING, "").await;
    assert_eq!(res.status(), 503);
    assert_eq!(app.upstream.count("GET"), lists_before, "the vendor was not even asked");
}

#[tokio::test]
async fn sharing_is_for_operators_audited_with_its_note_and_shown_only_to_the_sharer() {
    let app = TestApp::spawn().await;
    let viewer = app.as_user(VIEWER).await;
    let operator = app.as_user(OPERATOR).await;
    let res = share(&viewer, RECORDING, "for the customer").await;
    assert_eq!(res.status(), 403);
    assert_eq!(audit(&app, "denied").await[0]["username"], VIEWER);
    assert!(audit(&app, "share_recording_link").await.is_empty());

    let res = share(&operator, RECORDING, &"x".repeat(501)).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<Value>().await.unwrap()["fields"][0]["field"], "note");
    let res = share(&operator, RECORDING, "ACC-1234 for Jane at Acme").await;
    assert_eq!(res.status(), 200);
    let entry = res.json::<Value>().await.unwrap()["entry"].as_i64().unwrap();
    let e = &audit(&app, "share_recording_link").await[0];
    assert_eq!(e["id"].as_i64(), Some(entry));
    assert_eq!((e["username"].as_str(), e["reason"].as_str(), e["outcome"].as_str()), (Some(OPERATOR), Some("ACC-1234 for Jane at Acme"), Some("succeeded")));

    // The reply for the sharer carries the link and its expiry; nobody else gets it.
    let res = operator.get(&shown_path(entry)).await;
    assert_eq!(res.status(), 200);
    // A bearer link: no cache keeps it, the browser's own included.
    assert_eq!(res.headers()["cache-control"], "no-store");
    let shown: Value = res.json().await.unwrap();
    assert_eq!(shown["url"].as_str(), Some(app.upstream.mock.recordings(VENDOR_MEETING)[0].download_url.as_str()));
    assert!(shown["expires_at"].as_i64().unwrap() > shown["fetched_at"].as_i64().unwrap() + 6 * 86_400);
    let page = operator.get(&format!("{}?shared={entry}", path("share"))).await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    let page = page.text().await.unwrap();
    assert!(page.contains("Link shared") && page.contains("X-Amz-Signature"), "the share page shows it");
    let res = app.get(&shown_path(entry)).await;
    assert_eq!(res.status(), 404, "an admin who did not share it does not see it");
    assert_eq!(res.json::<Value>().await.unwrap()["kind"], "share_no_longer_shown");
    assert_eq!(viewer.get(&shown_path(entry)).await.status(), 403);
    assert_eq!(operator.get(&shown_path(entry + 1000)).await.status(), 404);
    let other = format!("/api/recordings/shared?meeting_id={VENDOR_MEETING}&recording_id=6932e49ab470430179b26dcc&entry={entry}");
    assert_eq!(operator.get(&other).await.status(), 404, "the entry names another recording");

    // A share made long ago is not shown again.
    let sql = "INSERT INTO audit_log (at_ms, username, role, sign_in_method, client_addr, action, meeting_id, detail, request_id, outcome) \
               VALUES ($1, $2, 'operator', 'password', '127.0.0.1', 'share_recording_link', $3, $4, 'old', 'succeeded') RETURNING id";
    let old_ms = app.clock.now_ms() - 16 * 60_000;
    let old: i64 = meeting_admin::on_pool!(&app.db, pool => sqlx::query_scalar(sql)
        .bind(old_ms).bind(OPERATOR).bind(VENDOR_MEETING).bind(format!("recording {RECORDING}"))
        .fetch_one(pool).await.unwrap());
    assert_eq!(operator.get(&shown_path(old)).await.status(), 404);

    // Sharing a recording that is gone fails plainly, and says so in the log.
    let res = share(&operator, "6932e49ab470430179b26dff", "").await;
    assert_eq!(res.status(), 404);
    assert_eq!(audit(&app, "share_recording_link").await[0]["outcome"], "failed");
}

#[tokio::test]
async fn no_response_but_the_redirect_and_the_share_carries_a_presigned_link() {
    let app = TestApp::spawn().await;
    let id = "aaaaaaaaaaaaaaaaaaaa0063";
    app.upstream.mock.seed(id, 63);
    let operator = app.as_user(OPERATOR).await;
    let entry = share(&operator, RECORDING, "").await.json::<Value>().await.unwrap()["entry"].as_i64().unwrap();
    assert_eq!(app.get(&path("download")).await.status(), 200);
    assert_eq!(app.get(&path("preview")).await.status(), 303);
    let pages = [
        "/".to_owned(),
        format!("/meetings/{VENDOR_MEETING}/recordings"),
        format!("/meetings/{id}/recordings?sort=size&dir=asc&page=2"),
        format!("/meetings/{VENDOR_MEETING}/recordings/delete"),
        format!("/meetings/{VENDOR_MEETING}/recordings.csv"),
        format!("/meetings/{id}/recordings.csv"),
        format!("/api/recordings/list?meeting_id={VENDOR_MEETING}"),
        format!("/api/recordings/page?meeting_id={id}"),
        format!("/api/audit/meeting?meeting_id={VENDOR_MEETING}"),
        "/audit".to_owned(),
        "/audit.csv".to_owned(),
        path("share"),
        format!("{}?shared={entry}", path("share")),
    ];
    for p in &pages {
        let res = app.get(p).await;
        // An admin did not make that share, so its page says so (404) and shows no link.
        assert!(res.status().is_success() || p.contains("shared="), "{p}: {}", res.status());
        let headers = format!("{:?}", res.headers());
        let body = res.text().await.unwrap();
        assert!(!body.contains("X-Amz-") && !headers.contains("X-Amz-"), "{p} carries a presigned link");
    }
    // The one page that shows a link shows it to its sharer alone (above, an admin saw none).
    let mine = operator.get(&format!("{}?shared={entry}", path("share"))).await.text().await.unwrap();
    assert!(mine.contains("X-Amz-Signature"));
}

#[tokio::test]
async fn history_and_the_audit_filter_show_who_opened_what() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get(&path("download")).await.status(), 200);
    assert_eq!(app.get(&path("preview")).await.status(), 303);
    let history: Value = app.get(&format!("/api/audit/meeting?meeting_id={VENDOR_MEETING}")).await.json().await.unwrap();
    let actions: Vec<_> = history.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["preview_recording", "download_recording"]);
    let html = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings")).await.text().await.unwrap();
    assert!(html.contains("Preview recording") && html.contains(&format!("recording {RECORDING}")), "the meeting's history names them");
    let html = app.get("/audit?action=download_recording").await.text().await.unwrap();
    assert!(html.contains(r#"<option value="download_recording" selected"#) || html.contains("Download recording"));
    assert_eq!(audit(&app, "download_recording").await.len(), 1);
}

#[tokio::test]
async fn the_home_page_lists_the_meetings_each_person_opened() {
    let app = TestApp::spawn().await;
    let other = "aaaaaaaaaaaaaaaaaaaa0002";
    app.upstream.mock.seed(other, 2);
    let created: Value = app.post_form("/api/meetings/create", &crate::support::create_form("Weekly sync").iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await.json().await.unwrap();
    let made_here = created["meeting_id"].as_str().unwrap().to_owned();
    let opened = |b: &Browser| {
        let b = b.clone();
        async move { b.get("/api/meetings/opened").await.json::<Value>().await.unwrap().as_array().unwrap().clone() }
    };
    assert!(opened(&app.http).await.is_empty());
    for id in [VENDOR_MEETING, other, made_here.as_str(), VENDOR_MEETING] {
        assert_eq!(app.get(&format!("/meetings/{id}/recordings")).await.status(), 200);
        // Opened in separate moments (the list is ordered by time).
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let list = opened(&app.http).await;
    let ids: Vec<_> = list.iter().map(|m| m["meeting_id"].as_str().unwrap()).collect();
    // One row per meeting; opened again within a minute, a meeting keeps its place.
    assert_eq!(ids, [made_here.as_str(), other, VENDOR_MEETING]);
    assert_eq!(list[0]["name"], "Weekly sync", "named when it was created here");
    assert!(list[1]["name"].is_null());
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains("Opened recently") && home.contains(&format!("href=\"/meetings/{other}/recordings\"")));
    // Someone else's list is their own.
    let viewer = app.as_user(VIEWER).await;
    assert!(opened(&viewer).await.is_empty());
    // A bad id or a vendor failure is not "opened".
    app.upstream.faults(Faults { status: Some(503), ..Default::default() });
    viewer.get("/meetings/bbbbbbbbbbbbbbbbbbbb0001/recordings").await;
    app.upstream.faults(Faults::default());
    viewer.get("/meetings/nothex/recordings").await;
    assert!(opened(&viewer).await.is_empty());
}

#[tokio::test]
async fn each_person_keeps_their_newest_twenty() {
    let app = TestApp::spawn().await;
    for i in 0..23 {
        let id = format!("cccccccccccccccccccc{i:04}");
        assert_eq!(app.get(&format!("/meetings/{id}/recordings")).await.status(), 200);
        // Each in a millisecond of its own, as the list is ordered by the time of opening.
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let rows: i64 = meeting_admin::on_pool!(&app.db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM opened_meetings").fetch_one(pool).await.unwrap());
    assert_eq!(rows, 20);
    let list: Value = app.get("/api/meetings/opened").await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 10, "the home page shows ten");
    assert_eq!(list[0]["meeting_id"], "cccccccccccccccccccc0022");
}

/// A link on another site's page is a GET the visitor's browser sends with their session
/// (`SameSite=Lax`): a download opened that way hands nothing out and records nothing, and a
/// recordings page opened that way is shown but not put on the person's list.
#[tokio::test]
async fn what_another_sites_link_opens_writes_nothing() {
    let app = TestApp::spawn().await;
    let from = |site: &'static str, path: String| {
        let b = app.http.clone();
        let url = format!("{}{path}", app.url);
        async move { b.send(b.client.get(url).header("sec-fetch-site", site)).await }
    };
    let res = from("cross-site", path("download")).await;
    assert_eq!(res.status(), 403);
    let html = res.text().await.unwrap();
    assert!(html.contains("opened from another site") && html.contains(&format!("href=\"{}\"", path("download"))), "{html}");
    assert!(audit(&app, "download_recording").await.is_empty(), "nothing recorded");
    assert_eq!(from("cross-site", path("preview")).await.status(), 403);
    // The page's own link, or a typed address, goes ahead.
    assert_eq!(from("same-origin", path("download")).await.status(), 200);
    assert_eq!(from("none", path("download")).await.status(), 200);
    assert_eq!(audit(&app, "download_recording").await.len(), 2);

    assert_eq!(from("cross-site", format!("/meetings/{VENDOR_MEETING}/recordings")).await.status(), 200);
    let opened: Value = app.get("/api/meetings/opened").await.json().await.unwrap();
    assert_eq!(opened, serde_json::json!([]), "not on the list");
    assert_eq!(from("same-origin", format!("/meetings/{VENDOR_MEETING}/recordings")).await.status(), 200);
    let opened: Value = app.get("/api/meetings/opened").await.json().await.unwrap();
    assert_eq!(opened.as_array().map(Vec::len), Some(1));
}

/// A storage on loopback that answers every request with its headers and a first chunk, then
/// sends nothing more (or, with `answer: false`, never answers at all).
async fn stalling_storage(answer: bool) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 2048];
                let _ = socket.read(&mut buf).await;
                if answer {
                    let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: video/webm\r\ncontent-length: 1000\r\n\r\nfirst").await;
                }
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            });
        }
    });
    format!("http://{addr}")
}

/// The relay's limits: so many at once (one more is refused at once, not queued), an answer
/// within a stated time, and a storage that stops sending ends the download as failed and
/// gives its slot back; links off the storage are never fetched.
#[tokio::test]
async fn the_relay_keeps_its_stated_limits() {
    use meeting_admin::server::recordings::relay::{Limits, Relay, RelayError};
    use std::time::{Duration, Instant};
    let stated = Limits::STATED;
    assert_eq!((stated.at_once, stated.answer_within.as_secs(), stated.stall.as_secs()), (8, 20, 60), "as the module and README say");
    let storage = stalling_storage(true).await;
    let limits = Limits { at_once: 2, answer_within: Duration::from_secs(2), stall: Duration::from_millis(300) };
    let relay = Relay::new(&[storage.clone()], limits).unwrap();
    let first = relay.fetch(&format!("{storage}/a"), None).await.unwrap();
    let _second = relay.fetch(&format!("{storage}/b"), None).await.unwrap();
    assert!(matches!(relay.fetch(&format!("{storage}/c"), None).await, Err(RelayError::Busy)), "a third is refused while two run");
    let started = Instant::now();
    assert!(axum::body::to_bytes(first.body, usize::MAX).await.is_err(), "a stalled body ends in an error, not as a short file");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(relay.fetch(&format!("{storage}/d"), None).await.is_ok(), "the stalled one gave its slot back");
    for off in ["http://10.1.2.3/x", "https://example.com/x", "file:///etc/passwd", "not a link"] {
        assert!(matches!(relay.fetch(off, None).await, Err(RelayError::NotStorage)), "{off}");
    }
    let silent = stalling_storage(false).await;
    let relay = Relay::new(&[silent.clone()], limits).unwrap();
    let started = Instant::now();
    assert!(matches!(relay.fetch(&format!("{silent}/x"), None).await, Err(RelayError::Unreachable(_))));
    assert!(started.elapsed() < Duration::from_secs(5), "no answer within the stated time");
}

/// A download whose storage refuses the file gets a page saying so and a failed audit entry;
/// the presigned link is in neither.
#[tokio::test]
async fn a_refused_file_gets_a_page_and_a_failed_entry() {
    let app = TestApp::spawn().await;
    let mut recs = app.upstream.mock.raw_recordings(VENDOR_MEETING);
    let link = recs[0]["download_url"].as_str().unwrap().to_owned();
    // Expired an hour ago, so the storage answers 403.
    recs[0]["download_url"] = Value::String(link.replace("X-Amz-Expires=604800", "X-Amz-Expires=1"));
    let rid = recs[0]["_id"].as_str().unwrap().to_owned();
    app.upstream.mock.put_raw_recordings(VENDOR_MEETING, recs);
    let res = app.get(&format!("/meetings/{VENDOR_MEETING}/recordings/{rid}/download")).await;
    assert_eq!(res.status(), 502);
    let html = res.text().await.unwrap();
    assert!(html.contains("storage refused the file (HTTP 403)"), "{html}");
    assert!(!html.contains("X-Amz-"));
    let e = &audit(&app, "download_recording").await[0];
    assert_eq!(e["outcome"], "failed");
    assert!(!e.to_string().contains("X-Amz-"));
}
