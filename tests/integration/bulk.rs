//! Bulk work: a list checked into a draft batch, looked up, requested with one reason; a result
//! per meeting; faults, crashes between steps and two replicas; approval of a whole batch.

use std::collections::HashMap;
use std::time::Duration;

use meeting_admin::domain::Role;
use meeting_admin::server::auth::users::{self, Username};
use meeting_admin::server::bulk::{claims as bulk_claims, worker as bulk_worker};
use meeting_admin::server::deletions::{store as deletion_store, worker as deletion_worker};
use meeting_admin::server::vendor::mock::Faults;
use serde_json::Value;

use crate::support::webhook::{Answer, Hook};
use crate::support::{database, visible_text, Browser, Mock, Replicas, TestApp, OPERATOR, PASSWORD};

const GRACE: &[&str] = &["--delete-grace", "10m"];

fn meeting(n: usize) -> String {
    format!("{:024x}", 0xb0_0000_0000_usize + n)
}

async fn create(b: &Browser, text: &str) -> (u16, Value) {
    let res = b.post_form("/api/bulk/create", &[("ids", text)]).await;
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

async fn batch(b: &Browser, id: i64) -> Value {
    b.get(&format!("/api/bulk/one?batch_id={id}")).await.json().await.unwrap()
}

/// What the batch page polls while work goes on (`bulk_progress`).
async fn progress(b: &Browser, id: i64) -> String {
    b.get(&format!("/api/bulk/progress?batch_id={id}")).await.json().await.unwrap()
}

async fn post(b: &Browser, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let res = b.post_form(path, form).await;
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

/// Runs the bulk worker until it finds nothing to do (moving the clock past any back-off).
async fn settle(app: &TestApp) {
    for _ in 0..20 {
        let t = bulk_worker::tick(&app.state.work()).await;
        if t.looked_up == 0 && t.requested == 0 {
            // Looked-up items waiting out a back-off or a rate limit: move past it and look again.
            app.clock.advance(Duration::from_secs(31));
            let t = bulk_worker::tick(&app.state.work()).await;
            if t.looked_up == 0 && t.requested == 0 {
                return;
            }
        }
    }
}

fn results(view: &Value) -> HashMap<String, String> {
    view["items"].as_array().unwrap().iter().map(|i| (i["meeting_id"].as_str().unwrap().to_owned(), result_key(i, view))).collect()
}

/// What the page shows for a row, by the domain's own rule.
fn result_key(item: &Value, view: &Value) -> String {
    let item: meeting_admin::domain::BulkItem = serde_json::from_value(item.clone()).unwrap();
    item.result(!view["batch"]["requested_at_ms"].is_null()).key().to_owned()
}

fn carried_out_deletes(mock: &Mock) -> HashMap<String, usize> {
    let mut by_meeting = HashMap::new();
    for r in mock.mock.requests().into_iter().filter(|r| r.method == "DELETE" && !r.faulted) {
        *by_meeting.entry(r.path.rsplit('/').next().unwrap().to_owned()).or_insert(0) += 1;
    }
    by_meeting
}

#[tokio::test]
async fn a_list_is_checked_then_looked_up_then_requested_and_every_meeting_gets_its_result() {
    let app = TestApp::spawn_with(GRACE).await;
    for n in 1..=4 {
        app.upstream.mock.seed(&meeting(n), 2);
    }
    app.upstream.mock.seed(&meeting(5), 0);
    // Held: listed, looked up, skipped.
    let res = app.post_form("/api/meetings/hold/place", &[("meeting_id", &meeting(4)), ("reason", "litigation L-7")]).await;
    assert_eq!(res.status(), 200);
    let text = format!("Erasure request\n{}, {}\n{} not-an-id\n{}\n\n{}\n{}\n", meeting(1), meeting(2), meeting(3), meeting(1), meeting(4), meeting(5));
    let (status, body) = create(&app.http, &text).await;
    assert_eq!(status, 200, "{body}");
    let id = body["batch_id"].as_i64().unwrap();
    assert_eq!(body["meetings"], 5);
    assert_eq!(body["problems"].as_array().unwrap().len(), 2, "{body}");

    // Checked, nothing asked of the vendor yet.
    let view = batch(&app.http, id).await;
    assert_eq!(view["phase"], "draft");
    assert_eq!(app.upstream.count("GET"), 0);
    let problems: Vec<String> = view["batch"]["problems"].as_array().unwrap().iter().map(|p| p["kind"].as_str().unwrap().to_owned()).collect();
    assert_eq!(problems, ["invalid", "duplicate"]);
    // A request before the look-up is refused.
    let (status, _) = post(&app.http, "/api/bulk/request", &[("batch_id", &id.to_string()), ("reason", "too early")]).await;
    assert_eq!(status, 409);

    let drafted = progress(&app.http, id).await;
    assert_eq!(post(&app.http, "/api/bulk/start", &[("batch_id", &id.to_string())]).await.0, 200);
    assert_eq!(batch(&app.http, id).await["phase"], "looking_up");
    let looking = progress(&app.http, id).await;
    assert_ne!(looking, drafted, "a page following the batch sees it move on");
    settle(&app).await;
    let view = batch(&app.http, id).await;
    assert_eq!(view["phase"], "ready");
    assert_ne!(progress(&app.http, id).await, looking);
    assert_eq!(app.upstream.count("GET"), 5, "each meeting looked up once");
    assert_eq!(view["totals"]["with_recordings"], 4);
    assert_eq!(view["totals"]["recordings"], 8);
    assert_eq!(view["totals"]["held"], 1);

    // A viewer may not, and a reason is required.
    let vera = app.as_user(crate::support::VIEWER).await;
    assert_eq!(post(&vera, "/api/bulk/request", &[("batch_id", &id.to_string()), ("reason", "x")]).await.0, 403);
    let (status, body) = post(&app.http, "/api/bulk/request", &[("batch_id", &id.to_string()), ("reason", " ")]).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = post(&app.http, "/api/bulk/request", &[("batch_id", &id.to_string()), ("reason", "GDPR-881 erasure")]).await;
    assert_eq!(status, 200, "{body}");
    // Once only.
    assert_eq!(post(&app.http, "/api/bulk/request", &[("batch_id", &id.to_string()), ("reason", "again")]).await.0, 409);
    settle(&app).await;
    let view = batch(&app.http, id).await;
    let r = results(&view);
    assert_eq!(r[&meeting(1)], "scheduled");
    assert_eq!(r[&meeting(4)], "on_hold");
    assert_eq!(r[&meeting(5)], "nothing_to_delete");
    assert_eq!(view["phase"], "running");
    assert_eq!(view["cancellable"], 3);
    // Each scheduled row says when it runs.
    let html = app.get(&format!("/bulk/{id}")).await.text().await.unwrap();
    let countdowns: Vec<String> = html.split(r#"<span class="countdown">"#).skip(1).map(|rest| visible_text(rest.split("</span>").next().unwrap())).collect();
    assert_eq!(countdowns.len(), 3, "a countdown per scheduled meeting: {html}");
    for c in countdowns {
        assert!(c.ends_with(" UTC (in 10 min)") || c.ends_with(" UTC (in 9 min)"), "{c}");
    }

    // The grace period passes; the deletion worker runs them as any other request.
    app.clock.advance(Duration::from_secs(601));
    deletion_worker::tick(&app.state.work()).await;
    let view = batch(&app.http, id).await;
    let r = results(&view);
    for n in 1..=3 {
        assert_eq!(r[&meeting(n)], "deleted", "{view}");
    }
    assert_eq!(view["phase"], "finished");
    assert_eq!(view["totals"]["deleted_recordings"], 6);
    assert_eq!(carried_out_deletes(&app.upstream).len(), 3);

    // The CSV: every meeting, and the lines not taken.
    let csv = app.get(&format!("/bulk/{id}/results.csv")).await.text().await.unwrap();
    assert_eq!(csv.lines().count(), 1 + 5 + 2, "{csv}");
    assert!(csv.contains(&format!("{},deleted,deleted 2", meeting(1))), "{csv}");
    assert!(csv.contains("on_hold,on legal hold: skipped"), "{csv}");
    assert!(csv.contains(",not_a_meeting_id,"), "{csv}");

    // Audit: the batch with its reason, and each meeting's own story.
    let found: Value = app.get("/api/audit/search?filter[action]=request_bulk_deletion").await.json().await.unwrap();
    assert_eq!(found["entries"][0]["reason"], "GDPR-881 erasure");
    assert!(found["entries"][0]["detail"].as_str().unwrap().contains(&format!("batch #{id}: 5 meetings")));
    let history: Value = app.get(&format!("/api/audit/search?filter[meeting_id]={}", meeting(1))).await.json().await.unwrap();
    let actions: Vec<&str> = history["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["delete_recordings", "request_deletion"], "{history}");
    let held: Value = app.get(&format!("/api/audit/search?filter[meeting_id]={}&filter[action]=request_deletion", meeting(4))).await.json().await.unwrap();
    assert_eq!(held["entries"][0]["outcome"], "refused");
}

#[tokio::test]
async fn bad_lists_are_refused_with_what_to_fix() {
    let app = TestApp::spawn().await;
    let (status, body) = create(&app.http, " \n ").await;
    assert_eq!(status, 422);
    assert!(body["fields"][0]["message"].as_str().unwrap().starts_with("Paste meeting ids"), "{body}");
    // Only bad lines: kept as a draft that says why it cannot start.
    let (status, body) = create(&app.http, "6932e0f8652986\nhello 12").await;
    assert_eq!(status, 200);
    let id = body["batch_id"].as_i64().unwrap();
    let view = batch(&app.http, id).await;
    assert!(view["refusal"].as_str().unwrap().starts_with("No meeting id found"), "{view}");
    assert_eq!(post(&app.http, "/api/bulk/start", &[("batch_id", &id.to_string())]).await.0, 422);
    // Too many.
    let many: String = (0..501).map(|n| format!("{}\n", meeting(n))).collect();
    let (_, body) = create(&app.http, &many).await;
    assert!(body["refusal"].as_str().unwrap().contains("501 meetings"), "{body}");
    // An operator may not do bulk work at all.
    let otto = app.as_user(OPERATOR).await;
    assert_eq!(create(&otto, &meeting(1)).await.0, 403);
    // Seen before: the second batch says the meeting was in the first.
    let (_, first) = create(&app.http, &meeting(9)).await;
    let (_, second) = create(&app.http, &meeting(9)).await;
    let view = batch(&app.http, second["batch_id"].as_i64().unwrap()).await;
    assert_eq!(view["items"][0]["note"], format!("also in batch #{}", first["batch_id"]));
    assert_eq!(app.get("/api/bulk/one?batch_id=999999").await.status(), 404);
}

/// 200 meetings while one vendor call in ten fails, a different way each round: every meeting
/// ends with a stated result and the vendor carries out at most one DELETE per meeting.
#[tokio::test]
async fn two_hundred_meetings_under_rotating_faults_each_end_with_a_result_and_one_delete_at_most() {
    const N: usize = 200;
    let app = TestApp::spawn_with(&["--delete-grace", "0"]).await;
    for n in 0..N {
        app.upstream.mock.seed(&meeting(n), 1 + n % 2);
    }
    let text: String = (0..N).map(|n| format!("{}\n", meeting(n))).collect();
    let id = create(&app.http, &text).await.1["batch_id"].as_i64().unwrap();
    let faults = [
        Faults { status: Some(503), one_in: Some(10), ..Faults::default() },
        Faults { status: Some(429), retry_after: Some(1), one_in: Some(10), ..Faults::default() },
        Faults { drop_connection: true, one_in: Some(10), ..Faults::default() },
        Faults { status: Some(500), one_in: Some(10), ..Faults::default() },
        Faults { truncated: true, one_in: Some(10), ..Faults::default() },
        Faults { latency_ms: 1_200, one_in: Some(10), ..Faults::default() },
    ];
    app.upstream.faults(faults[0].clone());
    assert_eq!(post(&app.http, "/api/bulk/start", &[("batch_id", &id.to_string())]).await.0, 200);
    let mut round = 0;
    while batch(&app.http, id).await["phase"] == "looking_up" {
        app.upstream.faults(faults[round % faults.len()].clone());
        bulk_worker::tick(&app.state.work()).await;
        app.clock.advance(Duration::from_secs(31));
        round += 1;
        assert!(round < 30, "the look-up never finished");
    }
    let (status, body) = post(&app.http, "/api/bulk/request", &[("batch_id", &id.to_string()), ("reason", "clean-up CU-12")]).await;
    assert_eq!(status, 200, "{body}");
    let mut view = batch(&app.http, id).await;
    while view["phase"] != "finished" {
        app.upstream.faults(faults[round % faults.len()].clone());
        bulk_worker::tick(&app.state.work()).await;
        deletion_worker::tick(&app.state.work()).await;
        app.clock.advance(Duration::from_secs(601));
        round += 1;
        assert!(round < 80, "the batch never finished: {}", view["totals"]);
        view = batch(&app.http, id).await;
    }
    app.upstream.faults(Faults::default());
    let r = results(&view);
    assert_eq!(r.len(), N);
    let mut by_result: HashMap<&str, usize> = HashMap::new();
    for key in r.values() {
        *by_result.entry(key.as_str()).or_default() += 1;
        assert!(["deleted", "failed", "unknown", "changed", "lookup_failed"].contains(&key.as_str()), "unexpected result {key}");
    }
    println!("200 meetings under rotating faults, {round} rounds: {by_result:?}");
    assert!(by_result["deleted"] > N / 2, "{by_result:?}");
    let deletes = carried_out_deletes(&app.upstream);
    assert!(deletes.values().all(|n| *n == 1), "a DELETE carried out twice: {deletes:?}");
    // Every meeting the page calls deleted is gone at the vendor.
    for (m, key) in &r {
        if key == "deleted" {
            assert!(app.upstream.mock.recordings(m).is_empty(), "{m} reads deleted but still has recordings");
        }
    }
    // The failed ones go into a new batch, looked up at once, with the first reason suggested.
    let retryable = view["totals"]["retryable"].as_u64().unwrap();
    if retryable > 0 {
        let (status, body) = post(&app.http, "/api/bulk/retry", &[("batch_id", &id.to_string())]).await;
        assert_eq!(status, 200, "{body}");
        let retry = batch(&app.http, body.as_i64().unwrap()).await;
        assert_eq!(retry["items"].as_array().unwrap().len() as u64, retryable);
        assert_eq!(retry["batch"]["retry_of"], id);
        assert_eq!(retry["suggested_reason"], "clean-up CU-12");
        assert_eq!(retry["phase"], "looking_up");
    }
}

/// A worker stopped between any two steps: after its lease runs out another finishes the
/// step, and nothing is done twice (the request made before the stop is adopted).
#[tokio::test]
async fn a_worker_stopped_mid_step_is_taken_over_without_doing_anything_twice() {
    let app = TestApp::spawn_with(GRACE).await;
    for n in 0..3 {
        app.upstream.mock.seed(&meeting(n), 1);
    }
    let text: String = (0..3).map(|n| format!("{}\n", meeting(n))).collect();
    let id = create(&app.http, &text).await.1["batch_id"].as_i64().unwrap();
    post(&app.http, "/api/bulk/start", &[("batch_id", &id.to_string())]).await;
    let now = app.clock.now_ms();
    // A replica claims every look-up, then is gone.
    let claimed = bulk_claims::claim_lookups(&app.db, "dead-replica", now, now + 30_000, 10).await.unwrap();
    assert_eq!((claimed.items.len(), claimed.taken_over), (3, 0));
    assert_eq!(bulk_worker::tick(&app.state.work()).await.looked_up, 0, "held by the lease");
    app.clock.advance(Duration::from_secs(31));
    settle(&app).await;
    assert_eq!(batch(&app.http, id).await["phase"], "ready");
    let taken_over = r#"meeting_admin_leases_taken_over_total{queue="bulk_items"}"#;
    assert_eq!(app.metrics().await.value(taken_over), 3.0, "the stopped replica's look-ups");

    post(&app.http, "/api/bulk/request", &[("batch_id", &id.to_string()), ("reason", "crash test")]).await;
    // A replica claims the requests, makes the first one's deletion request, and stops before
    // writing the outcome.
    let now = app.clock.now_ms();
    let items = bulk_claims::claim_requests(&app.db, "dead-replica", now, now + 30_000, 10).await.unwrap().items;
    assert_eq!(items.len(), 3);
    let first = bulk_claims::to_request(&app.db, items[0]).await.unwrap().unwrap();
    let staff = first.requester.clone();
    let made = deletion_store::create(
        &app.db,
        &deletion_store::NewRequest {
            meeting_id: first.meeting_id.clone(),
            reason: first.reason.clone(),
            expected_count: 1,
            fingerprint: Some(first.summary.fingerprint.clone()),
            total_size: None,
            first_created: None,
            last_created: None,
            requester: staff,
            requested_addr: "127.0.0.1".into(),
            now_ms: now,
            start: deletion_store::Start::Scheduled { due_at_ms: now + 600_000 },
            batch_id: Some(id),
        },
    )
    .await
    .unwrap();
    assert_eq!(bulk_worker::tick(&app.state.work()).await.requested, 0, "held by the lease");
    app.clock.advance(Duration::from_secs(31));
    settle(&app).await;
    let view = batch(&app.http, id).await;
    let adopted = view["items"].as_array().unwrap().iter().find(|i| i["meeting_id"] == first.meeting_id.as_str()).unwrap();
    assert_eq!(adopted["request"]["id"], made, "the request made before the stop is the meeting's request");
    let all: Value = app.get("/api/deletions/list").await.json().await.unwrap();
    assert_eq!(all["rows"].as_array().unwrap().len(), 3, "one request per meeting: {all}");
    assert_eq!(app.metrics().await.value(taken_over), 6.0, "and its requests");
    app.clock.advance(Duration::from_secs(601));
    deletion_worker::tick(&app.state.work()).await;
    assert_eq!(batch(&app.http, id).await["phase"], "finished");
    assert!(carried_out_deletes(&app.upstream).values().all(|n| *n == 1));
}

/// A batch survives a restart: a new process on the same database picks it up where it was.
#[tokio::test]
async fn a_batch_goes_on_after_a_restart() {
    let upstream = Mock::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = database::fresh(dir.path()).await;
    let args = ["--api-key", crate::support::KEY, "--api-url", &upstream.url, "--delete-grace", "0"];
    let first = TestApp::launch_on(upstream.clone(), Some(db.clone()), &args).await;
    for n in 0..5 {
        upstream.mock.seed(&meeting(n), 1);
    }
    let text: String = (0..5).map(|n| format!("{}\n", meeting(n))).collect();
    let id = create(&first.http, &text).await.1["batch_id"].as_i64().unwrap();
    post(&first.http, "/api/bulk/start", &[("batch_id", &id.to_string())]).await;
    first.db.close().await;
    drop(first);

    let second = TestApp::launch_on(upstream.clone(), Some(db), &args).await;
    settle(&second).await;
    post(&second.http, "/api/bulk/request", &[("batch_id", &id.to_string()), ("reason", "after restart")]).await;
    settle(&second).await;
    deletion_worker::tick(&second.state.work()).await;
    let view = batch(&second.http, id).await;
    assert_eq!(view["phase"], "finished", "{view}");
    assert_eq!(view["totals"]["deleted_meetings"], 5);
}

/// Two replicas, each with its own workers, share one batch of 60: each meeting is looked up
/// and deleted once.
#[tokio::test]
async fn two_replicas_share_a_batch_and_do_each_meeting_once() {
    const N: usize = 60;
    let Replicas { upstream, apps, dir: _dir, .. } = TestApp::replicas(2, &["--delete-grace", "0"]).await;
    for n in 0..N {
        upstream.mock.seed(&meeting(500 + n), 1);
    }
    let text: String = (0..N).map(|n| format!("{}\n", meeting(500 + n))).collect();
    let id = create(&apps[0].http, &text).await.1["batch_id"].as_i64().unwrap();
    post(&apps[1].http, "/api/bulk/start", &[("batch_id", &id.to_string())]).await;
    // Both look, at once, besides their own workers.
    let (w0, w1) = (apps[0].state.work(), apps[1].state.work());
    tokio::join!(bulk_worker::tick(&w0), bulk_worker::tick(&w1));
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while batch(&apps[0].http, id).await["phase"] != "ready" {
        assert!(std::time::Instant::now() < deadline, "the look-up never finished");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let gets = upstream.mock.requests().iter().filter(|r| r.method == "GET").count();
    assert_eq!(gets, N, "each meeting looked up once");
    post(&apps[0].http, "/api/bulk/request", &[("batch_id", &id.to_string()), ("reason", "two replicas")]).await;
    let (w0, w1) = (apps[0].state.work(), apps[1].state.work());
    tokio::join!(bulk_worker::tick(&w0), bulk_worker::tick(&w1));
    loop {
        let view = batch(&apps[1].http, id).await;
        if view["phase"] == "finished" {
            assert_eq!(view["totals"]["deleted_meetings"], N as u64);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the batch never finished: {}", view["totals"]);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deletes = carried_out_deletes(&upstream);
    assert_eq!(deletes.len(), N);
    assert!(deletes.values().all(|n| *n == 1), "{deletes:?}");
    let all: Value = apps[0].get("/api/deletions/list").await.json().await.unwrap();
    assert_eq!(all["rows"].as_array().unwrap().len(), N);
}

/// Under two-person approval one decision covers the batch; the requester can never make it.
#[tokio::test]
async fn one_approval_covers_a_batch_and_never_the_requesters_own() {
    let app = TestApp::spawn_with(&["--delete-grace", "0", "--delete-approval", "required"]).await;
    for n in 0..3 {
        app.upstream.mock.seed(&meeting(700 + n), 2);
    }
    let text: String = (0..3).map(|n| format!("{}\n", meeting(700 + n))).collect();
    let id = create(&app.http, &text).await.1["batch_id"].as_i64().unwrap();
    let id_s = id.to_string();
    post(&app.http, "/api/bulk/start", &[("batch_id", &id_s)]).await;
    settle(&app).await;
    post(&app.http, "/api/bulk/request", &[("batch_id", &id_s), ("reason", "GDPR-900")]).await;
    settle(&app).await;
    let view = batch(&app.http, id).await;
    assert_eq!(view["awaiting"], 3);
    assert_eq!(view["own"], true);
    let (status, body) = post(&app.http, "/api/bulk/approve", &[("batch_id", &id_s)]).await;
    assert_eq!((status, body["kind"].as_str()), (403, Some("own_deletion_request")));
    users::add(&app.db, &app.clock, &Username::parse("bea").unwrap(), Role::Admin, PASSWORD).await.unwrap();
    let bea = app.as_user("bea").await;
    let (status, body) = post(&bea, "/api/bulk/approve", &[("batch_id", &id_s), ("comment", "checked the ticket")]).await;
    assert_eq!(status, 200, "{body}");
    deletion_worker::tick(&app.state.work()).await;
    let view = batch(&app.http, id).await;
    assert_eq!(view["phase"], "finished", "{view}");
    assert_eq!(view["totals"]["deleted_recordings"], 6);
    let approvals: Value = app.get("/api/audit/search?filter[action]=approve_deletion").await.json().await.unwrap();
    let outcomes: Vec<&str> = approvals["entries"].as_array().unwrap().iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    // The requester's attempt refused; then one for the batch and one per meeting.
    assert_eq!(outcomes, ["succeeded", "succeeded", "succeeded", "succeeded", "refused"], "{approvals}");
}

/// Under approval the webhook is told once for the whole batch, also when its last meeting is
/// one that is skipped.
#[tokio::test]
async fn the_approval_webhook_is_told_once_per_batch() {
    let hook = Hook::start(Answer::Take).await;
    let app = TestApp::spawn_with(&["--delete-grace", "0", "--delete-approval", "required", "--approval-webhook-url", &hook.url]).await;
    for n in 0..3 {
        app.upstream.mock.seed(&meeting(800 + n), 1);
    }
    // The last meeting of the list has no recordings: it is skipped, and is the last one decided.
    app.upstream.mock.seed(&meeting(803), 0);
    let text: String = (0..4).map(|n| format!("{}\n", meeting(800 + n))).collect();
    let id = create(&app.http, &text).await.1["batch_id"].as_i64().unwrap();
    post(&app.http, "/api/bulk/start", &[("batch_id", &id.to_string())]).await;
    settle(&app).await;
    post(&app.http, "/api/bulk/request", &[("batch_id", &id.to_string()), ("reason", "GDPR-901")]).await;
    settle(&app).await;
    let sent = hook.next(Duration::from_secs(10)).await.expect("the webhook is called");
    let said = sent["text"].as_str().unwrap();
    assert!(said.contains(&format!("Bulk deletion batch #{id} waits for approval: 3 deletion requests")), "{said}");
    assert!(said.contains(&format!("{}/bulk/{id}", app.url)), "{said}");
    settle(&app).await;
    assert!(hook.next(Duration::from_millis(1500)).await.is_none(), "told once");
    assert_eq!(sent["requests"], 3);
}
