//! Erasure cases over HTTP: bad input changes nothing; a case's meetings are deleted through a
//! batch that carries its reference; closing it lists each meeting again and keeps a signed
//! record that matches what the vendor saw; deadlines count on the manual clock.

use std::time::Duration;

use meeting_admin::domain::day_of_ms;
use meeting_admin::server::bulk::worker as bulk_worker;
use meeting_admin::server::deletions::worker as deletion_worker;
use meeting_admin::server::evidence::signed::{verify, DELETION_RECORD};
use serde_json::Value;

use crate::cli::console;
use crate::support::{Browser, TestApp, ADMIN, PASSWORD};

const DAY: Duration = Duration::from_secs(86_400);

fn meeting(n: usize) -> String {
    format!("{:024x}", 0xca5e_0000_0000_usize + n)
}

async fn post(b: &Browser, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let res = b.post_form(path, form).await;
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

fn field_error(body: &Value, field: &str) -> String {
    body["fields"].as_array().and_then(|f| f.iter().find(|e| e["field"] == field)).map(|e| e["message"].as_str().unwrap_or_default().to_owned()).unwrap_or_default()
}

async fn open(b: &Browser, reference: &str, received: &str, due: &str) -> (u16, Value) {
    post(b, "/api/cases/open", &[("form[reference]", reference), ("form[ground]", "a"), ("form[note]", ""), ("form[received]", received), ("form[verified]", ""), ("form[due]", due)]).await
}

async fn view(b: &Browser, id: i64) -> Value {
    b.get(&format!("/api/cases/get?case_id={id}")).await.json().await.unwrap()
}

async fn run_deletions(app: &TestApp) {
    for _ in 0..5 {
        bulk_worker::tick(&app.state.work()).await;
    }
    app.clock.advance(Duration::from_secs(11 * 60));
    for _ in 0..5 {
        deletion_worker::tick(&app.state.work()).await;
    }
}

fn today(app: &TestApp) -> jiff::civil::Date {
    day_of_ms(app.clock.now_ms())
}

#[tokio::test]
async fn bad_input_opens_or_adds_nothing_and_says_which_field() {
    let app = TestApp::spawn().await;
    let t = today(&app);
    let received = t.checked_sub(jiff::Span::new().days(3)).unwrap().to_string();
    let before = t.checked_sub(jiff::Span::new().days(4)).unwrap().to_string();
    let (status, body) = open(&app.http, "ZD-1", &received, &before).await;
    assert_eq!(status, 422);
    assert!(field_error(&body, "due").contains("cannot be before the day received"), "{body}");
    let (status, body) = open(&app.http, "ZD-\u{1b}[31m", &received, "").await;
    assert_eq!(status, 422);
    assert!(field_error(&body, "reference").contains("not allowed"), "{body}");
    let tomorrow = t.checked_add(jiff::Span::new().days(1)).unwrap().to_string();
    let (status, body) = open(&app.http, "ZD-1", &tomorrow, "").await;
    assert_eq!(status, 422);
    assert!(field_error(&body, "received").contains("after today"), "{body}");
    let list: Value = app.http.get("/api/cases/list?filter=all").await.json().await.unwrap();
    assert_eq!(list["cases"].as_array().unwrap().len(), 0, "nothing half-made");

    let (status, id) = open(&app.http, "ZD-1", &received, "").await;
    assert_eq!(status, 200, "{id}");
    let id = id.as_i64().unwrap();
    let (status, body) = open(&app.http, "ZD-1", &received, "").await;
    assert_eq!(status, 422);
    assert!(field_error(&body, "reference").contains(&format!("Case #{id} has this reference already")), "{body}");

    // One bad line adds none of the good ones.
    let (status, body) = post(&app.http, "/api/cases/add", &[("case_id", &id.to_string()), ("ids", &format!("{}\nnot-a-meeting", meeting(1)))]).await;
    assert_eq!(status, 422);
    assert!(field_error(&body, "ids").contains("nothing was added"), "{body}");
    assert_eq!(view(&app.http, id).await["meetings"].as_array().unwrap().len(), 0);
    // An uploaded file: the same rule, then its meetings added.
    let upload = |content: String| {
        let b = app.http.clone();
        let url = format!("{}/cases/{id}/upload", app.url);
        let origin = app.url.clone();
        async move {
            let body = format!("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ids.csv\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--XyZ--\r\n");
            let req = b.client.post(url).header("origin", origin).header("accept", "application/json").header("content-type", "multipart/form-data; boundary=XyZ").body(body);
            let res = b.send(req).await;
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, body) = upload(format!("meeting_id\n{}\nzz", meeting(1))).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(view(&app.http, id).await["meetings"].as_array().unwrap().len(), 0);
    let (status, body) = upload(format!("meeting_id,ticket\n{},ZD-1\n{},ZD-1\n", meeting(1), meeting(2))).await;
    assert_eq!((status, &body["added"]), (200, &Value::from(2)), "{body}");
    let v = view(&app.http, id).await;
    assert_eq!(v["meetings"][0]["source"], "uploaded");
    let (status, body) = post(&app.http, "/api/cases/add", &[("case_id", &id.to_string()), ("batch", "999")]).await;
    assert!(status == 422 && field_error(&body, "batch").contains("#999"), "{body}");

    // Extensions: once, two months at most, with a reason.
    let c = |what: &'static str, day: String, reason: &'static str| {
        let id = id.to_string();
        let b = app.http.clone();
        async move { post(&b, "/api/cases/change", &[("case_id", &id), ("what", what), ("day", &day), ("reason", reason)]).await }
    };
    let received_day: jiff::civil::Date = received.parse().unwrap();
    let too_far = received_day.checked_add(jiff::Span::new().months(3).days(1)).unwrap().to_string();
    let (status, body) = c("extend", too_far, "complex").await;
    assert!(status == 422 && field_error(&body, "to").contains("two more months at most"), "{body}");
    let ok = received_day.checked_add(jiff::Span::new().months(2)).unwrap().to_string();
    assert_eq!(c("extend", ok.clone(), "").await.0, 422, "a reason is required");
    assert_eq!(c("extend", ok.clone(), "many systems to search").await.0, 200);
    let (status, body) = c("extend", ok, "again").await;
    assert!(status == 422 && field_error(&body, "to").contains("one extension"), "{body}");
    let v = view(&app.http, id).await;
    assert_eq!(v["case"]["extension_reason"], "many systems to search");
    // Audited, each change.
    let audit: Value = app.http.get("/api/audit/search?filter[action]=change_case").await.json().await.unwrap();
    assert_eq!(audit["total"], 1, "{audit}");
}

#[tokio::test]
async fn a_case_deletes_its_meetings_and_its_signed_record_matches_what_the_vendor_saw() {
    let app = TestApp::spawn_with(&["--delete-grace", "10m"]).await;
    let (a, b, held) = (meeting(1), meeting(2), meeting(3));
    app.upstream.mock.seed(&a, 2);
    app.upstream.mock.seed(&b, 1);
    app.upstream.mock.seed(&held, 1);
    let listed_a: Vec<String> = app.upstream.mock.recordings(&a).into_iter().map(|r| r.id).collect();
    assert_eq!(post(&app.http, "/api/meetings/hold/place", &[("meeting_id", &held), ("reason", "litigation L-9")]).await.0, 200);
    let received = today(&app).checked_sub(jiff::Span::new().days(2)).unwrap().to_string();
    let (_, id) = open(&app.http, "DSAR-77", &received, "").await;
    let id = id.as_i64().unwrap();
    let sid = id.to_string();
    assert_eq!(post(&app.http, "/api/cases/add", &[("case_id", &sid), ("ids", &format!("{a}\n{b}"))]).await.0, 200);
    assert_eq!(post(&app.http, "/api/cases/add", &[("case_id", &sid), ("ids", &held)]).await.0, 200);
    let (status, batch) = post(&app.http, "/api/cases/request", &[("case_id", &sid)]).await;
    assert_eq!(status, 200, "{batch}");
    let v = view(&app.http, id).await;
    assert_eq!(v["case"]["state"], "in_progress");
    assert_eq!(v["unrequested"], 0);
    let (status, body) = post(&app.http, "/api/cases/request", &[("case_id", &sid)]).await;
    assert_eq!(status, 409, "nothing left to request: {body}");

    // Not closed while deletions run.
    for _ in 0..3 {
        bulk_worker::tick(&app.state.work()).await;
    }
    let (status, body) = post(&app.http, "/api/cases/close", &[("case_id", &sid)]).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("still under way"), "{body}");
    let page = app.http.get(&format!("/cases/{id}")).await;
    assert!(page.headers().get("refresh").is_some() || page.text().await.unwrap().contains("http-equiv=\"refresh\""), "the page follows the deletions");

    run_deletions(&app).await;
    let v = view(&app.http, id).await;
    assert_eq!(v["running"], 0, "{v}");
    // A request's page tells its story in the past tense.
    let rid = v["meetings"].as_array().unwrap().iter().find(|m| m["meeting_id"] == a.as_str()).unwrap()["result"]["request_id"].as_i64().unwrap();
    let page = app.http.get(&format!("/deletions/{rid}")).await.text().await.unwrap();
    assert!(page.contains("Timeline") && page.contains("Ran: ConnectyCube deleted 2 recordings"), "the request's timeline");
    // Every request carries the case's reference.
    let requests: Value = app.http.get("/api/deletions/list").await.json().await.unwrap();
    for r in requests["rows"].as_array().unwrap() {
        assert!(r["request"]["reason"].as_str().unwrap().contains("DSAR-77"), "{r}");
    }
    let (status, closed) = post(&app.http, "/api/cases/close", &[("case_id", &sid)]).await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(closed, "partly_done", "the held meeting keeps its recording");

    // The record: the file verifies with the server's key, and says what the vendor saw.
    let res = app.http.get(&format!("/cases/{id}/record.json")).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("deletion-record-DSAR-77.json"));
    let file = res.text().await.unwrap();
    let record = verify(&file, DELETION_RECORD, app.state.evidence.public()).unwrap();
    assert_eq!(record["case"]["reference"], "DSAR-77");
    assert_eq!(record["case"]["state"], "partly_done");
    let meetings = record["meetings"].as_array().unwrap();
    let of = |m: &str| meetings.iter().find(|x| x["meeting_id"] == m).unwrap().clone();
    let before: Vec<String> = of(&a)["listed_before_deletion"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(before, listed_a, "listed before: the vendor's own recordings of the meeting");
    assert_eq!(of(&a)["deletion"]["deleted_count"], 2);
    assert_eq!(of(&a)["deletion"]["requested_by"], ADMIN);
    assert_eq!(of(&a)["listed_after"]["recordings"].as_array().unwrap().len(), 0);
    assert_eq!(of(&held)["on_legal_hold"], true);
    assert_eq!(of(&held)["listed_after"]["recordings"].as_array().unwrap().len(), 1);
    assert_eq!(record["summary"]["recordings_deleted"], 3);
    assert!(!file.contains("X-Amz-Signature") && !file.contains("download_url") && !file.contains("https://"), "no link in the record");
    // What the vendor was asked: each deleted meeting once, the held one never.
    let deletes = |m: &str| app.upstream.mock.requests().iter().filter(|r| r.method == "DELETE" && r.path.ends_with(m)).count();
    assert_eq!((deletes(&a), deletes(&b), deletes(&held)), (1, 1, 0));

    // The console says valid, and names the reason for an edited file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("record.json");
    std::fs::write(&path, &file).unwrap();
    let (code, out) = console(&app.database_url, &["evidence", "verify", path.to_str().unwrap()], "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("valid: the deletion record for case DSAR-77"), "{out}");
    std::fs::write(&path, file.replace("\"recordings_deleted\": 3", "\"recordings_deleted\": 4")).unwrap();
    let (code, out) = console(&app.database_url, &["evidence", "verify", path.to_str().unwrap()], "");
    assert_eq!(code, 1);
    assert!(out.contains("changed after it was signed"), "{out}");

    // The printable page shows it; a closed case takes no more changes.
    let page = app.http.get(&format!("/cases/{id}/record")).await.text().await.unwrap();
    assert!(page.contains("Deletion record: case DSAR-77") && page.contains(&listed_a[0]), "the record page");
    let (status, _) = post(&app.http, "/api/cases/add", &[("case_id", &sid), ("ids", &meeting(9))]).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn deadlines_count_down_pause_and_show_on_the_list() {
    let app = TestApp::spawn().await;
    let received = today(&app).to_string();
    let (_, id) = open(&app.http, "ZD-500", &received, "").await;
    let id = id.as_i64().unwrap();
    let sid = id.to_string();
    let list = |f: &'static str| {
        let b = app.http.clone();
        async move {
            let l: Value = b.get(&format!("/api/cases/list?filter={f}")).await.json().await.unwrap();
            l["cases"].as_array().unwrap().iter().map(|c| c["reference"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
        }
    };
    assert_eq!(list("open").await, ["ZD-500"]);
    assert!(list("due_soon").await.is_empty());
    app.clock.advance(25 * DAY);
    assert_eq!(app.http.sign_in(ADMIN, PASSWORD).await.status(), 200);
    assert_eq!(list("due_soon").await, ["ZD-500"]);
    // Paused for 10 days: the deadline moves by them.
    let deadline = |v: &Value| v["case"]["due"].as_str().unwrap().parse::<jiff::civil::Date>().unwrap();
    let due = deadline(&view(&app.http, id).await);
    assert_eq!(post(&app.http, "/api/cases/change", &[("case_id", &sid), ("what", "pause"), ("reason", "waiting for ID")]).await.0, 200);
    app.clock.advance(10 * DAY);
    assert_eq!(app.http.sign_in(ADMIN, PASSWORD).await.status(), 200);
    assert!(list("overdue").await.is_empty(), "a paused case is not overdue");
    assert_eq!(post(&app.http, "/api/cases/change", &[("case_id", &sid), ("what", "resume")]).await.0, 200);
    let v = view(&app.http, id).await;
    assert_eq!(v["case"]["paused_days"], 10);
    assert_eq!(deadline(&v), due, "the due day stays; the deadline adds the pause");
    app.clock.advance(10 * DAY);
    assert_eq!(app.http.sign_in(ADMIN, PASSWORD).await.status(), 200);
    assert_eq!(list("overdue").await, ["ZD-500"]);
    let late = deadline(&v).checked_add(jiff::Span::new().days(10)).unwrap().until(today(&app)).unwrap().get_days();
    let page = app.http.get("/cases?filter=overdue").await.text().await.unwrap();
    assert!(page.contains(&format!("overdue by {late} day")), "the list says how late ({late} days)");
    // Refused: closed, with its reason, and nothing else may change it.
    assert_eq!(post(&app.http, "/api/cases/change", &[("case_id", &sid), ("what", "refuse"), ("reason", "manifestly unfounded")]).await.0, 200);
    assert_eq!(list("closed").await, ["ZD-500"]);
    assert_eq!(post(&app.http, "/api/cases/change", &[("case_id", &sid), ("what", "resume")]).await.0, 409);
}

#[tokio::test]
async fn the_webhook_is_reminded_once_when_a_case_is_due_soon_and_once_when_overdue() {
    use crate::support::webhook::{Answer, Hook};
    use meeting_admin::server::cases::reminders;
    let hook = Hook::start(Answer::Refuse).await;
    let app = TestApp::spawn_with(&["--approval-webhook-url", hook.url.as_str()]).await;
    let (_, id) = open(&app.http, "ZD-<!channel>", &today(&app).to_string(), "").await;
    assert!(id.is_i64(), "{id}");
    assert_eq!(reminders::tick(&app.state.work()).await.unwrap(), 0, "a month to go");
    let home = app.http.get("/").await.text().await.unwrap();
    assert!(!home.contains("Erasure cases due soon"));

    app.clock.advance(25 * DAY);
    assert_eq!(app.http.sign_in(ADMIN, PASSWORD).await.status(), 200);
    assert_eq!(reminders::tick(&app.state.work()).await.unwrap(), 0, "refused by the webhook");
    assert_eq!(hook.tries(), 1);
    hook.answer(Answer::Take);
    assert_eq!(reminders::tick(&app.state.work()).await.unwrap(), 1, "sent again once taken");
    let sent = hook.next(Duration::from_secs(5)).await.unwrap();
    let text = sent["text"].as_str().unwrap();
    assert!(text.starts_with("Erasure case due soon: ZD-&lt;!channel&gt; is due in"), "the reference is shown, not followed: {text}");
    assert!(text.contains(&format!("/cases/{id}")), "{text}");
    assert_eq!(reminders::tick(&app.state.work()).await.unwrap(), 0, "once");
    let home = app.http.get("/").await.text().await.unwrap();
    assert!(home.contains("Erasure cases due soon") && home.contains("ZD-&lt;!channel&gt;"), "the home page lists it");

    app.clock.advance(10 * DAY);
    assert_eq!(app.http.sign_in(ADMIN, PASSWORD).await.status(), 200);
    assert_eq!(reminders::tick(&app.state.work()).await.unwrap(), 1);
    let sent = hook.next(Duration::from_secs(5)).await.unwrap();
    assert!(sent["text"].as_str().unwrap().starts_with("Erasure case OVERDUE"), "{sent}");
    assert_eq!(reminders::tick(&app.state.work()).await.unwrap(), 0, "once");
    let audit: Value = app.http.get("/api/audit/search?filter[action]=case_reminder").await.json().await.unwrap();
    let outcomes: Vec<&str> = audit["entries"].as_array().unwrap().iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["succeeded", "succeeded", "failed"], "{audit}");
}
